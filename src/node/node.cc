#include "node/node.h"

#include <cassert>
#include <utility>

#include "node/cluster_handlers.h"

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

oplog::Lsn Node::HandleRequest(const Frame& frame, std::string* out, bool peer) {
  const auto& h = frame.header;
  ++requests_;
  if (!ObserveRequestClock(frame, out)) return 0;
  const auto& limits = options_.limits;
  Status status;
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
    case Opcode::kForward: {
      // A key request another node routed here: always served locally (never forwarded
      // again), its reply sent back under FORWARD's opcode.
      if (!peer && options_.auth_enabled) {
        status = Status(Code::kPermissionDenied,
                        "FORWARD is for the nodes of the cluster only (authenticate with the "
                        "cluster key)");
        break;
      }
      uint8_t inner_opcode = 0;
      std::string_view inner_body;
      if (status = ParseForwardBody(frame.body, &inner_opcode, &inner_body); status.ok()) {
        Frame inner = frame;
        inner.header.opcode = inner_opcode;
        inner.body = inner_body;
        const size_t start = out->size();
        --requests_;  // counted once, by the inner request
        const oplog::Lsn lsn = HandleRequest(inner, out, peer);
        (*out)[start + 3] = static_cast<char>(Opcode::kForward);  // the header's opcode byte
        return lsn;
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
// Routing (router.h)

void Node::EnableRouting(cluster::PeerTransport* transport) {
  if (cluster_ == nullptr) return;
  router_ = std::make_unique<Router>(&cluster_->membership().gossiper(), transport, &clock_);
}

oplog::Lsn Node::HandleRequest(const Frame& frame, ReplyBuffer* replies, bool peer) {
  const auto& h = frame.header;
  std::string* out = replies->bytes();
  // A lone node (or one that knows no other yet) serves everything: no key lookup.
  if (!router_ || !router_->MayForward()) return HandleRequest(frame, out, peer);
  std::string_view key;
  bool parsed = false;
  switch (static_cast<Opcode>(h.opcode)) {
    case Opcode::kGet:
    case Opcode::kDel:
    case Opcode::kContains:
      parsed = protocol::ParseKeyRequest(frame.body, options_.limits, &key).ok();
      break;
    case Opcode::kSet: {
      protocol::SetRequest set;
      parsed = protocol::ParseSetRequest(frame.body, options_.limits, &set).ok();
      key = set.key;
      break;
    }
    default:
      break;
  }
  // Not a key request, or a malformed one (answered here with the parse error).
  if (!parsed) return HandleRequest(frame, out, peer);
  const Router::Route route = router_->RouteKey(key);
  if (route.kind == Router::Route::Kind::kLocal) return HandleRequest(frame, out, peer);
  ++requests_;
  if (!ObserveRequestClock(frame, out)) return 0;
  if (route.kind == Router::Route::Kind::kUnavailable) {
    ++request_errors_;
    router_->AppendOwnerDown(route, frame, out);
    return 0;
  }
  router_->Forward(route, frame, /*from_client=*/!peer, replies->Defer());
  return 0;
}

}  // namespace memdb
