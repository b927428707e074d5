// Message bodies: Append* -> DecodeFrame -> Parse* round trips, the size limits, trailing bytes,
// and every parser on every truncation of a valid body.
#include "protocol/messages.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/status.h"
#include "protocol/codec.h"
#include "protocol/frame.h"

namespace memdb::protocol {
namespace {

const std::string kNonce(kNonceSize, '\x5a');
const std::string kMac(kMacSize, '\xa5');
const std::string kBinary("\x00\xff\x00\x7f\x80", 5);

// Decodes the single frame in `wire` and checks its header; returns the body.
std::string_view Body(const std::string& wire, bool response, Opcode opcode, uint32_t request_id,
                      Timestamp ts, const Limits& limits = Limits()) {
  const DecodeResult r = DecodeFrame(wire, limits, response);
  EXPECT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_EQ(r.frame.header.opcode, static_cast<uint8_t>(opcode));
  EXPECT_EQ(r.frame.header.is_response(), response);
  EXPECT_EQ(r.frame.header.status, Code::kOk);
  EXPECT_EQ(r.frame.header.request_id, request_id);
  EXPECT_EQ(r.frame.header.timestamp, ts);
  return r.frame.body;
}

void ExpectError(const Status& s, Code code, std::string_view message_part = "") {
  EXPECT_EQ(CodeName(s.code()), CodeName(code)) << s.ToString();
  EXPECT_NE(s.message().find(message_part), std::string::npos) << s.ToString();
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

TEST(Messages, HelloRoundTrip) {
  std::string wire;
  AppendHelloRequest(&wire, 1, 2, {1, "memdb-cli/0.1"});
  HelloRequest hello;
  ASSERT_TRUE(ParseHelloRequest(Body(wire, false, Opcode::kHello, 1, 2), &hello).ok());
  EXPECT_EQ(hello.protocol_version, 1);
  EXPECT_EQ(hello.client_name, "memdb-cli/0.1");
}

TEST(Messages, ChallengeRoundTrip) {
  std::string wire;
  AppendChallenge(&wire, 1, 3, {1, "memdb 0.1.0", kNonce});
  Challenge c;
  ASSERT_TRUE(ParseChallenge(Body(wire, true, Opcode::kHello, 1, 3), &c).ok());
  EXPECT_EQ(c.protocol_version, 1);
  EXPECT_EQ(c.server_name, "memdb 0.1.0");
  EXPECT_EQ(c.nonce, kNonce);
}

TEST(Messages, AuthRoundTrip) {
  std::string wire;
  AppendAuthRequest(&wire, 2, 0, {"client-1", kMac});
  AuthRequest auth;
  ASSERT_TRUE(ParseAuthRequest(Body(wire, false, Opcode::kAuth, 2, 0), &auth).ok());
  EXPECT_EQ(auth.key_id, "client-1");
  EXPECT_EQ(auth.mac, kMac);

  std::string ok;
  AppendEmptyResponse(&ok, Opcode::kAuth, 2, 4);
  EXPECT_TRUE(ParseEmptyResponse(Body(ok, true, Opcode::kAuth, 2, 4)).ok());
}

TEST(Messages, PingRoundTrip) {
  std::string wire;
  AppendPingRequest(&wire, 3, 5, kBinary);
  std::string_view payload;
  ASSERT_TRUE(ParsePingRequest(Body(wire, false, Opcode::kPing, 3, 5), Limits(), &payload).ok());
  EXPECT_EQ(payload, kBinary);

  std::string resp;
  AppendPingResponse(&resp, 3, 6, kBinary);
  ASSERT_TRUE(ParsePingResponse(Body(resp, true, Opcode::kPing, 3, 6), &payload).ok());
  EXPECT_EQ(payload, kBinary);
}

TEST(Messages, KeyRequestsRoundTrip) {
  for (Opcode op : {Opcode::kGet, Opcode::kDel, Opcode::kContains}) {
    SCOPED_TRACE(OpcodeName(static_cast<uint8_t>(op)));
    for (std::string_view key : {std::string_view(), std::string_view(kBinary)}) {
      std::string wire;
      AppendKeyRequest(&wire, op, 0xFFFFFFFF, ~Timestamp{0}, key);
      std::string_view parsed = "sentinel";
      ASSERT_TRUE(
          ParseKeyRequest(Body(wire, false, op, 0xFFFFFFFF, ~Timestamp{0}), Limits(), &parsed)
              .ok());
      EXPECT_EQ(parsed, key);
    }
  }
}

TEST(Messages, SetRoundTrip) {
  std::string wire;
  AppendSetRequest(&wire, 7, 8, {kBinary, "value"});
  SetRequest set;
  ASSERT_TRUE(ParseSetRequest(Body(wire, false, Opcode::kSet, 7, 8), Limits(), &set).ok());
  EXPECT_EQ(set.key, kBinary);
  EXPECT_EQ(set.value, "value");

  std::string resp;
  AppendSetResponse(&resp, 7, 9, {123456789, 3});
  Version version;
  ASSERT_TRUE(ParseSetResponse(Body(resp, true, Opcode::kSet, 7, 9), &version).ok());
  EXPECT_EQ(version, (Version{123456789, 3}));
}

TEST(Messages, GetResponseRoundTrip) {
  std::string found;
  AppendGetResponse(&found, 1, 2, {true, {~Timestamp{0}, 0xFFFFFFFF}, kBinary});
  GetResult r;
  ASSERT_TRUE(ParseGetResponse(Body(found, true, Opcode::kGet, 1, 2), &r).ok());
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.version, (Version{~Timestamp{0}, 0xFFFFFFFF}));
  EXPECT_EQ(r.value, kBinary);

  // Not found: the body is one byte, whatever the struct held; the parser resets the fields.
  std::string missing;
  AppendGetResponse(&missing, 1, 2, {false, {5, 5}, "ignored"});
  EXPECT_EQ(missing.size(), kHeaderSize + 1);
  ASSERT_TRUE(ParseGetResponse(Body(missing, true, Opcode::kGet, 1, 2), &r).ok());
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.version, Version());
  EXPECT_TRUE(r.value.empty());
}

TEST(Messages, DelResponseRoundTrip) {
  for (bool existed : {false, true}) {
    std::string wire;
    AppendDelResponse(&wire, 4, 5, {existed, {99, 2}});
    DelResult r;
    ASSERT_TRUE(ParseDelResponse(Body(wire, true, Opcode::kDel, 4, 5), &r).ok());
    EXPECT_EQ(r.existed, existed);
    EXPECT_EQ(r.version, (Version{99, 2}));
  }
}

TEST(Messages, ContainsResponseRoundTrip) {
  for (bool present : {false, true}) {
    std::string wire;
    AppendContainsResponse(&wire, 4, 5, present);
    bool parsed = !present;
    ASSERT_TRUE(ParseContainsResponse(Body(wire, true, Opcode::kContains, 4, 5), &parsed).ok());
    EXPECT_EQ(parsed, present);
  }
}

TEST(Messages, ErrorResponseRoundTrip) {
  std::string wire;
  AppendErrorResponse(&wire, 0x2A, 11, 12, Code::kUnknownOpcode, "unknown opcode 0x2a");
  const DecodeResult r = DecodeFrame(wire, Limits(), true);
  EXPECT_EQ(r.frame.header.opcode, 0x2A);  // raw opcode echoed even though unknown
  EXPECT_EQ(r.frame.header.status, Code::kUnknownOpcode);
  EXPECT_EQ(r.frame.header.request_id, 11u);
  EXPECT_TRUE(r.frame.header.is_response());
  std::string_view message;
  ASSERT_TRUE(ParseErrorResponse(r.frame.body, &message).ok());
  EXPECT_EQ(message, "unknown opcode 0x2a");
}

TEST(Messages, AppendKeepsExistingBytesAndCoalesces) {
  std::string out = "xyz";
  AppendKeyRequest(&out, Opcode::kGet, 1, 0, "a");
  AppendSetRequest(&out, 2, 0, {"b", "c"});
  AppendPingRequest(&out, 3, 0, "d");
  ASSERT_EQ(out.substr(0, 3), "xyz");
  std::string_view rest = std::string_view(out).substr(3);
  for (uint32_t id = 1; id <= 3; ++id) {
    const DecodeResult r = DecodeFrame(rest, Limits(), false);
    ASSERT_EQ(r.status, DecodeStatus::kFrame);
    EXPECT_EQ(r.frame.header.request_id, id);
    rest.remove_prefix(r.consumed);
  }
  EXPECT_TRUE(rest.empty());
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

TEST(Messages, KeyLimitIsInclusive) {
  Limits limits;
  limits.max_key_bytes = 4;
  std::string_view key;
  std::string wire;
  AppendKeyRequest(&wire, Opcode::kGet, 1, 0, "abcd");
  EXPECT_TRUE(ParseKeyRequest(Body(wire, false, Opcode::kGet, 1, 0), limits, &key).ok());
  wire.clear();
  AppendKeyRequest(&wire, Opcode::kGet, 1, 0, "abcde");
  ExpectError(ParseKeyRequest(Body(wire, false, Opcode::kGet, 1, 0), limits, &key),
              Code::kKeyTooLarge, "key is 5 bytes, limit is 4");
  SetRequest set;
  wire.clear();
  AppendSetRequest(&wire, 1, 0, {"abcde", ""});
  ExpectError(ParseSetRequest(Body(wire, false, Opcode::kSet, 1, 0), limits, &set),
              Code::kKeyTooLarge, "SET request: key is 5 bytes, limit is 4");
}

TEST(Messages, KeyLimitIsCheckedFromTheLengthBeforeTheBytes) {
  // A 70000-byte key announced in a 4-byte body: the limit, not the truncation, is reported.
  std::string body("\x70\x11\x01\x00", 4);
  std::string_view key;
  ExpectError(ParseKeyRequest(body, Limits(), &key), Code::kKeyTooLarge,
              "key is 70000 bytes, limit is 65536");
}

TEST(Messages, ValueLimitIsInclusive) {
  Limits limits;
  limits.max_value_bytes = 3;
  SetRequest set;
  std::string wire;
  AppendSetRequest(&wire, 1, 0, {"k", "abc"});
  EXPECT_TRUE(ParseSetRequest(Body(wire, false, Opcode::kSet, 1, 0), limits, &set).ok());
  wire.clear();
  AppendSetRequest(&wire, 1, 0, {"k", "abcd"});
  ExpectError(ParseSetRequest(Body(wire, false, Opcode::kSet, 1, 0), limits, &set),
              Code::kValueTooLarge, "SET request: value is 4 bytes, limit is 3");
  std::string_view payload;
  wire.clear();
  AppendPingRequest(&wire, 1, 0, "abcd");
  ExpectError(ParsePingRequest(Body(wire, false, Opcode::kPing, 1, 0), limits, &payload),
              Code::kValueTooLarge, "payload is 4 bytes, limit is 3");
}

TEST(Messages, NameLimits) {
  const std::string at_limit(kMaxNameBytes, 'n');
  const std::string over = at_limit + "n";
  HelloRequest hello;
  std::string wire;
  AppendHelloRequest(&wire, 1, 0, {1, at_limit});
  EXPECT_TRUE(ParseHelloRequest(Body(wire, false, Opcode::kHello, 1, 0), &hello).ok());
  wire.clear();
  AppendHelloRequest(&wire, 1, 0, {1, over});
  ExpectError(ParseHelloRequest(Body(wire, false, Opcode::kHello, 1, 0), &hello), Code::kBadRequest,
              "client_name is 257 bytes, limit is 256");

  AuthRequest auth;
  wire.clear();
  AppendAuthRequest(&wire, 1, 0, {over, kMac});
  ExpectError(ParseAuthRequest(Body(wire, false, Opcode::kAuth, 1, 0), &auth), Code::kBadRequest,
              "key_id is 257 bytes");

  Challenge c;
  wire.clear();
  AppendChallenge(&wire, 1, 0, {1, over, kNonce});
  ExpectError(ParseChallenge(Body(wire, true, Opcode::kHello, 1, 0), &c), Code::kBadRequest,
              "server_name is 257 bytes");
}

TEST(Messages, FixedSizeFieldsMustBeExact) {
  AuthRequest auth;
  std::string wire;
  AppendAuthRequest(&wire, 1, 0, {"id", kMac.substr(1)});
  ExpectError(ParseAuthRequest(Body(wire, false, Opcode::kAuth, 1, 0), &auth), Code::kBadRequest,
              "mac");
  wire.clear();
  AppendAuthRequest(&wire, 1, 0, {"id", kMac + "x"});
  ExpectError(ParseAuthRequest(Body(wire, false, Opcode::kAuth, 1, 0), &auth), Code::kBadRequest,
              "unexpected bytes");
  Challenge c;
  wire.clear();
  AppendChallenge(&wire, 1, 0, {1, "s", kNonce.substr(1)});
  ExpectError(ParseChallenge(Body(wire, true, Opcode::kHello, 1, 0), &c), Code::kBadRequest,
              "nonce");
}

TEST(Messages, BoolBytesMustBeZeroOrOne) {
  GetResult get;
  ExpectError(ParseGetResponse(std::string("\x02", 1), &get), Code::kBadRequest,
              "found must be 0 or 1, got 2");
  bool present;
  ExpectError(ParseContainsResponse(std::string("\xff", 1), &present), Code::kBadRequest,
              "present must be 0 or 1, got 255");
  DelResult del;
  ExpectError(ParseDelResponse(std::string("\x80", 1) + std::string(12, '\0'), &del),
              Code::kBadRequest, "existed must be 0 or 1, got 128");
}

TEST(Messages, ErrorMessageIsTruncatedOnAnUtf8Boundary) {
  std::string_view message;
  std::string wire;
  AppendErrorResponse(&wire, 0x10, 1, 0, Code::kInternal, std::string(5000, 'e'));
  ASSERT_TRUE(ParseErrorResponse(DecodeFrame(wire, Limits(), true).frame.body, &message).ok());
  EXPECT_EQ(message, std::string(kMaxErrorMessageBytes, 'e'));

  // "é" is c3 a9; placed across the cut it is dropped whole rather than split.
  const std::string straddling = std::string(kMaxErrorMessageBytes - 1, 'e') + "\xc3\xa9tail";
  wire.clear();
  AppendErrorResponse(&wire, 0x10, 1, 0, Code::kInternal, straddling);
  ASSERT_TRUE(ParseErrorResponse(DecodeFrame(wire, Limits(), true).frame.body, &message).ok());
  EXPECT_EQ(message, std::string(kMaxErrorMessageBytes - 1, 'e'));

  const std::string at_limit(kMaxErrorMessageBytes, 'e');
  wire.clear();
  AppendErrorResponse(&wire, 0x10, 1, 0, Code::kInternal, at_limit);
  ASSERT_TRUE(ParseErrorResponse(DecodeFrame(wire, Limits(), true).frame.body, &message).ok());
  EXPECT_EQ(message, at_limit);
}

TEST(Messages, OverlongErrorMessageIsRejectedByTheParser) {
  std::string body;
  FrameWriter w(&body);
  FrameHeader h;
  h.flags = kFlagResponse;
  h.status = Code::kInternal;
  w.Begin(h);
  w.PutBytes(std::string(kMaxErrorMessageBytes + 1, 'e'));
  w.Finish();
  std::string_view message;
  ExpectError(ParseErrorResponse(std::string_view(body).substr(kHeaderSize), &message),
              Code::kBadRequest, "message is 1025 bytes, limit is 1024");
}

// ---------------------------------------------------------------------------------------------
// Every parser against truncation and trailing bytes
// ---------------------------------------------------------------------------------------------

struct Case {
  const char* name;
  std::string body;  // a valid body
  std::function<Status(std::string_view)> parse;
};

std::vector<Case> AllParsers() {
  auto body_of = [](const std::string& wire) { return wire.substr(kHeaderSize); };
  const Limits limits;
  std::vector<Case> cases;
  std::string w;
  AppendHelloRequest(&w, 1, 0, {1, "client"});
  cases.push_back({"HELLO", body_of(w), [](std::string_view b) {
                     HelloRequest m;
                     return ParseHelloRequest(b, &m);
                   }});
  w.clear();
  AppendAuthRequest(&w, 1, 0, {"id", kMac});
  cases.push_back({"AUTH", body_of(w), [](std::string_view b) {
                     AuthRequest m;
                     return ParseAuthRequest(b, &m);
                   }});
  w.clear();
  AppendPingRequest(&w, 1, 0, "payload");
  cases.push_back({"PING request", body_of(w), [limits](std::string_view b) {
                     std::string_view m;
                     return ParsePingRequest(b, limits, &m);
                   }});
  cases.push_back({"PING response", body_of(w), [](std::string_view b) {
                     std::string_view m;
                     return ParsePingResponse(b, &m);
                   }});
  w.clear();
  AppendKeyRequest(&w, Opcode::kGet, 1, 0, "key");
  cases.push_back({"key request", body_of(w), [limits](std::string_view b) {
                     std::string_view m;
                     return ParseKeyRequest(b, limits, &m);
                   }});
  w.clear();
  AppendSetRequest(&w, 1, 0, {"key", "value"});
  cases.push_back({"SET request", body_of(w), [limits](std::string_view b) {
                     SetRequest m;
                     return ParseSetRequest(b, limits, &m);
                   }});
  w.clear();
  AppendChallenge(&w, 1, 0, {1, "server", kNonce});
  cases.push_back({"CHALLENGE", body_of(w), [](std::string_view b) {
                     Challenge m;
                     return ParseChallenge(b, &m);
                   }});
  w.clear();
  AppendGetResponse(&w, 1, 0, {true, {1, 2}, "value"});
  cases.push_back({"GET response found", body_of(w), [](std::string_view b) {
                     GetResult m;
                     return ParseGetResponse(b, &m);
                   }});
  w.clear();
  AppendGetResponse(&w, 1, 0, {});
  cases.push_back({"GET response missing", body_of(w), [](std::string_view b) {
                     GetResult m;
                     return ParseGetResponse(b, &m);
                   }});
  w.clear();
  AppendSetResponse(&w, 1, 0, {1, 2});
  cases.push_back({"SET response", body_of(w), [](std::string_view b) {
                     Version m;
                     return ParseSetResponse(b, &m);
                   }});
  w.clear();
  AppendDelResponse(&w, 1, 0, {true, {1, 2}});
  cases.push_back({"DEL response", body_of(w), [](std::string_view b) {
                     DelResult m;
                     return ParseDelResponse(b, &m);
                   }});
  w.clear();
  AppendContainsResponse(&w, 1, 0, true);
  cases.push_back({"CONTAINS response", body_of(w), [](std::string_view b) {
                     bool m;
                     return ParseContainsResponse(b, &m);
                   }});
  w.clear();
  AppendEmptyResponse(&w, Opcode::kAuth, 1, 0);
  cases.push_back(
      {"empty response", body_of(w), [](std::string_view b) { return ParseEmptyResponse(b); }});
  w.clear();
  AppendErrorResponse(&w, 0x10, 1, 0, Code::kTimeout, "timed out");
  cases.push_back({"error response", body_of(w), [](std::string_view b) {
                     std::string_view m;
                     return ParseErrorResponse(b, &m);
                   }});
  return cases;
}

TEST(Messages, EveryParserAcceptsItsValidBody) {
  for (const Case& c : AllParsers()) {
    SCOPED_TRACE(c.name);
    const Status s = c.parse(c.body);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
}

TEST(Messages, EveryParserRejectsEveryTruncation) {
  for (const Case& c : AllParsers()) {
    SCOPED_TRACE(c.name);
    for (size_t len = 0; len < c.body.size(); ++len) {
      SCOPED_TRACE("length " + std::to_string(len));
      // A copy of exactly `len` bytes, so a read past the end is caught by ASan.
      const std::string truncated = c.body.substr(0, len);
      ExpectError(c.parse(truncated), Code::kBadRequest, "body ends inside");
    }
  }
}

TEST(Messages, EveryParserRejectsTrailingBytes) {
  for (const Case& c : AllParsers()) {
    SCOPED_TRACE(c.name);
    for (std::string_view extra : {std::string_view("\x00", 1), std::string_view("junk")}) {
      ExpectError(c.parse(c.body + std::string(extra)), Code::kBadRequest,
                  std::to_string(extra.size()) + " unexpected bytes after the end of the body");
    }
  }
}

TEST(Messages, ErrorsNameTheMessageAndTheField) {
  SetRequest set;
  const Status s = ParseSetRequest(std::string("\x01\x00\x00\x00k\x05\x00", 7), Limits(), &set);
  EXPECT_EQ(s.code(), Code::kBadRequest);
  EXPECT_EQ(s.message(), "SET request: body ends inside value length (needs 4 bytes, 2 left)");
}

}  // namespace
}  // namespace memdb::protocol
