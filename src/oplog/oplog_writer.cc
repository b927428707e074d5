#include "oplog/oplog_writer.h"

#include <algorithm>
#include <utility>

#include "common/file_system.h"
#include "oplog/segment_format.h"

namespace memdb::oplog {

namespace {
constexpr size_t kMaxSpareBuffers = 4;
constexpr size_t kInitialBufferBytes = size_t{64} << 10;
}  // namespace

const char* FsyncPolicyName(FsyncPolicy policy) {
  switch (policy) {
    case FsyncPolicy::kAlways:
      return "always";
    case FsyncPolicy::kInterval:
      return "interval";
    case FsyncPolicy::kNever:
      return "never";
  }
  return "?";
}

Result<FsyncPolicy> ParseFsyncPolicy(std::string_view name) {
  if (name == "always") return FsyncPolicy::kAlways;
  if (name == "interval") return FsyncPolicy::kInterval;
  if (name == "never") return FsyncPolicy::kNever;
  return Status(Code::kInvalidArgument,
                "oplog.fsync must be always, interval or never, not \"" + std::string(name) + "\"");
}

OplogWriter::OplogWriter(OplogWriterOptions options, WriterStart start)
    : options_(std::move(options)),
      manifest_(std::move(start.manifest)),
      sealed_tail_(std::move(start.sealed_tail)),
      next_segment_id_(start.next_segment_id),
      prev_segment_id_(start.prev_segment_id) {}

// ============================================================================================
// Appending
// ============================================================================================

std::string OplogWriter::NewBuffer() {
  if (!spare_buffers_.empty()) {
    std::string b = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
    return b;
  }
  std::string b;
  b.reserve(kInitialBufferBytes);
  return b;
}

void OplogWriter::StartSegment() {
  const uint64_t id = next_segment_id_++;
  FlushBatch b;
  b.segment_id = id;
  b.path = JoinPath(options_.dir, SegmentFileName(id, SegmentKind::kPlain));
  b.create = true;
  b.data = NewBuffer();
  EncodeSegmentHeader(SegmentHeader{SegmentKind::kPlain, id, prev_segment_id_}, &b.data);
  b.end_offset = b.data.size();
  b.last_lsn = appended_lsn_;
  pending_bytes_ += b.data.size();
  open_segments_.push_back(SealedSegment{id, b.end_offset});
  queue_.push_back(std::move(b));
  prev_segment_id_ = id;
  active_ = true;
}

FlushBatch& OplogWriter::OpenBatchForActive() {
  const SealedSegment& active = open_segments_.back();
  if (queue_.empty() || queue_.back().segment_id != active.id) {
    FlushBatch b;
    b.segment_id = active.id;
    b.path = JoinPath(options_.dir, SegmentFileName(active.id, SegmentKind::kPlain));
    b.data = NewBuffer();
    b.end_offset = active.size;
    b.last_lsn = appended_lsn_;
    queue_.push_back(std::move(b));
  }
  return queue_.back();
}

Result<Lsn> OplogWriter::Append(const Record& record) {
  if (!failed_.ok()) return failed_;
  if (!IsEncodable(record)) {
    return Status(Code::kInvalidArgument, "record cannot be logged (type, or over " +
                                              std::to_string(kMaxRecordBody) + " bytes)");
  }
  if (!active_) StartSegment();
  FlushBatch& b = OpenBatchForActive();
  const size_t size = EncodedSize(record);
  const size_t old = b.data.size();
  b.data.resize(old + size);
  EncodeRecord(record, b.data.data() + old);
  pending_bytes_ += size;
  SealedSegment& active = open_segments_.back();
  active.size += size;
  b.end_offset = active.size;
  b.last_lsn = ++appended_lsn_;
  if (active.size >= options_.segment_bytes) {
    // Roll over: this batch completes the segment; the next append starts a new one.
    b.sync = true;
    b.close = true;
    active_ = false;
  }
  return b.last_lsn;
}

// ============================================================================================
// Flusher handoff
// ============================================================================================

bool OplogWriter::WantsFlush(uint64_t now_ms) const {
  if (in_flight_ || !failed_.ok()) return false;
  if (!queue_.empty()) return true;
  if (flusher_segment_id_ == 0 || written_lsn_ <= durable_lsn_) return false;
  return sync_requested_ || (options_.fsync == FsyncPolicy::kInterval &&
                             now_ms >= last_sync_ms_ + options_.fsync_interval_ms);
}

std::optional<FlushBatch> OplogWriter::TakeBatch(uint64_t now_ms) {
  if (!WantsFlush(now_ms)) {
    if (queue_.empty() && written_lsn_ <= durable_lsn_) sync_requested_ = false;
    return std::nullopt;
  }
  const bool interval_due = options_.fsync == FsyncPolicy::kInterval &&
                            now_ms >= last_sync_ms_ + options_.fsync_interval_ms;
  FlushBatch b;
  if (queue_.empty()) {
    // Nothing new to write, but written data is due to be synced.
    b.segment_id = flusher_segment_id_;
    b.path = JoinPath(options_.dir, SegmentFileName(flusher_segment_id_, SegmentKind::kPlain));
    b.sync = true;
    b.last_lsn = written_lsn_;
    b.end_offset = flusher_segment_size_;
  } else {
    b = std::move(queue_.front());
    queue_.pop_front();
    pending_bytes_ -= b.data.size();
  }
  if (options_.fsync == FsyncPolicy::kAlways || interval_due || sync_requested_) b.sync = true;
  if (b.sync) last_sync_ms_ = now_ms;
  if (queue_.empty()) sync_requested_ = false;
  in_flight_ = true;
  return b;
}

void OplogWriter::OnBatchDone(FlushBatch&& batch, const Status& status) {
  in_flight_ = false;
  if (!status.ok()) {
    failed_ = Status(status.code(), "operation log write failed: " + status.message());
    return;
  }
  written_lsn_ = std::max(written_lsn_, batch.last_lsn);
  // Earlier segments were synced when they were closed, so a sync covers everything written.
  if (batch.sync) durable_lsn_ = written_lsn_;
  if (batch.close) {
    if (!open_segments_.empty() && open_segments_.front().id == batch.segment_id) {
      open_segments_.pop_front();
    }
    sealed_tail_.push_back(SealedSegment{batch.segment_id, batch.end_offset});
    flusher_segment_id_ = 0;
    flusher_segment_size_ = 0;
  } else {
    flusher_segment_id_ = batch.segment_id;
    flusher_segment_size_ = batch.end_offset;
  }
  if (spare_buffers_.size() < kMaxSpareBuffers && batch.data.capacity() > 0) {
    batch.data.clear();
    spare_buffers_.push_back(std::move(batch.data));
  }
}

std::optional<uint64_t> OplogWriter::NextSyncDeadline() const {
  if (options_.fsync != FsyncPolicy::kInterval || appended_lsn_ <= durable_lsn_) {
    return std::nullopt;
  }
  return last_sync_ms_ + options_.fsync_interval_ms;
}

Lsn OplogWriter::acked_lsn() const {
  return options_.fsync == FsyncPolicy::kAlways ? durable_lsn_ : written_lsn_;
}

// ============================================================================================
// Segments
// ============================================================================================

uint64_t OplogWriter::unsealed_from_id() const {
  return open_segments_.empty() ? next_segment_id_ : open_segments_.front().id;
}

void OplogWriter::OnManifestInstalled(const Manifest& manifest) {
  manifest_ = manifest;
  std::erase_if(sealed_tail_, [&](const SealedSegment& s) { return s.id < manifest.tail_from_id; });
}

SegmentSet OplogWriter::Segments() const {
  SegmentSet set;
  set.dir = options_.dir;
  set.manifest = manifest_;
  for (const SealedSegment& s : sealed_tail_) set.plain_ids.push_back(s.id);
  set.first_open = set.plain_ids.size();
  for (const SealedSegment& s : open_segments_) set.plain_ids.push_back(s.id);
  return set;
}

uint64_t OplogWriter::LogBytes() const {
  uint64_t total = 0;
  for (const ManifestEntry& e : manifest_.segments) total += e.file_size;
  for (const SealedSegment& s : sealed_tail_) total += s.size;
  for (const SealedSegment& s : open_segments_) total += s.size;
  return total;
}

}  // namespace memdb::oplog
