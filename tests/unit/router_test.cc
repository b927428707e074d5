// Router: keys are served where the ring says, forwarded otherwise, and the owner's answer is
// relayed to the client's request with the NOT_OWNER hint.
#include "node/router.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "cluster/gossiper.h"
#include "common/clock.h"
#include "common/random.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb {
namespace {

using cluster::MemberState;
using cluster::MemberStatus;
using protocol::Opcode;

// Records every Send; the test answers them by hand.
class FakeTransport : public cluster::PeerTransport {
 public:
  struct Sent {
    std::string address;
    uint8_t opcode;
    std::string body;
    Done done;
  };
  void Send(const std::string& address, uint8_t opcode, Timestamp, std::string body,
            Done done) override {
    sent.push_back(Sent{address, opcode, std::move(body), std::move(done)});
  }
  std::deque<Sent> sent;
};

MemberState Peer(NodeId id, std::vector<Token> tokens) {
  MemberState m;
  m.id = id;
  m.generation = 1;
  m.heartbeat = 1;
  m.address = {"10.0.0." + std::to_string(id) + ":7379", 1};
  m.status = {MemberStatus::kNormal, 1};
  m.tokens = {std::move(tokens), 1};
  return m;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : clock_(1'700'000'000'000), hlc_(&clock_), random_(7) {
    cluster::NodeIdentity self;
    self.id = 1;
    self.generation = 1;
    // Node 1 owns (2^63, max], node 2 owns the rest: about half the keys each.
    self.tokens = {UINT64_MAX};
    cluster::GossipOptions options;
    options.address = "10.0.0.1:7379";
    options.seeds = {"10.0.0.1:7379"};
    gossiper_ = std::make_unique<cluster::Gossiper>(options, self, MemberStatus::kNormal, &random_);
    gossiper_->Restore({Peer(2, {uint64_t{1} << 63})});
    router_ = std::make_unique<Router>(gossiper_.get(), &transport_, &hlc_);
  }

  // Makes node 2 heard from (a newer heartbeat) so the failure detector has it up.
  void HearFromPeer() {
    cluster::GossipAck2 ack2;
    MemberState hb = Peer(2, {uint64_t{1} << 63});
    hb.heartbeat = 2;
    ack2.deltas.push_back(hb);
    gossiper_->OnAck2(ack2, 1000);
    (void)gossiper_->Tick(1000);
  }

  std::string KeyOwnedBy(NodeId node) {
    for (int i = 0;; ++i) {
      std::string key = "key" + std::to_string(i);
      if (gossiper_->ring().OwnerOfKey(key) == node) return key;
    }
  }

  ManualClock clock_;
  HybridClock hlc_;
  SeededRandom random_;
  FakeTransport transport_;
  std::unique_ptr<cluster::Gossiper> gossiper_;
  std::unique_ptr<Router> router_;
};

// Decodes the single frame in `bytes` (a request, or with `response` a response).
protocol::Frame DecodeOne(const std::string& bytes, bool response = false) {
  protocol::DecodeResult r = protocol::DecodeFrame(bytes, protocol::Limits{}, response);
  EXPECT_EQ(r.status, protocol::DecodeStatus::kFrame);
  EXPECT_EQ(r.consumed, bytes.size());
  return r.frame;
}

TEST_F(RouterTest, OwnKeysAreLocalOthersForwardedToTheirOwner) {
  HearFromPeer();
  EXPECT_EQ(router_->RouteKey(KeyOwnedBy(1)).kind, Router::Route::Kind::kLocal);
  Router::Route r = router_->RouteKey(KeyOwnedBy(2));
  EXPECT_EQ(r.kind, Router::Route::Kind::kForward);
  EXPECT_EQ(r.owner, 2u);
  EXPECT_EQ(r.address, "10.0.0.2:7379");
}

TEST_F(RouterTest, OnlyARingWithAnotherNodeMayForward) {
  EXPECT_TRUE(router_->MayForward());
  cluster::NodeIdentity alone;
  alone.id = 9;
  alone.generation = 1;
  alone.tokens = {1, 2, 3};
  cluster::Gossiper lone(cluster::GossipOptions{}, alone, MemberStatus::kNormal, &random_);
  Router lone_router(&lone, &transport_, &hlc_);
  EXPECT_FALSE(lone_router.MayForward());
  EXPECT_EQ(lone_router.RouteKey("any").kind, Router::Route::Kind::kLocal);
}

TEST_F(RouterTest, AnOwnerThatIsDownIsUnavailableAtOnce) {
  // Restored, never heard from: down in this node's view.
  Router::Route r = router_->RouteKey(KeyOwnedBy(2));
  EXPECT_EQ(r.kind, Router::Route::Kind::kUnavailable);
  std::string request;
  protocol::AppendKeyRequest(&request, Opcode::kGet, 9, 0, "k");
  std::string out;
  router_->AppendOwnerDown(r, DecodeOne(request), &out);
  protocol::Frame f = protocol::DecodeFrame(out, protocol::Limits{}, true).frame;
  EXPECT_EQ(f.header.status, Code::kUnavailable);
  EXPECT_EQ(f.header.request_id, 9u);
}

TEST_F(RouterTest, TheOwnersAnswerIsRelayedWithTheClientsRequestIdAndTheNotOwnerHint) {
  HearFromPeer();
  const std::string key = KeyOwnedBy(2);
  std::string request;
  protocol::AppendSetRequest(&request, 42, 0, {key, "v"});
  ReplyBuffer buffer;
  router_->Forward(router_->RouteKey(key), DecodeOne(request), /*from_client=*/true,
                   buffer.Defer());
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].address, "10.0.0.2:7379");
  EXPECT_EQ(transport_.sent[0].opcode, static_cast<uint8_t>(Opcode::kForward));
  uint8_t inner = 0;
  std::string_view inner_body;
  ASSERT_TRUE(ParseForwardBody(transport_.sent[0].body, &inner, &inner_body).ok());
  EXPECT_EQ(inner, static_cast<uint8_t>(Opcode::kSet));
  protocol::SetRequest set;
  ASSERT_TRUE(protocol::ParseSetRequest(inner_body, protocol::Limits{}, &set).ok());
  EXPECT_EQ(set.key, key);

  // The owner answers with its SET response body (the version it stamped).
  std::string owner_reply;
  protocol::AppendSetResponse(&owner_reply, 777, 5'000'000, Version{5'000'000, 2});
  protocol::Frame owner_frame = DecodeOne(owner_reply, true);
  EXPECT_EQ(buffer.Releasable(0), 0u);
  transport_.sent[0].done(cluster::PeerResponse{Status::Ok(), 5'000'000, owner_frame.body});

  std::string out;
  buffer.TakeFront(buffer.Releasable(0), &out);
  protocol::Frame f = DecodeOne(out, true);
  EXPECT_EQ(f.header.request_id, 42u);
  EXPECT_EQ(f.header.opcode, static_cast<uint8_t>(Opcode::kSet));
  EXPECT_EQ(f.header.flags, protocol::kFlagResponse | protocol::kFlagNotOwner);
  EXPECT_GE(f.header.timestamp, 5'000'000u);  // our clock observed the owner's
  Version v;
  ASSERT_TRUE(protocol::ParseSetResponse(f.body, &v).ok());
  EXPECT_EQ(v, (Version{5'000'000, 2}));
}

TEST_F(RouterTest, APeersForwardedRequestGetsNoNotOwnerHint) {
  HearFromPeer();
  std::string request;
  protocol::AppendKeyRequest(&request, Opcode::kGet, 1, 0, KeyOwnedBy(2));
  ReplyBuffer buffer;
  const std::string key = KeyOwnedBy(2);
  router_->Forward(router_->RouteKey(key), DecodeOne(request), /*from_client=*/false,
                   buffer.Defer());
  std::string owner_reply;
  protocol::AppendGetResponse(&owner_reply, 1, 0, protocol::GetResult{});
  transport_.sent[0].done(
      cluster::PeerResponse{Status::Ok(), 0, DecodeOne(owner_reply, true).body});
  std::string out;
  buffer.TakeFront(buffer.Releasable(0), &out);
  EXPECT_EQ(DecodeOne(out, true).header.flags, protocol::kFlagResponse);
}

TEST_F(RouterTest, TransportFailuresBecomeUnavailableOrTimeoutWithUnknownOutcome) {
  HearFromPeer();
  const std::string key = KeyOwnedBy(2);
  std::string request;
  protocol::AppendKeyRequest(&request, Opcode::kDel, 5, 0, key);
  ReplyBuffer buffer;
  router_->Forward(router_->RouteKey(key), DecodeOne(request), true, buffer.Defer());
  router_->Forward(router_->RouteKey(key), DecodeOne(request), true, buffer.Defer());
  router_->Forward(router_->RouteKey(key), DecodeOne(request), true, buffer.Defer());
  transport_.sent[0].done({Status(Code::kConnectionFailed, "refused"), 0, {}});
  transport_.sent[1].done({Status(Code::kTimeout, "2000 ms"), 0, {}});
  transport_.sent[2].done({Status(Code::kKeyTooLarge, "too big"), 0, {}});
  std::string out;
  buffer.TakeFront(buffer.Releasable(0), &out);
  std::string_view rest = out;
  std::vector<Code> codes;
  std::string timeout_message;
  while (!rest.empty()) {
    protocol::DecodeResult r = protocol::DecodeFrame(rest, protocol::Limits{}, true);
    ASSERT_EQ(r.status, protocol::DecodeStatus::kFrame);
    codes.push_back(r.frame.header.status);
    if (r.frame.header.status == Code::kTimeout) {
      std::string_view m;
      ASSERT_TRUE(protocol::ParseErrorResponse(r.frame.body, &m).ok());
      timeout_message = std::string(m);
    }
    rest.remove_prefix(r.consumed);
  }
  EXPECT_EQ(codes, (std::vector<Code>{Code::kUnavailable, Code::kTimeout, Code::kKeyTooLarge}));
  EXPECT_NE(timeout_message.find("outcome is unknown"), std::string::npos);
  EXPECT_EQ(router_->counters().forward_failures, 2u);
}

TEST(ForwardBody, RoundTripsAndRefusesWhatIsNotAKeyRequest) {
  std::string body;
  const std::string key_body("\x01\x00\x00\x00k", 5);
  AppendForwardBody(static_cast<uint8_t>(Opcode::kGet), key_body, &body);
  uint8_t op = 0;
  std::string_view inner;
  ASSERT_TRUE(ParseForwardBody(body, &op, &inner).ok());
  EXPECT_EQ(op, static_cast<uint8_t>(Opcode::kGet));
  EXPECT_EQ(inner.size(), 5u);
  EXPECT_EQ(ParseForwardBody("", &op, &inner).code(), Code::kBadRequest);
  std::string stats(1, static_cast<char>(Opcode::kStats));
  EXPECT_EQ(ParseForwardBody(stats, &op, &inner).code(), Code::kBadRequest);
  std::string nested(1, static_cast<char>(Opcode::kForward));
  EXPECT_EQ(ParseForwardBody(nested, &op, &inner).code(), Code::kBadRequest);
}

}  // namespace
}  // namespace memdb
