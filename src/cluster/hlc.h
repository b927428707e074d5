// HybridClock — the node's Lamport clock, kept close to physical time.
//
// A timestamp is (milliseconds since the epoch << 16) | logical counter (memdb/version.h).
// Rules, as Lamport's with a physical floor:
//   local event:  t = max(last + 1, physical << 16)
//   receive r:    t = max(last + 1, r + 1, physical << 16)
// so timestamps are strictly increasing on a node, every received timestamp is exceeded by
// everything this node does afterwards, and a physical clock that jumps backwards only stops
// the millisecond part from advancing (the logical counter carries on; if it overflows it
// carries into the millisecond bits, i.e. the clock runs ahead — still monotonic).
//
// A received timestamp more than `max_forward_skew_ms` ahead of the physical clock is refused
// (kClockSkew) and not observed: one bad peer or client must not drag every clock into the
// far future.
//
// Not thread-safe: owned by the node's event-loop thread.
#ifndef MEMDB_CLUSTER_HLC_H_
#define MEMDB_CLUSTER_HLC_H_

#include <cstdint>

#include "common/clock.h"
#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb {

class HybridClock {
 public:
  static constexpr uint64_t kDefaultMaxForwardSkewMs = 60'000;

  // `physical` must outlive the clock.
  explicit HybridClock(PhysicalClock* physical,
                       uint64_t max_forward_skew_ms = kDefaultMaxForwardSkewMs);

  // Ticks for a local event and returns the new timestamp.
  Timestamp Tick();

  // Merges a timestamp received from a peer or client, then ticks. Returns kClockSkew (and
  // leaves the clock unchanged) when `received` is too far ahead of physical time.
  Status Observe(Timestamp received);

  // Moves the clock to at least `ts` without a skew check — for timestamps read back from this
  // node's own durable log at recovery.
  void AdvanceTo(Timestamp ts);

  // The last timestamp issued or observed; does not tick.
  Timestamp Current() const { return last_; }

 private:
  Timestamp PhysicalFloor();

  PhysicalClock* physical_;
  uint64_t max_forward_skew_ms_;
  Timestamp last_ = 0;
};

}  // namespace memdb

#endif  // MEMDB_CLUSTER_HLC_H_
