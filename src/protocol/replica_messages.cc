#include "protocol/replica_messages.h"

#include "protocol/wire_io.h"

namespace memdb::protocol {

using wire_io::kLengthPrefix;
using wire_io::Parser;

namespace {

constexpr size_t kReplicaWriteFixedSize = 1 + 8 + 4 + 2 * kLengthPrefix;
constexpr size_t kReplicaWriteResponseSize = 2;
constexpr size_t kReplicaReadResponseFixedSize = 1 + 1 + 8 + 4 + kLengthPrefix;

void PutReplicaReadResponse(FrameWriter& w, const ReplicaReadResult& result) {
  const bool live = result.state == ReplicaState::kLive;
  w.PutU8(static_cast<uint8_t>(result.state));
  w.PutU8(result.catching_up ? kReplicaReadCatchingUp : 0);
  w.PutU64(result.state == ReplicaState::kAbsent ? 0 : result.version.timestamp);
  w.PutU32(result.state == ReplicaState::kAbsent ? 0 : result.version.node_id);
  w.PutBytes(live ? result.value : std::string_view());
}

size_t ReplicaReadResponseSize(const ReplicaReadResult& result) {
  return kReplicaReadResponseFixedSize +
         (result.state == ReplicaState::kLive ? result.value.size() : 0);
}

}  // namespace

void AppendReplicaWriteBody(const ReplicaWrite& write, std::string* out) {
  const std::string_view value =
      write.kind == ReplicaWriteKind::kPut ? write.value : std::string_view();
  wire_io::ReserveFor(out, kReplicaWriteFixedSize + write.key.size() + value.size());
  FrameWriter w(out);
  w.PutU8(static_cast<uint8_t>(write.kind));
  w.PutU64(write.version.timestamp);
  w.PutU32(write.version.node_id);
  w.PutBytes(write.key);
  w.PutBytes(value);
}

Status ParseReplicaWriteBody(std::string_view body, const Limits& limits, ReplicaWrite* out) {
  Status status;
  Parser p(body, "REPLICA_WRITE request", &status);
  uint8_t kind = 0;
  if (p.U8("kind", &kind) && kind != static_cast<uint8_t>(ReplicaWriteKind::kPut) &&
      kind != static_cast<uint8_t>(ReplicaWriteKind::kDelete)) {
    p.Invalid("kind must be 1 (PUT) or 2 (DELETE), got " + std::to_string(kind));
  }
  ReplicaWrite write;
  write.kind = static_cast<ReplicaWriteKind>(kind);
  p.U64("timestamp", &write.version.timestamp);
  p.U32("node_id", &write.version.node_id);
  p.Bytes("key", limits.max_key_bytes, Code::kKeyTooLarge, &write.key);
  p.Bytes("value", limits.max_value_bytes, Code::kValueTooLarge, &write.value);
  if (!p.failed() && write.kind == ReplicaWriteKind::kDelete && !write.value.empty()) {
    p.Invalid("a DELETE carries no value, got " + std::to_string(write.value.size()) + " bytes");
  }
  p.Finish();
  if (status.ok()) *out = write;
  return status;
}

void AppendReplicaWriteResponseBody(bool applied, std::string* out, bool replaced_live) {
  out->push_back(applied ? 1 : 0);
  out->push_back(replaced_live ? 1 : 0);
}

Status ParseReplicaWriteResponseBody(std::string_view body, ReplicaWriteResult* out) {
  Status status;
  Parser p(body, "REPLICA_WRITE response", &status);
  ReplicaWriteResult result;
  p.Bool("applied", &result.applied);
  p.Bool("replaced_live", &result.replaced_live);
  p.Finish();
  if (status.ok()) *out = result;
  return status;
}

Status ParseReplicaWriteResponseBody(std::string_view body, bool* applied) {
  ReplicaWriteResult result;
  Status status = ParseReplicaWriteResponseBody(body, &result);
  if (status.ok()) *applied = result.applied;
  return status;
}

void AppendReplicaReadBody(std::string_view key, std::string* out) {
  wire_io::ReserveFor(out, kLengthPrefix + key.size());
  FrameWriter w(out);
  w.PutBytes(key);
}

Status ParseReplicaReadBody(std::string_view body, const Limits& limits, std::string_view* key) {
  Status status;
  Parser p(body, "REPLICA_READ request", &status);
  std::string_view parsed;
  p.Bytes("key", limits.max_key_bytes, Code::kKeyTooLarge, &parsed);
  p.Finish();
  if (status.ok()) *key = parsed;
  return status;
}

void AppendReplicaReadResponseBody(const ReplicaReadResult& result, std::string* out) {
  wire_io::ReserveFor(out, ReplicaReadResponseSize(result));
  FrameWriter w(out);
  PutReplicaReadResponse(w, result);
}

Status ParseReplicaReadResponseBody(std::string_view body, ReplicaReadResult* out) {
  Status status;
  Parser p(body, "REPLICA_READ response", &status);
  ReplicaReadResult result;
  uint8_t state = 0;
  uint8_t flags = 0;
  if (p.U8("state", &state) && state > static_cast<uint8_t>(ReplicaState::kTombstone)) {
    p.Invalid("state must be 0 (absent), 1 (live) or 2 (tombstone), got " + std::to_string(state));
  }
  if (p.U8("flags", &flags) && (flags & ~kReplicaReadCatchingUp) != 0) {
    p.Invalid("reserved flag bits set: " + std::to_string(flags));
  }
  result.state = static_cast<ReplicaState>(state);
  result.catching_up = (flags & kReplicaReadCatchingUp) != 0;
  p.U64("timestamp", &result.version.timestamp);
  p.U32("node_id", &result.version.node_id);
  p.Bytes("value", UINT32_MAX, Code::kBadRequest, &result.value);
  if (!p.failed() && result.state != ReplicaState::kLive && !result.value.empty()) {
    p.Invalid("only a live entry carries a value");
  }
  if (!p.failed() && result.state == ReplicaState::kAbsent && result.version != Version{}) {
    p.Invalid("an absent entry has no version");
  }
  p.Finish();
  if (status.ok()) *out = result;
  return status;
}

void AppendReplicaWriteResponse(std::string* out, uint32_t request_id, Timestamp ts, bool applied,
                                bool replaced_live) {
  FrameWriter w =
      wire_io::StartResponse(out, Opcode::kReplicaWrite, request_id, ts, kReplicaWriteResponseSize);
  w.PutU8(applied ? 1 : 0);
  w.PutU8(replaced_live ? 1 : 0);
  w.Finish();
}

void AppendReplicaReadResponse(std::string* out, uint32_t request_id, Timestamp ts,
                               const ReplicaReadResult& result) {
  FrameWriter w = wire_io::StartResponse(out, Opcode::kReplicaRead, request_id, ts,
                                         ReplicaReadResponseSize(result));
  PutReplicaReadResponse(w, result);
  w.Finish();
}

}  // namespace memdb::protocol
