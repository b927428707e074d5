#include "protocol/messages.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "protocol/codec.h"
#include "protocol/wire_io.h"

namespace memdb::protocol {

using wire_io::kLengthPrefix;
using wire_io::Parser;
using wire_io::StartFrame;
using wire_io::StartRequest;
using wire_io::StartResponse;

// ---------------------------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------------------------

namespace {

// Longest prefix of `message` of at most `max` bytes that does not split a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view message, size_t max) {
  if (message.size() <= max) return message;
  size_t cut = max;
  // A continuation byte (10xxxxxx) at the cut means a character straddles it; a UTF-8
  // character has at most 3 continuation bytes.
  for (int i = 0; i < 3 && cut > 0 && (static_cast<uint8_t>(message[cut]) & 0xC0) == 0x80; ++i) {
    --cut;
  }
  return message.substr(0, cut);
}

}  // namespace

void AppendHelloRequest(std::string* out, uint32_t request_id, Timestamp ts,
                        const HelloRequest& hello) {
  FrameWriter w = StartRequest(out, Opcode::kHello, request_id, ts,
                               2 + kLengthPrefix + hello.client_name.size());
  w.PutU16(hello.protocol_version);
  w.PutBytes(hello.client_name);
  w.Finish();
}

void AppendAuthRequest(std::string* out, uint32_t request_id, Timestamp ts,
                       const AuthRequest& auth) {
  FrameWriter w = StartRequest(out, Opcode::kAuth, request_id, ts,
                               kLengthPrefix + auth.key_id.size() + auth.mac.size());
  w.PutBytes(auth.key_id);
  w.PutRaw(auth.mac);
  w.Finish();
}

void AppendPingRequest(std::string* out, uint32_t request_id, Timestamp ts,
                       std::string_view payload) {
  FrameWriter w = StartRequest(out, Opcode::kPing, request_id, ts, kLengthPrefix + payload.size());
  w.PutBytes(payload);
  w.Finish();
}

void AppendKeyRequest(std::string* out, Opcode opcode, uint32_t request_id, Timestamp ts,
                      std::string_view key) {
  FrameWriter w = StartRequest(out, opcode, request_id, ts, kLengthPrefix + key.size());
  w.PutBytes(key);
  w.Finish();
}

void AppendSetRequest(std::string* out, uint32_t request_id, Timestamp ts, const SetRequest& set) {
  FrameWriter w = StartRequest(out, Opcode::kSet, request_id, ts,
                               2 * kLengthPrefix + set.key.size() + set.value.size());
  w.PutBytes(set.key);
  w.PutBytes(set.value);
  w.Finish();
}

void AppendChallenge(std::string* out, uint32_t request_id, Timestamp ts,
                     const Challenge& challenge) {
  FrameWriter w =
      StartResponse(out, Opcode::kHello, request_id, ts,
                    2 + kLengthPrefix + challenge.server_name.size() + challenge.nonce.size());
  w.PutU16(challenge.protocol_version);
  w.PutBytes(challenge.server_name);
  w.PutRaw(challenge.nonce);
  w.Finish();
}

void AppendEmptyResponse(std::string* out, Opcode opcode, uint32_t request_id, Timestamp ts) {
  StartResponse(out, opcode, request_id, ts, 0).Finish();
}

void AppendPingResponse(std::string* out, uint32_t request_id, Timestamp ts,
                        std::string_view payload) {
  FrameWriter w = StartResponse(out, Opcode::kPing, request_id, ts, kLengthPrefix + payload.size());
  w.PutBytes(payload);
  w.Finish();
}

void AppendGetResponse(std::string* out, uint32_t request_id, Timestamp ts,
                       const GetResult& result) {
  const size_t body_size = result.found ? 1 + 8 + 4 + kLengthPrefix + result.value.size() : 1;
  FrameWriter w = StartResponse(out, Opcode::kGet, request_id, ts, body_size);
  w.PutU8(result.found ? 1 : 0);
  if (result.found) {
    w.PutU64(result.version.timestamp);
    w.PutU32(result.version.node_id);
    w.PutBytes(result.value);
  }
  w.Finish();
}

void AppendSetResponse(std::string* out, uint32_t request_id, Timestamp ts,
                       const Version& version) {
  FrameWriter w = StartResponse(out, Opcode::kSet, request_id, ts, 8 + 4);
  w.PutU64(version.timestamp);
  w.PutU32(version.node_id);
  w.Finish();
}

void AppendDelResponse(std::string* out, uint32_t request_id, Timestamp ts,
                       const DelResult& result) {
  FrameWriter w = StartResponse(out, Opcode::kDel, request_id, ts, 1 + 8 + 4);
  w.PutU8(result.existed ? 1 : 0);
  w.PutU64(result.version.timestamp);
  w.PutU32(result.version.node_id);
  w.Finish();
}

void AppendContainsResponse(std::string* out, uint32_t request_id, Timestamp ts, bool present) {
  FrameWriter w = StartResponse(out, Opcode::kContains, request_id, ts, 1);
  w.PutU8(present ? 1 : 0);
  w.Finish();
}

void AppendStatsRequest(std::string* out, uint32_t request_id, Timestamp ts) {
  FrameWriter w = StartRequest(out, Opcode::kStats, request_id, ts, 0);
  w.Finish();
}

void AppendStatsResponse(std::string* out, uint32_t request_id, Timestamp ts,
                         const std::vector<Stat>& stats) {
  size_t body = 4;
  for (const Stat& s : stats) body += kLengthPrefix + s.name.size() + 8;
  FrameWriter w = StartResponse(out, Opcode::kStats, request_id, ts, body);
  w.PutU32(static_cast<uint32_t>(stats.size()));
  for (const Stat& s : stats) {
    w.PutBytes(s.name);
    w.PutU64(s.value);
  }
  w.Finish();
}

void AppendCompactRequest(std::string* out, uint32_t request_id, Timestamp ts) {
  FrameWriter w = StartRequest(out, Opcode::kCompact, request_id, ts, 0);
  w.Finish();
}

void AppendCompactResponse(std::string* out, uint32_t request_id, Timestamp ts,
                           CompactOutcome outcome) {
  FrameWriter w = StartResponse(out, Opcode::kCompact, request_id, ts, 1);
  w.PutU8(static_cast<uint8_t>(outcome));
  w.Finish();
}

void AppendErrorResponse(std::string* out, uint8_t opcode, uint32_t request_id, Timestamp ts,
                         Code code, std::string_view message) {
  assert(code != Code::kOk && IsWireCode(code));
  if (code == Code::kOk || !IsWireCode(code)) code = Code::kInternal;  // release builds
  message = TruncateUtf8(message, kMaxErrorMessageBytes);
  FrameWriter w = StartFrame(out, opcode, /*response=*/true, code, request_id, ts,
                             kLengthPrefix + message.size());
  w.PutBytes(message);
  w.Finish();
}

// ---------------------------------------------------------------------------------------------
// Decoders
// ---------------------------------------------------------------------------------------------

Status ParseHelloRequest(std::string_view body, HelloRequest* out) {
  Status status;
  Parser p(body, "HELLO request", &status);
  p.U16("protocol_version", &out->protocol_version);
  p.Bytes("client_name", kMaxNameBytes, Code::kBadRequest, &out->client_name);
  p.Finish();
  return status;
}

Status ParseAuthRequest(std::string_view body, AuthRequest* out) {
  Status status;
  Parser p(body, "AUTH request", &status);
  p.Bytes("key_id", kMaxNameBytes, Code::kBadRequest, &out->key_id);
  p.Raw("mac", kMacSize, &out->mac);
  p.Finish();
  return status;
}

Status ParsePingRequest(std::string_view body, const Limits& limits, std::string_view* payload) {
  Status status;
  Parser p(body, "PING request", &status);
  p.Bytes("payload", limits.max_value_bytes, Code::kValueTooLarge, payload);
  p.Finish();
  return status;
}

Status ParseKeyRequest(std::string_view body, const Limits& limits, std::string_view* key) {
  Status status;
  Parser p(body, "GET/DEL/CONTAINS request", &status);
  p.Bytes("key", limits.max_key_bytes, Code::kKeyTooLarge, key);
  p.Finish();
  return status;
}

Status ParseSetRequest(std::string_view body, const Limits& limits, SetRequest* out) {
  Status status;
  Parser p(body, "SET request", &status);
  p.Bytes("key", limits.max_key_bytes, Code::kKeyTooLarge, &out->key);
  p.Bytes("value", limits.max_value_bytes, Code::kValueTooLarge, &out->value);
  p.Finish();
  return status;
}

Status ParseChallenge(std::string_view body, Challenge* out) {
  Status status;
  Parser p(body, "CHALLENGE", &status);
  p.U16("protocol_version", &out->protocol_version);
  p.Bytes("server_name", kMaxNameBytes, Code::kBadRequest, &out->server_name);
  p.Raw("nonce", kNonceSize, &out->nonce);
  p.Finish();
  return status;
}

Status ParseEmptyResponse(std::string_view body) {
  Status status;
  Parser(body, "empty response", &status).Finish();
  return status;
}

Status ParsePingResponse(std::string_view body, std::string_view* payload) {
  Status status;
  Parser p(body, "PING response", &status);
  p.Bytes("payload", UINT32_MAX, Code::kBadRequest, payload);
  p.Finish();
  return status;
}

Status ParseGetResponse(std::string_view body, GetResult* out) {
  Status status;
  Parser p(body, "GET response", &status);
  *out = GetResult();
  if (p.Bool("found", &out->found) && out->found) {
    p.U64("timestamp", &out->version.timestamp);
    p.U32("node_id", &out->version.node_id);
    p.Bytes("value", UINT32_MAX, Code::kBadRequest, &out->value);
  }
  p.Finish();
  return status;
}

Status ParseSetResponse(std::string_view body, Version* out) {
  Status status;
  Parser p(body, "SET response", &status);
  p.U64("timestamp", &out->timestamp);
  p.U32("node_id", &out->node_id);
  p.Finish();
  return status;
}

Status ParseDelResponse(std::string_view body, DelResult* out) {
  Status status;
  Parser p(body, "DEL response", &status);
  p.Bool("existed", &out->existed);
  p.U64("timestamp", &out->version.timestamp);
  p.U32("node_id", &out->version.node_id);
  p.Finish();
  return status;
}

Status ParseContainsResponse(std::string_view body, bool* present) {
  Status status;
  Parser p(body, "CONTAINS response", &status);
  p.Bool("present", present);
  p.Finish();
  return status;
}

Status ParseErrorResponse(std::string_view body, std::string_view* message) {
  Status status;
  Parser p(body, "error response", &status);
  p.Bytes("message", kMaxErrorMessageBytes, Code::kBadRequest, message);
  p.Finish();
  return status;
}

Status ParseStatsRequest(std::string_view body) {
  Status status;
  Parser p(body, "STATS request", &status);
  p.Finish();
  return status;
}

Status ParseStatsResponse(std::string_view body, std::vector<Stat>* out) {
  out->clear();
  Status status;
  Parser p(body, "STATS response", &status);
  uint32_t count = 0;
  if (p.U32("count", &count)) {
    // Each entry takes at least 12 bytes: bound the reservation by what the body can hold.
    constexpr size_t kMinEntryBytes = 4 + 8;
    if (count > kMaxStats || count > body.size() / kMinEntryBytes) {
      return Status(Code::kBadRequest, "STATS response: count " + std::to_string(count) +
                                           " does not fit the body or exceeds " +
                                           std::to_string(kMaxStats));
    }
    out->reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      Stat stat;
      if (!p.Bytes("name", kMaxNameBytes, Code::kBadRequest, &stat.name) ||
          !p.U64("value", &stat.value)) {
        break;
      }
      out->push_back(stat);
    }
  }
  p.Finish();
  return status;
}

Status ParseCompactRequest(std::string_view body) {
  Status status;
  Parser p(body, "COMPACT request", &status);
  p.Finish();
  return status;
}

Status ParseCompactResponse(std::string_view body, CompactOutcome* out) {
  Status status;
  Parser p(body, "COMPACT response", &status);
  uint8_t outcome = 0;
  if (p.U8("outcome", &outcome)) {
    if (outcome > kMaxCompactOutcome) {
      return Status(Code::kBadRequest,
                    "COMPACT response: outcome must be 0-3, got " + std::to_string(outcome));
    }
    *out = static_cast<CompactOutcome>(outcome);
  }
  p.Finish();
  return status;
}

}  // namespace memdb::protocol
