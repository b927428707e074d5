// Catchup — a restarted node fetches the writes it missed from its replica peers' operation
// logs (docs/cluster.md, "Catch-up on restart"): for every range it holds a copy of, one live
// replica peer sends the records after (the last timestamp this node applied - margin) through
// CATCHUP_READ (protocol/catchup_messages.h), in pages; when that peer's log no longer reaches
// back that far (or it keeps no log), the range is synced in full (anti_entropy.h). Until a
// range has caught up, this node's answers for its keys are flagged catching-up (never the
// only answer a ONE read uses). Progress is gossiped (cluster nodes) and counted in STATS.
//
// The client side, step by step:
//   Start   since = last_applied - (margin_ms << 16) (hybrid timestamps), floor 0. The ranges
//           this node replicates: for each distinct ring token t with previous token p, the
//           range (p, t] when Preference(t, rf) contains this node. A range with no other
//           replica (rf 1, a lone node) is caught up at once.
//   Tick    (and Start) for each pending range, the first other replica in preference order
//           that gossip says is up — avoiding one that failed in the last kPeerFailureMemoryMs
//           while another is up; none up: the range waits. Ranges are grouped per peer, one
//           request (<= kMaxCatchupRanges ranges) per peer at a time.
//   Pages   records are applied with Node::ApplyPut/ApplyDelete (last-write-wins: only those
//           newer here change anything — records_applied counts them, records_received all);
//           outcome "more" sends the next page at once with the returned cursor; "complete"
//           marks the request's ranges done.
//   Fallback  "too old", or NOT_IMPLEMENTED (a peer without a log): AntiEntropy::SyncRange for
//           each of the request's ranges, from the same peer. A failed sync, a failed request
//           (connection, timeout, bad response, an error answer) or a record that cannot be
//           applied puts the ranges back to pending: the next Tick picks a replica again.
//   Ring changes while catching up: recomputed at the next Tick, conservatively — a new range
//           counts as done only when it lies inside what has completed; anything else not in
//           flight is pending again (a range this node newly became a replica of is fetched
//           with the same `since`: streaming a whole new range is anti-entropy's job).
//   Done    every range this node replicates is done: the phase becomes done, IsCaughtUp is
//           true everywhere from then on, and later ring changes are not caught up again.
//
// Server side: CATCHUP_READ from a peer, answered from this node's log (oplog::ReadSince over
// the writer's current segments). Files are read on the event-loop thread, so one request is
// bounded twice: by max_batch_bytes of records and by kMaxScannedPerRequest records looked at
// (a page may come back with no records and a cursor). A background reader thread would take
// this off the loop; not done yet.
//
// Sans-IO: network through the PeerTransport, files through the FileSystem, time passed in
// (callbacks that complete without a `now` read the node's injected monotonic clock).
// Threading: the node's event-loop thread.
#ifndef MEMDB_NODE_CATCHUP_H_
#define MEMDB_NODE_CATCHUP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/gossiper.h"
#include "cluster/peer_transport.h"
#include "common/file_system.h"
#include "memdb/catchup_progress.h"
#include "memdb/status.h"
#include "oplog/catchup_reader.h"
#include "protocol/catchup_messages.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "replication/replication_options.h"

namespace memdb {

class Node;
class AntiEntropy;

// Counters for STATS (and for the runtime to log progress from).
struct CatchupCounters {
  uint64_t ranges_total = 0;
  uint64_t ranges_done = 0;
  uint64_t records_received = 0;
  uint64_t records_applied = 0;  // newer here than what this node had: what it missed
  uint64_t full_syncs = 0;       // SyncRange calls (kTooOld / no log at the peer)
  uint64_t full_sync_failures = 0;
  uint64_t requests = 0;          // CATCHUP_READ pages requested
  uint64_t request_failures = 0;  // a peer failed or answered an error: retried elsewhere
  uint64_t elapsed_ms = 0;        // of the current or last catch-up
  // server side
  uint64_t served_requests = 0;
  uint64_t served_records = 0;
  uint64_t served_cursor_restarts = 0;  // a compaction moved the log under a paged read
};

class Catchup {
 public:
  // A peer that failed is avoided this long while another replica is up.
  static constexpr uint64_t kPeerFailureMemoryMs = 10'000;
  // Server side: records looked at per CATCHUP_READ, matching or not (bounds loop time).
  static constexpr uint64_t kMaxScannedPerRequest = 256 * 1024;

  // Every pointer must outlive this; `anti_entropy` does the full range syncs.
  Catchup(Node* node, cluster::Gossiper* gossiper, cluster::PeerTransport* transport,
          FileSystem* fs, AntiEntropy* anti_entropy, const ReplicationOptions& options);
  ~Catchup();
  Catchup(const Catchup&) = delete;
  Catchup& operator=(const Catchup&) = delete;

  // At a restart: catch up everything written after `last_applied` (the recovered log's
  // highest timestamp). Not called at a first start. Once.
  void Start(Timestamp last_applied, uint64_t now_ms);
  // Drives the catch-up (each gossip interval): follows ring changes, waits for peers, sends
  // the next requests, publishes progress through gossip.
  void Tick(uint64_t now_ms);
  // False while the range holding `key_hash` has not caught up here. O(1) when no catch-up
  // runs, else a binary search over the ring's ranges: it runs on every replica read.
  bool IsCaughtUp(uint64_t key_hash) const;
  bool active() const { return phase_ == CatchupPhase::kRunning; }

  // CATCHUP_READ from a peer: appends the response to `out`, or returns the error.
  Status HandleRead(const protocol::Frame& frame, std::string* out);

  CatchupProgress progress() const;
  const CatchupCounters& counters() const { return counters_; }
  Timestamp since() const { return since_; }
  void AppendStats(std::vector<protocol::Stat>* out) const;

 private:
  enum class RangeState : uint8_t {
    kNotMine,   // this node is not a replica of it
    kPending,   // to fetch
    kFetching,  // a request or a full sync for it is out
    kDone,
  };
  struct Range {
    uint64_t begin = 0;  // (begin, end]; begin == end: the whole ring
    uint64_t end = 0;
    RangeState state = RangeState::kNotMine;
    std::vector<NodeId> others;  // the other replicas, preference order
  };
  // A paged read from one peer, for some ranges.
  struct Request {
    NodeId peer = 0;
    std::string address;
    std::vector<oplog::HashRange> ranges;
    protocol::CatchupCursorWire cursor;
  };
  struct FullSync {
    NodeId peer = 0;
    oplog::HashRange range;
  };

  // Rebuilds ranges_ from the gossiper's ring (see the header comment, "Ring changes").
  void Recompute();
  // Sends requests for the pending ranges to up peers.
  void Assign(uint64_t now_ms);
  void SendPage(uint64_t request_id);
  void OnPage(uint64_t request_id, const cluster::PeerResponse& response);
  // The request's ranges fall back to a full sync from its peer.
  void StartFullSyncs(const Request& request);
  void OnFullSync(uint64_t sync_id, const Status& status, uint64_t entries_applied);
  // A request failed: its ranges go back to pending, its peer is avoided for a while.
  void FailRequest(uint64_t request_id, bool blame_peer);
  // `arcs` have caught up.
  void Complete(const std::vector<oplog::HashRange>& arcs);
  // Sets every range's state from what is done and what is out, recounts, and finishes when
  // nothing is left.
  void RefreshStates();
  void PublishProgress();
  uint64_t NowMs() const;

  Node* node_;
  cluster::Gossiper* gossiper_;
  cluster::PeerTransport* transport_;
  FileSystem* fs_;
  AntiEntropy* anti_entropy_;
  ReplicationOptions options_;
  // Callbacks hold a weak reference: a late answer after destruction is dropped.
  std::shared_ptr<Catchup*> alive_;

  CatchupPhase phase_ = CatchupPhase::kNone;
  Timestamp since_ = 0;
  uint64_t started_ms_ = 0;
  uint64_t last_now_ms_ = 0;
  uint64_t ring_version_ = 0;
  std::vector<Range> ranges_;                // sorted by end; covers the whole ring
  std::vector<oplog::HashRange> done_arcs_;  // what has completed, whatever the ring
  oplog::HashRangeSet done_set_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Request> requests_;  // by id
  std::map<uint64_t, FullSync> syncs_;    // full syncs out, by id
  std::map<NodeId, uint64_t> peer_failed_at_ms_;
  CatchupCounters counters_;
};

}  // namespace memdb

#endif  // MEMDB_NODE_CATCHUP_H_
