// Protocol v1 message bodies: one struct per message, an Append* encoder that writes a whole
// frame, and a Parse* decoder that checks a body and returns views into it.
// Body layouts are specified in docs/protocol.md; all integers little-endian, "bytes" is a u32
// length followed by that many bytes.
//
// Parse* never allocate on success (only an error Status's message is built): every length is
// checked against the Limits, then against the remaining body, before use. They return
// kBadRequest for a body that does not parse (including trailing bytes), kKeyTooLarge /
// kValueTooLarge for sizes over the limits.
#ifndef MEMDB_PROTOCOL_MESSAGES_H_
#define MEMDB_PROTOCOL_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/compact_outcome.h"
#include "memdb/status.h"
#include "memdb/version.h"
#include "protocol/frame.h"

namespace memdb::protocol {

inline constexpr size_t kNonceSize = 32;
inline constexpr size_t kMacSize = 32;                   // HMAC-SHA256
inline constexpr uint32_t kMaxNameBytes = 256;           // client name, server name, key id
inline constexpr uint32_t kMaxErrorMessageBytes = 1024;  // longer messages are truncated

// HELLO (request): the first frame on every connection.
struct HelloRequest {
  uint16_t protocol_version = kProtocolVersion;  // highest version the client speaks
  std::string_view client_name;                  // free text for logs, <= kMaxNameBytes
};

// CHALLENGE (the HELLO response).
struct Challenge {
  uint16_t protocol_version = kProtocolVersion;  // version the server chose
  std::string_view server_name;                  // e.g. "memdb 0.1.0", <= kMaxNameBytes
  std::string_view nonce;                        // exactly kNonceSize random bytes
};

// AUTH (request). mac = HMAC-SHA256(key = secret, message = nonce || key_id).
struct AuthRequest {
  std::string_view key_id;  // <= kMaxNameBytes
  std::string_view mac;     // exactly kMacSize bytes
};

struct SetRequest {
  std::string_view key;
  std::string_view value;
};

// GET response.
struct GetResult {
  bool found = false;
  Version version;         // only when found
  std::string_view value;  // only when found
};

// One STATS counter: a snake_case name (<= kMaxNameBytes) and its value.
struct Stat {
  std::string_view name;
  uint64_t value = 0;
};
inline constexpr uint32_t kMaxStats = 4096;

// COMPACT response: what the request did; the enum's values are the wire byte.
using memdb::CompactOutcome;
using memdb::CompactOutcomeName;
inline constexpr uint8_t kMaxCompactOutcome = 3;

// DEL response: `existed` is whether a live value was there; `version` stamps the tombstone.
struct DelResult {
  bool existed = false;
  Version version;
};

// ---- encoders: append one whole frame to `out` ----

void AppendHelloRequest(std::string* out, uint32_t request_id, Timestamp ts,
                        const HelloRequest& hello);
void AppendAuthRequest(std::string* out, uint32_t request_id, Timestamp ts,
                       const AuthRequest& auth);
void AppendPingRequest(std::string* out, uint32_t request_id, Timestamp ts,
                       std::string_view payload);
// GET, DEL and CONTAINS share one body: the key.
void AppendKeyRequest(std::string* out, Opcode opcode, uint32_t request_id, Timestamp ts,
                      std::string_view key);
void AppendSetRequest(std::string* out, uint32_t request_id, Timestamp ts, const SetRequest& set);
// STATS: empty body.
void AppendStatsRequest(std::string* out, uint32_t request_id, Timestamp ts);
// COMPACT: empty body.
void AppendCompactRequest(std::string* out, uint32_t request_id, Timestamp ts);

void AppendChallenge(std::string* out, uint32_t request_id, Timestamp ts,
                     const Challenge& challenge);
// A success response with an empty body (AUTH).
void AppendEmptyResponse(std::string* out, Opcode opcode, uint32_t request_id, Timestamp ts);
void AppendPingResponse(std::string* out, uint32_t request_id, Timestamp ts,
                        std::string_view payload);
void AppendGetResponse(std::string* out, uint32_t request_id, Timestamp ts,
                       const GetResult& result);
void AppendSetResponse(std::string* out, uint32_t request_id, Timestamp ts, const Version& version);
void AppendDelResponse(std::string* out, uint32_t request_id, Timestamp ts,
                       const DelResult& result);
void AppendContainsResponse(std::string* out, uint32_t request_id, Timestamp ts, bool present);
// STATS response: u32 count, then count x {bytes name, u64 value}.
void AppendStatsResponse(std::string* out, uint32_t request_id, Timestamp ts,
                         const std::vector<Stat>& stats);
// COMPACT response: u8 outcome.
void AppendCompactResponse(std::string* out, uint32_t request_id, Timestamp ts,
                           CompactOutcome outcome);
// Error response for any opcode (raw byte, so unknown opcodes can be answered).
// `code` must be a wire code other than kOk (debug builds assert; release builds send kInternal);
// `message` is truncated to kMaxErrorMessageBytes, without splitting a UTF-8 character.
void AppendErrorResponse(std::string* out, uint8_t opcode, uint32_t request_id, Timestamp ts,
                         Code code, std::string_view message);

// ---- decoders: check a body, fill views into it ----

Status ParseHelloRequest(std::string_view body, HelloRequest* out);
Status ParseAuthRequest(std::string_view body, AuthRequest* out);
Status ParsePingRequest(std::string_view body, const Limits& limits, std::string_view* payload);
Status ParseKeyRequest(std::string_view body, const Limits& limits, std::string_view* key);
Status ParseSetRequest(std::string_view body, const Limits& limits, SetRequest* out);
Status ParseStatsRequest(std::string_view body);
Status ParseCompactRequest(std::string_view body);

Status ParseChallenge(std::string_view body, Challenge* out);
Status ParseEmptyResponse(std::string_view body);
Status ParsePingResponse(std::string_view body, std::string_view* payload);
Status ParseGetResponse(std::string_view body, GetResult* out);
Status ParseSetResponse(std::string_view body, Version* out);
Status ParseDelResponse(std::string_view body, DelResult* out);
Status ParseContainsResponse(std::string_view body, bool* present);
// Replaces `*out`; the count is checked against kMaxStats and the body size before reserving.
Status ParseStatsResponse(std::string_view body, std::vector<Stat>* out);
// An outcome byte over kMaxCompactOutcome is kBadRequest.
Status ParseCompactResponse(std::string_view body, CompactOutcome* out);
Status ParseErrorResponse(std::string_view body, std::string_view* message);

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_MESSAGES_H_
