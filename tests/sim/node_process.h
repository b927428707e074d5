// NodeProcess — the node software for the replication workload: a whole memdb::Node as the
// daemon runs it (src/server/main.cc), minus sockets and threads. At every start it does what
// the daemon does at boot, on the SimNode's disk, clocks, random stream and SimTransport:
//
//   Membership::Open (same id and tokens after a restart, generation + 1)
//   Node + Recover(<data_dir>/oplog) + AttachOplog(OplogWriter, fsync `always`)
//   GossipDriver on the node's hybrid clock + AttachCluster
//   AttachReplication(SimTransport, the disk; hints in <data_dir>/hints)
//   StartCatchup(clock after recovery) on every start but the first
//
// and it plays the runtime's part deterministically (docs/simulator.md, "The replication
// scenario"):
//
//   Requests. Every request that reaches the node goes to Node::HandleRequest(frame,
//   ReplyBuffer*, peer) — peer = the sender is a node, not a client endpoint — with a
//   ReplyBuffer of its own (one simulated connection per request). The reply leaves when the
//   buffer is releasable, as Connection::MaybeWrite decides: the log has acknowledged the
//   barrier's LSN and every deferred reply is filled (a filled one is released at the next
//   event of the node, never inside HandleRequest).
//
//   The operation log (net/oplog_runtime.cc). After every event of the node, if the writer
//   wants a flush and no batch is out, a flush event is scheduled now (so everything the
//   event appended shares one batch); it takes the batch; the batch is written and fsynced
//   (SegmentFlusher::Execute on the SimFileSystem) by a later event, after a disk latency
//   drawn from the node's disk stream, which then calls OplogWriter::OnBatchDone and releases
//   the replies the new acknowledged LSN allows. A crash before that event loses the batch
//   (the disk keeps only what was synced); what was acknowledged was synced (fsync always).
//
//   Maintenance. Every maintenance interval the node asks OplogMaintenance for a job (seal or
//   compaction) and runs it to completion inline (the daemon runs it on a thread).
//
//   Timers. Every gossip interval, from a random phase: Node::OnGossipTimer (gossip round,
//   hint flush and delivery, catch-up, anti-entropy).
#ifndef MEMDB_TESTS_SIM_NODE_PROCESS_H_
#define MEMDB_TESTS_SIM_NODE_PROCESS_H_

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cluster/gossip_driver.h"
#include "cluster/membership.h"
#include "gossip_process.h"
#include "memdb/result.h"
#include "node/node.h"
#include "oplog/oplog_writer.h"
#include "oplog/segment_flusher.h"
#include "replication/replication_options.h"
#include "sim_node.h"

namespace memdb::sim {

struct ReplicaConfig {
  GossipConfig gossip;
  ReplicationOptions replication;     // hints.dir is set per node (<data_dir>/hints)
  uint64_t segment_bytes = 16 << 10;  // small, so segments seal and compact during a run
  uint64_t compaction_min_log_bytes = 64 << 10;
  uint64_t disk_min_ms = 1;  // one flush batch: write + fdatasync
  uint64_t disk_max_ms = 4;
  uint64_t maintenance_interval_ms = 2000;
  // A deliberately broken node, for testing the invariants end to end: replicas acknowledge
  // REPLICA_WRITE without applying it (a write acknowledged at
  // QUORUM may then live on the coordinator alone).
  bool lying_replicas = false;
  // Endpoint addresses starting with this are clients (peer = false), the others nodes.
  std::string client_prefix = "client";
};

// What a start recovered, for invariants (catch-up bounds).
struct StartInfo {
  bool first_start = true;
  uint64_t started_at_ms = 0;             // simulated time
  Timestamp recovered_max_timestamp = 0;  // the log's highest timestamp (0: empty log)
  uint64_t recovered_records = 0;
};

class NodeProcess final : public Process {
 public:
  static Result<std::unique_ptr<NodeProcess>> Boot(SimNode& node, const ReplicaConfig& config);
  static SimNode::Boot Booter(ReplicaConfig config);
  ~NodeProcess() override;

  cluster::Membership* membership() override { return membership_.get(); }
  Node& node() { return *node_; }
  const StartInfo& start_info() const { return start_; }
  // A STATS counter of the node; nullopt when the node does not report it.
  std::optional<uint64_t> Stat(std::string_view name) const;
  // Replies held back (log or deferred) and flush batches out: 0 when the node is quiet.
  size_t held_replies() const { return waiting_.size(); }
  bool flush_pending() const { return batch_.has_value() || flush_scheduled_; }

 private:
  struct PendingReply;

  NodeProcess(SimNode* sim, const ReplicaConfig& config);
  void OnRequest(const Network::Request& request, Network::Respond respond);
  // Sends the reply if releasable; true when sent (or nothing will ever be sent).
  bool TryRelease(PendingReply& pending);
  void ReleaseWaiting();
  void AfterEvent();
  void Flush();
  void Synced();
  void Maintain();

  SimNode* sim_;
  ReplicaConfig config_;
  std::string oplog_dir_;
  SeededRandom disk_random_;
  StartInfo start_;
  // Declaration order = reverse destruction order: the driver goes first, then the node
  // (which points at the driver but does not call it when destroyed), then the membership.
  std::unique_ptr<cluster::Membership> membership_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<cluster::GossipDriver> driver_;
  std::unique_ptr<oplog::SegmentFlusher> flusher_;
  std::optional<oplog::FlushBatch> batch_;  // taken, not yet written and synced
  bool flush_scheduled_ = false;
  bool release_scheduled_ = false;
  std::list<std::shared_ptr<PendingReply>> waiting_;
};

}  // namespace memdb::sim

#endif  // MEMDB_TESTS_SIM_NODE_PROCESS_H_
