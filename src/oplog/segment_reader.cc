#include "oplog/segment_reader.h"

#include <lz4.h>

#include <algorithm>
#include <utility>

#include "common/endian.h"

namespace memdb::oplog {

namespace {

constexpr size_t kReadChunk = size_t{1} << 20;

}  // namespace

const char* ReadModeName(ReadMode mode) {
  return mode == ReadMode::kStrict ? "strict" : "skip_corrupt";
}

// ============================================================================================
// Opening
// ============================================================================================

SegmentReader::SegmentReader(FileSystem* fs, SegmentRef segment, SegmentReaderOptions options)
    : fs_(fs), segment_(std::move(segment)), options_(options) {}

SegmentReader::~SegmentReader() = default;

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(FileSystem* fs,
                                                           const SegmentRef& segment,
                                                           const SegmentReaderOptions& options) {
  std::unique_ptr<SegmentReader> reader(new SegmentReader(fs, segment, options));
  if (Status s = reader->Init(); !s.ok()) return s;
  return reader;
}

Status SegmentReader::Init() {
  auto file = fs_->OpenReadable(segment_.path);
  if (!file.ok()) return file.status();
  file_ = std::move(file).value();
  auto size = file_->Size();
  if (!size.ok()) return size.status();
  file_size_ = *size;
  data_end_ = file_size_;

  const bool plain = segment_.kind == SegmentKind::kPlain;
  if (!plain && file_size_ < kSegmentHeaderSize + kFooterSize) {
    pending_damage_ = Damage{0, file_size_, "compressed segment too short for header and footer"};
    pending_resume_ = file_size_;
    return Status::Ok();
  }

  auto avail = Ensure(0, kSegmentHeaderSize);
  if (!avail.ok()) return avail.status();
  auto header = DecodeSegmentHeader(View(0, *avail));
  std::string problem;
  if (!header.ok()) {
    problem = header.status().message();
  } else if (header->segment_id != segment_.id || header->kind != segment_.kind) {
    problem = "header says segment " + std::to_string(header->segment_id) + " of kind " +
              std::to_string(static_cast<int>(header->kind)) + ", not what the file name says";
    header_ = *header;
  } else {
    header_ = *header;
  }
  pos_ = kSegmentHeaderSize;
  if (!problem.empty()) {
    pending_damage_ = Damage{0, kSegmentHeaderSize, problem};
    // A plain tail segment whose header is bad may be a torn first write: let OnDamage decide
    // by looking for valid records after it. Otherwise skip the header's bytes.
    if (plain && !header.ok()) {
      pos_ = 0;
    } else {
      pending_resume_ = kSegmentHeaderSize;
    }
  }

  if (!plain) {
    data_end_ = file_size_ - kFooterSize;
    auto got = Ensure(data_end_, kFooterSize);
    if (!got.ok()) return got.status();
    auto footer = DecodeFooter(View(data_end_, *got));
    if (footer.ok()) {
      footer_ = *footer;
    } else if (options_.mode == ReadMode::kStrict) {
      pending_error_ = Status(Code::kCorruption, segment_.path + ": " + footer.status().message() +
                                                     " at offset " + std::to_string(data_end_));
    } else {
      skipped_.push_back(Damage{data_end_, kFooterSize, footer.status().message()});
    }
  }
  return Status::Ok();
}

// ============================================================================================
// The window
// ============================================================================================

Result<size_t> SegmentReader::Ensure(uint64_t offset, size_t n) {
  const uint64_t end = std::min<uint64_t>(offset + n, file_size_);
  if (offset >= end) return size_t{0};
  uint64_t window_end = window_offset_ + window_.size();
  if (offset < window_offset_ || offset > window_end) {
    window_.clear();
    window_offset_ = offset;
    window_end = offset;
  }
  if (end > window_end) {
    window_.erase(0, offset - window_offset_);
    window_offset_ = offset;
    const uint64_t want = std::min<uint64_t>(std::max<uint64_t>(end - window_end, kReadChunk),
                                             file_size_ - window_end);
    if (Status s = file_->Read(window_end, static_cast<size_t>(want), &scratch_); !s.ok()) {
      return s;
    }
    if (scratch_.size() != want) {
      return Status(Code::kIoError, segment_.path + ": file shrank while being read");
    }
    window_.append(scratch_);
  }
  return static_cast<size_t>(end - offset);
}

size_t SegmentReader::WindowBytesFrom(uint64_t offset) const {
  const uint64_t end = std::min<uint64_t>(window_offset_ + window_.size(), data_end_);
  return offset >= end || offset < window_offset_ ? 0 : static_cast<size_t>(end - offset);
}

std::string_view SegmentReader::View(uint64_t offset, size_t n) const {
  return std::string_view(window_.data() + (offset - window_offset_), n);
}

// ============================================================================================
// Reading
// ============================================================================================

SegmentReader::Next SegmentReader::Fail(Status status) {
  status_ = std::move(status);
  done_ = true;
  return Next::kError;
}

SegmentReader::Next SegmentReader::Read(Record* record, uint64_t* offset) {
  if (!status_.ok()) return Next::kError;
  if (!pending_error_.ok()) return Fail(std::move(pending_error_));
  if (pending_damage_) {
    Damage d = std::move(*pending_damage_);
    pending_damage_.reset();
    const Next n = OnDamage(d.offset, d.reason, pending_resume_);
    if (n != Next::kRecord) return n;
  }
  uint64_t ignored = 0;
  if (offset == nullptr) offset = &ignored;
  return segment_.kind == SegmentKind::kPlain ? ReadPlain(record, offset)
                                              : ReadCompressed(record, offset);
}

SegmentReader::Next SegmentReader::ReadPlain(Record* record, uint64_t* offset) {
  while (true) {
    if (done_) return Next::kEnd;
    if (pos_ >= data_end_) {
      done_ = true;
      return Next::kEnd;
    }
    // Decode from everything the window holds, so most records need no further read.
    auto avail = Ensure(pos_, kRecordHeaderSize + kRecordBodyFixedSize);
    if (!avail.ok()) return Fail(avail.status());
    DecodeResult r = DecodeRecord(View(pos_, WindowBytesFrom(pos_)), record);
    if (r.status == DecodeStatus::kNeedMore && r.size > 0 && pos_ + r.size <= data_end_) {
      avail = Ensure(pos_, r.size);
      if (!avail.ok()) return Fail(avail.status());
      r = DecodeRecord(View(pos_, WindowBytesFrom(pos_)), record);
    }
    if (r.status == DecodeStatus::kOk) {
      *offset = pos_;
      pos_ += r.size;
      ++records_read_;
      return Next::kRecord;
    }
    const Next n = OnDamage(pos_, DecodeStatusName(r.status));
    if (n != Next::kRecord) return n;
  }
}

SegmentReader::Next SegmentReader::ReadCompressed(Record* record, uint64_t* offset) {
  while (true) {
    if (raw_pos_ < raw_.size()) {
      const DecodeResult r = DecodeRecord(std::string_view(raw_).substr(raw_pos_), record);
      if (r.status == DecodeStatus::kOk) {
        raw_pos_ += r.size;
        *offset = block_offset_;
        ++records_read_;
        return Next::kRecord;
      }
      // The block's checksum verified, yet a record in it does not decode.
      raw_.clear();
      raw_pos_ = 0;
      const Next n = OnDamage(
          block_offset_, std::string("record inside block: ") + DecodeStatusName(r.status), pos_);
      if (n != Next::kRecord) return n;
      continue;
    }
    if (done_) return Next::kEnd;
    if (pos_ >= data_end_) {
      done_ = true;
      if (footer_ && skipped_.empty() &&
          (records_read_ != footer_->record_count || blocks_read_ != footer_->block_count)) {
        return Fail(
            Status(Code::kCorruption,
                   segment_.path + ": footer says " + std::to_string(footer_->record_count) +
                       " records in " + std::to_string(footer_->block_count) + " blocks, found " +
                       std::to_string(records_read_) + " in " + std::to_string(blocks_read_)));
      }
      return Next::kEnd;
    }
    const uint64_t start = pos_;
    const Status s = LoadBlock();
    if (s.ok()) continue;
    if (s.code() != Code::kCorruption) return Fail(s);
    const Next n = OnDamage(start, s.message());
    if (n != Next::kRecord) return n;
  }
}

Status SegmentReader::LoadBlock() {
  auto avail = Ensure(pos_, kBlockHeaderSize);
  if (!avail.ok()) return avail.status();
  if (*avail < kBlockHeaderSize || pos_ + kBlockHeaderSize > data_end_) {
    return Status(Code::kCorruption, "incomplete block header");
  }
  const BlockHeader h = PeekBlockHeader(View(pos_, kBlockHeaderSize).data());
  if (!PlausibleBlockHeader(h)) return Status(Code::kCorruption, "implausible block lengths");
  const uint64_t block_size = kBlockHeaderSize + uint64_t{h.compressed_len};
  if (pos_ + block_size > data_end_) {
    return Status(Code::kCorruption, "block runs past the end of the data");
  }
  avail = Ensure(pos_, block_size);
  if (!avail.ok()) return avail.status();
  const char* p = View(pos_, block_size).data();
  if (!BlockChecksumOk(p, h)) return Status(Code::kCorruption, "block checksum mismatch");
  raw_.resize(h.raw_len);
  const int n =
      LZ4_decompress_safe(p + kBlockHeaderSize, raw_.data(), static_cast<int>(h.compressed_len),
                          static_cast<int>(h.raw_len));
  if (n < 0 || static_cast<uint32_t>(n) != h.raw_len) {
    raw_.clear();
    return Status(Code::kCorruption, "block does not decompress");
  }
  block_offset_ = pos_;
  pos_ += block_size;
  raw_pos_ = 0;
  ++blocks_read_;
  return Status::Ok();
}

// ============================================================================================
// Damage
// ============================================================================================

SegmentReader::Next SegmentReader::OnDamage(uint64_t offset, const std::string& reason,
                                            std::optional<uint64_t> resume_at) {
  const bool torn_possible = segment_.kind == SegmentKind::kPlain && options_.is_tail;
  auto corruption = [&](const std::string& extra) {
    return Status(Code::kCorruption,
                  segment_.path + ": " + reason + " at offset " + std::to_string(offset) + extra);
  };
  if (options_.mode == ReadMode::kStrict && (!torn_possible || resume_at)) {
    return Fail(corruption(""));
  }
  uint64_t resume = data_end_;
  if (resume_at) {
    resume = *resume_at;
  } else {
    auto next = FindNextValid(offset + 1);
    if (!next.ok()) return Fail(next.status());
    if (next->has_value()) {
      resume = **next;
    } else if (torn_possible) {
      torn_tail_ = Damage{offset, file_size_ - offset, reason};
      done_ = true;
      return Next::kEnd;
    }
    if (options_.mode == ReadMode::kStrict) {
      return Fail(corruption(" (valid records resume at offset " + std::to_string(resume) + ")"));
    }
  }
  skipped_.push_back(Damage{offset, resume - offset, reason});
  pos_ = resume;
  return Next::kRecord;
}

Result<std::optional<uint64_t>> SegmentReader::FindNextValid(uint64_t from) {
  const bool plain = segment_.kind == SegmentKind::kPlain;
  const uint64_t min_size = plain ? kRecordHeaderSize + kRecordBodyFixedSize : kBlockHeaderSize;
  for (uint64_t p = from; p + min_size <= data_end_; ++p) {
    auto valid = plain ? ValidRecordAt(p) : ValidBlockAt(p);
    if (!valid.ok()) return valid.status();
    if (*valid) return std::optional<uint64_t>(p);
  }
  return std::optional<uint64_t>();
}

Result<bool> SegmentReader::ValidRecordAt(uint64_t p) {
  // Cheap structural checks first, so that scanning garbage rarely computes a checksum over a
  // long claimed length (the key length check alone divides that work by ~2^7 .. 2^32).
  constexpr size_t kFixed = kRecordHeaderSize + kRecordBodyFixedSize;
  auto avail = Ensure(p, kFixed);
  if (!avail.ok()) return avail.status();
  if (*avail < kFixed) return false;
  const char* h = View(p, kFixed).data();
  const uint32_t length = DecodeU32(h + 4);
  const auto type = static_cast<uint8_t>(h[8]);
  const uint32_t key_len = DecodeU32(h + 21);
  if (length < kRecordBodyFixedSize || length > kMaxRecordBody ||
      p + kRecordHeaderSize + length > data_end_ || key_len > length - kRecordBodyFixedSize) {
    return false;
  }
  if (type == static_cast<uint8_t>(RecordType::kDelete)) {
    if (key_len != length - kRecordBodyFixedSize) return false;
  } else if (type != static_cast<uint8_t>(RecordType::kPut)) {
    return false;
  }
  avail = Ensure(p, kRecordHeaderSize + length);
  if (!avail.ok()) return avail.status();
  Record ignored;
  return DecodeRecord(View(p, *avail), &ignored).status == DecodeStatus::kOk;
}

Result<bool> SegmentReader::ValidBlockAt(uint64_t p) {
  auto avail = Ensure(p, kBlockHeaderSize);
  if (!avail.ok()) return avail.status();
  if (*avail < kBlockHeaderSize) return false;
  const BlockHeader h = PeekBlockHeader(View(p, kBlockHeaderSize).data());
  if (!PlausibleBlockHeader(h) || p + kBlockHeaderSize + h.compressed_len > data_end_) {
    return false;
  }
  avail = Ensure(p, kBlockHeaderSize + h.compressed_len);
  if (!avail.ok()) return avail.status();
  return BlockChecksumOk(View(p, *avail).data(), h);
}

}  // namespace memdb::oplog
