// Whole gossip runs: determinism (the same seed gives the same trace hash, in-process) and a
// few seeds of the gossip scenario under gtest (the 500 CI seeds run as ctest sim.gossip.*).
#include <gtest/gtest.h>

#include "scenarios.h"

namespace memdb::sim {
namespace {

TEST(SimGossip, SameSeedSameTraceHash) {
  for (uint64_t seed : {11u, 12u}) {
    ScenarioOptions o;
    o.seed = seed;
    RunResult a = RunGossipScenario(o);
    RunResult b = RunGossipScenario(o);
    EXPECT_TRUE(a.ok) << "seed " << seed << ": " << a.failure;
    EXPECT_EQ(a.trace_hash, b.trace_hash) << "seed " << seed;
    EXPECT_EQ(a.trace_lines, b.trace_lines) << "seed " << seed;
    EXPECT_GT(a.trace_lines, 1000u);
    o.seed = seed + 1000;
    EXPECT_NE(RunGossipScenario(o).trace_hash, a.trace_hash) << "seed " << seed;
  }
}

TEST(SimGossip, ScaleScenarioReportsAJoin) {
  ScenarioOptions o;
  o.seed = 5;
  std::string failure;
  std::vector<ScaleRow> rows = RunScaleScenario(o, {8}, &failure);
  ASSERT_TRUE(failure.empty()) << failure;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_GT(rows[0].join_known_rounds, 0);
  EXPECT_GE(rows[0].join_normal_rounds, rows[0].join_known_rounds);
  EXPECT_GT(rows[0].steady_bytes_per_node_s, 0);
}

}  // namespace
}  // namespace memdb::sim
