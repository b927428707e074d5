// OplogMaintenance — decides which background job the operation log needs next (seal or
// compaction, docs/oplog.md section 8) and keeps the counters STATS reports about them.
// Sans-IO: it plans jobs (values) and installs their results; the runtime runs them.
//
// The jobs, one at a time:
//   - compaction, when asked (COMPACT) or when the log is past the policy
//     (oplog::ShouldCompact: at least min_log_bytes and more than max_log_ratio x the live
//     data, Store::stats().record_bytes). Planning a compaction also purges the store's
//     tombstones older than the same cutoff, (now - tombstone_grace_ms) << 16, so memory and
//     log forget the same deletes. A compaction started by the policy also needs the log to
//     have doubled since the last one finished (the live data can be small and stay small —
//     tombstones inside their grace period — and compacting again would not help);
//   - seal, whenever complete plain segments wait (the sealed tail).
// After a failed job, jobs started by the policy wait retry_after_failure_ms.
//
// Protocol with the runtime (all on the loop thread):
//   if (!maintenance.job_running()) if (auto plan = maintenance.NextJob(now)) {
//     job = CompactionJob(fs, *plan); maintenance.OnJobStarted(&job);  // run job off the loop
//     ... maintenance.OnJobFinished(job, status, elapsed_ms, now);     // back on the loop
//   }
// `job` must stay alive between OnJobStarted and OnJobFinished: STATS reads its progress().
// A COMPACT request plans at once (RequestCompaction); has_planned() tells the runtime to ask
// NextJob without waiting for its timer.
//
// Threading: the node's event-loop thread (CompactionJob::progress() is the only call that
// crosses threads, and the job allows it).
#ifndef MEMDB_NODE_OPLOG_MAINTENANCE_H_
#define MEMDB_NODE_OPLOG_MAINTENANCE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "memdb/status.h"
#include "memdb/version.h"
#include "oplog/compaction.h"
#include "oplog/oplog_writer.h"
#include "protocol/messages.h"
#include "store/store.h"

namespace memdb {

struct MaintenanceOptions {
  oplog::CompactionPolicy policy;
  uint64_t tombstone_grace_ms = 864'000'000;  // 10 days
  oplog::ReadMode read_mode = oplog::ReadMode::kStrict;
  uint64_t retry_after_failure_ms = 30'000;
};

class OplogMaintenance {
 public:
  // `writer` and `store` must outlive this object.
  OplogMaintenance(oplog::OplogWriter* writer, Store* store, MaintenanceOptions options);

  // The next job to run, or nullopt. Call only when no job is running. `now`: the node's HLC
  // timestamp (its milliseconds date the tombstone cutoff and the retry delay).
  std::optional<oplog::CompactionPlan> NextJob(Timestamp now);
  // A COMPACT request: plans a compaction now when possible.
  protocol::CompactOutcome RequestCompaction(Timestamp now);
  bool has_planned() const { return planned_.has_value(); }

  void OnJobStarted(const oplog::CompactionJob* job);
  // On success installs the job's manifest in the writer. `elapsed_ms`: wall time of the job.
  // A job the runtime stopped (status kShuttingDown) is not counted as failed.
  void OnJobFinished(const oplog::CompactionJob& job, const Status& status, uint64_t elapsed_ms,
                     Timestamp now);
  bool job_running() const { return running_ != nullptr; }
  const oplog::CompactionJob* running_job() const { return running_; }

  // Tombstones older than this may be dropped, at `now`.
  Timestamp TombstoneCutoff(Timestamp now) const;

  // The counters listed in docs/protocol.md (STATS): seals_completed, compactions_*, ...
  void AppendStats(std::vector<protocol::Stat>* out) const;

  uint64_t seals_completed() const { return seals_completed_; }
  uint64_t compactions_completed() const { return compactions_completed_; }
  uint64_t jobs_failed() const { return jobs_failed_; }

 private:
  std::optional<oplog::CompactionPlan> PlanCompactionNow(Timestamp now);

  oplog::OplogWriter* writer_;
  Store* store_;
  MaintenanceOptions options_;

  std::optional<oplog::CompactionPlan> planned_;
  bool compaction_requested_ = false;  // asked for while a seal ran
  const oplog::CompactionJob* running_ = nullptr;
  uint64_t retry_after_ms_ = 0;
  uint64_t log_bytes_after_compaction_ = 0;

  uint64_t seals_completed_ = 0;
  uint64_t compactions_completed_ = 0;
  uint64_t jobs_failed_ = 0;
  uint64_t tombstones_purged_ = 0;
  uint64_t last_compaction_ms_ = 0;
  uint64_t last_compaction_input_bytes_ = 0;
  uint64_t last_compaction_output_bytes_ = 0;
  // The latest compaction's progress once it finished (the running one is read live).
  oplog::CompactionProgress last_compaction_;
};

}  // namespace memdb

#endif  // MEMDB_NODE_OPLOG_MAINTENANCE_H_
