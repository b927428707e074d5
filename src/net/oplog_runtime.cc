#include "net/oplog_runtime.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "net/connection.h"
#include "net/system_env.h"

namespace memdb::net {

using oplog::FlushBatch;
using oplog::JobKind;

OplogRuntime::OplogRuntime(asio::io_context& io, Node* node, FileSystem* fs,
                           OplogRuntimeOptions options)
    : io_(io),
      node_(node),
      fs_(fs),
      options_(options),
      flusher_(fs, node->oplog()->options().dir),
      sync_timer_(io),
      gather_timer_(io),
      maintenance_timer_(io),
      flush_thread_("memdb-flush"),
      job_thread_("memdb-compact") {}

OplogRuntime::~OplogRuntime() {
  stop_jobs_ = true;
  flush_thread_.Stop();
  job_thread_.Stop();
}

uint64_t OplogRuntime::NowMs() { return SteadyNowMillis(); }

void OplogRuntime::Start(std::function<void(const Status&)> on_failure) {
  on_failure_ = std::move(on_failure);
  work_.emplace(io_.get_executor());
  ArmMaintenanceTimer();
  // Sealed segments left by the previous run, or a compaction the policy wants already.
  asio::post(io_, [this] { MaybeStartJob(); });
}

// ============================================================================================
// Flushing: loop -> flusher thread -> loop
// ============================================================================================

void OplogRuntime::AfterRequests() {
  ScheduleKick();
  if (node_->maintenance()->has_planned() && !job_) {
    asio::post(io_, [this] { MaybeStartJob(); });
  }
}

void OplogRuntime::ScheduleKick() {
  if (kick_scheduled_ || failed_ || finished_ || writer().batch_in_flight()) return;
  if (gathering_) {
    // Group commit: keep waiting until as many bytes wait as the last sync carried.
    if (writer().pending_bytes() < last_sync_bytes_) return;
    gathering_ = false;
    gather_timer_.cancel();
  }
  if (!writer().WantsFlush(NowMs())) return;
  kick_scheduled_ = true;
  // Posted: the other reads that completed with this one are handled first, so their writes
  // share the batch.
  asio::post(io_, [this] {
    kick_scheduled_ = false;
    Kick();
  });
}

void OplogRuntime::Kick() {
  if (failed_ || finished_) return;
  oplog::OplogWriter& w = writer();
  if (!w.batch_in_flight()) {
    if (std::optional<FlushBatch> batch = w.TakeBatch(NowMs())) {
      auto shared = std::make_shared<FlushBatch>(std::move(*batch));
      flush_thread_.Post([this, shared] {
        Status status = flusher_.Execute(*shared);
        asio::post(io_, [this, shared, status] { OnBatchDone(std::move(*shared), status); });
      });
      ResumeReaders();
    }
  }
  ArmSyncTimer();
}

void OplogRuntime::StartGather() {
  gathering_ = true;
  gather_timer_.expires_after(std::chrono::microseconds(options_.group_commit_wait_us));
  gather_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;
    gathering_ = false;
    Kick();
  });
}

void OplogRuntime::OnBatchDone(FlushBatch&& batch, const Status& status) {
  OplogCounters& counters = node_->oplog_counters();
  const bool synced = batch.sync;
  const uint64_t synced_bytes = batch.data.size();
  const bool closed_segment = batch.close;
  if (status.ok()) {
    ++counters.batches;
    if (batch.sync) ++counters.syncs;
    counters.bytes_written += batch.data.size();
  }
  writer().OnBatchDone(std::move(batch), status);
  if (!status.ok()) {
    Fail(writer().status());
    return;
  }
  WakeWaiters();
  // Group commit: the replies just released make their clients write again within a round
  // trip. If far fewer bytes wait now than this sync carried, give them that long to arrive
  // rather than spend the next fsync on a fraction of them.
  const uint64_t carried = synced_bytes;
  // Only under `always`: there acks wait for the fsync; under `interval` they do not, and a
  // delay would only hold back the next write.
  const bool acks_wait_for_fsync = writer().options().fsync == oplog::FsyncPolicy::kAlways;
  if (synced && acks_wait_for_fsync && options_.group_commit_wait_us > 0 && carried > 0 &&
      writer().pending_bytes() * 2 < carried) {
    last_sync_bytes_ = carried;
    StartGather();
  } else {
    Kick();  // everything appended while this batch was out: the next group
  }
  if (closed_segment) MaybeStartJob();  // a complete segment waits to be sealed
  if (finishing_) MaybeFinish();
}

void OplogRuntime::WaitFor(oplog::Lsn lsn, const std::shared_ptr<Connection>& conn) {
  if (failed_) {
    conn->Close("operation log failed: the replies waiting for it are not sent");
    return;
  }
  waiters_.push(Waiter{lsn, conn});
}

void OplogRuntime::WakeWaiters() {
  const oplog::Lsn acked = writer().acked_lsn();
  while (!waiters_.empty() && waiters_.top().lsn <= acked) {
    Waiter w = waiters_.top();
    waiters_.pop();
    if (auto conn = w.conn.lock()) conn->OnLogAcked(w.lsn);
  }
}

bool OplogRuntime::Backpressured() const {
  return !failed_ && writer().pending_bytes() > options_.max_pending_bytes;
}

void OplogRuntime::PauseReading(const std::shared_ptr<Connection>& conn) {
  ++node_->oplog_counters().backpressure_pauses;
  paused_.push_back(conn);
}

void OplogRuntime::ResumeReaders() {
  if (paused_.empty() || Backpressured()) return;
  std::vector<std::weak_ptr<Connection>> paused;
  paused.swap(paused_);
  for (auto& weak : paused) {
    if (auto conn = weak.lock()) conn->ResumeReading();
  }
}

void OplogRuntime::ArmSyncTimer() {
  // With a batch out, OnBatchDone decides (a deadline already past would spin the timer).
  if (writer().batch_in_flight()) return;
  std::optional<uint64_t> deadline = writer().NextSyncDeadline();
  if (!deadline || *deadline == sync_timer_deadline_) return;
  sync_timer_deadline_ = *deadline;
  sync_timer_.expires_at(
      std::chrono::steady_clock::time_point(std::chrono::milliseconds(*deadline)));
  sync_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    sync_timer_deadline_ = 0;
    Kick();
  });
}

void OplogRuntime::Fail(const Status& status) {
  if (failed_) return;
  failed_ = true;
  spdlog::critical(
      "{}: writes are refused from now on and memdb stops; restart it (recovery replays what "
      "reached the disk)",
      status.message());
  size_t closed = 0;
  while (!waiters_.empty()) {
    Waiter w = waiters_.top();
    waiters_.pop();
    if (auto conn = w.conn.lock(); conn && !conn->closed()) {
      conn->Close("operation log failed: the replies waiting for it are not sent");
      ++closed;
    }
  }
  if (closed > 0) {
    spdlog::error("closed {} connection(s) whose writes were not acknowledged", closed);
  }
  ResumeReaders();
  if (on_failure_) on_failure_(status);
  if (finishing_) MaybeFinish();
}

// ============================================================================================
// Sealing and compaction: loop -> maintenance thread -> loop
// ============================================================================================

void OplogRuntime::ArmMaintenanceTimer() {
  maintenance_timer_.expires_after(std::chrono::milliseconds(options_.maintenance_interval_ms));
  maintenance_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || finishing_) return;
    if (job_) {
      LogProgress();
    } else {
      MaybeStartJob();
    }
    ArmMaintenanceTimer();
  });
}

void OplogRuntime::MaybeStartJob() {
  if (job_ || failed_ || finishing_ || finished_) return;
  OplogMaintenance* maintenance = node_->maintenance();
  std::optional<oplog::CompactionPlan> plan = maintenance->NextJob(node_->clock().Current());
  if (!plan) return;
  spdlog::info("oplog {} started: {} segment(s), {} bytes -> segment {}",
               oplog::JobKindName(plan->kind), plan->inputs.size(), plan->input_bytes,
               plan->output_id);
  job_ = std::make_shared<oplog::CompactionJob>(fs_, std::move(*plan));
  maintenance->OnJobStarted(job_.get());
  job_started_ms_ = NowMs();
  job_logged_ms_ = job_started_ms_;
  auto job = job_;
  job_thread_.Post([this, job] {
    Status status;
    for (;;) {
      if (stop_jobs_.load(std::memory_order_relaxed)) {
        status = Status(Code::kShuttingDown, "stopped: memdb is shutting down");
        break;
      }
      Result<bool> done = job->Step();
      if (!done.ok()) {
        status = done.status();
        break;
      }
      if (*done) break;
    }
    asio::post(io_, [this, job, status] { OnJobDone(job, status); });
  });
}

void OplogRuntime::LogProgress() {
  const uint64_t now = NowMs();
  if (!job_ || now - job_logged_ms_ < options_.progress_log_interval_ms) return;
  job_logged_ms_ = now;
  const oplog::CompactionProgress p = job_->progress();
  spdlog::info("oplog {} running for {} s: {}, read {} of {} bytes, wrote {} bytes ({} records)",
               oplog::JobKindName(p.kind), (now - job_started_ms_) / 1000,
               oplog::CompactionPhaseName(p.phase), p.bytes_read, p.input_bytes, p.bytes_written,
               p.records_out);
}

void OplogRuntime::OnJobDone(const std::shared_ptr<oplog::CompactionJob>& job,
                             const Status& status) {
  const uint64_t elapsed = NowMs() - job_started_ms_;
  node_->maintenance()->OnJobFinished(*job, status, elapsed, node_->clock().Current());
  job_.reset();
  const char* kind = oplog::JobKindName(job->plan().kind);
  if (status.ok()) {
    const oplog::CompactionProgress p = job->progress();
    const oplog::CompactionResult& r = job->result();
    spdlog::info(
        "oplog {} done in {} ms: {} segment(s), {} bytes -> {} bytes; {} records in, {} out ({} "
        "superseded and {} expired tombstones dropped); log now {} bytes",
        kind, elapsed, job->plan().inputs.size(), job->plan().input_bytes, r.output.file_size,
        p.records_in, p.records_out, p.superseded_dropped, p.tombstones_dropped,
        writer().LogBytes());
    for (const oplog::DamagedRegion& d : r.skipped) {
      spdlog::warn("oplog {}: skipped {} damaged bytes at {}:{} ({})", kind, d.length, d.path,
                   d.offset, d.reason);
    }
    for (const std::string& w : r.warnings) spdlog::warn("oplog {}: {}", kind, w);
  } else if (status.code() == Code::kShuttingDown) {
    spdlog::info("oplog {} interrupted by shutdown after {} ms (the next start cleans up)", kind,
                 elapsed);
  } else {
    spdlog::error("oplog {} failed after {} ms: {}; the log on disk is unchanged, retrying later",
                  kind, elapsed, status.ToString());
  }
  if (finishing_) {
    MaybeFinish();
    return;
  }
  MaybeStartJob();
}

// ============================================================================================
// Shutdown
// ============================================================================================

void OplogRuntime::BeginShutdown() {
  writer().RequestSync();
  ScheduleKick();
}

void OplogRuntime::Finish(std::function<void(const Status&)> done) {
  if (finishing_) return;
  finishing_ = true;
  on_finished_ = std::move(done);
  stop_jobs_ = true;  // a running job stops at its next step
  maintenance_timer_.cancel();
  writer().RequestSync();
  Kick();
  MaybeFinish();
}

void OplogRuntime::MaybeFinish() {
  if (!finishing_ || finished_ || job_) return;
  oplog::OplogWriter& w = writer();
  if (!failed_) {
    if (w.batch_in_flight()) return;  // OnBatchDone calls again
    if (w.WantsFlush(NowMs()) || w.durable_lsn() < w.appended_lsn()) {
      w.RequestSync();
      Kick();
      if (w.batch_in_flight()) return;
      if (w.durable_lsn() < w.appended_lsn()) {
        spdlog::error("operation log: nothing left to flush, yet durable lsn {} < appended {}",
                      w.durable_lsn(), w.appended_lsn());
      }
    }
  }
  finished_ = true;
  sync_timer_.cancel();
  maintenance_timer_.cancel();
  flush_thread_.Stop();
  job_thread_.Stop();
  Status closed = flusher_.Close();
  Status result = failed_ ? w.status() : closed;
  if (result.ok()) {
    spdlog::info("operation log closed: everything synced (lsn {}, {} bytes in {} segment(s))",
                 w.durable_lsn(), w.LogBytes(),
                 w.manifest().segments.size() + w.Segments().plain_ids.size());
  }
  work_.reset();
  if (on_finished_) on_finished_(result);
}

}  // namespace memdb::net
