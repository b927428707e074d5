// Key requests with an explicit consistency level and deadline (opcodes 0x20-0x23), and the
// REPAIR admin request (0x83) — docs/protocol.md.
//
// GET_CL / SET_CL / DEL_CL / CONTAINS_CL body:
//   u8  consistency   memdb::Consistency (0 = the node's default, 1 ONE, 2 QUORUM, 3 ALL)
//   u32 deadline_ms   answer within this (0 = the node's replication.request_timeout_ms)
//   ... the body of GET / SET / DEL / CONTAINS
// The success response is the plain operation's response body under the _CL opcode.
//
// Errors peculiar to these requests (docs/protocol.md, "Errors and status codes"):
//   UNAVAILABLE  fewer of the key's replicas are up than the level needs: nothing was done;
//   TIMEOUT      the level was not reached by the deadline: a read has no answer, a write's
//                outcome is unknown (it may have been applied on some replicas).
//
// REPAIR request body: u8 action — 1 start, 2 status (memdb::RepairAction); anything else is
// BAD_REQUEST. REPAIR response body (memdb::RepairProgress, in this order):
//   bool running, bool started_now,
//   u64 run_id, u64 ranges_total, u64 ranges_done, u64 ranges_failed, u64 leaves_different,
//   u64 keys_pulled, u64 keys_pushed, u64 bytes_transferred, u64 elapsed_ms,
//   u64 reserved (written 0, ignored by readers),
//   bytes last_error (UTF-8, at most kMaxRepairErrorBytes; a longer one is cut by the writer
//   on a character boundary, refused by a reader).
#ifndef MEMDB_PROTOCOL_CONSISTENCY_MESSAGES_H_
#define MEMDB_PROTOCOL_CONSISTENCY_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/consistency.h"
#include "memdb/repair_progress.h"
#include "memdb/status.h"
#include "memdb/version.h"
#include "protocol/frame.h"

namespace memdb::protocol {

inline constexpr size_t kConsistencyPrefixSize = 5;  // u8 level + u32 deadline_ms
inline constexpr uint32_t kMaxRepairErrorBytes = 4096;

struct RequestOptions {
  Consistency consistency = Consistency::kDefault;
  uint32_t deadline_ms = 0;  // 0 = the node's default
};

// True for GET_CL, SET_CL, DEL_CL, CONTAINS_CL.
bool IsConsistencyOpcode(uint8_t opcode);
// GET_CL -> GET, SET_CL -> SET, ...; plain key opcodes map to themselves.
Opcode PlainKeyOpcode(uint8_t opcode);
// GET -> GET_CL, ...
Opcode ConsistencyKeyOpcode(Opcode plain);

// Writes the prefix (5 bytes) at the end of `out`.
void AppendConsistencyPrefix(const RequestOptions& options, std::string* out);
// Splits a _CL body into its options and the plain request's body. kBadRequest for a short
// body or an unknown level.
Status ParseConsistencyPrefix(std::string_view body, RequestOptions* options,
                              std::string_view* plain_body);

// Whole request frames for the client: the plain request's body behind the prefix.
// AppendKeyRequestCl takes `plain` = GET, DEL or CONTAINS (the key-only bodies).
void AppendKeyRequestCl(std::string* out, Opcode plain, uint32_t request_id, Timestamp ts,
                        const RequestOptions& options, std::string_view key);
void AppendSetRequestCl(std::string* out, uint32_t request_id, Timestamp ts,
                        const RequestOptions& options, std::string_view key,
                        std::string_view value);

void AppendRepairRequest(std::string* out, uint32_t request_id, Timestamp ts, RepairAction action);
Status ParseRepairRequest(std::string_view body, RepairAction* action);
void AppendRepairResponse(std::string* out, uint32_t request_id, Timestamp ts,
                          const RepairProgress& progress);
Status ParseRepairResponse(std::string_view body, RepairProgress* out);

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_CONSISTENCY_MESSAGES_H_
