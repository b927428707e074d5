#include "store/store.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/random.h"

namespace memdb {
namespace {

Version V(Timestamp ts, NodeId node = 1) { return Version{ts, node}; }

TEST(Store, PutThenFind) {
  Store store;
  EXPECT_FALSE(store.Find("k").has_value());
  auto r = store.Put("k", "v1", V(10));
  EXPECT_TRUE(r.applied);
  EXPECT_FALSE(r.replaced_live);
  auto found = store.Find("k");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->value, "v1");
  EXPECT_EQ(found->version, V(10));
  EXPECT_FALSE(found->tombstone);
}

TEST(Store, HigherVersionWins) {
  Store store;
  store.Put("k", "new", V(20));
  auto r = store.Put("k", "old", V(10));
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(store.Find("k")->value, "new");
  EXPECT_TRUE(store.Put("k", "newer", V(21)).applied);
  EXPECT_EQ(store.Find("k")->value, "newer");
}

TEST(Store, NodeIdBreaksTimestampTies) {
  Store store;
  store.Put("k", "from-node-2", V(10, 2));
  EXPECT_FALSE(store.Put("k", "from-node-1", V(10, 1)).applied);
  EXPECT_TRUE(store.Put("k", "from-node-3", V(10, 3)).applied);
  EXPECT_EQ(store.Find("k")->value, "from-node-3");
}

TEST(Store, EqualVersionIsADuplicateAndChangesNothing) {
  Store store;
  store.Put("k", "a", V(10));
  EXPECT_FALSE(store.Put("k", "b", V(10)).applied);
  EXPECT_EQ(store.Find("k")->value, "a");
}

TEST(Store, DeleteLeavesTombstoneThatBlocksOlderWrites) {
  Store store;
  store.Put("k", "v", V(10));
  auto r = store.Delete("k", V(20));
  EXPECT_TRUE(r.applied);
  EXPECT_TRUE(r.replaced_live);
  auto found = store.Find("k");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->tombstone);
  EXPECT_EQ(found->version, V(20));
  EXPECT_EQ(store.stats().tombstones, 1u);
  // A write older than the delete arrives late: no resurrection.
  EXPECT_FALSE(store.Put("k", "late", V(15)).applied);
  EXPECT_TRUE(store.Find("k")->tombstone);
  // A newer write does bring it back.
  EXPECT_TRUE(store.Put("k", "again", V(30)).applied);
  EXPECT_FALSE(store.Find("k")->tombstone);
  EXPECT_EQ(store.stats().tombstones, 0u);
}

TEST(Store, DeleteOfMissingKeyStillRecordsTombstone) {
  Store store;
  auto r = store.Delete("ghost", V(5));
  EXPECT_TRUE(r.applied);
  EXPECT_FALSE(r.replaced_live);
  EXPECT_FALSE(store.Put("ghost", "old", V(4)).applied);
}

TEST(Store, PurgeRemovesOnlyOldTombstones) {
  Store store;
  store.Delete("old", V(10));
  store.Delete("young", V(100));
  store.Put("live", "v", V(5));
  EXPECT_EQ(store.PurgeTombstones(50), 1u);
  EXPECT_FALSE(store.Find("old").has_value());
  EXPECT_TRUE(store.Find("young").has_value());
  EXPECT_TRUE(store.Find("live").has_value());
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.stats().tombstones, 1u);
}

TEST(Store, BinarySafeKeysAndValues) {
  Store store;
  std::string key("a\0b\xff", 4);
  std::string value("\0\0\x01\xfe", 4);
  store.Put(key, value, V(1));
  EXPECT_EQ(store.Find(key)->value, value);
  EXPECT_FALSE(store.Find(std::string("a\0c\xff", 4)).has_value());
  store.Put("", "empty-key", V(1));
  EXPECT_EQ(store.Find("")->value, "empty-key");
}

TEST(Store, ValueResizeInPlaceAndReallocated) {
  Store store;
  store.Put("k", std::string(10, 'a'), V(1));
  store.Put("k", std::string(12, 'b'), V(2));
  EXPECT_EQ(store.Find("k")->value, std::string(12, 'b'));
  store.Put("k", std::string(5000, 'c'), V(3));
  EXPECT_EQ(store.Find("k")->value, std::string(5000, 'c'));
  store.Put("k", "x", V(4));
  EXPECT_EQ(store.Find("k")->value, "x");
  EXPECT_LT(store.stats().record_bytes, 200u);  // the 5000-byte block was released
}

// Random operations against a std::map model, across growth and purges.
TEST(Store, MatchesModelUnderRandomOperations) {
  const uint64_t seed = 0x5eed;
  SeededRandom rng(seed);
  Store store;
  struct ModelEntry {
    std::string value;
    Version version;
    bool tombstone;
  };
  std::map<std::string, ModelEntry> model;
  for (int op = 0; op < 200000; ++op) {
    std::string key = "key" + std::to_string(rng.Uniform(5000));
    Version version{rng.Uniform(1000), static_cast<NodeId>(rng.Uniform(3))};
    auto it = model.find(key);
    bool newer = it == model.end() || version > it->second.version;
    switch (rng.Uniform(10)) {
      case 0: {
        auto r = store.Delete(key, version);
        ASSERT_EQ(r.applied, newer) << "seed " << seed << " op " << op;
        if (newer) model[key] = {"", version, true};
        break;
      }
      case 1:
        if (rng.Uniform(100) == 0) {
          Timestamp cutoff = rng.Uniform(1000);
          size_t expected = 0;
          for (auto m = model.begin(); m != model.end();) {
            if (m->second.tombstone && m->second.version.timestamp < cutoff) {
              m = model.erase(m);
              ++expected;
            } else {
              ++m;
            }
          }
          ASSERT_EQ(store.PurgeTombstones(cutoff), expected) << "seed " << seed;
        }
        break;
      default: {
        std::string value(rng.Uniform(64), static_cast<char>('a' + rng.Uniform(26)));
        auto r = store.Put(key, value, version);
        ASSERT_EQ(r.applied, newer) << "seed " << seed << " op " << op;
        if (newer) model[key] = {value, version, false};
      }
    }
  }
  ASSERT_EQ(store.size(), model.size());
  size_t tombstones = 0;
  for (const auto& [key, entry] : model) {
    auto found = store.Find(key);
    ASSERT_TRUE(found.has_value()) << key;
    EXPECT_EQ(found->tombstone, entry.tombstone);
    EXPECT_EQ(found->version, entry.version);
    if (!entry.tombstone) {
      EXPECT_EQ(found->value, entry.value);
    }
    tombstones += entry.tombstone;
  }
  EXPECT_EQ(store.stats().tombstones, tombstones);
  size_t visited = 0;
  store.ForEach([&](std::string_view, const StoredValue&) { ++visited; });
  EXPECT_EQ(visited, model.size());
}

TEST(Store, IncrementalGrowthKeepsEveryKeyReachable) {
  Store store;
  int n = 0;
  // Insert until a grow of a table of some size starts, then check every key (old and new
  // table) on every write.
  while (!(store.TEST_growing() && n > 1000)) {
    store.Put("k" + std::to_string(n), "v" + std::to_string(n), V(n + 1));
    ++n;
  }
  int writes_while_growing = 0;
  while (store.TEST_growing()) {
    // Updates of keys still in the old table, and new keys, interleaved.
    const int old_key = writes_while_growing % n;
    ASSERT_TRUE(store.Put("k" + std::to_string(old_key), "updated", V(1000000 + n)).applied);
    store.Put("k" + std::to_string(n), "v" + std::to_string(n), V(n + 1));
    ++n;
    ++writes_while_growing;
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(store.Find("k" + std::to_string(i)).has_value())
          << "k" << i << " lost at write " << writes_while_growing;
    }
  }
  // The move was spread over several writes, not done by the one that started it.
  EXPECT_GT(writes_while_growing, 1);
  EXPECT_EQ(store.size(), static_cast<size_t>(n));
  size_t visited = 0;
  store.ForEach([&](std::string_view, const StoredValue&) { ++visited; });
  EXPECT_EQ(visited, store.size());
}

TEST(Store, PurgeDuringGrowthFinishesTheMoveFirst) {
  Store store;
  int n = 0;
  while (!store.TEST_growing()) {
    store.Delete("d" + std::to_string(n), V(n + 1));
    ++n;
  }
  EXPECT_EQ(store.PurgeTombstones(UINT64_MAX), static_cast<size_t>(n));
  EXPECT_FALSE(store.TEST_growing());
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.stats().record_bytes, 0u);
}

TEST(Store, MemoryPerKeyIsCompact) {
  Store store;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    char key[17];
    snprintf(key, sizeof key, "key:%012d", i);
    store.Put(std::string_view(key, 16), std::string(32, 'v'), V(i + 1));
  }
  const double per_key = static_cast<double>(store.stats().total_bytes()) / n;
  // 16-byte key + 32-byte value + version: one ~80-byte block plus <= ~21 bytes of index.
  EXPECT_LT(per_key, 104.0) << "bytes per key " << per_key;
}

}  // namespace
}  // namespace memdb
