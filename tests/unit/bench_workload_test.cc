#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "memdb_bench/workload.h"

namespace memdb::bench {
namespace {

TEST(BenchWorkload, KeysArePrefixPlusZeroPaddedNumber) {
  auto keys = KeyFormatter::Create("key:", 1000000, 0);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->key_size(), 10u);  // "key:" + 6 digits for 999999
  EXPECT_EQ(keys->Format(0), "key:000000");
  EXPECT_EQ(keys->Format(42), "key:000042");
  EXPECT_EQ(keys->Format(999999), "key:999999");
}

TEST(BenchWorkload, KeySizeGivesExactly16ByteKeys) {
  auto keys = KeyFormatter::Create("key:", 1000000, 16);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->Format(123456), "key:000000123456");
  EXPECT_EQ(keys->Format(7).size(), 16u);
}

TEST(BenchWorkload, KeyspaceOfOneAndEmptyPrefix) {
  auto keys = KeyFormatter::Create("", 1, 0);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->Format(0), "0");
}

TEST(BenchWorkload, KeySizeTooSmallIsRejected) {
  auto keys = KeyFormatter::Create("key:", 1000000, 9);  // needs 10
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().code(), Code::kInvalidArgument);
  EXPECT_NE(keys.status().message().find("need 10 bytes"), std::string::npos);
  EXPECT_FALSE(KeyFormatter::Create("k", 0, 0).ok());
  EXPECT_FALSE(KeyFormatter::Create("k", 10, KeyFormatter::kMaxKeySize + 1).ok());
}

TEST(BenchWorkload, CommandMixFollowsTheRatioEvenly) {
  struct Case {
    uint32_t sets, gets;
    std::string pattern;  // one period
  };
  for (const Case& c : std::vector<Case>{{1, 0, "S"},
                                         {0, 1, "G"},
                                         {1, 1, "GS"},
                                         {1, 3, "GGGS"},
                                         {2, 3, "GGSGS"},
                                         {3, 1, "GSSS"}}) {
    CommandMix mix(c.sets, c.gets);
    std::string got;
    for (size_t i = 0; i < 3 * c.pattern.size(); ++i) {
      got += mix.Next() == Command::kSet ? 'S' : 'G';
    }
    EXPECT_EQ(got, c.pattern + c.pattern + c.pattern) << c.sets << ":" << c.gets;
  }
}

TEST(BenchWorkload, CommandMixCountsOverALongRun) {
  CommandMix mix(1, 10);
  int sets = 0;
  for (int i = 0; i < 110000; ++i) sets += mix.Next() == Command::kSet;
  EXPECT_EQ(sets, 10000);
}

TEST(BenchWorkload, RandomKeysStayInRangeAndRepeatWithTheSeed) {
  KeySequence a = KeySequence::Random(1000, 7);
  KeySequence b = KeySequence::Random(1000, 7);
  KeySequence c = KeySequence::Random(1000, 8);
  bool differs = false;
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t x = a.Next();
    ASSERT_LT(x, 1000u);
    ASSERT_EQ(x, b.Next()) << "seed 7, draw " << i;
    differs |= x != c.Next();
    seen.insert(x);
  }
  EXPECT_TRUE(differs);
  EXPECT_GT(seen.size(),
            990u);  // 10000 uniform draws cover nearly all of 1000 keys
}

TEST(BenchWorkload, SequentialKeysWrapAtTheKeyspace) {
  KeySequence s = KeySequence::Sequential(3, 1);
  EXPECT_EQ(s.Next(), 1u);
  EXPECT_EQ(s.Next(), 2u);
  EXPECT_EQ(s.Next(), 0u);
  EXPECT_EQ(s.Next(), 1u);
}

TEST(BenchWorkload, SplitEvenlyTilesTheTotal) {
  for (uint64_t total : {0ull, 1ull, 7ull, 100ull, 1000003ull}) {
    for (uint32_t parts : {1u, 2u, 3u, 7u, 50u}) {
      uint64_t next = 0;
      for (uint32_t i = 0; i < parts; ++i) {
        Range r = SplitEvenly(total, parts, i);
        ASSERT_EQ(r.begin, next) << total << "/" << parts;
        ASSERT_LE(r.size(), total / parts + 1);
        next = r.end;
      }
      ASSERT_EQ(next, total) << total << "/" << parts;
    }
  }
}

// The 1M-key load: --sequential --requests = keyspace with several workers sets
// every key exactly once.
TEST(BenchWorkload, SequentialWorkersWriteEveryKeyExactlyOnce) {
  WorkloadSpec spec;
  spec.keyspace = 10007;
  spec.key_size = 16;
  spec.ratio_sets = 1;
  spec.ratio_gets = 0;
  spec.sequential = true;
  const uint32_t workers = 3;
  std::set<std::string> keys;
  for (uint32_t w = 0; w < workers; ++w) {
    auto workload = Workload::Create(spec, w, workers, spec.keyspace);
    ASSERT_TRUE(workload.ok());
    const uint64_t share = SplitEvenly(spec.keyspace, workers, w).size();
    for (uint64_t i = 0; i < share; ++i) {
      Workload::Request r = workload->Next();
      ASSERT_EQ(r.command, Command::kSet);
      ASSERT_EQ(r.key.size(), 16u);
      ASSERT_TRUE(keys.emplace(r.key).second) << "key written twice: " << r.key;
    }
  }
  EXPECT_EQ(keys.size(), spec.keyspace);
}

TEST(BenchWorkload, ValueHasTheRequestedSizeAndIsPrintable) {
  WorkloadSpec spec;
  spec.value_size = 32;
  auto workload = Workload::Create(spec, 0, 1, 100);
  ASSERT_TRUE(workload.ok());
  EXPECT_EQ(workload->value().size(), 32u);
  for (char c : workload->value()) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  EXPECT_EQ(MakeValue(0), "");
}

TEST(BenchWorkload, WorkersGetDifferentRandomStreams) {
  WorkloadSpec spec;
  auto a = Workload::Create(spec, 0, 2, 100);
  auto b = Workload::Create(spec, 1, 2, 100);
  ASSERT_TRUE(a.ok() && b.ok());
  int same = 0;
  for (int i = 0; i < 100; ++i) same += a->Next().key == b->Next().key;
  EXPECT_LT(same, 5);
}

TEST(BenchWorkload, RatioZeroZeroIsRejected) {
  WorkloadSpec spec;
  spec.ratio_sets = 0;
  spec.ratio_gets = 0;
  EXPECT_FALSE(Workload::Create(spec, 0, 1, 1).ok());
}

}  // namespace
}  // namespace memdb::bench
