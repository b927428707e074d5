#include "replication/merkle_tree.h"

#include <cassert>
#include <string>
#include <utility>

#include "common/endian.h"
#include "store/key_hash.h"

namespace memdb {

namespace {

__extension__ using Uint128 = unsigned __int128;

uint64_t HashPair(uint64_t left, uint64_t right) {
  char buf[16];
  EncodeU64(buf, left);
  EncodeU64(buf + 8, right);
  return XXH3_64bits(buf, sizeof buf);
}

}  // namespace

uint32_t MerkleTree::DepthFor(uint64_t keys, uint32_t max_depth) {
  const uint32_t cap = max_depth < kMaxDepth ? max_depth : kMaxDepth;
  uint32_t depth = 0;
  while (depth < cap && (keys >> depth) > kTargetKeysPerLeaf) ++depth;
  return depth;
}

uint32_t MerkleTree::LeafOf(oplog::HashRange range, uint32_t depth, uint64_t key_hash) {
  assert(range.Contains(key_hash));
  if (depth == 0) return 0;
  // Offset from the range's first hash (begin + 1), wrapping.
  const uint64_t offset = key_hash - range.begin - 1;
  if (range.begin == range.end) return static_cast<uint32_t>(offset >> (64 - depth));
  const uint64_t span = range.end - range.begin;  // wrapping; > offset
  return static_cast<uint32_t>((Uint128{offset} << depth) / span);
}

uint64_t MerkleTree::EntryDigest(uint64_t key_hash, Version version, bool tombstone) {
  char buf[21];
  EncodeU64(buf, key_hash);
  EncodeU64(buf + 8, version.timestamp);
  EncodeU32(buf + 16, version.node_id);
  buf[20] = tombstone ? 1 : 0;
  return XXH3_64bits(buf, sizeof buf);
}

MerkleTree::MerkleTree(oplog::HashRange range, uint32_t depth)
    : range_(range), depth_(depth), leaves_(size_t{1} << depth, 0) {
  assert(depth <= kMaxDepth);
}

Result<MerkleTree> MerkleTree::FromLeaves(oplog::HashRange range, uint32_t depth,
                                          std::vector<uint64_t> leaves) {
  if (depth > kMaxDepth) {
    return Status(Code::kInvalidArgument, "hash tree depth " + std::to_string(depth) + " exceeds " +
                                              std::to_string(kMaxDepth));
  }
  if (leaves.size() != (size_t{1} << depth)) {
    return Status(Code::kInvalidArgument, "hash tree of depth " + std::to_string(depth) +
                                              " needs " + std::to_string(size_t{1} << depth) +
                                              " leaves, got " + std::to_string(leaves.size()));
  }
  MerkleTree tree(range, 0);
  tree.depth_ = depth;
  tree.leaves_ = std::move(leaves);
  return tree;
}

bool MerkleTree::Add(uint64_t key_hash, Version version, bool tombstone) {
  if (!range_.Contains(key_hash)) return false;
  leaves_[LeafOf(range_, depth_, key_hash)] += EntryDigest(key_hash, version, tombstone);
  ++entries_;
  return true;
}

MerkleTree MerkleTree::Fold(uint32_t depth) const {
  assert(depth <= depth_);
  MerkleTree folded(range_, depth);
  folded.entries_ = entries_;
  const uint32_t shift = depth_ - depth;
  for (size_t i = 0; i < leaves_.size(); ++i) folded.leaves_[i >> shift] += leaves_[i];
  return folded;
}

std::vector<std::vector<uint64_t>> MerkleTree::Levels() const {
  std::vector<std::vector<uint64_t>> levels(depth_ + 1);
  levels[depth_] = leaves_;
  for (uint32_t d = depth_; d > 0; --d) {
    const std::vector<uint64_t>& below = levels[d];
    std::vector<uint64_t>& level = levels[d - 1];
    level.resize(below.size() / 2);
    for (size_t i = 0; i < level.size(); ++i) level[i] = HashPair(below[2 * i], below[2 * i + 1]);
  }
  return levels;
}

uint64_t MerkleTree::Root() const { return Levels()[0][0]; }

Result<std::vector<uint32_t>> MerkleTree::Diff(const MerkleTree& other) const {
  if (range_.begin != other.range_.begin || range_.end != other.range_.end ||
      depth_ != other.depth_) {
    return Status(Code::kInvalidArgument,
                  "hash trees differ in shape (range or depth): cannot be compared");
  }
  const auto mine = Levels();
  const auto theirs = other.Levels();
  std::vector<uint32_t> different;
  // Depth-first, left child first: leaves come out ascending.
  std::vector<std::pair<uint32_t, uint32_t>> stack = {{0, 0}};  // (depth, index)
  while (!stack.empty()) {
    const auto [d, i] = stack.back();
    stack.pop_back();
    if (mine[d][i] == theirs[d][i]) continue;
    if (d == depth_) {
      different.push_back(i);
      continue;
    }
    stack.push_back({d + 1, 2 * i + 1});
    stack.push_back({d + 1, 2 * i});
  }
  return different;
}

}  // namespace memdb
