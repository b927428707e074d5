// PhysicalClock — the only way core code learns the wall-clock time.
//
// Core logic never calls std::chrono::*::now(); it is handed a PhysicalClock at construction.
// The runtime passes SystemClock (src/net/system_env.h); tests pass ManualClock.
#ifndef MEMDB_COMMON_CLOCK_H_
#define MEMDB_COMMON_CLOCK_H_

#include <cstdint>

namespace memdb {

class PhysicalClock {
 public:
  virtual ~PhysicalClock() = default;
  // Milliseconds since the Unix epoch. May jump backwards (NTP); callers must cope.
  virtual uint64_t NowMillis() = 0;
};

// A clock that moves only when told to. For tests and the simulator.
class ManualClock final : public PhysicalClock {
 public:
  explicit ManualClock(uint64_t now_ms = 0) : now_ms_(now_ms) {}
  uint64_t NowMillis() override { return now_ms_; }
  void Set(uint64_t now_ms) { now_ms_ = now_ms; }
  void Advance(uint64_t delta_ms) { now_ms_ += delta_ms; }

 private:
  uint64_t now_ms_;
};

}  // namespace memdb

#endif  // MEMDB_COMMON_CLOCK_H_
