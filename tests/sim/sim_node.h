// SimNode — one simulated machine: an address on the Network, a disk (SimFileSystem) that
// survives crashes minus what was not synced, a wall clock (simulated time plus a small
// per-node offset) and a monotonic clock, and — while it runs — one Process, the node
// software (docs/simulator.md, "Nodes and processes").
//
// Lifecycle and faults:
//   Start(boot)  a new incarnation: fresh Random (from the node's seed stream), HybridClock,
//                SimTransport, request handlers; `boot` builds the Process on them (e.g.
//                GossipProcess: Membership::Open from the disk + GossipDriver + timer).
//   Crash()      the incarnation is destroyed with everything in memory; every pending event of
//                the node (timers, messages in flight to it, answers to its requests) is
//                discarded; the disk loses what was not synced (SimFileSystem::Crash()).
//   Pause()      the node runs nothing (timers, deliveries) until Resume(), which runs what came
//                due meanwhile in order — a SIGSTOP/SIGCONT. Its clocks keep running.
// Start after Crash is a restart. A node is also "down" before its first Start.
//
// For the Process: Handle() registers the handler for an opcode (requests for an opcode with
// no handler are answered kUnknownOpcode); Every()/After() schedule the node's own timers.
// Every incoming request's timestamp is observed by the node's HybridClock first (a timestamp
// too far ahead is answered kClockSkew), and every reply carries the clock after handling.
#ifndef MEMDB_TESTS_SIM_SIM_NODE_H_
#define MEMDB_TESTS_SIM_SIM_NODE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/hlc.h"
#include "cluster/membership.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/sim_file_system.h"
#include "memdb/result.h"
#include "network.h"
#include "sim_transport.h"
#include "world.h"

namespace memdb::sim {

// The wall-clock time the simulation starts at (2023-11-14), so HLC timestamps look real.
inline constexpr uint64_t kSimEpochMs = 1'700'000'000'000;

// What runs on a node between a start and a crash. Destroyed at the crash.
class Process {
 public:
  virtual ~Process() = default;
  // The node's cluster membership, for processes that run one (invariants read it).
  virtual cluster::Membership* membership() { return nullptr; }
};

struct NodeOptions {
  uint64_t request_timeout_ms = 2000;  // SimTransport timeout
  int64_t clock_offset_ms = 0;         // wall clock = kSimEpochMs + sim time + offset
  std::string data_dir = "/data";      // created (durably) on the disk at construction
};

class SimNode {
 public:
  using Boot = std::function<Result<std::unique_ptr<Process>>(SimNode& node)>;
  using RequestFn = std::function<Reply(Timestamp timestamp, std::string_view body)>;

  // `index` is 1-based (n1, n2, ...); `seed` seeds the node's own stream.
  SimNode(World* world, Network* network, uint32_t index, std::string address, uint64_t seed,
          NodeOptions options);
  ~SimNode();
  SimNode(const SimNode&) = delete;
  SimNode& operator=(const SimNode&) = delete;

  // ---- lifecycle ----
  Status Start(const Boot& boot);
  void Crash();
  void Pause();
  void Resume();
  bool running() const { return incarnation_ != nullptr; }
  bool paused() const { return world_->paused(owner_); }
  uint32_t starts() const { return starts_; }

  // ---- identity and resources ----
  uint32_t index() const { return index_; }
  const std::string& name() const { return name_; }  // "n<index>"
  const std::string& address() const { return address_; }
  OwnerId owner() const { return owner_; }
  Network::EndpointId endpoint() const { return endpoint_; }
  const NodeOptions& options() const { return options_; }
  World& world() { return *world_; }
  Network& network() { return *network_; }
  SimFileSystem& disk() { return disk_; }
  PhysicalClock& wall_clock() { return wall_clock_; }
  PhysicalClock& monotonic_clock() { return monotonic_clock_; }

  // ---- for the running Process (only while running) ----
  Random& random() { return incarnation_->random; }
  HybridClock& hlc() { return incarnation_->hlc; }
  SimTransport& transport() { return incarnation_->transport; }
  void Handle(uint8_t opcode, RequestFn fn);
  // Every request goes to `fn` instead (no clock observation, no opcode table): for a process
  // that runs a whole memdb::Node, which does both itself and may answer later.
  void HandleAll(Network::AsyncRequestHandler fn);
  // `fn` runs after every event of this node (until it crashes): the runtime's "after the
  // handlers ran" point, where a node flushes its operation log.
  void AfterEachEvent(std::function<void()> fn);
  // `fn` after `first_delay_ms`, then every `period_ms`, until the node crashes.
  void Every(uint64_t first_delay_ms, uint64_t period_ms, const char* kind,
             std::function<void()> fn);
  void After(uint64_t delay_ms, const char* kind, std::function<void()> fn);
  Process* process() { return incarnation_ ? incarnation_->process.get() : nullptr; }
  template <typename T>
  T* process_as() {
    return dynamic_cast<T*>(process());
  }

 private:
  class WallClock final : public PhysicalClock {
   public:
    WallClock(World* world, int64_t offset) : world_(world), offset_(offset) {}
    uint64_t NowMillis() override {
      return static_cast<uint64_t>(static_cast<int64_t>(kSimEpochMs + world_->now_ms()) + offset_);
    }

   private:
    World* world_;
    int64_t offset_;
  };
  class MonotonicClock final : public PhysicalClock {
   public:
    explicit MonotonicClock(World* world) : world_(world) {}
    uint64_t NowMillis() override { return world_->now_ms(); }

   private:
    World* world_;
  };
  struct Timer {
    uint64_t period_ms;
    const char* kind;
    std::function<void()> fn;
  };
  // Everything that dies with the process. Destroyed in reverse order: process first.
  struct Incarnation {
    Incarnation(SimNode* node, uint64_t seed);
    SeededRandom random;
    HybridClock hlc;
    SimTransport transport;
    std::map<uint8_t, RequestFn> handlers;
    Network::AsyncRequestHandler handle_all;
    std::vector<std::unique_ptr<Timer>> timers;
    std::unique_ptr<Process> process;
  };

  Reply OnRequest(uint8_t opcode, Timestamp timestamp, std::string_view body);
  void OnAsyncRequest(const Network::Request& request, Network::Respond respond);
  void ScheduleTimer(Timer* timer, uint64_t delay_ms);

  World* world_;
  Network* network_;
  uint32_t index_;
  std::string name_;
  std::string address_;
  NodeOptions options_;
  OwnerId owner_;
  Network::EndpointId endpoint_;
  SeededRandom seeds_;  // one seed per incarnation
  SimFileSystem disk_;
  WallClock wall_clock_;
  MonotonicClock monotonic_clock_;
  uint32_t starts_ = 0;
  std::unique_ptr<Incarnation> incarnation_;
};

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_SIM_NODE_H_
