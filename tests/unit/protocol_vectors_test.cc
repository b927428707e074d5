// Checks the codec against tests/vectors/protocol_v1.json (schema: docs/protocol.md, "Test
// vectors") in both directions: decoding each vector's bytes — whole, split into two fragments
// at every position, and one byte at a time — gives the stated meaning, and encoding the meaning
// of every valid vector with the Append* functions gives exactly its bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/status.h"
#include "protocol/cluster_messages.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

namespace memdb::protocol {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

std::string Unhex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    ADD_FAILURE() << "bad hex digit '" << c << "'";
    return 0;
  };
  EXPECT_EQ(hex.size() % 2, 0u) << "odd-length hex";
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 0xf]);
  }
  return out;
}

// The wire code named `name` ("BAD_FRAME"), by search over CodeName so the two cannot drift.
Code CodeFromName(const std::string& name) {
  for (uint16_t v = 0; v < 1000; ++v) {
    if (CodeName(static_cast<Code>(v)) == name) return static_cast<Code>(v);
  }
  ADD_FAILURE() << "unknown code name " << name;
  return Code::kInternal;
}

struct Vector {
  std::string name;
  json j;
  std::string bytes;
  Limits limits;
  bool response = false;
};

const std::vector<Vector>& Vectors() {
  static const std::vector<Vector>* vectors = [] {
    auto* out = new std::vector<Vector>;
    const std::string path = std::string(MEMDB_VECTORS_DIR) + "/protocol_v1.json";
    std::ifstream in(path);
    if (!in) {
      ADD_FAILURE() << "cannot open " << path;
      return out;
    }
    const json file = json::parse(in);
    for (const json& j : file.at("vectors")) {
      Vector v;
      v.name = j.at("name").get<std::string>();
      v.j = j;
      v.bytes = Unhex(j.at("hex").get<std::string>());
      v.response = j.at("direction").get<std::string>() == "response";
      if (j.contains("limits")) {
        const json& l = j.at("limits");
        v.limits.max_frame_bytes = l.value("max_frame_bytes", v.limits.max_frame_bytes);
        v.limits.max_key_bytes = l.value("max_key_bytes", v.limits.max_key_bytes);
        v.limits.max_value_bytes = l.value("max_value_bytes", v.limits.max_value_bytes);
      }
      out->push_back(std::move(v));
    }
    return out;
  }();
  return *vectors;
}

// ---------------------------------------------------------------------------------------------
// Meaning <-> structs
// ---------------------------------------------------------------------------------------------

json HeaderToJson(const FrameHeader& h) {
  return {{"version", h.version},
          {"opcode", h.opcode},
          {"flags", h.flags},
          {"status", static_cast<uint16_t>(h.status)},
          {"request_id", h.request_id},
          {"body_length", h.body_length},
          {"timestamp", std::to_string(h.timestamp)}};
}

uint64_t U64(const json& j) { return std::stoull(j.get<std::string>()); }

// Parses `body` as the message the header names; fills `*status` and returns the decoded fields.
json DecodeBody(const FrameHeader& h, bool response, std::string_view body, const Limits& limits,
                Status* status) {
  json out = json::object();
  if (response && h.status != Code::kOk) {
    std::string_view message;
    *status = ParseErrorResponse(body, &message);
    out["message"] = Hex(message);
    return out;
  }
  switch (static_cast<Opcode>(h.opcode)) {
    case Opcode::kHello:
      if (response) {
        Challenge c;
        *status = ParseChallenge(body, &c);
        out = {{"protocol_version", c.protocol_version},
               {"server_name", Hex(c.server_name)},
               {"nonce", Hex(c.nonce)}};
      } else {
        HelloRequest hello;
        *status = ParseHelloRequest(body, &hello);
        out = {{"protocol_version", hello.protocol_version},
               {"client_name", Hex(hello.client_name)}};
      }
      return out;
    case Opcode::kAuth:
      if (response) {
        *status = ParseEmptyResponse(body);
      } else {
        AuthRequest auth;
        *status = ParseAuthRequest(body, &auth);
        out = {{"key_id", Hex(auth.key_id)}, {"mac", Hex(auth.mac)}};
      }
      return out;
    case Opcode::kPing: {
      std::string_view payload;
      *status =
          response ? ParsePingResponse(body, &payload) : ParsePingRequest(body, limits, &payload);
      out["payload"] = Hex(payload);
      return out;
    }
    case Opcode::kGet:
    case Opcode::kDel:
    case Opcode::kContains:
      if (!response) {
        std::string_view key;
        *status = ParseKeyRequest(body, limits, &key);
        out["key"] = Hex(key);
      } else if (h.opcode == static_cast<uint8_t>(Opcode::kGet)) {
        GetResult r;
        *status = ParseGetResponse(body, &r);
        out["found"] = r.found;
        if (r.found) {
          out["timestamp"] = std::to_string(r.version.timestamp);
          out["node_id"] = r.version.node_id;
          out["value"] = Hex(r.value);
        }
      } else if (h.opcode == static_cast<uint8_t>(Opcode::kDel)) {
        DelResult r;
        *status = ParseDelResponse(body, &r);
        out = {{"existed", r.existed},
               {"timestamp", std::to_string(r.version.timestamp)},
               {"node_id", r.version.node_id}};
      } else {
        bool present = false;
        *status = ParseContainsResponse(body, &present);
        out["present"] = present;
      }
      return out;
    case Opcode::kStats:
      if (response) {
        std::vector<Stat> stats;
        *status = ParseStatsResponse(body, &stats);
        out["stats"] = json::array();
        for (const Stat& s : stats) {
          out["stats"].push_back({{"name", Hex(s.name)}, {"value", std::to_string(s.value)}});
        }
      } else {
        *status = ParseStatsRequest(body);
      }
      return out;
    case Opcode::kCompact:
      if (response) {
        CompactOutcome outcome = CompactOutcome::kStarted;
        *status = ParseCompactResponse(body, &outcome);
        out["outcome"] = static_cast<int>(outcome);
      } else {
        *status = ParseCompactRequest(body);
      }
      return out;
    case Opcode::kSet:
      if (response) {
        Version version;
        *status = ParseSetResponse(body, &version);
        out = {{"timestamp", std::to_string(version.timestamp)}, {"node_id", version.node_id}};
      } else {
        SetRequest set;
        *status = ParseSetRequest(body, limits, &set);
        out = {{"key", Hex(set.key)}, {"value", Hex(set.value)}};
      }
      return out;
    case Opcode::kClusterInfo:
      if (response) {
        ClusterInfo info;
        *status = ParseClusterInfoResponse(body, &info);
        if (!status->ok()) return out;
        out = {{"format", kClusterInfoFormat},
               {"cluster_name", Hex(info.cluster_name)},
               {"self_id", info.self_id},
               {"ring_version", std::to_string(info.ring_version)},
               {"nodes", json::array()}};
        for (const ClusterNodeInfo& n : info.nodes) {
          json tokens = json::array();
          for (uint64_t t : n.tokens) tokens.push_back(std::to_string(t));
          out["nodes"].push_back({{"id", n.id},
                                  {"address", Hex(n.address)},
                                  {"status", static_cast<int>(n.status)},
                                  {"up", n.up},
                                  {"phi_milli", n.phi_milli},
                                  {"generation", std::to_string(n.generation)},
                                  {"heartbeat", std::to_string(n.heartbeat)},
                                  {"keys_held", std::to_string(n.keys_held)},
                                  {"tokens", tokens}});
        }
      } else {
        *status = ParseClusterInfoRequest(body);
      }
      return out;
    // Peer opcodes: their bodies are cluster/gossip_messages.h's and protocol/replica_,
    // catchup_ and anti_entropy_messages.h's, tested there; the vectors only hold error
    // responses to them.
    case Opcode::kGossipSyn:
    case Opcode::kGossipAck2:
    case Opcode::kForward:
    case Opcode::kReplicaWrite:
    case Opcode::kReplicaRead:
    case Opcode::kCatchupRead:
    case Opcode::kMerkleTree:
    case Opcode::kRangeEntries:
      break;
    // A _CL request is the consistency prefix, then the plain request's body; a _CL response
    // is the plain response's body.
    case Opcode::kGetCl:
    case Opcode::kSetCl:
    case Opcode::kDelCl:
    case Opcode::kContainsCl: {
      FrameHeader plain = h;
      plain.opcode = static_cast<uint8_t>(PlainKeyOpcode(h.opcode));
      if (response) return DecodeBody(plain, true, body, limits, status);
      RequestOptions options;
      std::string_view rest;
      *status = ParseConsistencyPrefix(body, &options, &rest);
      if (!status->ok()) return out;
      out = DecodeBody(plain, false, rest, limits, status);
      out["consistency"] = static_cast<int>(options.consistency);
      out["deadline_ms"] = options.deadline_ms;
      return out;
    }
    case Opcode::kRepair:
      if (response) {
        RepairProgress p;
        *status = ParseRepairResponse(body, &p);
        out = {{"running", p.running},
               {"started_now", p.started_now},
               {"run_id", std::to_string(p.run_id)},
               {"ranges_total", std::to_string(p.ranges_total)},
               {"ranges_done", std::to_string(p.ranges_done)},
               {"ranges_failed", std::to_string(p.ranges_failed)},
               {"leaves_different", std::to_string(p.leaves_different)},
               {"keys_pulled", std::to_string(p.keys_pulled)},
               {"keys_pushed", std::to_string(p.keys_pushed)},
               {"bytes_transferred", std::to_string(p.bytes_transferred)},
               {"elapsed_ms", std::to_string(p.elapsed_ms)},
               {"keys_not_copied", std::to_string(p.keys_not_copied)},
               {"last_error", Hex(p.last_error)}};
      } else {
        RepairAction action = RepairAction::kStatus;
        *status = ParseRepairRequest(body, &action);
        out["action"] = static_cast<int>(action);
      }
      return out;
  }
  *status = Status(Code::kUnknownOpcode, "no parser");
  return out;
}

// The Append* functions write kFlagResponse alone; a coordinator that is not one of the key's
// replicas adds kFlagNotOwner to its reply (node/coordinator.cc). Does the same to an encoded
// frame.
void FinishFlags(const Vector& v, std::string* frame) {
  const auto flags = v.j.at("expect").at("header").at("flags").get<uint16_t>();
  if ((flags & kFlagNotOwner) != 0) (*frame)[4] = static_cast<char>((*frame)[4] | kFlagNotOwner);
}

// Encodes the meaning of a valid vector with the Append* functions.
std::string Encode(const Vector& v) {
  const json& h = v.j.at("expect").at("header");
  const json& b = v.j.at("expect").at("body");
  const uint8_t opcode = h.at("opcode").get<uint8_t>();
  const Code status = static_cast<Code>(h.at("status").get<uint16_t>());
  const uint32_t rid = h.at("request_id").get<uint32_t>();
  const Timestamp ts = U64(h.at("timestamp"));
  // Decoded hex fields must outlive the string_views the message structs hold.
  std::map<std::string, std::string> f;
  static const std::set<std::string> kU64Fields = {
      "timestamp",   "ring_version",      "run_id",           "ranges_total",
      "ranges_done", "ranges_failed",     "leaves_different", "keys_pulled",
      "keys_pushed", "bytes_transferred", "elapsed_ms",       "keys_not_copied"};
  for (const auto& [key, value] : b.items()) {
    // u64 fields are decimal strings, not hex.
    if (kU64Fields.count(key) != 0) continue;
    if (value.is_string()) f[key] = Unhex(value.get<std::string>());
  }
  std::string out;
  if (v.response && status != Code::kOk) {
    AppendErrorResponse(&out, opcode, rid, ts, status, f["message"]);
    FinishFlags(v, &out);
    return out;
  }
  if (v.response && IsConsistencyOpcode(opcode)) {
    // A node answers a _CL request with the plain response, its header's opcode byte set to
    // the _CL one (node/node.cc): do the same.
    Vector plain = v;
    plain.j["expect"]["header"]["opcode"] = static_cast<uint8_t>(PlainKeyOpcode(opcode));
    out = Encode(plain);
    out[3] = static_cast<char>(opcode);
    return out;
  }
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kHello:
      if (v.response) {
        AppendChallenge(&out, rid, ts,
                        {b.at("protocol_version").get<uint16_t>(), f["server_name"], f["nonce"]});
      } else {
        AppendHelloRequest(&out, rid, ts,
                           {b.at("protocol_version").get<uint16_t>(), f["client_name"]});
      }
      break;
    case Opcode::kAuth:
      if (v.response) {
        AppendEmptyResponse(&out, Opcode::kAuth, rid, ts);
      } else {
        AppendAuthRequest(&out, rid, ts, {f["key_id"], f["mac"]});
      }
      break;
    case Opcode::kPing:
      if (v.response) {
        AppendPingResponse(&out, rid, ts, f["payload"]);
      } else {
        AppendPingRequest(&out, rid, ts, f["payload"]);
      }
      break;
    case Opcode::kGet:
      if (v.response) {
        GetResult r;
        r.found = b.at("found").get<bool>();
        if (r.found) {
          r.version = {U64(b.at("timestamp")), b.at("node_id").get<uint32_t>()};
          r.value = f["value"];
        }
        AppendGetResponse(&out, rid, ts, r);
      } else {
        AppendKeyRequest(&out, Opcode::kGet, rid, ts, f["key"]);
      }
      break;
    case Opcode::kSet:
      if (v.response) {
        AppendSetResponse(&out, rid, ts, {U64(b.at("timestamp")), b.at("node_id").get<uint32_t>()});
      } else {
        AppendSetRequest(&out, rid, ts, {f["key"], f["value"]});
      }
      break;
    case Opcode::kDel:
      if (v.response) {
        AppendDelResponse(&out, rid, ts,
                          {b.at("existed").get<bool>(),
                           {U64(b.at("timestamp")), b.at("node_id").get<uint32_t>()}});
      } else {
        AppendKeyRequest(&out, Opcode::kDel, rid, ts, f["key"]);
      }
      break;
    case Opcode::kContains:
      if (v.response) {
        AppendContainsResponse(&out, rid, ts, b.at("present").get<bool>());
      } else {
        AppendKeyRequest(&out, Opcode::kContains, rid, ts, f["key"]);
      }
      break;
    case Opcode::kStats:
      if (v.response) {
        std::vector<std::string> names;  // owns the bytes the Stat views point at
        for (const auto& s : b.at("stats")) names.push_back(Unhex(s.at("name").get<std::string>()));
        std::vector<Stat> stats;
        for (size_t i = 0; i < names.size(); ++i) {
          stats.push_back({names[i], U64(b.at("stats")[i].at("value"))});
        }
        AppendStatsResponse(&out, rid, ts, stats);
      } else {
        AppendStatsRequest(&out, rid, ts);
      }
      break;
    case Opcode::kCompact:
      if (v.response) {
        AppendCompactResponse(&out, rid, ts,
                              static_cast<CompactOutcome>(b.at("outcome").get<int>()));
      } else {
        AppendCompactRequest(&out, rid, ts);
      }
      break;
    case Opcode::kClusterInfo:
      if (v.response) {
        ClusterInfo info;
        info.cluster_name = f["cluster_name"];
        info.self_id = b.at("self_id").get<uint32_t>();
        info.ring_version = U64(b.at("ring_version"));
        for (const json& n : b.at("nodes")) {
          ClusterNodeInfo node;
          node.id = n.at("id").get<uint32_t>();
          node.address = Unhex(n.at("address").get<std::string>());
          node.status = static_cast<NodeStatus>(n.at("status").get<int>());
          node.up = n.at("up").get<bool>();
          node.phi_milli = n.at("phi_milli").get<uint32_t>();
          node.generation = U64(n.at("generation"));
          node.heartbeat = U64(n.at("heartbeat"));
          node.keys_held = U64(n.at("keys_held"));
          for (const json& t : n.at("tokens")) node.tokens.push_back(U64(t));
          info.nodes.push_back(std::move(node));
        }
        AppendClusterInfoResponse(&out, rid, ts, info);
      } else {
        AppendClusterInfoRequest(&out, rid, ts);
      }
      break;
    case Opcode::kGetCl:
    case Opcode::kDelCl:
    case Opcode::kContainsCl:
      AppendKeyRequestCl(&out, PlainKeyOpcode(opcode), rid, ts,
                         {static_cast<Consistency>(b.at("consistency").get<int>()),
                          b.at("deadline_ms").get<uint32_t>()},
                         f["key"]);
      break;
    case Opcode::kSetCl:
      AppendSetRequestCl(&out, rid, ts,
                         {static_cast<Consistency>(b.at("consistency").get<int>()),
                          b.at("deadline_ms").get<uint32_t>()},
                         f["key"], f["value"]);
      break;
    case Opcode::kRepair:
      if (v.response) {
        RepairProgress p;
        p.running = b.at("running").get<bool>();
        p.started_now = b.at("started_now").get<bool>();
        p.run_id = U64(b.at("run_id"));
        p.ranges_total = U64(b.at("ranges_total"));
        p.ranges_done = U64(b.at("ranges_done"));
        p.ranges_failed = U64(b.at("ranges_failed"));
        p.leaves_different = U64(b.at("leaves_different"));
        p.keys_pulled = U64(b.at("keys_pulled"));
        p.keys_pushed = U64(b.at("keys_pushed"));
        p.bytes_transferred = U64(b.at("bytes_transferred"));
        p.elapsed_ms = U64(b.at("elapsed_ms"));
        p.keys_not_copied = U64(b.at("keys_not_copied"));
        p.last_error = f["last_error"];
        AppendRepairResponse(&out, rid, ts, p);
      } else {
        AppendRepairRequest(&out, rid, ts, static_cast<RepairAction>(b.at("action").get<int>()));
      }
      break;
    default:
      ADD_FAILURE() << "no encoder for opcode " << OpcodeName(opcode);
  }
  FinishFlags(v, &out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Outcome checks
// ---------------------------------------------------------------------------------------------

// Checks the result of decoding all of `v.bytes` (possibly with more bytes after them).
void CheckComplete(const Vector& v, const DecodeResult& r) {
  const json& j = v.j;
  if (j.contains("expect")) {
    ASSERT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
    EXPECT_EQ(r.consumed, v.bytes.size());
    EXPECT_EQ(r.consumed, kHeaderSize + r.frame.header.body_length);
    EXPECT_EQ(HeaderToJson(r.frame.header), j["expect"]["header"]);
    Status status;
    const json body = DecodeBody(r.frame.header, v.response, r.frame.body, v.limits, &status);
    EXPECT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(body, j["expect"]["body"]);
  } else if (j.contains("need_more")) {
    EXPECT_EQ(r.status, DecodeStatus::kNeedMore);
    EXPECT_EQ(r.consumed, 0u);
    EXPECT_EQ(r.needed, j["need_more"]["needed"].get<size_t>());
  } else {
    const json& e = j.at("error");
    const Code code = CodeFromName(e.at("code").get<std::string>());
    if (e.at("stage") == "frame") {
      ASSERT_EQ(r.status, DecodeStatus::kError);
      EXPECT_EQ(CodeName(r.error), CodeName(code)) << r.error_message;
      EXPECT_EQ(r.fatal, e.at("fatal").get<bool>());
      EXPECT_FALSE(r.error_message.empty());
      if (r.fatal) {
        EXPECT_EQ(r.consumed, 0u);
      } else {
        EXPECT_EQ(r.consumed, v.bytes.size());  // a non-fatal error skips the whole frame
      }
      if (e.contains("header")) {
        EXPECT_EQ(HeaderToJson(r.frame.header), e["header"]);
      }
    } else {
      ASSERT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
      EXPECT_EQ(r.consumed, v.bytes.size());
      if (e.contains("header")) {
        EXPECT_EQ(HeaderToJson(r.frame.header), e["header"]);
      }
      Status status;
      DecodeBody(r.frame.header, v.response, r.frame.body, v.limits, &status);
      EXPECT_EQ(CodeName(status.code()), CodeName(code)) << status.ToString();
      EXPECT_FALSE(status.message().empty());
    }
  }
}

bool IsFatalFrameError(const Vector& v) {
  return v.j.contains("error") && v.j["error"]["stage"] == "frame" &&
         v.j["error"]["fatal"].get<bool>();
}

// Checks the result of decoding the first `k` < size bytes: kNeedMore, or — only for a vector
// that is a fatal frame error — that same error, found early from the header bytes present.
void CheckPrefix(const Vector& v, size_t k, const DecodeResult& r) {
  SCOPED_TRACE("prefix of " + std::to_string(k) + " bytes");
  if (r.status == DecodeStatus::kError && IsFatalFrameError(v)) {
    EXPECT_EQ(CodeName(r.error), v.j["error"]["code"].get<std::string>());
    EXPECT_TRUE(r.fatal);
    EXPECT_EQ(r.consumed, 0u);
    return;
  }
  ASSERT_EQ(r.status, DecodeStatus::kNeedMore) << r.error_message;
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_GT(r.needed, k);
  if (!v.j.contains("need_more")) {
    EXPECT_LE(r.needed, v.bytes.size());
  }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

TEST(ProtocolVectors, FileIsWellFormedAndCoversEveryMessage) {
  const auto& vectors = Vectors();
  EXPECT_GE(vectors.size(), 25u);
  std::set<std::string> names;
  std::set<std::pair<uint8_t, bool>> valid_messages;
  bool error_response = false;
  for (const Vector& v : vectors) {
    SCOPED_TRACE(v.name);
    EXPECT_TRUE(names.insert(v.name).second) << "duplicate name";
    EXPECT_TRUE(v.j.contains("description"));
    const std::string direction = v.j.at("direction").get<std::string>();
    EXPECT_TRUE(direction == "request" || direction == "response");
    EXPECT_EQ(v.j.contains("expect") + v.j.contains("error") + v.j.contains("need_more"), 1);
    if (v.j.contains("expect")) {
      const json& h = v.j["expect"]["header"];
      if (h["status"] != 0) {
        error_response = true;
      } else {
        valid_messages.insert({h["opcode"].get<uint8_t>(), v.response});
      }
    }
  }
  EXPECT_TRUE(error_response);
  // The cluster additions: a NOT_OWNER-flagged response, and the two cluster status codes.
  std::set<uint16_t> statuses;
  bool not_owner = false;
  for (const Vector& v : vectors) {
    if (!v.j.contains("expect")) continue;
    const json& h = v.j["expect"]["header"];
    statuses.insert(h["status"].get<uint16_t>());
    if ((h["flags"].get<uint16_t>() & kFlagNotOwner) != 0) not_owner = true;
  }
  EXPECT_TRUE(not_owner) << "no NOT_OWNER-flagged response vector";
  EXPECT_TRUE(statuses.count(static_cast<uint16_t>(Code::kPermissionDenied)));
  EXPECT_TRUE(statuses.count(static_cast<uint16_t>(Code::kUnavailable)));
  EXPECT_TRUE(statuses.count(static_cast<uint16_t>(Code::kTimeout)));
  for (Opcode opcode :
       {Opcode::kHello, Opcode::kAuth, Opcode::kPing, Opcode::kGet, Opcode::kSet, Opcode::kDel,
        Opcode::kContains, Opcode::kStats, Opcode::kCompact, Opcode::kClusterInfo, Opcode::kGetCl,
        Opcode::kSetCl, Opcode::kDelCl, Opcode::kContainsCl, Opcode::kRepair}) {
    const auto op = static_cast<uint8_t>(opcode);
    EXPECT_TRUE(valid_messages.count({op, false})) << "no request vector for " << OpcodeName(op);
    EXPECT_TRUE(valid_messages.count({op, true})) << "no response vector for " << OpcodeName(op);
  }
}

TEST(ProtocolVectors, DecodeWholeBuffer) {
  for (const Vector& v : Vectors()) {
    SCOPED_TRACE(v.name);
    CheckComplete(v, DecodeFrame(v.bytes, v.limits, v.response));
  }
}

TEST(ProtocolVectors, DecodeEveryTwoFragmentSplit) {
  for (const Vector& v : Vectors()) {
    SCOPED_TRACE(v.name);
    for (size_t k = 1; k < v.bytes.size(); ++k) {
      // A connection buffer receiving the first fragment, then the second.
      std::string buffer = v.bytes.substr(0, k);
      const DecodeResult first = DecodeFrame(buffer, v.limits, v.response);
      CheckPrefix(v, k, first);
      if (first.status == DecodeStatus::kError) continue;  // the connection would be closed
      buffer.append(v.bytes, k);
      CheckComplete(v, DecodeFrame(buffer, v.limits, v.response));
      if (HasFailure()) return;  // one failing split says enough
    }
  }
}

TEST(ProtocolVectors, DecodeOneByteAtATime) {
  for (const Vector& v : Vectors()) {
    SCOPED_TRACE(v.name);
    std::string buffer;
    bool failed_early = false;
    for (size_t k = 1; k < v.bytes.size(); ++k) {
      buffer.push_back(v.bytes[k - 1]);
      const DecodeResult r = DecodeFrame(buffer, v.limits, v.response);
      CheckPrefix(v, k, r);
      if (failed_early) {
        // Once the header is known to be bad, more bytes must not make it good.
        EXPECT_EQ(r.status, DecodeStatus::kError);
      }
      failed_early = r.status == DecodeStatus::kError;
    }
    buffer.push_back(v.bytes.back());
    CheckComplete(v, DecodeFrame(buffer, v.limits, v.response));
  }
}

TEST(ProtocolVectors, DecodeIgnoresBytesAfterTheFrame) {
  // Each complete frame followed by the start of another: the decoder takes exactly one frame.
  for (const Vector& v : Vectors()) {
    SCOPED_TRACE(v.name);
    if (v.j.contains("need_more")) continue;
    std::string buffer = v.bytes;
    buffer.append(Vectors().front().bytes);
    CheckComplete(v, DecodeFrame(buffer, v.limits, v.response));
  }
}

TEST(ProtocolVectors, EncodeEqualsHex) {
  int encoded = 0;
  for (const Vector& v : Vectors()) {
    if (!v.j.contains("expect")) continue;
    SCOPED_TRACE(v.name);
    EXPECT_EQ(Hex(Encode(v)), Hex(v.bytes));
    ++encoded;
  }
  EXPECT_GE(encoded, 20);
}

TEST(ProtocolVectors, EncodeCoalescedEqualsConcatenatedHex) {
  // All valid vectors of one direction appended to a single buffer, then decoded back in order.
  for (bool response : {false, true}) {
    std::string buffer;
    std::string expected;
    std::vector<const Vector*> order;
    for (const Vector& v : Vectors()) {
      if (!v.j.contains("expect") || v.response != response || v.j.contains("limits")) continue;
      buffer += Encode(v);
      expected += v.bytes;
      order.push_back(&v);
    }
    EXPECT_EQ(Hex(buffer), Hex(expected));
    std::string_view rest = buffer;
    for (const Vector* v : order) {
      SCOPED_TRACE(v->name);
      const DecodeResult r = DecodeFrame(rest, Limits(), response);
      CheckComplete(*v, r);
      rest.remove_prefix(r.consumed);
    }
    EXPECT_TRUE(rest.empty());
  }
}

}  // namespace
}  // namespace memdb::protocol
