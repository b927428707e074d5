#include "cluster/gossiper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cluster/ring.h"
#include "common/random.h"

namespace memdb::cluster {
namespace {

constexpr uint64_t kIntervalMs = 1000;
constexpr size_t kTokens = 8;

std::string AddressOfIndex(size_t i) { return "127.0.0.1:" + std::to_string(7001 + i); }

// A cluster of gossipers in one test: every Tick's Syns are delivered at once, Syn -> Ack ->
// Ack2, to the target if it is running. One seed drives everything, printed on failure.
class TestCluster {
 public:
  struct Node {
    NodeIdentity identity;
    std::unique_ptr<SeededRandom> random;
    std::unique_ptr<Gossiper> gossiper;
    bool running = true;
    std::vector<MemberEvent> events;  // every event taken so far
  };

  TestCluster(size_t n, uint64_t seed, size_t seeds = 1) : seed_(seed) {
    SeededRandom ids(seed);
    for (size_t i = 0; i < n; ++i) {
      Node node;
      node.identity.id = static_cast<NodeId>(100 + i * 10 + ids.Uniform(10));
      node.identity.generation = 1;
      node.identity.tokens = Ring::ChooseTokens(ids, kTokens);
      node.identity.first_start = true;
      nodes_.push_back(std::move(node));
    }
    for (size_t i = 0; i < seeds && i < n; ++i) seed_addresses_.push_back(AddressOfIndex(i));
    for (size_t i = 0; i < n; ++i) Start(i, std::nullopt);
  }

  GossipOptions Options(size_t i) const {
    GossipOptions options;
    options.cluster_name = "test";
    options.address = AddressOfIndex(i);
    options.seeds = seed_addresses_;
    options.interval_ms = kIntervalMs;
    return options;
  }

  // (Re)starts node i with its identity as it is now.
  void Start(size_t i, std::optional<MemberStatus> restored) {
    Node& node = nodes_[i];
    node.random = std::make_unique<SeededRandom>(seed_ * 1000 + i + node.identity.generation);
    node.gossiper =
        std::make_unique<Gossiper>(Options(i), node.identity, restored, node.random.get());
    node.running = true;
  }

  // One gossip round: every running node ticks, then the Syns of the round are delivered (so a
  // Syn carries the digests of the round's start, as on a network), then time moves on.
  void Round() {
    std::vector<std::pair<size_t, GossipSend>> sends;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i].running) continue;
      for (GossipSend& send : nodes_[i].gossiper->Tick(now_)) {
        ++syns_;
        EXPECT_NE(send.address, AddressOfIndex(i)) << "a Syn to itself, seed " << seed_;
        sends.emplace_back(i, std::move(send));
      }
    }
    for (const auto& [from, send] : sends) Deliver(from, send);
    for (Node& node : nodes_) {
      if (!node.running) continue;
      for (const MemberEvent& e : node.gossiper->TakeEvents()) node.events.push_back(e);
    }
    now_ += kIntervalMs;
  }

  void Deliver(size_t from, const GossipSend& send) {
    for (size_t j = 0; j < nodes_.size(); ++j) {
      if (AddressOfIndex(j) != send.address) continue;
      if (!nodes_[j].running || (blocked && blocked(from, j))) return;
      GossipAck ack = nodes_[j].gossiper->OnSyn(send.syn, now_);
      std::optional<GossipAck2> ack2 = nodes_[from].gossiper->OnAck(ack, now_);
      if (ack2.has_value()) nodes_[j].gossiper->OnAck2(*ack2, now_);
      return;
    }
  }

  // True when every running node has the same members (ids, generations, addresses,
  // statuses, tokens) and the same ring, and every member is known by all.
  bool Converged() const {
    const Gossiper* first = nullptr;
    for (const Node& node : nodes_) {
      if (!node.running) continue;
      if (first == nullptr) {
        first = node.gossiper.get();
        continue;
      }
      if (!SameMembership(*first, *node.gossiper)) return false;
    }
    if (first == nullptr) return true;
    size_t running = 0;
    for (const Node& node : nodes_) running += node.running ? 1 : 0;
    return first->Snapshot().size() >= running;
  }

  static bool SameMembership(const Gossiper& a, const Gossiper& b) {
    std::vector<MemberState> sa = a.Snapshot();
    std::vector<MemberState> sb = b.Snapshot();
    if (sa.size() != sb.size()) return false;
    for (size_t k = 0; k < sa.size(); ++k) {
      if (sa[k].id != sb[k].id || sa[k].generation != sb[k].generation ||
          sa[k].address.value != sb[k].address.value || sa[k].status.value != sb[k].status.value ||
          sa[k].tokens.value != sb[k].tokens.value) {
        return false;
      }
    }
    return a.ring().tokens() == b.ring().tokens();
  }

  // Rounds until Converged(); returns how many were needed (max_rounds + 1 if never).
  int RunUntilConverged(int max_rounds) {
    for (int r = 1; r <= max_rounds; ++r) {
      Round();
      if (Converged()) return r;
    }
    return max_rounds + 1;
  }

  // Syns from a to b are lost when blocked(a, b) (a partition; the exchange never starts).
  std::function<bool(size_t, size_t)> blocked;

  Node& node(size_t i) { return nodes_[i]; }
  Gossiper& g(size_t i) { return *nodes_[i].gossiper; }
  size_t size() const { return nodes_.size(); }
  uint64_t now() const { return now_; }
  uint64_t syns() const { return syns_; }

  static bool HasEvent(const std::vector<MemberEvent>& events, MemberEventKind kind, NodeId node) {
    for (const MemberEvent& e : events) {
      if (e.kind == kind && e.node == node) return true;
    }
    return false;
  }

 private:
  uint64_t seed_;
  std::vector<std::string> seed_addresses_;
  std::vector<Node> nodes_;
  uint64_t now_ = 1'000'000;
  uint64_t syns_ = 0;
};

// ---------------------------------------------------------------------------------------------

TEST(Gossiper, SeedIsNormalAtOnceOthersAfterTheirFirstExchange) {
  TestCluster c(2, 1);
  EXPECT_TRUE(c.g(0).is_seed());
  EXPECT_FALSE(c.g(1).is_seed());
  EXPECT_EQ(c.g(0).self().status.value, MemberStatus::kNormal);
  EXPECT_EQ(c.g(1).self().status.value, MemberStatus::kJoining);
  // The seed's ring holds itself; a joining node's own tokens are not in its ring yet.
  EXPECT_EQ(c.g(0).ring().node_count(), 1u);
  EXPECT_EQ(c.g(1).ring().node_count(), 0u);

  // The seed knows nobody and has no other seed: it sends nothing (never to itself).
  EXPECT_TRUE(c.g(0).Tick(c.now()).empty());
  std::vector<GossipSend> sends = c.g(1).Tick(c.now());
  ASSERT_EQ(sends.size(), 1u);  // no live peer: always a seed
  EXPECT_EQ(sends[0].address, AddressOfIndex(0));
  EXPECT_EQ(sends[0].node, NodeId{0});  // the seed's id is not known yet
  c.Deliver(1, sends[0]);
  EXPECT_EQ(c.g(1).self().status.value, MemberStatus::kNormal);
  std::vector<MemberEvent> events = c.g(1).TakeEvents();
  EXPECT_TRUE(TestCluster::HasEvent(events, MemberEventKind::kDiscovered, c.g(0).self_id()));
  EXPECT_TRUE(TestCluster::HasEvent(events, MemberEventKind::kStatusChanged, c.g(1).self_id()));
}

TEST(Gossiper, TwoNodesConvergeOnMembersAndRing) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    TestCluster c(2, seed);
    int rounds = c.RunUntilConverged(10);
    ASSERT_LE(rounds, 3) << "seed " << seed;
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(c.g(i).Snapshot().size(), 2u) << "seed " << seed;
      EXPECT_EQ(c.g(i).ring().node_count(), 2u) << "seed " << seed;
      EXPECT_EQ(c.g(i).ring().token_count(), 2 * kTokens) << "seed " << seed;
      for (const MemberState& m : c.g(i).Snapshot()) {
        EXPECT_EQ(m.status.value, MemberStatus::kNormal) << "seed " << seed;
      }
    }
    // A further round makes both see each other up (the verdict is taken at Tick).
    c.Round();
    EXPECT_TRUE(c.g(0).IsUp(c.g(1).self_id())) << "seed " << seed;
    EXPECT_TRUE(c.g(1).IsUp(c.g(0).self_id())) << "seed " << seed;
    EXPECT_TRUE(TestCluster::HasEvent(c.node(0).events, MemberEventKind::kUp, c.g(1).self_id()));
  }
}

TEST(Gossiper, FiveNodesConvergeWithinBoundedRounds) {
  int worst = 0;
  int total = 0;
  constexpr int kSeeds = 50;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    TestCluster c(5, seed);
    int rounds = c.RunUntilConverged(30);
    ASSERT_LE(rounds, 10) << "seed " << seed;
    worst = std::max(worst, rounds);
    total += rounds;
    const Ring& ring = c.g(0).ring();
    EXPECT_EQ(ring.node_count(), 5u) << "seed " << seed;
    EXPECT_EQ(ring.token_count(), 5 * kTokens) << "seed " << seed;
    // Same owner for any key everywhere.
    for (size_t i = 1; i < c.size(); ++i) {
      EXPECT_EQ(c.g(i).ring().OwnerOfKey("k"), ring.OwnerOfKey("k")) << "seed " << seed;
    }
  }
  std::printf("[gossiper] 5 nodes, 1 seed: rounds to converge mean %.2f, worst %d (%d seeds)\n",
              static_cast<double>(total) / kSeeds, worst, kSeeds);
}

TEST(Gossiper, FiveNodesWithTwoSeedsConverge) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    TestCluster c(5, seed, /*seeds=*/2);
    EXPECT_TRUE(c.g(1).is_seed());
    ASSERT_LE(c.RunUntilConverged(30), 10) << "seed " << seed;
  }
}

TEST(Gossiper, SameSeedGivesTheSameRun) {
  auto trace = [](uint64_t seed) {
    TestCluster c(5, seed);
    std::string out;
    for (int r = 0; r < 15; ++r) {
      c.Round();
      for (size_t i = 0; i < c.size(); ++i) {
        out += std::to_string(c.g(i).Snapshot().size()) + "/" +
               std::to_string(c.g(i).ring_version()) + ",";
      }
    }
    return out + std::to_string(c.syns());
  };
  EXPECT_EQ(trace(7), trace(7));
}

TEST(Gossiper, RestartedNodeReplacesItsOldStateEverywhere) {
  constexpr uint64_t kSeed = 3;
  TestCluster c(5, kSeed);
  ASSERT_LE(c.RunUntilConverged(20), 20) << "seed " << kSeed;
  const NodeId restarted = c.g(3).self_id();
  const uint64_t old_ring_version = c.g(0).ring_version();
  const uint64_t old_membership_version = c.g(0).membership_version();
  c.node(3).identity.generation = 2;
  c.Start(3, MemberStatus::kNormal);  // keeps its status: normal at once
  EXPECT_EQ(c.g(3).self().status.value, MemberStatus::kNormal);
  ASSERT_LE(c.RunUntilConverged(20), 20) << "seed " << kSeed;
  for (size_t i = 0; i < c.size(); ++i) {
    const MemberState* m = c.g(i).Find(restarted);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->generation, 2u) << "node " << i << " seed " << kSeed;
    EXPECT_EQ(m->tokens.value, c.node(3).identity.tokens);
    if (i != 3) {
      EXPECT_TRUE(TestCluster::HasEvent(c.node(i).events, MemberEventKind::kRestarted, restarted))
          << "node " << i << " seed " << kSeed;
    }
  }
  // Same tokens, same statuses: the ring did not move; the new generation is to be persisted.
  EXPECT_EQ(c.g(0).ring_version(), old_ring_version);
  EXPECT_GT(c.g(0).membership_version(), old_membership_version);
}

TEST(Gossiper, StoppedNodeIsDownThenUpWhenItResumes) {
  constexpr uint64_t kSeed = 4;
  TestCluster c(3, kSeed);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  for (int r = 0; r < 30; ++r) c.Round();  // a steady rhythm for the detectors
  const NodeId stopped = c.g(2).self_id();
  ASSERT_TRUE(c.g(0).IsUp(stopped));
  c.node(2).running = false;
  const uint64_t stopped_at = c.now();
  uint64_t down_after = 0;
  for (int r = 0; r < 60 && down_after == 0; ++r) {
    const uint64_t round_at = c.now();
    c.Round();
    if (TestCluster::HasEvent(c.node(0).events, MemberEventKind::kDown, stopped)) {
      down_after = round_at - stopped_at;
    }
  }
  // Exponential phi with a 1 s mean: convicted after 8 / log10(e) = 18.4 intervals.
  std::printf("[gossiper] stopped node marked down after %llu ms\n",
              static_cast<unsigned long long>(down_after));
  EXPECT_GE(down_after, 17'000u);
  EXPECT_LE(down_after, 22'000u);  // plus a gossip hop or two and the mean's jitter
  EXPECT_FALSE(c.g(0).IsUp(stopped));
  EXPECT_TRUE(c.g(0).IsUp(c.g(1).self_id()));

  // It resumes (same generation: a pause): up again after an exchange and a Tick.
  c.node(2).running = true;
  for (int r = 0; r < 5 && c.g(0).IsUp(stopped) == false; ++r) c.Round();
  EXPECT_TRUE(c.g(0).IsUp(stopped));
  int ups = 0;
  for (const MemberEvent& e : c.node(0).events) {
    ups += (e.kind == MemberEventKind::kUp && e.node == stopped) ? 1 : 0;
  }
  EXPECT_EQ(ups, 2);  // first contact, and after the pause
}

TEST(Gossiper, AfterConvergenceOnlyHeartbeatsTravel) {
  TestCluster c(3, 5);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  c.Round();
  std::vector<GossipSend> sends = c.g(1).Tick(c.now());
  ASSERT_FALSE(sends.empty());
  size_t target = sends[0].address == AddressOfIndex(0) ? 0 : 2;
  GossipAck ack = c.g(target).OnSyn(sends[0].syn, c.now());
  // The receiver is behind on the initiator's heartbeat: it asks for it, naming what it has.
  ASSERT_EQ(ack.requests.size(), 1u);
  EXPECT_EQ(ack.requests[0].id, c.g(1).self_id());
  for (const MemberState& d : ack.deltas) {
    EXPECT_EQ(d.address.version, 0u);
    EXPECT_EQ(d.status.version, 0u);
    EXPECT_EQ(d.tokens.version, 0u);
    EXPECT_TRUE(d.tokens.value.empty());
  }
  std::optional<GossipAck2> ack2 = c.g(1).OnAck(ack, c.now());
  ASSERT_TRUE(ack2.has_value());
  ASSERT_EQ(ack2->deltas.size(), 1u);
  EXPECT_EQ(ack2->deltas[0].id, c.g(1).self_id());
  EXPECT_EQ(ack2->deltas[0].heartbeat, c.g(1).self().heartbeat);
  EXPECT_EQ(ack2->deltas[0].tokens.version, 0u);
  EXPECT_EQ(ack2->deltas[0].address.version, 0u);
  EXPECT_EQ(ack2->deltas[0].status.version, 0u);
  c.g(target).OnAck2(*ack2, c.now());
  EXPECT_EQ(c.g(target).Find(c.g(1).self_id())->heartbeat, c.g(1).self().heartbeat);
}

TEST(Gossiper, SynFromAnotherClusterChangesNothing) {
  TestCluster c(2, 6);
  SeededRandom random(6);
  GossipOptions options;
  options.cluster_name = "other";
  options.address = "127.0.0.1:9999";
  options.seeds = {AddressOfIndex(0)};
  NodeIdentity identity{999, 1, Ring::ChooseTokens(random, kTokens), true};
  Gossiper stranger(options, identity, std::nullopt, &random);

  std::vector<GossipSend> sends = stranger.Tick(c.now());
  ASSERT_EQ(sends.size(), 1u);
  const uint64_t version = c.g(0).membership_version();
  GossipAck ack = c.g(0).OnSyn(sends[0].syn, c.now());
  EXPECT_TRUE(ack.requests.empty());
  EXPECT_TRUE(ack.deltas.empty());
  EXPECT_EQ(c.g(0).Snapshot().size(), 1u);
  EXPECT_EQ(c.g(0).membership_version(), version);
  EXPECT_FALSE(stranger.OnAck(ack, c.now()).has_value());
  EXPECT_EQ(stranger.self().status.value, MemberStatus::kJoining);  // nothing was completed
  EXPECT_EQ(stranger.Snapshot().size(), 1u);
}

TEST(Gossiper, RestoredPeersAreKnownDownAndInTheRing) {
  SeededRandom random(8);
  MemberState peer;
  peer.id = 42;
  peer.generation = 3;
  peer.address = {"127.0.0.1:7100", 1};
  peer.status = {MemberStatus::kNormal, 2};
  peer.tokens = {Ring::ChooseTokens(random, kTokens), 3};
  MemberState joining = peer;
  joining.id = 43;
  joining.address.value = "127.0.0.1:7101";
  joining.status.value = MemberStatus::kJoining;
  joining.tokens.value = Ring::ChooseTokens(random, kTokens);

  GossipOptions options;
  options.address = "127.0.0.1:7000";
  NodeIdentity identity{7, 2, Ring::ChooseTokens(random, kTokens), false};
  MemberState old_self;
  old_self.id = 7;
  old_self.generation = 1;
  old_self.status = {MemberStatus::kLeaving, 9};
  Gossiper g(options, identity, MemberStatus::kNormal, &random);
  g.Restore({peer, joining, old_self});

  EXPECT_EQ(g.self().status.value, MemberStatus::kNormal);  // the restored status is kept
  EXPECT_EQ(g.self().generation, 2u);                       // not the old entry's
  ASSERT_NE(g.Find(42), nullptr);
  EXPECT_EQ(g.AddressOf(42), "127.0.0.1:7100");
  EXPECT_FALSE(g.IsUp(42));
  EXPECT_EQ(g.ring().node_count(), 2u);  // itself and 42; 43 is joining
  EXPECT_EQ(g.ring().token_count(), 2 * kTokens);
  for (const MemberView& v : g.Members(0)) {
    if (!v.self) {
      EXPECT_FALSE(v.up);
    }
  }
  // No live peer and no seed: the known (unreachable) peers are tried.
  std::vector<GossipSend> sends = g.Tick(1000);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_TRUE(sends[0].node == 42 || sends[0].node == 43);
  EXPECT_TRUE(g.TakeEvents().empty());  // still down: no up/down change
}

TEST(Gossiper, StateAboutOurOwnIdIsNeverMerged) {
  SeededRandom random(9);
  GossipOptions options;
  options.address = "127.0.0.1:7000";
  NodeIdentity identity{7, 5, Ring::ChooseTokens(random, kTokens), false};
  Gossiper g(options, identity, MemberStatus::kNormal, &random);
  const MemberState before = g.self();

  GossipAck ack;
  MemberState imposter = before;
  imposter.generation = 6;  // another process runs with our identity
  imposter.address = {"10.0.0.1:1", 1};
  ack.deltas.push_back(imposter);
  MemberState older = before;
  older.generation = 5;
  older.heartbeat = 1000;
  older.status = {MemberStatus::kLeft, 999};
  ack.deltas.push_back(older);
  (void)g.OnAck(ack, 0);
  EXPECT_EQ(g.self().address.value, before.address.value);
  EXPECT_EQ(g.self().status.value, MemberStatus::kNormal);
  EXPECT_EQ(g.self().heartbeat, before.heartbeat);
  EXPECT_EQ(g.self().generation, 5u);
  EXPECT_EQ(g.identity_conflicts(), 1u);

  // A Syn claiming a newer life of ours is not requested either.
  GossipSyn syn{"memdb", {{7, 6, 1}}};
  GossipAck reply = g.OnSyn(syn, 0);
  EXPECT_TRUE(reply.requests.empty());
  EXPECT_EQ(g.identity_conflicts(), 2u);
}

TEST(Gossiper, KeysHeldIsPublishedOnlyEveryRefreshRoundsWhenChanged) {
  SeededRandom random(10);
  GossipOptions options;
  options.address = "127.0.0.1:7000";
  options.load_refresh_rounds = 5;
  NodeIdentity identity{7, 1, Ring::ChooseTokens(random, kTokens), true};
  Gossiper g(options, identity, std::nullopt, &random);
  EXPECT_EQ(g.self().keys_held.version, 0u);
  g.SetKeysHeld(10);
  (void)g.Tick(0);
  EXPECT_EQ(g.self().keys_held.value, 10u);  // the first figure goes out at once
  const uint64_t v = g.self().keys_held.version;
  g.SetKeysHeld(20);
  for (int r = 0; r < 4; ++r) {
    (void)g.Tick(1000 * (r + 1));
    EXPECT_EQ(g.self().keys_held.value, 10u) << "round " << r;
  }
  (void)g.Tick(5000);
  EXPECT_EQ(g.self().keys_held.value, 20u);
  EXPECT_GT(g.self().keys_held.version, v);
  // Unchanged: not republished.
  const uint64_t v2 = g.self().keys_held.version;
  g.SetKeysHeld(20);
  for (int r = 0; r < 10; ++r) (void)g.Tick(6000 + 1000 * r);
  EXPECT_EQ(g.self().keys_held.version, v2);
}

TEST(Gossiper, StatusChangeReachesEveryoneAndLeavesTheRing) {
  TestCluster c(3, 11);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  const uint64_t membership_before = c.g(0).membership_version();
  const uint64_t ring_before = c.g(0).ring_version();
  c.g(2).SetStatus(MemberStatus::kLeft);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(c.g(i).ring().node_count(), 2u);
    EXPECT_EQ(c.g(i).Find(c.g(2).self_id())->status.value, MemberStatus::kLeft);
  }
  EXPECT_GT(c.g(0).membership_version(), membership_before);
  EXPECT_GT(c.g(0).ring_version(), ring_before);
  EXPECT_TRUE(
      TestCluster::HasEvent(c.node(0).events, MemberEventKind::kStatusChanged, c.g(2).self_id()));
}

TEST(Gossiper, CatchupProgressReachesEveryoneWithoutTouchingTheRing) {
  TestCluster c(3, 13);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  const uint64_t membership_before = c.g(0).membership_version();
  const uint64_t ring_before = c.g(0).ring_version();
  const NodeId id = c.g(2).self_id();
  EXPECT_EQ(c.g(2).self().catchup.version, 0u);  // never started: absent
  const CatchupProgress running{CatchupPhase::kRunning, 3, 10, 500};
  c.g(2).SetCatchupProgress(running);
  const uint64_t v = c.g(2).self().catchup.version;
  EXPECT_GT(v, 0u);
  c.g(2).SetCatchupProgress(running);  // unchanged: no new version
  EXPECT_EQ(c.g(2).self().catchup.version, v);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(c.g(i).Find(id)->catchup.value, running) << i;
  const CatchupProgress done{CatchupPhase::kDone, 10, 10, 800};
  c.g(2).SetCatchupProgress(done);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(c.g(i).Find(id)->catchup.value, done) << i;
  // Progress is not membership: nothing to persist, the ring stays.
  EXPECT_EQ(c.g(0).membership_version(), membership_before);
  EXPECT_EQ(c.g(0).ring_version(), ring_before);
}

TEST(Gossiper, HeartbeatsAloneDoNotMoveMembershipVersion) {
  TestCluster c(3, 12);
  ASSERT_LE(c.RunUntilConverged(20), 20);
  c.Round();
  const uint64_t version = c.g(0).membership_version();
  const uint64_t ring_version = c.g(0).ring_version();
  for (int r = 0; r < 10; ++r) c.Round();
  EXPECT_EQ(c.g(0).membership_version(), version);
  EXPECT_EQ(c.g(0).ring_version(), ring_version);
}

TEST(Gossiper, SplitHealsThroughTheSeedAfterAPartition) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    TestCluster c(5, seed);
    ASSERT_LE(c.RunUntilConverged(20), 20) << "seed " << seed;
    for (int r = 0; r < 30; ++r) c.Round();  // detectors learn the rhythm (few samples: lenient)
    auto side = [](size_t i) { return i < 3 ? 0 : 1; };
    c.blocked = [&](size_t a, size_t b) { return side(a) != side(b); };
    for (int r = 0; r < 40; ++r) c.Round();  // long enough for both sides to convict the other
    EXPECT_FALSE(c.g(0).IsUp(c.g(4).self_id())) << "seed " << seed;
    EXPECT_FALSE(c.g(4).IsUp(c.g(0).self_id())) << "seed " << seed;
    c.g(4).SetStatus(MemberStatus::kLeaving);  // a change the majority side cannot hear of
    for (int r = 0; r < 3; ++r) c.Round();
    EXPECT_FALSE(TestCluster::SameMembership(c.g(0), c.g(4)));
    c.blocked = nullptr;
    const int rounds = c.RunUntilConverged(30);
    EXPECT_LE(rounds, 10) << "seed " << seed;
    for (int r = 0; r < 3; ++r) c.Round();
    for (size_t i = 0; i < c.size(); ++i) {
      for (size_t j = 0; j < c.size(); ++j) {
        EXPECT_TRUE(c.g(i).IsUp(c.g(j).self_id())) << i << " " << j << " seed " << seed;
      }
    }
  }
}

TEST(Gossiper, PartialStateOfAnUnknownNodeIsNotStored) {
  SeededRandom random(13);
  GossipOptions options;
  options.address = "127.0.0.1:7000";
  Gossiper g(options, NodeIdentity{7, 1, Ring::ChooseTokens(random, kTokens), true},
             MemberStatus::kNormal, &random);
  MemberState whole;
  whole.id = 50;
  whole.generation = 2;
  whole.heartbeat = 9;
  whole.address = {"127.0.0.1:7050", 1};
  whole.status = {MemberStatus::kNormal, 2};
  whole.tokens = {Ring::ChooseTokens(random, kTokens), 3};
  GossipAck2 partial{{DeltaSince(whole, 2, 5)}};  // heartbeat only
  g.OnAck2(partial, 0);
  EXPECT_EQ(g.Find(50), nullptr);
  g.OnAck2(GossipAck2{{whole}}, 0);
  ASSERT_NE(g.Find(50), nullptr);
  // A partial state of a newer life is not taken either; a whole one is.
  MemberState next = whole;
  next.generation = 3;
  g.OnAck2(GossipAck2{{DeltaSince(next, 3, 5)}}, 0);
  EXPECT_EQ(g.Find(50)->generation, 2u);
  g.OnAck2(GossipAck2{{next}}, 0);
  EXPECT_EQ(g.Find(50)->generation, 3u);
  std::vector<MemberEvent> events = g.TakeEvents();
  EXPECT_TRUE(TestCluster::HasEvent(events, MemberEventKind::kDiscovered, 50));
  EXPECT_TRUE(TestCluster::HasEvent(events, MemberEventKind::kRestarted, 50));
}

TEST(Gossiper, ThirtyTwoNodesConverge) {
  int worst = 0;
  int total = 0;
  constexpr int kSeeds = 10;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    TestCluster c(32, seed, /*seeds=*/2);
    const int rounds = c.RunUntilConverged(40);
    ASSERT_LE(rounds, 15) << "seed " << seed;
    worst = std::max(worst, rounds);
    total += rounds;
  }
  std::printf("[gossiper] 32 nodes, 2 seeds: rounds to converge mean %.2f, worst %d (%d seeds)\n",
              static_cast<double>(total) / kSeeds, worst, kSeeds);
}

TEST(Gossiper, EventKindNames) {
  EXPECT_EQ(MemberEventKindName(MemberEventKind::kDiscovered), "discovered");
  EXPECT_EQ(MemberEventKindName(MemberEventKind::kDown), "down");
  EXPECT_EQ(MemberEventKindName(MemberEventKind::kRestarted), "restarted");
}

}  // namespace
}  // namespace memdb::cluster
