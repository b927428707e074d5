#include "cluster/hlc.h"

#include <gtest/gtest.h>

namespace memdb {
namespace {

constexpr uint64_t kStartMs = 1'700'000'000'000ULL;

TEST(HybridClock, TickFollowsPhysicalTime) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical);
  Timestamp t1 = clock.Tick();
  EXPECT_EQ(HlcMillis(t1), kStartMs);
  physical.Advance(5);
  Timestamp t2 = clock.Tick();
  EXPECT_EQ(HlcMillis(t2), kStartMs + 5);
  EXPECT_EQ(HlcLogical(t2), 0u);
}

TEST(HybridClock, TickIsStrictlyIncreasingWithinOneMillisecond) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical);
  Timestamp prev = clock.Tick();
  for (int i = 0; i < 1000; ++i) {
    Timestamp t = clock.Tick();
    EXPECT_GT(t, prev);
    prev = t;
  }
  EXPECT_EQ(HlcMillis(prev), kStartMs);
  EXPECT_EQ(HlcLogical(prev), 1000u);
}

TEST(HybridClock, NeverGoesBackwardsWhenPhysicalClockJumpsBack) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical);
  Timestamp before = clock.Tick();
  physical.Set(kStartMs - 10'000);  // NTP step backwards by 10 s
  Timestamp after = clock.Tick();
  EXPECT_GT(after, before);
  EXPECT_EQ(HlcMillis(after), kStartMs);  // millis frozen, logical counter carries on
  physical.Set(kStartMs + 1);
  EXPECT_EQ(clock.Tick(), Timestamp{(kStartMs + 1) << kHlcLogicalBits});
}

TEST(HybridClock, ObserveMovesPastReceivedTimestamp) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical);
  clock.Tick();
  Timestamp received = ((kStartMs + 2'000) << kHlcLogicalBits) | 7;  // peer 2 s ahead
  ASSERT_TRUE(clock.Observe(received).ok());
  EXPECT_EQ(clock.Current(), received + 1);
  EXPECT_GT(clock.Tick(), received + 1);
}

TEST(HybridClock, ObserveOfOlderTimestampStillTicks) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical);
  Timestamp t = clock.Tick();
  ASSERT_TRUE(clock.Observe(1).ok());
  EXPECT_EQ(clock.Current(), t + 1);
}

TEST(HybridClock, ObserveRefusesTimestampTooFarAhead) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical, /*max_forward_skew_ms=*/1'000);
  Timestamp t = clock.Tick();
  Status s = clock.Observe((kStartMs + 1'001) << kHlcLogicalBits);
  EXPECT_EQ(s.code(), Code::kClockSkew);
  EXPECT_EQ(clock.Current(), t);  // unchanged
  EXPECT_TRUE(clock.Observe((kStartMs + 1'000) << kHlcLogicalBits).ok());
  EXPECT_EQ(clock.Observe(UINT64_MAX).code(), Code::kClockSkew);
}

TEST(HybridClock, AdvanceToSkipsSkewCheckAndNeverMovesBack) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical, 1'000);
  Timestamp far = (kStartMs + 3'600'000) << kHlcLogicalBits;
  clock.AdvanceTo(far);
  EXPECT_EQ(clock.Current(), far);
  clock.AdvanceTo(5);
  EXPECT_EQ(clock.Current(), far);
  EXPECT_EQ(clock.Tick(), far + 1);
}

TEST(HybridClock, LogicalOverflowCarriesIntoMillisAndStaysMonotonic) {
  ManualClock physical(kStartMs);
  HybridClock clock(&physical);
  Timestamp prev = clock.Tick();
  for (int i = 0; i < (1 << kHlcLogicalBits) + 10; ++i) {
    Timestamp t = clock.Tick();
    ASSERT_GT(t, prev);
    prev = t;
  }
  EXPECT_EQ(HlcMillis(prev), kStartMs + 1);
}

}  // namespace
}  // namespace memdb
