// memdb::ClusterClient against in-process fake nodes (127.0.0.1): each answers the handshake,
// CLUSTER_INFO with a view the test sets, and GET/SET/DEL/CONTAINS from its own map, recording
// the keys it was asked for. Plus the routing helpers (BuildRing, ParseHostPort) alone.
#include "memdb/cluster_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "clients/cpp/cluster_routing.h"
#include "cluster/ring.h"
#include "common/random.h"
#include "loopback_listener.h"
#include "protocol/cluster_messages.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb {
namespace {

using namespace std::chrono_literals;
using protocol::Opcode;

// ---- FakeNode ----

class FakeNode {
 public:
  explicit FakeNode(NodeId id) : id_(id) {
    listen_fd_ = testing::ListenOnLoopback(&port_);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~FakeNode() { Stop(); }

  // Stops listening and closes every connection (a crashed node).
  void Stop() {
    if (stopped_.exchange(true)) return;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      threads.swap(threads_);
    }
    for (std::thread& t : threads) t.join();
  }

  NodeId id() const { return id_; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  void set_view(const protocol::ClusterInfo& view) {
    std::lock_guard<std::mutex> lock(mu_);
    view_ = view;
  }
  // Flag every data reply NOT_OWNER while set.
  void set_not_owner(bool on) { not_owner_ = on; }

  // Answer every _CL request with this error while set.
  void set_cl_error(std::optional<Status> error) {
    std::lock_guard<std::mutex> lock(mu_);
    cl_error_ = std::move(error);
  }
  // The (opcode, prefix) of every _CL request received.
  std::vector<std::pair<uint8_t, protocol::RequestOptions>> cl_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return cl_requests_;
  }

  int cluster_info_requests() const { return cluster_info_requests_; }
  std::vector<std::string> keys_seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_seen_;
  }
  std::vector<Timestamp> request_timestamps() {
    std::lock_guard<std::mutex> lock(mu_);
    return request_ts_;
  }

 private:
  void AcceptLoop() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopped_) return;
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.insert(fd);
      threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    std::string in;
    char buf[16 << 10];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
      size_t off = 0;
      for (;;) {
        protocol::DecodeResult r =
            protocol::DecodeFrame(std::string_view(in).substr(off), protocol::Limits(), false);
        if (r.status != protocol::DecodeStatus::kFrame) break;
        off += r.consumed;
        std::string out;
        Handle(r.frame, &out);
        for (std::string_view data = out; !data.empty();) {
          ssize_t w = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
          if (w <= 0) break;
          data.remove_prefix(static_cast<size_t>(w));
        }
      }
      in.erase(0, off);
    }
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(fd);
    ::close(fd);
  }

  void Handle(const protocol::Frame& in, std::string* out) {
    // A _CL request is served as its plain form; the reply goes back under the _CL opcode.
    protocol::Frame frame = in;
    const size_t reply_start = out->size();
    const bool cl = protocol::IsConsistencyOpcode(in.header.opcode);
    if (cl) {
      protocol::RequestOptions options;
      std::string_view rest;
      (void)protocol::ParseConsistencyPrefix(in.body, &options, &rest);
      std::lock_guard<std::mutex> lock(mu_);
      cl_requests_.emplace_back(in.header.opcode, options);
      if (cl_error_) {
        clock_ = std::max(clock_, in.header.timestamp) + 1;
        protocol::AppendErrorResponse(out, in.header.opcode, in.header.request_id, clock_,
                                      cl_error_->code(), cl_error_->message());
        return;
      }
      frame.header.opcode = static_cast<uint8_t>(protocol::PlainKeyOpcode(in.header.opcode));
      frame.body = rest;
    }
    HandlePlain(frame, out);
    if (cl && out->size() > reply_start + 3) {
      (*out)[reply_start + 3] = static_cast<char>(in.header.opcode);
    }
  }

  void HandlePlain(const protocol::Frame& frame, std::string* out) {
    const uint32_t id = frame.header.request_id;
    const auto opcode = static_cast<Opcode>(frame.header.opcode);
    std::lock_guard<std::mutex> lock(mu_);
    request_ts_.push_back(frame.header.timestamp);
    clock_ = std::max(clock_, frame.header.timestamp) + 1;
    const Timestamp ts = clock_;
    switch (opcode) {
      case Opcode::kHello: {
        protocol::Challenge challenge;
        challenge.server_name = "fake-node";
        const std::string nonce(protocol::kNonceSize, 'n');
        challenge.nonce = nonce;
        protocol::AppendChallenge(out, id, ts, challenge);
        return;
      }
      case Opcode::kAuth:
        protocol::AppendEmptyResponse(out, Opcode::kAuth, id, ts);
        return;
      case Opcode::kClusterInfo:
        ++cluster_info_requests_;
        protocol::AppendClusterInfoResponse(out, id, ts, view_);
        return;
      default:
        break;
    }
    std::string_view key;
    protocol::SetRequest set;
    if (opcode == Opcode::kSet) {
      (void)protocol::ParseSetRequest(frame.body, protocol::Limits(), &set);
      key = set.key;
    } else {
      (void)protocol::ParseKeyRequest(frame.body, protocol::Limits(), &key);
    }
    keys_seen_.emplace_back(key);
    const size_t start = out->size();
    auto it = store_.find(std::string(key));
    switch (opcode) {
      case Opcode::kGet: {
        protocol::GetResult got;
        if (it != store_.end()) {
          got.found = true;
          got.value = it->second;
          got.version = Version{ts, id_};
        }
        protocol::AppendGetResponse(out, id, ts, got);
        break;
      }
      case Opcode::kSet:
        store_[std::string(key)] = std::string(set.value);
        protocol::AppendSetResponse(out, id, ts, Version{ts, id_});
        break;
      case Opcode::kDel: {
        protocol::DelResult del;
        del.existed = it != store_.end();
        if (del.existed) store_.erase(it);
        protocol::AppendDelResponse(out, id, ts, del);
        break;
      }
      case Opcode::kContains:
        protocol::AppendContainsResponse(out, id, ts, it != store_.end());
        break;
      default:
        protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, Code::kUnknownOpcode,
                                      "unknown opcode");
        return;
    }
    if (not_owner_) {
      (*out)[start + 4] = static_cast<char>(protocol::kFlagResponse | protocol::kFlagNotOwner);
    }
  }

  const NodeId id_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> not_owner_{false};
  std::atomic<int> cluster_info_requests_{0};

  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::set<int> open_fds_;
  protocol::ClusterInfo view_;
  std::map<std::string, std::string> store_;
  std::vector<std::string> keys_seen_;
  std::optional<Status> cl_error_;
  std::vector<std::pair<uint8_t, protocol::RequestOptions>> cl_requests_;
  std::vector<Timestamp> request_ts_;
  Timestamp clock_ = 1000;
};

// ---- helpers ----

protocol::ClusterNodeInfo NodeEntry(const FakeNode& node, std::vector<uint64_t> tokens,
                                    NodeStatus status = NodeStatus::kNormal) {
  protocol::ClusterNodeInfo entry;
  entry.id = node.id();
  entry.address = node.address();
  entry.status = status;
  entry.up = true;
  entry.generation = 1;
  entry.heartbeat = 10;
  entry.tokens = std::move(tokens);
  return entry;
}

// A view of `nodes` as node `self` sends it, each node with `tokens_per_node` tokens drawn from
// `random`.
protocol::ClusterInfo MakeView(const std::vector<FakeNode*>& nodes, NodeId self, Random& random,
                               size_t tokens_per_node) {
  protocol::ClusterInfo view;
  view.cluster_name = "test";
  view.self_id = self;
  view.ring_version = 1;
  for (FakeNode* node : nodes) {
    view.nodes.push_back(NodeEntry(*node, Ring::ChooseTokens(random, tokens_per_node)));
  }
  return view;
}

ClusterClientOptions OptionsFor(std::vector<std::string> seeds) {
  ClusterClientOptions options;
  options.seeds = std::move(seeds);
  options.client.key_id = "k";
  options.client.secret = "s";
  options.client.connect_timeout = 2000ms;
  options.client.request_timeout = 5000ms;
  return options;
}

ClusterView ToView(const protocol::ClusterInfo& info) {
  ClusterView view;
  view.cluster_name = info.cluster_name;
  view.self_id = info.self_id;
  view.ring_version = info.ring_version;
  for (const auto& n : info.nodes) {
    ClusterNode node;
    node.id = n.id;
    node.address = n.address;
    node.status = n.status;
    node.up = n.up;
    node.tokens = n.tokens;
    view.nodes.push_back(node);
  }
  return view;
}

uint64_t TestSeed() {
  const uint64_t seed = std::random_device()();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

// ---- routing helpers ----

TEST(ClusterRouting, BuildRingRoutesLikeTheNodesRing) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  SeededRandom random(seed);
  ClusterView view;
  Ring expected;
  for (NodeId id = 1; id <= 6; ++id) {
    ClusterNode node;
    node.id = id;
    node.address = "10.0.0." + std::to_string(id) + ":7379";
    node.status = id == 5   ? NodeStatus::kJoining
                  : id == 6 ? NodeStatus::kLeft
                  : id == 4 ? NodeStatus::kLeaving
                            : NodeStatus::kNormal;
    node.tokens = Ring::ChooseTokens(random, 16);
    if (NodeStatusOwnsRanges(node.status)) expected.SetTokens(id, node.tokens);
    view.nodes.push_back(node);
  }
  const Ring ring = client_internal::BuildRing(view);
  EXPECT_EQ(ring.tokens(), expected.tokens());
  EXPECT_EQ(ring.node_count(), 4u);  // joining and left nodes own nothing
  for (int i = 0; i < 2000; ++i) {
    const std::string key = "key:" + std::to_string(random.Next64());
    ASSERT_EQ(ring.OwnerOfKey(key), expected.OwnerOfKey(key)) << key;
    ASSERT_NE(ring.OwnerOfKey(key), std::optional<NodeId>(5));
    ASSERT_NE(ring.OwnerOfKey(key), std::optional<NodeId>(6));
  }
}

TEST(ClusterRouting, ParseHostPort) {
  auto ok = [](std::string_view a, const std::string& host, uint16_t port) {
    Result<client_internal::HostPort> r = client_internal::ParseHostPort(a);
    ASSERT_TRUE(r.ok()) << a << ": " << r.status().ToString();
    EXPECT_EQ(r->host, host);
    EXPECT_EQ(r->port, port);
  };
  ok("127.0.0.1:7379", "127.0.0.1", 7379);
  ok("db.example:1", "db.example", 1);
  ok("[::1]:65535", "::1", 65535);
  for (std::string_view bad : {"", "host", "host:", ":7379", "host:0", "host:65536", "host:12x",
                               "::1:7379", "[]:1", "host:-1"}) {
    Result<client_internal::HostPort> r = client_internal::ParseHostPort(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
    }
  }
}

// ---- ClusterClient ----

TEST(ClusterClient, SendsEachKeyToItsOwner) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  SeededRandom random(seed);
  FakeNode a(1), b(2), c(3);
  const protocol::ClusterInfo view = MakeView({&a, &b, &c}, 1, random, 8);
  a.set_view(view);
  b.set_view(view);
  c.set_view(view);
  ClusterClient client(OptionsFor({a.address()}));
  ASSERT_TRUE(client.Connect().ok());
  EXPECT_EQ(client.topology().nodes.size(), 3u);
  EXPECT_EQ(client.topology().cluster_name, "test");

  const Ring ring = client_internal::BuildRing(ToView(view));
  std::map<NodeId, std::set<std::string>> expected;
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k" + std::to_string(i);
    expected[*ring.OwnerOfKey(key)].insert(key);
    EXPECT_EQ(client.RouteOf(key), ring.OwnerOfKey(key));
    ASSERT_TRUE(client.Set(key, "v" + std::to_string(i)).ok());
    Result<std::optional<VersionedValue>> got = client.Get(key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->value, "v" + std::to_string(i));
    EXPECT_EQ((*got)->version.node_id, *ring.OwnerOfKey(key));
  }
  for (FakeNode* node : {&a, &b, &c}) {
    const std::vector<std::string> seen = node->keys_seen();
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected[node->id()])
        << "node " << node->id();
    EXPECT_FALSE(expected[node->id()].empty());  // 8 tokens each: all get some of 300 keys
  }
  EXPECT_EQ(client.topology_refreshes(), 1u);  // no refresh without a reason
}

TEST(ClusterClient, ConcurrentCallersWhileRefreshing) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  SeededRandom random(seed);
  FakeNode a(1), b(2), c(3);
  const protocol::ClusterInfo view = MakeView({&a, &b, &c}, 1, random, 4);
  a.set_view(view);
  b.set_view(view);
  c.set_view(view);
  b.set_not_owner(true);  // every reply from b asks for a refresh: refreshes race with requests
  ClusterClient client(OptionsFor({a.address()}));
  ASSERT_TRUE(client.Connect().ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&client, &failures, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!client.Set(key, key).ok()) ++failures;
        Result<std::optional<VersionedValue>> got = client.Get(key);
        if (!got.ok() || !got->has_value() || (*got)->value != key) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(client.topology_refreshes(), 1u);
  const Ring ring = client_internal::BuildRing(ToView(view));
  for (FakeNode* node : {&a, &b, &c}) {
    for (const std::string& key : node->keys_seen()) {
      ASSERT_EQ(ring.OwnerOfKey(key), std::optional<NodeId>(node->id())) << key;
    }
  }
}

TEST(ClusterClient, SharesOneSessionClockAcrossNodes) {
  SeededRandom random(1);
  FakeNode a(1), b(2);
  const protocol::ClusterInfo view = MakeView({&a, &b}, 1, random, 4);
  a.set_view(view);
  b.set_view(view);
  ClusterClient client(OptionsFor({a.address()}));
  ASSERT_TRUE(client.Connect().ok());
  // Pump a's clock far ahead, then write to a key b owns: b's request must carry it.
  const Ring ring = client_internal::BuildRing(ToView(view));
  std::string key_a, key_b;
  for (int i = 0; key_a.empty() || key_b.empty(); ++i) {
    const std::string key = "k" + std::to_string(i);
    (*ring.OwnerOfKey(key) == 1 ? key_a : key_b) = key;
  }
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client.Set(key_a, "x").ok());
  const Timestamp a_clock = a.request_timestamps().back();
  ASSERT_TRUE(client.Set(key_b, "y").ok());
  EXPECT_GT(b.request_timestamps().back(), a_clock);
}

TEST(ClusterClient, NotOwnerReplyTriggersARefresh) {
  FakeNode a(1), b(2);
  // First view: a owns everything. The real view: b owns everything.
  protocol::ClusterInfo old_view;
  old_view.cluster_name = "test";
  old_view.self_id = 1;
  old_view.nodes = {NodeEntry(a, {100}), NodeEntry(b, {}, NodeStatus::kJoining)};
  a.set_view(old_view);
  ClusterClient client(OptionsFor({a.address()}));
  ASSERT_TRUE(client.Connect().ok());
  EXPECT_EQ(client.RouteOf("key"), std::optional<NodeId>(1));
  EXPECT_EQ(client.topology_refreshes(), 1u);

  protocol::ClusterInfo new_view = old_view;
  new_view.ring_version = 2;
  new_view.nodes = {NodeEntry(a, {}, NodeStatus::kLeft), NodeEntry(b, {100})};
  a.set_view(new_view);
  b.set_view(new_view);
  a.set_not_owner(true);  // a forwarded: its reply is valid but says "you asked the wrong node"

  ASSERT_TRUE(client.Set("key", "v").ok());
  EXPECT_EQ(a.keys_seen().size(), 1u);
  EXPECT_EQ(client.topology_refreshes(), 1u);  // the refresh waits for the next request

  ASSERT_TRUE(client.Set("key", "w").ok());
  EXPECT_EQ(client.topology_refreshes(), 2u);
  EXPECT_EQ(client.topology().ring_version, 2u);
  EXPECT_EQ(client.RouteOf("key"), std::optional<NodeId>(2));
  EXPECT_EQ(a.keys_seen().size(), 1u);
  EXPECT_EQ(b.keys_seen(), std::vector<std::string>{"key"});

  // No more flags, no more refreshes.
  ASSERT_TRUE(client.Get("key").ok());
  EXPECT_EQ(client.topology_refreshes(), 2u);
}

TEST(ClusterClient, OwnerDownRetriesThroughAnotherNodeAndRefreshes) {
  FakeNode a(1), b(2);
  protocol::ClusterInfo view;
  view.cluster_name = "test";
  view.self_id = 1;
  view.nodes = {NodeEntry(a, {100}), NodeEntry(b, {UINT64_MAX / 2})};
  a.set_view(view);
  b.set_view(view);
  ClusterClient client(OptionsFor({a.address(), b.address()}));
  ASSERT_TRUE(client.Connect().ok());
  // A key a owns, sent once so that a's connection is open.
  std::string key;
  for (int i = 0; key.empty(); ++i) {
    if (client.RouteOf("k" + std::to_string(i)) == std::optional<NodeId>(1)) {
      key = "k" + std::to_string(i);
    }
  }
  ASSERT_TRUE(client.Set(key, "v").ok());
  a.Stop();
  // The request to a fails; the client refreshes from b and retries through b.
  Result<Version> set = client.Set(key, "w");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->node_id, 2u);
  EXPECT_EQ(b.keys_seen(), std::vector<std::string>{key});
  EXPECT_EQ(client.topology_refreshes(), 2u);
  EXPECT_GE(b.cluster_info_requests(), 1);
}

TEST(ClusterClient, EmptyRingGoesToTheAnsweringNode) {
  FakeNode a(1);
  protocol::ClusterInfo view;
  view.self_id = 1;
  view.nodes = {NodeEntry(a, {}, NodeStatus::kJoining)};
  a.set_view(view);
  ClusterClient client(OptionsFor({a.address()}));
  ASSERT_TRUE(client.Set("x", "1").ok());  // fetches the topology on first use
  EXPECT_EQ(client.RouteOf("x"), std::optional<NodeId>(1));
  EXPECT_EQ(a.keys_seen(), std::vector<std::string>{"x"});
  Result<bool> has = client.Contains("x");
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);
  Result<bool> del = client.Del("x");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(*del);
}

TEST(ClusterClient, SeedsAreTriedInOrder) {
  FakeNode a(1);
  protocol::ClusterInfo view;
  view.self_id = 1;
  view.nodes = {NodeEntry(a, {5})};
  a.set_view(view);
  // A port nobody listens on: take one from a socket we close.
  std::string dead;
  {
    FakeNode gone(9);
    dead = gone.address();
  }
  ClusterClient client(OptionsFor({dead, a.address()}));
  ASSERT_TRUE(client.Connect().ok());
  EXPECT_EQ(client.topology().self_id, 1u);
}

TEST(ClusterClient, NoSeedAnswersFails) {
  std::string dead;
  {
    FakeNode gone(9);
    dead = gone.address();
  }
  ClusterClient client(OptionsFor({dead}));
  const Status s = client.Connect();
  EXPECT_EQ(s.code(), Code::kConnectionFailed) << s.ToString();
  Result<Version> set = client.Set("k", "v");
  EXPECT_EQ(set.status().code(), Code::kConnectionFailed);
  EXPECT_FALSE(client.RouteOf("k").has_value());

  ClusterClient none(OptionsFor({}));
  EXPECT_EQ(none.Connect().code(), Code::kInvalidArgument);
  ClusterClient bad(OptionsFor({"no-port"}));
  EXPECT_EQ(bad.Connect().code(), Code::kInvalidArgument);
}

TEST(ClusterClient, RefreshIntervalRefetches) {
  FakeNode a(1);
  protocol::ClusterInfo view;
  view.self_id = 1;
  view.nodes = {NodeEntry(a, {5})};
  a.set_view(view);
  ClusterClientOptions options = OptionsFor({a.address()});
  options.refresh_interval = 20ms;
  ClusterClient client(options);
  ASSERT_TRUE(client.Connect().ok());
  ASSERT_TRUE(client.Set("k", "v").ok());
  EXPECT_EQ(client.topology_refreshes(), 1u);
  std::this_thread::sleep_for(30ms);
  ASSERT_TRUE(client.Set("k", "v").ok());
  EXPECT_EQ(client.topology_refreshes(), 2u);
}

TEST(ClusterClient, RequestOptionsReachTheOwner) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  SeededRandom random(seed);
  FakeNode a(1), b(2);
  const protocol::ClusterInfo view = MakeView({&a, &b}, 1, random, 8);
  a.set_view(view);
  b.set_view(view);
  ClusterClient client(OptionsFor({a.address()}));
  RequestOptions quorum;
  quorum.consistency = Consistency::kQuorum;
  quorum.deadline = 150ms;
  const Ring ring = client_internal::BuildRing(ToView(view));
  for (int i = 0; i < 20; ++i) {
    const std::string key = "k" + std::to_string(i);
    ASSERT_TRUE(client.Set(key, "v", quorum).ok());
    Result<std::optional<VersionedValue>> got = client.Get(key, quorum);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->version.node_id, *ring.OwnerOfKey(key));
    ASSERT_TRUE(*client.Contains(key, quorum));
    ASSERT_TRUE(*client.Del(key, quorum));
  }
  size_t total = 0;
  for (FakeNode* node : {&a, &b}) {
    for (const auto& [opcode, options] : node->cl_requests()) {
      EXPECT_GE(opcode, 0x20);
      EXPECT_LE(opcode, 0x23);
      EXPECT_EQ(options.consistency, Consistency::kQuorum);
      EXPECT_EQ(options.deadline_ms, 150u);
      ++total;
    }
  }
  EXPECT_EQ(total, 80u);
  // Without options: the plain opcodes.
  ASSERT_TRUE(client.Set("plain", "v").ok());
  EXPECT_EQ(a.cl_requests().size() + b.cl_requests().size(), 80u);
}

TEST(ClusterClient, UnavailableAtALevelIsReturnedAndRefreshes) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  SeededRandom random(seed);
  FakeNode a(1);
  a.set_view(MakeView({&a}, 1, random, 4));
  ClusterClient client(OptionsFor({a.address()}));
  ASSERT_TRUE(client.Connect().ok());
  a.set_cl_error(Status(Code::kUnavailable, "ALL needs 3 replicas, 1 up"));
  RequestOptions all;
  all.consistency = Consistency::kAll;
  Result<Version> set = client.Set("k", "v", all);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Code::kUnavailable);
  EXPECT_EQ(set.status().message(), "ALL needs 3 replicas, 1 up");
  EXPECT_EQ(a.cl_requests().size(), 1u);   // not retried
  ASSERT_TRUE(client.Set("k", "v").ok());  // the next request refreshes first
  EXPECT_EQ(client.topology_refreshes(), 2u);
  a.set_cl_error(Status(Code::kTimeout, "ALL not reached in time"));
  Result<bool> del = client.Del("k", all);
  EXPECT_EQ(del.status().code(), Code::kTimeout);
  EXPECT_EQ(a.cl_requests().size(), 2u);
}

}  // namespace
}  // namespace memdb
