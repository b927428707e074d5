// Scenarios — complete simulated runs: a cluster, a workload, faults and the invariants that
// must hold, as a function of the seed (docs/simulator.md). memdb-sim and the tests call them.
//
//   gossip  N nodes (3..9 from the seed unless given) boot through 1-3 seeds and must converge;
//           a nemesis (nemesis.h) runs 20-120 s of faults and heals; then (1) all live nodes
//           converge on one membership and ring and see each other up, (2) every node left
//           crashed is seen down by all, (3) every restarted node is known by all with its id,
//           tokens and latest generation and seen up; finally one more node is crashed in a
//           quiet cluster (must be seen down in time) and restarted (must rejoin in time).
//   scale   N nodes converge, then one node joins: rounds until all know it, gossip bytes.
//   replication  3..5 nodes run whole memdb Nodes (node_process.h), rf 3; clients
//           (workload.h) read, write and delete 20 keys at QUORUM (some ONE / ALL) through a
//           nemesis of 8-20 s (partitions, loss, reordering, crash with loss of unsynced data
//           + restart, pause); then heal, every node back, catch-up and hints drained, REPAIR
//           on every node, quiescence; then (a) QUORUM reads saw acknowledged writes, (c)
//           deletes stayed deleted and nothing acknowledged was lost, (b) replicas identical,
//           (d) catch-up transferred only what was missed (replication_invariants.h).
//
// Bounds (Bounds below; derivation in docs/simulator.md, "Bounds"):
//   convergence rounds  R(N) = 4 * ceil(log2 N) + 10
//   detection time      R(N) * interval + (phi_threshold / log10(e)) * max_interval_ms
#ifndef MEMDB_TESTS_SIM_SCENARIOS_H_
#define MEMDB_TESTS_SIM_SCENARIOS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim_cluster.h"

namespace memdb::sim {

struct ScenarioOptions {
  uint64_t seed = 1;
  uint32_t nodes = 0;  // 0: chosen from the seed (gossip: 3..9)
  uint32_t tokens = 16;
  uint64_t fault_ms = 0;        // replication: length of the fault phase (0: chosen by the seed)
  bool lying_replicas = false;  // replication: replicas ack writes they drop (tests only)
  bool trace = false;           // print every trace line to `out`
  bool verbose = false;         // print the plan and the phases to `out`
  std::ostream* out = nullptr;
};

struct RunResult {
  bool ok = true;
  std::string failure;  // the violated invariant, when !ok
  uint32_t nodes = 0;   // the node count used (for the replay command)
  uint64_t trace_hash = 0;
  uint64_t trace_lines = 0;
  uint64_t sim_ms = 0;
  // Observed, for reports: rounds from heal to convergence, ms from a quiet crash to detection.
  double heal_rounds = 0;
  double detect_ms = 0;
  // Replication: client operations, of which answered OK / with an unknown outcome; restarted
  // nodes whose catch-up was checked.
  uint64_t ops = 0;
  uint64_t ops_ok = 0;
  uint64_t ops_unknown = 0;
  uint64_t catchups = 0;
};

struct Bounds {
  uint64_t convergence_rounds;
  uint64_t convergence_ms;
  uint64_t detection_ms;  // after the crash (or the heal, for nodes crashed before it)
};
Bounds ComputeBounds(size_t nodes, const GossipConfig& gossip,
                     const cluster::FailureDetectorOptions& detector);

RunResult RunGossipScenario(const ScenarioOptions& options);

// What the seed chooses for a replication run (before anything runs).
struct ReplicationPlan {
  uint32_t nodes = 0;
  uint64_t fault_ms = 0;
  uint64_t plan_seed = 0;      // boot times and the nemesis
  uint64_t workload_seed = 0;  // the clients
};
ReplicationPlan PlanReplicationRun(const ScenarioOptions& options);
RunResult RunReplicationScenario(const ScenarioOptions& options);

struct ScaleRow {
  uint32_t nodes = 0;
  double boot_rounds = 0;              // from the last boot to a converged cluster
  double join_known_rounds = 0;        // from the join to every node knowing the new node's tokens
  double join_normal_rounds = 0;       // ... and seeing it normal (in the ring)
  double steady_bytes_per_node_s = 0;  // gossip body bytes sent / node / s, idle cluster
  double join_bytes_per_node_s = 0;    // same, over the join window
};
// One row per entry of `sizes`, each run with `options.seed`.
std::vector<ScaleRow> RunScaleScenario(const ScenarioOptions& options,
                                       const std::vector<uint32_t>& sizes, std::string* failure);

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_SCENARIOS_H_
