// REPLICA_WRITE / REPLICA_READ bodies (protocol/replica_messages.h): round trips, the exact
// byte layout, and rejection of everything malformed.
#include "protocol/replica_messages.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb::protocol {
namespace {

TEST(ReplicaWriteBody, PutRoundTripsWithTheDocumentedLayout) {
  ReplicaWrite write{ReplicaWriteKind::kPut, Version{0x0102030405060708, 7}, "key", "value"};
  std::string body;
  AppendReplicaWriteBody(write, &body);
  const std::string expected = std::string("\x01", 1) +                              // kind
                               std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8) +  // timestamp
                               std::string("\x07\x00\x00\x00", 4) +                  // node id
                               std::string("\x03\x00\x00\x00", 4) + "key" +          // key
                               std::string("\x05\x00\x00\x00", 4) + "value";         // value
  EXPECT_EQ(body, expected);
  ReplicaWrite parsed;
  ASSERT_TRUE(ParseReplicaWriteBody(body, Limits{}, &parsed).ok());
  EXPECT_EQ(parsed.kind, ReplicaWriteKind::kPut);
  EXPECT_EQ(parsed.version, write.version);
  EXPECT_EQ(parsed.key, "key");
  EXPECT_EQ(parsed.value, "value");
}

TEST(ReplicaWriteBody, DeleteCarriesNoValue) {
  std::string body;
  AppendReplicaWriteBody({ReplicaWriteKind::kDelete, Version{9, 2}, "k", "ignored"}, &body);
  ReplicaWrite parsed;
  ASSERT_TRUE(ParseReplicaWriteBody(body, Limits{}, &parsed).ok());
  EXPECT_EQ(parsed.kind, ReplicaWriteKind::kDelete);
  EXPECT_TRUE(parsed.value.empty());

  // A hand-made DELETE with a value is refused.
  std::string bad;
  AppendReplicaWriteBody({ReplicaWriteKind::kPut, Version{9, 2}, "k", "v"}, &bad);
  bad[0] = 2;
  Status s = ParseReplicaWriteBody(bad, Limits{}, &parsed);
  EXPECT_EQ(s.code(), Code::kBadRequest);
  EXPECT_NE(s.message().find("DELETE carries no value"), std::string::npos) << s.message();
}

TEST(ReplicaWriteBody, RejectsUnknownKindsLimitsTruncationAndTrailingBytes) {
  std::string body;
  AppendReplicaWriteBody({ReplicaWriteKind::kPut, Version{1, 1}, "key", "value"}, &body);
  ReplicaWrite parsed;

  std::string kind = body;
  kind[0] = 3;  // COUNTER: not a replica write
  EXPECT_EQ(ParseReplicaWriteBody(kind, Limits{}, &parsed).code(), Code::kBadRequest);

  Limits small;
  small.max_key_bytes = 2;
  EXPECT_EQ(ParseReplicaWriteBody(body, small, &parsed).code(), Code::kKeyTooLarge);
  small = Limits{};
  small.max_value_bytes = 4;
  EXPECT_EQ(ParseReplicaWriteBody(body, small, &parsed).code(), Code::kValueTooLarge);

  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_EQ(ParseReplicaWriteBody(body.substr(0, n), Limits{}, &parsed).code(), Code::kBadRequest)
        << "truncated at " << n;
  }
  EXPECT_EQ(ParseReplicaWriteBody(body + "x", Limits{}, &parsed).code(), Code::kBadRequest);
}

TEST(ReplicaWriteResponse, CarriesAppliedAndReplacedLive) {
  for (bool applied : {false, true}) {
    for (bool replaced : {false, true}) {
      std::string body;
      AppendReplicaWriteResponseBody(applied, &body, replaced);
      ASSERT_EQ(body.size(), 2u);
      ReplicaWriteResult result;
      ASSERT_TRUE(ParseReplicaWriteResponseBody(body, &result).ok());
      EXPECT_EQ(result.applied, applied);
      EXPECT_EQ(result.replaced_live, replaced);
      bool only_applied = !applied;
      ASSERT_TRUE(ParseReplicaWriteResponseBody(body, &only_applied).ok());
      EXPECT_EQ(only_applied, applied);
    }
  }
  ReplicaWriteResult result;
  EXPECT_EQ(ParseReplicaWriteResponseBody(std::string("\x01", 1), &result).code(),
            Code::kBadRequest);
  EXPECT_EQ(ParseReplicaWriteResponseBody(std::string("\x02\x00", 2), &result).code(),
            Code::kBadRequest);
  EXPECT_EQ(ParseReplicaWriteResponseBody(std::string("\x01\x00\x00", 3), &result).code(),
            Code::kBadRequest);
}

TEST(ReplicaWriteResponse, WholeFrameHasTheReplicaWriteOpcode) {
  std::string frame;
  AppendReplicaWriteResponse(&frame, 77, 1234, true, true);
  DecodeResult r = DecodeFrame(frame, Limits{}, /*expect_response=*/true);
  ASSERT_EQ(r.status, DecodeStatus::kFrame);
  EXPECT_EQ(r.frame.header.opcode, static_cast<uint8_t>(Opcode::kReplicaWrite));
  EXPECT_EQ(r.frame.header.request_id, 77u);
  EXPECT_EQ(r.frame.header.timestamp, 1234u);
  ReplicaWriteResult result;
  ASSERT_TRUE(ParseReplicaWriteResponseBody(r.frame.body, &result).ok());
  EXPECT_TRUE(result.applied && result.replaced_live);
}

TEST(ReplicaReadBody, IsTheKey) {
  std::string body;
  AppendReplicaReadBody("abc", &body);
  EXPECT_EQ(body, std::string("\x03\x00\x00\x00", 4) + "abc");
  std::string_view key;
  ASSERT_TRUE(ParseReplicaReadBody(body, Limits{}, &key).ok());
  EXPECT_EQ(key, "abc");
  Limits small;
  small.max_key_bytes = 2;
  EXPECT_EQ(ParseReplicaReadBody(body, small, &key).code(), Code::kKeyTooLarge);
  EXPECT_EQ(ParseReplicaReadBody(body + "!", Limits{}, &key).code(), Code::kBadRequest);
}

TEST(ReplicaReadResponse, RoundTripsEveryState) {
  const ReplicaReadResult cases[] = {
      {ReplicaState::kAbsent, false, Version{}, ""},
      {ReplicaState::kLive, false, Version{55, 3}, "value"},
      {ReplicaState::kLive, true, Version{56, 4}, ""},  // an empty live value
      {ReplicaState::kTombstone, true, Version{57, 5}, ""},
  };
  for (const ReplicaReadResult& c : cases) {
    std::string frame;
    AppendReplicaReadResponse(&frame, 5, 99, c);
    DecodeResult r = DecodeFrame(frame, Limits{}, /*expect_response=*/true);
    ASSERT_EQ(r.status, DecodeStatus::kFrame);
    EXPECT_EQ(r.frame.header.opcode, static_cast<uint8_t>(Opcode::kReplicaRead));
    std::string body;
    AppendReplicaReadResponseBody(c, &body);
    EXPECT_EQ(body, r.frame.body);
    ReplicaReadResult parsed;
    ASSERT_TRUE(ParseReplicaReadResponseBody(body, &parsed).ok());
    EXPECT_EQ(parsed.state, c.state);
    EXPECT_EQ(parsed.catching_up, c.catching_up);
    EXPECT_EQ(parsed.version, c.version);
    EXPECT_EQ(parsed.value, c.value);
  }
}

TEST(ReplicaReadResponse, LayoutAndRejections) {
  std::string body;
  AppendReplicaReadResponseBody({ReplicaState::kLive, true, Version{1, 2}, "v"}, &body);
  const std::string expected =
      std::string("\x01\x01", 2) + std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8) +
      std::string("\x02\x00\x00\x00", 4) + std::string("\x01\x00\x00\x00", 4) + "v";
  EXPECT_EQ(body, expected);

  ReplicaReadResult parsed;
  std::string bad_state = body;
  bad_state[0] = 3;
  EXPECT_EQ(ParseReplicaReadResponseBody(bad_state, &parsed).code(), Code::kBadRequest);
  std::string bad_flags = body;
  bad_flags[1] = 0x02;
  EXPECT_EQ(ParseReplicaReadResponseBody(bad_flags, &parsed).code(), Code::kBadRequest);
  std::string tombstone_with_value = body;
  tombstone_with_value[0] = 2;
  EXPECT_EQ(ParseReplicaReadResponseBody(tombstone_with_value, &parsed).code(), Code::kBadRequest);
  std::string absent;
  AppendReplicaReadResponseBody({ReplicaState::kAbsent, false, Version{}, ""}, &absent);
  absent[2] = 1;  // an absent entry with a version
  EXPECT_EQ(ParseReplicaReadResponseBody(absent, &parsed).code(), Code::kBadRequest);
  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_EQ(ParseReplicaReadResponseBody(body.substr(0, n), &parsed).code(), Code::kBadRequest);
  }
  EXPECT_EQ(ParseReplicaReadResponseBody(body + "x", &parsed).code(), Code::kBadRequest);
}

}  // namespace
}  // namespace memdb::protocol
