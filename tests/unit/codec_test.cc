// Frame decoder, FrameWriter and BodyReader. The per-vector checks (every split, byte at a time,
// encode == hex) live in protocol_vectors_test.cc; this file covers the header rules one by one,
// streams of several frames, and the writer's buffer handling.
#include "protocol/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/endian.h"
#include "memdb/status.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

namespace memdb::protocol {
namespace {

constexpr bool kServer = false;  // expect_response: requests
constexpr bool kClient = true;   // expect_response: responses

FrameHeader RequestHeader(uint8_t opcode, uint32_t request_id, uint64_t timestamp = 0) {
  FrameHeader h;
  h.opcode = opcode;
  h.request_id = request_id;
  h.timestamp = timestamp;
  return h;
}

// A frame with an arbitrary header (including invalid ones) and body.
std::string RawFrame(const FrameHeader& h, std::string_view body) {
  std::string out;
  FrameWriter w(&out);
  w.Begin(h);
  w.PutRaw(body);
  w.Finish();
  return out;
}

std::string GetRequest(uint32_t request_id, std::string_view key) {
  std::string out;
  AppendKeyRequest(&out, Opcode::kGet, request_id, 0, key);
  return out;
}

void ExpectFatal(const DecodeResult& r, Code code) {
  EXPECT_EQ(r.status, DecodeStatus::kError);
  EXPECT_EQ(CodeName(r.error), CodeName(code)) << r.error_message;
  EXPECT_TRUE(r.fatal);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_FALSE(r.error_message.empty());
}

void ExpectNeedMore(const DecodeResult& r, size_t needed) {
  EXPECT_EQ(r.status, DecodeStatus::kNeedMore) << r.error_message;
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(r.needed, needed);
}

// ---------------------------------------------------------------------------------------------
// Header validation
// ---------------------------------------------------------------------------------------------

TEST(DecodeFrame, EmptyInputNeedsAHeader) {
  ExpectNeedMore(DecodeFrame({}, Limits(), kServer), kHeaderSize);
  ExpectNeedMore(DecodeFrame({}, Limits(), kClient), kHeaderSize);
}

TEST(DecodeFrame, BadMagicIsFatalAsSoonAsTwoBytesArrive) {
  ExpectNeedMore(DecodeFrame("G", Limits(), kServer), kHeaderSize);
  ExpectFatal(DecodeFrame("GE", Limits(), kServer), Code::kBadFrame);
  ExpectFatal(DecodeFrame("GET / HTTP/1.1\r\n\r\n", Limits(), kServer), Code::kBadFrame);
  // Right first byte, wrong second byte.
  ExpectNeedMore(DecodeFrame("M", Limits(), kServer), kHeaderSize);
  ExpectFatal(DecodeFrame("MX", Limits(), kServer), Code::kBadFrame);
  // The magic is little-endian: 0x444D is the bytes 4d 44, never 44 4d.
  std::string swapped = GetRequest(1, "k");
  std::swap(swapped[0], swapped[1]);
  ExpectFatal(DecodeFrame(swapped, Limits(), kServer), Code::kBadFrame);
}

TEST(DecodeFrame, UnknownVersionIsFatalAsSoonAsThreeBytesArrive) {
  for (int version : {0, 2, 255}) {
    SCOPED_TRACE(version);
    std::string frame = GetRequest(1, "k");
    frame[2] = static_cast<char>(version);
    ExpectNeedMore(DecodeFrame(std::string_view(frame).substr(0, 2), Limits(), kServer),
                   kHeaderSize);
    ExpectFatal(DecodeFrame(std::string_view(frame).substr(0, 3), Limits(), kServer),
                Code::kUnsupportedVersion);
    ExpectFatal(DecodeFrame(frame, Limits(), kServer), Code::kUnsupportedVersion);
  }
}

TEST(DecodeFrame, EveryReservedFlagBitIsFatal) {
  for (int bit = 2; bit < 16; ++bit) {
    SCOPED_TRACE(bit);
    FrameHeader h = RequestHeader(0x10, 1);
    h.flags = static_cast<uint16_t>(1u << bit);
    ExpectFatal(DecodeFrame(RawFrame(h, "\x00\x00\x00\x00"), Limits(), kServer), Code::kBadFrame);
    h.flags |= kFlagResponse;
    ExpectFatal(DecodeFrame(RawFrame(h, "\x00"), Limits(), kClient), Code::kBadFrame);
  }
}

TEST(DecodeFrame, NotOwnerFlagOnlyOnResponses) {
  // A response may carry NOT_OWNER (the node forwarded the request to the key's owner).
  std::string response;
  AppendContainsResponse(&response, 9, 0, true);
  response[4] = static_cast<char>(kFlagResponse | kFlagNotOwner);
  const DecodeResult r = DecodeFrame(response, Limits(), kClient);
  ASSERT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
  EXPECT_EQ(r.frame.header.flags, kFlagResponse | kFlagNotOwner);
  EXPECT_TRUE(r.frame.header.is_response());
  EXPECT_EQ(r.frame.header.request_id, 9u);
  // On a request it is a framing error, found as soon as the flags are in.
  std::string request = GetRequest(1, "k");
  request[4] = static_cast<char>(kFlagNotOwner);
  ExpectFatal(DecodeFrame(request, Limits(), kServer), Code::kBadFrame);
  ExpectFatal(DecodeFrame(std::string_view(request).substr(0, 6), Limits(), kServer),
              Code::kBadFrame);
}

TEST(DecodeFrame, ResponseFlagMustMatchTheSide) {
  std::string request = GetRequest(1, "k");
  ExpectFatal(DecodeFrame(request, Limits(), kClient), Code::kBadFrame);
  std::string response;
  AppendContainsResponse(&response, 1, 0, true);
  ExpectFatal(DecodeFrame(response, Limits(), kServer), Code::kBadFrame);
  // Detected once the flags (bytes 4..5) are in, before the rest of the header.
  ExpectNeedMore(DecodeFrame(std::string_view(response).substr(0, 5), Limits(), kServer),
                 kHeaderSize);
  ExpectFatal(DecodeFrame(std::string_view(response).substr(0, 6), Limits(), kServer),
              Code::kBadFrame);
}

TEST(DecodeFrame, RequestStatusMustBeZero) {
  FrameHeader h = RequestHeader(0x10, 1);
  h.status = Code::kBadRequest;
  ExpectFatal(DecodeFrame(RawFrame(h, std::string("\x01\x00\x00\x00k", 5)), Limits(), kServer),
              Code::kBadFrame);
}

TEST(DecodeFrame, ErrorResponseIsAValidFrameOnTheClientSide) {
  std::string response;
  AppendErrorResponse(&response, static_cast<uint8_t>(Opcode::kSet), 42, 7, Code::kKeyTooLarge,
                      "key is 70000 bytes, limit is 65536");
  const DecodeResult r = DecodeFrame(response, Limits(), kClient);
  ASSERT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
  EXPECT_EQ(r.frame.header.status, Code::kKeyTooLarge);
  EXPECT_EQ(r.frame.header.request_id, 42u);
  std::string_view message;
  ASSERT_TRUE(ParseErrorResponse(r.frame.body, &message).ok());
  EXPECT_EQ(message, "key is 70000 bytes, limit is 65536");
}

TEST(DecodeFrame, ResponseStatusMustBeAWireCode) {
  FrameHeader h = RequestHeader(0x10, 1);
  h.flags = kFlagResponse;
  h.status = Code::kNotFound;  // local-only
  ExpectFatal(DecodeFrame(RawFrame(h, std::string(4, '\0')), Limits(), kClient), Code::kBadFrame);
  h.status = static_cast<Code>(999);  // a wire code this build does not know: passed up
  EXPECT_EQ(DecodeFrame(RawFrame(h, std::string(4, '\0')), Limits(), kClient).status,
            DecodeStatus::kFrame);
}

TEST(DecodeFrame, OversizeLengthIsRejectedFromTheHeaderAlone) {
  Limits limits;
  limits.max_frame_bytes = 100;
  FrameHeader h = RequestHeader(0x11, 77, 5);
  std::string header = RawFrame(h, "");
  EncodeU32(header.data() + 12, 101);
  ASSERT_EQ(header.size(), kHeaderSize);  // no body bytes at all
  // Rejected as soon as the length field (bytes 12..15) is complete.
  ExpectNeedMore(DecodeFrame(std::string_view(header).substr(0, 15), limits, kServer), kHeaderSize);
  ExpectFatal(DecodeFrame(std::string_view(header).substr(0, 16), limits, kServer),
              Code::kFrameTooLarge);
  const DecodeResult r = DecodeFrame(header, limits, kServer);
  ExpectFatal(r, Code::kFrameTooLarge);
  // With the whole header present, the header is filled so the reply can echo the request id.
  EXPECT_EQ(r.frame.header.request_id, 77u);
  EXPECT_EQ(r.frame.header.opcode, 0x11);
  EXPECT_EQ(r.frame.header.body_length, 101u);

  // Exactly at the limit is fine: wait for the body.
  EncodeU32(header.data() + 12, 100);
  ExpectNeedMore(DecodeFrame(header, limits, kServer), kHeaderSize + 100);
}

TEST(DecodeFrame, HugeLengthWithDefaultLimitsIsRejected) {
  std::string header = RawFrame(RequestHeader(0x11, 1), "");
  EncodeU32(header.data() + 12, 0xFFFFFFFF);
  ExpectFatal(DecodeFrame(header, Limits(), kServer), Code::kFrameTooLarge);
  EncodeU32(header.data() + 12, Limits().max_frame_bytes + 1);
  ExpectFatal(DecodeFrame(header, Limits(), kServer), Code::kFrameTooLarge);
}

TEST(DecodeFrame, TruncatedBodyNeedsMoreAndConsumesNothing) {
  const std::string frame = GetRequest(9, "some-key");
  for (size_t k = kHeaderSize; k < frame.size(); ++k) {
    ExpectNeedMore(DecodeFrame(std::string_view(frame).substr(0, k), Limits(), kServer),
                   frame.size());
  }
  EXPECT_EQ(DecodeFrame(frame, Limits(), kServer).status, DecodeStatus::kFrame);
}

TEST(DecodeFrame, ZeroLengthBody) {
  std::string response;
  AppendEmptyResponse(&response, Opcode::kAuth, 3, 0);
  ASSERT_EQ(response.size(), kHeaderSize);
  const DecodeResult r = DecodeFrame(response, Limits(), kClient);
  ASSERT_EQ(r.status, DecodeStatus::kFrame);
  EXPECT_EQ(r.consumed, kHeaderSize);
  EXPECT_TRUE(r.frame.body.empty());
}

// ---------------------------------------------------------------------------------------------
// Unknown opcodes
// ---------------------------------------------------------------------------------------------

TEST(DecodeFrame, UnknownOpcodeSkipsTheWholeFrameOnceItHasArrived) {
  const std::string unknown = RawFrame(RequestHeader(0x2A, 1234, 99), "abcdef");
  // Not before the body is complete: the frame cannot be skipped yet.
  for (size_t k = 0; k < unknown.size(); ++k) {
    EXPECT_EQ(DecodeFrame(std::string_view(unknown).substr(0, k), Limits(), kServer).status,
              DecodeStatus::kNeedMore);
  }
  const std::string stream = unknown + GetRequest(1235, "k");
  const DecodeResult r = DecodeFrame(stream, Limits(), kServer);
  ASSERT_EQ(r.status, DecodeStatus::kError);
  EXPECT_EQ(r.error, Code::kUnknownOpcode);
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.consumed, unknown.size());
  EXPECT_EQ(r.frame.header.request_id, 1234u);
  EXPECT_EQ(r.frame.header.opcode, 0x2A);
  EXPECT_EQ(r.frame.header.timestamp, 99u);
  EXPECT_EQ(r.frame.body, "abcdef");
  // The stream is still in sync: the next frame decodes.
  const DecodeResult next =
      DecodeFrame(std::string_view(stream).substr(r.consumed), Limits(), kServer);
  ASSERT_EQ(next.status, DecodeStatus::kFrame);
  EXPECT_EQ(next.frame.header.request_id, 1235u);
}

TEST(DecodeFrame, UnknownOpcodeResponseIsNonFatalOnTheClientSide) {
  std::string response;
  AppendErrorResponse(&response, 0x30, 5, 0, Code::kUnknownOpcode, "unknown opcode 0x30");
  const DecodeResult r = DecodeFrame(response, Limits(), kClient);
  ASSERT_EQ(r.status, DecodeStatus::kError);
  EXPECT_EQ(r.error, Code::kUnknownOpcode);
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.consumed, response.size());
  EXPECT_EQ(r.frame.header.request_id, 5u);
  EXPECT_EQ(r.frame.header.status, Code::kUnknownOpcode);
}

TEST(DecodeFrame, EveryOpcodeByteIsClassified) {
  const std::vector<uint8_t> known = {0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13, 0x20,
                                      0x21, 0x22, 0x23, 0x50, 0x51, 0x52, 0x53, 0x54,
                                      0x55, 0x56, 0x57, 0x80, 0x81, 0x82, 0x83};
  for (int op = 0; op < 256; ++op) {
    SCOPED_TRACE(op);
    const bool is_known = std::count(known.begin(), known.end(), op) > 0;
    EXPECT_EQ(IsKnownOpcode(static_cast<uint8_t>(op)), is_known);
    const DecodeResult r =
        DecodeFrame(RawFrame(RequestHeader(static_cast<uint8_t>(op), 1), ""), Limits(), kServer);
    if (is_known) {
      EXPECT_EQ(r.status, DecodeStatus::kFrame);  // the body is the message parser's business
    } else {
      EXPECT_EQ(r.status, DecodeStatus::kError);
      EXPECT_EQ(r.error, Code::kUnknownOpcode);
      EXPECT_FALSE(r.fatal);
      EXPECT_EQ(r.consumed, kHeaderSize);
    }
  }
}

TEST(OpcodeName, NamesKnownOpcodesAndHexForTheRest) {
  EXPECT_EQ(OpcodeName(0x01), "HELLO");
  EXPECT_EQ(OpcodeName(0x02), "AUTH");
  EXPECT_EQ(OpcodeName(0x03), "PING");
  EXPECT_EQ(OpcodeName(0x10), "GET");
  EXPECT_EQ(OpcodeName(0x11), "SET");
  EXPECT_EQ(OpcodeName(0x12), "DEL");
  EXPECT_EQ(OpcodeName(0x13), "CONTAINS");
  EXPECT_EQ(OpcodeName(0x50), "GOSSIP_SYN");
  EXPECT_EQ(OpcodeName(0x51), "GOSSIP_ACK2");
  EXPECT_EQ(OpcodeName(0x52), "FORWARD");
  EXPECT_EQ(OpcodeName(0x82), "CLUSTER_INFO");
  EXPECT_EQ(OpcodeName(0x20), "GET_CL");
  EXPECT_EQ(OpcodeName(0x21), "SET_CL");
  EXPECT_EQ(OpcodeName(0x22), "DEL_CL");
  EXPECT_EQ(OpcodeName(0x23), "CONTAINS_CL");
  EXPECT_EQ(OpcodeName(0x53), "REPLICA_WRITE");
  EXPECT_EQ(OpcodeName(0x54), "REPLICA_READ");
  EXPECT_EQ(OpcodeName(0x55), "CATCHUP_READ");
  EXPECT_EQ(OpcodeName(0x56), "MERKLE_TREE");
  EXPECT_EQ(OpcodeName(0x57), "RANGE_ENTRIES");
  EXPECT_EQ(OpcodeName(0x83), "REPAIR");
  EXPECT_EQ(OpcodeName(0x00), "0x00");
  EXPECT_EQ(OpcodeName(0x2a), "0x2a");
  EXPECT_EQ(OpcodeName(0xff), "0xff");
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

TEST(DecodeFrame, SeveralFramesBackToBackInOneBuffer) {
  std::string stream;
  AppendHelloRequest(&stream, 1, 0, {1, "test"});
  AppendKeyRequest(&stream, Opcode::kGet, 2, 10, "a");
  stream += RawFrame(RequestHeader(0x7F, 3), "zz");  // unknown: skipped, stream stays in sync
  AppendSetRequest(&stream, 4, 11, {"b", "value"});
  AppendPingRequest(&stream, 5, 12, "");
  AppendKeyRequest(&stream, Opcode::kDel, 6, 13, "b");
  const std::string tail = GetRequest(7, "partial");
  stream += tail.substr(0, tail.size() - 1);

  std::vector<uint32_t> ids;
  std::string_view rest = stream;
  while (true) {
    const DecodeResult r = DecodeFrame(rest, Limits(), kServer);
    if (r.status == DecodeStatus::kNeedMore) {
      EXPECT_EQ(r.needed, tail.size());
      break;
    }
    ASSERT_TRUE(r.status == DecodeStatus::kFrame || !r.fatal) << r.error_message;
    ASSERT_LE(r.consumed, rest.size());
    ids.push_back(r.frame.header.request_id);
    rest.remove_prefix(r.consumed);
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(rest.size(), tail.size() - 1);
}

// Random frames (known and unknown opcodes) fed through a connection-style buffer in random
// chunks. Deterministic: each seed is printed on failure and replays identically.
void CheckRandomStream(uint32_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  auto random_bytes = [&](size_t max) {
    std::string s(std::uniform_int_distribution<size_t>(0, max)(rng), '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  std::string stream;
  std::vector<FrameHeader> headers;
  std::vector<std::string> bodies;
  for (int i = 0; i < 200; ++i) {
    FrameHeader h;
    h.opcode = static_cast<uint8_t>(rng());
    h.request_id = static_cast<uint32_t>(rng());
    h.timestamp = (uint64_t{rng()} << 32) | rng();
    bodies.push_back(random_bytes(300));
    stream += RawFrame(h, bodies.back());
    h.body_length = static_cast<uint32_t>(bodies.back().size());
    headers.push_back(h);
  }
  std::string buffer;
  size_t fed = 0;
  size_t next = 0;
  while (next < headers.size()) {
    const DecodeResult r = DecodeFrame(buffer, Limits(), kServer);
    if (r.status == DecodeStatus::kNeedMore) {
      ASSERT_LT(fed, stream.size());
      const size_t chunk = std::uniform_int_distribution<size_t>(1, 64)(rng);
      buffer.append(stream, fed, chunk);
      fed = std::min(stream.size(), fed + chunk);
      continue;
    }
    ASSERT_TRUE(r.status == DecodeStatus::kFrame || !r.fatal) << r.error_message;
    EXPECT_EQ(r.status == DecodeStatus::kFrame, IsKnownOpcode(headers[next].opcode));
    EXPECT_EQ(r.frame.header.opcode, headers[next].opcode);
    EXPECT_EQ(r.frame.header.request_id, headers[next].request_id);
    EXPECT_EQ(r.frame.header.timestamp, headers[next].timestamp);
    EXPECT_EQ(r.frame.header.body_length, headers[next].body_length);
    EXPECT_EQ(r.frame.body, bodies[next]);
    buffer.erase(0, r.consumed);
    ++next;
  }
  EXPECT_TRUE(buffer.empty());
}

TEST(DecodeFrame, RandomFramesSurviveRandomFragmentation) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    CheckRandomStream(seed);
    if (HasFatalFailure()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// FrameWriter
// ---------------------------------------------------------------------------------------------

TEST(FrameWriter, WritesTheHeaderLittleEndian) {
  FrameHeader h;
  h.opcode = 0x11;
  h.flags = kFlagResponse;
  h.status = Code::kValueTooLarge;
  h.request_id = 0x04030201;
  h.timestamp = 0x0807060504030201;
  std::string out;
  FrameWriter w(&out);
  w.Begin(h);
  w.PutU8(0xAA);
  w.PutU16(0xBBCC);
  w.PutU32(0xDDEEFF00);
  w.PutU64(0x1122334455667788);
  w.PutBytes("xy");
  w.PutRaw("z");
  w.Finish();
  const std::string expected_header(
      "\x4d\x44\x01\x11\x01\x00\x06\x00\x01\x02\x03\x04\x16\x00\x00\x00"
      "\x01\x02\x03\x04\x05\x06\x07\x08",
      kHeaderSize);
  const std::string expected_body(
      "\xaa\xcc\xbb\x00\xff\xee\xdd\x88\x77\x66\x55\x44\x33\x22\x11\x02\x00\x00\x00xyz", 22);
  EXPECT_EQ(out, expected_header + expected_body);
}

TEST(FrameWriter, CoalescesFramesAndKeepsExistingBytes) {
  std::string out = "previous";
  FrameWriter a(&out);
  a.Begin(RequestHeader(0x03, 1));
  a.PutBytes("first");
  a.Finish();
  AppendKeyRequest(&out, Opcode::kGet, 2, 0, "second-key");
  FrameWriter c(&out);
  c.Begin(RequestHeader(0x03, 3));
  c.Finish();  // empty body

  ASSERT_EQ(out.substr(0, 8), "previous");
  std::string_view rest = std::string_view(out).substr(8);
  std::vector<uint32_t> lengths;
  while (!rest.empty()) {
    const DecodeResult r = DecodeFrame(rest, Limits(), kServer);
    ASSERT_EQ(r.status, DecodeStatus::kFrame) << r.error_message;
    lengths.push_back(r.frame.header.body_length);
    rest.remove_prefix(r.consumed);
  }
  EXPECT_EQ(lengths, (std::vector<uint32_t>{9, 14, 0}));
}

TEST(FrameWriter, FinishPatchesTheLengthAfterReallocation) {
  std::string out;
  out.shrink_to_fit();
  FrameWriter w(&out);
  w.Begin(RequestHeader(0x03, 1));
  const std::string big(100000, 'x');  // forces the buffer to move
  w.PutBytes(big);
  w.Finish();
  const DecodeResult r = DecodeFrame(out, Limits(), kServer);
  ASSERT_EQ(r.status, DecodeStatus::kFrame);
  EXPECT_EQ(r.frame.header.body_length, big.size() + 4);
}

// ---------------------------------------------------------------------------------------------
// BodyReader
// ---------------------------------------------------------------------------------------------

TEST(BodyReader, ReadsEachFieldAndStopsAtTheEnd) {
  const std::string body(
      "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x03\x00\x00\x00"
      "abcZ",
      23);
  BodyReader r(body);
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  std::string_view bytes;
  std::string_view raw;
  ASSERT_TRUE(r.GetU8(&u8));
  ASSERT_TRUE(r.GetU16(&u16));
  ASSERT_TRUE(r.GetU32(&u32));
  ASSERT_TRUE(r.GetU64(&u64));
  ASSERT_TRUE(r.GetBytes(&bytes));
  EXPECT_EQ(r.remaining(), 1u);
  ASSERT_TRUE(r.GetRaw(1, &raw));
  EXPECT_TRUE(r.AtEnd());
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(u16, 0x0302);
  EXPECT_EQ(u32, 0x07060504u);
  EXPECT_EQ(u64, 0x0f0e0d0c0b0a0908u);
  EXPECT_EQ(bytes, "abc");
  EXPECT_EQ(raw, "Z");
  EXPECT_FALSE(r.GetU8(&u8));
  EXPECT_FALSE(r.GetRaw(1, &raw));
  EXPECT_TRUE(r.GetRaw(0, &raw));
}

TEST(BodyReader, RefusesToReadPastTheEnd) {
  const std::string body("\x01\x02\x03", 3);
  uint32_t u32;
  EXPECT_FALSE(BodyReader(body).GetU32(&u32));
  uint64_t u64;
  EXPECT_FALSE(BodyReader(body).GetU64(&u64));
  uint16_t u16;
  EXPECT_FALSE(BodyReader(std::string_view(body).substr(0, 1)).GetU16(&u16));
}

TEST(BodyReader, GetBytesChecksTheLimitAndTheRemainingLength) {
  std::string body;
  PutU32(&body, 5);
  body += "hello";
  std::string_view bytes;
  EXPECT_TRUE(BodyReader(body).GetBytes(&bytes, 5));
  EXPECT_EQ(bytes, "hello");
  EXPECT_FALSE(BodyReader(body).GetBytes(&bytes, 4));
  EXPECT_FALSE(BodyReader(std::string_view(body).substr(0, 8)).GetBytes(&bytes));
  std::string huge;
  PutU32(&huge, 0xFFFFFFFF);  // must not overflow position arithmetic
  EXPECT_FALSE(BodyReader(huge).GetBytes(&bytes));
}

}  // namespace
}  // namespace memdb::protocol
