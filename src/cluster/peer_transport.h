// PeerTransport — how core code sends a request to another node and hears the answer: the
// only way cluster logic touches the network (DESIGN.md: transport is injected). The runtime
// implements it over authenticated peer connections (src/net/peer_pool.h); the simulator over
// its simulated network (tests/sim).
//
// Contract:
//   - Send delivers one request frame (`opcode`, `body`, stamped with `timestamp`, the
//     sender's hybrid clock) to the node at `address` ("host:port").
//   - `done` is called exactly once, on the node's event-loop thread, never from inside Send:
//     with the response (status kOk and its body, or the wire error the peer answered with and
//     its message), or with a local error: kConnectionFailed (could not connect, connection
//     lost, peer refused our cluster key), kTimeout (no answer within the transport's
//     timeout, or the request's own `timeout_ms`), kShuttingDown.
//   - `timestamp` of the response is the peer's clock (0 on local errors): the caller observes
//     it (Lamport's receive rule).
//   - A request may reach the peer and still be reported as failed (a timeout, a lost
//     connection): callers must treat such outcomes as unknown, not as "not done".
#ifndef MEMDB_CLUSTER_PEER_TRANSPORT_H_
#define MEMDB_CLUSTER_PEER_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb::cluster {

struct PeerResponse {
  Status status;            // kOk: `body` is the response body
  Timestamp timestamp = 0;  // the peer's clock; 0 on local errors
  std::string_view body;    // valid only during the callback
};

// What a transport has done so far, for STATS (`peer_*`, docs/cluster.md): a coordinator's
// replica failures say that requests failed, these say why (no connection, a lost one, ...).
struct PeerTransportCounters {
  uint64_t requests = 0;
  uint64_t connects = 0;            // connections (with handshake) established
  uint64_t connect_failures = 0;    // attempts that failed before the handshake completed
  uint64_t auth_refusals = 0;       // of which the peer refused our cluster key
  uint64_t connections_lost = 0;    // established connections that broke
  uint64_t protocol_errors = 0;     // connections closed for a bad response
  uint64_t timeouts = 0;            // requests not answered in time
  uint64_t backoff_rejections = 0;  // requests failed at once: the peer is in a reconnect backoff
};

class PeerTransport {
 public:
  using Done = std::function<void(const PeerResponse&)>;
  virtual ~PeerTransport() = default;
  // `timeout_ms`: how long to wait for the answer; 0 = the transport's default.
  virtual void Send(const std::string& address, uint8_t opcode, Timestamp timestamp,
                    std::string body, uint32_t timeout_ms, Done done) = 0;
  // Zeros for a transport that does not count.
  virtual PeerTransportCounters counters() const { return {}; }
};

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_PEER_TRANSPORT_H_
