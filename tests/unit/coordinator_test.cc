// Coordinator: key requests run against the key's replicas. Real Nodes (one per replica) are
// wired by hand through a fake PeerTransport that queues every REPLICA_* request; the test
// decides when each is delivered to its Node, answered by hand, or failed.
#include "node/coordinator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/gossiper.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/sim_file_system.h"
#include "node/node.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"
#include "protocol/replica_messages.h"
#include "replication/hint_store.h"

namespace memdb {
namespace {

using cluster::MemberState;
using cluster::MemberStatus;
using protocol::Opcode;
using ::testing::HasSubstr;

constexpr uint64_t kNowMs = 1'700'000'000'000ULL;

std::string AddressOf(NodeId id) { return "10.0.0." + std::to_string(id) + ":7379"; }

// Queues every Send; the test delivers them to a Node, answers them by hand or fails them.
class FakeTransport : public cluster::PeerTransport {
 public:
  struct Sent {
    std::string address;
    uint8_t opcode;
    Timestamp timestamp;
    std::string body;
    uint32_t timeout_ms;
    Done done;
  };
  void Send(const std::string& address, uint8_t opcode, Timestamp timestamp, std::string body,
            uint32_t timeout_ms, Done done) override {
    sent.push_back(Sent{address, opcode, timestamp, std::move(body), timeout_ms, std::move(done)});
  }
  std::deque<Sent> sent;
};

MemberState Member(NodeId id, std::vector<Token> tokens, uint64_t heartbeat) {
  MemberState m;
  m.id = id;
  m.generation = 1;
  m.heartbeat = heartbeat;
  m.address = {AddressOf(id), 1};
  m.status = {MemberStatus::kNormal, 1};
  m.tokens = {std::move(tokens), 1};
  return m;
}

// A decoded reply frame.
struct Reply {
  protocol::FrameHeader header;
  std::string body;
  std::string Message() const {
    std::string_view m;
    EXPECT_TRUE(protocol::ParseErrorResponse(body, &m).ok());
    return std::string(m);
  }
};

std::vector<Reply> DecodeAll(std::string_view bytes) {
  std::vector<Reply> replies;
  while (!bytes.empty()) {
    protocol::DecodeResult r = protocol::DecodeFrame(bytes, protocol::Limits{}, true);
    EXPECT_EQ(r.status, protocol::DecodeStatus::kFrame);
    if (r.status != protocol::DecodeStatus::kFrame) break;
    replies.push_back({r.frame.header, std::string(r.frame.body)});
    bytes.remove_prefix(r.consumed);
  }
  return replies;
}

protocol::Frame DecodeRequest(const std::string& bytes) {
  protocol::DecodeResult r = protocol::DecodeFrame(bytes, protocol::Limits{}, false);
  EXPECT_EQ(r.status, protocol::DecodeStatus::kFrame);
  return r.frame;
}

// `n` nodes with ids 1..n; node 1 coordinates. Node i owns the single token i * 2^60 (so the
// ring order is 1, 2, ..., n), every other node is known to node 1's gossiper and up unless
// the test says otherwise.
class CoordinatorTest : public ::testing::Test {
 protected:
  CoordinatorTest() : clock_(kNowMs), monotonic_(1000), random_(11) {}

  void Build(size_t n, std::vector<NodeId> down = {}, uint32_t rf = 3) {
    for (NodeId id = 1; id <= n; ++id) {
      NodeOptions options;
      options.node_id = id;
      nodes_[id] = std::make_unique<Node>(options, auth::KeyRing(), &clock_, &random_);
    }
    cluster::NodeIdentity self;
    self.id = 1;
    self.generation = 1;
    self.tokens = {Token{1} << 60};
    cluster::GossipOptions gossip;
    gossip.address = AddressOf(1);
    gossip.seeds = {AddressOf(1)};
    gossiper_ = std::make_unique<cluster::Gossiper>(gossip, self, MemberStatus::kNormal, &random_);
    std::vector<MemberState> peers;
    for (NodeId id = 2; id <= n; ++id) peers.push_back(Member(id, {Token{id} << 60}, 1));
    gossiper_->Restore(peers);
    // Restored peers are down until heard from: hear from the ones that are up.
    cluster::GossipAck2 ack2;
    for (NodeId id = 2; id <= n; ++id) {
      if (std::find(down.begin(), down.end(), id) == down.end()) {
        ack2.deltas.push_back(Member(id, {Token{id} << 60}, 2));
      }
    }
    gossiper_->OnAck2(ack2, 1000);
    (void)gossiper_->Tick(1000);
    options_.replication_factor = rf;
    options_.request_timeout_ms = 500;
    options_.hints.dir = "/hints";
    auto hints = HintStore::Open(&fs_, options_.hints, 1000);
    ASSERT_TRUE(hints.ok()) << hints.status().ToString();
    hints_ = std::move(hints).value();
    coordinator_ = std::make_unique<Coordinator>(nodes_[1].get(), gossiper_.get(), &transport_,
                                                 hints_.get(), options_);
  }

  struct Hinted {
    NodeId target;
    oplog::RecordType type;
    Version version;
    std::string key;
    std::string value;
  };
  // Every hint kept, per target in ascending order.
  std::vector<Hinted> Hints() {
    std::vector<Hinted> all;
    for (NodeId target : hints_->Targets()) {
      HintToSend hint;
      while (true) {
        Result<bool> next = hints_->NextHint(target, &hint);
        EXPECT_TRUE(next.ok());
        if (!next.ok() || !*next) break;
        all.push_back(Hinted{target, hint.record.type, hint.record.version,
                             std::string(hint.record.key), std::string(hint.record.value)});
      }
    }
    return all;
  }

  // A key whose preference list (rf 3) is exactly `replicas`, in order.
  std::string KeyWithReplicas(std::vector<NodeId> replicas) {
    for (int i = 0;; ++i) {
      std::string key = "key" + std::to_string(i);
      if (gossiper_->ring().PreferenceOfKey(key, replicas.size()) == replicas) return key;
    }
  }

  Node& node(NodeId id) { return *nodes_.at(id); }

  // Handles one client request at node 1; returns the LSN like Coordinator::Handle.
  oplog::Lsn Handle(const std::string& request, bool from_peer = false) {
    return coordinator_->Handle(DecodeRequest(request), &buffer_, from_peer);
  }

  // The replies released so far (spliced in request order).
  std::vector<Reply> TakeReplies() {
    std::string out;
    buffer_.TakeFront(buffer_.Releasable(0), &out);
    return DecodeAll(out);
  }

  Reply OnlyReply() {
    std::vector<Reply> replies = TakeReplies();
    EXPECT_EQ(replies.size(), 1u);
    return replies.empty() ? Reply{} : replies.front();
  }

  NodeId TargetOf(const FakeTransport::Sent& sent) {
    for (auto& [id, n] : nodes_) {
      if (AddressOf(id) == sent.address) return id;
    }
    ADD_FAILURE() << "send to unknown " << sent.address;
    return 0;
  }

  // Takes the first queued send to `target` (asserting there is one).
  FakeTransport::Sent TakeSendTo(NodeId target) {
    for (auto it = transport_.sent.begin(); it != transport_.sent.end(); ++it) {
      if (TargetOf(*it) == target) {
        FakeTransport::Sent sent = std::move(*it);
        transport_.sent.erase(it);
        return sent;
      }
    }
    ADD_FAILURE() << "nothing sent to node " << target;
    return FakeTransport::Sent{"", 0, 0, "", 0, [](const cluster::PeerResponse&) {}};
  }

  // Runs the request on its target Node (as a peer) and hands back the Node's answer.
  void Deliver(FakeTransport::Sent sent) {
    protocol::Frame frame;
    frame.header.opcode = sent.opcode;
    frame.header.request_id = 1;
    frame.header.timestamp = sent.timestamp;
    frame.body = sent.body;
    std::string out;
    node(TargetOf(sent)).HandleRequest(frame, &out, /*peer=*/true);
    std::vector<Reply> replies = DecodeAll(out);
    ASSERT_EQ(replies.size(), 1u);
    const Reply& r = replies.front();
    Status status = Status::Ok();
    if (r.header.status != Code::kOk) status = Status(r.header.status, r.Message());
    sent.done(cluster::PeerResponse{status, r.header.timestamp, r.body});
  }
  void DeliverTo(NodeId target) { Deliver(TakeSendTo(target)); }
  void DeliverAll() {
    while (!transport_.sent.empty()) {
      FakeTransport::Sent sent = std::move(transport_.sent.front());
      transport_.sent.pop_front();
      Deliver(std::move(sent));
    }
  }
  void Fail(NodeId target, Code code, const std::string& message) {
    TakeSendTo(target).done(cluster::PeerResponse{Status(code, message), 0, {}});
  }

  std::string Set(const std::string& key, const std::string& value,
                  std::optional<Consistency> level = std::nullopt) {
    std::string request;
    if (level) {
      protocol::AppendSetRequestCl(&request, 42, 0, {*level, 0}, key, value);
    } else {
      protocol::AppendSetRequest(&request, 42, 0, {key, value});
    }
    return request;
  }
  std::string KeyRequest(Opcode plain, const std::string& key,
                         std::optional<Consistency> level = std::nullopt) {
    std::string request;
    if (level) {
      protocol::AppendKeyRequestCl(&request, plain, 43, 0, {*level, 0}, key);
    } else {
      protocol::AppendKeyRequest(&request, plain, 43, 0, key);
    }
    return request;
  }

  std::optional<StoredValue> Stored(NodeId id, const std::string& key) {
    return node(id).store().Find(key);
  }

  ManualClock clock_;
  ManualClock monotonic_;
  SeededRandom random_;
  FakeTransport transport_;
  SimFileSystem fs_;
  std::unique_ptr<HintStore> hints_;
  ReplicationOptions options_;
  std::map<NodeId, std::unique_ptr<Node>> nodes_;
  std::unique_ptr<cluster::Gossiper> gossiper_;
  std::unique_ptr<Coordinator> coordinator_;
  ReplyBuffer buffer_;
};

std::map<std::string, uint64_t> StatsOf(const Coordinator& c) {
  std::vector<protocol::Stat> stats;
  c.AppendStats(&stats);
  std::map<std::string, uint64_t> by_name;
  for (const auto& s : stats) by_name[std::string(s.name)] = s.value;
  return by_name;
}

// ---- the lone node ----

TEST_F(CoordinatorTest, ALoneNodeServesEverythingLocallyAtAnyLevel) {
  nodes_[1] = std::make_unique<Node>(NodeOptions{}, auth::KeyRing(), &clock_, &random_);
  cluster::NodeIdentity self;
  self.id = 1;
  self.generation = 1;
  self.tokens = {1, 2, 3};
  gossiper_ = std::make_unique<cluster::Gossiper>(cluster::GossipOptions{}, self,
                                                  MemberStatus::kNormal, &random_);
  coordinator_ = std::make_unique<Coordinator>(nodes_[1].get(), gossiper_.get(), &transport_,
                                               /*hints=*/nullptr, options_);
  EXPECT_EQ(Handle(Set("k", "v", Consistency::kAll)), 0u);
  Handle(KeyRequest(Opcode::kGet, "k", Consistency::kAll));
  Handle(KeyRequest(Opcode::kGet, "k"));
  EXPECT_TRUE(transport_.sent.empty());
  std::vector<Reply> replies = TakeReplies();
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].header.opcode, static_cast<uint8_t>(Opcode::kSetCl));
  EXPECT_EQ(replies[1].header.opcode, static_cast<uint8_t>(Opcode::kGetCl));
  EXPECT_EQ(replies[2].header.opcode, static_cast<uint8_t>(Opcode::kGet));
  protocol::GetResult got;
  ASSERT_TRUE(protocol::ParseGetResponse(replies[2].body, &got).ok());
  EXPECT_EQ(got.value, "v");
  EXPECT_EQ(replies[2].header.flags, protocol::kFlagResponse);
  // Not coordinated: no replication counters move.
  EXPECT_EQ(StatsOf(*coordinator_)["replication_writes"], 0u);
}

// ---- writes ----

TEST_F(CoordinatorTest, WriteGoesToEveryReplicaAndAnswersAfterTheQuorum) {
  Build(3);
  Handle(Set("k", "v"));
  ASSERT_EQ(transport_.sent.size(), 2u);
  for (const auto& sent : transport_.sent) {
    EXPECT_EQ(sent.opcode, static_cast<uint8_t>(Opcode::kReplicaWrite));
    EXPECT_EQ(sent.timeout_ms, 500u);  // the node's request timeout: no deadline given
  }
  EXPECT_TRUE(TakeReplies().empty());  // only the local copy so far: 1 of 2
  ASSERT_TRUE(Stored(1, "k"));
  const Version stamped = Stored(1, "k")->version;
  EXPECT_EQ(stamped.node_id, 1u);
  DeliverTo(2);
  Reply reply = OnlyReply();
  ASSERT_EQ(reply.header.status, Code::kOk);
  EXPECT_EQ(reply.header.opcode, static_cast<uint8_t>(Opcode::kSet));
  EXPECT_EQ(reply.header.request_id, 42u);
  EXPECT_EQ(reply.header.flags, protocol::kFlagResponse);  // node 1 is a replica
  Version version;
  ASSERT_TRUE(protocol::ParseSetResponse(reply.body, &version).ok());
  EXPECT_EQ(version, stamped);
  // The last replica still gets the write; every copy carries the coordinator's version.
  DeliverTo(3);
  for (NodeId id : {1u, 2u, 3u}) {
    ASSERT_TRUE(Stored(id, "k")) << id;
    EXPECT_EQ(Stored(id, "k")->version, stamped) << id;
    EXPECT_EQ(Stored(id, "k")->value, "v") << id;
  }
  EXPECT_TRUE(Hints().empty());
  auto stats = StatsOf(*coordinator_);
  EXPECT_EQ(stats["replication_writes"], 1u);
  EXPECT_EQ(stats["replica_requests"], 2u);
}

TEST_F(CoordinatorTest, WriteAtQuorumWithOneReplicaDownSucceedsAndHintsIt) {
  Build(3, /*down=*/{3});
  Handle(Set("k", "v", Consistency::kQuorum));
  ASSERT_EQ(transport_.sent.size(), 1u);  // nothing sent to the down replica
  std::vector<Hinted> hints = Hints();
  ASSERT_EQ(hints.size(), 1u);
  EXPECT_EQ(hints[0].target, 3u);
  EXPECT_EQ(hints[0].type, oplog::RecordType::kPut);
  EXPECT_EQ(hints[0].key, "k");
  EXPECT_EQ(hints[0].value, "v");
  EXPECT_EQ(hints[0].version, Stored(1, "k")->version);
  DeliverAll();
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.status, Code::kOk);
  EXPECT_EQ(reply.header.opcode, static_cast<uint8_t>(Opcode::kSetCl));
  EXPECT_TRUE(Stored(2, "k"));
  EXPECT_FALSE(Stored(3, "k"));
  auto stats = StatsOf(*coordinator_);
  EXPECT_EQ(stats["hints_written"], 1u);
  EXPECT_EQ(stats["replica_writes_skipped"], 1u);
  EXPECT_EQ(stats["replica_failures"], 0u);
}

TEST_F(CoordinatorTest, WriteWithTooFewReplicasUpIsUnavailableAndWritesNothing) {
  Build(3, /*down=*/{2, 3});
  EXPECT_EQ(Handle(Set("k", "v", Consistency::kQuorum)), 0u);
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.status, Code::kUnavailable);
  EXPECT_EQ(reply.header.opcode, static_cast<uint8_t>(Opcode::kSetCl));
  EXPECT_EQ(reply.Message(), "QUORUM needs 2 replicas, 1 up (nodes 2, 3 down)");
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_FALSE(Stored(1, "k"));
  EXPECT_TRUE(Hints().empty());
  // ONE needs only this node's copy.
  Handle(Set("k", "v", Consistency::kOne));
  EXPECT_EQ(OnlyReply().header.status, Code::kOk);
  EXPECT_EQ(StatsOf(*coordinator_)["replication_unavailable"], 1u);
}

TEST_F(CoordinatorTest, WriteNotAcknowledgedInTimeIsATimeoutWithCountsAndUnknownOutcome) {
  Build(3);
  std::string request;
  protocol::AppendSetRequestCl(&request, 42, 0, {Consistency::kQuorum, 250}, "k", "v");
  Handle(request);
  for (const auto& sent : transport_.sent) EXPECT_EQ(sent.timeout_ms, 250u);  // its deadline
  Fail(2, Code::kTimeout, "no answer within 250 ms");
  EXPECT_TRUE(TakeReplies().empty());
  Fail(3, Code::kConnectionFailed, "connection refused");
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.status, Code::kTimeout);
  EXPECT_THAT(reply.Message(),
              HasSubstr("QUORUM not reached in time: 1 of 2 required acknowledgements (3 "
                        "replicas); the write may or may not have been applied (outcome "
                        "unknown)"));
  EXPECT_THAT(reply.Message(), HasSubstr("node 2 (10.0.0.2:7379)"));
  // Both failed replicas get the write later.
  std::vector<Hinted> hints = Hints();
  ASSERT_EQ(hints.size(), 2u);
  EXPECT_EQ(hints[0].target, 2u);
  EXPECT_EQ(hints[1].target, 3u);
  auto stats = StatsOf(*coordinator_);
  EXPECT_EQ(stats["replication_timeouts"], 1u);
  EXPECT_EQ(stats["replica_failures"], 2u);
}

TEST_F(CoordinatorTest, AReplicaFailingAfterTheAnswerStillGetsAHint) {
  Build(3);
  Handle(Set("k", "v", Consistency::kOne));
  EXPECT_EQ(OnlyReply().header.status, Code::kOk);  // the local copy suffices for ONE
  DeliverTo(2);
  Fail(3, Code::kTimeout, "late");
  std::vector<Hinted> hints = Hints();
  ASSERT_EQ(hints.size(), 1u);
  EXPECT_EQ(hints[0].target, 3u);
  EXPECT_TRUE(TakeReplies().empty());  // answered once only
}

TEST_F(CoordinatorTest, ANonReplicaCoordinatesWithTheNotOwnerHintAndReportsWhatDelDeleted) {
  Build(4);
  const std::string key = KeyWithReplicas({2, 3, 4});
  Handle(Set(key, "v", Consistency::kAll));
  EXPECT_FALSE(Stored(1, key));  // no copy here
  DeliverAll();
  Reply set = OnlyReply();
  ASSERT_EQ(set.header.status, Code::kOk);
  EXPECT_EQ(set.header.flags, protocol::kFlagResponse | protocol::kFlagNotOwner);
  EXPECT_EQ(Handle(KeyRequest(Opcode::kDel, key, Consistency::kAll)), 0u);
  DeliverAll();
  Reply del = OnlyReply();
  ASSERT_EQ(del.header.status, Code::kOk);
  protocol::DelResult result;
  ASSERT_TRUE(protocol::ParseDelResponse(del.body, &result).ok());
  EXPECT_TRUE(result.existed);  // from the replicas' replaced_live
  for (NodeId id : {2u, 3u, 4u}) EXPECT_TRUE(Stored(id, key)->tombstone) << id;
  // A peer's request gets no hint.
  Handle(KeyRequest(Opcode::kDel, key, Consistency::kAll), /*from_peer=*/true);
  DeliverAll();
  Reply again = OnlyReply();
  EXPECT_EQ(again.header.flags, protocol::kFlagResponse);
  ASSERT_TRUE(protocol::ParseDelResponse(again.body, &result).ok());
  EXPECT_FALSE(result.existed);
  EXPECT_EQ(StatsOf(*coordinator_)["coordinated_not_replica"], 3u);
}

TEST_F(CoordinatorTest, ABadRequestIsAnsweredWithoutTouchingAnyReplica) {
  Build(3);
  std::string bad;
  protocol::FrameHeader h;
  h.opcode = static_cast<uint8_t>(Opcode::kGetCl);
  h.request_id = 5;
  protocol::FrameWriter w(&bad);
  w.Begin(h);
  w.PutU8(9);  // no such consistency level
  w.PutU32(0);
  w.PutBytes("k");
  w.Finish();
  Handle(bad);
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.status, Code::kBadRequest);
  EXPECT_EQ(reply.header.opcode, static_cast<uint8_t>(Opcode::kGetCl));
  EXPECT_TRUE(transport_.sent.empty());
}

// ---- reads ----

TEST_F(CoordinatorTest, QuorumReadPicksTheNewestAndRepairsTheStaleReplicaBeforeAnswering) {
  Build(3, /*down=*/{3});
  ASSERT_TRUE(node(1).ApplyPut("k", "new", Version{(kNowMs << 16) | 5, 1}).ok());
  ASSERT_TRUE(node(2).ApplyPut("k", "old", Version{(kNowMs << 16) | 1, 2}).ok());
  Handle(KeyRequest(Opcode::kGet, "k", Consistency::kQuorum));
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].opcode, static_cast<uint8_t>(Opcode::kReplicaRead));
  DeliverTo(2);
  // Node 2 answered "old": it is repaired before the answer goes out.
  EXPECT_TRUE(TakeReplies().empty());
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].opcode, static_cast<uint8_t>(Opcode::kReplicaWrite));
  DeliverTo(2);
  EXPECT_EQ(Stored(2, "k")->value, "new");
  Reply reply = OnlyReply();
  ASSERT_EQ(reply.header.status, Code::kOk);
  EXPECT_EQ(reply.header.opcode, static_cast<uint8_t>(Opcode::kGetCl));
  protocol::GetResult got;
  ASSERT_TRUE(protocol::ParseGetResponse(reply.body, &got).ok());
  EXPECT_EQ(got.value, "new");
  EXPECT_EQ(got.version, (Version{(kNowMs << 16) | 5, 1}));
  EXPECT_EQ(StatsOf(*coordinator_)["read_repairs"], 1u);
}

TEST_F(CoordinatorTest, QuorumReadRepairsTheLocalCopyAtOnceAndLateAnswersInTheBackground) {
  Build(3);
  ASSERT_TRUE(node(1).ApplyPut("k", "old", Version{(kNowMs << 16) | 1, 1}).ok());
  ASSERT_TRUE(node(2).ApplyPut("k", "new", Version{(kNowMs << 16) | 5, 2}).ok());
  Handle(KeyRequest(Opcode::kGet, "k"));  // the default level: QUORUM
  DeliverTo(2);
  // Newest on node 2, and now on node 1 (repaired directly): a quorum holds it.
  EXPECT_EQ(Stored(1, "k")->value, "new");
  Reply reply = OnlyReply();
  protocol::GetResult got;
  ASSERT_TRUE(protocol::ParseGetResponse(reply.body, &got).ok());
  EXPECT_EQ(got.value, "new");
  // Node 3 answers late with nothing: repaired in the background.
  DeliverTo(3);
  ASSERT_EQ(transport_.sent.size(), 1u);
  DeliverTo(3);
  EXPECT_EQ(Stored(3, "k")->value, "new");
  EXPECT_EQ(StatsOf(*coordinator_)["read_repairs"], 2u);
}

TEST_F(CoordinatorTest, ReadRepairCarriesTombstones) {
  Build(3, /*down=*/{3});
  ASSERT_TRUE(node(1).ApplyPut("k", "v", Version{(kNowMs << 16) | 1, 1}).ok());
  ASSERT_TRUE(node(2).ApplyDelete("k", Version{(kNowMs << 16) | 2, 2}).ok());
  Handle(KeyRequest(Opcode::kContains, "k", Consistency::kQuorum));
  DeliverTo(2);
  EXPECT_TRUE(Stored(1, "k")->tombstone);  // the delete won, here too
  Reply reply = OnlyReply();
  bool present = true;
  ASSERT_TRUE(protocol::ParseContainsResponse(reply.body, &present).ok());
  EXPECT_FALSE(present);
  EXPECT_EQ(reply.header.opcode, static_cast<uint8_t>(Opcode::kContainsCl));
}

TEST_F(CoordinatorTest, OneAnswersFirstAndRepairsAfterwards) {
  Build(3);
  ASSERT_TRUE(node(1).ApplyPut("k", "new", Version{(kNowMs << 16) | 5, 1}).ok());
  ASSERT_TRUE(node(2).ApplyPut("k", "old", Version{(kNowMs << 16) | 1, 2}).ok());
  Handle(KeyRequest(Opcode::kGet, "k", Consistency::kOne));
  Reply reply = OnlyReply();  // the local copy answered at once
  protocol::GetResult got;
  ASSERT_TRUE(protocol::ParseGetResponse(reply.body, &got).ok());
  EXPECT_EQ(got.value, "new");
  ASSERT_EQ(transport_.sent.size(), 2u);  // every live replica is still asked
  DeliverTo(2);
  DeliverTo(3);
  ASSERT_EQ(transport_.sent.size(), 2u);  // both are stale: two repairs
  DeliverAll();
  EXPECT_EQ(Stored(2, "k")->value, "new");
  EXPECT_EQ(Stored(3, "k")->value, "new");
  EXPECT_TRUE(TakeReplies().empty());
  EXPECT_EQ(StatsOf(*coordinator_)["read_repairs"], 2u);
}

TEST_F(CoordinatorTest, AReplicaStillCatchingUpNeverServesAOneReadAlone) {
  Build(4);
  const std::string key = KeyWithReplicas({2, 3, 4});
  ASSERT_TRUE(node(3).ApplyPut(key, "current", Version{(kNowMs << 16) | 5, 3}).ok());
  Handle(KeyRequest(Opcode::kGet, key, Consistency::kOne));
  ASSERT_EQ(transport_.sent.size(), 3u);
  // Node 2 answers first, flagged catching-up (and stale): not enough for ONE.
  std::string body;
  protocol::AppendReplicaReadResponseBody(
      {protocol::ReplicaState::kAbsent, /*catching_up=*/true, Version{}, ""}, &body);
  TakeSendTo(2).done(cluster::PeerResponse{Status::Ok(), 0, body});
  EXPECT_TRUE(TakeReplies().empty());
  DeliverTo(3);
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.flags, protocol::kFlagResponse | protocol::kFlagNotOwner);
  protocol::GetResult got;
  ASSERT_TRUE(protocol::ParseGetResponse(reply.body, &got).ok());
  EXPECT_TRUE(got.found);
  EXPECT_EQ(got.value, "current");
  // The catching-up replica is repaired in the background.
  EXPECT_EQ(transport_.sent.size(), 2u);  // node 4's read, node 2's repair
}

TEST_F(CoordinatorTest, AOneReadWithOnlyCatchingUpAnswersFails) {
  Build(4, /*down=*/{4});
  const std::string key = KeyWithReplicas({2, 3, 4});
  Handle(KeyRequest(Opcode::kGet, key, Consistency::kOne));
  std::string body;
  protocol::AppendReplicaReadResponseBody(
      {protocol::ReplicaState::kAbsent, /*catching_up=*/true, Version{}, ""}, &body);
  TakeSendTo(2).done(cluster::PeerResponse{Status::Ok(), 0, body});
  Fail(3, Code::kTimeout, "no answer");
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.status, Code::kTimeout);
  EXPECT_THAT(reply.Message(), HasSubstr("ONE not reached in time: 0 of 1 replicas answered"));
  EXPECT_THAT(reply.Message(), HasSubstr("still catching up"));
}

TEST_F(CoordinatorTest, ReadNotAnsweredInTimeIsATimeoutWithCounts) {
  Build(3);
  Handle(KeyRequest(Opcode::kGet, "k", Consistency::kAll));
  DeliverTo(2);
  EXPECT_TRUE(TakeReplies().empty());
  Fail(3, Code::kTimeout, "no answer within 500 ms");
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.status, Code::kTimeout);
  EXPECT_THAT(reply.Message(), HasSubstr("ALL not reached in time: 2 of 3 replicas answered"));
  EXPECT_EQ(StatsOf(*coordinator_)["replication_timeouts"], 1u);
}

TEST_F(CoordinatorTest, ReadWithTooFewReplicasUpIsUnavailable) {
  Build(3, /*down=*/{3});
  Handle(KeyRequest(Opcode::kGet, "k", Consistency::kAll));
  Reply reply = OnlyReply();
  EXPECT_EQ(reply.header.status, Code::kUnavailable);
  EXPECT_EQ(reply.Message(), "ALL needs 3 replicas, 2 up (node 3 down)");
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(CoordinatorTest, RepliesLeaveInRequestOrderWhateverOrderReplicasAnswerIn) {
  Build(3);
  Handle(Set("a", "1"));
  Handle(Set("b", "2"));
  // Requests 2's replicas answer first: its reply still waits behind request 1's.
  std::deque<FakeTransport::Sent> sent;
  sent.swap(transport_.sent);
  Deliver(std::move(sent[2]));
  EXPECT_TRUE(TakeReplies().empty());
  Deliver(std::move(sent[0]));
  std::vector<Reply> replies = TakeReplies();
  ASSERT_EQ(replies.size(), 2u);
  Version a;
  Version b;
  ASSERT_TRUE(protocol::ParseSetResponse(replies[0].body, &a).ok());
  ASSERT_TRUE(protocol::ParseSetResponse(replies[1].body, &b).ok());
  EXPECT_LT(a, b);
  Deliver(std::move(sent[1]));
  Deliver(std::move(sent[3]));
}

TEST_F(CoordinatorTest, TheRequestStateOutlivesTheConnection) {
  Build(3);
  {
    ReplyBuffer gone;
    coordinator_->Handle(DecodeRequest(Set("k", "v")), &gone, false);
  }
  DeliverAll();  // the replicas' answers find no buffer: nothing happens
  EXPECT_TRUE(Stored(3, "k"));
}

}  // namespace
}  // namespace memdb
