// libFuzzer target: the protocol v1 frame decoder and every message parser.
//
// Input layout:
//   byte 0      mode: bit 0 = decode as the client (expect_response), bit 1 = default Limits
//   bytes 1..6  unless bit 1: u16 max_frame_bytes, u16 max_key_bytes, u16 max_value_bytes (LE)
//   bytes 7..   a byte stream, decoded frame after frame like a connection's input buffer
// Seeds (scripts/run-fuzz.sh) are the frames of tests/vectors/protocol_v1.json behind such a
// prefix.
//
// Besides what the sanitizers catch, every result is checked against the decoder's contract
// (codec.h), and every body that parses is re-encoded with the Append* functions and must give
// back exactly the frame's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/endian.h"
#include "memdb/status.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

namespace memdb::protocol {
namespace {

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (line %d)\n", #cond, __LINE__); \
      std::abort();                                                               \
    }                                                                             \
  } while (0)

constexpr size_t kPrefixSize = 7;

// Checks that `encoded` (the Append* output for the parsed message) is the frame itself. The
// encoders never set the NOT_OWNER hint (a coordinator adds it to a response it relays,
// node/router.cc): it is carried over from the frame before comparing.
void CheckReencoded(const std::string& encoded, std::string_view frame_bytes) {
  std::string expected = encoded;
  if (expected.size() > 4 && frame_bytes.size() > 4 &&
      (static_cast<uint8_t>(frame_bytes[4]) & kFlagNotOwner) != 0) {
    expected[4] = static_cast<char>(expected[4] | kFlagNotOwner);
  }
  FUZZ_CHECK(expected == frame_bytes);
}

// Runs every parser on `body`; for the parser that matches the frame's opcode and direction,
// a successful parse must re-encode to the same bytes.
void ParseAll(const Frame& frame, std::string_view frame_bytes, const Limits& limits) {
  const FrameHeader& h = frame.header;
  const std::string_view body = frame.body;
  const bool response = h.is_response();
  const bool ok_response = response && h.status == Code::kOk;
  const bool request = !response;
  const uint32_t rid = h.request_id;
  const Timestamp ts = h.timestamp;
  auto is = [&](Opcode op) { return h.opcode == static_cast<uint8_t>(op); };
  std::string out;

  HelloRequest hello;
  if (ParseHelloRequest(body, &hello).ok() && request && is(Opcode::kHello)) {
    AppendHelloRequest(&out, rid, ts, hello);
    CheckReencoded(out, frame_bytes);
  }
  out.clear();
  AuthRequest auth;
  if (ParseAuthRequest(body, &auth).ok()) {
    FUZZ_CHECK(auth.mac.size() == kMacSize && auth.key_id.size() <= kMaxNameBytes);
    if (request && is(Opcode::kAuth)) {
      AppendAuthRequest(&out, rid, ts, auth);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  std::string_view payload;
  if (ParsePingRequest(body, limits, &payload).ok()) {
    FUZZ_CHECK(payload.size() <= limits.max_value_bytes);
    if (request && is(Opcode::kPing)) {
      AppendPingRequest(&out, rid, ts, payload);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  std::string_view key;
  if (ParseKeyRequest(body, limits, &key).ok()) {
    FUZZ_CHECK(key.size() <= limits.max_key_bytes);
    if (request && (is(Opcode::kGet) || is(Opcode::kDel) || is(Opcode::kContains))) {
      AppendKeyRequest(&out, static_cast<Opcode>(h.opcode), rid, ts, key);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  SetRequest set;
  if (ParseSetRequest(body, limits, &set).ok()) {
    FUZZ_CHECK(set.key.size() <= limits.max_key_bytes);
    FUZZ_CHECK(set.value.size() <= limits.max_value_bytes);
    if (request && is(Opcode::kSet)) {
      AppendSetRequest(&out, rid, ts, set);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  Challenge challenge;
  if (ParseChallenge(body, &challenge).ok()) {
    FUZZ_CHECK(challenge.nonce.size() == kNonceSize);
    if (ok_response && is(Opcode::kHello)) {
      AppendChallenge(&out, rid, ts, challenge);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  if (ParseEmptyResponse(body).ok()) {
    FUZZ_CHECK(body.empty());
    if (ok_response && is(Opcode::kAuth)) {
      AppendEmptyResponse(&out, Opcode::kAuth, rid, ts);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  if (ParsePingResponse(body, &payload).ok() && ok_response && is(Opcode::kPing)) {
    AppendPingResponse(&out, rid, ts, payload);
    CheckReencoded(out, frame_bytes);
  }
  out.clear();
  GetResult get;
  if (ParseGetResponse(body, &get).ok() && ok_response && is(Opcode::kGet)) {
    AppendGetResponse(&out, rid, ts, get);
    CheckReencoded(out, frame_bytes);
  }
  out.clear();
  Version version;
  if (ParseSetResponse(body, &version).ok() && ok_response && is(Opcode::kSet)) {
    AppendSetResponse(&out, rid, ts, version);
    CheckReencoded(out, frame_bytes);
  }
  out.clear();
  DelResult del;
  if (ParseDelResponse(body, &del).ok() && ok_response && is(Opcode::kDel)) {
    AppendDelResponse(&out, rid, ts, del);
    CheckReencoded(out, frame_bytes);
  }
  out.clear();
  bool present = false;
  if (ParseContainsResponse(body, &present).ok() && ok_response && is(Opcode::kContains)) {
    AppendContainsResponse(&out, rid, ts, present);
    CheckReencoded(out, frame_bytes);
  }
  out.clear();
  // _CL requests: the prefix, then the plain body; _CL responses: the plain response's body,
  // which a node sends under the _CL opcode (the encoders write the plain one: patched here).
  RequestOptions cl_options;
  std::string_view cl_rest;
  if (ParseConsistencyPrefix(body, &cl_options, &cl_rest).ok()) {
    FUZZ_CHECK(static_cast<uint8_t>(cl_options.consistency) <= kMaxConsistency);
    FUZZ_CHECK(cl_rest.size() + kConsistencyPrefixSize == body.size());
    if (request && IsConsistencyOpcode(h.opcode)) {
      const Opcode plain = PlainKeyOpcode(h.opcode);
      if (plain == Opcode::kSet) {
        if (ParseSetRequest(cl_rest, limits, &set).ok()) {
          AppendSetRequestCl(&out, rid, ts, cl_options, set.key, set.value);
          CheckReencoded(out, frame_bytes);
        }
      } else if (ParseKeyRequest(cl_rest, limits, &key).ok()) {
        AppendKeyRequestCl(&out, plain, rid, ts, cl_options, key);
        CheckReencoded(out, frame_bytes);
      }
    }
  }
  out.clear();
  if (ok_response && IsConsistencyOpcode(h.opcode)) {
    switch (PlainKeyOpcode(h.opcode)) {
      case Opcode::kGet:
        if (ParseGetResponse(body, &get).ok()) AppendGetResponse(&out, rid, ts, get);
        break;
      case Opcode::kSet:
        if (ParseSetResponse(body, &version).ok()) AppendSetResponse(&out, rid, ts, version);
        break;
      case Opcode::kDel:
        if (ParseDelResponse(body, &del).ok()) AppendDelResponse(&out, rid, ts, del);
        break;
      default:
        if (ParseContainsResponse(body, &present).ok()) {
          AppendContainsResponse(&out, rid, ts, present);
        }
        break;
    }
    if (!out.empty()) {
      out[3] = static_cast<char>(h.opcode);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  RepairAction repair_action = RepairAction::kStatus;
  if (ParseRepairRequest(body, &repair_action).ok() && request && is(Opcode::kRepair)) {
    AppendRepairRequest(&out, rid, ts, repair_action);
    CheckReencoded(out, frame_bytes);
  }
  out.clear();
  RepairProgress repair;
  if (ParseRepairResponse(body, &repair).ok()) {
    FUZZ_CHECK(repair.last_error.size() <= kMaxRepairErrorBytes);
    // The reserved u64 (after the nine counters) is ignored by the reader and written as 0:
    // only a frame with it 0 re-encodes to itself.
    const bool reserved_zero = body.substr(2 + 9 * 8, 8) == std::string_view("\0\0\0\0\0\0\0\0", 8);
    if (ok_response && is(Opcode::kRepair) && reserved_zero) {
      AppendRepairResponse(&out, rid, ts, repair);
      CheckReencoded(out, frame_bytes);
    }
  }
  out.clear();
  std::string_view message;
  if (ParseErrorResponse(body, &message).ok()) {
    FUZZ_CHECK(message.size() <= kMaxErrorMessageBytes);
    if (response && h.status != Code::kOk) {
      AppendErrorResponse(&out, h.opcode, rid, ts, h.status, message);
      CheckReencoded(out, frame_bytes);
    }
  }
}

// The header written back with FrameWriter must be the bytes it was decoded from.
void CheckHeaderRoundTrip(const FrameHeader& h, std::string_view frame_bytes) {
  std::string out;
  FrameWriter w(&out);
  w.Begin(h);
  w.PutRaw(frame_bytes.substr(kHeaderSize));
  w.Finish();
  FUZZ_CHECK(out == frame_bytes);
}

void DecodeStream(std::string_view rest, const Limits& limits, bool expect_response) {
  while (true) {
    const DecodeResult r = DecodeFrame(rest, limits, expect_response);
    FUZZ_CHECK(r.consumed <= rest.size());
    switch (r.status) {
      case DecodeStatus::kNeedMore:
        FUZZ_CHECK(r.consumed == 0);
        FUZZ_CHECK(r.needed > rest.size());
        FUZZ_CHECK(r.needed <= kHeaderSize + size_t{limits.max_frame_bytes});
        return;
      case DecodeStatus::kError:
        FUZZ_CHECK(r.error != Code::kOk && IsWireCode(r.error));
        FUZZ_CHECK(!r.error_message.empty());
        if (r.fatal) {
          FUZZ_CHECK(r.consumed == 0);
          FUZZ_CHECK(r.error != Code::kUnknownOpcode);
          return;
        }
        FUZZ_CHECK(r.error == Code::kUnknownOpcode);
        FUZZ_CHECK(!IsKnownOpcode(r.frame.header.opcode));
        FUZZ_CHECK(r.consumed == kHeaderSize + r.frame.header.body_length);
        FUZZ_CHECK(r.frame.body.size() == r.frame.header.body_length);
        CheckHeaderRoundTrip(r.frame.header, rest.substr(0, r.consumed));
        break;
      case DecodeStatus::kFrame: {
        const FrameHeader& h = r.frame.header;
        FUZZ_CHECK(r.consumed == kHeaderSize + h.body_length);
        FUZZ_CHECK(h.body_length <= limits.max_frame_bytes);
        FUZZ_CHECK(r.frame.body.size() == h.body_length);
        FUZZ_CHECK(r.frame.body.data() == rest.data() + kHeaderSize);
        FUZZ_CHECK(h.version == kProtocolVersion);
        FUZZ_CHECK(h.is_response() == expect_response);
        FUZZ_CHECK((h.flags & ~kKnownFlags) == 0);
        FUZZ_CHECK(expect_response || h.status == Code::kOk);
        FUZZ_CHECK(IsKnownOpcode(h.opcode));
        // One byte short of the frame is always "need more".
        const DecodeResult shorter =
            DecodeFrame(rest.substr(0, r.consumed - 1), limits, expect_response);
        FUZZ_CHECK(shorter.status == DecodeStatus::kNeedMore);
        FUZZ_CHECK(shorter.needed <= r.consumed);
        const std::string_view frame_bytes = rest.substr(0, r.consumed);
        CheckHeaderRoundTrip(h, frame_bytes);
        ParseAll(r.frame, frame_bytes, limits);
        break;
      }
    }
    FUZZ_CHECK(r.consumed >= kHeaderSize);  // progress
    rest.remove_prefix(r.consumed);
  }
}

}  // namespace
}  // namespace memdb::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using memdb::protocol::Limits;
  if (size < memdb::protocol::kPrefixSize) return 0;
  const char* p = reinterpret_cast<const char*>(data);
  const uint8_t mode = data[0];
  const bool expect_response = (mode & 1) != 0;
  Limits limits;
  if ((mode & 2) == 0) {
    limits.max_frame_bytes = memdb::DecodeU16(p + 1);
    limits.max_key_bytes = memdb::DecodeU16(p + 3);
    limits.max_value_bytes = memdb::DecodeU16(p + 5);
  }
  // A copy of exactly the stream, so any read past its end is caught by ASan.
  const std::string stream(p + memdb::protocol::kPrefixSize, size - memdb::protocol::kPrefixSize);
  memdb::protocol::DecodeStream(stream, limits, expect_response);
  return 0;
}
