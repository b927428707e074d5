// CLUSTER_INFO (protocol/cluster_messages.h): round trips through the frame codec, every
// truncation and trailing bytes rejected, hostile counts rejected before anything is reserved,
// bad status / up / format bytes, and PhiToMilli's saturation.
#include "protocol/cluster_messages.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "memdb/node_status.h"
#include "memdb/status.h"
#include "protocol/codec.h"
#include "protocol/frame.h"

namespace memdb::protocol {
namespace {

ClusterInfo SampleInfo() {
  ClusterInfo info;
  info.cluster_name = "prod-eu";
  info.self_id = 7;
  info.ring_version = 0x0102030405060708ull;
  ClusterNodeInfo a;
  a.id = 7;
  a.address = "127.0.0.1:7379";
  a.status = NodeStatus::kNormal;
  a.up = true;
  a.phi_milli = 0;
  a.generation = 3;
  a.heartbeat = 12345;
  a.keys_held = 1000;
  a.tokens = {1, 0x8000000000000000ull, UINT64_MAX};
  ClusterNodeInfo b;
  b.id = 9;
  b.address = std::string("host\0b:1", 8);  // binary-safe
  b.status = NodeStatus::kLeaving;
  b.up = false;
  b.phi_milli = UINT32_MAX;
  b.generation = UINT64_MAX;
  b.heartbeat = 0;
  b.keys_held = 42;
  b.tokens = {};
  info.nodes = {a, b};
  return info;
}

void PutU32At(std::string* s, size_t offset, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[offset + i] = static_cast<char>(v >> (8 * i));
}

bool SameNode(const ClusterNodeInfo& x, const ClusterNodeInfo& y) {
  return x.id == y.id && x.address == y.address && x.status == y.status && x.up == y.up &&
         x.phi_milli == y.phi_milli && x.generation == y.generation && x.heartbeat == y.heartbeat &&
         x.keys_held == y.keys_held && x.tokens == y.tokens && x.catchup == y.catchup;
}

void ExpectSameInfo(const ClusterInfo& x, const ClusterInfo& y) {
  EXPECT_EQ(x.cluster_name, y.cluster_name);
  EXPECT_EQ(x.self_id, y.self_id);
  EXPECT_EQ(x.ring_version, y.ring_version);
  ASSERT_EQ(x.nodes.size(), y.nodes.size());
  for (size_t i = 0; i < x.nodes.size(); ++i) EXPECT_TRUE(SameNode(x.nodes[i], y.nodes[i])) << i;
}

// The body of the CLUSTER_INFO response frame for `info`.
std::string ResponseBody(const ClusterInfo& info) {
  std::string wire;
  AppendClusterInfoResponse(&wire, 5, 6, info);
  return wire.substr(kHeaderSize);
}

// Offset of the first node's status byte in ResponseBody(SampleInfo()).
size_t FirstNodeStatusOffset(const ClusterInfo& info) {
  return 1 + 4 + info.cluster_name.size() + 4 + 8 + 4 + 4 + 4 + info.nodes[0].address.size();
}

void ExpectBadRequest(const Status& s, std::string_view message_part) {
  EXPECT_EQ(CodeName(s.code()), CodeName(Code::kBadRequest)) << s.ToString();
  EXPECT_NE(s.message().find(message_part), std::string::npos) << s.ToString();
}

TEST(ClusterMessages, RequestRoundTrip) {
  std::string wire;
  AppendClusterInfoRequest(&wire, 11, 22);
  const DecodeResult r = DecodeFrame(wire, Limits(), /*expect_response=*/false);
  ASSERT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_EQ(r.frame.header.opcode, static_cast<uint8_t>(Opcode::kClusterInfo));
  EXPECT_EQ(r.frame.header.request_id, 11u);
  EXPECT_EQ(r.frame.header.timestamp, 22u);
  EXPECT_EQ(r.frame.header.body_length, 0u);
  EXPECT_TRUE(ParseClusterInfoRequest(r.frame.body).ok());
  ExpectBadRequest(ParseClusterInfoRequest("x"), "unexpected bytes");
}

TEST(ClusterMessages, ResponseRoundTrip) {
  const ClusterInfo info = SampleInfo();
  std::string wire = "prefix";  // Append keeps what is there
  AppendClusterInfoResponse(&wire, 0xffffffff, UINT64_MAX, info);
  const std::string_view frame = std::string_view(wire).substr(6);
  const DecodeResult r = DecodeFrame(frame, Limits(), /*expect_response=*/true);
  ASSERT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
  EXPECT_EQ(r.consumed, frame.size());
  EXPECT_EQ(r.frame.header.opcode, static_cast<uint8_t>(Opcode::kClusterInfo));
  EXPECT_EQ(r.frame.header.flags, kFlagResponse);
  EXPECT_EQ(r.frame.header.request_id, 0xffffffffu);
  EXPECT_EQ(r.frame.header.timestamp, UINT64_MAX);
  ClusterInfo parsed;
  parsed.cluster_name = "stale";  // replaced, not appended to
  parsed.nodes.resize(3);
  ASSERT_TRUE(ParseClusterInfoResponse(r.frame.body, &parsed).ok());
  ExpectSameInfo(parsed, info);
}

TEST(ClusterMessages, EmptyClusterRoundTrip) {
  ClusterInfo info;
  ClusterInfo parsed;
  ASSERT_TRUE(ParseClusterInfoResponse(ResponseBody(info), &parsed).ok());
  ExpectSameInfo(parsed, info);
  EXPECT_EQ(ResponseBody(info).size(), 1u + 4 + 4 + 8 + 4);
}

TEST(ClusterMessages, LayoutMatchesTheSpec) {
  ClusterInfo info;
  info.cluster_name = "c";
  info.self_id = 2;
  info.ring_version = 3;
  ClusterNodeInfo n;
  n.id = 2;
  n.address = "a:1";
  n.status = NodeStatus::kJoining;
  n.up = true;
  n.phi_milli = 1500;
  n.generation = 4;
  n.heartbeat = 5;
  n.keys_held = 6;
  n.tokens = {0x1122334455667788ull};
  info.nodes = {n};
  const std::string expected = std::string(
      "\x01"  // format
      "\x01\x00\x00\x00"
      "c"                                 // cluster_name
      "\x02\x00\x00\x00"                  // self_id
      "\x03\x00\x00\x00\x00\x00\x00\x00"  // ring_version
      "\x01\x00\x00\x00"                  // n
      "\x02\x00\x00\x00"                  // id
      "\x03\x00\x00\x00"
      "a:1"                                // address
      "\x01"                               // status joining
      "\x01"                               // up
      "\xdc\x05\x00\x00"                   // phi_milli 1500
      "\x04\x00\x00\x00\x00\x00\x00\x00"   // generation
      "\x05\x00\x00\x00\x00\x00\x00\x00"   // heartbeat
      "\x06\x00\x00\x00\x00\x00\x00\x00"   // keys_held
      "\x01\x00\x00\x00"                   // t
      "\x88\x77\x66\x55\x44\x33\x22\x11",  // token
      1 + 5 + 4 + 8 + 4 + 4 + 7 + 1 + 1 + 4 + 8 + 8 + 8 + 4 + 8);
  EXPECT_EQ(ResponseBody(info), expected);
}

TEST(ClusterMessages, EveryTruncationIsRejected) {
  const std::string body = ResponseBody(SampleInfo());
  for (size_t len = 0; len < body.size(); ++len) {
    ClusterInfo parsed;
    const Status s = ParseClusterInfoResponse(std::string_view(body).substr(0, len), &parsed);
    EXPECT_EQ(CodeName(s.code()), CodeName(Code::kBadRequest)) << "length " << len;
    EXPECT_TRUE(parsed.nodes.empty() && parsed.cluster_name.empty()) << "length " << len;
  }
}

TEST(ClusterMessages, TrailingBytesAreRejected) {
  std::string body = ResponseBody(SampleInfo());
  body.push_back('\0');
  ClusterInfo parsed;
  ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "1 unexpected bytes");
}

TEST(ClusterMessages, HostileNodeCountIsRejectedBeforeReading) {
  // A count that passes the node limit but cannot fit the body: refused on the count itself
  // (the message names it) — nothing is reserved for 4096 nodes out of a 22-byte body.
  ClusterInfo empty;
  std::string body = ResponseBody(empty);
  const size_t count_offset = body.size() - 4;
  for (uint32_t count : {1u, kMaxClusterNodes, kMaxClusterNodes + 1, UINT32_MAX}) {
    PutU32At(&body, count_offset, count);
    ClusterInfo parsed;
    ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "node count");
  }
}

TEST(ClusterMessages, NodeCountOverTheLimitIsRejectedEvenIfTheBodyHoldsIt) {
  ClusterInfo info;
  info.nodes.resize(kMaxClusterNodes + 1);
  for (auto& n : info.nodes) n.status = NodeStatus::kNormal;
  ClusterInfo parsed;
  ExpectBadRequest(ParseClusterInfoResponse(ResponseBody(info), &parsed), "node count");
  info.nodes.resize(kMaxClusterNodes);
  EXPECT_TRUE(ParseClusterInfoResponse(ResponseBody(info), &parsed).ok());
  EXPECT_EQ(parsed.nodes.size(), kMaxClusterNodes);
}

TEST(ClusterMessages, HostileTokenCountIsRejected) {
  ClusterInfo info = SampleInfo();
  info.nodes.resize(1);
  info.nodes[0].tokens.clear();
  std::string body = ResponseBody(info);
  const size_t count_offset = body.size() - 4;
  for (uint32_t count : {1u, kMaxClusterTokens + 1, UINT32_MAX}) {
    PutU32At(&body, count_offset, count);
    ClusterInfo parsed;
    ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "token count");
  }
  info.nodes[0].tokens.assign(kMaxClusterTokens + 1, 5);
  ClusterInfo parsed;
  ExpectBadRequest(ParseClusterInfoResponse(ResponseBody(info), &parsed), "token count");
  info.nodes[0].tokens.assign(kMaxClusterTokens, 5);
  EXPECT_TRUE(ParseClusterInfoResponse(ResponseBody(info), &parsed).ok());
}

TEST(ClusterMessages, BadStatusByteIsRejected) {
  const ClusterInfo info = SampleInfo();
  const size_t offset = FirstNodeStatusOffset(info);
  for (int b : {0, kMaxNodeStatus + 1, 0xff}) {
    std::string body = ResponseBody(info);
    ASSERT_EQ(static_cast<uint8_t>(body[offset]), static_cast<uint8_t>(NodeStatus::kNormal));
    body[offset] = static_cast<char>(b);
    ClusterInfo parsed;
    ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "status must be 1-5");
  }
  for (int b = 1; b <= kMaxNodeStatus; ++b) {
    std::string body = ResponseBody(info);
    body[offset] = static_cast<char>(b);
    ClusterInfo parsed;
    ASSERT_TRUE(ParseClusterInfoResponse(body, &parsed).ok()) << b;
    EXPECT_EQ(parsed.nodes[0].status, static_cast<NodeStatus>(b));
  }
}

TEST(ClusterMessages, UpByteMustBeZeroOrOne) {
  const ClusterInfo info = SampleInfo();
  std::string body = ResponseBody(info);
  body[FirstNodeStatusOffset(info) + 1] = 2;
  ClusterInfo parsed;
  ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "up must be 0 or 1");
}

TEST(ClusterMessages, UnknownFormatIsRejected) {
  std::string body = ResponseBody(SampleInfo());
  for (uint8_t format : {0, 3, 255}) {
    body[0] = static_cast<char>(format);
    ClusterInfo parsed;
    ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "format must be 1 or 2");
  }
}

// ---- format 2: per-node catch-up progress ----

ClusterInfo CatchingUpInfo() {
  ClusterInfo info = SampleInfo();
  info.nodes[1].catchup = CatchupProgress{CatchupPhase::kRunning, 12, 28, 5120};
  return info;
}

TEST(ClusterMessages, FormatOneWhileNobodyCatchesUp) {
  // Older clients read format 1 only: it stays format 1 unless a node has a catch-up phase.
  EXPECT_EQ(ResponseBody(SampleInfo())[0], 1);
  EXPECT_EQ(ResponseBody(CatchingUpInfo())[0], 2);
}

TEST(ClusterMessages, CatchupRoundTrip) {
  ClusterInfo info = CatchingUpInfo();
  info.nodes[0].catchup = CatchupProgress{CatchupPhase::kDone, 28, 28, UINT64_MAX};
  ClusterInfo parsed;
  ASSERT_TRUE(ParseClusterInfoResponse(ResponseBody(info), &parsed).ok());
  ExpectSameInfo(parsed, info);
  EXPECT_EQ(parsed.nodes[1].catchup.ranges_done, 12u);
  // Every truncation of a format-2 body is refused too.
  const std::string body = ResponseBody(info);
  for (size_t len = 0; len < body.size(); ++len) {
    EXPECT_EQ(
        CodeName(ParseClusterInfoResponse(std::string_view(body).substr(0, len), &parsed).code()),
        CodeName(Code::kBadRequest))
        << "length " << len;
  }
}

TEST(ClusterMessages, CatchupLayoutMatchesTheSpec) {
  ClusterInfo info;
  info.cluster_name = "c";
  info.self_id = 2;
  info.ring_version = 3;
  ClusterNodeInfo n;
  n.id = 2;
  n.address = "a:1";
  n.status = NodeStatus::kNormal;
  n.up = true;
  n.catchup = CatchupProgress{CatchupPhase::kRunning, 1, 3, 0x0102};
  info.nodes = {n};
  const std::string body = ResponseBody(info);
  const std::string expected_tail = std::string(
      "\x00\x00\x00\x00"                   // t
      "\x01"                               // catchup_phase running
      "\x01\x00\x00\x00"                   // ranges_done
      "\x03\x00\x00\x00"                   // ranges_total
      "\x02\x01\x00\x00\x00\x00\x00\x00",  // records_applied
      4 + 1 + 4 + 4 + 8);
  EXPECT_EQ(body[0], 2);
  ASSERT_GE(body.size(), expected_tail.size());
  EXPECT_EQ(body.substr(body.size() - expected_tail.size()), expected_tail);
  EXPECT_EQ(body.size(), 1 + 5 + 4 + 8 + 4 + 4 + 7 + 1 + 1 + 4 + 8 + 8 + 8 + 4 + 17u);
}

TEST(ClusterMessages, BadCatchupFieldsAreRejected) {
  const std::string good = ResponseBody(CatchingUpInfo());
  // The last node's catch-up block is the last 17 bytes.
  const size_t phase_offset = good.size() - 17;
  std::string body = good;
  body[phase_offset] = 3;
  ClusterInfo parsed;
  ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "catchup_phase must be 0-2");
  body = good;
  PutU32At(&body, phase_offset + 1, 29);  // ranges_done over ranges_total (28)
  ExpectBadRequest(ParseClusterInfoResponse(body, &parsed), "is over ranges_total");
  // A format-1 body read as format 2 does not fit.
  body = ResponseBody(SampleInfo());
  body[0] = 2;
  EXPECT_EQ(CodeName(ParseClusterInfoResponse(body, &parsed).code()), CodeName(Code::kBadRequest));
}

TEST(ClusterMessages, StringLimits) {
  ClusterInfo info;
  info.cluster_name.assign(kMaxClusterNameBytes, 'n');
  ClusterInfo parsed;
  EXPECT_TRUE(ParseClusterInfoResponse(ResponseBody(info), &parsed).ok());
  info.cluster_name.push_back('n');
  ExpectBadRequest(ParseClusterInfoResponse(ResponseBody(info), &parsed), "cluster_name is 257");

  info = SampleInfo();
  info.nodes[1].address.assign(kMaxClusterAddressBytes, 'a');
  EXPECT_TRUE(ParseClusterInfoResponse(ResponseBody(info), &parsed).ok());
  info.nodes[1].address.push_back('a');
  ExpectBadRequest(ParseClusterInfoResponse(ResponseBody(info), &parsed), "address is 257");
}

TEST(ClusterMessages, PhiToMilliSaturates) {
  EXPECT_EQ(PhiToMilli(0), 0u);
  EXPECT_EQ(PhiToMilli(-1), 0u);
  EXPECT_EQ(PhiToMilli(std::nan("")), 0u);
  EXPECT_EQ(PhiToMilli(1.5), 1500u);
  EXPECT_EQ(PhiToMilli(8.0), 8000u);
  EXPECT_EQ(PhiToMilli(4294967.0), 4294967000u);
  EXPECT_EQ(PhiToMilli(1e12), UINT32_MAX);
  EXPECT_EQ(PhiToMilli(std::numeric_limits<double>::infinity()), UINT32_MAX);
}

}  // namespace
}  // namespace memdb::protocol
