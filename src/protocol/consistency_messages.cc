#include "protocol/consistency_messages.h"

#include <cassert>
#include <string>

#include "protocol/wire_io.h"

namespace memdb::protocol {

using wire_io::kLengthPrefix;
using wire_io::StartRequest;

bool IsConsistencyOpcode(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kGetCl:
    case Opcode::kSetCl:
    case Opcode::kDelCl:
    case Opcode::kContainsCl:
      return true;
    default:
      return false;
  }
}

Opcode PlainKeyOpcode(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kGetCl:
      return Opcode::kGet;
    case Opcode::kSetCl:
      return Opcode::kSet;
    case Opcode::kDelCl:
      return Opcode::kDel;
    case Opcode::kContainsCl:
      return Opcode::kContains;
    default:
      return static_cast<Opcode>(opcode);
  }
}

Opcode ConsistencyKeyOpcode(Opcode plain) {
  switch (plain) {
    case Opcode::kGet:
      return Opcode::kGetCl;
    case Opcode::kSet:
      return Opcode::kSetCl;
    case Opcode::kDel:
      return Opcode::kDelCl;
    case Opcode::kContains:
      return Opcode::kContainsCl;
    default:
      return plain;
  }
}

void AppendConsistencyPrefix(const RequestOptions& options, std::string* out) {
  char buf[kConsistencyPrefixSize];
  buf[0] = static_cast<char>(options.consistency);
  for (int i = 0; i < 4; ++i)
    buf[1 + i] = static_cast<char>((options.deadline_ms >> (8 * i)) & 0xff);
  out->append(buf, sizeof(buf));
}

Status ParseConsistencyPrefix(std::string_view body, RequestOptions* options,
                              std::string_view* plain_body) {
  if (body.size() < kConsistencyPrefixSize) {
    return Status(Code::kBadRequest, "consistency prefix: body is " + std::to_string(body.size()) +
                                         " bytes, need at least " +
                                         std::to_string(kConsistencyPrefixSize));
  }
  const auto level = static_cast<uint8_t>(body[0]);
  if (level > kMaxConsistency) {
    return Status(Code::kBadRequest,
                  "consistency prefix: level " + std::to_string(level) +
                      " is not one of 0 (default), 1 (ONE), 2 (QUORUM), 3 (ALL)");
  }
  uint32_t deadline = 0;
  for (int i = 0; i < 4; ++i) {
    deadline |= uint32_t{static_cast<uint8_t>(body[1 + i])} << (8 * i);
  }
  options->consistency = static_cast<Consistency>(level);
  options->deadline_ms = deadline;
  *plain_body = body.substr(kConsistencyPrefixSize);
  return Status::Ok();
}

void AppendKeyRequestCl(std::string* out, Opcode plain, uint32_t request_id, Timestamp ts,
                        const RequestOptions& options, std::string_view key) {
  assert(plain == Opcode::kGet || plain == Opcode::kDel || plain == Opcode::kContains);
  FrameWriter w = StartRequest(out, ConsistencyKeyOpcode(plain), request_id, ts,
                               kConsistencyPrefixSize + kLengthPrefix + key.size());
  w.PutU8(static_cast<uint8_t>(options.consistency));
  w.PutU32(options.deadline_ms);
  w.PutBytes(key);
  w.Finish();
}

void AppendSetRequestCl(std::string* out, uint32_t request_id, Timestamp ts,
                        const RequestOptions& options, std::string_view key,
                        std::string_view value) {
  FrameWriter w =
      StartRequest(out, Opcode::kSetCl, request_id, ts,
                   kConsistencyPrefixSize + 2 * kLengthPrefix + key.size() + value.size());
  w.PutU8(static_cast<uint8_t>(options.consistency));
  w.PutU32(options.deadline_ms);
  w.PutBytes(key);
  w.PutBytes(value);
  w.Finish();
}

namespace {

// running, started_now, ten u64 counters, the error's length.
constexpr size_t kRepairFixedSize = 2 + 10 * 8 + kLengthPrefix;

// `text` cut to at most `max` bytes without splitting a UTF-8 character.
std::string_view TruncateUtf8(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  for (int i = 0; i < 3 && cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80; ++i) {
    --cut;
  }
  return text.substr(0, cut);
}

}  // namespace

void AppendRepairRequest(std::string* out, uint32_t request_id, Timestamp ts, RepairAction action) {
  FrameWriter w = StartRequest(out, Opcode::kRepair, request_id, ts, 1);
  w.PutU8(static_cast<uint8_t>(action));
  w.Finish();
}

Status ParseRepairRequest(std::string_view body, RepairAction* action) {
  Status status;
  wire_io::Parser p(body, "REPAIR request", &status);
  uint8_t a = 0;
  if (p.U8("action", &a) && a != static_cast<uint8_t>(RepairAction::kStart) &&
      a != static_cast<uint8_t>(RepairAction::kStatus)) {
    p.Invalid("action must be 1 (start) or 2 (status), got " + std::to_string(a));
  }
  p.Finish();
  if (status.ok()) *action = static_cast<RepairAction>(a);
  return status;
}

void AppendRepairResponse(std::string* out, uint32_t request_id, Timestamp ts,
                          const RepairProgress& progress) {
  const std::string_view error = TruncateUtf8(progress.last_error, kMaxRepairErrorBytes);
  FrameWriter w =
      wire_io::StartResponse(out, Opcode::kRepair, request_id, ts, kRepairFixedSize + error.size());
  w.PutU8(progress.running ? 1 : 0);
  w.PutU8(progress.started_now ? 1 : 0);
  for (uint64_t v :
       {progress.run_id, progress.ranges_total, progress.ranges_done, progress.ranges_failed,
        progress.leaves_different, progress.keys_pulled, progress.keys_pushed,
        progress.bytes_transferred, progress.elapsed_ms, progress.keys_not_copied}) {
    w.PutU64(v);
  }
  w.PutBytes(error);
  w.Finish();
}

Status ParseRepairResponse(std::string_view body, RepairProgress* out) {
  Status status;
  wire_io::Parser p(body, "REPAIR response", &status);
  RepairProgress r;
  std::string_view error;
  p.Bool("running", &r.running);
  p.Bool("started_now", &r.started_now);
  p.U64("run_id", &r.run_id);
  p.U64("ranges_total", &r.ranges_total);
  p.U64("ranges_done", &r.ranges_done);
  p.U64("ranges_failed", &r.ranges_failed);
  p.U64("leaves_different", &r.leaves_different);
  p.U64("keys_pulled", &r.keys_pulled);
  p.U64("keys_pushed", &r.keys_pushed);
  p.U64("bytes_transferred", &r.bytes_transferred);
  p.U64("elapsed_ms", &r.elapsed_ms);
  p.U64("keys_not_copied", &r.keys_not_copied);
  p.Bytes("last_error", kMaxRepairErrorBytes, Code::kBadRequest, &error);
  p.Finish();
  if (status.ok()) {
    r.last_error.assign(error);
    *out = std::move(r);
  }
  return status;
}

}  // namespace memdb::protocol
