// MerkleTree — a hash tree of the entries of one hash range, for anti-entropy (docs/cluster.md,
// "Anti-entropy"): two replicas that build it over the same range at the same depth get equal
// leaves exactly where they hold the same entries, so comparing trees finds the few parts of a
// range that differ without sending the entries.
//
// Shape: 2^depth leaves split the range's span of key hashes evenly (leaf i holds the hashes
// whose offset from the range's start falls in the i-th 2^-depth of the span). A leaf's digest
// is the wrapping SUM of its entries' digests — order-independent, so the tree is built in one
// unordered pass over the store (Store::ForEach) — where an entry's digest is a 64-bit hash of
// (key hash, version timestamp, version node id, tombstone). The value is not hashed: a
// version names one write, hence one value. Interior nodes hash their two children; the root
// covers the whole range.
//
// Because leaves split the span by powers of two, the leaf at depth d-1 holding a hash is the
// parent of the one at depth d: Fold() turns a deep tree into a shallower one exactly (used to
// build at the cap and pick the depth afterwards, in the same single pass).
//
// Pure: no clock, no IO. Not thread-safe (a value type).
#ifndef MEMDB_REPLICATION_MERKLE_TREE_H_
#define MEMDB_REPLICATION_MERKLE_TREE_H_

#include <cstdint>
#include <vector>

#include "memdb/result.h"
#include "memdb/version.h"
#include "oplog/catchup_reader.h"

namespace memdb {

class MerkleTree {
 public:
  // 2^20 leaves = 8 MiB of digests: the most a MERKLE_TREE response may carry.
  static constexpr uint32_t kMaxDepth = 20;
  // DepthFor aims at about this many keys per leaf (between half and this many).
  static constexpr uint64_t kTargetKeysPerLeaf = 16;

  // The depth for a range holding `keys` entries: the smallest with at most
  // kTargetKeysPerLeaf keys per leaf on average, capped at min(max_depth, kMaxDepth).
  static uint32_t DepthFor(uint64_t keys, uint32_t max_depth);
  // The leaf of `key_hash` in `range` at `depth`. `range` must contain `key_hash`.
  static uint32_t LeafOf(oplog::HashRange range, uint32_t depth, uint64_t key_hash);
  static uint64_t EntryDigest(uint64_t key_hash, Version version, bool tombstone);

  // An empty tree (every leaf 0). `depth` <= kMaxDepth.
  MerkleTree(oplog::HashRange range, uint32_t depth);
  // A tree from a peer's leaf digests. kInvalidArgument when there are not 2^depth of them
  // or depth > kMaxDepth.
  static Result<MerkleTree> FromLeaves(oplog::HashRange range, uint32_t depth,
                                       std::vector<uint64_t> leaves);

  // Adds one entry. False (and nothing added) when `key_hash` is outside the range.
  bool Add(uint64_t key_hash, Version version, bool tombstone);

  // The same entries at a depth <= depth() (leaves of the same parent summed).
  MerkleTree Fold(uint32_t depth) const;

  uint64_t Root() const;
  // The leaves where this tree and `other` differ, ascending, found by walking both trees
  // from the root down (equal subtrees are skipped). kInvalidArgument when the trees do not
  // cover the same range at the same depth.
  Result<std::vector<uint32_t>> Diff(const MerkleTree& other) const;

  oplog::HashRange range() const { return range_; }
  uint32_t depth() const { return depth_; }
  uint64_t entries() const { return entries_; }  // added here (0 for FromLeaves)
  const std::vector<uint64_t>& leaves() const { return leaves_; }

 private:
  // levels[d] holds the 2^d node hashes at depth d; levels[depth_] are the leaves.
  std::vector<std::vector<uint64_t>> Levels() const;

  oplog::HashRange range_;
  uint32_t depth_;
  uint64_t entries_ = 0;
  std::vector<uint64_t> leaves_;
};

}  // namespace memdb

#endif  // MEMDB_REPLICATION_MERKLE_TREE_H_
