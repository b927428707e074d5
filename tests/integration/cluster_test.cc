// Clusters of real memdb processes on 127.0.0.1: formation through a seed, crash detection,
// restart with the same identity, a node with the wrong cluster key kept out, and the peer
// opcodes refused to clients. Membership is read with CLUSTER_INFO over a raw connection.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/ring.h"
#include "integration/cluster_util.h"
#include "integration/raw_connection.h"
#include "integration/server_process.h"
#include "memdb/client.h"
#include "memdb/cluster_client.h"
#include "protocol/cluster_messages.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb::testing {
namespace {

constexpr char kClusterKey[] = "integration-cluster-key-0123456789";

ServerSpec ClusterSpec(const std::string& cluster_key, const std::vector<uint16_t>& seeds) {
  ServerSpec spec;
  spec.auth_yaml = "  cluster_key: \"" + cluster_key + "\"\n";
  std::string list;
  for (uint16_t port : seeds) list += (list.empty() ? "" : ", ") + Address(port);
  spec.extra_yaml =
      "cluster:\n  seeds: [" + list + "]\n  gossip_interval_ms: 200\n  tokens_per_node: 16\n";
  return spec;
}

const protocol::ClusterNodeInfo* FindNode(const protocol::ClusterInfo& info, NodeId id) {
  for (const auto& node : info.nodes) {
    if (node.id == id) return &node;
  }
  return nullptr;
}

const protocol::ClusterNodeInfo* FindByAddress(const protocol::ClusterInfo& info,
                                               const std::string& address) {
  for (const auto& node : info.nodes) {
    if (node.address == address) return &node;
  }
  return nullptr;
}

// The membership lines of a node's log ("node 12 (127.0.0.1:7001) is DOWN", ...).
std::string MemberLines(const std::string& log) {
  std::string lines;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    if (line.find(" node ") != std::string::npos || line.find("peer ") != std::string::npos) {
      lines += line + "\n";
    }
    start = end + 1;
  }
  return lines;
}

class ClusterTest : public ::testing::Test {
 protected:
  // Starts `n` nodes on fixed ports, all seeded with the first.
  void StartNodes(size_t n) {
    for (size_t i = 0; i < n; ++i) ports_.push_back(FreePort());
    for (size_t i = 0; i < n; ++i) {
      nodes_.push_back(std::make_unique<ServerProcess>(ClusterSpec(kClusterKey, {ports_[0]})));
      ASSERT_TRUE(nodes_[i]->StartOnPort(ports_[i])) << "node " << i << ":\n" << nodes_[i]->log();
    }
  }

  void DumpLogs() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      std::fprintf(stderr, "---- node %zu log ----\n%s\n", i, nodes_[i]->log().c_str());
    }
  }

  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

TEST_F(ClusterTest, ThreeNodesFormOneClusterDetectACrashAndTakeTheRestartBack) {
  StartNodes(3);
  auto formed = WaitFor(
      [&] {
        for (uint16_t port : ports_) {
          if (!SeesHealthyCluster(port, 3)) return false;
        }
        return true;
      },
      std::chrono::seconds(20));
  if (!formed) DumpLogs();
  ASSERT_TRUE(formed) << "the three nodes did not converge";
  std::printf("cluster of 3 formed in %lld ms\n", static_cast<long long>(formed->count()));

  // STATS reports the membership and the gossip traffic.
  auto stats = FetchStats(ports_[0]);
  EXPECT_EQ(stats["cluster_members"], 3u);
  EXPECT_EQ(stats["cluster_members_up"], 3u);
  EXPECT_GT(stats["gossip_rounds"], 0u);
  EXPECT_GT(stats["gossip_bytes_sent"], 0u);
  EXPECT_GT(stats["gossip_bytes_received"], 0u);

  // Every node agrees on who is who.
  auto view0 = FetchClusterInfo(ports_[0]);
  ASSERT_TRUE(view0);
  const protocol::ClusterNodeInfo* victim_before = FindByAddress(*view0, Address(ports_[2]));
  ASSERT_NE(victim_before, nullptr);
  const NodeId victim = victim_before->id;
  const uint64_t generation = victim_before->generation;
  const std::vector<uint64_t> tokens = victim_before->tokens;
  EXPECT_EQ(tokens.size(), 16u);
  for (uint16_t port : ports_) {
    auto info = FetchClusterInfo(port);
    ASSERT_TRUE(info);
    for (const auto& node : view0->nodes) {
      const auto* same = FindNode(*info, node.id);
      ASSERT_NE(same, nullptr);
      EXPECT_EQ(same->address, node.address);
      EXPECT_EQ(same->tokens, node.tokens);
    }
  }

  // SIGKILL the third node: the other two mark it down.
  nodes_[2]->Stop(SIGKILL);
  auto down = WaitFor(
      [&] {
        for (int i : {0, 1}) {
          auto info = FetchClusterInfo(ports_[i]);
          if (!info) return false;
          const auto* node = FindNode(*info, victim);
          if (node == nullptr || node->up) return false;
        }
        return true;
      },
      std::chrono::seconds(20));
  if (!down) DumpLogs();
  ASSERT_TRUE(down) << "the crashed node was not marked down";
  std::printf("crashed node %u marked down by both peers after %lld ms (gossip 200 ms, phi 8)\n",
              victim, static_cast<long long>(down->count()));
  const std::string down_line =
      "node " + std::to_string(victim) + " (" + Address(ports_[2]) + ") is DOWN";
  // The log line comes with the next gossip round.
  EXPECT_TRUE(WaitFor(
      [&] {
        return nodes_[0]->log().find(down_line) != std::string::npos &&
               nodes_[1]->log().find(down_line) != std::string::npos;
      },
      std::chrono::seconds(2)))
      << down_line << "\n"
      << MemberLines(nodes_[0]->log());

  // Restart on the same data and port: same id and tokens, next generation, up again.
  ASSERT_TRUE(nodes_[2]->StartOnPort(ports_[2])) << nodes_[2]->log();
  auto back = WaitFor(
      [&] {
        for (uint16_t port : ports_) {
          auto info = FetchClusterInfo(port);
          if (!info || info->nodes.size() != 3) return false;
          const auto* node = FindNode(*info, victim);
          if (node == nullptr || !node->up || node->generation != generation + 1) return false;
        }
        return true;
      },
      std::chrono::seconds(20));
  if (!back) DumpLogs();
  ASSERT_TRUE(back) << "the restarted node was not taken back";
  std::printf("restarted node %u seen up again with generation %llu after %lld ms\n", victim,
              static_cast<unsigned long long>(generation + 1),
              static_cast<long long>(back->count()));
  for (uint16_t port : ports_) {
    auto info = FetchClusterInfo(port);
    ASSERT_TRUE(info);
    const auto* node = FindNode(*info, victim);
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(node->tokens, tokens);
    EXPECT_EQ(node->address, Address(ports_[2]));
    EXPECT_EQ(node->status, NodeStatus::kNormal);
  }
  auto self = FetchClusterInfo(ports_[2]);
  ASSERT_TRUE(self);
  EXPECT_EQ(self->self_id, victim);
  const std::string up_line =
      "node " + std::to_string(victim) + " (" + Address(ports_[2]) + ") is UP";
  EXPECT_TRUE(WaitFor([&] { return nodes_[0]->log().find(up_line) != std::string::npos; },
                      std::chrono::seconds(2)))
      << up_line << "\n"
      << MemberLines(nodes_[0]->log());
}

TEST_F(ClusterTest, NodeWithTheWrongClusterKeyIsRefusedAndNeverJoins) {
  StartNodes(2);
  ASSERT_TRUE(WaitFor([&] { return SeesHealthyCluster(ports_[0], 2); }, std::chrono::seconds(20)))
      << nodes_[0]->log();

  const uint16_t bad_port = FreePort();
  ServerProcess bad(ClusterSpec("a-different-cluster-key-987654321", {ports_[0], ports_[1]}));
  ASSERT_TRUE(bad.StartOnPort(bad_port)) << bad.log();
  // Give it many gossip rounds to try.
  auto refused = WaitFor(
      [&] {
        return nodes_[0]->log().find("failed to authenticate with the cluster key") !=
                   std::string::npos &&
               bad.log().find("refused our cluster key") != std::string::npos;
      },
      std::chrono::seconds(10));
  EXPECT_TRUE(refused) << "node 0:\n" << nodes_[0]->log() << "\nbad node:\n" << bad.log();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  for (uint16_t port : ports_) {
    auto info = FetchClusterInfo(port);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->nodes.size(), 2u);
    EXPECT_EQ(FindByAddress(*info, Address(bad_port)), nullptr);
  }
  // The refusal is logged at warn with the peer's address, never the key.
  const std::string log0 = nodes_[0]->log();
  const size_t at = log0.find("failed to authenticate with the cluster key");
  ASSERT_NE(at, std::string::npos);
  const size_t begin = log0.rfind('\n', at) + 1;
  const std::string line = log0.substr(begin, log0.find('\n', at) - begin);
  EXPECT_NE(line.find("warn"), std::string::npos) << line;
  EXPECT_NE(line.find("127.0.0.1:"), std::string::npos) << line;
  EXPECT_EQ(log0.find("a-different-cluster-key"), std::string::npos);
  EXPECT_EQ(log0.find(kClusterKey), std::string::npos);
  // And the bad node sees only itself.
  auto own = FetchClusterInfo(bad_port);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->nodes.size(), 1u);
}

TEST_F(ClusterTest, ClientKeyCannotSendPeerOpcodes) {
  StartNodes(1);
  RawConnection conn;
  ASSERT_TRUE(conn.Connect(ports_[0]));
  ServerSpec defaults;
  ASSERT_EQ(conn.Handshake(defaults.key_id, defaults.secret), Code::kOk);
  for (protocol::Opcode opcode :
       {protocol::Opcode::kGossipSyn, protocol::Opcode::kGossipAck2, protocol::Opcode::kForward,
        protocol::Opcode::kReplicaWrite, protocol::Opcode::kReplicaRead}) {
    std::string frame;
    protocol::FrameHeader header;
    header.opcode = static_cast<uint8_t>(opcode);
    header.request_id = 7;
    protocol::FrameWriter w(&frame);
    w.Begin(header);
    w.PutRaw("anything");
    w.Finish();
    ASSERT_TRUE(conn.SendAll(frame));
    auto reply = conn.Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->header.status, Code::kPermissionDenied)
        << protocol::OpcodeName(static_cast<uint8_t>(opcode));
    EXPECT_EQ(reply->header.request_id, 7u);
  }
  // The connection stays usable.
  std::string ping;
  protocol::AppendPingRequest(&ping, 8, 0, "still here");
  ASSERT_TRUE(conn.SendAll(ping));
  auto pong = conn.Read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->header.status, Code::kOk);
  // A client key may not be named "cluster": the config refuses it at start.
  ServerSpec spec;
  spec.key_id = "cluster";
  ServerProcess refused(spec);
  EXPECT_FALSE(refused.Start());
  EXPECT_EQ(refused.exit_code(), 2);
}

// Runs `request` again (up to 5 s) while it fails with UNAVAILABLE: on a loaded machine a node
// may briefly think a peer down, and then does nothing. Any other outcome is returned.
template <typename Request>
auto RetryWhileUnavailable(Request request) {
  auto result = request();
  for (int attempt = 0;
       !result.ok() && result.status().code() == Code::kUnavailable && attempt < 50; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    result = request();
  }
  return result;
}

// Five nodes, one seed, replication factor 3: 10,000 keys written through arbitrary nodes
// each land on exactly the 3 nodes of their preference list (the per-node key counts match the
// ring exactly), a write through any node is readable at QUORUM through any other, and the
// replies of a node that holds no copy carry the NOT_OWNER hint; a topology-routing client
// sends every key to its first replica, so it never gets the hint.
TEST(ClusterRouting, KeysWrittenThroughAnyNodeLandOnTheirThreeReplicas) {
  constexpr size_t kNodes = 5;
  constexpr size_t kReplicas = 3;  // replication.factor's default
  constexpr int kKeys = 10000;
  std::vector<uint16_t> ports;
  for (size_t i = 0; i < kNodes; ++i) ports.push_back(FreePort());
  std::vector<std::unique_ptr<ServerProcess>> nodes;
  for (size_t i = 0; i < kNodes; ++i) {
    nodes.push_back(std::make_unique<ServerProcess>(ClusterSpec(kClusterKey, {ports[0]})));
    ASSERT_TRUE(nodes.back()->StartOnPort(ports[i])) << nodes.back()->log();
  }
  for (size_t i = 0; i < kNodes; ++i) {
    ASSERT_TRUE(
        WaitFor([&] { return SeesHealthyCluster(ports[i], kNodes); }, std::chrono::seconds(20)))
        << "node " << i << " never saw " << kNodes << " healthy members\n"
        << nodes[i]->log();
  }
  // Every node's ring agrees (same members and tokens).
  auto info = FetchClusterInfo(ports[0]);
  ASSERT_TRUE(info);
  Ring ring;
  std::map<NodeId, uint16_t> port_of;
  std::vector<NodeId> id_of_client(kNodes);
  for (const auto& node : info->nodes) {
    ring.SetTokens(node.id, node.tokens);
    for (size_t i = 0; i < kNodes; ++i) {
      if (node.address == Address(ports[i])) {
        port_of[node.id] = ports[i];
        id_of_client[i] = node.id;
      }
    }
  }
  ASSERT_EQ(port_of.size(), kNodes);

  std::vector<std::unique_ptr<Client>> clients;
  for (size_t i = 0; i < kNodes; ++i) {
    clients.push_back(std::make_unique<Client>(ClientOptionsFor(ports[i])));
    ASSERT_TRUE(clients.back()->Connect().ok());
  }
  std::map<NodeId, uint64_t> expected;
  uint64_t expected_not_owner = 0;  // replies from a coordinator that is not a replica
  auto via_non_replica = [&](const std::string& key, size_t via) {
    const std::vector<NodeId> replicas = ring.PreferenceOfKey(key, kReplicas);
    return std::find(replicas.begin(), replicas.end(), id_of_client[via]) == replicas.end();
  };
  std::vector<std::future<Result<Version>>> writes;
  for (int k = 0; k < kKeys; ++k) {
    const std::string key = "route-key-" + std::to_string(k);
    const std::vector<NodeId> replicas = ring.PreferenceOfKey(key, kReplicas);
    ASSERT_EQ(replicas.size(), kReplicas);
    for (NodeId id : replicas) ++expected[id];
    expected_not_owner += via_non_replica(key, k % kNodes);
    writes.push_back(clients[k % kNodes]->SetAsync(key, "value-" + std::to_string(k)));
  }
  for (int k = 0; k < kKeys; ++k) {
    Result<Version> r = writes[k].get();
    // On a loaded machine a node may briefly think a peer down (UNAVAILABLE: nothing was
    // written): retry those; every attempt counts for the NOT_OWNER tally.
    const std::string key = "route-key-" + std::to_string(k);
    for (int attempt = 0; !r.ok() && r.status().code() == Code::kUnavailable && attempt < 50;
         ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      expected_not_owner += via_non_replica(key, k % kNodes);
      r = clients[k % kNodes]->Set(key, "value-" + std::to_string(k));
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  uint64_t not_owner = 0;
  for (auto& c : clients) not_owner += c->not_owner_replies();
  EXPECT_EQ(not_owner, expected_not_owner) << "about 2/5 of the writes reach a non-replica";
  uint64_t coordinated_not_replica = 0;
  for (const auto& [id, port] : port_of) {
    coordinated_not_replica += FetchStats(port)["coordinated_not_replica"];
  }
  EXPECT_EQ(coordinated_not_replica, not_owner);

  // QUORUM answers after 2 of 3 copies: the third may land a moment later.
  auto counts_match = [&] {
    for (const auto& [id, port] : port_of) {
      if (FetchStats(port)["keys"] != expected[id]) return false;
    }
    return true;
  };
  EXPECT_TRUE(WaitFor(counts_match, std::chrono::seconds(10)));
  uint64_t total_keys = 0;
  for (const auto& [id, port] : port_of) {
    auto stats = FetchStats(port);
    EXPECT_EQ(stats["keys"], expected[id]) << "node " << id << " on port " << port;
    total_keys += stats["keys"];
    std::printf("node %u (port %u): %llu keys, ring says %llu\n", id, port,
                static_cast<unsigned long long>(stats["keys"]),
                static_cast<unsigned long long>(expected[id]));
  }
  EXPECT_EQ(total_keys, uint64_t{kKeys} * kReplicas);

  // Written through one node, read at QUORUM through every other.
  RequestOptions quorum;
  quorum.consistency = Consistency::kQuorum;
  for (int k = 0; k < kKeys; k += 97) {
    const std::string key = "route-key-" + std::to_string(k);
    for (size_t other = 1; other < kNodes; ++other) {
      auto got =
          RetryWhileUnavailable([&] { return clients[(k + other) % kNodes]->Get(key, quorum); });
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_TRUE(got->has_value()) << key;
      EXPECT_EQ((*got)->value, "value-" + std::to_string(k));
    }
  }
  // A QUORUM write through one node is seen by a QUORUM read through the next at once.
  for (int k = 0; k < 50; ++k) {
    const std::string key = "rw-key-" + std::to_string(k);
    auto set =
        RetryWhileUnavailable([&] { return clients[k % kNodes]->Set(key, "fresh", quorum); });
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    auto got = RetryWhileUnavailable([&] { return clients[(k + 1) % kNodes]->Get(key, quorum); });
    ASSERT_TRUE(got.ok() && got->has_value()) << key;
    EXPECT_EQ((*got)->value, "fresh");
  }

  // A topology-routing client: every key goes to its first replica, so no reply is flagged.
  ClusterClientOptions cc_options;
  cc_options.seeds = {Address(ports[2])};
  cc_options.client.key_id = ServerSpec{}.key_id;
  cc_options.client.secret = ServerSpec{}.secret;
  ClusterClient routed(cc_options);
  ASSERT_TRUE(routed.Connect().ok());
  uint64_t not_replica_before = 0;
  for (const auto& [id, port] : port_of) {
    not_replica_before += FetchStats(port)["coordinated_not_replica"];
  }
  for (int k = 0; k < 1000; ++k) {
    const std::string key = "direct-key-" + std::to_string(k);
    EXPECT_EQ(routed.RouteOf(key), ring.PreferenceOfKey(key, kReplicas).front());
    auto set = RetryWhileUnavailable([&] { return routed.Set(key, "v"); });
    ASSERT_TRUE(set.ok()) << set.status().ToString();
  }
  uint64_t not_replica_after = 0;
  for (const auto& [id, port] : port_of) {
    not_replica_after += FetchStats(port)["coordinated_not_replica"];
  }
  EXPECT_EQ(not_replica_after, not_replica_before) << "the routing client reached non-replicas";
  EXPECT_EQ(routed.topology_refreshes(), 1u);

  for (auto& node : nodes) EXPECT_EQ(node->Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace memdb::testing
