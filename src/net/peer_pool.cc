#include "net/peer_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>
#include <vector>

#include "common/host_port.h"
#include "net/system_env.h"
#include "node/peer_stream.h"

namespace memdb::net {

namespace {

constexpr size_t kReadChunk = 16 * 1024;

void PostDone(asio::io_context& io, cluster::PeerTransport::Done done, Status status,
              Timestamp timestamp = 0, std::string body = {}) {
  asio::post(
      io, [done = std::move(done), status = std::move(status), timestamp, body = std::move(body)] {
        done(cluster::PeerResponse{status, timestamp, body});
      });
}

}  // namespace

// ============================================================================================
// Conn: one outbound connection
// ============================================================================================

class PeerPool::Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(PeerPool* pool, asio::io_context& io, std::string address, Lane lane, HostPort host_port)
      : pool_(pool),
        io_(io),
        address_(std::move(address)),
        lane_(lane),
        host_port_(std::move(host_port)),
        resolver_(io),
        socket_(io),
        connect_timer_(io),
        stream_(pool->options_.cluster_key, pool->options_.client_name, pool->options_.limits),
        in_(kReadChunk) {}

  void Start(Timestamp ts) {
    stream_.Start(ts, &out_);
    auto self = shared_from_this();
    connect_timer_.expires_after(std::chrono::milliseconds(pool_->options_.connect_timeout_ms));
    connect_timer_.async_wait([self](const asio::error_code& ec) {
      if (ec || self->closed_ || self->stream_.ready()) return;
      self->Close(CloseKind::kConnectFailed,
                  "no connection and handshake within " +
                      std::to_string(self->pool_->options_.connect_timeout_ms) + " ms");
    });
    resolver_.async_resolve(
        host_port_.host, std::to_string(host_port_.port),
        [self](const asio::error_code& ec, asio::ip::tcp::resolver::results_type results) {
          if (self->closed_) return;
          if (ec) {
            self->Close(CloseKind::kConnectFailed, "cannot resolve: " + ec.message());
            return;
          }
          asio::async_connect(self->socket_, results,
                              [self](const asio::error_code& ec2, const asio::ip::tcp::endpoint&) {
                                self->OnConnected(ec2);
                              });
        });
  }

  void Send(uint32_t id, uint8_t opcode, Timestamp ts, const std::string& body, uint32_t timeout_ms,
            Done done) {
    auto timer = std::make_unique<asio::steady_timer>(io_);
    timer->expires_after(std::chrono::milliseconds(timeout_ms));
    timer->async_wait([self = shared_from_this(), id, timeout_ms](const asio::error_code& ec) {
      if (!ec) self->OnRequestTimeout(id, timeout_ms);
    });
    pending_.emplace(id, Pending{std::move(done), std::move(timer)});
    stream_.Send(id, opcode, ts, body, &out_);
    MaybeWrite();
  }

  // Fails every pending request (kShuttingDown for kShutdown, else kConnectionFailed) and
  // tells the pool, unless detached.
  void Close(CloseKind kind, const std::string& why) {
    if (closed_) return;
    closed_ = true;
    asio::error_code ignored;
    connect_timer_.cancel();
    resolver_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    const Code code = kind == CloseKind::kShutdown ? Code::kShuttingDown : Code::kConnectionFailed;
    const std::string message = "peer " + address_ + ": " + why;
    stream_.TakePending();
    for (auto& [id, pending] : pending_) {
      pending.timer->cancel();
      PostDone(io_, std::move(pending.done), Status(code, message));
    }
    pending_.clear();
    if (pool_ != nullptr) pool_->OnConnClosed(address_, lane_, this, kind, why);
  }

  void Detach() { pool_ = nullptr; }
  bool handshake_done() const { return stream_.ready(); }

 private:
  struct Pending {
    Done done;
    std::unique_ptr<asio::steady_timer> timer;
  };

  void OnConnected(const asio::error_code& ec) {
    if (closed_) return;
    if (ec) {
      Close(CloseKind::kConnectFailed, "cannot connect: " + ec.message());
      return;
    }
    asio::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    connected_ = true;
    MaybeWrite();
    DoRead();
  }

  void DoRead() {
    if (closed_) return;
    const size_t needed = std::max(stream_.bytes_needed(), in_len_ + kReadChunk / 4);
    if (in_.size() < needed) in_.resize(needed);
    socket_.async_read_some(
        asio::buffer(in_.data() + in_len_, in_.size() - in_len_),
        [self = shared_from_this()](const asio::error_code& ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(const asio::error_code& ec, size_t n) {
    if (closed_) return;
    if (ec) {
      const bool ready = stream_.ready();
      Close(
          ready ? CloseKind::kLost : CloseKind::kConnectFailed,
          ec == asio::error::eof ? "connection closed by the peer" : "read error: " + ec.message());
      return;
    }
    in_len_ += n;
    const bool was_ready = stream_.ready();
    std::vector<PeerStream::Completion> done;
    const size_t consumed = stream_.Consume(std::string_view(in_.data(), in_len_), &out_, &done);
    in_len_ -= consumed;
    if (in_len_ > 0 && consumed > 0) std::memmove(in_.data(), in_.data() + consumed, in_len_);
    if (in_.size() > (size_t{1} << 20) && in_len_ < kReadChunk) {
      in_.resize(kReadChunk);
      in_.shrink_to_fit();
    }
    for (PeerStream::Completion& c : done) {
      auto it = pending_.find(c.request_id);
      if (it == pending_.end()) continue;
      it->second.timer->cancel();
      PostDone(io_, std::move(it->second.done), std::move(c.status), c.timestamp,
               std::move(c.body));
      pending_.erase(it);
    }
    if (stream_.failed()) {
      CloseKind kind = CloseKind::kProtocolError;
      if (stream_.auth_refused()) {
        kind = CloseKind::kAuthRefused;
      } else if (!was_ready) {
        kind = CloseKind::kConnectFailed;
      }
      Close(kind, stream_.error().message());
      return;
    }
    if (!was_ready && stream_.ready()) {
      connect_timer_.cancel();
      if (pool_ != nullptr) pool_->OnConnReady(address_, lane_);
    }
    MaybeWrite();
    DoRead();
  }

  void MaybeWrite() {
    if (closed_ || !connected_ || writing_ || out_.empty()) return;
    writing_ = true;
    out_writing_.swap(out_);
    out_.clear();
    asio::async_write(socket_, asio::buffer(out_writing_),
                      [self = shared_from_this()](const asio::error_code& ec, size_t) {
                        self->writing_ = false;
                        if (self->closed_) return;
                        if (ec) {
                          self->Close(
                              self->stream_.ready() ? CloseKind::kLost : CloseKind::kConnectFailed,
                              "write error: " + ec.message());
                          return;
                        }
                        self->out_writing_.clear();
                        self->MaybeWrite();
                      });
  }

  void OnRequestTimeout(uint32_t id, uint32_t timeout_ms) {
    if (closed_) return;
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    stream_.Forget(id);
    if (pool_ != nullptr) ++pool_->counters_.timeouts;
    PostDone(io_, std::move(it->second.done),
             Status(Code::kTimeout, "peer " + address_ + ": no answer within " +
                                        std::to_string(timeout_ms) + " ms"));
    pending_.erase(it);
  }

  PeerPool* pool_;
  asio::io_context& io_;
  std::string address_;
  Lane lane_;
  HostPort host_port_;
  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer connect_timer_;
  PeerStream stream_;
  std::unordered_map<uint32_t, Pending> pending_;
  std::vector<char> in_;
  size_t in_len_ = 0;
  std::string out_;
  std::string out_writing_;
  bool connected_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

// ============================================================================================
// PeerPool
// ============================================================================================

PeerPool::PeerPool(asio::io_context& io, PeerPoolOptions options)
    : io_(io), options_(std::move(options)) {}

PeerPool::~PeerPool() { Shutdown(); }

void PeerPool::Send(const std::string& address, uint8_t opcode, Timestamp timestamp,
                    std::string body, uint32_t timeout_ms, Done done) {
  if (shut_down_) {
    PostDone(io_, std::move(done), Status(Code::kShuttingDown, "this node is shutting down"));
    return;
  }
  ++counters_.requests;
  const Lane lane = LaneOf(opcode);
  auto& peers = lanes_[static_cast<size_t>(lane)];
  Peer& peer = peers[address];
  if (!peer.conn) {
    const uint64_t now = SteadyNowMillis();
    if (now < peer.backoff_until_ms) {
      ++counters_.backoff_rejections;
      PostDone(io_, std::move(done),
               Status(Code::kConnectionFailed,
                      "peer " + address + " unreachable (" + peer.last_error + "); retrying in " +
                          std::to_string(peer.backoff_until_ms - now) + " ms"));
      return;
    }
    HostPort host_port;
    if (!ParseHostPort(address, &host_port)) {
      peers.erase(address);
      PostDone(io_, std::move(done),
               Status(Code::kConnectionFailed, "\"" + address + "\" is not host:port"));
      return;
    }
    peer.conn = std::make_shared<Conn>(this, io_, address, lane, std::move(host_port));
    peer.conn->Start(timestamp);
  }
  uint32_t id = next_request_id_++;
  if (id == 0) id = next_request_id_++;  // 0 is reserved for connection-level errors
  // Send may not fail the connection synchronously, so `peer` stays valid.
  peer.conn->Send(id, opcode, timestamp, body,
                  timeout_ms != 0 ? timeout_ms : options_.request_timeout_ms, std::move(done));
}

PeerPool::Lane PeerPool::LaneOf(uint8_t opcode) {
  return opcode == static_cast<uint8_t>(protocol::Opcode::kGossipSyn) ||
                 opcode == static_cast<uint8_t>(protocol::Opcode::kGossipAck2)
             ? Lane::kGossip
             : Lane::kData;
}

const char* PeerPool::LaneSuffix(Lane lane) { return lane == Lane::kGossip ? " (gossip)" : ""; }

void PeerPool::OnConnReady(const std::string& address, Lane lane) {
  ++counters_.connects;
  auto& peers = lanes_[static_cast<size_t>(lane)];
  auto it = peers.find(address);
  if (it == peers.end()) return;
  Peer& peer = it->second;
  if (peer.failure_logged) {
    spdlog::info("peer {}{}: connected again", address, LaneSuffix(lane));
  } else {
    spdlog::debug("peer {}{}: connected", address, LaneSuffix(lane));
  }
  peer.backoff_ms = 0;
  peer.backoff_until_ms = 0;
  peer.failure_logged = false;
  peer.last_error.clear();
}

void PeerPool::OnConnClosed(const std::string& address, Lane lane, Conn* conn, CloseKind kind,
                            const std::string& why) {
  auto& peers = lanes_[static_cast<size_t>(lane)];
  auto it = peers.find(address);
  if (it == peers.end() || it->second.conn.get() != conn) return;
  const char* suffix = LaneSuffix(lane);
  Peer& peer = it->second;
  // `conn` stays alive: the handler that closed it holds a reference.
  peer.conn.reset();
  switch (kind) {
    case CloseKind::kLost:
      // An established connection broke: the next Send reconnects at once.
      ++counters_.connections_lost;
      spdlog::info("peer {}{}: connection lost: {}", address, suffix, why);
      return;
    case CloseKind::kProtocolError:
      ++counters_.protocol_errors;
      spdlog::warn("peer {}{}: closing the connection: {}", address, suffix, why);
      break;
    case CloseKind::kAuthRefused:
      ++counters_.connect_failures;
      ++counters_.auth_refusals;
      if (!peer.failure_logged) {
        spdlog::warn("peer {}{}: {}; this node cannot join it", address, suffix, why);
      } else {
        spdlog::debug("peer {}{}: {}", address, suffix, why);
      }
      break;
    case CloseKind::kConnectFailed:
      ++counters_.connect_failures;
      if (!peer.failure_logged) {
        spdlog::info("peer {}{}: {} (retrying with backoff; further failures logged at debug)",
                     address, suffix, why);
      } else {
        spdlog::debug("peer {}{}: {}", address, suffix, why);
      }
      break;
    case CloseKind::kShutdown:
      return;
  }
  peer.failure_logged = true;
  peer.last_error = why;
  peer.backoff_ms = peer.backoff_ms == 0 ? options_.min_backoff_ms
                                         : std::min(peer.backoff_ms * 2, options_.max_backoff_ms);
  peer.backoff_until_ms = SteadyNowMillis() + peer.backoff_ms;
}

void PeerPool::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& lane : lanes_) {
    auto peers = std::move(lane);
    lane.clear();
    for (auto& [address, peer] : peers) {
      if (!peer.conn) continue;
      peer.conn->Detach();
      peer.conn->Close(CloseKind::kShutdown, "this node is shutting down");
    }
  }
}

}  // namespace memdb::net
