// memdb-sim — runs the deterministic cluster simulator (docs/simulator.md).
//
//   memdb-sim --scenario gossip --seed 1234            one run
//   memdb-sim --scenario gossip --seeds 5000 --first 1 many runs (a soak)
//   memdb-sim --scenario gossip --seed 1234 --trace    every event of the run
//   memdb-sim --scenario scale --sizes 10,25,50,100   the gossip scale table
//   memdb-sim --scenario replication --seeds 100      replicated reads/writes under faults
//
// A failing run prints its seed and the command that replays it; the exit code is 1 if any run
// failed.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "scenarios.h"

namespace {

std::string ReplayCommand(const std::string& argv0, const std::string& scenario, uint64_t seed,
                          uint32_t nodes, uint32_t tokens, uint64_t fault_ms) {
  std::string s = argv0 + " --scenario " + scenario + " --seed " + std::to_string(seed) +
                  " --nodes " + std::to_string(nodes) + " --tokens " + std::to_string(tokens);
  if (fault_ms != 0) s += " --fault-ms " + std::to_string(fault_ms);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"memdb-sim: the deterministic cluster simulator (docs/simulator.md)"};
  std::string scenario = "gossip";
  uint64_t seed = 0;
  uint64_t seeds = 1;
  uint64_t first = 1;
  uint32_t nodes = 0;
  uint32_t tokens = 16;
  uint64_t fault_ms = 0;
  bool trace = false;
  bool verbose = false;
  bool check_determinism = false;
  std::vector<uint32_t> sizes = {10, 25, 50, 100};
  app.add_option("--scenario", scenario, "gossip | scale | replication")
      ->check(CLI::IsMember({"gossip", "scale", "replication"}));
  auto* seed_opt = app.add_option("--seed", seed, "run this one seed");
  app.add_option("--seeds", seeds, "run this many seeds: --first, --first + 1, ...");
  app.add_option("--first", first, "first seed of --seeds");
  app.add_option("--nodes", nodes, "cluster size (gossip: 0 = chosen by the seed, 3..9)");
  auto* tokens_opt =
      app.add_option("--tokens", tokens, "tokens per node (default: gossip 16, scale 256)");
  app.add_option("--sizes", sizes, "scale: the cluster sizes")->delimiter(',');
  app.add_option("--fault-ms", fault_ms,
                 "replication: length of the fault phase (0 = chosen by the seed, 8-20 s)");
  app.add_flag("--trace", trace, "print every trace line (delivery, drop, timer, fault)");
  app.add_flag("--verbose", verbose, "print the fault plan and the phases of each run");
  app.add_flag("--check-determinism", check_determinism,
               "run every seed twice and compare the trace hashes");
  CLI11_PARSE(app, argc, argv);
  if (*seed_opt) {
    first = seed;
    seeds = 1;
  }
  const std::string argv0 = argv[0];
  if (scenario == "scale" && !*tokens_opt) tokens = 256;  // the daemon's default

  if (scenario == "scale") {
    memdb::sim::ScenarioOptions o;
    o.seed = first;
    o.tokens = tokens;
    o.trace = trace;
    o.verbose = verbose;
    o.out = &std::cout;
    std::string failure;
    std::printf("scale: seed %llu, %u tokens/node, gossip interval 1000 ms\n",
                static_cast<unsigned long long>(first), tokens);
    std::printf("%6s %11s %16s %17s %18s %18s\n", "nodes", "boot-rounds", "join-known-rounds",
                "join-normal-rounds", "idle-B/node/s", "join-B/node/s");
    for (uint32_t n : sizes) {
      auto rows = memdb::sim::RunScaleScenario(o, {n}, &failure);
      if (!failure.empty()) {
        std::printf("FAILED seed %llu: %s\n", static_cast<unsigned long long>(first),
                    failure.c_str());
        return 1;
      }
      const auto& r = rows.front();
      std::printf("%6u %11.1f %16.1f %17.1f %18.0f %18.0f\n", r.nodes, r.boot_rounds,
                  r.join_known_rounds, r.join_normal_rounds, r.steady_bytes_per_node_s,
                  r.join_bytes_per_node_s);
      std::fflush(stdout);
    }
    return 0;
  }

  uint64_t failed = 0;
  double max_heal_rounds = 0, max_detect_ms = 0;
  uint64_t ops = 0, ops_ok = 0, ops_unknown = 0, catchups = 0;
  const bool replication = scenario == "replication";
  auto run = [&](const memdb::sim::ScenarioOptions& o) {
    return replication ? memdb::sim::RunReplicationScenario(o) : memdb::sim::RunGossipScenario(o);
  };
  for (uint64_t s = first; s < first + seeds; ++s) {
    memdb::sim::ScenarioOptions o;
    o.seed = s;
    o.nodes = nodes;
    o.tokens = tokens;
    o.fault_ms = fault_ms;
    o.trace = trace;
    o.verbose = verbose;
    o.out = &std::cout;
    memdb::sim::RunResult r = run(o);
    if (r.ok && check_determinism) {
      o.trace = false;
      o.verbose = false;
      memdb::sim::RunResult again = run(o);
      if (again.trace_hash != r.trace_hash || again.trace_lines != r.trace_lines) {
        r.ok = false;
        r.failure = "not deterministic: trace hash " + std::to_string(r.trace_hash) + " then " +
                    std::to_string(again.trace_hash);
      }
    }
    if (r.heal_rounds > max_heal_rounds) max_heal_rounds = r.heal_rounds;
    if (r.detect_ms > max_detect_ms) max_detect_ms = r.detect_ms;
    ops += r.ops;
    ops_ok += r.ops_ok;
    ops_unknown += r.ops_unknown;
    catchups += r.catchups;
    if (!r.ok) {
      ++failed;
      std::printf("FAILED seed %llu (%u nodes): %s\n  replay: %s\n",
                  static_cast<unsigned long long>(s), r.nodes, r.failure.c_str(),
                  ReplayCommand(argv0, scenario, s, r.nodes, tokens, fault_ms).c_str());
    } else if (seeds == 1 || verbose) {
      std::printf("ok seed %llu (%u nodes): %llu events, %.1f s simulated, trace %016llx\n",
                  static_cast<unsigned long long>(s), r.nodes,
                  static_cast<unsigned long long>(r.trace_lines), r.sim_ms / 1000.0,
                  static_cast<unsigned long long>(r.trace_hash));
      if (replication) {
        std::printf("  %llu client ops: %llu ok, %llu unknown outcome; %llu catch-ups checked\n",
                    static_cast<unsigned long long>(r.ops),
                    static_cast<unsigned long long>(r.ops_ok),
                    static_cast<unsigned long long>(r.ops_unknown),
                    static_cast<unsigned long long>(r.catchups));
      }
    }
    std::fflush(stdout);
  }
  if (replication) {
    std::printf(
        "%llu/%llu seeds passed (first %llu); %llu client ops (%llu ok, %llu unknown outcome), "
        "%llu catch-ups checked\n",
        static_cast<unsigned long long>(seeds - failed), static_cast<unsigned long long>(seeds),
        static_cast<unsigned long long>(first), static_cast<unsigned long long>(ops),
        static_cast<unsigned long long>(ops_ok), static_cast<unsigned long long>(ops_unknown),
        static_cast<unsigned long long>(catchups));
  } else {
    std::printf(
        "%llu/%llu seeds passed (first %llu); worst heal convergence %.1f rounds, worst "
        "quiet-crash detection %.1f s\n",
        static_cast<unsigned long long>(seeds - failed), static_cast<unsigned long long>(seeds),
        static_cast<unsigned long long>(first), max_heal_rounds, max_detect_ms / 1000.0);
  }
  return failed == 0 ? 0 : 1;
}
