#include "node/node.h"

#include <cassert>
#include <utility>

#include "node/cluster_handlers.h"
#include "node/replica_handlers.h"
#include "protocol/consistency_messages.h"
#include "store/key_hash.h"

namespace memdb {

using protocol::Frame;
using protocol::Opcode;

Node::Node(NodeOptions options, auth::KeyRing keys, PhysicalClock* clock, Random* random)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      random_(random),
      clock_(clock, options_.max_clock_skew_ms) {}

// ============================================================================================
// Operations
// ============================================================================================

protocol::GetResult Node::Get(std::string_view key) const {
  protocol::GetResult result;
  auto found = store_.Find(key);
  if (found && !found->tombstone) {
    result.found = true;
    result.version = found->version;
    result.value = found->value;
  }
  return result;
}

Status Node::CheckLoggable(std::string_view key, std::string_view value) const {
  if (!oplog_) return Status::Ok();
  if (!oplog_->status().ok()) {
    return Status(Code::kInternal, oplog_->status().message() +
                                       " (this node no longer accepts writes and is stopping)");
  }
  oplog::Record record{oplog::RecordType::kPut, Version{}, key, value};
  if (!oplog::IsEncodable(record)) {
    return Status(Code::kValueTooLarge, "key and value too large for an operation log record");
  }
  return Status::Ok();
}

Store::ApplyResult Node::Apply(oplog::RecordType type, std::string_view key, std::string_view value,
                               Version version) {
  Store::ApplyResult applied = type == oplog::RecordType::kPut ? store_.Put(key, value, version)
                                                               : store_.Delete(key, version);
  if (applied.applied && oplog_) {
    // Cannot fail: CheckLoggable ran first, and only this thread appends.
    [[maybe_unused]] auto lsn = oplog_->Append(oplog::Record{type, version, key, value});
    assert(lsn.ok());
  }
  return applied;
}

Result<Version> Node::Set(std::string_view key, std::string_view value) {
  if (Status s = CheckLoggable(key, value); !s.ok()) return s;
  Version version{clock_.Tick(), options_.node_id};
  Apply(oplog::RecordType::kPut, key, value, version);
  return version;
}

Result<protocol::DelResult> Node::Del(std::string_view key) {
  if (Status s = CheckLoggable(key, {}); !s.ok()) return s;
  Version version{clock_.Tick(), options_.node_id};
  Store::ApplyResult applied = Apply(oplog::RecordType::kDelete, key, {}, version);
  return protocol::DelResult{applied.replaced_live, version};
}

Result<Store::ApplyResult> Node::ApplyPut(std::string_view key, std::string_view value,
                                          Version version) {
  if (Status s = CheckLoggable(key, value); !s.ok()) return s;
  return Apply(oplog::RecordType::kPut, key, value, version);
}

Result<Store::ApplyResult> Node::ApplyDelete(std::string_view key, Version version) {
  if (Status s = CheckLoggable(key, {}); !s.ok()) return s;
  return Apply(oplog::RecordType::kDelete, key, {}, version);
}

bool Node::Contains(std::string_view key) const {
  auto found = store_.Find(key);
  return found && !found->tombstone;
}

std::vector<protocol::Stat> Node::Stats() const {
  const StoreStats& s = store_.stats();
  std::vector<protocol::Stat> stats = {
      {"node_id", options_.node_id},
      {"clock", clock_.Current()},
      {"keys", s.entries - s.tombstones},
      {"tombstones", s.tombstones},
      {"store_record_bytes", s.record_bytes},
      {"store_index_bytes", s.index_bytes},
      {"store_bytes", s.total_bytes()},
      {"requests", requests_},
      {"request_errors", request_errors_},
      {"connections_open", server_counters_.connections_open},
      {"connections_accepted", server_counters_.connections_accepted},
      {"connections_rejected", server_counters_.connections_rejected},
      {"auth_failures", server_counters_.auth_failures},
      {"peer_auth_failures", server_counters_.peer_auth_failures},
  };
  AppendClusterStats(*this, &stats);
  if (transport_ != nullptr) {
    const cluster::PeerTransportCounters p = transport_->counters();
    stats.insert(stats.end(), {
                                  {"peer_requests", p.requests},
                                  {"peer_connects", p.connects},
                                  {"peer_connect_failures", p.connect_failures},
                                  {"peer_auth_refusals", p.auth_refusals},
                                  {"peer_connections_lost", p.connections_lost},
                                  {"peer_protocol_errors", p.protocol_errors},
                                  {"peer_timeouts", p.timeouts},
                                  {"peer_backoff_rejections", p.backoff_rejections},
                              });
  }
  if (coordinator_) coordinator_->AppendStats(&stats);
  if (hints_) hints_->AppendStats(&stats);
  if (catchup_) catchup_->AppendStats(&stats);
  if (anti_entropy_) anti_entropy_->AppendStats(&stats);
  if (!oplog_) return stats;
  const oplog::SegmentSet segments = oplog_->Segments();
  const OplogCounters& c = oplog_counters_;
  stats.insert(stats.end(), {
                                {"oplog_bytes", oplog_->LogBytes()},
                                {"oplog_segments",
                                 segments.manifest.segments.size() + segments.plain_ids.size()},
                                {"oplog_appended_lsn", oplog_->appended_lsn()},
                                {"oplog_written_lsn", oplog_->written_lsn()},
                                {"oplog_durable_lsn", oplog_->durable_lsn()},
                                {"oplog_acked_lsn", oplog_->acked_lsn()},
                                {"oplog_pending_bytes", oplog_->pending_bytes()},
                                {"oplog_failed", oplog_->status().ok() ? 0u : 1u},
                                {"oplog_batches", c.batches},
                                {"oplog_syncs", c.syncs},
                                {"oplog_bytes_written", c.bytes_written},
                                {"oplog_backpressure_pauses", c.backpressure_pauses},
                                {"oplog_recovery_ms", c.recovery_ms},
                                {"oplog_recovered_records", c.recovered_records},
                            });
  maintenance_->AppendStats(&stats);
  return stats;
}

// ============================================================================================
// The operation log
// ============================================================================================

Result<oplog::RecoveryReport> Node::Recover(FileSystem* fs, const oplog::RecoveryOptions& options) {
  auto report = oplog::Recover(fs, options, &store_);
  if (!report.ok()) return report.status();
  clock_.AdvanceTo(report->max_timestamp);
  oplog_counters_.recovered_records = report->records_replayed;
  return report;
}

void Node::AttachOplog(std::unique_ptr<oplog::OplogWriter> writer, MaintenanceOptions maintenance) {
  assert(!oplog_ && writer);
  oplog_ = std::move(writer);
  maintenance_ = std::make_unique<OplogMaintenance>(oplog_.get(), &store_, maintenance);
}

// ============================================================================================
// The cluster
// ============================================================================================

void Node::AttachCluster(cluster::GossipDriver* driver, PhysicalClock* monotonic) {
  assert(cluster_ == nullptr && driver != nullptr && monotonic != nullptr);
  cluster_ = driver;
  monotonic_ = monotonic;
}

void Node::OnGossipTimer() {
  if (cluster_ == nullptr) return;
  const StoreStats& s = store_.stats();
  cluster_->membership().gossiper().SetKeysHeld(s.entries - s.tombstones);
  cluster_->OnTimer();
  const uint64_t now_ms = monotonic_->NowMillis();
  if (hints_) (void)hints_->Flush();
  if (hint_delivery_) hint_delivery_->Tick(now_ms);
  if (catchup_) catchup_->Tick(now_ms);
  if (anti_entropy_) anti_entropy_->Tick(now_ms);
}

// ============================================================================================
// Request handling
// ============================================================================================

bool Node::ObserveRequestClock(const Frame& frame, std::string* out) {
  const auto& h = frame.header;
  Status skew = clock_.Observe(h.timestamp);
  if (skew.ok()) return true;
  ++request_errors_;
  protocol::AppendErrorResponse(out, h.opcode, h.request_id, clock_.Current(), skew.code(),
                                skew.message());
  return false;
}

namespace {

// GET, SET, DEL, CONTAINS and their _CL forms: what the Coordinator runs.
bool IsClientKeyOpcode(uint8_t opcode) {
  const Opcode plain = protocol::PlainKeyOpcode(opcode);
  return plain == Opcode::kGet || plain == Opcode::kSet || plain == Opcode::kDel ||
         plain == Opcode::kContains;
}

Status NoReplication() {
  return Status(Code::kNotImplemented, "this node does not replicate (no cluster attached)");
}

}  // namespace

oplog::Lsn Node::HandleRequest(const Frame& frame, std::string* out, bool peer) {
  const auto& h = frame.header;
  ++requests_;
  if (!ObserveRequestClock(frame, out)) return 0;
  const auto& limits = options_.limits;
  Status status;
  if (IsPeerOpcode(h.opcode) && !peer && options_.auth_enabled) {
    status = Status(Code::kPermissionDenied,
                    std::string(protocol::OpcodeName(h.opcode)) +
                        " is for the nodes of the cluster only (authenticate with the cluster "
                        "key)");
    ++request_errors_;
    protocol::AppendErrorResponse(out, h.opcode, h.request_id, clock_.Current(), status.code(),
                                  status.message());
    return 0;
  }
  switch (static_cast<Opcode>(h.opcode)) {
    case Opcode::kGet: {
      std::string_view key;
      if (status = protocol::ParseKeyRequest(frame.body, limits, &key); status.ok()) {
        protocol::AppendGetResponse(out, h.request_id, clock_.Current(), Get(key));
        return UnackedLsn();
      }
      break;
    }
    case Opcode::kSet: {
      protocol::SetRequest set;
      if (status = protocol::ParseSetRequest(frame.body, limits, &set); status.ok()) {
        Result<Version> version = Set(set.key, set.value);
        if (version.ok()) {
          protocol::AppendSetResponse(out, h.request_id, clock_.Current(), *version);
          return UnackedLsn();
        }
        status = version.status();
      }
      break;
    }
    case Opcode::kDel: {
      std::string_view key;
      if (status = protocol::ParseKeyRequest(frame.body, limits, &key); status.ok()) {
        Result<protocol::DelResult> result = Del(key);
        if (result.ok()) {
          protocol::AppendDelResponse(out, h.request_id, clock_.Current(), *result);
          return UnackedLsn();
        }
        status = result.status();
      }
      break;
    }
    case Opcode::kContains: {
      std::string_view key;
      if (status = protocol::ParseKeyRequest(frame.body, limits, &key); status.ok()) {
        protocol::AppendContainsResponse(out, h.request_id, clock_.Current(), Contains(key));
        return UnackedLsn();
      }
      break;
    }
    case Opcode::kPing: {
      std::string_view payload;
      if (status = protocol::ParsePingRequest(frame.body, limits, &payload); status.ok()) {
        protocol::AppendPingResponse(out, h.request_id, clock_.Current(), payload);
        return 0;
      }
      break;
    }
    case Opcode::kStats: {
      if (status = protocol::ParseStatsRequest(frame.body); status.ok()) {
        protocol::AppendStatsResponse(out, h.request_id, clock_.Current(), Stats());
        return 0;
      }
      break;
    }
    case Opcode::kCompact: {
      if (status = protocol::ParseCompactRequest(frame.body); status.ok()) {
        if (!maintenance_) {
          status = Status(Code::kNotImplemented,
                          "this node keeps no operation log (oplog.enabled is false)");
          break;
        }
        protocol::AppendCompactResponse(out, h.request_id, clock_.Current(),
                                        maintenance_->RequestCompaction(clock_.Current()));
        return 0;
      }
      break;
    }
    case Opcode::kForward:
      // Retired: nodes no longer forward key requests to an owner; any node coordinates them
      // across the key's replicas (coordinator.h) with REPLICA_WRITE / REPLICA_READ.
      status = Status(Code::kUnknownOpcode,
                      "FORWARD (0x52) is retired: every node coordinates key requests itself "
                      "(REPLICA_WRITE / REPLICA_READ)");
      break;
    case Opcode::kGetCl:
    case Opcode::kSetCl:
    case Opcode::kDelCl:
    case Opcode::kContainsCl: {
      // Served here alone (no replication, or a lone node): every level is met by this copy.
      // The plain operation answers; its reply goes back under the _CL opcode.
      protocol::RequestOptions request_options;
      std::string_view plain_body;
      if (status = protocol::ParseConsistencyPrefix(frame.body, &request_options, &plain_body);
          status.ok()) {
        Frame plain = frame;
        plain.header.opcode = static_cast<uint8_t>(protocol::PlainKeyOpcode(h.opcode));
        plain.body = plain_body;
        const size_t start = out->size();
        --requests_;  // counted once, by the plain request
        const oplog::Lsn lsn = HandleRequest(plain, out, peer);
        protocol::SetEncodedOpcode(out, start, h.opcode);
        return lsn;
      }
      break;
    }
    case Opcode::kReplicaWrite:
    case Opcode::kReplicaRead: {
      oplog::Lsn lsn = 0;
      if (status = HandleReplicaRequest(*this, frame, out, &lsn); status.ok()) return lsn;
      break;
    }
    case Opcode::kCatchupRead:
      status = catchup_ ? catchup_->HandleRead(frame, out) : NoReplication();
      if (status.ok()) return 0;
      break;
    case Opcode::kMerkleTree:
    case Opcode::kRangeEntries:
      status = anti_entropy_ ? anti_entropy_->HandleRequest(frame, out) : NoReplication();
      if (status.ok()) return 0;
      break;
    case Opcode::kRepair: {
      RepairAction action = RepairAction::kStatus;
      if (status = protocol::ParseRepairRequest(frame.body, &action); status.ok()) {
        if (!anti_entropy_) {
          status = NoReplication();
          break;
        }
        protocol::AppendRepairResponse(out, h.request_id, clock_.Current(),
                                       anti_entropy_->Repair(action, monotonic_->NowMillis()));
        return 0;
      }
      break;
    }
    case Opcode::kGossipSyn:
    case Opcode::kGossipAck2:
    case Opcode::kClusterInfo:
      if (status = HandleClusterRequest(*this, frame, peer, out); status.ok()) return 0;
      break;
    case Opcode::kHello:
    case Opcode::kAuth:
      status = Status(Code::kProtocolViolation, "handshake already completed");
      break;
    default:
      status =
          Status(Code::kUnknownOpcode, "opcode " + std::string(protocol::OpcodeName(h.opcode)) +
                                           " is not supported by this server");
      break;
  }
  ++request_errors_;
  protocol::AppendErrorResponse(out, h.opcode, h.request_id, clock_.Current(), status.code(),
                                status.message());
  return 0;
}

// ============================================================================================
// Replication (coordinator.h, catchup.h, anti_entropy.h, hint_store.h)
// ============================================================================================

Status Node::AttachReplication(cluster::PeerTransport* transport, FileSystem* fs,
                               const ReplicationOptions& options) {
  assert(cluster_ != nullptr && !coordinator_);
  cluster::Gossiper* gossiper = &cluster_->membership().gossiper();
  transport_ = transport;
  if (options.hints.enabled && !options.hints.dir.empty()) {
    auto hints = HintStore::Open(fs, options.hints, monotonic_->NowMillis());
    if (!hints.ok()) return hints.status();
    hints_ = std::move(hints.value());
    hint_delivery_ =
        std::make_unique<HintDelivery>(hints_.get(), gossiper, transport, &clock_, options.hints);
  }
  coordinator_ = std::make_unique<Coordinator>(this, gossiper, transport, hints_.get(), options);
  anti_entropy_ = std::make_unique<AntiEntropy>(this, gossiper, transport, options);
  catchup_ = std::make_unique<Catchup>(this, gossiper, transport, fs, anti_entropy_.get(), options);
  return Status::Ok();
}

void Node::StartCatchup(Timestamp last_applied) {
  if (catchup_) catchup_->Start(last_applied, monotonic_->NowMillis());
}

bool Node::IsCaughtUp(uint64_t key_hash) const {
  return !catchup_ || catchup_->IsCaughtUp(key_hash);
}

oplog::Lsn Node::HandleRequest(const Frame& frame, ReplyBuffer* replies, bool peer) {
  if (coordinator_ && IsClientKeyOpcode(frame.header.opcode)) {
    return coordinator_->Handle(frame, replies, peer);
  }
  return HandleRequest(frame, replies->bytes(), peer);
}

}  // namespace memdb
