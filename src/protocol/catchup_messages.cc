#include "protocol/catchup_messages.h"

#include "common/endian.h"
#include "protocol/wire_io.h"

namespace memdb::protocol {

using wire_io::Parser;

namespace {

constexpr size_t kRequestFixedBytes = 8 + 4 + 8 + 8 + 4;
constexpr size_t kResponseFixedBytes = 1 + 8 + 8 + 4;

void PutResponseBody(FrameWriter& w, CatchupReadOutcome outcome, CatchupCursorWire cursor,
                     uint32_t record_count, std::string_view records) {
  const bool more = outcome == CatchupReadOutcome::kMore;
  w.PutU8(static_cast<uint8_t>(outcome));
  w.PutU64(more ? cursor.segment : 0);
  w.PutU64(more ? cursor.record : 0);
  w.PutU32(record_count);
  w.PutRaw(records);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------

void AppendCatchupReadBody(const CatchupReadRequest& request, std::string* out) {
  wire_io::ReserveFor(out, kRequestFixedBytes + kCatchupRangeBytes * request.ranges.size());
  FrameWriter w(out);
  w.PutU64(request.since);
  w.PutU32(request.max_bytes);
  w.PutU64(request.cursor.segment);
  w.PutU64(request.cursor.record);
  w.PutU32(static_cast<uint32_t>(request.ranges.size()));
  for (const CatchupRange& r : request.ranges) {
    w.PutU64(r.begin);
    w.PutU64(r.end);
  }
}

Status ParseCatchupReadBody(std::string_view body, CatchupReadRequest* out) {
  Status status;
  Parser p(body, "CATCHUP_READ request", &status);
  CatchupReadRequest request;
  p.U64("since", &request.since);
  p.U32("max_bytes", &request.max_bytes);
  p.U64("cursor_segment", &request.cursor.segment);
  p.U64("cursor_record", &request.cursor.record);
  uint32_t n = 0;
  if (p.Count("range count", kMaxCatchupRanges, kCatchupRangeBytes, &n)) {
    if (n == 0) p.Invalid("at least one range is required");
    request.ranges.resize(n);
  }
  for (CatchupRange& r : request.ranges) {
    p.U64("range begin", &r.begin);
    p.U64("range end", &r.end);
  }
  p.Finish();
  if (status.ok()) *out = std::move(request);
  return status;
}

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

void AppendCatchupRecord(const CatchupRecord& record, std::string* records) {
  const std::string_view value =
      record.kind == CatchupRecordKind::kPut ? record.value : std::string_view();
  PutU8(records, static_cast<uint8_t>(record.kind));
  PutU64(records, record.version.timestamp);
  PutU32(records, record.version.node_id);
  PutU32(records, static_cast<uint32_t>(record.key.size()));
  records->append(record.key);
  PutU32(records, static_cast<uint32_t>(value.size()));
  records->append(value);
}

void AppendCatchupReadResponse(std::string* out, uint32_t request_id, Timestamp ts,
                               CatchupReadOutcome outcome, CatchupCursorWire cursor,
                               uint32_t record_count, std::string_view records) {
  FrameWriter w = wire_io::StartResponse(out, Opcode::kCatchupRead, request_id, ts,
                                         kResponseFixedBytes + records.size());
  PutResponseBody(w, outcome, cursor, record_count, records);
  w.Finish();
}

void AppendCatchupReadResponseBody(CatchupReadOutcome outcome, CatchupCursorWire cursor,
                                   uint32_t record_count, std::string_view records,
                                   std::string* out) {
  wire_io::ReserveFor(out, kResponseFixedBytes + records.size());
  FrameWriter w(out);
  PutResponseBody(w, outcome, cursor, record_count, records);
}

Status ParseCatchupReadResponseBody(std::string_view body, const Limits& limits,
                                    CatchupReadResponse* out) {
  Status status;
  Parser p(body, "CATCHUP_READ response", &status);
  CatchupReadResponse response;
  uint8_t outcome = 0;
  if (p.U8("outcome", &outcome) && outcome > static_cast<uint8_t>(CatchupReadOutcome::kTooOld)) {
    p.Invalid("outcome must be 0-2, got " + std::to_string(outcome));
  }
  response.outcome = static_cast<CatchupReadOutcome>(outcome);
  p.U64("cursor_segment", &response.cursor.segment);
  p.U64("cursor_record", &response.cursor.record);
  if (!p.failed() && response.outcome != CatchupReadOutcome::kMore &&
      response.cursor != CatchupCursorWire{}) {
    p.Invalid("a final outcome carries no cursor");
  }
  uint32_t n = 0;
  if (p.Count("record count", UINT32_MAX, kMinCatchupRecordBytes, &n)) {
    if (n > 0 && response.outcome == CatchupReadOutcome::kTooOld) {
      p.Invalid("a too-old outcome carries no records");
    }
    response.records.reserve(n);
  }
  for (uint32_t i = 0; i < n && !p.failed(); ++i) {
    CatchupRecord& r = response.records.emplace_back();
    uint8_t kind = 0;
    if (p.U8("kind", &kind) && kind != static_cast<uint8_t>(CatchupRecordKind::kPut) &&
        kind != static_cast<uint8_t>(CatchupRecordKind::kDelete)) {
      p.Invalid("record kind must be 1 (PUT) or 2 (DELETE), got " + std::to_string(kind));
    }
    r.kind = static_cast<CatchupRecordKind>(kind);
    p.U64("timestamp", &r.version.timestamp);
    p.U32("node_id", &r.version.node_id);
    p.Bytes("key", limits.max_key_bytes, Code::kBadRequest, &r.key);
    p.Bytes("value", limits.max_value_bytes, Code::kBadRequest, &r.value);
    if (!p.failed() && r.kind == CatchupRecordKind::kDelete && !r.value.empty()) {
      p.Invalid("a DELETE carries no value, got " + std::to_string(r.value.size()) + " bytes");
    }
  }
  p.Finish();
  if (status.ok()) *out = std::move(response);
  return status;
}

}  // namespace memdb::protocol
