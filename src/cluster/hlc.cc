#include "cluster/hlc.h"

#include <algorithm>
#include <string>

namespace memdb {

HybridClock::HybridClock(PhysicalClock* physical, uint64_t max_forward_skew_ms)
    : physical_(physical), max_forward_skew_ms_(max_forward_skew_ms) {}

Timestamp HybridClock::PhysicalFloor() { return physical_->NowMillis() << kHlcLogicalBits; }

Timestamp HybridClock::Tick() {
  last_ = std::max(last_ + 1, PhysicalFloor());
  return last_;
}

Status HybridClock::Observe(Timestamp received) {
  const uint64_t now_ms = physical_->NowMillis();
  const uint64_t received_ms = HlcMillis(received);
  if (received_ms > now_ms && received_ms - now_ms > max_forward_skew_ms_) {
    return Status(Code::kClockSkew, "timestamp is " + std::to_string(received_ms - now_ms) +
                                        " ms ahead of this node's clock (limit " +
                                        std::to_string(max_forward_skew_ms_) + " ms)");
  }
  last_ = std::max({last_ + 1, received + 1, now_ms << kHlcLogicalBits});
  return Status::Ok();
}

void HybridClock::AdvanceTo(Timestamp ts) { last_ = std::max(last_, ts); }

}  // namespace memdb
