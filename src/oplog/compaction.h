// Sealing and compaction — background jobs that rewrite complete segments into one new
// compressed segment and swap the manifest. Writes are never blocked: the writer keeps
// appending to segments the job does not touch.
//
//   seal:     the sealed tail (complete plain segments) -> one compressed segment appended to
//             the manifest's list. Every record is kept.
//   compact:  every segment of the manifest + the sealed tail -> one compressed segment that
//             replaces them all. Keeps the newest version of each key (by Version; an exact
//             duplicate keeps its first copy) and drops a key whose newest version is a
//             tombstone older than `tombstone_cutoff` (now - grace period, from the loop's
//             clock). compacted_through becomes the cutoff.
//
// Threading: the loop plans (PlanSeal / PlanCompaction read and update the loop-owned
// OplogWriter, allocating the output id). The plan is a value; the job runs on a background
// thread — Step() does a bounded amount of work so the runtime can interleave or stop it.
// progress() may be read from any thread. When the job is done, the loop installs the new
// manifest with OplogWriter::OnManifestInstalled(result().manifest). One job at a time, and
// the next is planned only after the previous one's manifest is installed.
//
// Crash safety, step by step (each step durable before the next):
//   1. index the inputs (compact only; memory ~60 bytes per distinct key)
//   2. write the output segment, fsync it, fsync the directory
//   3. swap the manifest (write MANIFEST.tmp, fsync, rename, fsync the directory)
//   4. delete the inputs, fsync the directory
// A crash before 3 completes leaves the old manifest: the output is a leftover that recovery
// removes. After 3, the inputs are leftovers that recovery removes. Either way the log
// replays to the same data (compaction only drops superseded versions and expired
// tombstones). Failures in step 4 are not errors: recovery finishes the cleanup.
#ifndef MEMDB_OPLOG_COMPACTION_H_
#define MEMDB_OPLOG_COMPACTION_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "memdb/result.h"
#include "oplog/manifest.h"
#include "oplog/oplog_writer.h"
#include "oplog/recovery.h"
#include "oplog/segment_reader.h"

namespace memdb::oplog {

// When to compact: the log is at least `min_log_bytes` and more than `max_log_ratio` times
// the live data.
struct CompactionPolicy {
  double max_log_ratio = 2.0;
  uint64_t min_log_bytes = uint64_t{64} << 20;
};
// `live_bytes`: an estimate of the encoded size of the live data (Store::stats().record_bytes
// is a good one). `log_bytes`: OplogWriter::LogBytes().
bool ShouldCompact(const CompactionPolicy& policy, uint64_t log_bytes, uint64_t live_bytes);

enum class JobKind { kSeal, kCompact };
const char* JobKindName(JobKind kind);

struct CompactionPlan {
  JobKind kind = JobKind::kSeal;
  std::string dir;
  Manifest base;                   // the manifest when planned
  std::vector<SegmentRef> inputs;  // replay order
  uint64_t input_bytes = 0;        // their total file size
  uint64_t output_id = 0;
  uint64_t tail_from_id = 0;       // of the new manifest
  Timestamp tombstone_cutoff = 0;  // compact only
  ReadMode read_mode = ReadMode::kStrict;
};

// Loop thread. nullopt when there is nothing to do.
std::optional<CompactionPlan> PlanSeal(OplogWriter* writer, ReadMode read_mode);
std::optional<CompactionPlan> PlanCompaction(OplogWriter* writer, Timestamp tombstone_cutoff,
                                             ReadMode read_mode);

enum class CompactionPhase { kIndexing, kWriting, kInstalling, kDeleting, kDone, kFailed };
const char* CompactionPhaseName(CompactionPhase phase);

// A snapshot of a job's progress.
struct CompactionProgress {
  JobKind kind = JobKind::kSeal;
  CompactionPhase phase = CompactionPhase::kIndexing;
  uint64_t inputs_total = 0;
  uint64_t input_bytes = 0;  // file bytes of all inputs
  uint64_t bytes_read = 0;   // input file bytes fully read (per pass)
  uint64_t records_in = 0;   // records read in the writing pass
  uint64_t records_out = 0;
  uint64_t superseded_dropped = 0;
  uint64_t tombstones_dropped = 0;
  uint64_t bytes_written = 0;  // output file bytes
};

struct CompactionResult {
  Manifest manifest;  // now on disk: install it in the writer
  ManifestEntry output;
  std::vector<DamagedRegion> skipped;  // read_mode kSkipCorrupt only
  std::vector<std::string> warnings;   // inputs that could not be deleted, ...
};

class CompactionJob {
 public:
  // `step_records`: records handled per Step() in the reading passes.
  CompactionJob(FileSystem* fs, CompactionPlan plan, size_t step_records = 65536);
  ~CompactionJob();
  CompactionJob(const CompactionJob&) = delete;
  CompactionJob& operator=(const CompactionJob&) = delete;

  // Does a bounded amount of work; true when done (result() is then valid). An error fails
  // the job for good; the log on disk stays consistent (see above).
  Result<bool> Step();
  // Steps until done.
  Status Run();

  CompactionProgress progress() const;  // any thread
  const CompactionResult& result() const { return result_; }
  const CompactionPlan& plan() const { return plan_; }

 private:
  class KeyIndex;

  Status IndexStep();
  Status WriteStep();
  Status Install();
  void DeleteInputs();
  // Opens the next input when none is open; false when all inputs are read.
  Result<bool> OpenNextInput();
  void CloseInput();
  Result<bool> Fail(Status status);

  FileSystem* fs_;
  CompactionPlan plan_;
  size_t step_records_;
  std::unique_ptr<KeyIndex> index_;
  std::unique_ptr<SegmentReader> reader_;
  size_t next_input_ = 0;
  uint64_t ordinal_ = 0;  // records seen in the current pass, 1-based
  std::unique_ptr<class CompressedSegmentWriter> output_;
  CompactionResult result_;

  std::atomic<int> phase_;
  std::atomic<uint64_t> input_bytes_{0};
  std::atomic<uint64_t> bytes_read_{0};
  std::atomic<uint64_t> records_in_{0};
  std::atomic<uint64_t> records_out_{0};
  std::atomic<uint64_t> superseded_dropped_{0};
  std::atomic<uint64_t> tombstones_dropped_{0};
  std::atomic<uint64_t> bytes_written_{0};
};

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_COMPACTION_H_
