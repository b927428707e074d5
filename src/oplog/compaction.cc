#include "oplog/compaction.h"

#include <xxhash.h>

#include <algorithm>
#include <utility>

#include "oplog/segment_writer.h"

namespace memdb::oplog {

// ============================================================================================
// Policy and plans
// ============================================================================================

bool ShouldCompact(const CompactionPolicy& policy, uint64_t log_bytes, uint64_t live_bytes) {
  if (log_bytes < policy.min_log_bytes) return false;
  return static_cast<double>(log_bytes) > policy.max_log_ratio * static_cast<double>(live_bytes);
}

const char* JobKindName(JobKind kind) { return kind == JobKind::kSeal ? "seal" : "compact"; }

const char* CompactionPhaseName(CompactionPhase phase) {
  switch (phase) {
    case CompactionPhase::kIndexing:
      return "indexing";
    case CompactionPhase::kWriting:
      return "writing";
    case CompactionPhase::kInstalling:
      return "installing";
    case CompactionPhase::kDeleting:
      return "deleting";
    case CompactionPhase::kDone:
      return "done";
    case CompactionPhase::kFailed:
      return "failed";
  }
  return "?";
}

namespace {

void AddSealedTail(const OplogWriter& writer, CompactionPlan* plan) {
  for (const SealedSegment& s : writer.sealed_tail()) {
    plan->inputs.push_back(
        SegmentRef{JoinPath(plan->dir, SegmentFileName(s.id, SegmentKind::kPlain)), s.id,
                   SegmentKind::kPlain});
    plan->input_bytes += s.size;
  }
}

}  // namespace

std::optional<CompactionPlan> PlanSeal(OplogWriter* writer, ReadMode read_mode) {
  if (writer->sealed_tail().empty()) return std::nullopt;
  CompactionPlan plan;
  plan.kind = JobKind::kSeal;
  plan.dir = writer->options().dir;
  plan.base = writer->manifest();
  plan.read_mode = read_mode;
  AddSealedTail(*writer, &plan);
  plan.tail_from_id = writer->unsealed_from_id();
  plan.output_id = writer->AllocateSegmentId();
  return plan;
}

std::optional<CompactionPlan> PlanCompaction(OplogWriter* writer, Timestamp tombstone_cutoff,
                                             ReadMode read_mode) {
  if (writer->sealed_tail().empty() && writer->manifest().segments.empty()) return std::nullopt;
  CompactionPlan plan;
  plan.kind = JobKind::kCompact;
  plan.dir = writer->options().dir;
  plan.base = writer->manifest();
  plan.read_mode = read_mode;
  plan.tombstone_cutoff = tombstone_cutoff;
  for (const ManifestEntry& e : plan.base.segments) {
    plan.inputs.push_back(
        SegmentRef{JoinPath(plan.dir, SegmentFileName(e.id, e.kind)), e.id, e.kind});
    plan.input_bytes += e.file_size;
  }
  AddSealedTail(*writer, &plan);
  plan.tail_from_id = writer->unsealed_from_id();
  plan.output_id = writer->AllocateSegmentId();
  return plan;
}

// ============================================================================================
// KeyIndex: 128-bit key hash -> newest version and the ordinal of the record carrying it
// ============================================================================================

// Open addressing, linear probing, 40-byte slots, load <= 3/4. A 128-bit hash makes a
// collision between two live keys (which would drop one) negligible: ~n^2 / 2^129.
class CompactionJob::KeyIndex {
 public:
  KeyIndex() : slots_(1024) {}

  void Offer(const XXH128_hash_t& h, Version v, uint64_t ordinal) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    Slot& s = slots_[Find(h)];
    if (s.ordinal == 0) {
      s = Slot{h.low64, h.high64, v.timestamp, v.node_id, ordinal};
      ++size_;
    } else if (v > Version{s.ts, s.node}) {
      s.ts = v.timestamp;
      s.node = v.node_id;
      s.ordinal = ordinal;
    }
  }

  uint64_t Winner(const XXH128_hash_t& h) const { return slots_[Find(h)].ordinal; }

 private:
  struct Slot {
    uint64_t lo = 0;
    uint64_t hi = 0;
    Timestamp ts = 0;
    NodeId node = 0;
    uint64_t ordinal = 0;  // 0: empty
  };

  size_t Find(const XXH128_hash_t& h) const {
    const size_t mask = slots_.size() - 1;
    size_t i = h.low64 & mask;
    while (slots_[i].ordinal != 0 && (slots_[i].lo != h.low64 || slots_[i].hi != h.high64)) {
      i = (i + 1) & mask;
    }
    return i;
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.ordinal == 0) continue;
      size_t i = s.lo & mask;
      while (slots_[i].ordinal != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

// ============================================================================================
// CompactionJob
// ============================================================================================

CompactionJob::CompactionJob(FileSystem* fs, CompactionPlan plan, size_t step_records)
    : fs_(fs),
      plan_(std::move(plan)),
      step_records_(step_records == 0 ? 1 : step_records),
      phase_(static_cast<int>(plan_.kind == JobKind::kCompact ? CompactionPhase::kIndexing
                                                              : CompactionPhase::kWriting)) {
  input_bytes_ = plan_.input_bytes;
  if (plan_.kind == JobKind::kCompact) index_ = std::make_unique<KeyIndex>();
}

CompactionJob::~CompactionJob() = default;

CompactionProgress CompactionJob::progress() const {
  CompactionProgress p;
  p.kind = plan_.kind;
  p.phase = static_cast<CompactionPhase>(phase_.load(std::memory_order_relaxed));
  p.inputs_total = plan_.inputs.size();
  p.input_bytes = input_bytes_.load(std::memory_order_relaxed);
  p.bytes_read = bytes_read_.load(std::memory_order_relaxed);
  p.records_in = records_in_.load(std::memory_order_relaxed);
  p.records_out = records_out_.load(std::memory_order_relaxed);
  p.superseded_dropped = superseded_dropped_.load(std::memory_order_relaxed);
  p.tombstones_dropped = tombstones_dropped_.load(std::memory_order_relaxed);
  p.bytes_written = bytes_written_.load(std::memory_order_relaxed);
  return p;
}

Result<bool> CompactionJob::Fail(Status status) {
  phase_ = static_cast<int>(CompactionPhase::kFailed);
  reader_.reset();
  output_.reset();
  return Status(status.code(), std::string(JobKindName(plan_.kind)) + " of the operation log " +
                                   "failed: " + status.message());
}

Status CompactionJob::Run() {
  while (true) {
    auto done = Step();
    if (!done.ok()) return done.status();
    if (*done) return Status::Ok();
  }
}

Result<bool> CompactionJob::Step() {
  switch (static_cast<CompactionPhase>(phase_.load())) {
    case CompactionPhase::kIndexing:
      if (Status s = IndexStep(); !s.ok()) return Fail(s);
      return false;
    case CompactionPhase::kWriting:
      if (Status s = WriteStep(); !s.ok()) return Fail(s);
      return false;
    case CompactionPhase::kInstalling:
      if (Status s = Install(); !s.ok()) return Fail(s);
      phase_ = static_cast<int>(CompactionPhase::kDeleting);
      return false;
    case CompactionPhase::kDeleting:
      DeleteInputs();
      phase_ = static_cast<int>(CompactionPhase::kDone);
      return true;
    case CompactionPhase::kDone:
      return true;
    case CompactionPhase::kFailed:
      return Status(Code::kInternal, "the job has failed");
  }
  return Status(Code::kInternal, "unknown phase");
}

Result<bool> CompactionJob::OpenNextInput() {
  if (reader_ != nullptr) return true;
  if (next_input_ >= plan_.inputs.size()) return false;
  auto reader = SegmentReader::Open(fs_, plan_.inputs[next_input_],
                                    SegmentReaderOptions{plan_.read_mode, /*is_tail=*/false});
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  ++next_input_;
  return true;
}

void CompactionJob::CloseInput() {
  bytes_read_ += reader_->file_size();
  reader_.reset();
}

// Pass 1: the newest version of every key, and which record (by ordinal) carries it.
Status CompactionJob::IndexStep() {
  Record r;
  for (size_t n = 0; n < step_records_;) {
    auto more = OpenNextInput();
    if (!more.ok()) return more.status();
    if (!*more) {
      // Pass 2 reads the same inputs again, numbering records the same way.
      phase_ = static_cast<int>(CompactionPhase::kWriting);
      next_input_ = 0;
      ordinal_ = 0;
      bytes_read_ = 0;
      return Status::Ok();
    }
    const SegmentReader::Next next = reader_->Read(&r);
    if (next == SegmentReader::Next::kError) return reader_->status();
    if (next == SegmentReader::Next::kEnd) {
      CloseInput();
      continue;
    }
    index_->Offer(XXH3_128bits(r.key.data(), r.key.size()), r.version, ++ordinal_);
    ++n;
  }
  return Status::Ok();
}

// Pass 2: copy the winners into the output segment.
Status CompactionJob::WriteStep() {
  if (output_ == nullptr) {
    auto out = CompressedSegmentWriter::Create(fs_, plan_.dir, plan_.output_id);
    if (!out.ok()) return out.status();
    output_ = std::move(out).value();
  }
  Record r;
  for (size_t n = 0; n < step_records_; ++n) {
    auto more = OpenNextInput();
    if (!more.ok()) return more.status();
    if (!*more) {
      if (Status s = output_->Finish(); !s.ok()) return s;
      bytes_written_ = output_->bytes_written();
      // The output must be durable in the directory before a manifest names it.
      if (Status s = fs_->SyncDir(plan_.dir); !s.ok()) return s;
      result_.output = output_->entry();
      output_.reset();
      phase_ = static_cast<int>(CompactionPhase::kInstalling);
      return Status::Ok();
    }
    const SegmentReader::Next next = reader_->Read(&r);
    if (next == SegmentReader::Next::kError) return reader_->status();
    if (next == SegmentReader::Next::kEnd) {
      for (const Damage& d : reader_->skipped()) {
        result_.skipped.push_back(
            DamagedRegion{reader_->segment().path, d.offset, d.length, d.reason});
      }
      CloseInput();
      continue;
    }
    ++records_in_;
    ++ordinal_;
    if (index_ != nullptr) {
      if (index_->Winner(XXH3_128bits(r.key.data(), r.key.size())) != ordinal_) {
        ++superseded_dropped_;
        continue;
      }
      if (r.type == RecordType::kDelete && r.version.timestamp < plan_.tombstone_cutoff) {
        ++tombstones_dropped_;
        continue;
      }
    }
    if (Status s = output_->Add(r); !s.ok()) return s;
    ++records_out_;
    bytes_written_ = output_->bytes_written();
  }
  return Status::Ok();
}

Status CompactionJob::Install() {
  Manifest m;
  m.generation = plan_.base.generation + 1;
  m.tail_from_id = plan_.tail_from_id;
  if (plan_.kind == JobKind::kSeal) {
    m.compacted_through = plan_.base.compacted_through;
    m.segments = plan_.base.segments;
  } else {
    m.compacted_through = std::max(plan_.base.compacted_through, plan_.tombstone_cutoff);
  }
  m.segments.push_back(result_.output);
  if (Status s = WriteManifest(fs_, plan_.dir, m); !s.ok()) return s;
  result_.manifest = std::move(m);
  return Status::Ok();
}

void CompactionJob::DeleteInputs() {
  // The new manifest is durable: the inputs are leftovers now. Failing to delete them is not
  // an error (recovery removes leftovers), only worth a warning.
  for (const SegmentRef& in : plan_.inputs) {
    if (Status s = fs_->Remove(in.path); !s.ok() && s.code() != Code::kNotFound) {
      result_.warnings.push_back("could not delete " + in.path + ": " + s.ToString());
    }
  }
  if (Status s = fs_->SyncDir(plan_.dir); !s.ok()) {
    result_.warnings.push_back("could not sync " + plan_.dir + ": " + s.ToString());
  }
}

}  // namespace memdb::oplog
