// Replication invariants — predicates over the clients' History and the replicas' final state
// (docs/simulator.md, "The replication scenario"). Pure functions of their inputs, so a test
// feeds each a doctored history and expects the violation. Each returns true when it holds,
// else false and a one-line reason in *why naming the operations / nodes involved.
#ifndef MEMDB_TESTS_SIM_REPLICATION_INVARIANTS_H_
#define MEMDB_TESTS_SIM_REPLICATION_INVARIANTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "history.h"
#include "memdb/version.h"

namespace memdb::sim {

// (a) A write acknowledged OK at QUORUM or ALL is seen by every OK QUORUM/ALL read of its key
// invoked after the acknowledgement: the read returns a version >= the write's. A read that
// finds nothing is fine after a DEL, and after a SET only if a DEL of the key that could be
// newer (acknowledged with a higher version, or with an unknown outcome) was invoked before
// the read completed. Also: a read returns only values some SET of that key wrote, and the
// version a SET reported goes with its value.
bool QuorumReadsSeeAckedWrites(const History& history, std::string* why);

// (c) Deletes stay deleted: after a DEL acknowledged OK at QUORUM or ALL with tombstone version
// V, no OK QUORUM/ALL read of the key invoked after the acknowledgement returns a value
// older than V.
bool DeletedKeysStayDeleted(const History& history, std::string* why);

// One replica's entry for a key (after the heal, the repair and quiescence).
struct ReplicaEntry {
  std::string node;  // "n3"
  bool present = false;
  Version version;
  bool tombstone = false;
  std::string value;
  std::string Describe() const;
};
struct KeyReplicas {
  std::string key;
  std::vector<ReplicaEntry> replicas;  // the key's preference list, in order
};

// (b) After heal + anti-entropy + quiescence every replica of every key holds the same entry
// (presence, version, tombstone, value).
bool ReplicasIdentical(const std::vector<KeyReplicas>& keys, std::string* why);

// (c') Nothing acknowledged is lost: once converged, each key's entry (on its first replica)
// has a version >= every write of the key acknowledged OK at any level (fsync always: an
// acknowledged copy is durable), so a key whose newest acknowledged operation is a DEL holds
// that tombstone or something newer — it does not come back.
bool NoAcknowledgedWriteLost(const History& history, const std::vector<KeyReplicas>& keys,
                             std::string* why);

// What one restarted incarnation reported about its catch-up.
struct CatchupObservation {
  std::string node;                  // "n2"
  uint64_t restarted_at_ms = 0;      // simulated time of the start
  uint64_t last_applied_ms = 0;      // recovered highest timestamp, as simulated ms (0: empty)
  uint64_t checked_at_ms = 0;        // when the counters were read
  std::vector<std::string> keys;     // keys this node replicates
  std::optional<uint64_t> received;  // STATS catchup_records_received (nullopt: not reported)
  std::optional<uint64_t> applied;   // STATS catchup_records_applied
};

// (d) Catch-up transfers only what was missed. Writes it may have missed = writes of its keys
// that were not acknowledged before (last applied - margin - slack) and were invoked before the
// counters were read (every such write is at most one log record per replica: equal versions
// are not applied twice). applied <= that; received <= (rf - 1) x that (a range whose
// transfer fails restarts from the next replica).
bool CatchupTransfersOnlyMissed(const History& history, const CatchupObservation& observation,
                                uint64_t margin_ms, uint64_t slack_ms, uint32_t rf,
                                std::string* why);

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_REPLICATION_INVARIANTS_H_
