// OplogWriter — the sans-IO core of the log writer: records in, batches of bytes out.
//
// Threading contract (the point of this class):
//   - The writer is owned by the node's event-loop thread. Every method is called there.
//   - Append() encodes the record into an in-memory buffer and returns its LSN. No syscall,
//     no allocation once the buffers have grown.
//   - The runtime calls TakeBatch() on the loop; it MOVES the bytes out as a FlushBatch value.
//     At most one batch is out at a time. The runtime hands the batch to the flusher thread,
//     which runs SegmentFlusher::Execute (segment_flusher.h): create / append / fdatasync /
//     close through the FileSystem. The flusher owns the open file of the segment being
//     written; the writer never touches a file.
//   - The flusher posts the batch back, with the Status of its execution, and the loop calls
//     OnBatchDone(). The writer advances its watermarks and keeps the batch's buffer for reuse.
//   - While a batch is out, appends accumulate; the next TakeBatch takes them all, so every
//     write that arrived while an fsync ran shares the next fsync (group commit).
//
// LSNs number this process's appends 1, 2, 3, ... (not persisted; timestamps order records
// across restarts). Three watermarks: appended_lsn() >= written_lsn() (handed to the OS)
// >= durable_lsn() (fdatasync returned). acked_lsn() is what a write may be acknowledged at:
//   kAlways:   durable_lsn — the record survives power loss.
//   kInterval: written_lsn — survives the process dying (kill -9); on power loss, loses at
//              most the writes since the last fsync, which runs every fsync_interval_ms.
//   kNever:    written_lsn — survives the process dying; the OS decides when it is durable.
// Whatever the policy, a segment is fsynced before the next one is created, so only the last
// segment can have a torn tail.
//
// Failure: if a batch fails (write or fsync error) the writer is poisoned: Append returns the
// error and no more batches are handed out. A failed fsync cannot be retried safely (the
// kernel may have dropped the dirty pages); the node must stop acknowledging writes and
// restart, and recovery replays what reached the disk.
#ifndef MEMDB_OPLOG_OPLOG_WRITER_H_
#define MEMDB_OPLOG_OPLOG_WRITER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/result.h"
#include "oplog/manifest.h"
#include "oplog/record.h"

namespace memdb::oplog {

using Lsn = uint64_t;

enum class FsyncPolicy { kAlways, kInterval, kNever };
const char* FsyncPolicyName(FsyncPolicy policy);
// "always" | "interval" | "never"
Result<FsyncPolicy> ParseFsyncPolicy(std::string_view name);

struct OplogWriterOptions {
  std::string dir;
  uint64_t segment_bytes = uint64_t{64} << 20;  // roll over once a segment reaches this size
  FsyncPolicy fsync = FsyncPolicy::kAlways;
  uint64_t fsync_interval_ms = 1000;  // kInterval only
};

// A plain segment that is complete (synced and closed) but not yet in the manifest.
struct SealedSegment {
  uint64_t id = 0;
  uint64_t size = 0;
};

// Where the directory stands, from recovery (RecoveryReport::writer_start()).
struct WriterStart {
  uint64_t next_segment_id = 1;
  uint64_t prev_segment_id = 0;  // the last plain segment on disk, for the header chain
  Manifest manifest;
  std::vector<SealedSegment> sealed_tail;  // plain segments >= manifest.tail_from_id
};

// One unit of work for the flusher thread, executed in this order:
//   1. create:  create `path` (truncating leftovers) and sync the directory;
//   2. append `data` (when create, it starts with the segment header);
//   3. sync:    fdatasync;
//   4. close:   close the file — the segment is complete.
struct FlushBatch {
  uint64_t segment_id = 0;
  std::string path;
  bool create = false;
  bool sync = false;
  bool close = false;
  std::string data;
  Lsn last_lsn = 0;         // every record up to this LSN is in this batch or an earlier one
  uint64_t end_offset = 0;  // the segment's size once `data` is appended
};

// The segments of the log as the loop knows them: input for compaction plans and catch-up.
struct SegmentSet {
  std::string dir;
  Manifest manifest;
  std::vector<uint64_t> plain_ids;  // sealed tail, then segments still being written
  size_t first_open = 0;            // plain_ids[first_open ..] are still being written
};

class OplogWriter {
 public:
  OplogWriter(OplogWriterOptions options, WriterStart start);
  OplogWriter(const OplogWriter&) = delete;
  OplogWriter& operator=(const OplogWriter&) = delete;

  // ---- appending (loop thread) ----
  // kInvalidArgument for a record that cannot be encoded; the poisoning error after a failure.
  Result<Lsn> Append(const Record& record);

  // ---- the flusher handoff (loop thread) ----
  // True when TakeBatch(now_ms) would return a batch.
  bool WantsFlush(uint64_t now_ms) const;
  // The next batch, or nullopt (nothing to do, a batch is already out, or failed).
  std::optional<FlushBatch> TakeBatch(uint64_t now_ms);
  // The batch handed back with the flusher's result. Must be the batch last taken.
  void OnBatchDone(FlushBatch&& batch, const Status& status);
  // kInterval: when an fsync of written data falls due (for the runtime's timer); nullopt if
  // none is pending.
  std::optional<uint64_t> NextSyncDeadline() const;
  // Makes the next batch sync whatever the policy (clean shutdown, tests).
  void RequestSync() { sync_requested_ = true; }

  Lsn appended_lsn() const { return appended_lsn_; }
  Lsn written_lsn() const { return written_lsn_; }
  Lsn durable_lsn() const { return durable_lsn_; }
  Lsn acked_lsn() const;
  bool batch_in_flight() const { return in_flight_; }
  // Encoded bytes not yet handed to a flusher (for backpressure).
  uint64_t pending_bytes() const { return pending_bytes_; }
  const Status& status() const { return failed_; }

  // ---- segments (loop thread) ----
  // A fresh segment id (compaction outputs).
  uint64_t AllocateSegmentId() { return next_segment_id_++; }
  // The lowest plain segment id that is not sealed yet: a job may take every segment below.
  uint64_t unsealed_from_id() const;
  const std::vector<SealedSegment>& sealed_tail() const { return sealed_tail_; }
  const Manifest& manifest() const { return manifest_; }
  // A sealing or compaction job swapped the manifest: forget the segments it absorbed.
  void OnManifestInstalled(const Manifest& manifest);
  SegmentSet Segments() const;
  // On-disk bytes of the live log (manifest segments, sealed tail, segments being written).
  uint64_t LogBytes() const;
  const OplogWriterOptions& options() const { return options_; }

 private:
  FlushBatch& OpenBatchForActive();
  void StartSegment();
  std::string NewBuffer();

  OplogWriterOptions options_;
  Manifest manifest_;
  std::vector<SealedSegment> sealed_tail_;
  uint64_t next_segment_id_;
  uint64_t prev_segment_id_;

  // Plain segments created (or about to be) whose closing batch has not completed, oldest
  // first, with their current sizes. The last one is active unless active_ is false.
  std::deque<SealedSegment> open_segments_;
  bool active_ = false;

  std::deque<FlushBatch> queue_;  // not yet taken; the back may still be appended to
  std::vector<std::string> spare_buffers_;
  uint64_t pending_bytes_ = 0;
  bool in_flight_ = false;
  bool sync_requested_ = false;
  uint64_t flusher_segment_id_ = 0;  // segment the flusher has open (0: none)
  uint64_t flusher_segment_size_ = 0;
  uint64_t last_sync_ms_ = 0;

  Lsn appended_lsn_ = 0;
  Lsn written_lsn_ = 0;
  Lsn durable_lsn_ = 0;
  Status failed_;
};

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_OPLOG_WRITER_H_
