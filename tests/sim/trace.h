// Trace — the simulator's event log: every delivery, drop, timer and fault is one canonical
// text line ("t=<ms> <what>"), folded into a running 64-bit FNV-1a hash. Two runs with the
// same seed must produce the same hash (docs/simulator.md, "Determinism"); a differing hash
// means something outside the seed (a wall clock, a thread, an unordered iteration, an
// uninitialised value) leaked into the run. With a sink set (`--trace`) the lines are also
// printed, so two runs can be diffed line by line.
//
// Threading: the simulator is single-threaded; so is this.
#ifndef MEMDB_TESTS_SIM_TRACE_H_
#define MEMDB_TESTS_SIM_TRACE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace memdb::sim {

// FNV-1a 64 of `data`, continuing from `hash` — also used to fingerprint message bodies.
uint64_t Fnv1a64(std::string_view data, uint64_t hash = 0xcbf29ce484222325ULL);

class Trace {
 public:
  // Appends one line (without the newline) stamped with `now_ms`.
  void Add(uint64_t now_ms, std::string_view line);

  // Where lines are printed as they happen (nullptr: only hashed).
  void set_sink(std::ostream* sink) { sink_ = sink; }
  uint64_t hash() const { return hash_; }
  uint64_t lines() const { return lines_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  uint64_t lines_ = 0;
  std::ostream* sink_ = nullptr;
  std::string buffer_;
};

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_TRACE_H_
