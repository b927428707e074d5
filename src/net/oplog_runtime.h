// OplogRuntime — the asio shell around the node's operation log: moves the writer's batches to
// a flusher thread and back, runs sealing and compaction on a maintenance thread, fires the
// fsync-interval timer, wakes connections whose replies were waiting for the log, and applies
// backpressure. The decisions are the core's (OplogWriter, OplogMaintenance, ReplyBuffer);
// this class only moves work between threads and calls them at the right moments.
//
// Threads (DESIGN.md: one event-loop thread owns the core state):
//   - the loop thread: every method here, the OplogWriter, the Node;
//   - "memdb-flush": SegmentFlusher::Execute for one FlushBatch at a time (write, fdatasync),
//     posting the batch and its Status back to the loop (OplogWriter::OnBatchDone);
//   - "memdb-compact": one CompactionJob at a time, Step() by Step(), posting the result back
//     (OplogMaintenance::OnJobFinished installs the manifest).
//
// Group commit: a flush is scheduled after each read's requests were handled (posted, so the
// reads that completed together are all handled first) and again as soon as the previous batch
// comes back; whatever was appended meanwhile goes in the next batch and shares its fsync.
//
// Failure: if a batch fails the writer is poisoned. The runtime logs it (critical), closes the
// connections whose replies wait for the log (those writes are not acknowledged: the client
// sees the connection fail, "may or may not have been applied"), and calls the failure
// callback, which shuts the node down; the Node already refuses new writes.
//
// Shutdown: BeginShutdown() when the server stops accepting (asks the writer to sync whatever
// the policy); Finish() once the connections are gone: flushes and fsyncs everything appended,
// stops a running job between two steps (an interrupted job leaves only leftovers that the
// next start removes), joins both threads, then reports.
#ifndef MEMDB_NET_OPLOG_RUNTIME_H_
#define MEMDB_NET_OPLOG_RUNTIME_H_

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "common/file_system.h"
#include "memdb/status.h"
#include "net/worker_thread.h"
#include "node/node.h"
#include "oplog/compaction.h"
#include "oplog/segment_flusher.h"

namespace memdb::net {

class Connection;

struct OplogRuntimeOptions {
  // Connections stop reading while the writer holds more unwritten bytes than this.
  uint64_t max_pending_bytes = uint64_t{64} << 20;
  // How often the policy is checked for a compaction (seals start as soon as a segment is
  // complete) and a running job's progress may be logged.
  uint64_t maintenance_interval_ms = 1000;
  uint64_t progress_log_interval_ms = 10000;
  // Group commit (fsync always): when a sync finishes and less than half as many bytes wait
  // as it carried, wait up to this long for the clients it answered to write again.
  uint32_t group_commit_wait_us = 200;
};

class OplogRuntime {
 public:
  // `node` must have a log attached (Node::AttachOplog). `fs` (thread-safe) is used by the
  // flusher and the jobs. All three must outlive this object.
  OplogRuntime(asio::io_context& io, Node* node, FileSystem* fs, OplogRuntimeOptions options);
  ~OplogRuntime();
  OplogRuntime(const OplogRuntime&) = delete;
  OplogRuntime& operator=(const OplogRuntime&) = delete;

  // Starts the timers. `on_failure` is called once, on the loop, if the log fails.
  void Start(std::function<void(const Status&)> on_failure);

  // ---- for connections (loop thread) ----
  oplog::Lsn acked_lsn() const { return writer().acked_lsn(); }
  // After a read's requests were handled: schedules a flush, and a job a COMPACT planned.
  void AfterRequests();
  // Calls conn->OnLogAcked(lsn) once acked_lsn() >= lsn (> acked_lsn() now); closes the
  // connection instead if the log fails first.
  void WaitFor(oplog::Lsn lsn, const std::shared_ptr<Connection>& conn);
  // True while connections must not read more requests (too much waits for the disk)...
  bool Backpressured() const;
  // ...a connection that stopped reading registers here; conn->ResumeReading() follows.
  void PauseReading(const std::shared_ptr<Connection>& conn);

  // ---- shutdown (loop thread) ----
  void BeginShutdown();
  // Calls `done` on the loop when the log is closed: OK if everything appended is durable,
  // else the log's error.
  void Finish(std::function<void(const Status&)> done);
  bool failed() const { return failed_; }

 private:
  struct Waiter {
    oplog::Lsn lsn;
    std::weak_ptr<Connection> conn;
    bool operator>(const Waiter& other) const { return lsn > other.lsn; }
  };

  oplog::OplogWriter& writer() const { return *node_->oplog(); }
  static uint64_t NowMs();

  void ScheduleKick();
  // Delays the next fsync by up to group_commit_wait_us (see OnBatchDone).
  void StartGather();
  // Hands the next batch to the flusher when none is out.
  void Kick();
  void OnBatchDone(oplog::FlushBatch&& batch, const Status& status);
  void WakeWaiters();
  void ResumeReaders();
  void ArmSyncTimer();
  void Fail(const Status& status);

  void ArmMaintenanceTimer();
  void MaybeStartJob();
  void OnJobDone(const std::shared_ptr<oplog::CompactionJob>& job, const Status& status);
  void LogProgress();

  void MaybeFinish();

  asio::io_context& io_;
  Node* node_;
  FileSystem* fs_;
  OplogRuntimeOptions options_;
  oplog::SegmentFlusher flusher_;  // used only on the flusher thread (and by Finish, after)
  asio::steady_timer sync_timer_;
  asio::steady_timer gather_timer_;  // group commit: see OplogRuntimeOptions
  bool gathering_ = false;
  uint64_t last_sync_bytes_ = 0;
  uint64_t sync_timer_deadline_ = 0;  // 0: not armed
  asio::steady_timer maintenance_timer_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::function<void(const Status&)> on_failure_;
  std::function<void(const Status&)> on_finished_;

  std::priority_queue<Waiter, std::vector<Waiter>, std::greater<Waiter>> waiters_;
  std::vector<std::weak_ptr<Connection>> paused_;

  std::shared_ptr<oplog::CompactionJob> job_;
  uint64_t job_started_ms_ = 0;
  uint64_t job_logged_ms_ = 0;
  std::atomic<bool> stop_jobs_{false};

  bool kick_scheduled_ = false;
  bool failed_ = false;
  bool finishing_ = false;
  bool finished_ = false;

  // Declared last: destroyed (joined) first, while everything their tasks touch still exists.
  WorkerThread flush_thread_;
  WorkerThread job_thread_;
};

}  // namespace memdb::net

#endif  // MEMDB_NET_OPLOG_RUNTIME_H_
