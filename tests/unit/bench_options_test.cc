#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb_bench/options.h"
#include "memdb_bench/report.h"

namespace memdb::bench {
namespace {

Result<CommandLine> Parse(std::vector<const char*> args, EnvMap env = {{"MEMDB_SECRET", "s"}}) {
  args.insert(args.begin(), "memdb-bench");
  return ParseCommandLine(static_cast<int>(args.size()), args.data(), env);
}

TEST(BenchOptions, Defaults) {
  auto cli = Parse({"--key-id", "bench"});
  ASSERT_TRUE(cli.ok()) << cli.status().ToString();
  const Options& o = cli->options;
  EXPECT_EQ(o.protocol, ProtocolKind::kMemdb);
  EXPECT_EQ(o.port, 7379);
  EXPECT_EQ(o.connections, 50u);
  EXPECT_EQ(o.pipeline, 1u);
  EXPECT_EQ(o.threads, 1u);
  EXPECT_EQ(o.requests, 100000u);
  EXPECT_FALSE(o.bounded_by_time());
  EXPECT_EQ(o.secret, "s");
  EXPECT_EQ(o.workload.ratio_sets, 1u);
  EXPECT_EQ(o.workload.ratio_gets, 10u);
}

TEST(BenchOptions, RespDefaultsToPort6379AndNeedsNoSecret) {
  auto cli = Parse({"--protocol", "resp", "-c", "1", "-P", "16", "--ratio", "1:0"}, {});
  ASSERT_TRUE(cli.ok()) << cli.status().ToString();
  EXPECT_EQ(cli->options.protocol, ProtocolKind::kResp);
  EXPECT_EQ(cli->options.port, 6379);
  EXPECT_EQ(cli->options.pipeline, 16u);
  EXPECT_EQ(cli->options.workload.ratio_gets, 0u);
  EXPECT_FALSE(cli->options.resp_auth);
}

TEST(BenchOptions, RespAuthTakesTheSecretFromTheEnvironment) {
  auto cli = Parse({"--protocol", "resp", "--auth"}, {{"MEMDB_SECRET", "pw"}});
  ASSERT_TRUE(cli.ok());
  EXPECT_TRUE(cli->options.resp_auth);
  EXPECT_EQ(cli->options.secret, "pw");
  EXPECT_FALSE(Parse({"--protocol", "resp", "--auth"}, {}).ok());
}

TEST(BenchOptions, SequentialDefaultsToOnePassOverTheKeyspace) {
  auto cli = Parse({"--key-id", "b", "--sequential", "--keyspace", "1000000", "--key-size", "16",
                    "--ratio", "1:0"});
  ASSERT_TRUE(cli.ok()) << cli.status().ToString();
  EXPECT_EQ(cli->options.requests, 1000000u);
  EXPECT_EQ(cli->options.workload.key_size, 16u);
}

TEST(BenchOptions, Duration) {
  auto cli = Parse({"--key-id", "b", "--duration", "2.5"});
  ASSERT_TRUE(cli.ok());
  EXPECT_TRUE(cli->options.bounded_by_time());
  EXPECT_EQ(cli->options.requests, 0u);
  EXPECT_FALSE(Parse({"--key-id", "b", "--duration", "1", "--requests", "5"}).ok());
  EXPECT_FALSE(Parse({"--key-id", "b", "--duration", "0"}).ok());
}

TEST(BenchOptions, RejectsBadValuesWithAClearMessage) {
  const std::vector<std::vector<const char*>> bad = {
      {"--key-id", "b", "--ratio", "0:0"},
      {"--key-id", "b", "--ratio", "1-1"},
      {"--key-id", "b", "--connections", "0"},
      {"--key-id", "b", "--pipeline", "0"},
      {"--key-id", "b", "--threads", "3", "--connections", "2"},
      {"--key-id", "b", "--requests", "0"},
      {"--key-id", "b", "--keyspace", "1000000", "--key-size", "5"},
      {"--key-id", "b", "--protocol", "http"},
      {"--key-id", "b", "--no-such-flag"},
      {"--auth"},  // memdb always authenticates
  };
  for (const auto& args : bad) {
    auto cli = Parse(args);
    EXPECT_FALSE(cli.ok()) << args[args.size() - 1];
    if (!cli.ok()) {
      EXPECT_EQ(cli.status().code(), Code::kInvalidArgument);
    }
  }
}

TEST(BenchOptions, MemdbNeedsKeyIdAndSecret) {
  auto no_key = Parse({});
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("--key-id"), std::string::npos);
  auto no_secret = Parse({"--key-id", "b"}, {});
  ASSERT_FALSE(no_secret.ok());
  EXPECT_NE(no_secret.status().message().find("MEMDB_SECRET"), std::string::npos);
  EXPECT_FALSE(Parse({"--key-id", "b", "--secret-file", "/nonexistent/secret"}).ok());
}

TEST(BenchOptions, HelpExits) {
  auto cli = Parse({"--help"});
  ASSERT_TRUE(cli.ok());
  EXPECT_EQ(cli->action, CommandLine::Action::kExit);
  EXPECT_NE(cli->output.find("--pipeline"), std::string::npos);
}

TEST(BenchOptions, ParseRatio) {
  uint32_t s = 0;
  uint32_t g = 0;
  EXPECT_TRUE(ParseRatio("1:10", &s, &g));
  EXPECT_EQ(s, 1u);
  EXPECT_EQ(g, 10u);
  EXPECT_FALSE(ParseRatio("1:", &s, &g));
  EXPECT_FALSE(ParseRatio(":1", &s, &g));
  EXPECT_FALSE(ParseRatio("-1:1", &s, &g));
  EXPECT_FALSE(ParseRatio("1:1:1", &s, &g));
  EXPECT_FALSE(ParseRatio("0:0", &s, &g));
}

// ---- report ----

TEST(BenchReport, JsonStringEscapes) {
  EXPECT_EQ(JsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(JsonString("\xC2\xB5s"),
            "\"\xC2\xB5s\"");                    // valid UTF-8 passes through
  EXPECT_EQ(JsonString("\xFF"), "\"\\ufffd\"");  // invalid bytes are replaced
}

TEST(BenchReport, JsonHasTheDocumentedFieldsAndNoSecret) {
  RunReport r;
  r.options.secret = "";  // RunBenchmark clears it; the report never prints it anyway
  r.options.key_id = "bench";
  r.key_size = 10;
  r.duration_s = 2.0;
  CommandStats& get = r.commands[static_cast<size_t>(Command::kGet)];
  for (uint64_t v = 1000; v <= 100000; v += 1000) get.latency.Record(v);
  get.replies = 100;
  get.misses = 3;
  r.total.Merge(get);
  const std::string json = FormatJson(r);
  for (const char* field :
       {"\"tool\":\"memdb-bench\"", "\"schema_version\":1", "\"config\":{",
        "\"protocol\":\"memdb\"", "\"connections\":50", "\"ratio\":\"1:10\"",
        "\"duration_s\":2.000000", "\"total\":{", "\"set\":{", "\"get\":{", "\"requests\":100",
        "\"misses\":3", "\"ops_per_sec\":50.0", "\"latency_us\":{", "\"p50\":50.",
        "\"p99_9\":", "\"max\":100.000", "\"first_error\":null"}) {
    EXPECT_NE(json.find(field), std::string::npos) << field << " in " << json;
  }
  EXPECT_EQ(json.back(), '\n');
  EXPECT_EQ(json.find('\n'), json.size() - 1);  // one line
  const std::string text = FormatText(r);
  EXPECT_NE(text.find("GET misses: 3"), std::string::npos) << text;
  EXPECT_NE(text.find("TOTAL"), std::string::npos);
}

}  // namespace
}  // namespace memdb::bench
