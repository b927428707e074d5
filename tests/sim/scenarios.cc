#include "scenarios.h"

#include <cmath>
#include <cstdio>
#include <functional>

#include "invariants.h"
#include "nemesis.h"

namespace memdb::sim {

namespace {

uint64_t CeilLog2(uint64_t n) {
  uint64_t r = 0;
  while ((uint64_t{1} << r) < n) ++r;
  return r;
}

// The run's plain-text progress, for --verbose.
class Reporter {
 public:
  Reporter(const ScenarioOptions& o, World* world) : o_(o), world_(world) {}
  void operator()(const std::string& line) const {
    if (o_.verbose && o_.out != nullptr) {
      *o_.out << "[" << world_->now_ms() << " ms] " << line << "\n";
    }
  }

 private:
  const ScenarioOptions& o_;
  World* world_;
};

// Waits until `check` holds or `deadline`; on failure fills result with `what` and the reason.
bool Await(SimCluster& cluster, RunResult* result, const std::string& what, uint64_t deadline,
           const std::function<bool(std::string*)>& check, uint64_t* held_at = nullptr) {
  std::string why;
  bool ok = cluster.world().RunUntilTrue(
      deadline, 100, [&] { return check(&why); }, held_at);
  if (!ok) {
    result->ok = false;
    result->failure = what + " did not hold by t=" + std::to_string(deadline) + " ms: " + why;
  }
  return ok;
}

bool NoViolations(SimCluster& cluster, RunResult* result) {
  if (cluster.violations().empty()) return true;
  result->ok = false;
  result->failure = "invariant (3) identity: " + cluster.violations().front();
  return false;
}

}  // namespace

Bounds ComputeBounds(size_t nodes, const GossipConfig& gossip,
                     const cluster::FailureDetectorOptions& detector) {
  Bounds b;
  b.convergence_rounds = 4 * CeilLog2(nodes < 2 ? 2 : nodes) + 10;
  b.convergence_ms = b.convergence_rounds * gossip.interval_ms;
  // phi(t) = t / mean * log10(e) reaches the threshold at t = threshold / log10(e) * mean, and
  // the detector never lets the sampled mean exceed max_interval_ms.
  const double conviction = gossip.phi_threshold / std::log10(std::exp(1.0)) *
                            static_cast<double>(detector.max_interval_ms);
  b.detection_ms = b.convergence_ms + static_cast<uint64_t>(std::ceil(conviction));
  return b;
}

// ---------------------------------------------------------------------------------------------
// gossip

RunResult RunGossipScenario(const ScenarioOptions& options) {
  RunResult result;
  // Scenario parameters come from their own stream, so the cluster's streams do not depend on
  // how many draws the scenario makes.
  SeededRandom plan_random(options.seed ^ 0x9e3779b97f4a7c15ULL);
  ClusterOptions co;
  co.nodes = options.nodes != 0 ? options.nodes : 3 + static_cast<uint32_t>(plan_random.Uniform(7));
  co.seeds = 1 + static_cast<uint32_t>(plan_random.Uniform(std::min<uint32_t>(3, co.nodes)));
  co.gossip.tokens_per_node = options.tokens;
  co.network.latency = LatencyModel::Uniform(1, 10);
  result.nodes = co.nodes;

  SimCluster cluster(options.seed, co);
  World& world = cluster.world();
  if (options.trace && options.out != nullptr) world.trace().set_sink(options.out);
  Reporter report(options, &world);
  const Bounds bounds = ComputeBounds(co.nodes, co.gossip, cluster::FailureDetectorOptions());
  const uint64_t interval = co.gossip.interval_ms;
  report("gossip: " + std::to_string(co.nodes) + " nodes, " + std::to_string(co.seeds) +
         " seed(s); convergence bound " + std::to_string(bounds.convergence_rounds) +
         " rounds, detection bound " + std::to_string(bounds.detection_ms) + " ms");

  auto finish = [&]() {
    result.trace_hash = world.trace().hash();
    result.trace_lines = world.trace().lines();
    result.sim_ms = world.now_ms();
    return result;
  };

  // ---- boot: seeds first at t=0, the others within 3 s ----
  uint64_t last_start = 0;
  for (size_t i = 0; i < cluster.size(); ++i) {
    uint64_t at = i < co.seeds ? 0 : plan_random.Uniform(3000);
    last_start = std::max(last_start, at);
    world.At(at, kWorldOwner, "boot", [&cluster, i] { (void)cluster.Start(i); });
  }
  world.RunUntil(last_start);
  auto converged = [&](std::string* why) {
    return MembershipConverged(cluster, true, why) && LiveNodesSeeEachOtherUp(cluster, why);
  };
  if (!NoViolations(cluster, &result) || !Await(cluster, &result, "(1) convergence after boot",
                                                last_start + bounds.convergence_ms, converged)) {
    return finish();
  }
  report("booted and converged");

  // ---- faults ----
  NemesisOptions no;
  no.start_ms = world.now_ms();
  no.duration_ms = 20'000 + plan_random.Uniform(100'001);
  no.healed = co.network;
  for (uint32_t i = 0; i < co.seeds; ++i) no.never_kept_down.push_back(i);
  const NemesisPlan plan = GenerateNemesis(plan_random, cluster.size(), no);
  if (options.verbose && options.out != nullptr) {
    for (const Fault& f : plan.faults) {
      *options.out << "  plan t=" << f.at_ms << " " << f.Describe() << "\n";
    }
  }
  ScheduleNemesis(cluster, plan);
  world.RunUntil(plan.heal_ms);
  report("healed");
  if (!NoViolations(cluster, &result)) return finish();

  // ---- after the heal: (1), (3), then (2) ----
  const uint64_t heal = plan.heal_ms;
  uint64_t held_at = 0;
  if (!Await(cluster, &result, "(1) convergence after heal", heal + bounds.convergence_ms,
             converged, &held_at)) {
    return finish();
  }
  result.heal_rounds = static_cast<double>(held_at - heal) / static_cast<double>(interval);
  report("converged after " + std::to_string(result.heal_rounds) + " rounds");
  for (size_t i : plan.restarted) {
    if (!Await(cluster, &result, "(3) " + cluster.node(i).name() + " rejoined after heal",
               heal + bounds.convergence_ms,
               [&](std::string* why) { return AllSeeRejoined(cluster, i, why); })) {
      return finish();
    }
  }
  for (size_t i : plan.kept_down) {
    if (!Await(cluster, &result, "(2) crashed " + cluster.node(i).name() + " seen down",
               heal + bounds.detection_ms,
               [&](std::string* why) { return AllSeeDown(cluster, i, why); })) {
      return finish();
    }
  }
  report("kept-down nodes seen down");

  // ---- a crash in a quiet cluster, then its restart ----
  std::vector<size_t> live = cluster.LiveNodes();
  if (live.size() >= 3) {
    // Let the cluster settle a few rounds first.
    world.RunUntil(world.now_ms() + 5 * interval);
    const size_t victim = live[plan_random.Uniform(live.size())];
    const uint64_t crash_at = world.now_ms();
    cluster.Crash(victim);
    uint64_t seen_at = 0;
    if (!Await(
            cluster, &result, "(2) quiet crash of " + cluster.node(victim).name() + " seen down",
            crash_at + bounds.detection_ms,
            [&](std::string* why) { return AllSeeDown(cluster, victim, why); }, &seen_at)) {
      return finish();
    }
    result.detect_ms = static_cast<double>(seen_at - crash_at);
    report("quiet crash of " + cluster.node(victim).name() + " seen down after " +
           std::to_string(seen_at - crash_at) + " ms");
    world.RunUntil(world.now_ms() + 2 * interval);
    const uint64_t restart_at = world.now_ms();
    if (!cluster.Start(victim).ok() || !NoViolations(cluster, &result)) {
      NoViolations(cluster, &result);
      return finish();
    }
    if (!Await(cluster, &result, "(3) " + cluster.node(victim).name() + " rejoined",
               restart_at + bounds.convergence_ms, [&](std::string* why) {
                 return AllSeeRejoined(cluster, victim, why) && converged(why);
               })) {
      return finish();
    }
    report(cluster.node(victim).name() + " rejoined");
  }
  NoViolations(cluster, &result);
  return finish();
}

// ---------------------------------------------------------------------------------------------
// scale

namespace {

uint64_t TotalBytesSent(SimCluster& cluster) {
  uint64_t total = 0;
  for (size_t i : cluster.LiveNodes()) total += cluster.gossip(i)->driver().counters().bytes_sent;
  return total;
}

}  // namespace

std::vector<ScaleRow> RunScaleScenario(const ScenarioOptions& options,
                                       const std::vector<uint32_t>& sizes, std::string* failure) {
  std::vector<ScaleRow> rows;
  for (uint32_t n : sizes) {
    ScaleRow row;
    row.nodes = n;
    ClusterOptions co;
    co.nodes = n;
    co.seeds = std::min<uint32_t>(3, n);
    co.gossip.tokens_per_node = options.tokens;
    co.network.latency = LatencyModel::Uniform(1, 5);
    SimCluster cluster(options.seed, co);
    World& world = cluster.world();
    if (options.trace && options.out != nullptr) world.trace().set_sink(options.out);
    const uint64_t interval = co.gossip.interval_ms;
    SeededRandom plan_random(options.seed ^ 0x51ed270b);
    uint64_t last_start = 0;
    for (size_t i = 0; i < cluster.size(); ++i) {
      uint64_t at = i < co.seeds ? 0 : plan_random.Uniform(interval);
      last_start = std::max(last_start, at);
      world.At(at, kWorldOwner, "boot", [&cluster, i] { (void)cluster.Start(i); });
    }
    world.RunUntil(last_start);
    RunResult r;
    uint64_t held_at = 0;
    auto converged = [&](std::string* why) {
      return MembershipConverged(cluster, true, why) && LiveNodesSeeEachOtherUp(cluster, why);
    };
    if (!Await(cluster, &r, "scale boot convergence", last_start + 200 * interval, converged,
               &held_at)) {
      *failure = std::to_string(n) + " nodes: " + r.failure;
      return rows;
    }
    row.boot_rounds = static_cast<double>(held_at - last_start) / static_cast<double>(interval);
    // Idle traffic over 20 rounds.
    world.RunUntil(world.now_ms() + 10 * interval);
    uint64_t t0 = world.now_ms(), b0 = TotalBytesSent(cluster);
    world.RunUntil(t0 + 20 * interval);
    row.steady_bytes_per_node_s = static_cast<double>(TotalBytesSent(cluster) - b0) / n /
                                  (static_cast<double>(world.now_ms() - t0) / 1000.0);
    // The join.
    const size_t joiner = cluster.AddNode();
    const uint64_t join_at = world.now_ms();
    b0 = TotalBytesSent(cluster);
    if (!cluster.Start(joiner).ok()) {
      *failure =
          std::to_string(n) + " nodes: the joiner did not start: " + cluster.violations().front();
      return rows;
    }
    const IdentityRecord id = cluster.identity(joiner);
    uint64_t known_at = 0, normal_at = 0;
    const size_t all = n + 1;
    if (!Await(
            cluster, &r, "scale join known", join_at + 200 * interval,
            [&](std::string* why) {
              *why = "not everyone knows the joiner";
              return NodesKnowing(cluster, id.id, id.tokens, false) == all;
            },
            &known_at) ||
        !Await(
            cluster, &r, "scale join normal", join_at + 200 * interval,
            [&](std::string* why) {
              *why = "not everyone sees the joiner normal";
              return NodesKnowing(cluster, id.id, id.tokens, true) == all &&
                     MembershipConverged(cluster, true, why);
            },
            &normal_at)) {
      *failure = std::to_string(n) + " nodes: " + r.failure;
      return rows;
    }
    row.join_known_rounds = static_cast<double>(known_at - join_at) / static_cast<double>(interval);
    row.join_normal_rounds =
        static_cast<double>(normal_at - join_at) / static_cast<double>(interval);
    const uint64_t window = std::max<uint64_t>(normal_at - join_at, interval);
    world.RunUntil(join_at + window);
    row.join_bytes_per_node_s = static_cast<double>(TotalBytesSent(cluster) - b0) / all /
                                (static_cast<double>(window) / 1000.0);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace memdb::sim
