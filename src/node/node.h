// Node — one memdb node's core: the store, the hybrid clock, the operation log's writer core
// and the request handlers.
//
// Sans-IO: a decoded request frame goes in, the reply frame comes out (appended to a buffer)
// together with its effect on durability: the LSN of the operation log the reply must wait
// for. Time and randomness come from the injected PhysicalClock and Random; the disk only
// through the FileSystem handed to Recover (at boot). The handlers keep "do the operation"
// (Get/Set/Del/Contains) apart from "parse the request and write the reply".
//
// Durability (docs/oplog.md). With an operation log attached (AttachOplog), every write that
// changes the store is appended to the OplogWriter — only those: a write that lost to a newer
// version is not logged. A reply that reports or reads store state is held until the log
// acknowledges everything the store showed when the reply was made (HandleRequest's return
// value; see ReplyBuffer): so a client never sees, even through another key's GET, data that
// a crash could take back. Once the log has failed (its writer is poisoned) writes are
// refused with INTERNAL before they touch the store. Without a log, nothing is held.
//
// Threading: owned by one event-loop thread; no method may be called concurrently.
#ifndef MEMDB_NODE_NODE_H_
#define MEMDB_NODE_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/key_ring.h"
#include "cluster/gossip_driver.h"
#include "cluster/hlc.h"
#include "common/clock.h"
#include "common/file_system.h"
#include "common/random.h"
#include "memdb/result.h"
#include "memdb/version.h"
#include "node/anti_entropy.h"
#include "node/catchup.h"
#include "node/coordinator.h"
#include "node/oplog_maintenance.h"
#include "node/reply_buffer.h"
#include "oplog/oplog_writer.h"
#include "oplog/recovery.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "replication/hint_delivery.h"
#include "replication/hint_store.h"
#include "replication/replication_options.h"
#include "store/store.h"

namespace memdb {

// Counters only the runtime knows (connections); it keeps them up to date on the loop thread
// so STATS can report them.
struct ServerCounters {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;  // over server.max_connections
  uint64_t auth_failures = 0;
  uint64_t peer_auth_failures = 0;  // of which claimed the peer role (key id "cluster")
};

// Counters of the operation log that only the runtime knows (flushes, recovery); it keeps
// them up to date on the loop thread so STATS can report them.
struct OplogCounters {
  uint64_t batches = 0;              // flush batches completed
  uint64_t syncs = 0;                // of which ended with an fdatasync
  uint64_t bytes_written = 0;        // record bytes handed to the kernel
  uint64_t backpressure_pauses = 0;  // times a connection stopped reading: too much unwritten
  uint64_t recovery_ms = 0;          // replay at boot
  uint64_t recovered_records = 0;
};

struct NodeOptions {
  NodeId node_id = 1;
  protocol::Limits limits;
  bool auth_enabled = true;
  std::string server_name = "memdb";
  uint64_t max_clock_skew_ms = HybridClock::kDefaultMaxForwardSkewMs;
};

class Node {
 public:
  // `clock` and `random` must outlive the node.
  Node(NodeOptions options, auth::KeyRing keys, PhysicalClock* clock, Random* random);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // ---- the operation log (boot, on the thread that will run the loop) ----
  // Replays the log in `options.dir` into the (empty) store and advances the clock past every
  // timestamp in it. Errors: kCorruption naming file and offset (strict mode), kIoError.
  Result<oplog::RecoveryReport> Recover(FileSystem* fs, const oplog::RecoveryOptions& options);
  // From now on, writes are logged and replies wait for the log (see above). Once only.
  void AttachOplog(std::unique_ptr<oplog::OplogWriter> writer, MaintenanceOptions maintenance);
  // nullptr without a log.
  oplog::OplogWriter* oplog() { return oplog_.get(); }
  const oplog::OplogWriter* oplog() const { return oplog_.get(); }
  OplogMaintenance* maintenance() { return maintenance_.get(); }
  OplogCounters& oplog_counters() { return oplog_counters_; }

  // ---- the cluster (optional) ----
  // From now on gossip requests go to `driver`, CLUSTER_INFO and STATS report its membership
  // as of `monotonic` (the driver's steady clock). Without a cluster (unit tests) CLUSTER_INFO
  // answers a one-node view and the node-to-node opcodes NOT_IMPLEMENTED. Once; both must
  // outlive the node.
  void AttachCluster(cluster::GossipDriver* driver, PhysicalClock* monotonic);
  cluster::GossipDriver* cluster() const { return cluster_; }
  PhysicalClock* monotonic() const { return monotonic_; }
  // Every gossip interval (the runtime's timer): publishes the key count, runs a round, and
  // drives hint handoff, catch-up and anti-entropy.
  void OnGossipTimer();

  // ---- replication (docs/cluster.md) ----
  // After AttachCluster: client key requests are coordinated across the key's replicas
  // (coordinator.h) through `transport`; replica, catch-up and anti-entropy requests from peers
  // are served. `fs` holds the hints (options.hints.dir) and reads the log for catch-up. Errors:
  // the hints directory cannot be opened. Once; both must outlive the node. Without it every
  // key is served here alone.
  Status AttachReplication(cluster::PeerTransport* transport, FileSystem* fs,
                           const ReplicationOptions& options);
  // At a restart, after AttachReplication: catch up the writes missed since `last_applied`
  // (the recovered log's highest timestamp) from the replica peers.
  void StartCatchup(Timestamp last_applied);
  // False while the range holding `key_hash` is still catching up here (catchup.h).
  bool IsCaughtUp(uint64_t key_hash) const;
  Coordinator* coordinator() { return coordinator_.get(); }
  Catchup* catchup() { return catchup_.get(); }
  AntiEntropy* anti_entropy() { return anti_entropy_.get(); }
  HintStore* hint_store() { return hints_.get(); }

  // ---- operations: act on the store, stamp with the clock, log ----
  // Views in the result are valid until the next mutation of the store.
  protocol::GetResult Get(std::string_view key) const;
  // The version stamped on the write. kInternal once the log has failed; kValueTooLarge for a
  // write too large for a log record (config validation keeps the limits below that).
  Result<Version> Set(std::string_view key, std::string_view value);
  Result<protocol::DelResult> Del(std::string_view key);
  bool Contains(std::string_view key) const;
  // A write stamped elsewhere (replication, later): applied only if `version` is newer than
  // the stored one, and logged only then.
  Result<Store::ApplyResult> ApplyPut(std::string_view key, std::string_view value,
                                      Version version);
  Result<Store::ApplyResult> ApplyDelete(std::string_view key, Version version);
  // Every counter STATS reports: store, clock, requests, the runtime's ServerCounters and,
  // with a log, the log's and its maintenance's.
  std::vector<protocol::Stat> Stats() const;

  // The LSN a reply reflecting the store's current state must wait for: the last appended
  // record, when the log has not acknowledged it yet; 0 when nothing is pending (or no log).
  oplog::Lsn UnackedLsn() const {
    if (!oplog_) return 0;
    const oplog::Lsn appended = oplog_->appended_lsn();
    return appended > oplog_->acked_lsn() ? appended : 0;
  }

  // ---- request handling ----
  // Handles one request frame from an authenticated session (any opcode but HELLO/AUTH, which
  // the Session owns): observes the request timestamp, runs the operation, appends exactly one
  // reply frame (a response or an error response) to `out`. Returns the LSN the reply must
  // wait for (0: none): UnackedLsn() for GET, SET, DEL and CONTAINS answered with success.
  // `peer`: the session authenticated with the cluster key; the node-to-node opcodes
  // (0x50-0x7F) from any other session get PERMISSION_DENIED (unless auth is disabled).
  oplog::Lsn HandleRequest(const protocol::Frame& frame, std::string* out, bool peer = false);
  // The same, coordinating key requests (AttachReplication): GET, SET, DEL, CONTAINS and
  // their _CL forms go to the Coordinator, which may defer the reply in `replies`. Everything
  // else goes to the overload above.
  oplog::Lsn HandleRequest(const protocol::Frame& frame, ReplyBuffer* replies, bool peer);

  // For a request handled outside HandleRequest(frame, out) (the Coordinator): counts it and
  // observes its timestamp; false after appending the CLOCK_SKEW error reply.
  bool BeginRequest(const protocol::Frame& frame, std::string* out) {
    ++requests_;
    return ObserveRequestClock(frame, out);
  }
  void CountRequestError() { ++request_errors_; }

  const NodeOptions& options() const { return options_; }
  const auth::KeyRing& keys() const { return keys_; }
  Random& random() { return *random_; }
  HybridClock& clock() { return clock_; }
  const Store& store() const { return store_; }
  ServerCounters& server_counters() { return server_counters_; }

 private:
  // Lamport's receive rule for a request's timestamp; false (after appending the CLOCK_SKEW
  // error reply) when it is too far ahead to be observed.
  bool ObserveRequestClock(const protocol::Frame& frame, std::string* out);
  // OK when a record for this write can be logged (or there is no log).
  Status CheckLoggable(std::string_view key, std::string_view value) const;
  // Applies to the store and logs what was applied.
  Store::ApplyResult Apply(oplog::RecordType type, std::string_view key, std::string_view value,
                           Version version);

  NodeOptions options_;
  auth::KeyRing keys_;
  Random* random_;
  HybridClock clock_;
  Store store_;
  ServerCounters server_counters_;
  std::unique_ptr<oplog::OplogWriter> oplog_;
  std::unique_ptr<OplogMaintenance> maintenance_;
  cluster::GossipDriver* cluster_ = nullptr;
  PhysicalClock* monotonic_ = nullptr;
  std::unique_ptr<HintStore> hints_;
  std::unique_ptr<HintDelivery> hint_delivery_;
  cluster::PeerTransport* transport_ = nullptr;  // AttachReplication's; its counters in STATS
  std::unique_ptr<Coordinator> coordinator_;
  std::unique_ptr<AntiEntropy> anti_entropy_;
  std::unique_ptr<Catchup> catchup_;
  OplogCounters oplog_counters_;
  uint64_t requests_ = 0;
  uint64_t request_errors_ = 0;
};

}  // namespace memdb

#endif  // MEMDB_NODE_NODE_H_
