// Tests of the simulator's own machinery: world, network, transport, nodes. Whole runs are in
// sim_gossip_test.cc and under ctest as sim.gossip.*.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "network.h"
#include "sim_node.h"
#include "sim_transport.h"
#include "world.h"

namespace memdb::sim {
namespace {

TEST(SimWorld, RunsEventsInTimeThenSequenceOrder) {
  World world(1);
  std::vector<int> order;
  world.At(10, kWorldOwner, "t", [&] { order.push_back(2); });
  world.At(5, kWorldOwner, "t", [&] { order.push_back(1); });
  world.At(10, kWorldOwner, "t", [&] { order.push_back(3); });
  world.RunUntil(100);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(world.now_ms(), 100u);
}

TEST(SimWorld, PausedOwnerRunsItsEventsInOrderAtResume) {
  World world(1);
  OwnerId n = world.AddOwner("n1");
  std::vector<std::pair<int, uint64_t>> ran;
  world.At(10, n, "t", [&] { ran.push_back({1, world.now_ms()}); });
  world.At(20, n, "t", [&] { ran.push_back({2, world.now_ms()}); });
  world.At(15, kWorldOwner, "t", [&] { ran.push_back({0, world.now_ms()}); });
  world.Pause(n);
  world.RunUntil(50);
  ASSERT_EQ(ran.size(), 1u);  // only the world's event
  world.Resume(n);
  world.RunUntil(60);
  ASSERT_EQ(ran.size(), 3u);
  EXPECT_EQ(ran[1], (std::pair<int, uint64_t>{1, 50}));
  EXPECT_EQ(ran[2], (std::pair<int, uint64_t>{2, 50}));
}

TEST(SimWorld, DiscardedOwnerEventsNeverRun) {
  World world(1);
  OwnerId n = world.AddOwner("n1");
  int ran = 0;
  world.At(10, n, "t", [&] { ++ran; });
  world.Pause(n);
  world.At(20, n, "t", [&] { ++ran; });
  world.RunUntil(30);  // both deferred
  world.DiscardOwner(n);
  world.Resume(n);
  world.At(40, n, "t", [&] { ran += 10; });  // scheduled after: runs
  world.RunUntil(50);
  EXPECT_EQ(ran, 10);
}

TEST(SimWorld, SameSeedSameStreams) {
  World a(42), b(42), c(43);
  EXPECT_EQ(a.DeriveSeed(), b.DeriveSeed());
  EXPECT_NE(World(42).DeriveSeed(), c.DeriveSeed());
}

TEST(SimLatency, ModelsStayInRange) {
  SeededRandom r(7);
  LatencyModel fixed = LatencyModel::Fixed(7);
  LatencyModel uni = LatencyModel::Uniform(2, 9);
  LatencyModel tail = LatencyModel::LongTail(1, 5, 0.1, 100, 200);
  int slow = 0;
  for (int i = 0; i < 10000; ++i) {
    EXPECT_EQ(fixed.Sample(r), 7u);
    uint64_t u = uni.Sample(r);
    EXPECT_GE(u, 2u);
    EXPECT_LE(u, 9u);
    uint64_t t = tail.Sample(r);
    EXPECT_TRUE((t >= 1 && t <= 5) || (t >= 100 && t <= 200)) << t;
    slow += t >= 100;
  }
  EXPECT_GT(slow, 800);  // about 10%
  EXPECT_LT(slow, 1200);
  EXPECT_EQ(tail.Max(), 200u);
}

// Two nodes with an echo handler, driven through SimTransport.
class TransportTest : public ::testing::Test {
 protected:
  TransportTest() : world_(3), network_(&world_, 99) {
    a_ = network_.Attach("a:1", world_.AddOwner("a"));
    b_owner_ = world_.AddOwner("b");
    b_ = network_.Attach("b:1", b_owner_);
    network_.SetHandler(b_, [this](uint8_t, Timestamp ts, std::string_view body) {
      ++handled_;
      return Reply{Status(), ts + 1, "echo:" + std::string(body)};
    });
    network_.SetConditions(NetworkConditions{LatencyModel::Fixed(10), 0, 0});
  }
  std::unique_ptr<SimTransport> Transport() {
    return std::make_unique<SimTransport>(&world_, &network_, a_, 1, 500);
  }

  World world_;
  Network network_;
  Network::EndpointId a_, b_;
  OwnerId b_owner_;
  int handled_ = 0;
};

TEST_F(TransportTest, ReplyArrivesAfterTwoTripsNeverInsideSend) {
  auto t = Transport();
  std::vector<std::pair<Code, std::string>> got;
  uint64_t at = 0;
  t->Send("b:1", 0x50, 41, "hi", 0, [&](const cluster::PeerResponse& r) {
    got.push_back({r.status.code(), std::string(r.body)});
    EXPECT_EQ(r.timestamp, 42u);
    at = world_.now_ms();
  });
  EXPECT_TRUE(got.empty());
  world_.RunUntil(2000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (std::pair<Code, std::string>{Code::kOk, "echo:hi"}));
  EXPECT_EQ(at, 20u);
}

TEST_F(TransportTest, DuplicatesAreHandledTwiceButCompleteOnce) {
  network_.SetConditions(NetworkConditions{LatencyModel::Uniform(1, 50), 0, 1.0});
  auto t = Transport();
  int done = 0;
  t->Send("b:1", 0x50, 1, "x", 0, [&](const cluster::PeerResponse& r) {
    EXPECT_TRUE(r.status.ok());
    ++done;
  });
  world_.RunUntil(2000);
  EXPECT_EQ(done, 1);
  EXPECT_EQ(handled_, 2);
}

TEST_F(TransportTest, LossPartitionAndDownEndInTimeout) {
  auto t = Transport();
  std::vector<Code> codes;
  auto record = [&](const cluster::PeerResponse& r) { codes.push_back(r.status.code()); };
  network_.SetConditions(NetworkConditions{LatencyModel::Fixed(10), 1.0, 0});
  t->Send("b:1", 0x50, 1, "lost", 0, record);
  world_.RunUntil(world_.now_ms() + 1000);
  network_.SetConditions(NetworkConditions{LatencyModel::Fixed(10), 0, 0});
  network_.Block({b_}, {a_});  // one way: the request gets there, the reply does not
  t->Send("b:1", 0x50, 1, "oneway", 0, record);
  world_.RunUntil(world_.now_ms() + 1000);
  EXPECT_EQ(handled_, 1);
  network_.Heal();
  network_.SetHandler(b_, nullptr);  // down
  t->Send("b:1", 0x50, 1, "down", 0, record);
  t->Send("nowhere:1", 0x50, 1, "x", 0, record);
  world_.RunUntil(world_.now_ms() + 1000);
  EXPECT_EQ(codes, (std::vector<Code>{Code::kTimeout, Code::kTimeout, Code::kConnectionFailed,
                                      Code::kTimeout}));
}

TEST_F(TransportTest, PausedPeerAnswersAfterResumeOrTimesOut) {
  auto t = Transport();
  std::vector<Code> codes;
  world_.Pause(b_owner_);
  t->Send("b:1", 0x50, 1, "x", 0,
          [&](const cluster::PeerResponse& r) { codes.push_back(r.status.code()); });
  world_.RunUntil(100);
  world_.Resume(b_owner_);  // answers at 100, arrives at 110: before the 500 ms timeout
  world_.RunUntil(1000);
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0], Code::kOk);
}

TEST_F(TransportTest, DestroyedTransportForgetsPendingRequests) {
  auto t = Transport();
  int done = 0;
  t->Send("b:1", 0x50, 1, "x", 0, [&](const cluster::PeerResponse&) { ++done; });
  t.reset();
  world_.RunUntil(2000);
  EXPECT_EQ(done, 0);
}

// A process with a counter timer and an echo handler: what a crash takes away.
struct CounterProcess : Process {
  int ticks = 0;
};

TEST(SimNode, CrashDropsMemoryAndTimersKeepsSyncedDisk) {
  World world(5);
  Network network(&world, 6, NetworkConditions{LatencyModel::Fixed(1), 0, 0});
  SimNode node(&world, &network, 1, "n1:7000", 77, NodeOptions{});
  CounterProcess* live = nullptr;
  auto boot = [&](SimNode& n) -> Result<std::unique_ptr<Process>> {
    auto p = std::make_unique<CounterProcess>();
    CounterProcess* raw = p.get();
    live = raw;
    n.Every(100, 100, "count", [raw] { ++raw->ticks; });
    return std::unique_ptr<Process>(std::move(p));
  };
  ASSERT_TRUE(node.Start(boot).ok());
  world.RunUntil(1050);
  EXPECT_EQ(live->ticks, 10);
  node.Pause();
  world.RunUntil(2050);
  EXPECT_EQ(live->ticks, 10);
  node.Resume();
  world.RunUntil(2060);
  EXPECT_EQ(live->ticks, 11);  // one deferred tick, not ten
  // The disk: what was synced survives the crash, the rest does not.
  {
    auto f = node.disk().OpenWritable("/data/f", OpenMode::kTruncate);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("synced").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE(node.disk().SyncDir("/data").ok());
    ASSERT_TRUE((*f)->Append("+lost").ok());
  }
  node.Crash();
  EXPECT_FALSE(node.running());
  EXPECT_EQ(node.disk().Contents("/data/f"), "synced");
  world.RunUntil(5000);  // the discarded timer must not touch the destroyed process
  ASSERT_TRUE(node.Start(boot).ok());
  EXPECT_EQ(node.starts(), 2u);
  world.RunUntil(5150);
  EXPECT_EQ(live->ticks, 1);
}

TEST(SimNode, WallClockHasItsOffset) {
  World world(5);
  Network network(&world, 6);
  NodeOptions o;
  o.clock_offset_ms = -30;
  SimNode node(&world, &network, 1, "n1:7000", 77, o);
  world.RunUntil(1000);
  EXPECT_EQ(node.wall_clock().NowMillis(), kSimEpochMs + 970);
  EXPECT_EQ(node.monotonic_clock().NowMillis(), 1000u);
}

}  // namespace
}  // namespace memdb::sim
