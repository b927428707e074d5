// Anti-entropy messages, node to node (docs/protocol.md, "Anti-entropy"): the hash tree of a
// range's entries (MERKLE_TREE, 0x56) and the entries themselves (RANGE_ENTRIES, 0x57). Only
// sessions authenticated with the cluster key may send them. All integers little-endian.
//
// A range is (begin, end] of key hashes (KeyHash, XXH3-64), wrapping past UINT64_MAX when
// begin >= end; begin == end is the whole ring. `depth` d splits it into 2^d leaves
// (replication/merkle_tree.h); both sides must use the requester's depth.
//
// MERKLE_TREE request:   u64 range_begin, u64 range_end, u8 depth (<= 20)
// MERKLE_TREE response:  u8 depth, u64 entries (in the range), u32 leaf_count (= 2^depth),
//                        leaf_count x u64 leaf digest
//
// RANGE_ENTRIES request:
//   u64 range_begin, u64 range_end, u8 depth (<= 20)
//   u32 max_bytes      the requester's budget for the response's entries (the responder also
//                      applies its own; at least one entry is always sent)
//   u32 leaf_count, leaf_count x u32 leaf   strictly ascending, < 2^depth; 0 leaves = all
//                      (the whole range: the full range sync)
//   u8 has_cursor, u32 cursor_len, cursor   continue after this key (the last entry of the
//                      previous page); cursor_len must be 0 without has_cursor
// RANGE_ENTRIES response:
//   u8 more            1: entries remain; ask again with cursor = the last entry's key
//   u32 count, count x { u8 type (1 value, 2 tombstone), u64 timestamp, u32 node_id,
//                        u32 key_len, key, u32 value_len, value (0 for a tombstone) }
// Entries come in a fixed order (offset of the key's hash in the range, then key bytes), so
// paging is stable while the store changes: an entry written behind the cursor is missed by
// this pass, which is what the next anti-entropy run is for.
#ifndef MEMDB_PROTOCOL_ANTI_ENTROPY_MESSAGES_H_
#define MEMDB_PROTOCOL_ANTI_ENTROPY_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/status.h"
#include "memdb/version.h"
#include "protocol/frame.h"

namespace memdb::protocol {

inline constexpr uint32_t kMaxMerkleDepth = 20;
// Bytes of one RANGE_ENTRIES entry besides its key and value.
inline constexpr size_t kRangeEntryOverhead = 1 + 8 + 4 + 4 + 4;

struct MerkleTreeRequest {
  uint64_t range_begin = 0;
  uint64_t range_end = 0;
  uint32_t depth = 0;
};

struct MerkleTreeResponse {
  uint32_t depth = 0;
  uint64_t entries = 0;
  std::vector<uint64_t> leaves;  // 2^depth
};

struct RangeEntriesRequest {
  uint64_t range_begin = 0;
  uint64_t range_end = 0;
  uint32_t depth = 0;
  uint32_t max_bytes = 0;
  std::vector<uint32_t> leaves;  // empty = every leaf
  bool has_cursor = false;
  std::string_view cursor;  // the last key received
};

struct RangeEntry {
  bool tombstone = false;
  Version version;
  std::string_view key;
  std::string_view value;  // empty for a tombstone

  size_t EncodedSize() const { return kRangeEntryOverhead + key.size() + value.size(); }
};

struct RangeEntriesResponse {
  bool more = false;
  std::vector<RangeEntry> entries;
};

// Bodies of requests (the PeerTransport frames them); whole response frames for the node's
// request handler; response bodies parsed by the requester. Parsers check every length and
// count against the body and the limits before allocating.
void AppendMerkleTreeRequestBody(const MerkleTreeRequest& request, std::string* out);
Status ParseMerkleTreeRequestBody(std::string_view body, MerkleTreeRequest* out);
void AppendMerkleTreeResponse(std::string* out, uint32_t request_id, Timestamp ts,
                              const MerkleTreeResponse& response);
Status ParseMerkleTreeResponseBody(std::string_view body, MerkleTreeResponse* out);

void AppendRangeEntriesRequestBody(const RangeEntriesRequest& request, std::string* out);
// `out`'s views point into `body`.
Status ParseRangeEntriesRequestBody(std::string_view body, const Limits& limits,
                                    RangeEntriesRequest* out);
void AppendRangeEntriesResponse(std::string* out, uint32_t request_id, Timestamp ts,
                                const RangeEntriesResponse& response);
// `out`'s views point into `body`.
Status ParseRangeEntriesResponseBody(std::string_view body, const Limits& limits,
                                     RangeEntriesResponse* out);

}  // namespace memdb::protocol

#endif  // MEMDB_PROTOCOL_ANTI_ENTROPY_MESSAGES_H_
