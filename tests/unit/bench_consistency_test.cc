// memdb-bench --consistency: the flag, the GET_CL/SET_CL requests it makes the memdb adapter
// send, the replies under those opcodes, and the level in the JSON report.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb_bench/memdb_client.h"
#include "memdb_bench/options.h"
#include "memdb_bench/report.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb::bench {
namespace {

using protocol::DecodeStatus;
using protocol::Opcode;

Result<CommandLine> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "memdb-bench");
  return ParseCommandLine(static_cast<int>(args.size()), args.data(), {{"MEMDB_SECRET", "s"}});
}

TEST(BenchConsistency, FlagParsesEveryLevelAndRejectsTheRest) {
  auto plain = Parse({"--key-id", "bench"});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->options.consistency, Consistency::kDefault);
  for (auto [text, level] :
       {std::pair{"one", Consistency::kOne}, std::pair{"QUORUM", Consistency::kQuorum},
        std::pair{"all", Consistency::kAll}, std::pair{"default", Consistency::kDefault}}) {
    auto cli = Parse({"--key-id", "bench", "--consistency", text});
    ASSERT_TRUE(cli.ok()) << text << ": " << cli.status().ToString();
    EXPECT_EQ(cli->options.consistency, level) << text;
  }
  auto bad = Parse({"--key-id", "bench", "--consistency", "two"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--consistency \"two\""), std::string::npos)
      << bad.status().message();
  auto resp = Parse({"--protocol", "resp", "--consistency", "quorum"});
  ASSERT_FALSE(resp.ok());
  EXPECT_NE(resp.status().message().find("--protocol memdb"), std::string::npos);
}

TEST(BenchConsistency, RequestsCarryTheLevelAndRepliesUnderClOpcodesAreUnderstood) {
  MemdbCredentials credentials{"bench", "secret", "memdb-bench"};
  MemdbClient client(&credentials, protocol::Limits(), Consistency::kQuorum);
  std::string out;
  client.AppendRequest(&out, Command::kSet, 7, "key:1", "value");
  client.AppendRequest(&out, Command::kGet, 8, "key:1", "ignored");

  protocol::DecodeResult set = protocol::DecodeFrame(out, protocol::Limits(), false);
  ASSERT_EQ(set.status, DecodeStatus::kFrame);
  EXPECT_EQ(set.frame.header.opcode, static_cast<uint8_t>(Opcode::kSetCl));
  EXPECT_EQ(set.frame.header.request_id, 7u);
  protocol::RequestOptions options;
  std::string_view plain;
  ASSERT_TRUE(protocol::ParseConsistencyPrefix(set.frame.body, &options, &plain).ok());
  EXPECT_EQ(options.consistency, Consistency::kQuorum);
  EXPECT_EQ(options.deadline_ms, 0u);  // the node's request timeout
  protocol::SetRequest set_body;
  ASSERT_TRUE(protocol::ParseSetRequest(plain, protocol::Limits(), &set_body).ok());
  EXPECT_EQ(set_body.key, "key:1");
  EXPECT_EQ(set_body.value, "value");

  protocol::DecodeResult get =
      protocol::DecodeFrame(std::string_view(out).substr(set.consumed), protocol::Limits(), false);
  ASSERT_EQ(get.status, DecodeStatus::kFrame);
  EXPECT_EQ(get.frame.header.opcode, static_cast<uint8_t>(Opcode::kGetCl));
  ASSERT_TRUE(protocol::ParseConsistencyPrefix(get.frame.body, &options, &plain).ok());
  EXPECT_EQ(options.consistency, Consistency::kQuorum);
  std::string_view key;
  ASSERT_TRUE(protocol::ParseKeyRequest(plain, protocol::Limits(), &key).ok());
  EXPECT_EQ(key, "key:1");

  // The node answers under the request's opcode: the plain bodies behind SET_CL / GET_CL.
  auto with_opcode = [](std::string frame, Opcode opcode) {
    frame[3] = static_cast<char>(opcode);  // header: magic u16, version u8, opcode u8, ...
    return frame;
  };
  std::string set_reply;
  protocol::AppendSetResponse(&set_reply, 7, 100, Version{99, 1});
  std::string get_hit;
  protocol::AppendGetResponse(&get_hit, 8, 101, protocol::GetResult{true, Version{99, 1}, "v"});
  std::string get_miss;
  protocol::AppendGetResponse(&get_miss, 9, 102, protocol::GetResult{});
  const std::string stream = with_opcode(set_reply, Opcode::kSetCl) +
                             with_opcode(get_hit, Opcode::kGetCl) +
                             with_opcode(get_miss, Opcode::kGetCl);
  std::string_view rest = stream;
  for (ReplyKind want : {ReplyKind::kOk, ReplyKind::kOk, ReplyKind::kNil}) {
    ParseResult r = client.ParseReply(rest);
    ASSERT_EQ(r.status, ParseResult::Status::kReply) << r.message;
    EXPECT_EQ(r.kind, want);
    rest.remove_prefix(r.consumed);
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(client.seen_timestamp(), 102u);
}

TEST(BenchConsistency, PlainRequestsWithoutALevel) {
  MemdbCredentials credentials{"bench", "secret", "memdb-bench"};
  MemdbClient client(&credentials);
  std::string out;
  client.AppendRequest(&out, Command::kSet, 1, "k", "v");
  protocol::DecodeResult set = protocol::DecodeFrame(out, protocol::Limits(), false);
  ASSERT_EQ(set.status, DecodeStatus::kFrame);
  EXPECT_EQ(set.frame.header.opcode, static_cast<uint8_t>(Opcode::kSet));
}

TEST(BenchConsistency, JsonReportNamesTheLevel) {
  auto cli = Parse({"--key-id", "bench", "--consistency", "all"});
  ASSERT_TRUE(cli.ok());
  RunReport report;
  report.options = cli->options;
  EXPECT_NE(FormatJson(report).find("\"consistency\":\"all\""), std::string::npos);
  EXPECT_NE(FormatText(report).find("consistency: all"), std::string::npos);
}

}  // namespace
}  // namespace memdb::bench
