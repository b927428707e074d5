#include "node/oplog_maintenance.h"

#include <utility>

namespace memdb {

using oplog::CompactionPlan;
using oplog::JobKind;
using protocol::CompactOutcome;

namespace {
uint64_t MillisOf(Timestamp ts) { return HlcMillis(ts); }
}  // namespace

OplogMaintenance::OplogMaintenance(oplog::OplogWriter* writer, Store* store,
                                   MaintenanceOptions options)
    : writer_(writer), store_(store), options_(options) {}

Timestamp OplogMaintenance::TombstoneCutoff(Timestamp now) const {
  const uint64_t ms = MillisOf(now);
  if (ms <= options_.tombstone_grace_ms) return 0;
  return Timestamp{ms - options_.tombstone_grace_ms} << kHlcLogicalBits;
}

std::optional<CompactionPlan> OplogMaintenance::PlanCompactionNow(Timestamp now) {
  const Timestamp cutoff = TombstoneCutoff(now);
  auto plan = oplog::PlanCompaction(writer_, cutoff, options_.read_mode);
  if (plan) tombstones_purged_ += store_->PurgeTombstones(cutoff);
  return plan;
}

std::optional<CompactionPlan> OplogMaintenance::NextJob(Timestamp now) {
  if (running_ != nullptr) return std::nullopt;
  if (planned_) {
    std::optional<CompactionPlan> plan = std::move(planned_);
    planned_.reset();
    return plan;
  }
  if (compaction_requested_) {
    compaction_requested_ = false;
    if (auto plan = PlanCompactionNow(now)) return plan;
  }
  if (MillisOf(now) < retry_after_ms_) return std::nullopt;
  const uint64_t log_bytes = writer_->LogBytes();
  if (oplog::ShouldCompact(options_.policy, log_bytes, store_->stats().record_bytes) &&
      log_bytes >= 2 * log_bytes_after_compaction_) {
    if (auto plan = PlanCompactionNow(now)) return plan;
  }
  return oplog::PlanSeal(writer_, options_.read_mode);
}

CompactOutcome OplogMaintenance::RequestCompaction(Timestamp now) {
  if (running_ != nullptr && running_->plan().kind == JobKind::kCompact) {
    return CompactOutcome::kAlreadyRunning;
  }
  if (planned_ && planned_->kind == JobKind::kCompact) return CompactOutcome::kAlreadyRunning;
  if (running_ != nullptr) {
    // A seal: the compaction follows it (and takes whatever the seal produced).
    compaction_requested_ = true;
    return CompactOutcome::kQueued;
  }
  auto plan = PlanCompactionNow(now);
  if (!plan) return CompactOutcome::kNothingToCompact;
  planned_ = std::move(plan);
  return CompactOutcome::kStarted;
}

void OplogMaintenance::OnJobStarted(const oplog::CompactionJob* job) { running_ = job; }

void OplogMaintenance::OnJobFinished(const oplog::CompactionJob& job, const Status& status,
                                     uint64_t elapsed_ms, Timestamp now) {
  running_ = nullptr;
  const bool compact = job.plan().kind == JobKind::kCompact;
  if (compact) last_compaction_ = job.progress();
  if (!status.ok()) {
    // A job stopped by shutdown did not fail.
    if (status.code() != Code::kShuttingDown) ++jobs_failed_;
    retry_after_ms_ = MillisOf(now) + options_.retry_after_failure_ms;
    return;
  }
  writer_->OnManifestInstalled(job.result().manifest);
  if (compact) {
    ++compactions_completed_;
    last_compaction_ms_ = elapsed_ms;
    last_compaction_input_bytes_ = job.plan().input_bytes;
    last_compaction_output_bytes_ = job.result().output.file_size;
    log_bytes_after_compaction_ = writer_->LogBytes();
  } else {
    ++seals_completed_;
  }
}

void OplogMaintenance::AppendStats(std::vector<protocol::Stat>* out) const {
  const bool running_compaction = running_ != nullptr && running_->plan().kind == JobKind::kCompact;
  const bool running_seal = running_ != nullptr && running_->plan().kind == JobKind::kSeal;
  // The running compaction's progress, else the last one's.
  const oplog::CompactionProgress p = running_compaction ? running_->progress() : last_compaction_;
  uint64_t phase = 0;  // 0 idle; 1 indexing .. 4 deleting (docs/protocol.md)
  if (running_ != nullptr) phase = static_cast<uint64_t>(running_->progress().phase) + 1;
  out->insert(out->end(), {
                              {"seals_completed", seals_completed_},
                              {"compactions_completed", compactions_completed_},
                              {"compactions_failed", jobs_failed_},
                              {"seal_running", running_seal ? 1u : 0u},
                              {"compaction_running", running_compaction ? 1u : 0u},
                              {"compaction_phase", phase},
                              {"compaction_input_bytes", p.input_bytes},
                              {"compaction_bytes_read", p.bytes_read},
                              {"compaction_bytes_written", p.bytes_written},
                              {"compaction_records_in", p.records_in},
                              {"compaction_records_out", p.records_out},
                              {"last_compaction_ms", last_compaction_ms_},
                              {"last_compaction_input_bytes", last_compaction_input_bytes_},
                              {"last_compaction_output_bytes", last_compaction_output_bytes_},
                              {"tombstones_purged", tombstones_purged_},
                          });
}

}  // namespace memdb
