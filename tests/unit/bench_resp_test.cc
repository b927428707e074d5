#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "memdb_bench/resp_client.h"

namespace memdb::bench {
namespace {

using Status = ParseResult::Status;

struct Sample {
  std::string bytes;
  ReplyKind kind;
  std::string message;  // for +/- lines
};

std::vector<Sample> Samples() {
  return {
      {"+OK\r\n", ReplyKind::kOk, "OK"},
      {"+PONG\r\n", ReplyKind::kOk, "PONG"},
      {"-ERR unknown command 'FOO'\r\n", ReplyKind::kError, "ERR unknown command 'FOO'"},
      {"-WRONGPASS invalid username-password pair\r\n", ReplyKind::kError,
       "WRONGPASS invalid username-password pair"},
      {":0\r\n", ReplyKind::kOk, ""},
      {":-42\r\n", ReplyKind::kOk, ""},
      {"$-1\r\n", ReplyKind::kNil, ""},
      {"$0\r\n\r\n", ReplyKind::kOk, ""},
      {"$5\r\nhello\r\n", ReplyKind::kOk, ""},
      {"$4\r\na\r\nb\r\n", ReplyKind::kOk, ""},  // CRLF inside a bulk string is data
      {std::string("$3\r\n\0\xff\r\r\n", 9), ReplyKind::kOk, ""},
      {"*-1\r\n", ReplyKind::kNil, ""},
      {"*0\r\n", ReplyKind::kOk, ""},
      {"*2\r\n$3\r\nfoo\r\n$-1\r\n", ReplyKind::kOk, ""},
      {"*3\r\n:1\r\n*1\r\n+x\r\n-ERR in array\r\n", ReplyKind::kOk, ""},
  };
}

TEST(BenchResp, ParsesEverySampleWhole) {
  for (const Sample& s : Samples()) {
    ParseResult r = ParseRespReply(s.bytes);
    ASSERT_EQ(r.status, Status::kReply) << s.bytes;
    EXPECT_EQ(r.consumed, s.bytes.size()) << s.bytes;
    EXPECT_EQ(r.kind, s.kind) << s.bytes;
    EXPECT_FALSE(r.has_request_id);
    if (!s.message.empty()) {
      EXPECT_EQ(r.message, s.message);
    }
  }
}

TEST(BenchResp, EveryStrictPrefixNeedsMore) {
  for (const Sample& s : Samples()) {
    for (size_t n = 0; n < s.bytes.size(); ++n) {
      ParseResult r = ParseRespReply(std::string_view(s.bytes).substr(0, n));
      ASSERT_EQ(r.status, Status::kNeedMore) << "sample " << s.bytes << " prefix " << n;
      EXPECT_EQ(r.consumed, 0u);
    }
  }
}

// Feeds the concatenation of all samples split at every position into a buffer
// the way the worker does: parse what is there, keep the rest, append the next
// fragment.
TEST(BenchResp, EverySplitOfTheStreamYieldsTheSameReplies) {
  std::string stream;
  for (const Sample& s : Samples()) stream += s.bytes;
  const std::vector<Sample> samples = Samples();
  for (size_t split = 0; split <= stream.size(); ++split) {
    std::string buffer;
    size_t next = 0;
    for (std::string_view fragment :
         {std::string_view(stream).substr(0, split), std::string_view(stream).substr(split)}) {
      buffer.append(fragment);
      while (true) {
        ParseResult r = ParseRespReply(buffer);
        if (r.status == Status::kNeedMore) break;
        ASSERT_EQ(r.status, Status::kReply) << "split " << split;
        ASSERT_LT(next, samples.size());
        EXPECT_EQ(r.kind, samples[next].kind) << "split " << split << " reply " << next;
        EXPECT_EQ(r.consumed, samples[next].bytes.size()) << "split " << split;
        buffer.erase(0, r.consumed);
        ++next;
      }
    }
    EXPECT_EQ(next, samples.size()) << "split " << split;
    EXPECT_TRUE(buffer.empty()) << "split " << split;
  }
}

TEST(BenchResp, OneByteAtATime) {
  std::string stream;
  for (const Sample& s : Samples()) stream += s.bytes;
  std::string buffer;
  size_t replies = 0;
  for (char c : stream) {
    buffer += c;
    ParseResult r = ParseRespReply(buffer);
    if (r.status == Status::kNeedMore) continue;
    ASSERT_EQ(r.status, Status::kReply);
    EXPECT_EQ(r.consumed, buffer.size());  // completes exactly at its last byte
    buffer.clear();
    ++replies;
  }
  EXPECT_EQ(replies, Samples().size());
}

TEST(BenchResp, MalformedRepliesAreFatal) {
  const std::vector<std::string> bad = {
      "?what\r\n",                               // unknown type byte
      "HTTP/1.1 400\r\n",                        // not RESP at all
      "+OK\rX",                                  // CR not followed by LF
      ":12a\r\n",                                // bad integer
      ":\r\n",                                   // empty integer
      "$-2\r\n",                                 // negative length other than -1
      "$3\r\nabcXY",                             // bulk not terminated by CRLF
      "$999999999999\r\n",                       // over the bulk limit
      "*1\r\n!\r\n",                             // bad element
      std::string(kRespMaxLineBytes + 10, '+'),  // no CRLF within the line limit
  };
  for (const std::string& b : bad) {
    EXPECT_EQ(ParseRespReply(b).status, Status::kFatal) << b.substr(0, 20);
  }
  // Arrays nested deeper than the limit.
  std::string deep;
  for (int i = 0; i <= kRespMaxDepth; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  EXPECT_EQ(ParseRespReply(deep).status, Status::kFatal);
}

TEST(BenchResp, EncodesSetAndGetExactly) {
  RespCredentials credentials;
  RespClient client(&credentials);
  std::string out;
  client.AppendRequest(&out, Command::kSet, 7, "key:0012", "value-32");
  client.AppendRequest(&out, Command::kGet, 8, "key:0012", "ignored");
  EXPECT_EQ(out,
            "*3\r\n$3\r\nSET\r\n$8\r\nkey:0012\r\n$8\r\nvalue-32\r\n"
            "*2\r\n$3\r\nGET\r\n$8\r\nkey:0012\r\n");
}

TEST(BenchResp, EncodesAuthWithAndWithoutUser) {
  std::string out;
  AppendRespCommand(&out, {"AUTH", "pw"});
  EXPECT_EQ(out, "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n");
  RespCredentials credentials{true, "alice", "s3cret"};
  RespClient client(&credentials);
  out.clear();
  client.BeginHandshake(&out);
  EXPECT_EQ(out, "*3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$6\r\ns3cret\r\n");
}

TEST(BenchResp, HandshakeWithoutAuthPings) {
  RespCredentials credentials;
  RespClient client(&credentials);
  std::string out;
  client.BeginHandshake(&out);
  EXPECT_EQ(out, "*1\r\n$4\r\nPING\r\n");
  out.clear();
  EXPECT_EQ(client.ContinueHandshake("+PO", &out).status, HandshakeResult::Status::kNeedMore);
  HandshakeResult r = client.ContinueHandshake("+PONG\r\n", &out);
  EXPECT_EQ(r.status, HandshakeResult::Status::kDone);
  EXPECT_EQ(r.consumed, 7u);
}

TEST(BenchResp, HandshakeReportsAuthFailure) {
  RespCredentials credentials{true, "", "wrong"};
  RespClient client(&credentials);
  std::string out;
  HandshakeResult r =
      client.ContinueHandshake("-WRONGPASS invalid username-password pair\r\n", &out);
  EXPECT_EQ(r.status, HandshakeResult::Status::kFailed);
  EXPECT_NE(r.error.find("WRONGPASS"), std::string::npos);
  EXPECT_EQ(r.error.find("wrong"), std::string::npos);  // never the password
}

}  // namespace
}  // namespace memdb::bench
