#include "cluster/gossip_driver.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "cluster/gossip_messages.h"
#include "common/random.h"
#include "common/sim_file_system.h"
#include "protocol/frame.h"

namespace memdb::cluster {
namespace {

constexpr uint64_t kStartMs = 1'700'000'000'000ULL;
constexpr char kSeedAddress[] = "127.0.0.1:7001";
constexpr char kOtherAddress[] = "127.0.0.1:7002";
constexpr uint8_t kSyn = static_cast<uint8_t>(protocol::Opcode::kGossipSyn);
constexpr uint8_t kAck2 = static_cast<uint8_t>(protocol::Opcode::kGossipAck2);

// A transport whose sends wait in a queue until the test completes them by hand.
class FakeTransport final : public PeerTransport {
 public:
  struct Pending {
    std::string address;
    uint8_t opcode;
    Timestamp timestamp;
    std::string body;
    Done done;
  };

  void Send(const std::string& address, uint8_t opcode, Timestamp timestamp, std::string body,
            uint32_t /*timeout_ms*/, Done done) override {
    pending.push_back({address, opcode, timestamp, std::move(body), std::move(done)});
  }

  Pending Pop() {
    Pending p = std::move(pending.front());
    pending.pop_front();
    return p;
  }

  std::deque<Pending> pending;
};

// One node: its file system, clocks, membership, transport and driver.
struct TestNode {
  TestNode(uint64_t seed, const std::string& address, ManualClock* physical)
      : random(seed), clock(physical) {
    MembershipOptions options;
    options.identity.data_dir = "/data";
    options.identity.tokens_per_node = 8;
    options.gossip.cluster_name = "test";
    options.gossip.address = address;
    options.gossip.seeds = {kSeedAddress};
    EXPECT_TRUE(fs.CreateDir("/data").ok());
    Result<std::unique_ptr<Membership>> opened = Membership::Open(&fs, options, &random);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) membership = std::move(opened).value();
    driver = std::make_unique<GossipDriver>(membership.get(), &transport, &clock, physical);
  }
  Gossiper& gossiper() { return membership->gossiper(); }

  SimFileSystem fs;
  SeededRandom random;
  HybridClock clock;
  std::unique_ptr<Membership> membership;
  FakeTransport transport;
  std::unique_ptr<GossipDriver> driver;
};

class GossipDriverTest : public ::testing::Test {
 protected:
  GossipDriverTest()
      : physical_(kStartMs),
        seed_(1, kSeedAddress, &physical_),
        other_(2, kOtherAddress, &physical_) {}

  ManualClock physical_;
  TestNode seed_;
  TestNode other_;
};

TEST_F(GossipDriverTest, FullExchangeBetweenTwoDrivers) {
  ASSERT_TRUE(seed_.membership && other_.membership);
  other_.driver->OnTimer();
  ASSERT_EQ(other_.transport.pending.size(), 1u);
  FakeTransport::Pending syn = other_.transport.Pop();
  EXPECT_EQ(syn.address, kSeedAddress);
  EXPECT_EQ(syn.opcode, kSyn);
  EXPECT_GT(syn.timestamp, 0u);
  EXPECT_EQ(other_.driver->counters().syns_sent, 1u);
  EXPECT_EQ(other_.driver->counters().bytes_sent, syn.body.size());

  Result<std::string> ack = seed_.driver->HandleSyn(syn.body);
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(seed_.driver->counters().bytes_received, syn.body.size());
  EXPECT_EQ(seed_.driver->counters().bytes_sent, ack->size());

  physical_.Advance(1);
  const Timestamp peer_ts = seed_.clock.Tick() + 1000;  // the peer's clock is a bit ahead
  syn.done(PeerResponse{Status::Ok(), peer_ts, *ack});
  EXPECT_GT(other_.clock.Current(), peer_ts);  // Lamport's receive rule
  EXPECT_EQ(other_.driver->counters().exchanges_completed, 1u);
  EXPECT_EQ(other_.gossiper().self().status.value, MemberStatus::kNormal);
  ASSERT_NE(other_.gossiper().Find(seed_.gossiper().self_id()), nullptr);

  ASSERT_EQ(other_.transport.pending.size(), 1u);
  FakeTransport::Pending ack2 = other_.transport.Pop();
  EXPECT_EQ(ack2.address, kSeedAddress);
  EXPECT_EQ(ack2.opcode, kAck2);
  EXPECT_GT(ack2.timestamp, syn.timestamp);
  ASSERT_TRUE(seed_.driver->HandleAck2(ack2.body).ok());
  ack2.done(PeerResponse{Status::Ok(), seed_.clock.Tick(), ""});
  EXPECT_EQ(other_.driver->counters().send_failures, 0u);
  EXPECT_EQ(other_.driver->counters().bytes_sent, syn.body.size() + ack2.body.size());

  const MemberState* learned = seed_.gossiper().Find(other_.gossiper().self_id());
  ASSERT_NE(learned, nullptr);
  EXPECT_EQ(learned->address.value, kOtherAddress);
  EXPECT_EQ(learned->status.value, MemberStatus::kNormal);
  EXPECT_EQ(learned->tokens.value, other_.membership->identity().tokens);
  EXPECT_EQ(seed_.gossiper().ring().tokens(), other_.gossiper().ring().tokens());
  EXPECT_EQ(seed_.gossiper().ring().node_count(), 2u);

  // The seed now gossips back to the node it learned (up once a Tick saw its heartbeat).
  physical_.Advance(1000);
  seed_.driver->OnTimer();
  ASSERT_EQ(seed_.transport.pending.size(), 1u);
  EXPECT_EQ(seed_.transport.pending.front().address, kOtherAddress);
  EXPECT_EQ(seed_.driver->counters().rounds, 1u);
}

TEST_F(GossipDriverTest, FailedSendsAndBadBodiesAreCounted) {
  ASSERT_TRUE(seed_.membership && other_.membership);
  other_.driver->OnTimer();
  FakeTransport::Pending p = other_.transport.Pop();
  p.done(PeerResponse{Status(Code::kConnectionFailed, "refused"), 0, ""});
  EXPECT_EQ(other_.driver->counters().send_failures, 1u);
  EXPECT_EQ(other_.driver->counters().exchanges_completed, 0u);

  physical_.Advance(1000);
  other_.driver->OnTimer();
  p = other_.transport.Pop();
  p.done(PeerResponse{Status::Ok(), 0, "\x01garbage"});
  EXPECT_EQ(other_.driver->counters().bad_messages, 1u);
  EXPECT_EQ(other_.driver->counters().exchanges_completed, 0u);
  EXPECT_TRUE(other_.transport.pending.empty());  // no Ack2 for an Ack that did not decode
  EXPECT_EQ(other_.gossiper().self().status.value, MemberStatus::kJoining);

  Result<std::string> bad_syn = seed_.driver->HandleSyn("\x07\x00");
  ASSERT_FALSE(bad_syn.ok());
  EXPECT_EQ(bad_syn.status().code(), Code::kBadRequest);
  Status bad_ack2 = seed_.driver->HandleAck2("");
  EXPECT_EQ(bad_ack2.code(), Code::kBadRequest);
  EXPECT_EQ(seed_.driver->counters().bad_messages, 2u);
  EXPECT_EQ(seed_.gossiper().Snapshot().size(), 1u);

  // An Ack2 that fails to send is counted too.
  physical_.Advance(1000);
  other_.driver->OnTimer();
  p = other_.transport.Pop();
  Result<std::string> ack = seed_.driver->HandleSyn(p.body);
  ASSERT_TRUE(ack.ok());
  p.done(PeerResponse{Status::Ok(), seed_.clock.Tick(), *ack});
  ASSERT_EQ(other_.transport.pending.size(), 1u);
  p = other_.transport.Pop();
  p.done(PeerResponse{Status(Code::kTimeout, "no answer"), 0, ""});
  EXPECT_EQ(other_.driver->counters().send_failures, 2u);
}

TEST_F(GossipDriverTest, SynFromAnotherClusterIsCountedAndAnsweredEmpty) {
  ASSERT_TRUE(seed_.membership);
  GossipSyn syn;
  syn.cluster_name = "other";
  syn.digests.push_back({99, 1, 5});
  std::string body;
  EncodeGossipSyn(syn, &body);
  Result<std::string> ack_body = seed_.driver->HandleSyn(body);
  ASSERT_TRUE(ack_body.ok());
  GossipAck ack;
  ASSERT_TRUE(DecodeGossipAck(*ack_body, &ack).ok());
  EXPECT_TRUE(ack.requests.empty());
  EXPECT_TRUE(ack.deltas.empty());
  EXPECT_EQ(seed_.driver->counters().foreign_cluster, 1u);
  EXPECT_EQ(seed_.gossiper().Snapshot().size(), 1u);
}

}  // namespace
}  // namespace memdb::cluster
