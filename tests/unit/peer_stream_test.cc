// PeerStream (the client side of a node-to-node connection) against a real Node + Session,
// bytes handed across by hand: the handshake with the cluster key, pipelining, matching by
// request id, and every way a peer can make us drop the connection.
#include "node/peer_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "node/node.h"
#include "node/session.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb {
namespace {

using protocol::Opcode;
using ::testing::HasSubstr;

constexpr char kClusterSecret[] = "cluster-secret-0123456789";

class PeerStreamTest : public ::testing::Test {
 protected:
  PeerStreamTest() : clock_(1'700'000'000'000ULL), random_(7) {
    NodeOptions options;
    options.node_id = 42;
    auth::KeyRing keys;
    keys.Add("app", "app-secret-0123456789");
    keys.SetClusterSecret(kClusterSecret);
    node_ = std::make_unique<Node>(options, std::move(keys), &clock_, &random_);
    session_ = std::make_unique<Session>(node_.get());
  }

  // Moves bytes both ways until neither side has anything to say, `chunk` bytes at a time.
  void Pump(PeerStream* stream, std::string* to_server, size_t chunk = SIZE_MAX) {
    for (int round = 0; round < 100 && (!to_server->empty() || !to_client_.empty()); ++round) {
      while (!to_server->empty()) {
        const size_t n = std::min(chunk, to_server->size());
        server_in_ += to_server->substr(0, n);
        to_server->erase(0, n);
        ReplyBuffer replies;
        server_in_.erase(0, session_->Consume(server_in_, &replies));
        to_client_ += *replies.bytes();
      }
      while (!to_client_.empty() && !stream->failed()) {
        const size_t n = std::min(chunk, to_client_.size());
        client_in_ += to_client_.substr(0, n);
        to_client_.erase(0, n);
        client_in_.erase(0, stream->Consume(client_in_, to_server, &done_));
      }
      if (stream->failed()) break;
    }
  }

  static std::string PingBody(std::string_view payload) {
    std::string frame;
    protocol::AppendPingRequest(&frame, 1, 0, payload);
    return frame.substr(protocol::kHeaderSize);
  }

  ManualClock clock_;
  SeededRandom random_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<Session> session_;
  std::string server_in_, to_client_, client_in_;
  std::vector<PeerStream::Completion> done_;
};

TEST_F(PeerStreamTest, HandshakeWithTheClusterKeyThenQueuedAndPipelinedRequests) {
  PeerStream stream(kClusterSecret, "node 1", {});
  std::string out;
  stream.Start(5, &out);
  // Sent before the handshake completed: queued, written right after it.
  stream.Send(10, static_cast<uint8_t>(Opcode::kPing), 5, PingBody("a"), &out);
  stream.Send(11, static_cast<uint8_t>(Opcode::kGossipSyn), 5, "junk", &out);
  EXPECT_FALSE(stream.ready());
  Pump(&stream, &out, /*chunk=*/3);  // byte-fragmented both ways
  ASSERT_TRUE(stream.ready()) << stream.error().ToString();
  EXPECT_TRUE(session_->is_peer());
  ASSERT_EQ(done_.size(), 2u);
  EXPECT_EQ(done_[0].request_id, 10u);
  EXPECT_TRUE(done_[0].status.ok());
  std::string_view payload;
  ASSERT_TRUE(protocol::ParsePingResponse(done_[0].body, &payload).ok());
  EXPECT_EQ(payload, "a");
  EXPECT_GT(done_[0].timestamp, 0u);
  // The node has no cluster attached: the peer's own error comes back as the outcome.
  EXPECT_EQ(done_[1].request_id, 11u);
  EXPECT_EQ(done_[1].status.code(), Code::kNotImplemented);
  EXPECT_EQ(stream.pending_count(), 0u);

  // Once ready, requests go straight out.
  stream.Send(12, static_cast<uint8_t>(Opcode::kPing), 6, PingBody("b"), &out);
  EXPECT_FALSE(out.empty());
  Pump(&stream, &out);
  ASSERT_EQ(done_.size(), 3u);
  EXPECT_EQ(done_[2].request_id, 12u);
}

TEST_F(PeerStreamTest, WrongClusterKeyIsRefusedAndFailsEveryRequest) {
  PeerStream stream("another-cluster-secret-xyz", "node 1", {});
  std::string out;
  stream.Start(0, &out);
  stream.Send(10, static_cast<uint8_t>(Opcode::kPing), 0, PingBody("a"), &out);
  Pump(&stream, &out);
  EXPECT_TRUE(stream.failed());
  EXPECT_TRUE(stream.auth_refused());
  EXPECT_THAT(stream.error().message(), HasSubstr("refused our cluster key"));
  EXPECT_EQ(stream.error().message().find("another-cluster-secret"), std::string::npos);
  EXPECT_TRUE(done_.empty());
  EXPECT_EQ(stream.TakePending(), std::vector<uint32_t>{10});
  EXPECT_TRUE(session_->peer_auth_failed());
}

TEST_F(PeerStreamTest, ResponseToAnotherOpcodeIsAProtocolViolation) {
  PeerStream stream(kClusterSecret, "node 1", {});
  std::string out;
  stream.Start(0, &out);
  Pump(&stream, &out);
  ASSERT_TRUE(stream.ready());
  stream.Send(10, static_cast<uint8_t>(Opcode::kGossipSyn), 0, "x", &out);
  std::string forged;
  protocol::AppendPingResponse(&forged, 10, 0, "not a gossip ack");
  EXPECT_EQ(stream.Consume(forged, &out, &done_), forged.size());
  EXPECT_TRUE(stream.failed());
  EXPECT_FALSE(stream.auth_refused());
  EXPECT_THAT(stream.error().message(), HasSubstr("answered request 10"));
  EXPECT_TRUE(done_.empty());
}

TEST_F(PeerStreamTest, GarbageAndConnectionLevelErrorsFailTheStream) {
  {
    PeerStream stream(kClusterSecret, "node 1", {});
    std::string out;
    stream.Start(0, &out);
    stream.Consume("HTTP/1.1 200 OK\r\n\r\n", &out, &done_);
    EXPECT_TRUE(stream.failed());
    EXPECT_THAT(stream.error().message(), HasSubstr("does not decode"));
  }
  {
    PeerStream stream(kClusterSecret, "node 1", {});
    std::string out;
    stream.Start(0, &out);
    Pump(&stream, &out);
    ASSERT_TRUE(stream.ready());
    std::string error;
    protocol::AppendErrorResponse(&error, static_cast<uint8_t>(Opcode::kHello), 0, 0,
                                  Code::kTooManyConnections, "full");
    stream.Consume(error, &out, &done_);
    EXPECT_TRUE(stream.failed());
    EXPECT_THAT(stream.error().message(), HasSubstr("TOO_MANY_CONNECTIONS"));
  }
  {
    // A frame larger than the limit is refused from its header.
    protocol::Limits limits;
    limits.max_frame_bytes = 64;
    PeerStream stream(kClusterSecret, "node 1", limits);
    std::string out;
    stream.Start(0, &out);
    std::string big;
    protocol::AppendPingResponse(&big, 1, 0, std::string(100, 'x'));
    stream.Consume(std::string_view(big).substr(0, protocol::kHeaderSize), &out, &done_);
    EXPECT_TRUE(stream.failed());
  }
}

TEST_F(PeerStreamTest, LateResponseToAForgottenRequestIsDropped) {
  PeerStream stream(kClusterSecret, "node 1", {});
  std::string out;
  stream.Start(0, &out);
  Pump(&stream, &out);
  ASSERT_TRUE(stream.ready());
  stream.Send(10, static_cast<uint8_t>(Opcode::kPing), 0, PingBody("late"), &out);
  stream.Forget(10);  // timed out
  Pump(&stream, &out);
  EXPECT_FALSE(stream.failed());
  EXPECT_TRUE(done_.empty());
  EXPECT_TRUE(stream.TakePending().empty());
}

}  // namespace
}  // namespace memdb
