#include "replication/hint_store.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <utility>

#include "common/crc32c.h"
#include "common/endian.h"

namespace memdb {

namespace {

constexpr size_t kReadChunk = 256 << 10;  // delivery and reload read hint files in batches
constexpr size_t kCopyChunk = 1 << 20;    // compaction copies this much at a time
// Hints handed out but not yet part of the delivered prefix (acknowledged ones wait behind an
// unanswered older one), per target: at most max(64, 4 * max_in_flight).
constexpr uint64_t kMinOutstanding = 64;
constexpr uint64_t kOutstandingPerFlight = 4;
constexpr std::string_view kTempSuffix = ".tmp";

std::string_view MagicView() { return {HintStore::kMagic, HintStore::kMagicSize}; }

// "<id>.hints" -> id; false for any other name.
bool ParseHintFileName(std::string_view name, NodeId* id) {
  const std::string_view suffix = HintStore::kFileSuffix;
  if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) {
    return false;
  }
  const std::string_view digits = name.substr(0, name.size() - suffix.size());
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *id);
  return ec == std::errc() && end == digits.data() + digits.size();
}

}  // namespace

// ============================================================================================
// State
// ============================================================================================

// One entry as read from a file.
struct HintStore::Entry {
  EntryKind kind = EntryKind::kHint;
  uint64_t value = 0;    // HINT: stored-at ms; DELIVERED: offset
  uint64_t size = 0;     // bytes of the whole entry
  oplog::Record record;  // HINT only; views the ReadBuffer
};

// A window [start, start + data.size()) of a file, so consecutive entries cost one read.
struct HintStore::ReadBuffer {
  uint64_t start = 0;
  std::string data;

  void Reset() {
    start = 0;
    data.clear();
  }
  // Makes [offset, offset + n) of a file of `size` bytes available; false when the file ends
  // before (a torn entry) or on an I/O error (then *error is set).
  bool Ensure(const RandomAccessFile& file, uint64_t size, uint64_t offset, uint64_t n,
              Status* error) {
    if (offset >= start && offset + n <= start + data.size()) return true;
    if (offset + n > size) return false;
    const uint64_t want = std::min<uint64_t>(std::max<uint64_t>(n, kReadChunk), size - offset);
    if (want <= kReadChunk && data.capacity() > 2 * kReadChunk) std::string().swap(data);
    Status s = file.Read(offset, static_cast<size_t>(want), &data);
    start = offset;
    if (!s.ok()) {
      data.clear();
      *error = std::move(s);
      return false;
    }
    return data.size() >= n;
  }
  const char* At(uint64_t offset) const { return data.data() + (offset - start); }
  uint64_t AvailableFrom(uint64_t offset) const { return start + data.size() - offset; }
};

// A hint handed out for delivery (or a DELIVERED entry passed over), until it joins the
// delivered prefix.
struct HintStore::Outstanding {
  enum class State : uint8_t { kInFlight, kFailed, kAcked };
  uint64_t end = 0;  // logical offset after the entry
  uint64_t stored_ms = 0;
  State state = State::kInFlight;
  bool hint = true;  // false: a DELIVERED entry
};

// Offsets are logical: they never change when the file is rewritten without its delivered
// prefix; the file's byte 0 is at logical offset `base`.
struct HintStore::Target {
  NodeId id = 0;
  std::string path;
  std::unique_ptr<WritableFile> writer;      // opened on the first append
  std::unique_ptr<RandomAccessFile> reader;  // opened on the first read
  ReadBuffer buffer;                         // physical offsets
  uint64_t base = 0;
  uint64_t end = 0;        // after the last entry (0: the file has no magic yet)
  uint64_t delivered = 0;  // every hint before it is acknowledged
  uint64_t marked = 0;     // `delivered` as the file records it (DELIVERED entry or file start)
  uint64_t cursor = 0;     // the next entry never handed out
  uint64_t pending = 0;    // hints not acknowledged
  uint64_t in_flight = 0;
  uint64_t failed = 0;          // outstanding hints whose send failed
  uint64_t oldest_ms = 0;       // stored-at of the oldest pending hint
  bool oldest_unknown = false;  // a reloaded hint from another time base (a reboot)
  bool dirty = false;           // appended since the last sync
  bool broken = false;          // a failed write could not be undone: no more appends
  std::map<uint64_t, Outstanding> outstanding;  // covers [delivered, cursor) exactly

  uint64_t FileSize() const { return end == 0 ? 0 : end - base; }
};

HintStore::HintStore(FileSystem* fs, const HintOptions& options) : fs_(fs), options_(options) {}
HintStore::~HintStore() = default;

std::string HintStore::PathOf(NodeId target) const {
  return JoinPath(options_.dir, std::to_string(target) + kFileSuffix);
}

// ============================================================================================
// Entry format
// ============================================================================================

void HintStore::EncodeEntryPrefix(EntryKind kind, uint64_t value, std::string* out) {
  char prefix[kEntryPrefixSize];
  prefix[4] = static_cast<char>(kind);
  EncodeU64(prefix + 5, value);
  EncodeU32(prefix, crc32c::Mask(crc32c::Value(prefix + 4, kEntryPrefixSize - 4)));
  out->append(prefix, kEntryPrefixSize);
}

HintStore::ParseResult HintStore::ReadEntry(const RandomAccessFile& file, uint64_t size,
                                            uint64_t offset, ReadBuffer* buffer, Entry* out,
                                            Status* error) {
  if (offset >= size) return ParseResult::kEnd;
  auto incomplete = [&] { return error->ok() ? ParseResult::kTorn : ParseResult::kIoError; };
  if (!buffer->Ensure(file, size, offset, kEntryPrefixSize, error)) return incomplete();
  const char* p = buffer->At(offset);
  if (crc32c::Unmask(DecodeU32(p)) != crc32c::Value(p + 4, kEntryPrefixSize - 4)) {
    return ParseResult::kCorrupt;
  }
  const auto kind = static_cast<EntryKind>(static_cast<uint8_t>(p[4]));
  out->kind = kind;
  out->value = DecodeU64(p + 5);
  if (kind == EntryKind::kDelivered) {
    out->size = kEntryPrefixSize;
    return ParseResult::kOk;
  }
  if (kind != EntryKind::kHint) return ParseResult::kCorrupt;
  const uint64_t record_offset = offset + kEntryPrefixSize;
  if (!buffer->Ensure(file, size, record_offset, oplog::kRecordHeaderSize, error)) {
    return incomplete();
  }
  auto decode = [&] {
    return oplog::DecodeRecord(
        std::string_view(buffer->At(record_offset), buffer->AvailableFrom(record_offset)),
        &out->record);
  };
  oplog::DecodeResult decoded = decode();
  if (decoded.status == oplog::DecodeStatus::kNeedMore) {
    if (!buffer->Ensure(file, size, record_offset, decoded.size, error)) return incomplete();
    decoded = decode();
  }
  if (decoded.status != oplog::DecodeStatus::kOk) return ParseResult::kCorrupt;
  out->size = kEntryPrefixSize + decoded.size;
  return ParseResult::kOk;
}

// ============================================================================================
// Open and reload
// ============================================================================================

Result<std::unique_ptr<HintStore>> HintStore::Open(FileSystem* fs, const HintOptions& options,
                                                   uint64_t now_ms) {
  if (options.dir.empty()) {
    return Status(Code::kInvalidArgument, "hints: no directory configured");
  }
  std::unique_ptr<HintStore> store(new HintStore(fs, options));
  if (Status s = fs->CreateDir(options.dir); !s.ok()) return s;
  auto names = fs->ListDir(options.dir);
  if (!names.ok()) return names.status();
  std::sort(names->begin(), names->end());
  for (const std::string& name : *names) {
    const std::string path = JoinPath(options.dir, name);
    NodeId id = 0;
    if (name.size() > kTempSuffix.size() &&
        name.substr(name.size() - kTempSuffix.size()) == kTempSuffix &&
        ParseHintFileName(std::string_view(name).substr(0, name.size() - kTempSuffix.size()),
                          &id)) {
      // A rewrite interrupted before its rename: the original file is still whole.
      (void)fs->Remove(path);
      store->dir_dirty_ = true;
      continue;
    }
    if (!ParseHintFileName(name, &id)) continue;
    if (Status s = store->Load(id, path, now_ms); !s.ok()) return s;
  }
  if (store->dir_dirty_) {
    if (Status s = fs->SyncDir(options.dir); !s.ok()) return s;
    store->dir_dirty_ = false;
  }
  store->counters_.targets = store->targets_.size();
  return store;
}

Status HintStore::Load(NodeId target, const std::string& path, uint64_t now_ms) {
  auto opened = fs_->OpenReadable(path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<RandomAccessFile> reader = std::move(opened).value();
  auto size_or = reader->Size();
  if (!size_or.ok()) return size_or.status();
  const uint64_t size = *size_or;
  auto remove = [&] {
    dir_dirty_ = true;
    Status s = fs_->Remove(path);
    return s.code() == Code::kNotFound ? Status::Ok() : s;
  };

  // The magic: a shorter prefix of it is a file torn right after its creation.
  std::string head;
  if (Status s = reader->Read(0, kMagicSize, &head); !s.ok()) return s;
  if (head != MagicView()) {
    if (head.size() < kMagicSize && MagicView().substr(0, head.size()) == head) {
      ++counters_.torn_tails;
    } else {
      ++counters_.corrupt;
    }
    return remove();
  }

  // Pass 1: the valid entries, and the last DELIVERED offset.
  ReadBuffer buffer;
  Entry entry;
  Status error;
  uint64_t offset = kMagicSize;
  uint64_t delivered = kMagicSize;
  ParseResult result;
  while ((result = ReadEntry(*reader, size, offset, &buffer, &entry, &error)) == ParseResult::kOk) {
    if (entry.kind == EntryKind::kDelivered && entry.value >= kMagicSize && entry.value <= offset) {
      delivered = entry.value;
    }
    offset += entry.size;
  }
  if (result == ParseResult::kIoError) return error;
  if (result == ParseResult::kTorn) ++counters_.torn_tails;
  if (result == ParseResult::kCorrupt) ++counters_.corrupt;
  const uint64_t valid_end = offset;
  if (valid_end < size) {
    // Later appends must follow a valid entry, or they could never be read back.
    if (Status s = fs_->Truncate(path, valid_end); !s.ok()) return s;
  }

  // Pass 2: the hints not yet delivered (from the DELIVERED offset; from the start if that
  // offset turns out not to be an entry boundary).
  uint64_t pending = 0;
  uint64_t oldest_ms = 0;
  for (const uint64_t start : {delivered, uint64_t{kMagicSize}}) {
    pending = 0;
    buffer.Reset();
    offset = start;
    while ((result = ReadEntry(*reader, valid_end, offset, &buffer, &entry, &error)) ==
           ParseResult::kOk) {
      if (entry.kind == EntryKind::kHint && pending++ == 0) oldest_ms = entry.value;
      offset += entry.size;
    }
    if (result == ParseResult::kIoError) return error;
    if (result == ParseResult::kEnd) {
      delivered = start;
      break;
    }
  }
  if (pending == 0) return remove();

  auto t = std::make_unique<Target>();
  t->id = target;
  t->path = path;
  t->reader = std::move(reader);
  t->end = valid_end;
  t->delivered = t->marked = t->cursor = delivered;
  t->pending = pending;
  t->oldest_ms = oldest_ms;
  t->oldest_unknown = oldest_ms > now_ms;
  counters_.bytes += valid_end;
  counters_.pending += pending;
  counters_.reloaded += pending;
  targets_[target] = std::move(t);
  return Status::Ok();
}

// ============================================================================================
// Writing
// ============================================================================================

Status HintStore::OpenWriter(Target* t, OpenMode mode) {
  auto opened = fs_->OpenWritable(t->path, mode);
  if (!opened.ok()) return opened.status();
  t->writer = std::move(opened).value();
  return Status::Ok();
}

Status HintStore::Append(Target* t, std::string_view data) {
  if (t->broken) {
    return Status(Code::kIoError, t->path + ": not writable after an earlier write failure");
  }
  if (t->writer == nullptr) {
    const bool create = t->end == 0;
    if (Status s = OpenWriter(t, create ? OpenMode::kTruncate : OpenMode::kAppend); !s.ok()) {
      return s;
    }
    if (create) dir_dirty_ = true;
  }
  Status s = t->writer->Append(data);
  if (s.ok()) {
    t->end = (t->end == 0 ? t->base : t->end) + data.size();
    counters_.bytes += data.size();
    t->dirty = true;
    return s;
  }
  // Part of the entry may have been written: cut it off, or later entries would follow
  // garbage and could never be read back.
  t->writer.reset();
  t->buffer.Reset();
  Status undo = fs_->Truncate(t->path, t->FileSize());
  if (!undo.ok() && undo.code() != Code::kNotFound) t->broken = true;
  return s;
}

bool HintStore::Add(NodeId target, const oplog::Record& record, uint64_t now_ms) {
  if (!options_.enabled) return false;
  if (!oplog::IsEncodable(record)) {
    ++counters_.write_errors;
    return false;
  }
  auto it = targets_.find(target);
  Target* t = it == targets_.end() ? nullptr : it->second.get();
  if (t != nullptr && t->pending > 0) {
    const uint64_t age = now_ms > t->oldest_ms ? now_ms - t->oldest_ms : 0;
    if (t->oldest_unknown || age > options_.window_ms) {
      ++counters_.dropped_window;
      return false;
    }
  }
  const bool new_file = t == nullptr || t->end == 0;
  const uint64_t size = (new_file ? kMagicSize : 0) + kEntryPrefixSize + oplog::EncodedSize(record);
  if (counters_.bytes + size > options_.max_bytes) {
    ++counters_.dropped_full;
    return false;
  }
  if (t == nullptr) {
    auto created = std::make_unique<Target>();
    created->id = target;
    created->path = PathOf(target);
    created->delivered = created->marked = created->cursor = kMagicSize;
    t = created.get();
    targets_[target] = std::move(created);
    counters_.targets = targets_.size();
  }
  std::string data;
  data.reserve(size);
  if (new_file) data.append(MagicView());
  EncodeEntryPrefix(EntryKind::kHint, now_ms, &data);
  oplog::AppendRecord(record, &data);
  if (Status s = Append(t, data); !s.ok()) {
    ++counters_.write_errors;
    return false;
  }
  if (t->pending == 0) {
    t->oldest_ms = now_ms;
    t->oldest_unknown = false;
  }
  ++t->pending;
  ++counters_.pending;
  ++counters_.stored;
  return true;
}

std::vector<NodeId> HintStore::Targets() const {
  std::vector<NodeId> out;
  for (const auto& [id, t] : targets_) {
    if (t->pending > 0) out.push_back(id);
  }
  return out;
}

// ============================================================================================
// Flush: progress, removal, rewrite, sync
// ============================================================================================

Status HintStore::Flush() {
  Status first;
  auto note = [&first](Status s) {
    if (!s.ok() && first.ok()) first = std::move(s);
  };
  for (auto it = targets_.begin(); it != targets_.end();) {
    Target* t = it->second.get();
    if (t->pending == 0 && t->in_flight == 0) {
      // Every hint acknowledged: the file goes (durable with the SyncDir below).
      t->writer.reset();
      t->reader.reset();
      Status s = fs_->Remove(t->path);
      if (s.ok() || s.code() == Code::kNotFound) {
        dir_dirty_ = true;
        counters_.bytes -= t->FileSize();
        it = targets_.erase(it);
        counters_.targets = targets_.size();
        continue;
      }
      note(std::move(s));
    } else {
      note(FlushTarget(t));
    }
    ++it;
  }
  if (dir_dirty_) {
    Status s = fs_->SyncDir(options_.dir);
    if (s.ok()) dir_dirty_ = false;
    note(std::move(s));
  }
  return first;
}

Status HintStore::FlushTarget(Target* t) {
  if (t->broken) return Status(Code::kIoError, t->path + ": not writable");
  const uint64_t dead = t->delivered - t->base - kMagicSize;
  const uint64_t live = t->end - t->delivered;
  if (dead >= kCompactMinDeadBytes && dead >= live) return Compact(t);
  if (t->delivered != t->marked) {
    std::string marker;
    EncodeEntryPrefix(EntryKind::kDelivered, t->delivered - t->base, &marker);
    if (Status s = Append(t, marker); !s.ok()) {
      ++counters_.write_errors;
      return s;
    }
    t->marked = t->delivered;
  }
  if (!t->dirty) return Status::Ok();
  if (t->writer == nullptr) {
    if (Status s = OpenWriter(t, OpenMode::kAppend); !s.ok()) return s;
  }
  Status s = t->writer->Sync();
  if (s.ok()) t->dirty = false;
  return s;
}

// Writes the undelivered part to `<file>.tmp`, syncs it and renames it over the file. A crash
// before the directory sync leaves the old file: its hints are delivered again.
Status HintStore::Compact(Target* t) {
  if (t->reader == nullptr) {
    if (Status s = OpenReader(t); !s.ok()) return s;
  }
  const std::string temp = t->path + std::string(kTempSuffix);
  auto opened = fs_->OpenWritable(temp, OpenMode::kTruncate);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<WritableFile> out = std::move(opened).value();
  dir_dirty_ = true;
  if (Status s = out->Append(MagicView()); !s.ok()) return s;
  std::string chunk;
  for (uint64_t offset = t->delivered - t->base; offset < t->FileSize();) {
    const uint64_t n = std::min<uint64_t>(kCopyChunk, t->FileSize() - offset);
    if (Status s = t->reader->Read(offset, static_cast<size_t>(n), &chunk); !s.ok()) return s;
    if (chunk.size() != n) {
      return Status(Code::kIoError, t->path + ": shorter than expected while rewriting");
    }
    if (Status s = out->Append(chunk); !s.ok()) return s;
    offset += n;
  }
  if (Status s = out->Sync(); !s.ok()) return s;
  if (Status s = out->Close(); !s.ok()) return s;
  if (Status s = fs_->Rename(temp, t->path); !s.ok()) return s;
  const uint64_t old_size = t->FileSize();
  t->base = t->delivered - kMagicSize;
  counters_.bytes -= old_size - t->FileSize();
  t->marked = t->delivered;
  t->writer.reset();
  t->reader.reset();
  t->buffer.Reset();
  t->dirty = false;
  return Status::Ok();
}

// ============================================================================================
// Delivery
// ============================================================================================

Status HintStore::OpenReader(Target* t) {
  auto opened = fs_->OpenReadable(t->path);
  if (!opened.ok()) return opened.status();
  t->reader = std::move(opened).value();
  t->buffer.Reset();
  return Status::Ok();
}

Status HintStore::ReadAt(Target* t, uint64_t offset, bool cut_if_corrupt, Entry* out) {
  if (t->reader == nullptr) {
    if (Status s = OpenReader(t); !s.ok()) return s;
  }
  Status error;
  switch (ReadEntry(*t->reader, t->FileSize(), offset - t->base, &t->buffer, out, &error)) {
    case ParseResult::kOk:
      return Status::Ok();
    case ParseResult::kIoError:
      return error;
    case ParseResult::kEnd:
      return Status(Code::kInternal, t->path + ": read past the last hint");
    case ParseResult::kTorn:
    case ParseResult::kCorrupt:
      break;
  }
  if (cut_if_corrupt) (void)CutAt(t, offset);
  return Status(Code::kCorruption,
                t->path + ": corrupt hint at offset " + std::to_string(offset - t->base));
}

Status HintStore::CutAt(Target* t, uint64_t offset) {
  ++counters_.corrupt;
  counters_.bytes -= t->end - offset;
  t->end = offset;
  t->writer.reset();
  t->buffer.Reset();
  // What is left undelivered: the hints handed out and not acknowledged.
  uint64_t pending = 0;
  for (const auto& entry : t->outstanding) {
    if (entry.second.hint && entry.second.state != Outstanding::State::kAcked) ++pending;
  }
  counters_.pending -= t->pending - pending;
  t->pending = pending;
  Status s = fs_->Truncate(t->path, t->FileSize());
  if (!s.ok()) t->broken = true;
  return s;
}

Result<bool> HintStore::NextHint(NodeId target, HintToSend* out) {
  auto it = targets_.find(target);
  if (it == targets_.end()) return false;
  Target* t = it->second.get();
  Entry entry;
  if (t->failed > 0) {
    for (auto& [offset, o] : t->outstanding) {
      if (o.state != Outstanding::State::kFailed) continue;
      if (Status s = ReadAt(t, offset, false, &entry); !s.ok()) {
        ++counters_.read_errors;
        return s;
      }
      o.state = Outstanding::State::kInFlight;
      --t->failed;
      ++t->in_flight;
      ++counters_.in_flight;
      out->id = offset;
      out->record = entry.record;
      return true;
    }
  }
  const uint64_t max_outstanding =
      std::max<uint64_t>(kMinOutstanding, kOutstandingPerFlight * options_.max_in_flight);
  if (t->outstanding.size() >= max_outstanding) return false;
  while (t->cursor < t->end) {
    const uint64_t offset = t->cursor;
    if (Status s = ReadAt(t, offset, true, &entry); !s.ok()) {
      if (s.code() == Code::kCorruption) return false;  // the file was cut there: nothing left
      ++counters_.read_errors;
      return s;
    }
    t->cursor += entry.size;
    if (entry.kind == EntryKind::kDelivered) {
      t->outstanding[offset] = {t->cursor, 0, Outstanding::State::kAcked, false};
      AdvanceDelivered(t);
      continue;
    }
    t->outstanding[offset] = {t->cursor, entry.value, Outstanding::State::kInFlight, true};
    ++t->in_flight;
    ++counters_.in_flight;
    out->id = offset;
    out->record = entry.record;
    return true;
  }
  return false;
}

void HintStore::AdvanceDelivered(Target* t) {
  while (!t->outstanding.empty()) {
    auto head = t->outstanding.begin();
    if (head->first != t->delivered || head->second.state != Outstanding::State::kAcked) break;
    t->delivered = head->second.end;
    t->outstanding.erase(head);
  }
  if (t->pending == 0) {
    t->oldest_unknown = false;
    return;
  }
  if (!t->outstanding.empty()) {
    t->oldest_ms = t->outstanding.begin()->second.stored_ms;
    return;
  }
  // Nothing handed out: the oldest pending hint is the next entry (past DELIVERED entries).
  Entry entry;
  while (t->cursor < t->end && ReadAt(t, t->cursor, false, &entry).ok()) {
    if (entry.kind == EntryKind::kHint) {
      t->oldest_ms = entry.value;
      return;
    }
    t->cursor += entry.size;
    t->delivered = t->cursor;
  }
}

void HintStore::OnDelivered(NodeId target, uint64_t id) {
  auto it = targets_.find(target);
  if (it == targets_.end()) return;
  Target* t = it->second.get();
  auto o = t->outstanding.find(id);
  if (o == t->outstanding.end() || o->second.state != Outstanding::State::kInFlight) return;
  o->second.state = Outstanding::State::kAcked;
  --t->in_flight;
  --counters_.in_flight;
  --t->pending;
  --counters_.pending;
  ++counters_.delivered;
  AdvanceDelivered(t);
}

void HintStore::OnDeliveryFailed(NodeId target, uint64_t id) {
  auto it = targets_.find(target);
  if (it == targets_.end()) return;
  Target* t = it->second.get();
  auto o = t->outstanding.find(id);
  if (o == t->outstanding.end() || o->second.state != Outstanding::State::kInFlight) return;
  o->second.state = Outstanding::State::kFailed;
  --t->in_flight;
  --counters_.in_flight;
  ++t->failed;
  ++counters_.delivery_failures;
}

uint64_t HintStore::InFlight(NodeId target) const {
  auto it = targets_.find(target);
  return it == targets_.end() ? 0 : it->second->in_flight;
}

// ============================================================================================
// Stats
// ============================================================================================

void HintStore::AppendStats(std::vector<protocol::Stat>* out) const {
  const HintCounters& c = counters_;
  out->insert(out->end(), {
                              {"hints_stored", c.stored},
                              {"hints_reloaded", c.reloaded},
                              {"hints_pending", c.pending},
                              {"hints_bytes", c.bytes},
                              {"hints_targets", c.targets},
                              {"hints_in_flight", c.in_flight},
                              {"hints_delivered", c.delivered},
                              {"hints_dropped_window", c.dropped_window},
                              {"hints_dropped_full", c.dropped_full},
                              {"hints_write_errors", c.write_errors},
                              {"hints_read_errors", c.read_errors},
                              {"hints_torn_tails", c.torn_tails},
                              {"hints_corrupt", c.corrupt},
                              {"hint_delivery_failures", c.delivery_failures},
                          });
}

}  // namespace memdb
