#include "replication/hint_delivery.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/gossip_messages.h"
#include "cluster/ring.h"
#include "common/random.h"
#include "common/sim_file_system.h"
#include "protocol/frame.h"
#include "protocol/replica_messages.h"

namespace memdb {
namespace {

constexpr uint64_t kPhysicalMs = 1'700'000'000'000ULL;
constexpr NodeId kSelf = 1;
constexpr NodeId kTarget = 2;
constexpr char kTargetAddress[] = "127.0.0.1:7002";
constexpr uint8_t kReplicaWrite = static_cast<uint8_t>(protocol::Opcode::kReplicaWrite);

// Sends wait in a queue until the test answers them. Answers are given the way a replica would:
// a version is applied once, a duplicate answers applied = false.
class FakeTransport final : public cluster::PeerTransport {
 public:
  struct Pending {
    std::string address;
    uint8_t opcode;
    uint32_t timeout_ms;
    protocol::ReplicaWrite write;
    std::string body;  // `write` views it
    Done done;
  };

  void Send(const std::string& address, uint8_t opcode, Timestamp, std::string body,
            uint32_t timeout_ms, Done done) override {
    auto p = std::make_unique<Pending>();
    p->address = address;
    p->opcode = opcode;
    p->timeout_ms = timeout_ms;
    p->body = std::move(body);
    EXPECT_TRUE(protocol::ParseReplicaWriteBody(p->body, protocol::Limits{}, &p->write).ok());
    p->done = std::move(done);
    pending.push_back(std::move(p));
  }

  std::vector<std::string> PendingKeys() const {
    std::vector<std::string> keys;
    for (const auto& p : pending) keys.emplace_back(p->write.key);
    return keys;
  }

  // Answers the oldest send as the replica: applies it if newer.
  void Apply(Timestamp reply_ts = 0) {
    std::unique_ptr<Pending> p = std::move(pending.front());
    pending.pop_front();
    Version& stored = replica[std::string(p->write.key)];
    const bool applied = p->write.version > stored;
    if (applied) stored = p->write.version;
    ++applied_count[std::string(p->write.key)];
    std::string body;
    protocol::AppendReplicaWriteResponseBody(applied, &body);
    p->done(cluster::PeerResponse{Status::Ok(), reply_ts, body});
  }
  // Answers the oldest send with a local error.
  void Fail(Code code = Code::kTimeout) {
    std::unique_ptr<Pending> p = std::move(pending.front());
    pending.pop_front();
    p->done(cluster::PeerResponse{Status(code, "no answer"), 0, {}});
  }

  std::deque<std::unique_ptr<Pending>> pending;
  std::map<std::string, Version> replica;
  std::map<std::string, int> applied_count;  // writes received per key (duplicates included)
};

class HintDeliveryTest : public ::testing::Test {
 protected:
  HintDeliveryTest() : physical_(kPhysicalMs), clock_(&physical_), random_(7) {
    options_.dir = "/data/hints";
    options_.max_in_flight = 3;
    cluster::GossipOptions gossip;
    gossip.cluster_name = "test";
    gossip.address = "127.0.0.1:7001";
    gossiper_ = std::make_unique<cluster::Gossiper>(
        gossip, cluster::NodeIdentity{kSelf, 1, Ring::ChooseTokens(random_, 8), true},
        cluster::MemberStatus::kNormal, &random_);
    OpenStore();
  }

  void OpenStore() {
    delivery_.reset();
    store_.reset();
    auto opened = HintStore::Open(&fs_, options_, 0);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    delivery_ = std::make_unique<HintDelivery>(store_.get(), gossiper_.get(), &transport_, &clock_,
                                               options_);
  }

  // The target's state arrives with a newer heartbeat: up in this node's view.
  void HearFromTarget() {
    cluster::MemberState state;
    state.id = kTarget;
    state.generation = 1;
    state.heartbeat = ++target_heartbeat_;
    state.address = {kTargetAddress, 1};
    state.status = {cluster::MemberStatus::kNormal, 2};
    state.tokens = {Ring::ChooseTokens(random_, 8), 3};
    gossiper_->OnAck2(cluster::GossipAck2{{state}}, now_ms_);
    ASSERT_TRUE(gossiper_->IsUp(kTarget));
  }
  // Long silence: the failure detector convicts the target.
  void TargetGoesDown() {
    now_ms_ += 120'000;
    (void)gossiper_->Tick(now_ms_);
    ASSERT_FALSE(gossiper_->IsUp(kTarget));
  }

  void AddHints(int n, int first = 0) {
    for (int i = first; i < first + n; ++i) {
      const std::string key = "key-" + std::to_string(i);
      const std::string value = "value-" + std::to_string(i);
      oplog::Record r;
      r.type = oplog::RecordType::kPut;
      r.version = Version{Timestamp{100} + static_cast<uint64_t>(i), 9};
      r.key = key;
      r.value = value;
      ASSERT_TRUE(store_->Add(kTarget, r, now_ms_));
    }
  }

  ManualClock physical_;
  HybridClock clock_;
  SeededRandom random_;
  SimFileSystem fs_;
  HintOptions options_;
  std::unique_ptr<cluster::Gossiper> gossiper_;
  FakeTransport transport_;
  std::unique_ptr<HintStore> store_;
  std::unique_ptr<HintDelivery> delivery_;
  uint64_t now_ms_ = 10'000;
  uint64_t target_heartbeat_ = 0;
};

TEST_F(HintDeliveryTest, NothingIsSentToATargetThatIsNotUp) {
  AddHints(2);
  delivery_->Tick(now_ms_);  // never heard of
  EXPECT_TRUE(transport_.pending.empty());
  HearFromTarget();
  TargetGoesDown();
  delivery_->Tick(now_ms_);
  EXPECT_TRUE(transport_.pending.empty());
  EXPECT_EQ(store_->counters().pending, 2u);
}

TEST_F(HintDeliveryTest, StreamsHintsWithAtMostMaxInFlightOutstanding) {
  AddHints(10);
  HearFromTarget();
  delivery_->Tick(now_ms_);
  ASSERT_EQ(transport_.pending.size(), 3u);
  EXPECT_EQ(transport_.PendingKeys(), (std::vector<std::string>{"key-0", "key-1", "key-2"}));
  const FakeTransport::Pending& first = *transport_.pending.front();
  EXPECT_EQ(first.address, kTargetAddress);
  EXPECT_EQ(first.opcode, kReplicaWrite);
  EXPECT_EQ(first.timeout_ms, 0u);
  EXPECT_EQ(first.write.kind, protocol::ReplicaWriteKind::kPut);
  EXPECT_EQ(first.write.version, (Version{100, 9}));
  EXPECT_EQ(first.write.value, "value-0");
  EXPECT_EQ(store_->counters().in_flight, 3u);
  // Each answer starts the next send at once: the window stays full, never over.
  for (int answered = 0; answered < 10; ++answered) {
    ASSERT_FALSE(transport_.pending.empty());
    EXPECT_LE(transport_.pending.size(), 3u);
    transport_.Apply();
  }
  EXPECT_TRUE(transport_.pending.empty());
  EXPECT_EQ(transport_.replica.size(), 10u);
  EXPECT_EQ(store_->counters().delivered, 10u);
  EXPECT_EQ(store_->counters().pending, 0u);
  EXPECT_EQ(store_->counters().in_flight, 0u);
  EXPECT_TRUE(store_->Targets().empty());
  // Delivered hints leave the disk.
  ASSERT_TRUE(store_->Flush().ok());
  EXPECT_FALSE(fs_.Exists("/data/hints/2.hints"));
  EXPECT_EQ(store_->counters().bytes, 0u);
}

TEST_F(HintDeliveryTest, FailureStopsTheTargetUntilTheNextTickThenResendsFirst) {
  AddHints(5);
  HearFromTarget();
  delivery_->Tick(now_ms_);
  ASSERT_EQ(transport_.pending.size(), 3u);
  transport_.Fail();                         // key-0
  EXPECT_EQ(transport_.pending.size(), 2u);  // nothing new
  transport_.Apply();                        // key-1: acknowledged, but the target is stopped
  transport_.Fail(Code::kConnectionFailed);  // key-2
  EXPECT_TRUE(transport_.pending.empty());
  EXPECT_EQ(store_->counters().delivery_failures, 2u);
  EXPECT_EQ(store_->counters().pending, 4u);

  delivery_->Tick(now_ms_ + 1000);
  EXPECT_EQ(transport_.PendingKeys(), (std::vector<std::string>{"key-0", "key-2", "key-3"}));
  while (!transport_.pending.empty()) transport_.Apply();
  EXPECT_EQ(store_->counters().pending, 0u);
  EXPECT_EQ(transport_.replica.size(), 5u);
  EXPECT_EQ(transport_.applied_count["key-1"], 1);
}

TEST_F(HintDeliveryTest, AWireErrorAnswerIsAFailure) {
  AddHints(1);
  HearFromTarget();
  delivery_->Tick(now_ms_);
  ASSERT_EQ(transport_.pending.size(), 1u);
  transport_.Fail(Code::kPermissionDenied);
  EXPECT_EQ(store_->counters().delivery_failures, 1u);
  EXPECT_EQ(store_->counters().pending, 1u);
}

TEST_F(HintDeliveryTest, DeliveredHintsAreNotSentAgainAfterARestart) {
  AddHints(6);
  ASSERT_TRUE(store_->Flush().ok());
  HearFromTarget();
  delivery_->Tick(now_ms_);
  for (int i = 0; i < 3; ++i) transport_.Apply();  // key-0..2 acked, key-3..5 in flight
  ASSERT_EQ(transport_.pending.size(), 3u);
  ASSERT_TRUE(store_->Flush().ok());  // the node's next gossip tick
  fs_.Crash();
  transport_.pending.clear();  // the restarted node never hears those answers
  OpenStore();
  EXPECT_EQ(store_->counters().pending, 3u);
  delivery_->Tick(now_ms_);
  EXPECT_EQ(transport_.PendingKeys(), (std::vector<std::string>{"key-3", "key-4", "key-5"}));
  while (!transport_.pending.empty()) transport_.Apply();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(transport_.applied_count["key-" + std::to_string(i)], 1) << i;
  }
}

TEST_F(HintDeliveryTest, DuplicateDeliveryAfterACrashIsHarmless) {
  AddHints(4);
  ASSERT_TRUE(store_->Flush().ok());
  HearFromTarget();
  delivery_->Tick(now_ms_);
  while (!transport_.pending.empty()) transport_.Apply();
  const std::map<std::string, Version> replica_before = transport_.replica;
  fs_.Crash();  // the acks were never flushed
  OpenStore();
  delivery_->Tick(now_ms_);
  while (!transport_.pending.empty()) transport_.Apply();
  // Every hint arrived twice; the replica's state did not change; the duplicates (answered
  // "not applied") still count as delivered.
  EXPECT_EQ(transport_.applied_count["key-0"], 2);
  EXPECT_EQ(transport_.replica, replica_before);
  EXPECT_EQ(store_->counters().delivered, 4u);
  EXPECT_EQ(store_->counters().pending, 0u);
}

TEST_F(HintDeliveryTest, ResponseTimestampsAreObserved) {
  AddHints(1);
  HearFromTarget();
  delivery_->Tick(now_ms_);
  const Timestamp peer_ts = (kPhysicalMs + 5000) << kHlcLogicalBits;
  transport_.Apply(peer_ts);
  EXPECT_GT(clock_.Current(), peer_ts);
}

TEST_F(HintDeliveryTest, AnswersAfterTheDeliveryIsGoneAreIgnored) {
  AddHints(2);
  HearFromTarget();
  delivery_->Tick(now_ms_);
  ASSERT_EQ(transport_.pending.size(), 2u);
  delivery_.reset();
  transport_.Apply();
  transport_.Fail();
  EXPECT_EQ(store_->counters().delivered, 0u);
  EXPECT_EQ(store_->counters().in_flight, 2u);
}

}  // namespace
}  // namespace memdb
