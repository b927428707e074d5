#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "memdb_bench/histogram.h"

namespace memdb::bench {
namespace {

TEST(BenchHistogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.ValueAtPercentile(50), 0u);
  EXPECT_EQ(h.ValueAtPercentile(100), 0u);
}

TEST(BenchHistogram, SmallValuesAreExact) {
  for (uint64_t v = 0; v < 256; ++v) {
    EXPECT_EQ(Histogram::BucketIndex(v), v);
    EXPECT_EQ(Histogram::BucketLowerBound(v), v);
    EXPECT_EQ(Histogram::BucketUpperBound(v), v);
  }
}

TEST(BenchHistogram, BucketsTileTheRangeWithinOnePercent) {
  // Every bucket starts right after the previous one ends, and is at most 1/128
  // of its value.
  for (size_t i = 1; i < Histogram::kBucketCount; ++i) {
    ASSERT_EQ(Histogram::BucketLowerBound(i), Histogram::BucketUpperBound(i - 1) + 1) << i;
    const uint64_t lo = Histogram::BucketLowerBound(i);
    const uint64_t hi = Histogram::BucketUpperBound(i);
    ASSERT_LE(static_cast<double>(hi - lo), static_cast<double>(lo) / 128.0) << i;
    ASSERT_EQ(Histogram::BucketIndex(lo), i);
    ASSERT_EQ(Histogram::BucketIndex(hi), i);
  }
  // 60 s in nanoseconds is well inside the tracked range.
  EXPECT_LT(Histogram::BucketIndex(60'000'000'000ull), Histogram::kBucketCount - 1);
  // Larger values clamp into the last bucket instead of overflowing.
  EXPECT_EQ(Histogram::BucketIndex(UINT64_MAX), Histogram::kBucketCount - 1);
}

TEST(BenchHistogram, HugeValueKeepsExactMax) {
  Histogram h;
  h.Record(UINT64_MAX / 2);
  EXPECT_EQ(h.max(), UINT64_MAX / 2);
  EXPECT_EQ(h.ValueAtPercentile(50), UINT64_MAX / 2);  // clamped to [min, max]
}

TEST(BenchHistogram, PercentilesOfOneToHundred) {
  Histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.ValueAtPercentile(0), 1u);
  EXPECT_EQ(h.ValueAtPercentile(50), 50u);
  EXPECT_EQ(h.ValueAtPercentile(90), 90u);
  EXPECT_EQ(h.ValueAtPercentile(99), 99u);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 100u);
  EXPECT_EQ(h.ValueAtPercentile(100), 100u);
}

TEST(BenchHistogram, PercentilesMatchSortedSamplesWithinPrecision) {
  const uint32_t seed = 20240611;
  std::mt19937_64 rng(seed);
  // Log-uniform latencies from 1 us to 60 s, the range the bench cares about.
  std::uniform_real_distribution<double> exponent(3.0, std::log10(60e9));
  std::vector<uint64_t> samples;
  Histogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<uint64_t>(std::pow(10.0, exponent(rng)));
    samples.push_back(v);
    h.Record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * samples.size()));
    const uint64_t exact = samples[rank - 1];
    const uint64_t got = h.ValueAtPercentile(p);
    EXPECT_GE(got, exact) << "seed " << seed << " p" << p;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * (1.0 + 1.0 / 128))
        << "seed " << seed << " p" << p;
  }
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
}

TEST(BenchHistogram, MergeEqualsRecordingEverythingInOne) {
  Histogram a;
  Histogram b;
  Histogram both;
  for (uint64_t v = 1000; v < 50000; v += 7) {
    ((v / 7) % 2 ? a : b).Record(v);
    both.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.min(), both.min());
  EXPECT_EQ(a.max(), both.max());
  EXPECT_DOUBLE_EQ(a.mean(), both.mean());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    EXPECT_EQ(a.ValueAtPercentile(p), both.ValueAtPercentile(p)) << p;
  }
}

TEST(BenchHistogram, MergeIntoEmpty) {
  Histogram empty;
  Histogram h;
  h.Record(42);
  empty.Merge(h);
  EXPECT_EQ(empty.min(), 42u);
  EXPECT_EQ(empty.max(), 42u);
  Histogram h2;
  h.Merge(h2);  // merging an empty one changes nothing
  EXPECT_EQ(h.min(), 42u);
  EXPECT_EQ(h.count(), 1u);
}

}  // namespace
}  // namespace memdb::bench
