// memdb::RepairProgress — the state of a node's anti-entropy repair, as REPAIR reports it
// (docs/cluster.md, "Anti-entropy"). Shared by the protocol (docs/protocol.md), the node and
// the client library.
#ifndef MEMDB_REPAIR_PROGRESS_H_
#define MEMDB_REPAIR_PROGRESS_H_

#include <cstdint>
#include <string>

namespace memdb {

enum class RepairAction : uint8_t {
  kStart = 1,   // start a repair of every range this node replicates (no-op if one runs)
  kStatus = 2,  // report only
};

struct RepairProgress {
  bool running = false;
  bool started_now = false;   // kStart: this request started the run
  uint64_t run_id = 0;        // increments per run (on-demand or periodic); 0 = never ran
  uint64_t ranges_total = 0;  // (range, peer) pairs of the current or last run
  uint64_t ranges_done = 0;
  uint64_t ranges_failed = 0;     // a peer could not be reached or answered an error
  uint64_t leaves_different = 0;  // hash-tree leaves that differed
  uint64_t keys_pulled = 0;       // entries newer at the peer, applied here
  uint64_t keys_pushed = 0;       // entries newer here, sent to the peer
  uint64_t bytes_transferred = 0;
  uint64_t elapsed_ms = 0;       // of the current or last run
  uint64_t keys_not_copied = 0;  // older than the tombstone grace and absent at the other
                                 // side: a purged delete or never held, so left alone
  std::string last_error;        // empty when none
};

}  // namespace memdb

#endif  // MEMDB_REPAIR_PROGRESS_H_
