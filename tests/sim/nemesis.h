// Nemesis — a random fault schedule generated from the seed (docs/simulator.md, "Faults"):
// network partitions of every shape, loss/duplication/latency changes, crashes, restarts,
// pauses — then, at the end, a heal of everything, except for a few nodes left crashed on
// purpose so that failure detection is checked too.
//
// The schedule is generated up front (GenerateNemesis tracks which nodes are running, crashed
// or paused as it goes), so it can be printed (`--verbose`) and replayed exactly, and applied
// by world events (ScheduleNemesis).
#ifndef MEMDB_TESTS_SIM_NEMESIS_H_
#define MEMDB_TESTS_SIM_NEMESIS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/random.h"
#include "network.h"
#include "sim_cluster.h"

namespace memdb::sim {

enum class FaultKind : uint8_t {
  kPartition,    // symmetric: `a` and `b` cannot talk
  kMinority,     // symmetric: minority `a` cut off from majority `b`
  kOneWay,       // `a` -> `b` lost, `b` -> `a` fine
  kBridge,       // `a` and `b` cannot talk; `node` talks to both
  kHealNetwork,  // every link open again
  kConditions,   // latency / loss / duplication become `conditions`
  kCrash,        // node
  kRestart,      // node
  kPause,        // node
  kResume,       // node
};

struct Fault {
  uint64_t at_ms = 0;
  FaultKind kind = FaultKind::kHealNetwork;
  std::vector<size_t> a, b;  // node indices
  size_t node = 0;
  NetworkConditions conditions;
  std::string Describe() const;
};

struct NemesisOptions {
  uint64_t start_ms = 0;
  uint64_t duration_ms = 60'000;  // faults happen in [start, start + duration); heal at the end
  uint64_t min_gap_ms = 500;      // between two faults
  uint64_t max_gap_ms = 8'000;
  NetworkConditions healed;             // conditions after the heal
  std::vector<size_t> never_kept_down;  // nodes restarted at the heal whatever happens (seeds)
};

struct NemesisPlan {
  std::vector<Fault> faults;  // in time order, the heal included
  uint64_t heal_ms = 0;
  std::vector<size_t> kept_down;  // crashed at the heal and left so
  std::vector<size_t> restarted;  // restarted at least once (during the run or at the heal)
};

NemesisPlan GenerateNemesis(Random& random, size_t nodes, const NemesisOptions& options);

// Applies one fault now (traced).
void ApplyFault(SimCluster& cluster, const Fault& fault);
// Schedules every fault of `plan` as a world event.
void ScheduleNemesis(SimCluster& cluster, const NemesisPlan& plan);

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_NEMESIS_H_
