// Catch-up on restart (node/catchup.h): three real Nodes, each with its operation log on its
// own simulated disk, gossiping through a network that hands every peer request to the
// addressed Node's HandleRequest. One node stops, writes go on without it, it restarts and
// catches up: it receives exactly what it missed (and what falls in the margin window), its
// ranges read as not caught up until they are, a log that no longer reaches back falls back to
// the full range sync, a failing peer is replaced by another replica, progress is gossiped.
// Also the server side (HandleRead) on its own.
#include "node/catchup.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
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
#include "oplog/compaction.h"
#include "oplog/segment_flusher.h"
#include "oplog_test_util.h"
#include "protocol/catchup_messages.h"
#include "protocol/codec.h"
#include "protocol/messages.h"
#include "store/key_hash.h"

namespace memdb {
namespace {

using oplog::testing::Snapshot;
using oplog::testing::StoreMap;

constexpr uint64_t kStartMs = 1'700'000'000'000ULL;
constexpr char kDataDir[] = "/data";
constexpr char kOplogDir[] = "/data/oplog";
constexpr uint8_t kCatchupRead = static_cast<uint8_t>(protocol::Opcode::kCatchupRead);

class Network;

// A node's side of the network: requests queue in the Network until the test pumps them.
class TestTransport final : public cluster::PeerTransport {
 public:
  explicit TestTransport(Network* net) : net_(net) {}
  void Send(const std::string& address, uint8_t opcode, Timestamp timestamp, std::string body,
            uint32_t timeout_ms, Done done) override;

 private:
  Network* net_;
};

struct TestNode {
  std::string address;
  SimFileSystem fs;
  SeededRandom random{1};
  std::unique_ptr<cluster::Membership> membership;
  std::unique_ptr<Node> node;
  std::unique_ptr<cluster::GossipDriver> driver;
  std::unique_ptr<oplog::SegmentFlusher> flusher;
  std::unique_ptr<TestTransport> transport;
  bool up = true;
  Timestamp last_applied = 0;

  Catchup& catchup() { return *node->catchup(); }
  NodeId id() const { return membership->identity().id; }
  void Flush(uint64_t now_ms) {
    ASSERT_TRUE(oplog::FlushInline(node->oplog(), flusher.get(), now_ms).ok());
  }
  // The process stops: everything written so far stays on its disk.
  void Stop() {
    driver.reset();
    node.reset();
    flusher.reset();
    membership.reset();
    up = false;
  }
};

class Network {
 public:
  struct Message {
    std::string to;
    uint8_t opcode = 0;
    Timestamp timestamp = 0;
    std::string body;
    cluster::PeerTransport::Done done;
  };

  explicit Network(ManualClock* clock) : clock_(clock) {}

  void Add(TestNode* node) { nodes_.push_back(node); }
  void Enqueue(Message m) { queue_.push_back(std::move(m)); }
  // Requests for which this returns true fail with kConnectionFailed instead.
  std::function<bool(const Message&)> fail;
  // Every request delivered, by opcode.
  std::map<uint8_t, int> delivered;

  // Delivers every queued request (and those sent in answer), in order.
  void Pump() {
    for (int steps = 0; !queue_.empty(); ++steps) {
      ASSERT_LT(steps, 100000) << "requests never stop";
      Message m = std::move(queue_.front());
      queue_.pop_front();
      TestNode* target = Find(m.to);
      if (target == nullptr || !target->up || (fail && fail(m))) {
        m.done(cluster::PeerResponse{Status(Code::kConnectionFailed, "unreachable"), 0, {}});
        continue;
      }
      ++delivered[m.opcode];
      protocol::Frame frame;
      frame.header.opcode = m.opcode;
      frame.header.request_id = ++request_id_;
      frame.header.timestamp = m.timestamp;
      frame.header.body_length = static_cast<uint32_t>(m.body.size());
      frame.body = m.body;
      std::string out;
      target->node->HandleRequest(frame, &out, /*peer=*/true);
      target->Flush(clock_->NowMillis());  // the reply's log barrier, met at once
      const protocol::DecodeResult r =
          protocol::DecodeFrame(out, protocol::Limits{}, /*expect_response=*/true);
      ASSERT_EQ(r.status, protocol::DecodeStatus::kFrame) << r.error_message;
      if (r.frame.header.status == Code::kOk) {
        m.done(cluster::PeerResponse{Status::Ok(), r.frame.header.timestamp, r.frame.body});
      } else {
        std::string_view message;
        ASSERT_TRUE(protocol::ParseErrorResponse(r.frame.body, &message).ok());
        m.done(cluster::PeerResponse{
            Status(r.frame.header.status, std::string(message)), r.frame.header.timestamp, {}});
      }
    }
  }

 private:
  TestNode* Find(const std::string& address) {
    for (TestNode* n : nodes_) {
      if (n->address == address) return n;
    }
    return nullptr;
  }

  ManualClock* clock_;
  std::vector<TestNode*> nodes_;
  std::deque<Message> queue_;
  uint32_t request_id_ = 0;
};

void TestTransport::Send(const std::string& address, uint8_t opcode, Timestamp timestamp,
                         std::string body, uint32_t, Done done) {
  net_->Enqueue({address, opcode, timestamp, std::move(body), std::move(done)});
}

class NodeCatchupTest : public ::testing::Test {
 protected:
  NodeCatchupTest() : clock_(kStartMs), net_(&clock_) {
    options_.replication_factor = 3;
    options_.hints.enabled = false;
    options_.anti_entropy.interval_ms = 0;  // only the catch-up's full syncs
    options_.catchup.margin_ms = 10'000;
    for (int i = 0; i < 3; ++i) {
      nodes_[i].address = "127.0.0.1:" + std::to_string(7001 + i);
      nodes_[i].random = SeededRandom(100 + i);
      net_.Add(&nodes_[i]);
    }
  }

  void SetUp() override {
    for (TestNode& n : nodes_) Boot(n, /*restart=*/false);
    ASSERT_TRUE(Converge());
    Settle();
  }

  // A few more rounds: the members files catch up with what gossip learned last.
  void Settle() {
    for (int r = 0; r < 3; ++r) Round();
  }

  // Starts a node on its disk: membership, recovery, log, cluster, replication; at a restart
  // also the catch-up from the recovered log's last timestamp.
  void Boot(TestNode& n, bool restart) {
    cluster::MembershipOptions m;
    m.identity.data_dir = kDataDir;
    m.identity.tokens_per_node = 8;
    m.gossip.cluster_name = "test";
    m.gossip.address = n.address;
    m.gossip.seeds = {nodes_[0].address};
    if (!n.fs.Exists(kDataDir)) {
      ASSERT_TRUE(n.fs.CreateDir(kDataDir).ok());
    }
    auto membership = cluster::Membership::Open(&n.fs, m, &n.random);
    ASSERT_TRUE(membership.ok()) << membership.status().ToString();
    n.membership = std::move(membership).value();
    NodeOptions options;
    options.node_id = n.membership->identity().id;
    options.auth_enabled = false;
    n.node = std::make_unique<Node>(options, auth::KeyRing(), &clock_, &n.random);
    auto report = n.node->Recover(&n.fs, oplog::RecoveryOptions{kOplogDir});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    n.last_applied = report->max_timestamp;
    oplog::OplogWriterOptions writer;
    writer.dir = kOplogDir;
    writer.segment_bytes = segment_bytes_;
    MaintenanceOptions maintenance;
    n.node->AttachOplog(std::make_unique<oplog::OplogWriter>(writer, report->writer_start()),
                        maintenance);
    n.flusher = std::make_unique<oplog::SegmentFlusher>(&n.fs, kOplogDir);
    n.transport = std::make_unique<TestTransport>(&net_);
    n.driver = std::make_unique<cluster::GossipDriver>(n.membership.get(), n.transport.get(),
                                                       &n.node->clock(), &clock_);
    n.node->AttachCluster(n.driver.get(), &clock_);
    ASSERT_TRUE(n.node->AttachReplication(n.transport.get(), &n.fs, options_).ok());
    n.up = true;
    if (restart) n.node->StartCatchup(n.last_applied);
  }

  void Restart(TestNode& n) {
    n.Stop();
    Boot(n, /*restart=*/true);
  }

  // One gossip interval: every running node's timer, then the network settles.
  void Round() {
    clock_.Advance(1000);
    for (TestNode& n : nodes_) {
      if (n.up) n.node->OnGossipTimer();
    }
    net_.Pump();
    for (TestNode& n : nodes_) {
      if (n.up) n.Flush(clock_.NowMillis());
    }
  }

  // Every running node sees every running node up and normal, the ring whole.
  bool Converge(int max_rounds = 40) {
    for (int r = 0; r < max_rounds; ++r) {
      Round();
      bool done = true;
      for (TestNode& a : nodes_) {
        if (!a.up) continue;
        const cluster::Gossiper& g = a.membership->gossiper();
        if (g.ring().node_count() != 3) done = false;
        for (TestNode& b : nodes_) {
          if (b.up && !g.IsUp(b.id())) done = false;
        }
      }
      if (done) return true;
    }
    return false;
  }

  bool RunUntilCaughtUp(TestNode& n, int max_rounds = 40) {
    for (int r = 0; r < max_rounds; ++r) {
      if (!n.catchup().active()) return true;
      Round();
    }
    return !n.catchup().active();
  }

  // A write coordinated by nodes_[0], applied to every node that is up (rf 3 of 3 nodes:
  // every node replicates every key).
  void Put(const std::string& key, const std::string& value) {
    Result<Version> v = nodes_[0].node->Set(key, value);
    ASSERT_TRUE(v.ok());
    for (int i = 1; i < 3; ++i) {
      if (nodes_[i].up) {
        ASSERT_TRUE(nodes_[i].node->ApplyPut(key, value, *v).ok());
      }
    }
  }
  void Del(const std::string& key) {
    Result<protocol::DelResult> d = nodes_[0].node->Del(key);
    ASSERT_TRUE(d.ok());
    for (int i = 1; i < 3; ++i) {
      if (nodes_[i].up) {
        ASSERT_TRUE(nodes_[i].node->ApplyDelete(key, d->version).ok());
      }
    }
  }
  void FlushAll() {
    for (TestNode& n : nodes_) {
      if (n.up) n.Flush(clock_.NowMillis());
    }
  }

  uint64_t Stat(TestNode& n, std::string_view name) {
    for (const protocol::Stat& s : n.node->Stats()) {
      if (s.name == name) return s.value;
    }
    ADD_FAILURE() << "no stat " << name;
    return 0;
  }

  // Writes before node 1 stops: 40 keys a minute before the last ones (outside the margin),
  // then 5 (inside it). Node 1 then stops for a minute, during which node 0 and 2 take
  // `missed` writes: new keys, overwrites and deletes.
  void WriteStopAndMiss(int* missed) {
    for (int k = 0; k < 40; ++k) Put("old-" + std::to_string(k), "v1");
    clock_.Advance(60'000);
    for (int k = 0; k < 5; ++k) Put("recent-" + std::to_string(k), "v1");
    FlushAll();
    nodes_[1].Stop();
    clock_.Advance(60'000);
    *missed = 0;
    for (int k = 0; k < 20; ++k, ++*missed) Put("new-" + std::to_string(k), "v");
    for (int k = 0; k < 6; ++k, ++*missed) Put("old-" + std::to_string(k), "v2");
    for (int k = 6; k < 10; ++k, ++*missed) Del("old-" + std::to_string(k));
    Put("new-0", "v-again");  // overwritten twice: both records travel, both are newer
    ++*missed;
    FlushAll();
  }

  ManualClock clock_;
  Network net_;
  ReplicationOptions options_;
  uint64_t segment_bytes_ = 1024;  // many sealed segments: compaction has work
  TestNode nodes_[3];
};

TEST_F(NodeCatchupTest, RestartedNodeReceivesExactlyWhatItMissedPlusTheMarginWindow) {
  int missed = 0;
  WriteStopAndMiss(&missed);
  Restart(nodes_[1]);
  TestNode& b = nodes_[1];
  // Margin: since = last applied - 10 s, in hybrid-timestamp units.
  EXPECT_EQ(b.catchup().since(), b.last_applied - (uint64_t{10'000} << 16));
  ASSERT_TRUE(b.catchup().active());
  ASSERT_TRUE(RunUntilCaughtUp(b));

  EXPECT_EQ(Snapshot(b.node->store()), Snapshot(nodes_[0].node->store()));
  const CatchupCounters& c = b.catchup().counters();
  // Only what was missed is applied; what travels besides is the margin window (the 5 recent
  // writes), never the 40 older ones.
  EXPECT_EQ(c.records_applied, static_cast<uint64_t>(missed));
  EXPECT_EQ(c.records_received, static_cast<uint64_t>(missed) + 5);
  EXPECT_EQ(c.full_syncs, 0u);
  EXPECT_EQ(c.ranges_done, c.ranges_total);
  EXPECT_EQ(c.ranges_total, 24u) << "3 nodes x 8 tokens, all replicated by every node";
  EXPECT_EQ(Stat(b, "catchup_active"), 0u);
  EXPECT_EQ(Stat(b, "catchup_records_applied"), static_cast<uint64_t>(missed));
  EXPECT_EQ(Stat(b, "catchup_records_received"), static_cast<uint64_t>(missed) + 5);
  EXPECT_EQ(Stat(b, "catchup_ranges_done"), 24u);
  EXPECT_GT(Stat(b, "catchup_ms"), 0u);
  EXPECT_EQ(Stat(nodes_[0], "catchup_served_records") + Stat(nodes_[2], "catchup_served_records"),
            static_cast<uint64_t>(missed) + 5);
}

TEST_F(NodeCatchupTest, RangesAreNotCaughtUpUntilTheyAre) {
  // A first start catches up nothing: every key is caught up.
  EXPECT_FALSE(nodes_[1].catchup().active());
  EXPECT_TRUE(nodes_[1].node->IsCaughtUp(KeyHash("anything")));
  int missed = 0;
  WriteStopAndMiss(&missed);
  Restart(nodes_[1]);
  TestNode& b = nodes_[1];
  // Restored peers are down until heard from: nothing can be fetched yet.
  for (int k = 0; k < 20; ++k) {
    EXPECT_FALSE(b.node->IsCaughtUp(KeyHash("new-" + std::to_string(k)))) << k;
  }
  EXPECT_EQ(b.catchup().progress().phase, CatchupPhase::kRunning);
  EXPECT_EQ(b.catchup().progress().ranges_done, 0u);
  ASSERT_TRUE(RunUntilCaughtUp(b));
  for (int k = 0; k < 20; ++k) {
    EXPECT_TRUE(b.node->IsCaughtUp(KeyHash("new-" + std::to_string(k)))) << k;
  }
}

TEST_F(NodeCatchupTest, ProgressIsGossipedToThePeers) {
  int missed = 0;
  WriteStopAndMiss(&missed);
  Restart(nodes_[1]);
  const NodeId b = nodes_[1].id();
  // While peers are still down, the node publishes "running, 0 of 24".
  EXPECT_EQ(nodes_[1].membership->gossiper().self().catchup.value,
            (CatchupProgress{CatchupPhase::kRunning, 0, 24, 0}));
  ASSERT_TRUE(RunUntilCaughtUp(nodes_[1]));
  for (int r = 0; r < 5; ++r) Round();
  const CatchupProgress done{CatchupPhase::kDone, 24, 24, static_cast<uint64_t>(missed)};
  EXPECT_EQ(nodes_[1].membership->gossiper().self().catchup.value, done);
  for (int i : {0, 2}) {
    const cluster::MemberState* seen = nodes_[i].membership->gossiper().Find(b);
    ASSERT_NE(seen, nullptr);
    EXPECT_EQ(seen->catchup.value, done) << "node " << i;
  }
}

TEST_F(NodeCatchupTest, SmallPagesFollowTheCursor) {
  options_.catchup.max_batch_bytes = 100;  // a record or two per page
  // Boot again with the small pages (every node: the server side caps the page too).
  for (TestNode& n : nodes_) n.Stop();
  for (TestNode& n : nodes_) Boot(n, /*restart=*/false);
  ASSERT_TRUE(Converge());
  Settle();
  int missed = 0;
  WriteStopAndMiss(&missed);
  Restart(nodes_[1]);
  ASSERT_TRUE(RunUntilCaughtUp(nodes_[1]));
  EXPECT_EQ(Snapshot(nodes_[1].node->store()), Snapshot(nodes_[0].node->store()));
  const CatchupCounters& c = nodes_[1].catchup().counters();
  EXPECT_EQ(c.records_received, static_cast<uint64_t>(missed) + 5);
  EXPECT_GE(c.requests, 10u) << "many pages, each following the previous one's cursor";
}

TEST_F(NodeCatchupTest, AFailingPeerIsReplacedByAnotherReplica) {
  int missed = 0;
  WriteStopAndMiss(&missed);
  // Node 0 refuses every catch-up read (its gossip still works): node 2 must serve them all.
  net_.fail = [this](const Network::Message& m) {
    return m.opcode == kCatchupRead && m.to == nodes_[0].address;
  };
  Restart(nodes_[1]);
  ASSERT_TRUE(RunUntilCaughtUp(nodes_[1]));
  EXPECT_EQ(Snapshot(nodes_[1].node->store()), Snapshot(nodes_[0].node->store()));
  const CatchupCounters& c = nodes_[1].catchup().counters();
  EXPECT_EQ(c.records_applied, static_cast<uint64_t>(missed));
  EXPECT_EQ(Stat(nodes_[0], "catchup_served_requests"), 0u);
  EXPECT_GT(Stat(nodes_[2], "catchup_served_requests"), 0u);
}

TEST_F(NodeCatchupTest, ALogThatNoLongerReachesBackFallsBackToTheFullRangeSync) {
  int missed = 0;
  WriteStopAndMiss(&missed);
  // Nodes 0 and 2 compact with a tombstone cutoff of now: their logs no longer hold deletes
  // older than that, so a read since before it is too old.
  const Timestamp cutoff = nodes_[0].node->clock().Current();
  for (int i : {0, 2}) {
    Node& n = *nodes_[i].node;
    auto plan = oplog::PlanCompaction(n.oplog(), cutoff, oplog::ReadMode::kStrict);
    ASSERT_TRUE(plan.has_value());
    oplog::CompactionJob job(&nodes_[i].fs, std::move(*plan));
    ASSERT_TRUE(job.Run().ok());
    n.oplog()->OnManifestInstalled(job.result().manifest);
  }
  Restart(nodes_[1]);
  ASSERT_TRUE(RunUntilCaughtUp(nodes_[1]));
  const CatchupCounters& c = nodes_[1].catchup().counters();
  EXPECT_EQ(c.records_received, 0u) << "no record through CATCHUP_READ";
  EXPECT_EQ(c.full_syncs, c.ranges_total) << "each range synced in full";
  EXPECT_EQ(c.full_sync_failures, 0u);
  EXPECT_GT(net_.delivered[static_cast<uint8_t>(protocol::Opcode::kRangeEntries)], 0);
  // The full sync brings the live state (deletes may come as tombstones or as absence).
  StoreMap want = Snapshot(nodes_[0].node->store());
  StoreMap got = Snapshot(nodes_[1].node->store());
  std::erase_if(want, [](const auto& kv) { return kv.second.tombstone; });
  std::erase_if(got, [](const auto& kv) { return kv.second.tombstone; });
  EXPECT_EQ(got, want);
}

TEST_F(NodeCatchupTest, ALoneNodeIsCaughtUpAtOnce) {
  options_.replication_factor = 1;
  Restart(nodes_[1]);  // rf 1: nobody else holds its ranges
  EXPECT_FALSE(nodes_[1].catchup().active());
  EXPECT_EQ(nodes_[1].catchup().progress().phase, CatchupPhase::kDone);
  EXPECT_EQ(nodes_[1].catchup().counters().ranges_total, 8u);
  EXPECT_TRUE(nodes_[1].node->IsCaughtUp(KeyHash("k")));
}

// ---- the serving side alone ----

std::string ReadRequest(Timestamp since, std::vector<protocol::CatchupRange> ranges,
                        protocol::CatchupCursorWire cursor = {}, uint32_t max_bytes = 0) {
  std::string body;
  protocol::AppendCatchupReadBody({since, max_bytes, cursor, std::move(ranges)}, &body);
  return body;
}

Status Serve(TestNode& n, const std::string& body, protocol::CatchupReadResponse* page,
             std::string* storage) {
  protocol::Frame frame;
  frame.header.opcode = kCatchupRead;
  frame.header.request_id = 9;
  frame.body = body;
  storage->clear();
  Status s = n.catchup().HandleRead(frame, storage);
  if (!s.ok()) return s;
  const protocol::DecodeResult r =
      protocol::DecodeFrame(*storage, protocol::Limits{}, /*expect_response=*/true);
  EXPECT_EQ(r.status, protocol::DecodeStatus::kFrame);
  EXPECT_EQ(r.frame.header.request_id, 9u);
  return protocol::ParseCatchupReadResponseBody(r.frame.body, protocol::Limits{}, page);
}

TEST_F(NodeCatchupTest, ServerPagesThroughItsLogWithinTheByteBudget) {
  for (int k = 0; k < 30; ++k) Put("key-" + std::to_string(k), std::string(20, 'x'));
  FlushAll();
  TestNode& a = nodes_[0];
  std::vector<std::string> keys;
  protocol::CatchupCursorWire cursor;
  int pages = 0;
  std::string storage;
  while (true) {
    protocol::CatchupReadResponse page;
    ASSERT_TRUE(Serve(a, ReadRequest(0, {{0, 0}}, cursor, 200), &page, &storage).ok());
    ++pages;
    size_t bytes = 0;
    for (const auto& r : page.records) {
      keys.emplace_back(r.key);
      bytes += protocol::CatchupRecordSize(r);
    }
    EXPECT_LE(bytes, 200u);
    if (page.outcome == protocol::CatchupReadOutcome::kComplete) break;
    ASSERT_EQ(page.outcome, protocol::CatchupReadOutcome::kMore);
    cursor = page.cursor;
    ASSERT_LT(pages, 100);
  }
  ASSERT_EQ(keys.size(), 30u);
  for (int k = 0; k < 30; ++k) EXPECT_EQ(keys[k], "key-" + std::to_string(k));
  EXPECT_GE(pages, 6);
}

TEST_F(NodeCatchupTest, ServerRejectsBadRequestsAndTooOldReads) {
  TestNode& a = nodes_[0];
  protocol::CatchupReadResponse page;
  std::string storage;
  EXPECT_EQ(Serve(a, "xyz", &page, &storage).code(), Code::kBadRequest);
  EXPECT_EQ(Serve(a, ReadRequest(0, {}), &page, &storage).code(), Code::kBadRequest);
  for (int k = 0; k < 60; ++k) Put("k" + std::to_string(k), std::string(20, 'v'));
  FlushAll();
  auto plan =
      oplog::PlanCompaction(a.node->oplog(), a.node->clock().Current(), oplog::ReadMode::kStrict);
  ASSERT_TRUE(plan.has_value());
  oplog::CompactionJob job(&a.fs, std::move(*plan));
  ASSERT_TRUE(job.Run().ok());
  a.node->oplog()->OnManifestInstalled(job.result().manifest);
  ASSERT_TRUE(Serve(a, ReadRequest(0, {{0, 0}}), &page, &storage).ok());
  EXPECT_EQ(page.outcome, protocol::CatchupReadOutcome::kTooOld);
  EXPECT_TRUE(page.records.empty());
}

TEST(NodeCatchupServer, ANodeWithoutALogSaysSoAndTheRequesterSyncsInFull) {
  ManualClock clock(kStartMs);
  SeededRandom random(5);
  NodeOptions options;
  Node node(options, auth::KeyRing(), &clock, &random);  // no oplog attached
  SimFileSystem fs;
  ASSERT_TRUE(fs.CreateDir(kDataDir).ok());
  cluster::MembershipOptions m;
  m.identity.data_dir = kDataDir;
  m.identity.tokens_per_node = 4;
  auto membership = cluster::Membership::Open(&fs, m, &random);
  ASSERT_TRUE(membership.ok());
  TestTransport* no_transport = nullptr;
  Catchup catchup(&node, &(*membership)->gossiper(), no_transport, &fs, nullptr,
                  ReplicationOptions{});
  std::string body;
  protocol::AppendCatchupReadBody({0, 0, {}, {{0, 0}}}, &body);
  protocol::Frame frame;
  frame.header.opcode = kCatchupRead;
  frame.body = body;
  std::string out;
  const Status s = catchup.HandleRead(frame, &out);
  EXPECT_EQ(s.code(), Code::kNotImplemented);
  EXPECT_NE(s.message().find("no operation log"), std::string::npos) << s.ToString();
  EXPECT_TRUE(out.empty());
  // Never started: everything is caught up, nothing active.
  EXPECT_TRUE(catchup.IsCaughtUp(12345));
  EXPECT_FALSE(catchup.active());
}

}  // namespace
}  // namespace memdb
