#include "node_process.h"

#include <utility>

#include "auth/key_ring.h"
#include "oplog/compaction.h"
#include "oplog/recovery.h"
#include "protocol/codec.h"
#include "protocol/messages.h"
#include "protocol/replica_messages.h"

namespace memdb::sim {

// One request's simulated connection: its reply buffer and where the reply goes.
struct NodeProcess::PendingReply {
  ReplyBuffer buffer;
  Network::Respond respond;
};

NodeProcess::NodeProcess(SimNode* sim, const ReplicaConfig& config)
    : sim_(sim),
      config_(config),
      oplog_dir_(sim->options().data_dir + "/oplog"),
      disk_random_(sim->random().Next64()) {}

NodeProcess::~NodeProcess() = default;

Result<std::unique_ptr<NodeProcess>> NodeProcess::Boot(SimNode& sim, const ReplicaConfig& config) {
  std::unique_ptr<NodeProcess> p(new NodeProcess(&sim, config));
  SimFileSystem& disk = sim.disk();
  const std::string& data_dir = sim.options().data_dir;
  if (Status s = disk.CreateDir(p->oplog_dir_); !s.ok()) return s;

  // Identity and members, as the daemon opens them (failure detector like main.cc).
  cluster::MembershipOptions membership_options =
      MembershipOptionsFor(config.gossip, sim.address(), data_dir);
  membership_options.gossip.failure_detector.initial_interval_ms = config.gossip.interval_ms;
  membership_options.gossip.failure_detector.max_interval_ms = 2 * config.gossip.interval_ms;
  membership_options.gossip.failure_detector.min_interval_ms = config.gossip.interval_ms;
  auto membership = cluster::Membership::Open(&disk, membership_options, &sim.random());
  if (!membership.ok()) return membership.status();
  p->membership_ = std::move(membership).value();
  const cluster::NodeIdentity& identity = p->membership_->identity();

  memdb::NodeOptions node_options;
  node_options.node_id = identity.id;
  node_options.auth_enabled = false;  // the simulated network carries no handshake
  node_options.server_name = "memdb-sim";
  p->node_ =
      std::make_unique<Node>(node_options, auth::KeyRing(), &sim.wall_clock(), &sim.random());

  // The operation log: recover, then attach the writer where recovery left the directory.
  auto report = p->node_->Recover(
      &disk, oplog::RecoveryOptions{p->oplog_dir_, oplog::ReadMode::kStrict, true});
  if (!report.ok()) return report.status();
  p->start_.first_start = identity.first_start;
  p->start_.started_at_ms = sim.world().now_ms();
  p->start_.recovered_max_timestamp = report->max_timestamp;
  p->start_.recovered_records = report->records_replayed;
  oplog::OplogWriterOptions writer_options;
  writer_options.dir = p->oplog_dir_;
  writer_options.segment_bytes = config.segment_bytes;
  writer_options.fsync = oplog::FsyncPolicy::kAlways;
  MaintenanceOptions maintenance;
  maintenance.policy.min_log_bytes = config.compaction_min_log_bytes;
  maintenance.tombstone_grace_ms = config.replication.tombstone_grace_ms;
  p->node_->AttachOplog(
      std::make_unique<oplog::OplogWriter>(writer_options, report->writer_start()), maintenance);
  p->flusher_ = std::make_unique<oplog::SegmentFlusher>(&disk, p->oplog_dir_);

  // The cluster and replication.
  p->driver_ = std::make_unique<cluster::GossipDriver>(p->membership_.get(), &sim.transport(),
                                                       &p->node_->clock(), &sim.monotonic_clock());
  p->node_->AttachCluster(p->driver_.get(), &sim.monotonic_clock());
  ReplicationOptions replication = config.replication;
  replication.hints.dir = data_dir + "/hints";
  if (Status s = p->node_->AttachReplication(&sim.transport(), &disk, replication); !s.ok()) {
    return s;
  }
  // As main.cc: after recovery the clock stands at the log's highest timestamp.
  if (!identity.first_start) p->node_->StartCatchup(p->node_->clock().Current());
  sim.world().Log(sim.name() + " node-start records=" + std::to_string(report->records_replayed) +
                  " max_ts=" + std::to_string(report->max_timestamp) +
                  (identity.first_start ? " first" : " restart"));

  NodeProcess* raw = p.get();
  sim.HandleAll([raw](const Network::Request& request, Network::Respond respond) {
    raw->OnRequest(request, std::move(respond));
  });
  const uint64_t interval = config.gossip.interval_ms;
  sim.Every(sim.random().Uniform(interval), interval, "gossip",
            [raw] { raw->node_->OnGossipTimer(); });
  sim.Every(config.maintenance_interval_ms, config.maintenance_interval_ms, "oplog-maintenance",
            [raw] { raw->Maintain(); });
  sim.AfterEachEvent([raw] { raw->AfterEvent(); });
  return p;
}

SimNode::Boot NodeProcess::Booter(ReplicaConfig config) {
  return [config = std::move(config)](SimNode& node) -> Result<std::unique_ptr<Process>> {
    auto p = Boot(node, config);
    if (!p.ok()) return p.status();
    return std::unique_ptr<Process>(std::move(p).value());
  };
}

std::optional<uint64_t> NodeProcess::Stat(std::string_view name) const {
  for (const protocol::Stat& s : node_->Stats()) {
    if (s.name == name) return s.value;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Requests and replies (net/connection.cc: Session::Consume + MaybeWrite)

void NodeProcess::OnRequest(const Network::Request& request, Network::Respond respond) {
  protocol::Frame frame;
  frame.header.opcode = request.opcode;
  frame.header.request_id = static_cast<uint32_t>(request.request_id);
  frame.header.timestamp = request.timestamp;
  frame.header.body_length = static_cast<uint32_t>(request.body.size());
  frame.body = request.body;
  const bool peer = sim_->network().address(request.from).rfind(config_.client_prefix, 0) != 0;

  auto pending = std::make_shared<PendingReply>();
  pending->respond = std::move(respond);
  // A deferred reply filled: released at the next event of the node (Fill may run inside
  // HandleRequest, before the barrier below is recorded).
  pending->buffer.SetOnFilled([this] {
    if (release_scheduled_) return;
    release_scheduled_ = true;
    sim_->After(0, "reply-release", [this] {
      release_scheduled_ = false;
      ReleaseWaiting();
    });
  });
  if (config_.lying_replicas &&
      request.opcode == static_cast<uint8_t>(protocol::Opcode::kReplicaWrite)) {
    std::string body;
    protocol::AppendReplicaWriteResponseBody(true, &body);
    pending->respond(Reply{Status(), node_->clock().Current(), std::move(body)});
    return;
  }
  const size_t start = pending->buffer.size();
  const oplog::Lsn lsn = node_->HandleRequest(frame, &pending->buffer, peer);
  pending->buffer.HoldFrom(start, lsn);
  if (!TryRelease(*pending)) waiting_.push_back(std::move(pending));
}

bool NodeProcess::TryRelease(PendingReply& pending) {
  ReplyBuffer& buffer = pending.buffer;
  const size_t releasable = buffer.Releasable(node_->oplog()->acked_lsn());
  if (buffer.has_deferred() || buffer.empty() || releasable < buffer.size()) return false;
  std::string bytes;
  buffer.TakeFront(releasable, &bytes);
  protocol::DecodeResult r =
      protocol::DecodeFrame(bytes, node_->options().limits, /*expect_response=*/true);
  Reply reply;
  if (r.status != protocol::DecodeStatus::kFrame || r.consumed != bytes.size()) {
    // A handler wrote something that is not exactly one response frame: a bug, made visible.
    reply.status = Status(Code::kInternal, "sim: the node's reply is not one response frame (" +
                                               std::to_string(bytes.size()) + " bytes)");
    reply.timestamp = node_->clock().Current();
    sim_->world().Log(sim_->name() + " bad-reply len=" + std::to_string(bytes.size()));
  } else {
    const protocol::FrameHeader& h = r.frame.header;
    reply.timestamp = h.timestamp;
    if (h.status == Code::kOk) {
      reply.body.assign(r.frame.body);
    } else {
      std::string_view message;
      if (!protocol::ParseErrorResponse(r.frame.body, &message).ok()) message = "(no message)";
      reply.status = Status(h.status, std::string(message));
    }
  }
  Network::Respond respond = std::move(pending.respond);
  respond(std::move(reply));
  return true;
}

void NodeProcess::ReleaseWaiting() {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (TryRelease(**it)) {
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The operation log (net/oplog_runtime.cc: ScheduleKick, Kick, OnBatchDone)

void NodeProcess::AfterEvent() {
  oplog::OplogWriter* writer = node_->oplog();
  if (flush_scheduled_ || writer->batch_in_flight()) return;
  if (!writer->WantsFlush(sim_->monotonic_clock().NowMillis())) return;
  flush_scheduled_ = true;
  sim_->After(0, "oplog-flush", [this] { Flush(); });
}

void NodeProcess::Flush() {
  flush_scheduled_ = false;
  oplog::OplogWriter* writer = node_->oplog();
  if (writer->batch_in_flight()) return;
  batch_ = writer->TakeBatch(sim_->monotonic_clock().NowMillis());
  if (!batch_) return;
  const uint64_t span = config_.disk_max_ms - config_.disk_min_ms + 1;
  sim_->After(config_.disk_min_ms + disk_random_.Uniform(span), "oplog-synced",
              [this] { Synced(); });
}

void NodeProcess::Synced() {
  oplog::FlushBatch batch = std::move(*batch_);
  batch_.reset();
  const Status status = flusher_->Execute(batch);
  OplogCounters& counters = node_->oplog_counters();
  if (status.ok()) {
    ++counters.batches;
    if (batch.sync) ++counters.syncs;
    counters.bytes_written += batch.data.size();
  } else {
    sim_->world().Log(sim_->name() + " oplog-failed " + status.ToString());
  }
  sim_->world().Log(sim_->name() + " oplog-synced lsn=" + std::to_string(batch.last_lsn) +
                    " bytes=" + std::to_string(batch.data.size()));
  node_->oplog()->OnBatchDone(std::move(batch), status);
  ReleaseWaiting();
}

void NodeProcess::Maintain() {
  OplogMaintenance* maintenance = node_->maintenance();
  std::optional<oplog::CompactionPlan> plan = maintenance->NextJob(node_->clock().Current());
  if (!plan) return;
  oplog::CompactionJob job(&sim_->disk(), std::move(*plan));
  maintenance->OnJobStarted(&job);
  const Status status = job.Run();
  sim_->world().Log(sim_->name() + " oplog-" + oplog::JobKindName(job.plan().kind) + " " +
                    (status.ok() ? "done" : status.ToString()));
  maintenance->OnJobFinished(job, status, 0, node_->clock().Current());
}

}  // namespace memdb::sim
