#include "cluster/failure_detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/random.h"

namespace memdb::cluster {
namespace {

constexpr double kLog10E = 0.4342944819032518;

TEST(FailureDetector, NeverReportedIsInfinitelySuspectAndDown) {
  FailureDetector fd;
  EXPECT_TRUE(std::isinf(fd.Phi(1, 0)));
  EXPECT_GT(fd.Phi(1, 0), 0);
  EXPECT_FALSE(fd.IsUp(1, 0));
  EXPECT_FALSE(fd.IsUp(1, 1000000));
}

TEST(FailureDetector, FirstReportUsesTheInitialInterval) {
  FailureDetector fd(
      {.phi_threshold = 8.0, .window = 100, .initial_interval_ms = 1000, .max_interval_ms = 10000});
  fd.Report(1, 5000);
  EXPECT_DOUBLE_EQ(fd.Phi(1, 5000), 0.0);
  EXPECT_TRUE(fd.IsUp(1, 5000));
  EXPECT_NEAR(fd.Phi(1, 6000), kLog10E, 1e-12);
  EXPECT_NEAR(fd.Phi(1, 7000), 2 * kLog10E, 1e-12);
}

TEST(FailureDetector, PhiGrowsWithTheDelay) {
  FailureDetector fd;
  uint64_t now = 0;
  for (int i = 0; i < 20; ++i) {
    fd.Report(1, now);
    now += 1000;
  }
  const uint64_t last = now - 1000;
  double prev = fd.Phi(1, last);
  EXPECT_DOUBLE_EQ(prev, 0.0);
  for (uint64_t delay = 100; delay <= 30000; delay += 100) {
    const double phi = fd.Phi(1, last + delay);
    EXPECT_GT(phi, prev) << "delay " << delay;
    prev = phi;
  }
  // Exponential model: phi = t / mean * log10(e), mean = 1000.
  EXPECT_NEAR(fd.Phi(1, last + 5000), 5 * kLog10E, 1e-9);
  // With the default threshold 8 a node that stops is convicted after about 18.4 s.
  EXPECT_TRUE(fd.IsUp(1, last + 18000));
  EXPECT_FALSE(fd.IsUp(1, last + 18500));
}

TEST(FailureDetector, RegularArrivalsWithJitterStayUp) {
  const uint64_t seed = 0xFD01;
  SCOPED_TRACE("seed=" + std::to_string(seed));
  SeededRandom rnd(seed);
  FailureDetector fd;
  uint64_t now = 1000;
  for (int i = 0; i < 2000; ++i) {
    fd.Report(1, now);
    const uint64_t gap = 700 + rnd.Uniform(600);  // 0.7 .. 1.3 s
    // Checked just before the next arrival: the worst moment.
    EXPECT_LT(fd.Phi(1, now + gap - 1), 1.0) << "arrival " << i;
    EXPECT_TRUE(fd.IsUp(1, now + gap - 1));
    now += gap;
  }
}

TEST(FailureDetector, TheMeanFollowsTheObservedRhythm) {
  FailureDetector fd({.phi_threshold = 8.0,
                      .window = 100,
                      .initial_interval_ms = 200,
                      .max_interval_ms = 400,
                      .min_interval_ms = 200});
  uint64_t now = 0;
  for (int i = 0; i < 11; ++i) {
    fd.Report(1, now);
    now += 200;  // fast heartbeats: the same delay is more suspicious
  }
  const uint64_t last = now - 200;
  EXPECT_NEAR(fd.Phi(1, last + 1000), 5 * kLog10E, 1e-9);
}

TEST(FailureDetector, WindowKeepsOnlyTheLatestSamples) {
  FailureDetector fd({.phi_threshold = 8.0,
                      .window = 4,
                      .initial_interval_ms = 1000,
                      .max_interval_ms = 100000,
                      .min_interval_ms = 0});
  uint64_t now = 0;
  fd.Report(1, now);
  for (int i = 0; i < 10; ++i) fd.Report(1, now += 5000);  // slow samples, pushed out below
  for (int i = 0; i < 4; ++i) fd.Report(1, now += 100);
  EXPECT_NEAR(fd.Phi(1, now + 100), kLog10E, 1e-9);  // mean 100 only
}

TEST(FailureDetector, GapsOverMaxIntervalAreNotSampled) {
  FailureDetector fd(
      {.phi_threshold = 8.0, .window = 100, .initial_interval_ms = 1000, .max_interval_ms = 10000});
  uint64_t now = 0;
  for (int i = 0; i < 10; ++i) {
    fd.Report(1, now);
    now += 1000;
  }
  now -= 1000;
  // A 60 s partition, then the node comes back.
  now += 60000;
  fd.Report(1, now);
  EXPECT_DOUBLE_EQ(fd.Phi(1, now), 0.0);
  // The mean is still 1 s: the outage did not make the detector lenient.
  EXPECT_NEAR(fd.Phi(1, now + 1000), kLog10E, 1e-9);
  EXPECT_FALSE(fd.IsUp(1, now + 19000));
  // A gap of exactly max_interval is still sampled.
  FailureDetector fd2(
      {.phi_threshold = 8.0, .window = 100, .initial_interval_ms = 1000, .max_interval_ms = 10000});
  fd2.Report(2, 0);
  fd2.Report(2, 10000);
  EXPECT_NEAR(fd2.Phi(2, 20000), kLog10E, 1e-9);
}

TEST(FailureDetector, OnlyGapsOverMaxIntervalMeansInitialInterval) {
  FailureDetector fd(
      {.phi_threshold = 8.0, .window = 100, .initial_interval_ms = 2000, .max_interval_ms = 10000});
  fd.Report(1, 0);
  fd.Report(1, 50000);
  EXPECT_NEAR(fd.Phi(1, 52000), kLog10E, 1e-9);
}

// Two routes deliver one round's heartbeat and the next a few ms apart (a relay, then the node
// itself): the sample says 9 ms, but heartbeats are new once per 200 ms round at most.
TEST(FailureDetector, ABurstOfReportsDoesNotMakeItHairTriggered) {
  const FailureDetectorOptions gossip_200ms{.phi_threshold = 8.0,
                                            .window = 1000,
                                            .initial_interval_ms = 200,
                                            .max_interval_ms = 400,
                                            .min_interval_ms = 200};
  FailureDetector fd(gossip_200ms);
  fd.Report(1, 1000);
  fd.Report(1, 1009);
  EXPECT_TRUE(fd.IsUp(1, 1009 + 200));
  EXPECT_TRUE(fd.IsUp(1, 1009 + 3000));
  // Convicted after threshold / log10(e) rounds of silence: 18.4 x 200 ms.
  EXPECT_TRUE(fd.IsUp(1, 1009 + 3680));
  EXPECT_FALSE(fd.IsUp(1, 1009 + 3690));

  // Without the floor the same two reports convict after 170 ms.
  FailureDetectorOptions no_floor = gossip_200ms;
  no_floor.min_interval_ms = 0;
  FailureDetector hair_trigger(no_floor);
  hair_trigger.Report(1, 1000);
  hair_trigger.Report(1, 1009);
  EXPECT_FALSE(hair_trigger.IsUp(1, 1009 + 170));
}

TEST(FailureDetector, ForgetMakesTheNodeUnknown) {
  FailureDetector fd;
  for (uint64_t t = 0; t <= 5000; t += 1000) fd.Report(1, t);
  fd.Report(2, 5000);
  EXPECT_TRUE(fd.IsUp(1, 5500));
  fd.Forget(1);
  EXPECT_TRUE(std::isinf(fd.Phi(1, 5500)));
  EXPECT_FALSE(fd.IsUp(1, 5500));
  EXPECT_TRUE(fd.IsUp(2, 5500));  // others untouched
  // A new report starts afresh: the initial interval, not the old samples.
  fd.Report(1, 100000);
  EXPECT_DOUBLE_EQ(fd.Phi(1, 100000), 0.0);
  EXPECT_NEAR(fd.Phi(1, 101000), kLog10E, 1e-9);
  fd.Forget(99);  // unknown: no effect
}

TEST(FailureDetector, NodesHaveIndependentViews) {
  FailureDetector fd;
  for (uint64_t t = 0; t <= 10000; t += 1000) {
    fd.Report(1, t);
    if (t <= 2000) fd.Report(2, t);
  }
  EXPECT_TRUE(fd.IsUp(1, 10500));
  EXPECT_FALSE(fd.IsUp(2, 30000));
  EXPECT_GT(fd.Phi(2, 10500), fd.Phi(1, 10500));
}

TEST(FailureDetector, ClockGoingBackwardsIsHarmless) {
  FailureDetector fd;
  fd.Report(1, 5000);
  fd.Report(1, 4000);  // ignored
  EXPECT_DOUBLE_EQ(fd.Phi(1, 4500), 0.0);
  EXPECT_NEAR(fd.Phi(1, 6000), kLog10E, 1e-9);
  // Reports within the same millisecond do not make phi infinite.
  FailureDetector fd2;
  for (int i = 0; i < 10; ++i) fd2.Report(3, 7000);
  EXPECT_FALSE(std::isinf(fd2.Phi(3, 7001)));
}

}  // namespace
}  // namespace memdb::cluster
