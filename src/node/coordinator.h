// Coordinator — runs a client's key request against the key's replicas (docs/cluster.md,
// "Replication"). Any node coordinates any key: it takes the first `rf` nodes of the key's
// preference list on its ring (fewer while the ring has fewer nodes), and
//   writes: stamps the write with its hybrid clock, sends it to every replica (REPLICA_WRITE;
//           itself through the Node, durably), answers after W acknowledgements; a replica
//           that is down or does not answer gets a hint (hint_store.h). Fewer than W replicas
//           up: UNAVAILABLE at once, nothing written. W not reached by the deadline: TIMEOUT
//           saying how many acknowledged and that the outcome is unknown.
//   reads:  asks the live replicas (REPLICA_READ), answers once R answered with the highest
//           version; replicas that answered something older are repaired with REPLICA_WRITE —
//           before answering for QUORUM and ALL (so quorum reads are monotonic), in the
//           background for ONE. A replica whose range is still catching up never serves a
//           read at ONE alone.
// A lone node (only itself in its ring) serves everything locally at any level.
//
// The local copy. When this node is one of the replicas it applies / reads its copy directly
// (Node::ApplyPut, Store::Find) and counts it at once; Handle returns the LSN its reply must
// wait for (Node::UnackedLsn), which the Session records as a barrier at the reply's place —
// also when the reply is deferred (ReplyBuffer holds the spliced reply behind it), so a write
// is acknowledged only once the local copy is durable too.
//
// Lifetime. Each request's state is shared by the transport callbacks: it lives until the last
// replica answered or failed, also after the client's reply was sent (late answers still
// count for hints and read repair). The reply is filled once.
//
// Sans-IO: the network is the PeerTransport; time the node's hybrid clock; deadlines are the
// transport's per-request timeouts (the node's monotonic clock only measures what is left of a
// deadline for blocking read repairs).
// Threading: the node's event-loop thread.
#ifndef MEMDB_NODE_COORDINATOR_H_
#define MEMDB_NODE_COORDINATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/gossiper.h"
#include "cluster/peer_transport.h"
#include "node/reply_buffer.h"
#include "oplog/oplog_writer.h"
#include "oplog/record.h"
#include "protocol/frame.h"
#include "protocol/messages.h"
#include "replication/replication_options.h"

namespace memdb {

class Node;
class HintStore;

struct CoordinatorCounters {
  uint64_t reads = 0;
  uint64_t writes = 0;
  uint64_t unavailable = 0;             // answered UNAVAILABLE: too few replicas up
  uint64_t timeouts = 0;                // answered TIMEOUT: level not reached by the deadline
  uint64_t replica_requests = 0;        // REPLICA_WRITE / REPLICA_READ sent
  uint64_t replica_failures = 0;        // of which failed or timed out
  uint64_t replica_writes_skipped = 0;  // replica writes not sent: the replica was seen down
  uint64_t read_repairs = 0;            // REPLICA_WRITEs sent to repair a stale replica
  uint64_t hints_written = 0;           // writes kept for a replica that was down
  uint64_t not_replica = 0;             // requests coordinated for keys this node holds no copy of
};

class Coordinator {
 public:
  // Every pointer must outlive the coordinator; `hints` may be null (no hinted handoff).
  Coordinator(Node* node, const cluster::Gossiper* gossiper, cluster::PeerTransport* transport,
              HintStore* hints, const ReplicationOptions& options);

  // A client key request: GET, SET, DEL, CONTAINS or their _CL forms. Appends the reply to
  // `replies` or defers it (ReplyBuffer::Defer); returns the LSN the reply must wait for, like
  // Node::HandleRequest.
  oplog::Lsn Handle(const protocol::Frame& frame, ReplyBuffer* replies, bool from_peer);

  const CoordinatorCounters& counters() const { return counters_; }
  void AppendStats(std::vector<protocol::Stat>* out) const;

 private:
  struct Request;  // one parsed client request and its replicas
  struct Op;       // what a write and a read share: the reply, deferred or not
  struct WriteOp;
  struct ReadOp;

  oplog::Lsn HandleWrite(Request request, ReplyBuffer* replies);
  oplog::Lsn HandleRead(Request request, ReplyBuffer* replies);
  // Keeps `record` for `target` (hinted handoff) when hints are on.
  void Hint(NodeId target, const oplog::Record& record);
  // Milliseconds left of a deadline of `deadline_ms` that started at `start_ms` (>= 1).
  uint32_t RemainingMs(uint64_t start_ms, uint32_t deadline_ms) const;
  uint64_t NowMs() const;

  Node* node_;
  const cluster::Gossiper* gossiper_;
  cluster::PeerTransport* transport_;
  HintStore* hints_;
  ReplicationOptions options_;
  CoordinatorCounters counters_;
};

}  // namespace memdb

#endif  // MEMDB_NODE_COORDINATOR_H_
