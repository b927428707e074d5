// The replication scenario (scenarios.h, docs/simulator.md "The replication scenario").
#include <algorithm>
#include <functional>
#include <memory>

#include "invariants.h"
#include "nemesis.h"
#include "node_process.h"
#include "replication_invariants.h"
#include "scenarios.h"
#include "store/store.h"
#include "workload.h"

namespace memdb::sim {

namespace {

bool AwaitHolds(SimCluster& cluster, RunResult* result, const std::string& what, uint64_t deadline,
                const std::function<bool(std::string*)>& check) {
  std::string why;
  if (cluster.world().RunUntilTrue(deadline, 100, [&] { return check(&why); })) return true;
  result->ok = false;
  result->failure = what + " did not hold by t=" + std::to_string(deadline) + " ms: " + why;
  return false;
}

bool Check(RunResult* result, const std::string& what, bool holds, const std::string& why) {
  if (holds) return true;
  result->ok = false;
  result->failure = what + ": " + why;
  return false;
}

NodeProcess* ProcessOf(SimCluster& cluster, size_t i) {
  return cluster.node(i).process_as<NodeProcess>();
}

// The index of the node with id `id`, or cluster.size().
size_t IndexOf(SimCluster& cluster, NodeId id) {
  for (size_t i = 0; i < cluster.size(); ++i) {
    if (cluster.identity(i).id == id) return i;
  }
  return cluster.size();
}

}  // namespace

ReplicationPlan PlanReplicationRun(const ScenarioOptions& options) {
  SeededRandom r(options.seed ^ 0x7265706c69636121ULL);
  ReplicationPlan p;
  p.nodes = options.nodes != 0 ? options.nodes : 3 + static_cast<uint32_t>(r.Uniform(3));
  p.fault_ms = options.fault_ms != 0 ? options.fault_ms : 10'000 + r.Uniform(30'001);
  p.plan_seed = r.Next64();
  p.workload_seed = r.Next64();
  return p;
}

RunResult RunReplicationScenario(const ScenarioOptions& options) {
  RunResult result;
  const ReplicationPlan plan = PlanReplicationRun(options);
  SeededRandom plan_random(plan.plan_seed);
  result.nodes = plan.nodes;

  ClusterOptions co;
  co.nodes = plan.nodes;
  co.seeds = std::min<uint32_t>(2, co.nodes);
  co.gossip.tokens_per_node = options.tokens;
  co.gossip.interval_ms = 500;
  co.network.latency = LatencyModel::Uniform(1, 10);
  for (uint32_t i = 0; i < co.seeds; ++i) co.gossip.seeds.push_back(NodeAddress(i));
  ReplicaConfig rc;
  rc.gossip = co.gossip;
  rc.replication.replication_factor = 3;
  rc.replication.request_timeout_ms = 1000;
  rc.replication.hints.window_ms = 120'000;
  rc.replication.catchup.margin_ms = 2'000;
  rc.replication.anti_entropy.interval_ms = 10'000;
  rc.lying_replicas = options.lying_replicas;
  co.boot = NodeProcess::Booter(rc);

  SimCluster cluster(options.seed, co);
  World& world = cluster.world();
  if (options.trace && options.out != nullptr) world.trace().set_sink(options.out);
  auto report = [&](const std::string& line) {
    if (options.verbose && options.out != nullptr) {
      *options.out << "[" << world.now_ms() << " ms] " << line << "\n";
    }
  };
  auto finish = [&]() {
    result.trace_hash = world.trace().hash();
    result.trace_lines = world.trace().lines();
    result.sim_ms = world.now_ms();
    return result;
  };
  auto no_violations = [&]() {
    return Check(&result, "node start", cluster.violations().empty(),
                 cluster.violations().empty() ? "" : cluster.violations().front());
  };
  const Bounds bounds = ComputeBounds(co.nodes, co.gossip, cluster::FailureDetectorOptions{});
  const uint32_t rf = rc.replication.replication_factor;
  report("replication: " + std::to_string(co.nodes) + " nodes, rf " + std::to_string(rf) +
         ", faults for " + std::to_string(plan.fault_ms) + " ms");

  // ---- boot ----
  uint64_t last_start = 0;
  for (size_t i = 0; i < cluster.size(); ++i) {
    const uint64_t at = i < co.seeds ? 0 : plan_random.Uniform(1000);
    last_start = std::max(last_start, at);
    world.At(at, kWorldOwner, "boot", [&cluster, i] { (void)cluster.Start(i); });
  }
  world.RunUntil(last_start);
  auto converged = [&](std::string* why) {
    return MembershipConverged(cluster, true, why) && LiveNodesSeeEachOtherUp(cluster, why);
  };
  if (!no_violations() || !AwaitHolds(cluster, &result, "convergence after boot",
                                      last_start + bounds.convergence_ms, converged)) {
    return finish();
  }
  report("booted and converged");

  // ---- workload + faults ----
  WorkloadOptions wo;
  wo.clients = 5;
  Workload workload(&cluster, wo, plan.workload_seed);
  workload.Start(world.now_ms());
  NemesisOptions no;
  no.start_ms = world.now_ms() + 1000;
  no.duration_ms = plan.fault_ms;
  no.min_gap_ms = 500;
  no.max_gap_ms = 4000;
  no.healed = co.network;
  for (size_t i = 0; i < cluster.size(); ++i) no.never_kept_down.push_back(i);  // all back
  const NemesisPlan faults = GenerateNemesis(plan_random, cluster.size(), no);
  if (options.verbose && options.out != nullptr) {
    for (const Fault& f : faults.faults) {
      *options.out << "  plan t=" << f.at_ms << " " << f.Describe() << "\n";
    }
  }
  ScheduleNemesis(cluster, faults);
  world.RunUntil(faults.heal_ms + 3000);  // the clients keep going a little after the heal
  workload.Stop();
  report("healed; clients stop");
  if (!no_violations()) return finish();
  const uint64_t stopped = world.now_ms();
  const uint64_t settle = stopped + workload.options().client_timeout_ms + 1000;
  if (!AwaitHolds(cluster, &result, "clients done", settle, [&](std::string* why) {
        *why = std::to_string(workload.in_flight()) + " requests in flight";
        return workload.in_flight() == 0;
      })) {
    return finish();
  }

  // ---- quiescence: membership, catch-up, hints; then a repair everywhere ----
  if (!AwaitHolds(cluster, &result, "convergence after heal", stopped + bounds.convergence_ms,
                  converged)) {
    return finish();
  }
  const uint64_t quiet_bound = world.now_ms() + 60'000;
  if (!AwaitHolds(cluster, &result, "catch-up finished and hints delivered", quiet_bound,
                  [&](std::string* why) {
                    for (size_t i = 0; i < cluster.size(); ++i) {
                      Node& node = ProcessOf(cluster, i)->node();
                      if (node.catchup() != nullptr && node.catchup()->active()) {
                        *why = cluster.node(i).name() + " is still catching up";
                        return false;
                      }
                      if (node.hint_store() != nullptr && !node.hint_store()->Targets().empty()) {
                        *why = cluster.node(i).name() + " still holds hints";
                        return false;
                      }
                    }
                    return true;
                  })) {
    return finish();
  }
  report("catch-up done, hints delivered; repair");
  std::vector<uint64_t> run_before(cluster.size());
  for (size_t i = 0; i < cluster.size(); ++i) {
    Node& node = ProcessOf(cluster, i)->node();
    const uint64_t now = cluster.node(i).monotonic_clock().NowMillis();
    run_before[i] = node.anti_entropy()->Repair(RepairAction::kStatus, now).run_id;
    node.anti_entropy()->Repair(RepairAction::kStart, now);
  }
  if (!AwaitHolds(
          cluster, &result, "repair finished", world.now_ms() + 60'000, [&](std::string* why) {
            for (size_t i = 0; i < cluster.size(); ++i) {
              const RepairProgress p = ProcessOf(cluster, i)
                                           ->node()
                                           .anti_entropy()
                                           ->Repair(RepairAction::kStatus,
                                                    cluster.node(i).monotonic_clock().NowMillis());
              if (p.running) {
                *why = cluster.node(i).name() + " still repairing (" +
                       std::to_string(p.ranges_done) + "/" + std::to_string(p.ranges_total) +
                       " ranges)";
                return false;
              }
            }
            return true;
          })) {
    return finish();
  }
  // Quiescence: repair pushes answered, nothing held for the log.
  if (!AwaitHolds(cluster, &result, "quiescence after repair", world.now_ms() + 10'000,
                  [&](std::string* why) {
                    for (size_t i = 0; i < cluster.size(); ++i) {
                      NodeProcess* p = ProcessOf(cluster, i);
                      if (p->held_replies() != 0 || p->flush_pending() ||
                          cluster.node(i).transport().pending() != 0) {
                        *why = cluster.node(i).name() + " is still busy";
                        return false;
                      }
                    }
                    return true;
                  })) {
    return finish();
  }
  report("repaired and quiet");

  // ---- the checks ----
  const History& history = workload.history();
  for (const Op& op : history) {
    ++result.ops;
    if (op.outcome == Outcome::kOk) ++result.ops_ok;
    if (op.outcome == Outcome::kUnknown) ++result.ops_unknown;
  }
  std::string why;
  if (!Check(&result, "(a) QUORUM reads see acknowledged writes",
             QuorumReadsSeeAckedWrites(history, &why), why) ||
      !Check(&result, "(c) deleted keys stay deleted", DeletedKeysStayDeleted(history, &why),
             why)) {
    return finish();
  }
  const Ring& ring = cluster.membership(0)->gossiper().ring();
  std::vector<KeyReplicas> keys;
  std::vector<std::vector<std::string>> keys_of(cluster.size());
  for (uint32_t k = 0; k < workload.options().keys; ++k) {
    KeyReplicas kr;
    kr.key = workload.KeyName(k);
    for (NodeId id : ring.PreferenceOfKey(kr.key, rf)) {
      const size_t i = IndexOf(cluster, id);
      ReplicaEntry e;
      e.node = i < cluster.size() ? cluster.node(i).name() : "id" + std::to_string(id);
      if (i < cluster.size()) {
        keys_of[i].push_back(kr.key);
        if (auto found = ProcessOf(cluster, i)->node().store().Find(kr.key)) {
          e.present = true;
          e.version = found->version;
          e.tombstone = found->tombstone;
          e.value.assign(found->value);
        }
      }
      kr.replicas.push_back(std::move(e));
    }
    keys.push_back(std::move(kr));
  }
  if (!Check(&result, "(b) replicas identical after repair", ReplicasIdentical(keys, &why), why) ||
      !Check(&result, "(c) no acknowledged write or delete lost",
             NoAcknowledgedWriteLost(history, keys, &why), why)) {
    return finish();
  }
  for (size_t i = 0; i < cluster.size(); ++i) {
    NodeProcess* p = ProcessOf(cluster, i);
    const StartInfo& start = p->start_info();
    if (start.first_start) continue;
    CatchupObservation o;
    o.node = cluster.node(i).name();
    o.restarted_at_ms = start.started_at_ms;
    const uint64_t physical = start.recovered_max_timestamp >> 16;
    const int64_t offset = cluster.node(i).options().clock_offset_ms;
    const int64_t sim_ms =
        static_cast<int64_t>(physical) - static_cast<int64_t>(kSimEpochMs) - offset;
    o.last_applied_ms = physical == 0 || sim_ms < 0 ? 0 : static_cast<uint64_t>(sim_ms);
    o.checked_at_ms = world.now_ms();
    o.keys = keys_of[i];
    o.received = p->Stat("catchup_records_received");
    o.applied = p->Stat("catchup_records_applied");
    ++result.catchups;
    report(o.node + " catch-up: received " +
           (o.received ? std::to_string(*o.received) : std::string("-")) + ", applied " +
           (o.applied ? std::to_string(*o.applied) : std::string("-")) + " (last applied " +
           std::to_string(o.last_applied_ms) + " ms, restarted " +
           std::to_string(o.restarted_at_ms) + " ms)");
    if (!Check(&result, "(d) catch-up transfers only missed records",
               CatchupTransfersOnlyMissed(history, o, rc.replication.catchup.margin_ms,
                                          2 * co.max_clock_offset_ms + 1000, rf, &why),
               why)) {
      return finish();
    }
  }
  return finish();
}

}  // namespace memdb::sim
