#include "node/node.h"

#include <utility>

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

Version Node::Set(std::string_view key, std::string_view value) {
  Version version{clock_.Tick(), options_.node_id};
  store_.Put(key, value, version);
  return version;
}

protocol::DelResult Node::Del(std::string_view key) {
  Version version{clock_.Tick(), options_.node_id};
  auto applied = store_.Delete(key, version);
  return protocol::DelResult{applied.replaced_live, version};
}

bool Node::Contains(std::string_view key) const {
  auto found = store_.Find(key);
  return found && !found->tombstone;
}

std::vector<protocol::Stat> Node::Stats() const {
  const StoreStats& s = store_.stats();
  return {
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
  };
}

// ============================================================================================
// Request handling
// ============================================================================================

void Node::HandleRequest(const Frame& frame, std::string* out) {
  const auto& h = frame.header;
  ++requests_;
  if (Status skew = clock_.Observe(h.timestamp); !skew.ok()) {
    ++request_errors_;
    protocol::AppendErrorResponse(out, h.opcode, h.request_id, clock_.Current(), skew.code(),
                                  skew.message());
    return;
  }
  const auto& limits = options_.limits;
  Status status;
  switch (static_cast<Opcode>(h.opcode)) {
    case Opcode::kGet: {
      std::string_view key;
      if (status = protocol::ParseKeyRequest(frame.body, limits, &key); status.ok()) {
        protocol::AppendGetResponse(out, h.request_id, clock_.Current(), Get(key));
        return;
      }
      break;
    }
    case Opcode::kSet: {
      protocol::SetRequest set;
      if (status = protocol::ParseSetRequest(frame.body, limits, &set); status.ok()) {
        Version version = Set(set.key, set.value);
        protocol::AppendSetResponse(out, h.request_id, clock_.Current(), version);
        return;
      }
      break;
    }
    case Opcode::kDel: {
      std::string_view key;
      if (status = protocol::ParseKeyRequest(frame.body, limits, &key); status.ok()) {
        protocol::DelResult result = Del(key);
        protocol::AppendDelResponse(out, h.request_id, clock_.Current(), result);
        return;
      }
      break;
    }
    case Opcode::kContains: {
      std::string_view key;
      if (status = protocol::ParseKeyRequest(frame.body, limits, &key); status.ok()) {
        protocol::AppendContainsResponse(out, h.request_id, clock_.Current(), Contains(key));
        return;
      }
      break;
    }
    case Opcode::kPing: {
      std::string_view payload;
      if (status = protocol::ParsePingRequest(frame.body, limits, &payload); status.ok()) {
        protocol::AppendPingResponse(out, h.request_id, clock_.Current(), payload);
        return;
      }
      break;
    }
    case Opcode::kStats: {
      if (status = protocol::ParseStatsRequest(frame.body); status.ok()) {
        protocol::AppendStatsResponse(out, h.request_id, clock_.Current(), Stats());
        return;
      }
      break;
    }
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
}

}  // namespace memdb
