// Node + Session driven without a socket: bytes in, reply bytes out.
#include "node/session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "auth/hmac.h"
#include "common/clock.h"
#include "common/random.h"
#include "node/node.h"
#include "protocol/cluster_messages.h"
#include "protocol/codec.h"
#include "protocol/messages.h"
#include "protocol/replica_messages.h"

namespace memdb {
namespace {

using protocol::Opcode;

constexpr uint64_t kNowMs = 1'700'000'000'000ULL;
constexpr char kKeyId[] = "app";
constexpr char kSecret[] = "s3cret-s3cret-s3cret";
constexpr char kClusterSecret[] = "cluster-s3cret-cluster-s3cret";

struct Reply {
  protocol::FrameHeader header;
  std::string body;
};

class SessionTest : public ::testing::Test {
 protected:
  explicit SessionTest(bool auth_enabled = true) : clock_(kNowMs), random_(42) {
    NodeOptions options;
    options.node_id = 7;
    options.limits.max_frame_bytes = 4096;
    options.limits.max_key_bytes = 64;
    options.limits.max_value_bytes = 1024;
    options.auth_enabled = auth_enabled;
    auth::KeyRing keys;
    keys.Add(kKeyId, kSecret);
    keys.Add("cluster", kSecret);  // a client key may not take the peers' id: ignored
    keys.SetClusterSecret(kClusterSecret);
    node_ = std::make_unique<Node>(options, std::move(keys), &clock_, &random_);
    session_ = std::make_unique<Session>(node_.get());
  }

  // Feeds `bytes`, returns every reply frame produced.
  std::vector<Reply> Feed(const std::string& bytes) {
    pending_ += bytes;
    ReplyBuffer buffer;
    size_t consumed = session_->Consume(pending_, &buffer);
    pending_.erase(0, consumed);
    // Without an operation log nothing is ever held.
    EXPECT_EQ(buffer.barrier_count(), 0u);
    EXPECT_EQ(buffer.Releasable(0), buffer.size());
    const std::string out = *buffer.bytes();
    std::vector<Reply> replies;
    std::string_view rest = out;
    while (!rest.empty()) {
      auto r = protocol::DecodeFrame(rest, protocol::Limits{}, /*expect_response=*/true);
      // A reply echoing an opcode this build does not know decodes as a non-fatal error.
      const bool unknown_opcode = r.status == protocol::DecodeStatus::kError && !r.fatal;
      EXPECT_TRUE(r.status == protocol::DecodeStatus::kFrame || unknown_opcode);
      if (r.status != protocol::DecodeStatus::kFrame && !unknown_opcode) break;
      replies.push_back(
          {r.frame.header,
           std::string(rest.substr(protocol::kHeaderSize, r.consumed - protocol::kHeaderSize))});
      rest.remove_prefix(r.consumed);
    }
    return replies;
  }

  Reply FeedOne(const std::string& bytes) {
    auto replies = Feed(bytes);
    EXPECT_EQ(replies.size(), 1u);
    return replies.empty() ? Reply{} : replies[0];
  }

  void Handshake(const std::string& secret = kSecret, const std::string& key_id = kKeyId) {
    std::string hello;
    protocol::AppendHelloRequest(&hello, 1, 0, {protocol::kProtocolVersion, "test"});
    Reply challenge = FeedOne(hello);
    ASSERT_EQ(challenge.header.status, Code::kOk);
    protocol::Challenge c;
    ASSERT_TRUE(protocol::ParseChallenge(challenge.body, &c).ok());
    ASSERT_EQ(c.nonce.size(), protocol::kNonceSize);
    std::string mac = auth::ComputeAuthMac(secret, c.nonce, key_id);
    std::string auth;
    protocol::AppendAuthRequest(&auth, 2, 0, {key_id, mac});
    last_auth_ = FeedOne(auth);
  }

  static std::string Get(uint32_t id, std::string_view key, Timestamp ts = 0) {
    std::string f;
    protocol::AppendKeyRequest(&f, Opcode::kGet, id, ts, key);
    return f;
  }
  static std::string Set(uint32_t id, std::string_view key, std::string_view value,
                         Timestamp ts = 0) {
    std::string f;
    protocol::AppendSetRequest(&f, id, ts, {key, value});
    return f;
  }
  static std::string ErrorMessage(const Reply& r) {
    std::string_view msg;
    EXPECT_TRUE(protocol::ParseErrorResponse(r.body, &msg).ok());
    return std::string(msg);
  }

  ManualClock clock_;
  SeededRandom random_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<Session> session_;
  std::string pending_;
  Reply last_auth_;
};

TEST_F(SessionTest, HandshakeThenCrud) {
  Handshake();
  ASSERT_EQ(last_auth_.header.status, Code::kOk);
  EXPECT_TRUE(session_->authenticated());

  Reply set = FeedOne(Set(10, "k", "v1"));
  ASSERT_EQ(set.header.status, Code::kOk);
  EXPECT_EQ(set.header.request_id, 10u);
  Version v;
  ASSERT_TRUE(protocol::ParseSetResponse(set.body, &v).ok());
  EXPECT_EQ(v.node_id, 7u);

  Reply get = FeedOne(Get(11, "k"));
  protocol::GetResult g;
  ASSERT_TRUE(protocol::ParseGetResponse(get.body, &g).ok());
  EXPECT_TRUE(g.found);
  EXPECT_EQ(g.value, "v1");
  EXPECT_EQ(g.version, v);

  std::string contains;
  protocol::AppendKeyRequest(&contains, Opcode::kContains, 12, 0, "k");
  bool present = false;
  ASSERT_TRUE(protocol::ParseContainsResponse(FeedOne(contains).body, &present).ok());
  EXPECT_TRUE(present);

  std::string del;
  protocol::AppendKeyRequest(&del, Opcode::kDel, 13, 0, "k");
  protocol::DelResult d;
  ASSERT_TRUE(protocol::ParseDelResponse(FeedOne(del).body, &d).ok());
  EXPECT_TRUE(d.existed);
  EXPECT_GT(d.version, v);
  ASSERT_TRUE(protocol::ParseDelResponse(FeedOne(del).body, &d).ok());
  EXPECT_FALSE(d.existed);

  Reply miss = FeedOne(Get(14, "k"));
  ASSERT_TRUE(protocol::ParseGetResponse(miss.body, &g).ok());
  EXPECT_FALSE(g.found);

  std::string ping;
  protocol::AppendPingRequest(&ping, 15, 0, "hi");
  Reply pong = FeedOne(ping);
  std::string_view payload;
  ASSERT_TRUE(protocol::ParsePingResponse(pong.body, &payload).ok());
  EXPECT_EQ(payload, "hi");
}

TEST_F(SessionTest, DataRequestBeforeAuthIsRefusedAndCloses) {
  Reply r = FeedOne(Get(5, "k"));
  EXPECT_EQ(r.header.status, Code::kAuthRequired);
  EXPECT_EQ(r.header.request_id, 5u);
  EXPECT_TRUE(session_->closing());
  // Nothing more is processed.
  EXPECT_TRUE(Feed(Get(6, "k")).empty());
}

TEST_F(SessionTest, DataRequestBetweenHelloAndAuthIsRefused) {
  std::string hello;
  protocol::AppendHelloRequest(&hello, 1, 0, {protocol::kProtocolVersion, "test"});
  FeedOne(hello);
  Reply r = FeedOne(Set(2, "k", "v"));
  EXPECT_EQ(r.header.status, Code::kAuthRequired);
  EXPECT_TRUE(session_->closing());
  EXPECT_FALSE(node_->store().Find("k").has_value());
}

TEST_F(SessionTest, WrongSecretFailsAuthAndCloses) {
  Handshake("not-the-secret");
  EXPECT_EQ(last_auth_.header.status, Code::kAuthFailed);
  EXPECT_TRUE(session_->closing());
  EXPECT_FALSE(session_->authenticated());
}

TEST_F(SessionTest, UnknownKeyIdFailsAuthWithSameMessage) {
  Handshake(kSecret, "nobody");
  EXPECT_EQ(last_auth_.header.status, Code::kAuthFailed);
  EXPECT_EQ(ErrorMessage(last_auth_), "authentication failed");
}

TEST_F(SessionTest, AuthBeforeHelloIsAProtocolViolation) {
  std::string auth;
  protocol::AppendAuthRequest(&auth, 1, 0, {kKeyId, std::string(32, 'x')});
  EXPECT_EQ(FeedOne(auth).header.status, Code::kProtocolViolation);
  EXPECT_TRUE(session_->closing());
}

TEST_F(SessionTest, SecondHelloAfterAuthIsAProtocolViolation) {
  Handshake();
  std::string hello;
  protocol::AppendHelloRequest(&hello, 3, 0, {protocol::kProtocolVersion, "again"});
  EXPECT_EQ(FeedOne(hello).header.status, Code::kProtocolViolation);
  EXPECT_TRUE(session_->closing());
}

TEST_F(SessionTest, NonceIsFreshPerConnection) {
  std::string hello;
  protocol::AppendHelloRequest(&hello, 1, 0, {protocol::kProtocolVersion, "a"});
  Reply first = FeedOne(hello);
  Session other(node_.get());
  ReplyBuffer out;
  other.Consume(hello, &out);
  auto r = protocol::DecodeFrame(*out.bytes(), protocol::Limits{}, true);
  ASSERT_EQ(r.status, protocol::DecodeStatus::kFrame);
  protocol::Challenge a, b;
  ASSERT_TRUE(protocol::ParseChallenge(first.body, &a).ok());
  ASSERT_TRUE(protocol::ParseChallenge(r.frame.body, &b).ok());
  EXPECT_NE(a.nonce, b.nonce);
}

TEST_F(SessionTest, PipelinedRequestsAnsweredInOneConsume) {
  Handshake();
  std::string batch;
  for (uint32_t i = 0; i < 100; ++i) batch += Set(100 + i, "k" + std::to_string(i), "v");
  for (uint32_t i = 0; i < 100; ++i) batch += Get(200 + i, "k" + std::to_string(i));
  auto replies = Feed(batch);
  ASSERT_EQ(replies.size(), 200u);
  for (uint32_t i = 0; i < 200; ++i) {
    EXPECT_EQ(replies[i].header.request_id, 100 + i);
    EXPECT_EQ(replies[i].header.status, Code::kOk);
  }
}

TEST_F(SessionTest, FramesSplitAcrossReadsAtEveryOffset) {
  Handshake();
  const std::string frame = Set(9, "split-key", "split-value");
  for (size_t cut = 1; cut < frame.size(); ++cut) {
    EXPECT_TRUE(Feed(frame.substr(0, cut)).empty()) << "cut " << cut;
    auto replies = Feed(frame.substr(cut));
    ASSERT_EQ(replies.size(), 1u) << "cut " << cut;
    EXPECT_EQ(replies[0].header.status, Code::kOk);
  }
}

TEST_F(SessionTest, UnknownOpcodeKeepsSessionOpen) {
  Handshake();
  std::string frame = Get(20, "k");
  frame[3] = static_cast<char>(0x31);  // CAS range: reserved
  Reply r = FeedOne(frame);
  EXPECT_EQ(r.header.status, Code::kUnknownOpcode);
  EXPECT_EQ(r.header.request_id, 20u);
  EXPECT_FALSE(session_->closing());
  EXPECT_EQ(FeedOne(Get(21, "k")).header.status, Code::kOk);
}

TEST_F(SessionTest, OversizeFrameIsRejectedFromItsHeaderAlone) {
  Handshake();
  std::string frame = Set(30, "k", std::string(5000, 'x'));  // body > max_frame_bytes 4096
  Reply r = FeedOne(frame.substr(0, protocol::kHeaderSize));
  EXPECT_EQ(r.header.status, Code::kFrameTooLarge);
  EXPECT_TRUE(session_->closing());
}

TEST_F(SessionTest, KeyAndValueLimitsKeepSessionOpen) {
  Handshake();
  EXPECT_EQ(FeedOne(Set(40, std::string(65, 'k'), "v")).header.status, Code::kKeyTooLarge);
  EXPECT_EQ(FeedOne(Set(41, "k", std::string(1025, 'v'))).header.status, Code::kValueTooLarge);
  EXPECT_FALSE(session_->closing());
  EXPECT_FALSE(node_->store().Find("k").has_value());
}

TEST_F(SessionTest, RepliesCarryNodeTimestampPastClientTimestamp) {
  Handshake();
  // The client has seen a timestamp 1 s ahead of this node (from another node).
  const Timestamp client_ts = (kNowMs + 1000) << kHlcLogicalBits;
  Reply set = FeedOne(Set(50, "k", "v", client_ts));
  Version v;
  ASSERT_TRUE(protocol::ParseSetResponse(set.body, &v).ok());
  EXPECT_GT(v.timestamp, client_ts);  // session causality: the write orders after
  EXPECT_GE(set.header.timestamp, v.timestamp);
  Reply get = FeedOne(Get(51, "k"));
  EXPECT_GT(get.header.timestamp, set.header.timestamp);
}

TEST_F(SessionTest, ClockSkewedRequestIsRefusedWithoutMovingTheClock) {
  Handshake();
  const Timestamp before = node_->clock().Current();
  Reply r = FeedOne(Set(60, "k", "v", UINT64_MAX));
  EXPECT_EQ(r.header.status, Code::kClockSkew);
  EXPECT_FALSE(session_->closing());
  EXPECT_FALSE(node_->store().Find("k").has_value());
  EXPECT_LT(node_->clock().Current(), before + 10);
}

TEST_F(SessionTest, StatsReportsStoreAndRequestCounters) {
  Handshake();
  FeedOne(Set(1, "a", "1"));
  FeedOne(Set(2, "b", "2"));
  std::string del;
  protocol::AppendKeyRequest(&del, Opcode::kDel, 3, 0, "b");
  FeedOne(del);
  FeedOne(Set(4, std::string(65, 'k'), "v"));  // KEY_TOO_LARGE: an error
  std::string stats;
  protocol::AppendStatsRequest(&stats, 5, 0);
  Reply reply = FeedOne(stats);
  ASSERT_EQ(reply.header.status, Code::kOk);
  std::vector<protocol::Stat> parsed;
  ASSERT_TRUE(protocol::ParseStatsResponse(reply.body, &parsed).ok());
  std::map<std::string, uint64_t> by_name;
  for (const auto& s : parsed) by_name[std::string(s.name)] = s.value;
  EXPECT_EQ(by_name["keys"], 1u);
  EXPECT_EQ(by_name["tombstones"], 1u);
  EXPECT_EQ(by_name["node_id"], 7u);
  EXPECT_EQ(by_name["requests"], 5u);
  EXPECT_EQ(by_name["request_errors"], 1u);
  EXPECT_GT(by_name["store_bytes"], 0u);
  EXPECT_EQ(by_name["store_bytes"], by_name["store_record_bytes"] + by_name["store_index_bytes"]);
}

TEST_F(SessionTest, StatsWithoutOplogHasNoOplogCounters) {
  Handshake();
  std::string stats;
  protocol::AppendStatsRequest(&stats, 5, 0);
  std::vector<protocol::Stat> parsed;
  ASSERT_TRUE(protocol::ParseStatsResponse(FeedOne(stats).body, &parsed).ok());
  for (const auto& s : parsed) {
    EXPECT_FALSE(s.name.starts_with("oplog_") || s.name.starts_with("compaction"))
        << "oplog.enabled=false must report exactly what it did before: " << s.name;
  }
}

TEST_F(SessionTest, CompactWithoutOplogIsNotImplemented) {
  Handshake();
  std::string compact;
  protocol::AppendCompactRequest(&compact, 6, 0);
  Reply reply = FeedOne(compact);
  EXPECT_EQ(reply.header.status, Code::kNotImplemented);
  EXPECT_NE(ErrorMessage(reply).find("oplog.enabled"), std::string::npos);
  EXPECT_FALSE(session_->closing());
}

TEST_F(SessionTest, StatsBeforeAuthIsRefused) {
  std::string stats;
  protocol::AppendStatsRequest(&stats, 1, 0);
  EXPECT_EQ(FeedOne(stats).header.status, Code::kAuthRequired);
}

TEST_F(SessionTest, BadMagicClosesSession) {
  Handshake();
  std::string frame = Get(70, "k");
  frame[0] = 'X';
  EXPECT_EQ(FeedOne(frame).header.status, Code::kBadFrame);
  EXPECT_TRUE(session_->closing());
}

class NoAuthSessionTest : public SessionTest {
 protected:
  NoAuthSessionTest() : SessionTest(/*auth_enabled=*/false) {}
};

TEST_F(NoAuthSessionTest, DataRequestsAllowedWithoutHandshake) {
  EXPECT_EQ(FeedOne(Set(1, "k", "v")).header.status, Code::kOk);
  EXPECT_EQ(FeedOne(Get(2, "k")).header.status, Code::kOk);
  Handshake("anything", "anyone");  // a client that always handshakes still works
  EXPECT_EQ(last_auth_.header.status, Code::kOk);
}

// ---- roles: clients and peers ---------------------------------------------------------------

std::string PeerFrame(Opcode opcode, uint32_t id, std::string_view body = "x") {
  std::string f;
  protocol::FrameHeader header;
  header.opcode = static_cast<uint8_t>(opcode);
  header.request_id = id;
  protocol::FrameWriter w(&f);
  w.Begin(header);
  w.PutRaw(body);
  w.Finish();
  return f;
}

TEST_F(SessionTest, ClusterKeyGrantsThePeerRole) {
  Handshake(kClusterSecret, "cluster");
  ASSERT_EQ(last_auth_.header.status, Code::kOk);
  EXPECT_TRUE(session_->is_peer());
  // No cluster attached: the gossip opcodes are not implemented, but permitted.
  Reply syn = FeedOne(PeerFrame(Opcode::kGossipSyn, 3));
  EXPECT_EQ(syn.header.status, Code::kNotImplemented);
  EXPECT_EQ(syn.header.request_id, 3u);
  EXPECT_EQ(FeedOne(PeerFrame(Opcode::kGossipAck2, 4)).header.status, Code::kNotImplemented);
  // FORWARD is retired: a peer gets UNKNOWN_OPCODE saying so, and nothing is written.
  Reply forwarded = FeedOne(PeerFrame(Opcode::kForward, 5, "anything"));
  EXPECT_EQ(forwarded.header.status, Code::kUnknownOpcode);
  EXPECT_EQ(forwarded.header.request_id, 5u);
  EXPECT_THAT(ErrorMessage(forwarded), ::testing::HasSubstr("retired"));
  // REPLICA_WRITE applies a coordinator's stamped write; REPLICA_READ reports the entry.
  std::string write_body;
  protocol::AppendReplicaWriteBody(
      {protocol::ReplicaWriteKind::kPut, Version{kNowMs << 16, 7}, "rk", "rv"}, &write_body);
  Reply written = FeedOne(PeerFrame(Opcode::kReplicaWrite, 6, write_body));
  ASSERT_EQ(written.header.status, Code::kOk) << ErrorMessage(written);
  protocol::ReplicaWriteResult write_result;
  ASSERT_TRUE(protocol::ParseReplicaWriteResponseBody(written.body, &write_result).ok());
  EXPECT_TRUE(write_result.applied);
  EXPECT_FALSE(write_result.replaced_live);
  // The same version again changes nothing.
  Reply again = FeedOne(PeerFrame(Opcode::kReplicaWrite, 7, write_body));
  ASSERT_TRUE(protocol::ParseReplicaWriteResponseBody(again.body, &write_result).ok());
  EXPECT_FALSE(write_result.applied);
  std::string read_body;
  protocol::AppendReplicaReadBody("rk", &read_body);
  Reply read = FeedOne(PeerFrame(Opcode::kReplicaRead, 8, read_body));
  ASSERT_EQ(read.header.status, Code::kOk);
  protocol::ReplicaReadResult read_result;
  ASSERT_TRUE(protocol::ParseReplicaReadResponseBody(read.body, &read_result).ok());
  EXPECT_EQ(read_result.state, protocol::ReplicaState::kLive);
  EXPECT_EQ(read_result.version, (Version{kNowMs << 16, 7}));
  EXPECT_EQ(read_result.value, "rv");
  EXPECT_FALSE(read_result.catching_up);
  // A newer DELETE replaces the live value and leaves a tombstone.
  write_body.clear();
  protocol::AppendReplicaWriteBody(
      {protocol::ReplicaWriteKind::kDelete, Version{(kNowMs << 16) + 1, 7}, "rk", ""}, &write_body);
  Reply deleted = FeedOne(PeerFrame(Opcode::kReplicaWrite, 9, write_body));
  ASSERT_TRUE(protocol::ParseReplicaWriteResponseBody(deleted.body, &write_result).ok());
  EXPECT_TRUE(write_result.applied);
  EXPECT_TRUE(write_result.replaced_live);
  read = FeedOne(PeerFrame(Opcode::kReplicaRead, 10, read_body));
  ASSERT_TRUE(protocol::ParseReplicaReadResponseBody(read.body, &read_result).ok());
  EXPECT_EQ(read_result.state, protocol::ReplicaState::kTombstone);
  EXPECT_FALSE(node_->Contains("rk"));
  // A malformed replica request is a bad request.
  EXPECT_EQ(FeedOne(PeerFrame(Opcode::kReplicaWrite, 11, "\x09")).header.status, Code::kBadRequest);
  EXPECT_FALSE(session_->closing());
}

TEST_F(SessionTest, ClientSessionGetsPermissionDeniedForPeerOpcodesAndStaysOpen) {
  Handshake();
  ASSERT_EQ(last_auth_.header.status, Code::kOk);
  EXPECT_FALSE(session_->is_peer());
  for (Opcode opcode : {Opcode::kGossipSyn, Opcode::kGossipAck2, Opcode::kForward,
                        Opcode::kReplicaWrite, Opcode::kReplicaRead}) {
    Reply r = FeedOne(PeerFrame(opcode, 9));
    EXPECT_EQ(r.header.status, Code::kPermissionDenied) << protocol::OpcodeName(r.header.opcode);
    EXPECT_EQ(r.header.opcode, static_cast<uint8_t>(opcode));
    EXPECT_THAT(ErrorMessage(r), ::testing::HasSubstr("cluster key"));
  }
  EXPECT_FALSE(session_->closing());
  EXPECT_EQ(FeedOne(Set(10, "k", "v")).header.status, Code::kOk);
}

TEST_F(SessionTest, WrongClusterSecretFailsAuthAndIsReportedAsAPeerFailure) {
  Handshake("not-the-cluster-secret", "cluster");
  EXPECT_EQ(last_auth_.header.status, Code::kAuthFailed);
  EXPECT_EQ(ErrorMessage(last_auth_), "authentication failed");
  EXPECT_TRUE(session_->closing());
  EXPECT_FALSE(session_->is_peer());
  EXPECT_TRUE(session_->peer_auth_failed());
  EXPECT_THAT(session_->close_reason(), ::testing::HasSubstr("cluster key"));
  EXPECT_EQ(session_->close_reason().find(kClusterSecret), std::string::npos);
  uint64_t peer_failures = 0;
  for (const protocol::Stat& stat : node_->Stats()) {
    if (stat.name == "peer_auth_failures") peer_failures = stat.value;
  }
  EXPECT_EQ(peer_failures, 1u);
}

TEST_F(SessionTest, ClientKeyNamedClusterNeverAuthenticates) {
  // The fixture added a client key "cluster" with kSecret: KeyRing ignores it.
  Handshake(kSecret, "cluster");
  EXPECT_EQ(last_auth_.header.status, Code::kAuthFailed);
  EXPECT_FALSE(session_->is_peer());
}

TEST_F(SessionTest, ClusterInfoWithoutAClusterIsAOneNodeView) {
  Handshake();
  std::string request;
  protocol::AppendClusterInfoRequest(&request, 21, 0);
  Reply r = FeedOne(request);
  ASSERT_EQ(r.header.status, Code::kOk) << ErrorMessage(r);
  protocol::ClusterInfo info;
  ASSERT_TRUE(protocol::ParseClusterInfoResponse(r.body, &info).ok());
  EXPECT_EQ(info.self_id, 7u);
  ASSERT_EQ(info.nodes.size(), 1u);
  EXPECT_EQ(info.nodes[0].id, 7u);
  EXPECT_EQ(info.nodes[0].status, NodeStatus::kNormal);
  EXPECT_TRUE(info.nodes[0].up);
}

}  // namespace
}  // namespace memdb
