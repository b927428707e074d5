// Router — the coordinator of key requests (docs/cluster.md, "Routing"): any node accepts any
// key request; the node that owns the key (the first node of its preference list on this
// node's ring) serves it, and any other node forwards it there and relays the answer.
//
//   RouteKey(key)   kLocal:       this node owns the key (or knows no ring yet: a lone node)
//                   kForward:     `owner` at `address` owns it and is up as far as we know
//                   kUnavailable: the owner is down in this node's view: answer UNAVAILABLE
//                                 at once rather than wait for a timeout
//   Forward(...)    sends FORWARD{opcode, body} to the owner through the PeerTransport and
//                   fills the DeferredReply with the owner's answer, re-addressed to the
//                   client's request id and opcode; the answer carries kFlagNotOwner when the
//                   request came from a client (a topology-routing client then refreshes).
//                   A transport failure becomes UNAVAILABLE (not connected: nothing done) or
//                   TIMEOUT (the outcome is unknown: the owner may have applied a write).
//
// A forwarded request is always served by the node it reaches (never forwarded again), so
// two nodes whose rings disagree for a moment cannot bounce a request between them.
// Replication (next issue) slots in here: the preference list gives RF replicas instead of one
// owner, and Forward becomes a fan-out that waits for the consistency level.
//
// Sans-IO: the network is the injected PeerTransport; time is the HybridClock's.
// Threading: the node's event-loop thread; every pointer given must outlive the router.
#ifndef MEMDB_NODE_ROUTER_H_
#define MEMDB_NODE_ROUTER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/gossiper.h"
#include "cluster/hlc.h"
#include "cluster/peer_transport.h"
#include "node/reply_buffer.h"
#include "protocol/frame.h"

namespace memdb {

struct RouterCounters {
  uint64_t forwarded = 0;         // requests sent to their owner
  uint64_t forward_failures = 0;  // of which ended in UNAVAILABLE or TIMEOUT
  uint64_t owner_down = 0;        // answered UNAVAILABLE without trying
};

class Router {
 public:
  Router(const cluster::Gossiper* gossiper, cluster::PeerTransport* transport, HybridClock* clock);

  struct Route {
    enum class Kind { kLocal, kForward, kUnavailable };
    Kind kind = Kind::kLocal;
    NodeId owner = 0;
    std::string address;
  };
  Route RouteKey(std::string_view key) const;
  // False while this node is the only one in its ring (or the ring is empty): every key is
  // local, so callers may skip parsing the key and looking it up.
  bool MayForward() const;

  // `request` is a key request (GET, SET, DEL, CONTAINS) for a key RouteKey sent elsewhere.
  void Forward(const Route& route, const protocol::Frame& request, bool from_client,
               DeferredReply reply);
  // Appends the UNAVAILABLE answer for a kUnavailable route.
  void AppendOwnerDown(const Route& route, const protocol::Frame& request, std::string* out);

  const RouterCounters& counters() const { return counters_; }

 private:
  const cluster::Gossiper* gossiper_;
  cluster::PeerTransport* transport_;
  HybridClock* clock_;
  RouterCounters counters_;
};

// FORWARD's request body: the inner opcode, then the inner request's body.
void AppendForwardBody(uint8_t opcode, std::string_view body, std::string* out);
// Splits a FORWARD body. kBadRequest when empty or the inner opcode is not a key request.
Status ParseForwardBody(std::string_view body, uint8_t* opcode, std::string_view* inner_body);

}  // namespace memdb

#endif  // MEMDB_NODE_ROUTER_H_
