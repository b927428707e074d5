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

// OpenSSL's CSPRNG: nonces must be unpredictable. Aborts if the CSPRNG fails.
class SecureRandom final : public Random {
 public:
  uint64_t Next64() override;
  void Fill(void* dst, size_t n) override;
};

}  // namespace memdb

#endif  // MEMDB_NET_SYSTEM_ENV_H_
