// AntiEntropy across real Nodes: a fake network delivers each request to the peer Node's
// HandleRequest (as a cluster peer) and its reply back. Divergent replicas — missing keys,
// stale versions, tombstones — end identical after a repair; a deleted key does not come back;
// an entry past the tombstone grace that the other side lacks is not copied (a purged delete
// is not resurrected); SyncRange pulls a whole range in pages.
#include "node/anti_entropy.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/gossip_driver.h"
#include "cluster/membership.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/sim_file_system.h"
#include "node/node.h"
#include "protocol/anti_entropy_messages.h"
#include "protocol/codec.h"
#include "protocol/messages.h"
#include "store/key_hash.h"

namespace memdb {
namespace {

constexpr uint64_t kNowMs = 1'700'000'000'000ULL;
constexpr uint64_t kGraceMs = 60'000;

std::string AddressOf(NodeId id) { return "10.0.0." + std::to_string(id) + ":7379"; }

// Delivers requests to the addressed Node's HandleRequest, one at a time, when pumped.
class FakeNetwork final : public cluster::PeerTransport {
 public:
  void Send(const std::string& address, uint8_t opcode, Timestamp timestamp, std::string body,
            uint32_t, Done done) override {
    queue_.push_back(Request{address, opcode, timestamp, std::move(body), std::move(done)});
    ++sent[opcode];
  }

  // Delivers until nothing is in flight.
  void Pump() {
    while (!queue_.empty()) {
      Request r = std::move(queue_.front());
      queue_.pop_front();
      auto it = nodes.find(r.address);
      if (it == nodes.end() || down.count(r.address) != 0) {
        r.done(cluster::PeerResponse{Status(Code::kConnectionFailed, "unreachable"), 0, {}});
        continue;
      }
      protocol::Frame frame;
      frame.header.opcode = r.opcode;
      frame.header.request_id = ++request_id_;
      frame.header.timestamp = r.timestamp;
      frame.header.body_length = static_cast<uint32_t>(r.body.size());
      frame.body = r.body;
      std::string out;
      it->second->HandleRequest(frame, &out, /*peer=*/true);
      protocol::DecodeResult decoded = protocol::DecodeFrame(out, protocol::Limits{}, true);
      ASSERT_EQ(decoded.status, protocol::DecodeStatus::kFrame);
      cluster::PeerResponse response;
      response.timestamp = decoded.frame.header.timestamp;
      if (decoded.frame.header.status == Code::kOk) {
        response.body = decoded.frame.body;
      } else {
        std::string_view message;
        (void)protocol::ParseErrorResponse(decoded.frame.body, &message);
        response.status = Status(decoded.frame.header.status, std::string(message));
      }
      r.done(response);
    }
  }

  std::map<std::string, Node*> nodes;
  std::map<std::string, bool> down;
  std::map<uint8_t, int> sent;

 private:
  struct Request {
    std::string address;
    uint8_t opcode;
    Timestamp timestamp;
    std::string body;
    Done done;
  };
  std::deque<Request> queue_;
  uint32_t request_id_ = 0;
};

// One node: membership (a seed, so `normal` at once), Node, cluster and replication attached.
struct TestNode {
  TestNode(NodeId id, ManualClock* clock, FakeNetwork* network, const ReplicationOptions& options)
      : random(id) {
    EXPECT_TRUE(fs.CreateDir("/data").ok());
    cluster::MembershipOptions m;
    m.identity.data_dir = "/data";
    m.identity.tokens_per_node = 8;
    m.identity.requested_id = id;
    m.gossip.cluster_name = "test";
    m.gossip.address = AddressOf(id);
    m.gossip.seeds = {AddressOf(id)};
    auto opened = cluster::Membership::Open(&fs, m, &random);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    membership = std::move(opened).value();
    NodeOptions n;
    n.node_id = id;
    n.auth_enabled = false;
    node = std::make_unique<Node>(n, auth::KeyRing(), clock, &random);
    driver =
        std::make_unique<cluster::GossipDriver>(membership.get(), network, &node->clock(), clock);
    node->AttachCluster(driver.get(), clock);
    EXPECT_TRUE(node->AttachReplication(network, &fs, options).ok());
    network->nodes[AddressOf(id)] = node.get();
  }

  cluster::Gossiper& gossiper() { return membership->gossiper(); }
  AntiEntropy& ae() { return *node->anti_entropy(); }

  SimFileSystem fs;
  SeededRandom random;
  std::unique_ptr<cluster::Membership> membership;
  std::unique_ptr<Node> node;
  std::unique_ptr<cluster::GossipDriver> driver;
};

// key -> (value, version, tombstone): a whole store, for comparing replicas.
struct Copy {
  std::string value;
  Version version;
  bool tombstone;
  bool operator==(const Copy&) const = default;
};
std::map<std::string, Copy> Contents(const Node& node) {
  std::map<std::string, Copy> out;
  node.store().ForEach([&](std::string_view key, const StoredValue& v) {
    out[std::string(key)] = Copy{std::string(v.value), v.version, v.tombstone};
  });
  return out;
}

class AntiEntropyTest : public ::testing::Test {
 protected:
  AntiEntropyTest() : clock_(kNowMs) {
    options_.replication_factor = 3;
    options_.tombstone_grace_ms = kGraceMs;
    options_.anti_entropy.interval_ms = 0;
    options_.anti_entropy.max_batch_bytes = 2048;  // several pages per range
    options_.hints.enabled = false;
  }

  // `count` nodes that know each other and see each other up.
  void Start(int count) {
    for (int i = 1; i <= count; ++i) {
      nodes_.push_back(std::make_unique<TestNode>(i, &clock_, &network_, options_));
    }
    for (auto& a : nodes_) {
      std::vector<cluster::MemberState> others;
      for (auto& b : nodes_) {
        if (a != b) others.push_back(b->gossiper().self());
      }
      a->gossiper().Restore(others);
      cluster::GossipAck2 heard;
      for (cluster::MemberState s : others) {
        s.heartbeat += 10;
        heard.deltas.push_back(s);
      }
      a->gossiper().OnAck2(heard, kNowMs);
      (void)a->gossiper().Tick(kNowMs);
    }
    for (auto& a : nodes_) {
      for (auto& b : nodes_) ASSERT_TRUE(a->gossiper().IsUp(b->node->options().node_id));
      ASSERT_EQ(a->gossiper().ring().node_count(), static_cast<size_t>(count));
    }
  }

  Node& node(int i) { return *nodes_[i - 1]->node; }
  AntiEntropy& ae(int i) { return nodes_[i - 1]->ae(); }

  // A repair on node `i`, run to its end.
  RepairProgress RepairOn(int i) {
    RepairProgress started = ae(i).Repair(RepairAction::kStart, clock_.NowMillis());
    EXPECT_TRUE(started.started_now);
    network_.Pump();
    RepairProgress done = ae(i).Repair(RepairAction::kStatus, clock_.NowMillis());
    EXPECT_FALSE(done.running);
    return done;
  }

  static Version V(uint64_t ms, NodeId node = 1) { return Version{ms << kHlcLogicalBits, node}; }

  ManualClock clock_;
  FakeNetwork network_;
  ReplicationOptions options_;
  std::vector<std::unique_ptr<TestNode>> nodes_;
};

TEST_F(AntiEntropyTest, PlanCoversExactlyTheRangesSharedWithEachPeer) {
  options_.replication_factor = 2;
  Start(4);
  for (int self = 1; self <= 4; ++self) {
    const std::vector<AntiEntropy::Task> tasks = ae(self).PlanTasks();
    const Ring& ring = nodes_[self - 1]->gossiper().ring();
    SeededRandom random(99);
    for (int probe = 0; probe < 2000; ++probe) {
      const uint64_t hash = random.Next64();
      const std::vector<NodeId> replicas = ring.Preference(hash, 2);
      for (NodeId peer = 1; peer <= 4; ++peer) {
        if (peer == static_cast<NodeId>(self)) continue;
        const bool shared = std::find(replicas.begin(), replicas.end(),
                                      static_cast<NodeId>(self)) != replicas.end() &&
                            std::find(replicas.begin(), replicas.end(), peer) != replicas.end();
        int covering = 0;
        for (const auto& t : tasks) covering += t.peer == peer && t.range.Contains(hash);
        EXPECT_EQ(covering, shared ? 1 : 0) << "node " << self << " peer " << peer;
      }
    }
  }
}

TEST_F(AntiEntropyTest, ReplicasOfRfNodesCompareTheWholeRingOncePerPeer) {
  Start(3);
  const auto tasks = ae(1).PlanTasks();
  ASSERT_EQ(tasks.size(), 2u);
  for (const auto& t : tasks) EXPECT_EQ(t.range.begin, t.range.end);
}

TEST_F(AntiEntropyTest, DivergentReplicasBecomeIdentical) {
  Start(3);
  // 300 keys everywhere, then: node 1 misses some, node 2 holds stale versions of others,
  // node 3 deleted a few (newer tombstones), node 2 has keys nobody else has.
  for (int i = 0; i < 300; ++i) {
    const std::string key = "key" + std::to_string(i);
    for (int n = 1; n <= 3; ++n) {
      if (n == 1 && i % 10 == 0) continue;
      const bool stale = n == 2 && i % 10 == 1;
      ASSERT_TRUE(node(n)
                      .ApplyPut(key, stale ? "old" : "value" + std::to_string(i),
                                stale ? V(kNowMs - 2000) : V(kNowMs - 1000))
                      .ok());
    }
    if (i % 10 == 2) {
      ASSERT_TRUE(node(3).ApplyDelete(key, V(kNowMs - 500, 3)).ok());
    }
  }
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(node(2).ApplyPut("only2-" + std::to_string(i), "x", V(kNowMs - 100, 2)).ok());
  }
  EXPECT_NE(Contents(node(1)), Contents(node(2)));

  RepairProgress first = RepairOn(1);
  EXPECT_EQ(first.ranges_total, 2u);
  EXPECT_EQ(first.ranges_done, 2u);
  EXPECT_EQ(first.ranges_failed, 0u) << first.last_error;
  EXPECT_GT(first.leaves_different, 0u);
  EXPECT_GT(first.keys_pulled, 0u);
  EXPECT_GT(first.keys_pushed, 0u);
  // Node 1 compared with 2, then with 3: 1 and 3 now hold everything; 2 misses what only 3
  // had newer until it runs its own repair (or node 1's next run).
  EXPECT_EQ(Contents(node(1)), Contents(node(3)));
  RepairOn(2);
  const auto expected = Contents(node(1));
  EXPECT_EQ(Contents(node(2)), expected);
  EXPECT_EQ(Contents(node(3)), expected);
  EXPECT_EQ(expected.size(), 320u);
  EXPECT_TRUE(expected.at("key2").tombstone);
  EXPECT_EQ(expected.at("key1").value, "value1");
  EXPECT_EQ(expected.at("key0").value, "value0");

  // In sync: the next run finds no differing leaf and sends no entries.
  network_.sent.clear();
  RepairProgress again = RepairOn(3);
  EXPECT_EQ(again.leaves_different, 0u);
  EXPECT_EQ(again.keys_pulled + again.keys_pushed, 0u);
  EXPECT_EQ(network_.sent[static_cast<uint8_t>(protocol::Opcode::kRangeEntries)], 0);
  EXPECT_EQ(network_.sent[static_cast<uint8_t>(protocol::Opcode::kMerkleTree)], 2);
}

TEST_F(AntiEntropyTest, ADeletedKeyDoesNotComeBack) {
  Start(3);
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(node(n).ApplyPut("gone", "v", V(kNowMs - 1000)).ok());
  // Only node 1 saw the delete; nodes 2 and 3 repair (each pushes its live value at node 1,
  // which must lose to the tombstone).
  ASSERT_TRUE(node(1).ApplyDelete("gone", V(kNowMs - 900, 1)).ok());
  RepairOn(2);
  RepairOn(3);
  for (int n = 1; n <= 3; ++n) {
    EXPECT_FALSE(node(n).Get("gone").found) << "node " << n;
    auto found = node(n).store().Find("gone");
    ASSERT_TRUE(found.has_value());
    EXPECT_TRUE(found->tombstone);
    EXPECT_EQ(found->version, V(kNowMs - 900, 1));
  }
}

TEST_F(AntiEntropyTest, AnEntryPastTheGraceThatTheOtherSideLacksIsNotCopied) {
  Start(2);
  // "old" was deleted everywhere but node 2, and node 1 has purged the tombstone (it is past
  // the grace): node 1 lacks it entirely. "recent" is within the grace: a normal miss.
  ASSERT_TRUE(node(2).ApplyPut("old", "zombie", V(kNowMs - 2 * kGraceMs, 2)).ok());
  ASSERT_TRUE(node(2).ApplyPut("recent", "v", V(kNowMs - kGraceMs / 2, 2)).ok());
  ASSERT_TRUE(node(1).ApplyPut("old-here", "zombie", V(kNowMs - 2 * kGraceMs, 1)).ok());
  RepairProgress pulled = RepairOn(1);  // would pull "old", would push "old-here"
  EXPECT_EQ(pulled.ranges_failed, 0u) << pulled.last_error;
  RepairOn(2);
  EXPECT_FALSE(node(1).store().Find("old").has_value());
  EXPECT_FALSE(node(2).store().Find("old-here").has_value());
  EXPECT_TRUE(node(1).Get("recent").found);
  // The holder keeps its copy: absence alone is not proof of a delete.
  EXPECT_TRUE(node(2).Get("old").found);
  bool counted = false;
  for (const auto& stat : node(1).Stats()) {
    if (stat.name == "anti_entropy_keys_not_copied") counted = stat.value == 2;
  }
  EXPECT_TRUE(counted);
  // An old entry the other side holds in an older version is still repaired.
  ASSERT_TRUE(node(1).ApplyPut("old", "older", V(kNowMs - 3 * kGraceMs, 1)).ok());
  RepairOn(1);
  EXPECT_EQ(node(1).Get("old").value, "zombie");
}

TEST_F(AntiEntropyTest, APeerThatIsDownFailsItsRangesAndTheRunGoesOn) {
  Start(3);
  ASSERT_TRUE(node(3).ApplyPut("k", "v", V(kNowMs - 10, 3)).ok());
  network_.down[AddressOf(2)] = true;
  RepairProgress p = RepairOn(1);
  EXPECT_EQ(p.ranges_total, 2u);
  EXPECT_EQ(p.ranges_failed, 1u);
  EXPECT_EQ(p.ranges_done, 1u);
  EXPECT_NE(p.last_error.find("node 2"), std::string::npos) << p.last_error;
  EXPECT_TRUE(node(1).Get("k").found);
}

TEST_F(AntiEntropyTest, RepairReportsAndDoesNotStartTwice) {
  Start(2);
  RepairProgress idle = ae(1).Repair(RepairAction::kStatus, kNowMs);
  EXPECT_EQ(idle.run_id, 0u);
  EXPECT_FALSE(idle.running);
  RepairProgress first = ae(1).Repair(RepairAction::kStart, kNowMs);
  EXPECT_TRUE(first.running);
  EXPECT_TRUE(first.started_now);
  EXPECT_EQ(first.run_id, 1u);
  RepairProgress second = ae(1).Repair(RepairAction::kStart, kNowMs + 5);
  EXPECT_FALSE(second.started_now);
  EXPECT_EQ(second.run_id, 1u);
  EXPECT_EQ(second.elapsed_ms, 5u);
  network_.Pump();
  EXPECT_FALSE(ae(1).Repair(RepairAction::kStatus, kNowMs).running);
}

TEST_F(AntiEntropyTest, PeriodicRunsStartEveryInterval) {
  options_.anti_entropy.interval_ms = 10'000;
  Start(2);
  ASSERT_TRUE(node(2).ApplyPut("k", "v", V(kNowMs - 10, 2)).ok());
  ae(1).Tick(kNowMs);  // schedules the first run one interval on
  network_.Pump();
  EXPECT_FALSE(node(1).Get("k").found);
  ae(1).Tick(kNowMs + 9'999);
  network_.Pump();
  EXPECT_FALSE(node(1).Get("k").found);
  ae(1).Tick(kNowMs + 10'000);
  network_.Pump();
  EXPECT_TRUE(node(1).Get("k").found);
  EXPECT_EQ(ae(1).Repair(RepairAction::kStatus, kNowMs + 10'000).run_id, 1u);
  ae(1).Tick(kNowMs + 20'000);
  network_.Pump();
  EXPECT_EQ(ae(1).Repair(RepairAction::kStatus, kNowMs + 20'000).run_id, 2u);
}

TEST_F(AntiEntropyTest, SyncRangePullsEveryEntryOfTheRangeInPages) {
  Start(2);
  for (int i = 0; i < 500; ++i) {
    const std::string key = "k" + std::to_string(i);
    // Old entries too: a full sync copies everything (the caller is the replica that was away).
    ASSERT_TRUE(node(2).ApplyPut(key, std::string(20, 'x'), V(kNowMs - 3 * kGraceMs + i, 2)).ok());
    if (i % 5 == 0) {
      ASSERT_TRUE(node(2).ApplyDelete(key, V(kNowMs - 10, 2)).ok());
    }
  }
  // A key node 1 already has newer stays as it is.
  ASSERT_TRUE(node(1).ApplyPut("k7", "mine", V(kNowMs, 1)).ok());
  bool called = false;
  Status status;
  uint64_t applied = 0;
  ae(1).SyncRange(AddressOf(2), oplog::HashRange::All(), [&](const Status& s, uint64_t n) {
    called = true;
    status = s;
    applied = n;
  });
  network_.Pump();
  ASSERT_TRUE(called);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(applied, 499u);
  EXPECT_GT(network_.sent[static_cast<uint8_t>(protocol::Opcode::kRangeEntries)], 5);
  auto mine = Contents(node(1));
  auto theirs = Contents(node(2));
  EXPECT_EQ(mine.at("k7").value, "mine");
  mine.erase("k7");
  theirs.erase("k7");
  EXPECT_EQ(mine, theirs);
}

TEST_F(AntiEntropyTest, SyncRangeOfPartOfTheRingTakesOnlyThatPart) {
  Start(2);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(node(2).ApplyPut("k" + std::to_string(i), "v", V(kNowMs - 10, 2)).ok());
  }
  const oplog::HashRange half{0, uint64_t{1} << 63};
  bool ok = false;
  ae(1).SyncRange(AddressOf(2), half, [&](const Status& s, uint64_t) { ok = s.ok(); });
  network_.Pump();
  ASSERT_TRUE(ok);
  size_t inside = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string key = "k" + std::to_string(i);
    const bool in = half.Contains(KeyHash(key));
    inside += in;
    EXPECT_EQ(node(1).Get(key).found, in) << key;
  }
  EXPECT_GT(inside, 50u);
}

TEST_F(AntiEntropyTest, SyncRangeFromAnUnreachablePeerFails) {
  Start(2);
  network_.down[AddressOf(2)] = true;
  Status status;
  ae(1).SyncRange(AddressOf(2), oplog::HashRange::All(),
                  [&](const Status& s, uint64_t) { status = s; });
  network_.Pump();
  EXPECT_EQ(status.code(), Code::kConnectionFailed);
  EXPECT_NE(status.message().find(AddressOf(2)), std::string::npos) << status.message();
}

TEST_F(AntiEntropyTest, ServedTreeDepthIsBoundedByTheFrameLimit) {
  Start(2);
  std::string body;
  protocol::MerkleTreeRequest request{0, 0, 20};
  protocol::AppendMerkleTreeRequestBody(request, &body);
  protocol::Frame frame;
  frame.header.opcode = static_cast<uint8_t>(protocol::Opcode::kMerkleTree);
  frame.body = body;
  std::string out;
  EXPECT_TRUE(ae(1).HandleRequest(frame, &out).ok());  // 8 MiB fits 16 MiB
  NodeOptions small;
  small.node_id = 9;
  small.limits.max_frame_bytes = 1 << 20;
  small.auth_enabled = false;
  SeededRandom random(1);
  Node lone(small, auth::KeyRing(), &clock_, &random);
  AntiEntropy server(&lone, &nodes_[0]->gossiper(), &network_, options_);
  out.clear();
  EXPECT_EQ(server.HandleRequest(frame, &out).code(), Code::kBadRequest);
}

}  // namespace
}  // namespace memdb
