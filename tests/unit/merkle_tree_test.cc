// MerkleTree: equal data gives equal trees whatever the insertion order, one changed entry
// shows up as exactly its leaf, leaves split a range's span evenly, Fold is exact.
#include "replication/merkle_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/key_hash.h"

namespace memdb {
namespace {

using oplog::HashRange;

struct Entry {
  std::string key;
  Version version;
  bool tombstone = false;
};

std::vector<Entry> SomeEntries(int n) {
  std::vector<Entry> entries;
  for (int i = 0; i < n; ++i) {
    entries.push_back(Entry{"key" + std::to_string(i),
                            Version{uint64_t(1000 + i) << 16, 1 + uint32_t(i % 3)}, i % 7 == 0});
  }
  return entries;
}

MerkleTree Build(HashRange range, uint32_t depth, const std::vector<Entry>& entries) {
  MerkleTree tree(range, depth);
  for (const Entry& e : entries) tree.Add(KeyHash(e.key), e.version, e.tombstone);
  return tree;
}

TEST(MerkleTreeTest, SameEntriesInAnyOrderGiveTheSameTree) {
  std::vector<Entry> entries = SomeEntries(500);
  MerkleTree a = Build(HashRange::All(), 5, entries);
  std::reverse(entries.begin(), entries.end());
  std::rotate(entries.begin(), entries.begin() + 123, entries.end());
  MerkleTree b = Build(HashRange::All(), 5, entries);
  EXPECT_EQ(a.Root(), b.Root());
  EXPECT_EQ(a.leaves(), b.leaves());
  EXPECT_EQ(a.entries(), 500u);
  EXPECT_TRUE(a.Diff(b)->empty());
}

TEST(MerkleTreeTest, OneChangedEntryIsExactlyItsLeaf) {
  const std::vector<Entry> entries = SomeEntries(500);
  const MerkleTree base = Build(HashRange::All(), 6, entries);
  for (size_t changed : {size_t{0}, size_t{77}, size_t{499}}) {
    // A newer version, a tombstone instead of a value, a missing entry: each is one leaf.
    for (int kind = 0; kind < 3; ++kind) {
      std::vector<Entry> other = entries;
      if (kind == 0) other[changed].version.timestamp += 1;
      if (kind == 1) other[changed].tombstone = !other[changed].tombstone;
      if (kind == 2) other.erase(other.begin() + changed);
      const MerkleTree tree = Build(HashRange::All(), 6, other);
      EXPECT_NE(tree.Root(), base.Root());
      auto diff = base.Diff(tree);
      ASSERT_TRUE(diff.ok());
      ASSERT_EQ(diff->size(), 1u) << "entry " << changed << " kind " << kind;
      EXPECT_EQ((*diff)[0], MerkleTree::LeafOf(HashRange::All(), 6, KeyHash(entries[changed].key)));
    }
  }
}

TEST(MerkleTreeTest, DiffListsEveryDifferentLeafAscending) {
  MerkleTree a(HashRange::All(), 4);
  MerkleTree b(HashRange::All(), 4);
  std::vector<uint64_t> leaves(16, 0);
  leaves[3] = 5;
  leaves[12] = 9;
  leaves[13] = 1;
  auto c = MerkleTree::FromLeaves(HashRange::All(), 4, leaves);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*a.Diff(*c), (std::vector<uint32_t>{3, 12, 13}));
  EXPECT_TRUE(a.Diff(b)->empty());
}

TEST(MerkleTreeTest, LeavesSplitTheSpanEvenly) {
  // The whole ring: leaf = top bits of the offset from 1.
  EXPECT_EQ(MerkleTree::LeafOf(HashRange::All(), 2, 1), 0u);
  EXPECT_EQ(MerkleTree::LeafOf(HashRange::All(), 2, uint64_t{1} << 62), 0u);
  EXPECT_EQ(MerkleTree::LeafOf(HashRange::All(), 2, (uint64_t{1} << 62) + 1), 1u);
  EXPECT_EQ(MerkleTree::LeafOf(HashRange::All(), 2, UINT64_MAX), 3u);
  EXPECT_EQ(MerkleTree::LeafOf(HashRange::All(), 2, 0), 3u);  // 0 is the ring's last hash
  // (100, 200]: 100 hashes, 4 leaves of 25.
  const HashRange r{100, 200};
  EXPECT_EQ(MerkleTree::LeafOf(r, 2, 101), 0u);
  EXPECT_EQ(MerkleTree::LeafOf(r, 2, 125), 0u);
  EXPECT_EQ(MerkleTree::LeafOf(r, 2, 126), 1u);
  EXPECT_EQ(MerkleTree::LeafOf(r, 2, 200), 3u);
  // A range wrapping past UINT64_MAX: (UINT64_MAX - 49, 50], 100 hashes.
  const HashRange w{UINT64_MAX - 49, 50};
  EXPECT_EQ(MerkleTree::LeafOf(w, 1, UINT64_MAX - 48), 0u);  // offset 0
  EXPECT_EQ(MerkleTree::LeafOf(w, 1, UINT64_MAX), 0u);       // offset 48
  EXPECT_EQ(MerkleTree::LeafOf(w, 1, 0), 0u);                // offset 49
  EXPECT_EQ(MerkleTree::LeafOf(w, 1, 1), 1u);                // offset 50
  EXPECT_EQ(MerkleTree::LeafOf(w, 1, 50), 1u);               // offset 99
}

TEST(MerkleTreeTest, EntriesOutsideTheRangeAreNotAdded) {
  MerkleTree tree(HashRange{100, 200}, 3);
  EXPECT_FALSE(tree.Add(100, Version{1, 1}, false));
  EXPECT_FALSE(tree.Add(201, Version{1, 1}, false));
  EXPECT_TRUE(tree.Add(200, Version{1, 1}, false));
  EXPECT_EQ(tree.entries(), 1u);
}

TEST(MerkleTreeTest, FoldEqualsBuildingAtTheShallowerDepth) {
  const std::vector<Entry> entries = SomeEntries(1000);
  for (HashRange range : {HashRange::All(), HashRange{uint64_t{1} << 60, uint64_t{3} << 62},
                          HashRange{uint64_t{3} << 62, uint64_t{1} << 61}}) {
    const MerkleTree deep = Build(range, 10, entries);
    for (uint32_t depth : {0u, 1u, 4u, 9u, 10u}) {
      const MerkleTree folded = deep.Fold(depth);
      const MerkleTree direct = Build(range, depth, entries);
      EXPECT_EQ(folded.leaves(), direct.leaves()) << "depth " << depth;
      EXPECT_EQ(folded.Root(), direct.Root());
    }
  }
}

TEST(MerkleTreeTest, DepthAimsAtAFewKeysPerLeafUpToTheCap) {
  EXPECT_EQ(MerkleTree::DepthFor(0, 14), 0u);
  EXPECT_EQ(MerkleTree::DepthFor(16, 14), 0u);
  EXPECT_EQ(MerkleTree::DepthFor(17, 14), 1u);
  EXPECT_EQ(MerkleTree::DepthFor(1000, 14), 6u);  // 1000 / 64 = 15.6 per leaf
  EXPECT_EQ(MerkleTree::DepthFor(100'000'000, 14), 14u);
  EXPECT_EQ(MerkleTree::DepthFor(100'000'000, 40), MerkleTree::kMaxDepth);
}

TEST(MerkleTreeTest, TreesOfDifferentShapesAreNotCompared) {
  MerkleTree a(HashRange::All(), 3);
  EXPECT_EQ(a.Diff(MerkleTree(HashRange::All(), 4)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(a.Diff(MerkleTree(HashRange{1, 2}, 3)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(MerkleTree::FromLeaves(HashRange::All(), 3, std::vector<uint64_t>(7)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(MerkleTree::FromLeaves(HashRange::All(), 21, {}).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace memdb
