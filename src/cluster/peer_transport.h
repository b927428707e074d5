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

class PeerTransport {
 public:
  using Done = std::function<void(const PeerResponse&)>;
  virtual ~PeerTransport() = default;
  // `timeout_ms`: how long to wait for the answer; 0 = the transport's default.
  virtual void Send(const std::string& address, uint8_t opcode, Timestamp timestamp,
                    std::string body, uint32_t timeout_ms, Done done) = 0;
};

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_PEER_TRANSPORT_H_
