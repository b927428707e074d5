// HintDelivery — hands hints (hint_store.h) to their target once gossip sees it up: streams
// them as REPLICA_WRITEs, at most HintOptions::max_in_flight outstanding per target, and marks
// each hint delivered once acknowledged (the store drops delivered hints from disk at its next
// Flush). An answer starts the next send at once, so a backlog drains at network speed rather
// than one batch per gossip interval. A failed send (error, timeout, bad answer) stops that
// target until the next Tick, which resends the failed hints first. A hint may reach its target
// more than once (after a timeout, or after a crash before the store recorded the ack): harmless,
// REPLICA_WRITE applies a version at most once.
//
// Progress is counted in the store (hints_delivered, hints_in_flight, hint_delivery_failures).
//
// Sans-IO: the network is the PeerTransport; time is passed in.
// Threading: the node's event-loop thread.
#ifndef MEMDB_REPLICATION_HINT_DELIVERY_H_
#define MEMDB_REPLICATION_HINT_DELIVERY_H_

#include <cstdint>
#include <map>
#include <memory>

#include "cluster/gossiper.h"
#include "cluster/hlc.h"
#include "cluster/peer_transport.h"
#include "replication/hint_store.h"

namespace memdb {

class HintDelivery {
 public:
  // Every pointer must outlive the delivery. Answers arriving after the delivery is destroyed
  // are ignored.
  HintDelivery(HintStore* store, const cluster::Gossiper* gossiper,
               cluster::PeerTransport* transport, HybridClock* clock, const HintOptions& options);

  // Starts or continues delivery to every target that is up (each gossip interval). `now_ms`
  // is the monotonic clock (unused for now: sends use the transport's default timeout).
  void Tick(uint64_t now_ms);

 private:
  // Sends hints of `target` until max_in_flight are outstanding, none is left, or it stopped.
  void Pump(NodeId target);
  void OnAnswer(NodeId target, uint64_t id, const cluster::PeerResponse& response);

  HintStore* store_;
  const cluster::Gossiper* gossiper_;
  cluster::PeerTransport* transport_;
  HybridClock* clock_;
  HintOptions options_;
  std::map<NodeId, bool> stopped_;  // a send to the target failed since the last Tick
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace memdb

#endif  // MEMDB_REPLICATION_HINT_DELIVERY_H_
