// PeerPool — the daemon's cluster::PeerTransport: outbound node-to-node connections over asio
// on the server's io_context (docs/cluster.md, "Node-to-node transport").
//
// Two connections per peer address — lanes: one for gossip, one for everything else (replica
// writes and reads, hints, catch-up, anti-entropy). Gossip is the failure detector's heartbeat:
// on a shared connection it would queue behind data whose replies wait for the peer's fsync, and
// a healthy but busy peer would be convicted (and skipped by writes) for nothing.
//
// Each connection is opened on demand by the first Send on its lane: resolve, connect and
// authenticate (HELLO, CHALLENGE, AUTH with key id "cluster" and the cluster secret; the
// protocol is PeerStream's, node/peer_stream.h) within `connect_timeout_ms`. Requests are
// pipelined on it with pool-wide request ids; responses are matched by id. Each request has a
// deadline (`request_timeout_ms` from Send) after which it fails with kTimeout (a late answer is
// dropped). When a connection fails (cannot connect, refused handshake, lost, or a response
// that does not decode or breaks the protocol — logged, the connection is closed) every request
// on it fails with kConnectionFailed. The next Send reconnects, except during a backoff after
// a failed attempt (doubling from `min_backoff_ms` to `max_backoff_ms`, reset by a successful
// handshake): Sends in that window fail at once, so a dead peer costs nothing per round.
//
// `done` is always posted to the io_context, never called inside Send (PeerTransport's
// contract). Shutdown() closes everything and fails what is pending with kShuttingDown; later
// Sends fail with kShuttingDown.
//
// Logging: a failed connection attempt is logged at info the first time (then debug until a
// success), a refused cluster key at warn, protocol violations at warn. Never the secret.
// Threading: the io_context's thread (the node's event loop) only.
#ifndef MEMDB_NET_PEER_POOL_H_
#define MEMDB_NET_PEER_POOL_H_

#include <array>
#include <asio.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "cluster/peer_transport.h"
#include "protocol/frame.h"

namespace memdb::net {

struct PeerPoolOptions {
  std::string cluster_key;                 // "" = authenticate with an empty secret
  std::string client_name = "memdb-peer";  // sent in HELLO, for the peer's logs
  uint32_t connect_timeout_ms = 1000;      // config: cluster.peer_connect_timeout_ms
  uint32_t request_timeout_ms = 2000;      // config: cluster.peer_timeout_ms
  uint32_t min_backoff_ms = 100;
  uint32_t max_backoff_ms = 2000;
  protocol::Limits limits;  // responses larger than limits.max_frame_bytes fail the connection
};

class PeerPool final : public cluster::PeerTransport {
 public:
  PeerPool(asio::io_context& io, PeerPoolOptions options);
  ~PeerPool() override;
  PeerPool(const PeerPool&) = delete;
  PeerPool& operator=(const PeerPool&) = delete;

  void Send(const std::string& address, uint8_t opcode, Timestamp timestamp, std::string body,
            uint32_t timeout_ms, Done done) override;
  // Closes every connection; pending requests fail with kShuttingDown. Idempotent.
  void Shutdown();

  size_t connection_count() const { return lanes_[0].size() + lanes_[1].size(); }
  cluster::PeerTransportCounters counters() const override { return counters_; }

 private:
  class Conn;
  enum class Lane : uint8_t { kData = 0, kGossip = 1 };
  static Lane LaneOf(uint8_t opcode);
  static const char* LaneSuffix(Lane lane);  // for the logs: "" or " (gossip)"
  // How a connection ended, for the bookkeeping and the logs.
  enum class CloseKind { kConnectFailed, kAuthRefused, kLost, kProtocolError, kShutdown };
  struct Peer {
    std::shared_ptr<Conn> conn;
    uint64_t backoff_until_ms = 0;
    uint32_t backoff_ms = 0;
    bool failure_logged = false;
    std::string last_error;
  };

  // From a Conn that failed (or closed at shutdown).
  void OnConnClosed(const std::string& address, Lane lane, Conn* conn, CloseKind kind,
                    const std::string& why);
  void OnConnReady(const std::string& address, Lane lane);
  void Post(Done done, Status status);

  asio::io_context& io_;
  PeerPoolOptions options_;
  cluster::PeerTransportCounters counters_;
  std::array<std::unordered_map<std::string, Peer>, 2> lanes_;  // by Lane, then address
  uint32_t next_request_id_ = 1;
  bool shut_down_ = false;
};

}  // namespace memdb::net

#endif  // MEMDB_NET_PEER_POOL_H_
