#include "cluster/ring.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "common/random.h"
#include "oplog/catchup_reader.h"

namespace memdb {
namespace {

TEST(Ring, EmptyRingHasNoOwner) {
  Ring ring;
  EXPECT_FALSE(ring.Owner(42).has_value());
  EXPECT_TRUE(ring.Preference(42, 3).empty());
}

TEST(Ring, TokenOwnsPositionsUpToAndIncludingItself) {
  Ring ring;
  ring.SetTokens(1, {100});
  ring.SetTokens(2, {200});
  EXPECT_EQ(ring.Owner(100), NodeId{1});  // (previous, token]: the token itself included
  EXPECT_EQ(ring.Owner(101), NodeId{2});
  EXPECT_EQ(ring.Owner(200), NodeId{2});
  EXPECT_EQ(ring.Owner(201), NodeId{1});  // past the last token the circle wraps
  EXPECT_EQ(ring.Owner(0), NodeId{1});
  EXPECT_EQ(ring.Owner(UINT64_MAX), NodeId{1});
}

TEST(Ring, PreferenceListIsDistinctNodesClockwiseOwnerFirst) {
  Ring ring;
  ring.SetTokens(1, {100, 110});
  ring.SetTokens(2, {200});
  ring.SetTokens(3, {300});
  EXPECT_EQ(ring.Preference(105, 3), (std::vector<NodeId>{1, 2, 3}));  // 110 is node 1 again
  EXPECT_EQ(ring.Preference(250, 2), (std::vector<NodeId>{3, 1}));
  EXPECT_EQ(ring.Preference(250, 10), (std::vector<NodeId>{3, 1, 2}));  // capped at node count
}

TEST(Ring, SameTokenOnTwoNodesIsOrderedByNodeId) {
  Ring ring;
  ring.SetTokens(7, {500});
  ring.SetTokens(3, {500});
  EXPECT_EQ(ring.Owner(400), NodeId{3});
  EXPECT_EQ(ring.Preference(400, 2), (std::vector<NodeId>{3, 7}));
}

TEST(Ring, RemovingANodeHandsItsRangesToTheNextNodes) {
  Ring ring;
  ring.SetTokens(1, {100});
  ring.SetTokens(2, {200});
  ring.SetTokens(3, {300});
  ring.RemoveNode(2);
  EXPECT_EQ(ring.node_count(), 2u);
  EXPECT_EQ(ring.Owner(150), NodeId{3});
}

TEST(Ring, ChooseTokensIsDeterministicPerSeedAndDistinct) {
  SeededRandom a(7), b(7), c(8);
  auto ta = Ring::ChooseTokens(a, 256);
  EXPECT_EQ(ta, Ring::ChooseTokens(b, 256));
  EXPECT_NE(ta, Ring::ChooseTokens(c, 256));
  EXPECT_EQ(std::set<Token>(ta.begin(), ta.end()).size(), 256u);
}

// With enough virtual nodes, each of 3 nodes owns close to a third of the keys.
TEST(Ring, VirtualNodesBalanceOwnership) {
  const uint64_t seed = 42;
  SeededRandom random(seed);
  Ring ring;
  for (NodeId n = 1; n <= 3; ++n) ring.SetTokens(n, Ring::ChooseTokens(random, 256));
  std::map<NodeId, int> owned;
  constexpr int kKeys = 60000;
  for (int i = 0; i < kKeys; ++i) ++owned[*ring.OwnerOfKey("key:" + std::to_string(i))];
  for (const auto& [node, count] : owned) {
    EXPECT_NEAR(count, kKeys / 3, kKeys / 3 * 0.15) << "node " << node << " seed " << seed;
  }
}

// Consistent hashing: a joining node takes keys only for itself; nobody else's move.
TEST(Ring, AddingANodeMovesOnlyTheKeysItTakes) {
  SeededRandom random(5);
  Ring ring;
  for (NodeId n = 1; n <= 3; ++n) ring.SetTokens(n, Ring::ChooseTokens(random, 128));
  std::vector<NodeId> before;
  constexpr int kKeys = 40000;
  for (int i = 0; i < kKeys; ++i) before.push_back(*ring.OwnerOfKey("k" + std::to_string(i)));
  ring.SetTokens(4, Ring::ChooseTokens(random, 128));
  int moved = 0;
  for (int i = 0; i < kKeys; ++i) {
    const NodeId now = *ring.OwnerOfKey("k" + std::to_string(i));
    if (now != before[i]) {
      EXPECT_EQ(now, NodeId{4});
      ++moved;
    }
  }
  EXPECT_NEAR(moved, kKeys / 4, kKeys / 4 * 0.2);
}

// The ring and the oplog's catch-up filter agree on what a token range holds, so a node can
// ask a peer's log for exactly the keys of one of its ranges.
TEST(Ring, TokenRangesMatchTheCatchupHashRanges) {
  SeededRandom random(9);
  Ring ring;
  for (NodeId n = 1; n <= 3; ++n) ring.SetTokens(n, Ring::ChooseTokens(random, 16));
  const auto& tokens = ring.tokens();
  for (int i = 0; i < 5000; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const Token position = KeyToken(key);
    ASSERT_EQ(position, oplog::KeyHash(key));
    const NodeId owner = *ring.Owner(position);
    // Exactly one range (previous token, token] contains the key, and its token is the owner's.
    int containing = 0;
    for (size_t t = 0; t < tokens.size(); ++t) {
      const Token prev = tokens[(t + tokens.size() - 1) % tokens.size()].first;
      if (oplog::HashRange{prev, tokens[t].first}.Contains(position)) {
        ++containing;
        EXPECT_EQ(tokens[t].second, owner);
      }
    }
    EXPECT_EQ(containing, 1);
  }
}

}  // namespace
}  // namespace memdb
