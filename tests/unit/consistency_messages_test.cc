// The consistency-level key requests (GET_CL .. CONTAINS_CL) and REPAIR: byte layout of the
// prefix, Append* -> DecodeFrame -> Parse* round trips, and refusal of bad input (short
// prefix, unknown level, unknown repair action, truncated or padded bodies).
#include "protocol/consistency_messages.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "memdb/status.h"
#include "protocol/codec.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

namespace memdb::protocol {
namespace {

// Decodes the single frame in `wire`, checks its header; returns the body.
std::string_view Body(const std::string& wire, bool response, Opcode opcode, uint32_t request_id,
                      Timestamp ts) {
  const DecodeResult r = DecodeFrame(wire, Limits(), response);
  EXPECT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_EQ(r.frame.header.opcode, static_cast<uint8_t>(opcode));
  EXPECT_EQ(r.frame.header.is_response(), response);
  EXPECT_EQ(r.frame.header.request_id, request_id);
  EXPECT_EQ(r.frame.header.timestamp, ts);
  return r.frame.body;
}

void ExpectError(const Status& s, Code code, std::string_view message_part) {
  EXPECT_EQ(CodeName(s.code()), CodeName(code)) << s.ToString();
  EXPECT_NE(s.message().find(message_part), std::string::npos) << s.ToString();
}

RepairProgress FullProgress() {
  RepairProgress p;
  p.running = true;
  p.started_now = false;
  p.run_id = 3;
  p.ranges_total = 40;
  p.ranges_done = 12;
  p.ranges_failed = 1;
  p.leaves_different = 17;
  p.keys_pulled = 152;
  p.keys_pushed = 87;
  p.bytes_transferred = 0xFFFFFFFFFFFFFFFFull;
  p.elapsed_ms = 3456;
  p.keys_not_copied = 9;
  p.last_error = "node 4 (10.0.0.4:7379): connection refused";
  return p;
}

void ExpectSameProgress(const RepairProgress& a, const RepairProgress& b) {
  EXPECT_EQ(a.running, b.running);
  EXPECT_EQ(a.started_now, b.started_now);
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_EQ(a.ranges_total, b.ranges_total);
  EXPECT_EQ(a.ranges_done, b.ranges_done);
  EXPECT_EQ(a.ranges_failed, b.ranges_failed);
  EXPECT_EQ(a.leaves_different, b.leaves_different);
  EXPECT_EQ(a.keys_pulled, b.keys_pulled);
  EXPECT_EQ(a.keys_pushed, b.keys_pushed);
  EXPECT_EQ(a.bytes_transferred, b.bytes_transferred);
  EXPECT_EQ(a.elapsed_ms, b.elapsed_ms);
  EXPECT_EQ(a.keys_not_copied, b.keys_not_copied);
  EXPECT_EQ(a.last_error, b.last_error);
}

// ---------------------------------------------------------------------------------------------
// Opcodes
// ---------------------------------------------------------------------------------------------

TEST(ConsistencyOpcodes, MapBetweenPlainAndClForms) {
  const std::pair<Opcode, Opcode> pairs[] = {{Opcode::kGet, Opcode::kGetCl},
                                             {Opcode::kSet, Opcode::kSetCl},
                                             {Opcode::kDel, Opcode::kDelCl},
                                             {Opcode::kContains, Opcode::kContainsCl}};
  for (const auto& [plain, cl] : pairs) {
    EXPECT_TRUE(IsConsistencyOpcode(static_cast<uint8_t>(cl)));
    EXPECT_FALSE(IsConsistencyOpcode(static_cast<uint8_t>(plain)));
    EXPECT_EQ(ConsistencyKeyOpcode(plain), cl);
    EXPECT_EQ(PlainKeyOpcode(static_cast<uint8_t>(cl)), plain);
    EXPECT_EQ(PlainKeyOpcode(static_cast<uint8_t>(plain)), plain);
  }
  EXPECT_EQ(static_cast<uint8_t>(Opcode::kGetCl), 0x20);
  EXPECT_EQ(static_cast<uint8_t>(Opcode::kContainsCl), 0x23);
  EXPECT_FALSE(IsConsistencyOpcode(0x24));
  EXPECT_FALSE(IsConsistencyOpcode(static_cast<uint8_t>(Opcode::kRepair)));
  EXPECT_EQ(ConsistencyKeyOpcode(Opcode::kPing), Opcode::kPing);
}

// ---------------------------------------------------------------------------------------------
// The prefix
// ---------------------------------------------------------------------------------------------

TEST(ConsistencyPrefix, LayoutIsLevelThenLittleEndianDeadline) {
  std::string out = "x";
  AppendConsistencyPrefix({Consistency::kQuorum, 0x01020304}, &out);
  EXPECT_EQ(out, std::string("x\x02\x04\x03\x02\x01", 6));
}

TEST(ConsistencyPrefix, RoundTripsEveryLevelAndDeadlineEdges) {
  for (Consistency level :
       {Consistency::kDefault, Consistency::kOne, Consistency::kQuorum, Consistency::kAll}) {
    for (uint32_t deadline : {0u, 1u, 250u, 0xFFFFFFFFu}) {
      std::string body;
      AppendConsistencyPrefix({level, deadline}, &body);
      body += "rest";
      RequestOptions parsed;
      std::string_view plain;
      ASSERT_TRUE(ParseConsistencyPrefix(body, &parsed, &plain).ok());
      EXPECT_EQ(parsed.consistency, level);
      EXPECT_EQ(parsed.deadline_ms, deadline);
      EXPECT_EQ(plain, "rest");
    }
  }
}

TEST(ConsistencyPrefix, ExactlyFiveBytesLeavesAnEmptyPlainBody) {
  RequestOptions parsed;
  std::string_view plain = "untouched";
  ASSERT_TRUE(ParseConsistencyPrefix(std::string("\x01\x00\x00\x00\x00", 5), &parsed, &plain).ok());
  EXPECT_EQ(parsed.consistency, Consistency::kOne);
  EXPECT_TRUE(plain.empty());
}

TEST(ConsistencyPrefix, ShortPrefixIsBadRequest) {
  const std::string full("\x02\x10\x00\x00\x00", 5);
  for (size_t n = 0; n < kConsistencyPrefixSize; ++n) {
    SCOPED_TRACE(n);
    RequestOptions parsed;
    std::string_view plain;
    ExpectError(ParseConsistencyPrefix(full.substr(0, n), &parsed, &plain), Code::kBadRequest,
                "need at least 5");
  }
}

TEST(ConsistencyPrefix, UnknownLevelIsBadRequest) {
  for (uint8_t level : {uint8_t{4}, uint8_t{7}, uint8_t{0xff}}) {
    SCOPED_TRACE(static_cast<int>(level));
    std::string body(1, static_cast<char>(level));
    body.append(4, '\0');
    body += "key";
    RequestOptions parsed;
    parsed.consistency = Consistency::kAll;
    std::string_view plain;
    const Status s = ParseConsistencyPrefix(body, &parsed, &plain);
    ExpectError(s, Code::kBadRequest, "level " + std::to_string(level));
    EXPECT_EQ(parsed.consistency, Consistency::kAll);  // untouched on failure
  }
}

// ---------------------------------------------------------------------------------------------
// Whole _CL requests
// ---------------------------------------------------------------------------------------------

TEST(ConsistencyRequests, KeyRequestsRoundTrip) {
  for (Opcode plain : {Opcode::kGet, Opcode::kDel, Opcode::kContains}) {
    SCOPED_TRACE(OpcodeName(static_cast<uint8_t>(plain)));
    std::string wire;
    AppendKeyRequestCl(&wire, plain, 9, 77, {Consistency::kAll, 1500}, std::string("k\0y", 3));
    const std::string_view body = Body(wire, false, ConsistencyKeyOpcode(plain), 9, 77);
    EXPECT_EQ(body.size(), kConsistencyPrefixSize + 4 + 3);
    RequestOptions options;
    std::string_view rest;
    ASSERT_TRUE(ParseConsistencyPrefix(body, &options, &rest).ok());
    EXPECT_EQ(options.consistency, Consistency::kAll);
    EXPECT_EQ(options.deadline_ms, 1500u);
    std::string_view key;
    ASSERT_TRUE(ParseKeyRequest(rest, Limits(), &key).ok());
    EXPECT_EQ(key, std::string("k\0y", 3));
  }
}

TEST(ConsistencyRequests, SetRoundTrip) {
  std::string wire;
  AppendSetRequestCl(&wire, 10, 5, {Consistency::kOne, 0}, "user:42", "alice");
  const std::string_view body = Body(wire, false, Opcode::kSetCl, 10, 5);
  RequestOptions options;
  std::string_view rest;
  ASSERT_TRUE(ParseConsistencyPrefix(body, &options, &rest).ok());
  EXPECT_EQ(options.consistency, Consistency::kOne);
  EXPECT_EQ(options.deadline_ms, 0u);
  SetRequest set;
  ASSERT_TRUE(ParseSetRequest(rest, Limits(), &set).ok());
  EXPECT_EQ(set.key, "user:42");
  EXPECT_EQ(set.value, "alice");
}

TEST(ConsistencyRequests, FramesAreThePlainFramesBehindThePrefix) {
  // Same request id and timestamp: the _CL frame = the plain header with the _CL opcode and a
  // 5-byte longer body, then the prefix, then the plain body.
  std::string plain;
  SetRequest set{"k", "v"};
  AppendSetRequest(&plain, 1, 2, set);
  std::string cl;
  AppendSetRequestCl(&cl, 1, 2, {Consistency::kQuorum, 7}, "k", "v");
  ASSERT_EQ(cl.size(), plain.size() + kConsistencyPrefixSize);
  EXPECT_EQ(static_cast<uint8_t>(cl[3]), static_cast<uint8_t>(Opcode::kSetCl));
  EXPECT_EQ(cl.substr(kHeaderSize + kConsistencyPrefixSize), plain.substr(kHeaderSize));
  EXPECT_EQ(cl.substr(kHeaderSize, kConsistencyPrefixSize), std::string("\x02\x07\0\0\0", 5));
}

// ---------------------------------------------------------------------------------------------
// REPAIR
// ---------------------------------------------------------------------------------------------

TEST(RepairMessages, RequestRoundTrip) {
  for (RepairAction action : {RepairAction::kStart, RepairAction::kStatus}) {
    std::string wire;
    AppendRepairRequest(&wire, 4, 8, action);
    const std::string_view body = Body(wire, false, Opcode::kRepair, 4, 8);
    ASSERT_EQ(body.size(), 1u);
    EXPECT_EQ(static_cast<uint8_t>(body[0]), static_cast<uint8_t>(action));
    RepairAction parsed =
        action == RepairAction::kStart ? RepairAction::kStatus : RepairAction::kStart;
    ASSERT_TRUE(ParseRepairRequest(body, &parsed).ok());
    EXPECT_EQ(parsed, action);
  }
}

TEST(RepairMessages, BadRequestBodies) {
  RepairAction action = RepairAction::kStatus;
  ExpectError(ParseRepairRequest("", &action), Code::kBadRequest, "action");
  ExpectError(ParseRepairRequest(std::string(1, '\0'), &action), Code::kBadRequest, "got 0");
  ExpectError(ParseRepairRequest("\x03", &action), Code::kBadRequest, "got 3");
  ExpectError(ParseRepairRequest(std::string("\x01\x00", 2), &action), Code::kBadRequest,
              "unexpected bytes");
  EXPECT_EQ(action, RepairAction::kStatus);  // untouched on failure
}

TEST(RepairMessages, ResponseRoundTrip) {
  const RepairProgress progress = FullProgress();
  std::string wire;
  AppendRepairResponse(&wire, 6, 99, progress);
  const std::string_view body = Body(wire, true, Opcode::kRepair, 6, 99);
  EXPECT_EQ(body.size(), 2 + 10 * 8 + 4 + progress.last_error.size());
  RepairProgress parsed;
  ASSERT_TRUE(ParseRepairResponse(body, &parsed).ok());
  ExpectSameProgress(parsed, progress);
}

TEST(RepairMessages, NeverRanIsAllZero) {
  std::string wire;
  AppendRepairResponse(&wire, 1, 1, RepairProgress());
  const std::string_view body = Body(wire, true, Opcode::kRepair, 1, 1);
  EXPECT_EQ(body, std::string(2 + 10 * 8 + 4, '\0'));
  RepairProgress parsed = FullProgress();
  ASSERT_TRUE(ParseRepairResponse(body, &parsed).ok());
  ExpectSameProgress(parsed, RepairProgress());
}

TEST(RepairMessages, EveryTruncationAndTrailingBytesAreRefused) {
  std::string wire;
  AppendRepairResponse(&wire, 1, 1, FullProgress());
  const std::string body = wire.substr(kHeaderSize);
  for (size_t n = 0; n < body.size(); ++n) {
    RepairProgress parsed;
    EXPECT_EQ(ParseRepairResponse(body.substr(0, n), &parsed).code(), Code::kBadRequest) << n;
  }
  RepairProgress parsed;
  ExpectError(ParseRepairResponse(body + "x", &parsed), Code::kBadRequest, "unexpected bytes");
}

TEST(RepairMessages, BadBoolIsRefused) {
  std::string wire;
  AppendRepairResponse(&wire, 1, 1, FullProgress());
  std::string body = wire.substr(kHeaderSize);
  body[1] = '\x02';  // started_now
  RepairProgress parsed;
  ExpectError(ParseRepairResponse(body, &parsed), Code::kBadRequest, "started_now");
}

TEST(RepairMessages, LongErrorIsCutOnACharacterBoundary) {
  RepairProgress progress;
  // 4095 ASCII bytes, then a 3-byte character straddling the 4096-byte limit.
  progress.last_error = std::string(kMaxRepairErrorBytes - 1, 'e') + "\xe2\x82\xac" + "tail";
  std::string wire;
  AppendRepairResponse(&wire, 1, 1, progress);
  RepairProgress parsed;
  ASSERT_TRUE(ParseRepairResponse(wire.substr(kHeaderSize), &parsed).ok());
  EXPECT_EQ(parsed.last_error, std::string(kMaxRepairErrorBytes - 1, 'e'));
}

TEST(RepairMessages, ReaderRefusesAnOversizeError) {
  std::string wire;
  AppendRepairResponse(&wire, 1, 1, RepairProgress());
  std::string body = wire.substr(kHeaderSize, 2 + 10 * 8);
  const uint32_t len = kMaxRepairErrorBytes + 1;
  for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  body.append(len, 'e');
  RepairProgress parsed;
  ExpectError(ParseRepairResponse(body, &parsed), Code::kBadRequest, "last_error is 4097 bytes");
}

}  // namespace
}  // namespace memdb::protocol
