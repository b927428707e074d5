// AntiEntropy — replicas compare per-range hash trees and repair what differs (docs/cluster.md,
// "Anti-entropy"): periodically (replication.anti_entropy_interval_ms) and on demand (REPAIR,
// `memdb-cli repair`). For every range this node holds a copy of and every other replica of
// it: fetch the peer's hash tree of the range (MERKLE_TREE), compare it with this node's, fetch
// the entries of the leaves that differ (RANGE_ENTRIES), apply the newer ones here and send the
// ones newer here to the peer (REPLICA_WRITE). Tombstones travel like values.
//
// The horizon rule (docs/cluster.md, "Tombstones"): an entry stamped before now - tombstone
// grace that the other side lacks entirely may be a delete whose tombstone that side already
// purged, so it is never copied there (neither pulled nor pushed; counted as
// anti_entropy_keys_not_copied). The holder keeps it: absence is not proof of a delete (a
// replica that joined empty lacks old entries too), and dropping on that evidence could lose
// the last copy of a live value.
//
// Pacing: one (range, peer) pair at a time, one request in flight per pair except the pushes
// (at most kMaxPushesInFlight REPLICA_WRITEs). Ranges: the ring ranges whose preference list
// (replication factor) holds this node, merged per peer into maximal contiguous spans (a
// cluster of rf nodes or fewer compares the whole ring once per peer). Building a tree or
// serving a page scans the store once (O(keys)).
//
// Also the server side of MERKLE_TREE and RANGE_ENTRIES, and the full range sync catch-up
// falls back to (SyncRange: every entry of the range, newer ones applied — no horizon: the
// caller is the replica that was away).
//
// Sans-IO: network through the PeerTransport, time passed in.
// Threading: the node's event-loop thread.
#ifndef MEMDB_NODE_ANTI_ENTROPY_H_
#define MEMDB_NODE_ANTI_ENTROPY_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cluster/gossiper.h"
#include "cluster/peer_transport.h"
#include "memdb/repair_progress.h"
#include "memdb/status.h"
#include "oplog/catchup_reader.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "replication/merkle_tree.h"
#include "replication/replication_options.h"

namespace memdb {

class Node;

class AntiEntropy {
 public:
  static constexpr uint32_t kMaxPushesInFlight = 16;

  AntiEntropy(Node* node, const cluster::Gossiper* gossiper, cluster::PeerTransport* transport,
              const ReplicationOptions& options);
  ~AntiEntropy();
  AntiEntropy(const AntiEntropy&) = delete;
  AntiEntropy& operator=(const AntiEntropy&) = delete;

  // Starts the periodic run when due (the first one interval after the first Tick); the run
  // itself advances as answers arrive.
  void Tick(uint64_t now_ms);
  // REPAIR (admin): start a run now (unless one runs) / report.
  RepairProgress Repair(RepairAction action, uint64_t now_ms);

  // Makes `range` here equal to (or newer than) `peer`'s copy — catch-up's full range sync.
  // `done` runs once, on the loop: OK with the entries applied, or why it failed.
  using SyncDone = std::function<void(const Status& status, uint64_t entries_applied)>;
  void SyncRange(const std::string& peer_address, oplog::HashRange range, SyncDone done);

  // MERKLE_TREE or RANGE_ENTRIES from a peer: appends the response or returns the error.
  Status HandleRequest(const protocol::Frame& frame, std::string* out);

  void AppendStats(std::vector<protocol::Stat>* out) const;

  // The (range, peer) pairs a run compares, in order (for tests and the docs).
  struct Task {
    NodeId peer = 0;
    oplog::HashRange range;
  };
  std::vector<Task> PlanTasks() const;

 private:
  // Heterogeneous lookup: find a std::string key by string_view.
  struct KeyHasher {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct PeerCopy {
    Version version;
    bool tombstone = false;
  };
  // The (range, peer) comparison in progress.
  struct Pair {
    uint64_t seq = 0;  // answers to an older pair are ignored
    Task task;
    std::string address;
    Timestamp horizon = 0;  // entries stamped before this are past the tombstone grace
    std::optional<MerkleTree> local;
    std::vector<bool> leaf_set;  // the differing leaves
    std::vector<uint32_t> leaves;
    std::unordered_map<std::string, PeerCopy, KeyHasher, std::equal_to<>> peer_copies;
    bool has_cursor = false;
    std::string cursor;
    std::deque<std::string> to_push;
    uint32_t pushes_in_flight = 0;
    Status push_error;
  };
  struct Sync {
    std::string address;
    oplog::HashRange range;
    SyncDone done;
    bool has_cursor = false;
    std::string cursor;
    uint64_t applied = 0;
  };

  uint64_t NowMs() const;
  // Entries stamped before this are past the tombstone grace (now - tombstone_grace_ms).
  Timestamp Horizon();
  // Applies a peer's entry here when it is newer; `*applied` tells whether it was.
  Status ApplyEntry(std::string_view key, const PeerCopy& copy, std::string_view value,
                    bool* applied);

  void StartRun(uint64_t now_ms);
  void NextPair();
  void FailPair(const std::string& error);
  void FinishPair();
  void OnTree(uint64_t seq, const cluster::PeerResponse& response);
  void RequestEntries();
  void OnEntries(uint64_t seq, const cluster::PeerResponse& response);
  void PlanPushes();
  void PumpPushes();
  void OnPushed(uint64_t seq, const cluster::PeerResponse& response);
  // Sends through the transport; `on_answer` runs only while this object is alive.
  void Send(const std::string& address, protocol::Opcode opcode, std::string body,
            std::function<void(const cluster::PeerResponse&)> on_answer);

  void SyncStep(uint64_t id);
  void OnSyncPage(uint64_t id, const cluster::PeerResponse& response);

  Status HandleMerkleTree(const protocol::Frame& frame, std::string* out);
  Status HandleRangeEntries(const protocol::Frame& frame, std::string* out);

  Node* node_;
  const cluster::Gossiper* gossiper_;
  cluster::PeerTransport* transport_;
  ReplicationOptions options_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  // The current or last run.
  RepairProgress progress_;
  uint64_t run_started_ms_ = 0;
  uint64_t next_run_ms_ = 0;  // 0: not scheduled yet
  uint64_t last_now_ms_ = 0;
  std::vector<Task> tasks_;
  size_t next_task_ = 0;
  std::optional<Pair> pair_;
  uint64_t pair_seq_ = 0;

  std::map<uint64_t, Sync> syncs_;
  uint64_t next_sync_id_ = 1;

  // Totals since start (STATS).
  uint64_t runs_ = 0;
  uint64_t ranges_done_ = 0;
  uint64_t ranges_failed_ = 0;
  uint64_t leaves_different_ = 0;
  uint64_t keys_pulled_ = 0;
  uint64_t keys_pushed_ = 0;
  uint64_t keys_not_copied_ = 0;
  uint64_t bytes_transferred_ = 0;
  uint64_t trees_served_ = 0;
  uint64_t entries_served_ = 0;
  uint64_t syncs_completed_ = 0;
  uint64_t syncs_failed_ = 0;
  uint64_t sync_keys_applied_ = 0;
};

}  // namespace memdb

#endif  // MEMDB_NODE_ANTI_ENTROPY_H_
