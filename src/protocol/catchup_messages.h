// CATCHUP_READ (0x55) — a restarted node asks a replica peer for the writes it missed
// (docs/cluster.md, "Catch-up on restart"; docs/protocol.md). Node-to-node only (sessions
// authenticated with the cluster key). One request reads one page of the peer's operation log:
// the records with timestamp > since whose key hash falls in one of the ranges, from the
// cursor on; the response's cursor continues the read.
//
// Request body (little-endian):
//   u64 since            hybrid timestamp: records newer than this
//   u32 max_bytes        page budget (0: the server's own maximum); the server also caps it
//   u64 cursor_segment   where to resume (0, 0 = from the start), copied from the previous
//   u64 cursor_record    response: opaque to the requester
//   u32 n                ranges (1..kMaxCatchupRanges), then n x:
//     u64 begin, u64 end   key hashes in (begin, end] on the ring, wrapping; begin == end is
//                          the whole ring
// Response body:
//   u8  outcome          0 more (a page is full: ask again with the cursor), 1 complete,
//                        2 too old (the log no longer reaches back to `since`; no records:
//                        sync the ranges in full)
//   u64 cursor_segment, u64 cursor_record   (0 unless outcome is 0)
//   u32 m                records (each at least kMinCatchupRecordBytes), then m x:
//     u8  kind           1 PUT, 2 DELETE (oplog::RecordType values)
//     u64 timestamp, u32 node_id
//     u32 key_len, key   (<= Limits::max_key_bytes)
//     u32 value_len, value  (<= Limits::max_value_bytes; 0 for DELETE)
// A server without an operation log answers NOT_IMPLEMENTED; the requester then syncs the
// ranges in full too.
//
// Parsers check every count and length against the limits and the remaining body before
// allocating; an unknown outcome or kind, a DELETE with a value, a zero range count, a cursor
// on a final outcome, or trailing bytes is kBadRequest. Pure: no IO.
#ifndef MEMDB_PROTOCOL_CATCHUP_MESSAGES_H_
#define MEMDB_PROTOCOL_CATCHUP_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/status.h"
#include "memdb/version.h"
#include "protocol/frame.h"

namespace memdb::protocol {

inline constexpr uint32_t kMaxCatchupRanges = 65536;
inline constexpr size_t kCatchupRangeBytes = 16;
inline constexpr size_t kMinCatchupRecordBytes = 1 + 8 + 4 + 4 + 4;

struct CatchupRange {
  uint64_t begin = 0;
  uint64_t end = 0;
  friend bool operator==(const CatchupRange&, const CatchupRange&) = default;
};

// Where a paged read resumes (oplog::CatchupCursor on the server).
struct CatchupCursorWire {
  uint64_t segment = 0;
  uint64_t record = 0;
  friend bool operator==(const CatchupCursorWire&, const CatchupCursorWire&) = default;
};

struct CatchupReadRequest {
  Timestamp since = 0;
  uint32_t max_bytes = 0;
  CatchupCursorWire cursor;
  std::vector<CatchupRange> ranges;
};

enum class CatchupReadOutcome : uint8_t { kMore = 0, kComplete = 1, kTooOld = 2 };

enum class CatchupRecordKind : uint8_t { kPut = 1, kDelete = 2 };

struct CatchupRecord {
  CatchupRecordKind kind = CatchupRecordKind::kPut;
  Version version;
  std::string_view key;
  std::string_view value;  // empty for kDelete
};

// Views into the parsed body: valid while the body is.
struct CatchupReadResponse {
  CatchupReadOutcome outcome = CatchupReadOutcome::kComplete;
  CatchupCursorWire cursor;
  std::vector<CatchupRecord> records;
};

// Request: body only (the PeerTransport frames it).
void AppendCatchupReadBody(const CatchupReadRequest& request, std::string* out);
Status ParseCatchupReadBody(std::string_view body, CatchupReadRequest* out);

// Response, built by the server record by record: append each record to `records` with
// AppendCatchupRecord, then the whole frame (or body) with the count.
void AppendCatchupRecord(const CatchupRecord& record, std::string* records);
// Bytes a record takes in the response.
inline size_t CatchupRecordSize(const CatchupRecord& record) {
  return kMinCatchupRecordBytes + record.key.size() + record.value.size();
}
void AppendCatchupReadResponse(std::string* out, uint32_t request_id, Timestamp ts,
                               CatchupReadOutcome outcome, CatchupCursorWire cursor,
                               uint32_t record_count, std::string_view records);
void AppendCatchupReadResponseBody(CatchupReadOutcome outcome, CatchupCursorWire cursor,
                                   uint32_t record_count, std::string_view records,
                                   std::string* out);
Status ParseCatchupReadResponseBody(std::string_view body, const Limits& limits,
                                    CatchupReadResponse* out);

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_CATCHUP_MESSAGES_H_
