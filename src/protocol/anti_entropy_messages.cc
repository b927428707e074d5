#include "protocol/anti_entropy_messages.h"

#include "protocol/wire_io.h"

namespace memdb::protocol {

using wire_io::kLengthPrefix;

namespace {

constexpr uint8_t kEntryValue = 1;
constexpr uint8_t kEntryTombstone = 2;
constexpr size_t kRangeSize = 8 + 8 + 1;  // range_begin, range_end, depth

bool ParseDepth(wire_io::Parser& p, uint32_t* depth) {
  uint8_t d = 0;
  if (!p.U8("depth", &d)) return false;
  if (d > kMaxMerkleDepth) {
    return p.Invalid("depth " + std::to_string(d) + " exceeds " + std::to_string(kMaxMerkleDepth));
  }
  *depth = d;
  return true;
}

}  // namespace

// ---- MERKLE_TREE ----

void AppendMerkleTreeRequestBody(const MerkleTreeRequest& request, std::string* out) {
  PutU64(out, request.range_begin);
  PutU64(out, request.range_end);
  PutU8(out, static_cast<uint8_t>(request.depth));
}

Status ParseMerkleTreeRequestBody(std::string_view body, MerkleTreeRequest* out) {
  Status status;
  wire_io::Parser p(body, "MERKLE_TREE request", &status);
  MerkleTreeRequest r;
  p.U64("range_begin", &r.range_begin);
  p.U64("range_end", &r.range_end);
  ParseDepth(p, &r.depth);
  p.Finish();
  if (status.ok()) *out = r;
  return status;
}

void AppendMerkleTreeResponse(std::string* out, uint32_t request_id, Timestamp ts,
                              const MerkleTreeResponse& response) {
  FrameWriter w = wire_io::StartResponse(out, Opcode::kMerkleTree, request_id, ts,
                                         1 + 8 + 4 + 8 * response.leaves.size());
  w.PutU8(static_cast<uint8_t>(response.depth));
  w.PutU64(response.entries);
  w.PutU32(static_cast<uint32_t>(response.leaves.size()));
  for (uint64_t leaf : response.leaves) w.PutU64(leaf);
  w.Finish();
}

Status ParseMerkleTreeResponseBody(std::string_view body, MerkleTreeResponse* out) {
  Status status;
  wire_io::Parser p(body, "MERKLE_TREE response", &status);
  MerkleTreeResponse r;
  uint32_t count = 0;
  if (ParseDepth(p, &r.depth) && p.U64("entries", &r.entries) &&
      p.Count("leaf_count", uint32_t{1} << kMaxMerkleDepth, 8, &count)) {
    if (count != (uint32_t{1} << r.depth)) {
      p.Invalid("leaf_count " + std::to_string(count) + " is not 2^depth (depth " +
                std::to_string(r.depth) + ")");
    } else {
      r.leaves.resize(count);
      for (uint64_t& leaf : r.leaves) p.U64("leaf", &leaf);
    }
  }
  p.Finish();
  if (status.ok()) *out = std::move(r);
  return status;
}

// ---- RANGE_ENTRIES ----

void AppendRangeEntriesRequestBody(const RangeEntriesRequest& request, std::string* out) {
  wire_io::ReserveFor(out, kRangeSize + 4 + 4 + 4 * request.leaves.size() + 1 + kLengthPrefix +
                               request.cursor.size());
  PutU64(out, request.range_begin);
  PutU64(out, request.range_end);
  PutU8(out, static_cast<uint8_t>(request.depth));
  PutU32(out, request.max_bytes);
  PutU32(out, static_cast<uint32_t>(request.leaves.size()));
  for (uint32_t leaf : request.leaves) PutU32(out, leaf);
  PutU8(out, request.has_cursor ? 1 : 0);
  PutU32(out, static_cast<uint32_t>(request.cursor.size()));
  out->append(request.cursor);
}

Status ParseRangeEntriesRequestBody(std::string_view body, const Limits& limits,
                                    RangeEntriesRequest* out) {
  Status status;
  wire_io::Parser p(body, "RANGE_ENTRIES request", &status);
  RangeEntriesRequest r;
  uint32_t count = 0;
  p.U64("range_begin", &r.range_begin);
  p.U64("range_end", &r.range_end);
  ParseDepth(p, &r.depth);
  p.U32("max_bytes", &r.max_bytes);
  if (!p.failed() && p.Count("leaf_count", uint32_t{1} << r.depth, 4, &count)) {
    r.leaves.resize(count);
    for (size_t i = 0; i < count && !p.failed(); ++i) {
      if (!p.U32("leaf", &r.leaves[i])) break;
      if (r.leaves[i] >= (uint32_t{1} << r.depth)) {
        p.Invalid("leaf " + std::to_string(r.leaves[i]) + " is past the last leaf of depth " +
                  std::to_string(r.depth));
      } else if (i > 0 && r.leaves[i] <= r.leaves[i - 1]) {
        p.Invalid("leaves must be strictly ascending (" + std::to_string(r.leaves[i]) + " after " +
                  std::to_string(r.leaves[i - 1]) + ")");
      }
    }
  }
  p.Bool("has_cursor", &r.has_cursor);
  if (p.Bytes("cursor", limits.max_key_bytes, Code::kKeyTooLarge, &r.cursor) && !r.has_cursor &&
      !r.cursor.empty()) {
    p.Invalid("cursor given without has_cursor");
  }
  p.Finish();
  if (status.ok()) *out = std::move(r);
  return status;
}

void AppendRangeEntriesResponse(std::string* out, uint32_t request_id, Timestamp ts,
                                const RangeEntriesResponse& response) {
  size_t size = 1 + 4;
  for (const RangeEntry& e : response.entries) size += e.EncodedSize();
  FrameWriter w = wire_io::StartResponse(out, Opcode::kRangeEntries, request_id, ts, size);
  w.PutU8(response.more ? 1 : 0);
  w.PutU32(static_cast<uint32_t>(response.entries.size()));
  for (const RangeEntry& e : response.entries) {
    w.PutU8(e.tombstone ? kEntryTombstone : kEntryValue);
    w.PutU64(e.version.timestamp);
    w.PutU32(e.version.node_id);
    w.PutBytes(e.key);
    w.PutBytes(e.tombstone ? std::string_view() : e.value);
  }
  w.Finish();
}

Status ParseRangeEntriesResponseBody(std::string_view body, const Limits& limits,
                                     RangeEntriesResponse* out) {
  Status status;
  wire_io::Parser p(body, "RANGE_ENTRIES response", &status);
  RangeEntriesResponse r;
  uint32_t count = 0;
  p.Bool("more", &r.more);
  if (p.Count("count", UINT32_MAX, kRangeEntryOverhead, &count)) {
    r.entries.resize(count);
    for (RangeEntry& e : r.entries) {
      uint8_t type = 0;
      if (p.U8("type", &type) && type != kEntryValue && type != kEntryTombstone) {
        p.Invalid("entry type must be 1 (value) or 2 (tombstone), got " + std::to_string(type));
      }
      e.tombstone = type == kEntryTombstone;
      p.U64("timestamp", &e.version.timestamp);
      p.U32("node_id", &e.version.node_id);
      p.Bytes("key", limits.max_key_bytes, Code::kKeyTooLarge, &e.key);
      if (p.Bytes("value", limits.max_value_bytes, Code::kValueTooLarge, &e.value) && e.tombstone &&
          !e.value.empty()) {
        p.Invalid("a tombstone entry carries a value");
      }
      if (p.failed()) break;
    }
  }
  p.Finish();
  if (status.ok()) *out = std::move(r);
  return status;
}

}  // namespace memdb::protocol
