// World — the simulator's event loop: one simulated clock, one queue of events, one master
// PRNG. Everything a simulated cluster does happens inside an event run by World::Step, one at
// a time, in (time, sequence number) order, so a run is a pure function of its seed
// (docs/simulator.md).
//
// Owners. Every event belongs to an owner: kWorldOwner (faults, checkers) or one simulated
// node (its timers, the messages delivered to it, the answers to its requests). An owner can
//   - be paused (like SIGSTOP): its events that come due are set aside, not run, and run in
//     their original order at the moment it resumes — its clock keeps running meanwhile;
//   - have its pending events discarded (DiscardOwner: the node crashed or restarted): every
//     event it owned before that call is dropped when it comes due, never run.
//
// Randomness. The master SeededRandom is seeded with the run's seed; DeriveSeed() draws seeds
// for the other streams (network, nemesis, one per node) so each component has its own stream
// and the order in which components draw does not couple them.
//
// Nothing here reads a wall clock or uses threads. Not thread-safe.
#ifndef MEMDB_TESTS_SIM_WORLD_H_
#define MEMDB_TESTS_SIM_WORLD_H_

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "trace.h"

namespace memdb::sim {

using OwnerId = uint32_t;
inline constexpr OwnerId kWorldOwner = 0;

class World {
 public:
  explicit World(uint64_t seed);

  uint64_t seed() const { return seed_; }
  uint64_t now_ms() const { return now_ms_; }
  Random& random() { return master_; }
  // A seed for a new independent stream, drawn from the master stream.
  uint64_t DeriveSeed() { return master_.Next64(); }
  Trace& trace() { return trace_; }
  // Appends a line to the trace at the current time.
  void Log(std::string_view line) { trace_.Add(now_ms_, line); }

  // ---- owners ----
  // A new owner (a node); `name` appears in trace lines about its events.
  OwnerId AddOwner(std::string name);
  const std::string& OwnerName(OwnerId owner) const { return owners_[owner].name; }
  // Events of `owner` scheduled before this call will never run (traced as discarded).
  void DiscardOwner(OwnerId owner);
  void Pause(OwnerId owner);
  // Runs, at the current time and in their original order, the events set aside meanwhile.
  void Resume(OwnerId owner);
  bool paused(OwnerId owner) const { return owners_[owner].paused; }
  // `hook` runs right after every event of `owner` (nullptr: none) — how a node emulates its
  // runtime's "after the handlers ran" step (NodeProcess: schedule an oplog flush).
  void SetAfterEvent(OwnerId owner, std::function<void()> hook) {
    owners_[owner].after_event = std::move(hook);
  }

  // ---- events ----
  // Runs `fn` at `time_ms` (>= now) on behalf of `owner`. `kind` is a static label for trace
  // lines about the event itself (discarded, deferred). Returns the event's sequence number.
  uint64_t At(uint64_t time_ms, OwnerId owner, const char* kind, std::function<void()> fn);
  uint64_t After(uint64_t delay_ms, OwnerId owner, const char* kind, std::function<void()> fn) {
    return At(now_ms_ + delay_ms, owner, kind, std::move(fn));
  }

  // Runs the next event (advancing the clock to its time). False when the queue is empty.
  bool Step();
  // Runs every event due at or before `time_ms`, then sets the clock to `time_ms`.
  void RunUntil(uint64_t time_ms);
  // Runs until `done()` holds, checking it now and then every `check_every_ms` of simulated
  // time (never between two events of the same instant), or until `deadline_ms`. True (and the
  // time it first held in *held_at_ms) when it held; false at the deadline.
  bool RunUntilTrue(uint64_t deadline_ms, uint64_t check_every_ms,
                    const std::function<bool()>& done, uint64_t* held_at_ms = nullptr);

  size_t pending_events() const { return queue_.size(); }
  uint64_t events_run() const { return events_run_; }

 private:
  struct Event {
    uint64_t time_ms;
    uint64_t seq;
    OwnerId owner;
    uint64_t epoch;  // the owner's epoch when scheduled
    const char* kind;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.seq > b.seq;
    }
  };
  struct Owner {
    std::string name;
    uint64_t epoch = 0;
    bool paused = false;
    std::vector<Event> deferred;  // in the order they came due
    std::function<void()> after_event;
  };

  uint64_t seed_;
  SeededRandom master_;
  Trace trace_;
  uint64_t now_ms_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t events_run_ = 0;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::vector<Owner> owners_;
};

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_WORLD_H_
