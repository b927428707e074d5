// SessionClock — the highest HLC timestamp a client has seen, shared by all its threads.
//
// Every request carries Now(); every response's timestamp goes through Observe(). Lock-free;
// the value only ever grows.
#ifndef MEMDB_CLIENTS_CPP_SESSION_CLOCK_H_
#define MEMDB_CLIENTS_CPP_SESSION_CLOCK_H_

#include <atomic>

#include "memdb/version.h"

namespace memdb::client_internal {

class SessionClock {
 public:
  explicit SessionClock(Timestamp initial = 0) : max_seen_(initial) {}

  Timestamp Now() const { return max_seen_.load(std::memory_order_acquire); }

  // Raises the clock to `ts` if that is higher.
  void Observe(Timestamp ts) {
    Timestamp current = max_seen_.load(std::memory_order_relaxed);
    while (ts > current && !max_seen_.compare_exchange_weak(current, ts, std::memory_order_acq_rel,
                                                            std::memory_order_relaxed)) {
    }
  }

 private:
  std::atomic<Timestamp> max_seen_;
};

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_SESSION_CLOCK_H_
