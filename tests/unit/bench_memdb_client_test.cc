#include <gtest/gtest.h>

#include <string>

#include "memdb_bench/memdb_client.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb::bench {
namespace {

using protocol::DecodeStatus;
using protocol::Opcode;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Decodes the single request frame in `bytes` as the server would.
protocol::Frame DecodeRequest(const std::string& bytes) {
  protocol::DecodeResult r = protocol::DecodeFrame(bytes, protocol::Limits(), false);
  EXPECT_EQ(r.status, DecodeStatus::kFrame);
  EXPECT_EQ(r.consumed, bytes.size());
  return r.frame;
}

std::string Nonce() {
  std::string nonce;
  for (int i = 0; i < 32; ++i) nonce += static_cast<char>(i);
  return nonce;
}

// The handshake of docs/protocol.md, checked against hmac_examples[0] of the
// vectors.
TEST(BenchMemdbClient, HandshakeSendsHelloThenTheVectorMac) {
  MemdbCredentials credentials{"client-1", "s3cret-s3cret-s3cret", "memdb-bench"};
  MemdbClient client(&credentials);
  std::string out;
  client.BeginHandshake(&out);
  protocol::Frame hello = DecodeRequest(out);
  EXPECT_EQ(hello.header.opcode, static_cast<uint8_t>(Opcode::kHello));
  EXPECT_NE(hello.header.request_id, 0u);
  protocol::HelloRequest hello_body;
  ASSERT_TRUE(protocol::ParseHelloRequest(hello.body, &hello_body).ok());
  EXPECT_EQ(hello_body.client_name, "memdb-bench");

  const std::string nonce = Nonce();
  std::string challenge;
  protocol::AppendChallenge(&challenge, hello.header.request_id, /*ts=*/1000,
                            protocol::Challenge{1, "memdb test", nonce});
  out.clear();
  // Byte by byte: nothing happens until the CHALLENGE is complete.
  for (size_t n = 0; n < challenge.size(); ++n) {
    HandshakeResult r = client.ContinueHandshake(std::string_view(challenge).substr(0, n), &out);
    ASSERT_EQ(r.status, HandshakeResult::Status::kNeedMore);
    ASSERT_EQ(r.consumed, 0u);
    ASSERT_TRUE(out.empty());
  }
  HandshakeResult r = client.ContinueHandshake(challenge, &out);
  ASSERT_EQ(r.status, HandshakeResult::Status::kNeedMore) << r.error;
  EXPECT_EQ(r.consumed, challenge.size());
  protocol::Frame auth = DecodeRequest(out);
  EXPECT_EQ(auth.header.opcode, static_cast<uint8_t>(Opcode::kAuth));
  EXPECT_EQ(auth.header.timestamp, 1000u);  // the highest timestamp seen so far
  protocol::AuthRequest auth_body;
  ASSERT_TRUE(protocol::ParseAuthRequest(auth.body, &auth_body).ok());
  EXPECT_EQ(auth_body.key_id, "client-1");
  EXPECT_EQ(Hex(auth_body.mac), "f6fde438c151de965f8f2e1422d27daa6a05b28e35e16dbf6f09fccf3d0b2264");

  std::string ok;
  protocol::AppendEmptyResponse(&ok, Opcode::kAuth, auth.header.request_id, 2000);
  out.clear();
  r = client.ContinueHandshake(ok, &out);
  EXPECT_EQ(r.status, HandshakeResult::Status::kDone);
  EXPECT_EQ(r.consumed, ok.size());
  EXPECT_EQ(client.seen_timestamp(), 2000u);
}

TEST(BenchMemdbClient, HandshakeReportsAuthFailedWithoutTheSecret) {
  MemdbCredentials credentials{"bench", "topsecret-value", "memdb-bench"};
  MemdbClient client(&credentials);
  std::string out;
  client.BeginHandshake(&out);
  std::string reply;
  protocol::AppendChallenge(&reply, 1, 0, protocol::Challenge{1, "memdb", Nonce()});
  out.clear();
  ASSERT_EQ(client.ContinueHandshake(reply, &out).status, HandshakeResult::Status::kNeedMore);
  reply.clear();
  protocol::AppendErrorResponse(&reply, static_cast<uint8_t>(Opcode::kAuth), 2, 0,
                                Code::kAuthFailed, "authentication failed");
  HandshakeResult r = client.ContinueHandshake(reply, &out);
  EXPECT_EQ(r.status, HandshakeResult::Status::kFailed);
  EXPECT_NE(r.error.find("AUTH_FAILED"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("topsecret"), std::string::npos);
}

TEST(BenchMemdbClient, HandshakeRejectsANonMemdbServer) {
  MemdbCredentials credentials{"bench", "secret", "memdb-bench"};
  MemdbClient client(&credentials);
  std::string out;
  client.BeginHandshake(&out);
  HandshakeResult r = client.ContinueHandshake("+OK\r\n", &out);
  EXPECT_EQ(r.status, HandshakeResult::Status::kFailed);
}

TEST(BenchMemdbClient, RequestsCarryIdAndHighestSeenTimestamp) {
  MemdbCredentials credentials{"bench", "secret", "memdb-bench"};
  MemdbClient client(&credentials);
  std::string reply;
  protocol::AppendSetResponse(&reply, 5, /*ts=*/777, Version{770, 3});
  ParseResult parsed = client.ParseReply(reply);
  ASSERT_EQ(parsed.status, ParseResult::Status::kReply);

  std::string out;
  client.AppendRequest(&out, Command::kSet, 9, "key:1", "v");
  client.AppendRequest(&out, Command::kGet, 10, "key:1", "ignored");
  protocol::DecodeResult set = protocol::DecodeFrame(out, protocol::Limits(), false);
  ASSERT_EQ(set.status, DecodeStatus::kFrame);
  EXPECT_EQ(set.frame.header.opcode, static_cast<uint8_t>(Opcode::kSet));
  EXPECT_EQ(set.frame.header.request_id, 9u);
  EXPECT_EQ(set.frame.header.timestamp, 777u);
  protocol::SetRequest set_body;
  ASSERT_TRUE(protocol::ParseSetRequest(set.frame.body, protocol::Limits(), &set_body).ok());
  EXPECT_EQ(set_body.key, "key:1");
  EXPECT_EQ(set_body.value, "v");
  protocol::DecodeResult get =
      protocol::DecodeFrame(std::string_view(out).substr(set.consumed), protocol::Limits(), false);
  ASSERT_EQ(get.status, DecodeStatus::kFrame);
  EXPECT_EQ(get.frame.header.opcode, static_cast<uint8_t>(Opcode::kGet));
  EXPECT_EQ(get.frame.header.request_id, 10u);
}

TEST(BenchMemdbClient, ClassifiesRepliesAtEverySplit) {
  std::string stream;
  protocol::AppendSetResponse(&stream, 1, 10, Version{10, 1});
  protocol::AppendGetResponse(&stream, 2, 11, protocol::GetResult{true, Version{10, 1}, "val"});
  protocol::AppendGetResponse(&stream, 3, 12, protocol::GetResult{});
  protocol::AppendErrorResponse(&stream, static_cast<uint8_t>(Opcode::kSet), 4, 13,
                                Code::kValueTooLarge, "value too large");
  const ReplyKind kinds[] = {ReplyKind::kOk, ReplyKind::kOk, ReplyKind::kNil, ReplyKind::kError};

  for (size_t split = 0; split <= stream.size(); ++split) {
    MemdbCredentials credentials{"bench", "secret", "memdb-bench"};
    MemdbClient client(&credentials);
    std::string buffer;
    size_t next = 0;
    for (std::string_view fragment :
         {std::string_view(stream).substr(0, split), std::string_view(stream).substr(split)}) {
      buffer.append(fragment);
      while (true) {
        ParseResult r = client.ParseReply(buffer);
        if (r.status == ParseResult::Status::kNeedMore) break;
        ASSERT_EQ(r.status, ParseResult::Status::kReply) << "split " << split;
        ASSERT_LT(next, 4u);
        EXPECT_TRUE(r.has_request_id);
        EXPECT_EQ(r.request_id, next + 1) << "split " << split;
        EXPECT_EQ(r.kind, kinds[next]) << "split " << split;
        if (r.kind == ReplyKind::kError) {
          EXPECT_EQ(r.message, "value too large");
        }
        buffer.erase(0, r.consumed);
        ++next;
      }
    }
    EXPECT_EQ(next, 4u) << "split " << split;
    EXPECT_EQ(client.seen_timestamp(), 13u);
  }
}

TEST(BenchMemdbClient, GarbageIsFatal) {
  MemdbCredentials credentials{"bench", "secret", "memdb-bench"};
  MemdbClient client(&credentials);
  EXPECT_EQ(client.ParseReply("-ERR not memdb\r\n").status, ParseResult::Status::kFatal);
  // A request frame (response flag clear) is not a reply.
  std::string request;
  protocol::AppendKeyRequest(&request, Opcode::kGet, 1, 0, "k");
  EXPECT_EQ(client.ParseReply(request).status, ParseResult::Status::kFatal);
}

}  // namespace
}  // namespace memdb::bench
