// PeerPool over real loopback sockets against a fake peer that answers like a memdb node: in
// request order per connection (a reply waits for the replies before it), and never answering a
// REPLICA_WRITE, as a node whose disk is stuck. Gossip must still get through: it has its own
// connection (peer_pool.h, "lanes").
#include "net/peer_pool.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "loopback_listener.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb::net {
namespace {

using namespace std::chrono_literals;
using protocol::Opcode;

class InOrderPeer {
 public:
  InOrderPeer() {
    uint16_t port = 0;
    listen_fd_ = testing::ListenOnLoopback(&port);
    address_ = "127.0.0.1:" + std::to_string(port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~InOrderPeer() { Stop(); }

  // Closes the listener and every connection; joins the threads. Idempotent.
  void Stop() {
    if (stopped_.exchange(true)) return;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& t : servers_) t.join();
  }

  const std::string& address() const { return address_; }
  int connections() const { return connections_.load(); }

 private:
  void Accept() {
    while (true) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      ++connections_;
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(fd);
      servers_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    std::string in;
    char buf[16 << 10];
    bool held = false;  // a REPLICA_WRITE went unanswered: nothing after it is answered
    int step = 0;       // 0: HELLO expected, 1: AUTH expected, 2: requests
    while (true) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
      size_t off = 0;
      std::string out;
      while (true) {
        protocol::DecodeResult r =
            protocol::DecodeFrame(std::string_view(in).substr(off), protocol::Limits{}, false);
        if (r.status != protocol::DecodeStatus::kFrame) break;
        off += r.consumed;
        const protocol::FrameHeader& h = r.frame.header;
        if (step == 0) {
          protocol::Challenge challenge;
          challenge.server_name = "in-order peer";
          challenge.nonce = std::string(32, 'n');
          protocol::AppendChallenge(&out, h.request_id, 1, challenge);
          step = 1;
        } else if (step == 1) {
          protocol::AppendEmptyResponse(&out, Opcode::kAuth, h.request_id, 1);  // any key
          step = 2;
        } else if (!held) {
          if (h.opcode == static_cast<uint8_t>(Opcode::kReplicaWrite)) {
            held = true;
          } else {
            protocol::AppendEmptyResponse(&out, static_cast<Opcode>(h.opcode), h.request_id, 1);
          }
        }
      }
      in.erase(0, off);
      if (!out.empty() && ::send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) break;
    }
    ::close(fd);
  }

  int listen_fd_ = -1;
  std::string address_;
  std::atomic<bool> stopped_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> servers_;
};

// Runs `io` until `done` holds or `limit` passes.
void RunUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(10ms);
  }
}

constexpr uint8_t kReplicaWrite = static_cast<uint8_t>(Opcode::kReplicaWrite);
constexpr uint8_t kGossipSyn = static_cast<uint8_t>(Opcode::kGossipSyn);

TEST(PeerPoolTest, GossipIsAnsweredWhileTheSamePeerHoldsADataReply) {
  InOrderPeer peer;
  asio::io_context io;
  PeerPoolOptions options;
  options.cluster_key = "cluster-key-for-tests";
  PeerPool pool(io, options);

  std::optional<Status> data;
  std::optional<Status> gossip;
  pool.Send(peer.address(), kReplicaWrite, 1, "write", 10000,
            [&](const cluster::PeerResponse& r) { data = r.status; });
  pool.Send(peer.address(), kGossipSyn, 2, "syn", 2000,
            [&](const cluster::PeerResponse& r) { gossip = r.status; });
  RunUntil(
      io, [&] { return gossip.has_value(); }, 5000ms);

  ASSERT_TRUE(gossip.has_value()) << "no gossip answer at all";
  EXPECT_TRUE(gossip->ok()) << "gossip waited behind the held REPLICA_WRITE: "
                            << gossip->ToString();
  EXPECT_FALSE(data.has_value()) << "the fake peer never answers a REPLICA_WRITE";
  EXPECT_EQ(peer.connections(), 2);
  EXPECT_EQ(pool.connection_count(), 2u);
  EXPECT_EQ(pool.counters().connects, 2u);
  EXPECT_EQ(pool.counters().requests, 2u);

  pool.Shutdown();
  RunUntil(
      io, [&] { return data.has_value(); }, 2000ms);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->code(), Code::kShuttingDown);
}

TEST(PeerPoolTest, ALostConnectionFailsWhatWaitsOnItAndIsCounted) {
  InOrderPeer peer;
  asio::io_context io;
  PeerPool pool(io, PeerPoolOptions{});

  std::optional<Status> data;
  pool.Send(peer.address(), kReplicaWrite, 1, "write", 10000,
            [&](const cluster::PeerResponse& r) { data = r.status; });
  RunUntil(
      io, [&] { return pool.counters().connects == 1; }, 5000ms);
  ASSERT_EQ(pool.counters().connects, 1u);

  peer.Stop();  // the peer goes away with the write unanswered
  RunUntil(
      io, [&] { return data.has_value(); }, 5000ms);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->code(), Code::kConnectionFailed) << data->ToString();
  EXPECT_EQ(pool.counters().connections_lost, 1u);
  EXPECT_EQ(pool.counters().timeouts, 0u);
}

}  // namespace
}  // namespace memdb::net
