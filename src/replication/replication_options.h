// ReplicationOptions — the core's replication settings (config: replication.*, docs/cluster.md).
// main.cc fills them from memdb::Config; tests and the simulator set them directly.
#ifndef MEMDB_REPLICATION_REPLICATION_OPTIONS_H_
#define MEMDB_REPLICATION_REPLICATION_OPTIONS_H_

#include <cstdint>
#include <string>

#include "memdb/consistency.h"

namespace memdb {

struct HintOptions {
  bool enabled = true;
  std::string dir;                       // "" = no durable hints (tests); daemon: <data_dir>/hints
  uint64_t window_ms = 3 * 3600 * 1000;  // stop hinting a replica down longer than this
  uint64_t max_bytes = uint64_t{1} << 30;  // all hints on this node together
  uint32_t max_in_flight = 64;             // handoff: REPLICA_WRITEs outstanding per target
};

struct CatchupOptions {
  // The restarted node asks for records after (last applied timestamp - margin): writes
  // stamped by other coordinators may arrive out of timestamp order, at most this late.
  uint64_t margin_ms = 10'000;
  uint32_t max_batch_bytes = 4u << 20;  // per CATCHUP_READ response
};

struct AntiEntropyOptions {
  uint64_t interval_ms = 3600 * 1000;   // a full repair of this node's ranges this often; 0 = off
  uint32_t max_leaves_log2 = 14;        // hash-tree depth cap per range
  uint32_t max_batch_bytes = 4u << 20;  // per RANGE_ENTRIES response
};

struct ReplicationOptions {
  uint32_t replication_factor = 3;  // copies of every key (fewer while the ring has fewer nodes)
  Consistency read_consistency = Consistency::kQuorum;   // for GET/CONTAINS without a level
  Consistency write_consistency = Consistency::kQuorum;  // for SET/DEL without a level
  uint32_t request_timeout_ms = 2000;                    // deadline of a request without its own
  uint64_t tombstone_grace_ms = 864'000'000;             // tombstones older than this may be purged
  HintOptions hints;
  CatchupOptions catchup;
  AntiEntropyOptions anti_entropy;
};

}  // namespace memdb

#endif  // MEMDB_REPLICATION_REPLICATION_OPTIONS_H_
