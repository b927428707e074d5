#include "protocol/cluster_messages.h"

#include <cmath>
#include <string>

#include "protocol/codec.h"
#include "protocol/frame.h"
#include "protocol/wire_io.h"

namespace memdb::protocol {

using wire_io::kLengthPrefix;
using wire_io::Parser;
using wire_io::StartRequest;
using wire_io::StartResponse;

namespace {

// Fixed part of one node entry: id, address length, status, up, phi_milli, generation,
// heartbeat, keys_held, token count.
constexpr size_t kMinNodeBytes = 4 + kLengthPrefix + 1 + 1 + 4 + 8 + 8 + 8 + 4;
constexpr size_t kTokenBytes = 8;
// Format 2's per-node catch-up block: phase, ranges_done, ranges_total, records_applied.
constexpr size_t kCatchupBytes = 1 + 4 + 4 + 8;

// The oldest format that carries `info` (cluster_messages.h).
uint8_t FormatFor(const ClusterInfo& info) {
  for (const ClusterNodeInfo& node : info.nodes) {
    if (node.catchup.phase != CatchupPhase::kNone) return kClusterInfoFormatWithCatchup;
  }
  return kClusterInfoFormat;
}

size_t ClusterInfoBodySize(const ClusterInfo& info, uint8_t format) {
  size_t size = 1 + kLengthPrefix + info.cluster_name.size() + 4 + 8 + 4;
  const size_t per_node =
      kMinNodeBytes + (format >= kClusterInfoFormatWithCatchup ? kCatchupBytes : 0);
  for (const ClusterNodeInfo& node : info.nodes) {
    size += per_node + node.address.size() + kTokenBytes * node.tokens.size();
  }
  return size;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------------------------

void AppendClusterInfoRequest(std::string* out, uint32_t request_id, Timestamp ts) {
  StartRequest(out, Opcode::kClusterInfo, request_id, ts, 0).Finish();
}

void AppendClusterInfoResponse(std::string* out, uint32_t request_id, Timestamp ts,
                               const ClusterInfo& info) {
  const uint8_t format = FormatFor(info);
  FrameWriter w =
      StartResponse(out, Opcode::kClusterInfo, request_id, ts, ClusterInfoBodySize(info, format));
  w.PutU8(format);
  w.PutBytes(info.cluster_name);
  w.PutU32(info.self_id);
  w.PutU64(info.ring_version);
  w.PutU32(static_cast<uint32_t>(info.nodes.size()));
  for (const ClusterNodeInfo& node : info.nodes) {
    w.PutU32(node.id);
    w.PutBytes(node.address);
    w.PutU8(static_cast<uint8_t>(node.status));
    w.PutU8(node.up ? 1 : 0);
    w.PutU32(node.phi_milli);
    w.PutU64(node.generation);
    w.PutU64(node.heartbeat);
    w.PutU64(node.keys_held);
    w.PutU32(static_cast<uint32_t>(node.tokens.size()));
    for (uint64_t token : node.tokens) w.PutU64(token);
    if (format >= kClusterInfoFormatWithCatchup) {
      w.PutU8(static_cast<uint8_t>(node.catchup.phase));
      w.PutU32(node.catchup.ranges_done);
      w.PutU32(node.catchup.ranges_total);
      w.PutU64(node.catchup.records_applied);
    }
  }
  w.Finish();
}

// ---------------------------------------------------------------------------------------------
// Decoders
// ---------------------------------------------------------------------------------------------

Status ParseClusterInfoRequest(std::string_view body) {
  Status status;
  Parser(body, "CLUSTER_INFO request", &status).Finish();
  return status;
}

Status ParseClusterInfoResponse(std::string_view body, ClusterInfo* out) {
  *out = ClusterInfo();
  Status status;
  Parser p(body, "CLUSTER_INFO response", &status);
  uint8_t format = 0;
  if (p.U8("format", &format) && format != kClusterInfoFormat &&
      format != kClusterInfoFormatWithCatchup) {
    p.Invalid("format must be " + std::to_string(kClusterInfoFormat) + " or " +
              std::to_string(kClusterInfoFormatWithCatchup) + ", got " + std::to_string(format));
  }
  const bool with_catchup = format == kClusterInfoFormatWithCatchup;
  std::string_view name;
  if (p.Bytes("cluster_name", kMaxClusterNameBytes, Code::kBadRequest, &name)) {
    out->cluster_name.assign(name);
  }
  p.U32("self_id", &out->self_id);
  p.U64("ring_version", &out->ring_version);
  uint32_t node_count = 0;
  if (p.Count("node count", kMaxClusterNodes, kMinNodeBytes + (with_catchup ? kCatchupBytes : 0),
              &node_count)) {
    out->nodes.reserve(node_count);
  }
  for (uint32_t i = 0; i < node_count && !p.failed(); ++i) {
    ClusterNodeInfo& node = out->nodes.emplace_back();
    p.U32("id", &node.id);
    std::string_view address;
    if (p.Bytes("address", kMaxClusterAddressBytes, Code::kBadRequest, &address)) {
      node.address.assign(address);
    }
    uint8_t node_status = 0;
    if (p.U8("status", &node_status)) {
      if (node_status == 0 || node_status > kMaxNodeStatus) {
        p.Invalid("node " + std::to_string(node.id) + ": status must be 1-" +
                  std::to_string(kMaxNodeStatus) + ", got " + std::to_string(node_status));
      }
      node.status = static_cast<NodeStatus>(node_status);
    }
    p.Bool("up", &node.up);
    p.U32("phi_milli", &node.phi_milli);
    p.U64("generation", &node.generation);
    p.U64("heartbeat", &node.heartbeat);
    p.U64("keys_held", &node.keys_held);
    uint32_t token_count = 0;
    if (p.Count("token count", kMaxClusterTokens, kTokenBytes, &token_count)) {
      node.tokens.resize(token_count);
      for (uint64_t& token : node.tokens) p.U64("token", &token);
    }
    if (with_catchup) {
      uint8_t phase = 0;
      if (p.U8("catchup_phase", &phase)) {
        if (phase > kMaxCatchupPhase) {
          p.Invalid("node " + std::to_string(node.id) + ": catchup_phase must be 0-" +
                    std::to_string(kMaxCatchupPhase) + ", got " + std::to_string(phase));
        }
        node.catchup.phase = static_cast<CatchupPhase>(phase);
      }
      p.U32("ranges_done", &node.catchup.ranges_done);
      if (p.U32("ranges_total", &node.catchup.ranges_total) &&
          node.catchup.ranges_done > node.catchup.ranges_total) {
        p.Invalid("node " + std::to_string(node.id) + ": ranges_done " +
                  std::to_string(node.catchup.ranges_done) + " is over ranges_total " +
                  std::to_string(node.catchup.ranges_total));
      }
      p.U64("records_applied", &node.catchup.records_applied);
    }
  }
  p.Finish();
  if (!status.ok()) *out = ClusterInfo();  // never hand out a half-parsed view
  return status;
}

uint32_t PhiToMilli(double phi) {
  if (std::isnan(phi) || phi <= 0) return 0;
  const double milli = phi * 1000.0;
  if (milli >= static_cast<double>(UINT32_MAX)) return UINT32_MAX;  // infinity included
  return static_cast<uint32_t>(milli);
}

}  // namespace memdb::protocol
