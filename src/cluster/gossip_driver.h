// GossipDriver — runs a node's Membership over a PeerTransport: the glue between the gossip
// state machine and the wire, shared by the daemon and the simulator.
//
//   OnTimer()           every gossip interval: Membership::Tick, then a GOSSIP_SYN request to
//                       each peer it picked; the answer (GossipAck) goes to the gossiper and
//                       the resulting GossipAck2, if any, goes back as a GOSSIP_ACK2 request.
//   HandleSyn(body)     a GOSSIP_SYN request from a peer: the GossipAck body to answer with.
//   HandleAck2(body)    a GOSSIP_ACK2 request from a peer.
//
// Bodies that do not decode are kBadRequest (the runtime answers with it and logs the peer);
// failed sends are counted, not retried: the next round gossips again. "Now" for the gossiper
// and its failure detector is read from `monotonic` (the runtime passes a steady clock, the
// simulator its simulated one); request timestamps come from the node's HybridClock, which
// observes every response's timestamp (Lamport's receive rule).
//
// Counters (for STATS and the simulator's bandwidth report) count body bytes sent/received.
// Threading: the node's event-loop thread; every pointer given must outlive this.
#ifndef MEMDB_CLUSTER_GOSSIP_DRIVER_H_
#define MEMDB_CLUSTER_GOSSIP_DRIVER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/hlc.h"
#include "cluster/membership.h"
#include "cluster/peer_transport.h"
#include "common/clock.h"
#include "memdb/result.h"

namespace memdb::cluster {

struct GossipCounters {
  uint64_t rounds = 0;
  uint64_t syns_sent = 0;
  uint64_t exchanges_completed = 0;  // Acks received
  uint64_t send_failures = 0;
  uint64_t bad_messages = 0;     // bodies that did not decode, either direction
  uint64_t foreign_cluster = 0;  // Syns naming another cluster
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

class GossipDriver {
 public:
  GossipDriver(Membership* membership, PeerTransport* transport, HybridClock* clock,
               PhysicalClock* monotonic);

  void OnTimer();
  Result<std::string> HandleSyn(std::string_view body);
  Status HandleAck2(std::string_view body);

  const GossipCounters& counters() const { return counters_; }
  Membership& membership() { return *membership_; }

 private:
  void OnAck(const std::string& address, const PeerResponse& response);

  Membership* membership_;
  PeerTransport* transport_;
  HybridClock* clock_;
  PhysicalClock* monotonic_;
  GossipCounters counters_;
};

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_GOSSIP_DRIVER_H_
