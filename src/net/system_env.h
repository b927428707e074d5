// The real implementations of the core's world interfaces, for the daemon. Tests and the
// simulator use ManualClock and SeededRandom instead.
#ifndef MEMDB_NET_SYSTEM_ENV_H_
#define MEMDB_NET_SYSTEM_ENV_H_

#include "common/clock.h"
#include "common/random.h"

namespace memdb {

// Wall-clock time (CLOCK_REALTIME).
class SystemClock final : public PhysicalClock {
 public:
  uint64_t NowMillis() override;
};

// Monotonic milliseconds since an arbitrary origin (std::chrono::steady_clock): the one place
// the runtime reads it (timers, backoffs, the sweep, SteadyClock).
uint64_t SteadyNowMillis();

// Monotonic time (CLOCK_MONOTONIC via std::chrono::steady_clock), in milliseconds since an
// arbitrary origin: never jumps, for durations (the gossip driver's failure detector). Not
// wall-clock time, despite the PhysicalClock interface.
class SteadyClock final : public PhysicalClock {
 public:
  uint64_t NowMillis() override;
};

// OpenSSL's CSPRNG: nonces must be unpredictable. Aborts if the CSPRNG fails.
class SecureRandom final : public Random {
 public:
  uint64_t Next64() override;
  void Fill(void* dst, size_t n) override;
};

}  // namespace memdb

#endif  // MEMDB_NET_SYSTEM_ENV_H_
