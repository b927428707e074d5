// memdb::CatchupProgress — where a restarted node stands in fetching the writes it missed
// (docs/cluster.md, "Catch-up on restart"). Gossiped by that node (cluster/gossip_messages.h),
// reported per node by CLUSTER_INFO (docs/protocol.md) and shown by `memdb-cli cluster nodes`.
// The enum values are the wire byte.
#ifndef MEMDB_CATCHUP_PROGRESS_H_
#define MEMDB_CATCHUP_PROGRESS_H_

#include <cstdint>
#include <string_view>

namespace memdb {

//   none:    no catch-up in this life of the node (a first start, or not reported)
//   running: fetching missed writes; reads of ranges not done yet are flagged catching-up
//   done:    every range this node replicates has caught up
enum class CatchupPhase : uint8_t {
  kNone = 0,
  kRunning = 1,
  kDone = 2,
};
inline constexpr uint8_t kMaxCatchupPhase = 2;

constexpr std::string_view CatchupPhaseName(CatchupPhase phase) {
  switch (phase) {
    case CatchupPhase::kNone:
      return "none";
    case CatchupPhase::kRunning:
      return "running";
    case CatchupPhase::kDone:
      return "done";
  }
  return "unknown";
}

struct CatchupProgress {
  CatchupPhase phase = CatchupPhase::kNone;
  uint32_t ranges_done = 0;      // ring ranges this node replicates that have caught up
  uint32_t ranges_total = 0;     // ring ranges this node replicates; ranges_done <= ranges_total
  uint64_t records_applied = 0;  // missed writes received that were newer here (applied)

  bool running() const { return phase == CatchupPhase::kRunning; }
  // 0-100, rounded down; 100 when there is nothing to do.
  uint32_t percent() const {
    if (ranges_total == 0 || ranges_done >= ranges_total) return 100;
    return static_cast<uint32_t>(uint64_t{ranges_done} * 100 / ranges_total);
  }

  friend bool operator==(const CatchupProgress&, const CatchupProgress&) = default;
};

}  // namespace memdb

#endif  // MEMDB_CATCHUP_PROGRESS_H_
