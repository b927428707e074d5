// memdb-cli's runner and commands against a fake server: one-shot and script modes, exit
// codes, stopping at the first error, hints, and what each command sends and prints.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "clients/cli/backend.h"
#include "clients/cli/commands.h"
#include "clients/cli/runner.h"

namespace memdb::cli {
namespace {

// An in-memory Backend with a key-size limit and switchable failures.
class FakeBackend : public Backend {
 public:
  Status Connect() override {
    ++connects;
    return connect_status;
  }
  bool IsConnected() const override { return connect_status.ok(); }
  Status Ping() override {
    calls.push_back("PING");
    if (!connect_status.ok()) return connect_status;
    clock += 1;
    return Status::Ok();
  }
  Result<std::optional<VersionedValue>> Get(std::string_view key,
                                            const RequestOptions& options) override {
    calls.push_back("GET " + std::string(key) + Describe(options));
    if (Status s = Check(key); !s.ok()) return s;
    auto it = data.find(std::string(key));
    if (it == data.end()) return std::optional<VersionedValue>();
    return std::optional<VersionedValue>(it->second);
  }
  Result<Version> Set(std::string_view key, std::string_view value,
                      const RequestOptions& options) override {
    calls.push_back("SET " + std::string(key) + " " + std::string(value) + Describe(options));
    if (Status s = Check(key); !s.ok()) return s;
    const Version v{++clock, 9};
    data[std::string(key)] = VersionedValue{std::string(value), v};
    return v;
  }
  Result<bool> Del(std::string_view key, const RequestOptions& options) override {
    calls.push_back("DEL " + std::string(key) + Describe(options));
    if (Status s = Check(key); !s.ok()) return s;
    return data.erase(std::string(key)) > 0;
  }
  Result<bool> Contains(std::string_view key, const RequestOptions& options) override {
    calls.push_back("CONTAINS " + std::string(key) + Describe(options));
    if (Status s = Check(key); !s.ok()) return s;
    return data.count(std::string(key)) > 0;
  }
  Result<StatList> Stats() override {
    calls.push_back("STATS");
    if (!connect_status.ok()) return connect_status;
    return StatList{{"keys", data.size()}, {"clock", clock}};
  }
  Result<CompactOutcome> Compact() override {
    calls.push_back("COMPACT");
    if (!connect_status.ok()) return connect_status;
    return CompactOutcome::kStarted;
  }
  Result<ClusterView> ClusterInfo() override {
    calls.push_back("CLUSTER_INFO");
    if (!connect_status.ok()) return connect_status;
    return cluster;
  }
  // Answers REPAIR from `repair_replies` in order (the last one repeats); `repair_status`
  // fails every REPAIR with that status instead.
  Result<RepairProgress> Repair(RepairAction action) override {
    calls.push_back(action == RepairAction::kStart ? "REPAIR start" : "REPAIR status");
    if (!repair_status.ok()) return repair_status;
    if (repair_replies.empty()) return RepairProgress();
    RepairProgress p = repair_replies.front();
    if (repair_replies.size() > 1) repair_replies.erase(repair_replies.begin());
    return p;
  }
  Timestamp SessionClock() const override { return clock; }

  // " @quorum/200ms" for non-default request options, "" for the defaults.
  static std::string Describe(const RequestOptions& options) {
    if (options.is_default()) return "";
    return " @" + std::string(ConsistencyName(options.consistency)) + "/" +
           std::to_string(options.deadline.count()) + "ms";
  }

  Status connect_status;
  Status repair_status;
  std::vector<RepairProgress> repair_replies;
  ClusterView cluster;
  std::map<std::string, VersionedValue> data;
  std::vector<std::string> calls;
  Timestamp clock = 100;
  int connects = 0;

 private:
  Status Check(std::string_view key) const {
    if (!connect_status.ok()) return connect_status;
    if (key.size() > 8) {
      return Status(Code::kKeyTooLarge, "key is " + std::to_string(key.size()) + " bytes, limit 8");
    }
    return Status::Ok();
  }
};

class CliRunnerTest : public ::testing::Test {
 protected:
  Runner MakeRunner(OutputMode mode = OutputMode::kHuman, bool continue_on_error = false) {
    RunnerOptions options;
    options.format.mode = mode;
    options.continue_on_error = continue_on_error;
    options.credentials = "authenticating as key id 'k' with the secret from MEMDB_SECRET";
    options.address = "127.0.0.1:7379";
    CommandContext context;
    context.backend = &backend_;
    return Runner(std::move(context), options, out_, err_);
  }
  int Script(const std::string& text, OutputMode mode = OutputMode::kHuman,
             bool continue_on_error = false) {
    Runner runner = MakeRunner(mode, continue_on_error);
    std::istringstream in(text);
    return runner.RunScript(in);
  }

  FakeBackend backend_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CliRunnerTest, OneShotCommands) {
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"SET", "k", "hello world"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"get", "k"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"CONTAINS", "k"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"DEL", "k"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"DEL", "k"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"GET", "k"}), kExitOk);  // missing is not an error
  EXPECT_EQ(runner.RunOneShot({"PING"}), kExitOk);
  EXPECT_EQ(out_.str(), "OK\n\"hello world\"\ntrue\n(integer) 1\n(integer) 0\n(nil)\nPONG\n");
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(backend_.calls, (std::vector<std::string>{"SET k hello world", "GET k", "CONTAINS k",
                                                      "DEL k", "DEL k", "GET k", "PING"}));
}

TEST_F(CliRunnerTest, StatsListsTheCounters) {
  Runner runner = MakeRunner();
  runner.RunOneShot({"SET", "k", "v"});
  out_.str("");
  EXPECT_EQ(runner.RunOneShot({"stats"}), kExitOk);
  EXPECT_EQ(out_.str().substr(0, 16), "keys   1\nclock  ");
  EXPECT_EQ(runner.RunOneShot({"STATS", "extra"}), kExitUsage);
}

TEST_F(CliRunnerTest, CompactSaysWhatTheNodeDid) {
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"compact"}), kExitOk);
  EXPECT_EQ(out_.str(), "started\n");
  EXPECT_EQ(runner.RunOneShot({"COMPACT", "now"}), kExitUsage);
}

TEST_F(CliRunnerTest, BinaryArgumentsReachTheServerIntact) {
  Runner runner = MakeRunner();
  const std::string value("a\0b\xff", 4);
  EXPECT_EQ(runner.RunOneShot({"SET", "bin", value}), kExitOk);
  EXPECT_EQ(backend_.data["bin"].value, value);
  runner.RunOneShot({"GET", "bin"});
  EXPECT_EQ(out_.str(), "OK\n\"a\\x00b\\xff\"\n");
}

TEST_F(CliRunnerTest, ServerErrorIsExitOne) {
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"SET", "muchtoolongkey", "v"}), kExitCommandError);
  EXPECT_EQ(out_.str(), "(error) KEY_TOO_LARGE: key is 14 bytes, limit 8\n");
}

TEST_F(CliRunnerTest, UsageErrorsAreExitTwoAndNeverReachTheServer) {
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"FLY", "k"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"GET"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"SET", "k"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"HELP", "FLY"}), kExitUsage);
  EXPECT_TRUE(backend_.calls.empty());
  EXPECT_EQ(out_.str(),
            "(error) USAGE: unknown command 'FLY' (type 'help' for the list of commands)\n"
            "(error) USAGE: GET takes 1 argument, got 0 (usage: GET key)\n"
            "(error) USAGE: SET takes 2 arguments, got 1 (usage: SET key value)\n"
            "(error) USAGE: no command named 'FLY' (type 'help' for a list)\n");
}

TEST_F(CliRunnerTest, ConnectionFailureIsExitThreeWithAHint) {
  backend_.connect_status =
      Status(Code::kConnectionFailed, "127.0.0.1:7379: connect: Connection refused");
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"GET", "k"}), kExitConnection);
  EXPECT_EQ(runner.RunOneShot({"PING"}), kExitConnection);
  EXPECT_EQ(out_.str(),
            "(error) CONNECTION_FAILED: 127.0.0.1:7379: connect: Connection refused\n"
            "(error) CONNECTION_FAILED: 127.0.0.1:7379: connect: Connection refused\n");
  // The hint comes once.
  EXPECT_EQ(err_.str(),
            "memdb-cli: is memdb running at 127.0.0.1:7379? (./scripts/run.sh starts one; -h/-p "
            "choose another server)\n");
}

TEST_F(CliRunnerTest, AuthFailureNamesTheCredentialsOnce) {
  backend_.connect_status = Status(Code::kAuthFailed, "authentication failed");
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"GET", "k"}), kExitConnection);
  EXPECT_EQ(runner.RunOneShot({"GET", "k"}), kExitConnection);
  EXPECT_EQ(err_.str(),
            "memdb-cli: authenticating as key id 'k' with the secret from MEMDB_SECRET\n");
}

TEST_F(CliRunnerTest, HelpNeedsNoServer) {
  backend_.connect_status = Status(Code::kConnectionFailed, "down");
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"help"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"help", "get"}), kExitOk);
  EXPECT_NE(out_.str().find("CONTAINS key"), std::string::npos);
  EXPECT_NE(out_.str().find("GET key\n  Get the value of a key."), std::string::npos);
  EXPECT_EQ(backend_.connects, 0);
}

TEST_F(CliRunnerTest, QuitRequestsTheEnd) {
  Runner runner = MakeRunner();
  EXPECT_TRUE(runner.Execute({"quit"}).quit);
  EXPECT_TRUE(runner.Execute({"EXIT"}).quit);
  EXPECT_FALSE(runner.Execute({"PING"}).quit);
}

TEST_F(CliRunnerTest, RunLineTokenizesAndSkipsBlanksAndComments) {
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunLine("").kind, Reply::Kind::kNone);
  EXPECT_EQ(runner.RunLine("   # a comment").kind, Reply::Kind::kNone);
  EXPECT_TRUE(runner.RunLine(R"(SET k "two words\x21")").ok());
  EXPECT_EQ(backend_.data["k"].value, "two words!");
  Reply bad = runner.RunLine(R"(SET k "open)");
  EXPECT_EQ(bad.exit_code(), kExitUsage);
  EXPECT_EQ(out_.str(), "OK\n(error) USAGE: unterminated double quote (column 7)\n");
}

// ---- scripts ----

TEST_F(CliRunnerTest, ScriptPrintsALinePerCommand) {
  EXPECT_EQ(Script("SET a 1\n\n# set b\nSET b 2\r\nGET a\nDEL b\nGET b\n"), kExitOk);
  EXPECT_EQ(out_.str(), "OK\nOK\n\"1\"\n(integer) 1\n(nil)\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliRunnerTest, ScriptWithoutFinalNewline) {
  EXPECT_EQ(Script("SET a 1\nGET a"), kExitOk);
  EXPECT_EQ(out_.str(), "OK\n\"1\"\n");
}

TEST_F(CliRunnerTest, ScriptStopsAtTheFirstError) {
  EXPECT_EQ(Script("SET a 1\nSET muchtoolongkey 2\nSET c 3\n"), kExitCommandError);
  EXPECT_EQ(out_.str(), "OK\n(error) KEY_TOO_LARGE: key is 14 bytes, limit 8\n");
  EXPECT_EQ(err_.str(), "memdb-cli: stopped at line 2 (--continue-on-error runs every line)\n");
  EXPECT_EQ(backend_.data.count("c"), 0u);
}

TEST_F(CliRunnerTest, ScriptContinuesOnErrorWhenAskedAndReportsTheFirstFailure) {
  EXPECT_EQ(Script("BOGUS\nSET muchtoolongkey 2\nSET c 3\n", OutputMode::kHuman, true), kExitUsage);
  EXPECT_EQ(out_.str(),
            "(error) USAGE: unknown command 'BOGUS' (type 'help' for the list of commands)\n"
            "(error) KEY_TOO_LARGE: key is 14 bytes, limit 8\n"
            "OK\n");
  EXPECT_EQ(err_.str(), "memdb-cli: 2 of 3 commands failed, the first at line 1\n");
  EXPECT_EQ(backend_.data.count("c"), 1u);
}

TEST_F(CliRunnerTest, ScriptStopsAtQuit) {
  EXPECT_EQ(Script("SET a 1\nquit\nSET b 2\n"), kExitOk);
  EXPECT_EQ(out_.str(), "OK\n");
  EXPECT_EQ(backend_.data.count("b"), 0u);
}

TEST_F(CliRunnerTest, ScriptInJsonIsOneObjectPerLine) {
  EXPECT_EQ(Script("SET a 1\nGET a\nGET zz\nBOGUS\n", OutputMode::kJson, true), kExitUsage);
  std::istringstream lines(out_.str());
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 4u) << out_.str();
  EXPECT_EQ(got[0].rfind(R"({"ok":true,"command":"SET","reply":"OK","version":{)", 0), 0u);
  EXPECT_EQ(got[1].rfind(R"({"ok":true,"command":"GET","found":true,"value":"1")", 0), 0u);
  EXPECT_EQ(got[2], R"({"ok":true,"command":"GET","found":false,"value":null})");
  EXPECT_EQ(got[3].rfind(R"({"ok":false,"command":"BOGUS","error":{"code":"USAGE")", 0), 0u);
}

TEST_F(CliRunnerTest, RawModeKeepsStdoutForData) {
  EXPECT_EQ(Script("SET a x\nGET a\nGET zz\nSET muchtoolongkey 1\n", OutputMode::kRaw), 1);
  EXPECT_EQ(out_.str(), "OK\nx\n\n");
  EXPECT_EQ(err_.str(),
            "(error) KEY_TOO_LARGE: key is 14 bytes, limit 8\n"
            "memdb-cli: stopped at line 4 (--continue-on-error runs every line)\n");
}

TEST_F(CliRunnerTest, PingReportsTimingAndSessionClock) {
  Runner runner = MakeRunner();
  Reply pong = runner.Execute({"PING"});
  EXPECT_EQ(pong.text, "PONG");
  ASSERT_TRUE(pong.latency_ms.has_value());
  EXPECT_GE(*pong.latency_ms, 0.0);
  EXPECT_EQ(pong.session_clock, backend_.clock);
}

TEST_F(CliRunnerTest, SetAndGetCarryVersions) {
  Runner runner = MakeRunner();
  Reply set = runner.Execute({"SET", "k", "v"});
  ASSERT_TRUE(set.version.has_value());
  Reply get = runner.Execute({"GET", "k"});
  ASSERT_TRUE(get.version.has_value());
  EXPECT_EQ(*get.version, *set.version);
  EXPECT_EQ(get.command, "GET");
}

TEST_F(CliRunnerTest, ClusterCommands) {
  ClusterNode node;
  node.id = 5;
  node.address = "127.0.0.1:7379";
  node.status = NodeStatus::kNormal;
  node.up = true;
  node.tokens = {10, 20};
  backend_.cluster.cluster_name = "c";
  backend_.cluster.self_id = 5;
  backend_.cluster.nodes = {node};
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"cluster", "nodes"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"CLUSTER", "Ring"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"cluster", "ring", "--tokens"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"cluster", "info"}), kExitOk);
  EXPECT_EQ(backend_.calls, std::vector<std::string>(4, "CLUSTER_INFO"));
  const std::string out = out_.str();
  EXPECT_NE(out.find("*  5   127.0.0.1:7379  normal  up"), std::string::npos) << out;
  EXPECT_NE(out.find("5     127.0.0.1:7379  2       100.00%"), std::string::npos) << out;
  EXPECT_NE(out.find("20     5     127.0.0.1:7379\n"), std::string::npos) << out;
  EXPECT_NE(out.find("nodes_up         1\n"), std::string::npos) << out;
}

TEST_F(CliRunnerTest, ClusterUsageErrorsNeverReachTheServer) {
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"cluster"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"cluster", "shards"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"cluster", "nodes", "--tokens"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"cluster", "ring", "--all"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"cluster", "ring", "--tokens", "x"}), kExitUsage);
  EXPECT_TRUE(backend_.calls.empty());
  EXPECT_NE(out_.str().find("unknown CLUSTER subcommand 'shards'"), std::string::npos);
}

TEST_F(CliRunnerTest, ClusterJsonAndConnectionFailure) {
  backend_.cluster.self_id = 1;
  EXPECT_EQ(Script("cluster info\n", OutputMode::kJson), 0);
  EXPECT_EQ(out_.str(),
            "{\"ok\":true,\"command\":\"CLUSTER\",\"cluster_name\":\"\",\"self_id\":1,"
            "\"self_address\":\"?\",\"nodes\":0,\"nodes_up\":0,\"nodes_down\":0,"
            "\"nodes_in_ring\":0,\"ring_version\":0,\"keys_held_total\":0}\n");
  backend_.connect_status = Status(Code::kConnectionFailed, "down");
  Runner runner = MakeRunner();
  EXPECT_EQ(runner.RunOneShot({"cluster", "nodes"}), kExitConnection);
}

// ---- consistency level and deadline ----

class CliSessionTest : public CliRunnerTest {
 protected:
  Runner MakeSessionRunner(RequestOptions request, OutputMode mode = OutputMode::kHuman,
                           bool terminal = false) {
    RunnerOptions options;
    options.format.mode = mode;
    options.out_is_terminal = terminal;
    options.err_is_terminal = terminal;
    CommandContext context;
    context.backend = &backend_;
    context.request = request;
    context.wait = [this](std::chrono::milliseconds d) {
      waits_.push_back(d);
      return !interrupt_at_ || waits_.size() < *interrupt_at_;
    };
    return Runner(std::move(context), options, out_, err_);
  }
  int SessionScript(Runner& runner, const std::string& text) {
    std::istringstream in(text);
    return runner.RunScript(in);
  }

  std::vector<std::chrono::milliseconds> waits_;
  std::optional<size_t> interrupt_at_;  // the wait that reports Ctrl-C (1 = the first)
};

TEST_F(CliSessionTest, OptionsReachEveryKeyCommandAndNothingElse) {
  RequestOptions quorum;
  quorum.consistency = Consistency::kQuorum;
  quorum.deadline = std::chrono::milliseconds(200);
  Runner runner = MakeSessionRunner(quorum);
  EXPECT_EQ(SessionScript(runner, "SET k v\nGET k\nCONTAINS k\nDEL k\nPING\nSTATS\n"), kExitOk);
  EXPECT_EQ(backend_.calls,
            (std::vector<std::string>{"SET k v @quorum/200ms", "GET k @quorum/200ms",
                                      "CONTAINS k @quorum/200ms", "DEL k @quorum/200ms", "PING",
                                      "STATS"}));
}

TEST_F(CliSessionTest, DefaultOptionsSendThePlainRequests) {
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(SessionScript(runner, "GET k\n"), kExitOk);
  EXPECT_EQ(backend_.calls, (std::vector<std::string>{"GET k"}));
}

TEST_F(CliSessionTest, ConsistencyAndDeadlineCommandsChangeTheSession) {
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(SessionScript(runner,
                          "consistency\n"
                          "consistency QUORUM\n"
                          "consistency\n"
                          "get k\n"
                          "deadline\n"
                          "deadline 250\n"
                          "deadline\n"
                          "set k v\n"
                          "consistency all\n"
                          "del k\n"
                          "consistency default\n"
                          "deadline 0\n"
                          "contains k\n"),
            kExitOk);
  EXPECT_EQ(out_.str(),
            "default (the node's setting)\n"
            "OK\n"
            "quorum\n"
            "(nil)\n"
            "0 (the node's replication.request_timeout_ms)\n"
            "OK\n"
            "250 ms\n"
            "OK\n"
            "OK\n"
            "(integer) 1\n"
            "OK\n"
            "OK\n"
            "false\n");
  EXPECT_EQ(backend_.calls, (std::vector<std::string>{"GET k @quorum/0ms", "SET k v @quorum/250ms",
                                                      "DEL k @all/250ms", "CONTAINS k"}));
  EXPECT_TRUE(runner.context().request.is_default());
}

TEST_F(CliSessionTest, UnknownLevelListsTheValidOnes) {
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"consistency", "most"}), kExitUsage);
  EXPECT_EQ(out_.str(),
            "(error) USAGE: unknown consistency level 'most' (CONSISTENCY): valid levels are "
            "one, quorum, all, and default (the node's setting)\n");
  EXPECT_EQ(runner.context().request.consistency, Consistency::kDefault);
}

TEST_F(CliSessionTest, BadDeadlinesAreUsageErrors) {
  Runner runner = MakeSessionRunner(RequestOptions());
  for (const char* bad : {"-1", "4294967296", "1.5", "10ms", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(runner.RunOneShot({"deadline", bad}), kExitUsage);
  }
  EXPECT_NE(out_.str().find("expected milliseconds from 0 to 4294967295"), std::string::npos);
  EXPECT_EQ(runner.RunOneShot({"deadline", "4294967295"}), kExitOk);
  EXPECT_EQ(runner.context().request.deadline.count(), 4294967295);
  EXPECT_EQ(runner.RunOneShot({"consistency", "one", "two"}), kExitUsage);
}

TEST_F(CliSessionTest, ConsistencyInJsonAndRaw) {
  RequestOptions one;
  one.consistency = Consistency::kOne;
  one.deadline = std::chrono::milliseconds(75);
  Runner json = MakeSessionRunner(one, OutputMode::kJson);
  EXPECT_EQ(SessionScript(json, "consistency\ndeadline\n"), kExitOk);
  EXPECT_EQ(out_.str(),
            "{\"ok\":true,\"command\":\"CONSISTENCY\",\"consistency\":\"one\"}\n"
            "{\"ok\":true,\"command\":\"DEADLINE\",\"deadline_ms\":75}\n");
  out_.str("");
  Runner raw = MakeSessionRunner(RequestOptions(), OutputMode::kRaw);
  EXPECT_EQ(SessionScript(raw, "consistency\ndeadline\n"), kExitOk);
  EXPECT_EQ(out_.str(), "default\n0\n");
}

TEST_F(CliSessionTest, ServerUnavailableAndTimeoutErrors) {
  RequestOptions all;
  all.consistency = Consistency::kAll;
  Runner runner = MakeSessionRunner(all);
  backend_.connect_status = Status(Code::kUnavailable, "ALL needs 3 replicas, 2 up (node 3 down)");
  EXPECT_EQ(runner.RunOneShot({"SET", "k", "v"}), kExitCommandError);
  backend_.connect_status =
      Status(Code::kTimeout, "ALL not reached in time: 2 of 3 required acknowledgements");
  EXPECT_EQ(runner.RunOneShot({"GET", "k"}), kExitConnection);
  EXPECT_EQ(out_.str(),
            "(error) UNAVAILABLE: ALL needs 3 replicas, 2 up (node 3 down)\n"
            "(error) TIMEOUT: ALL not reached in time: 2 of 3 required acknowledgements\n");
}

// ---- repair ----

RepairProgress Progress(bool running, uint64_t done, uint64_t total, bool started_now = false,
                        uint64_t run_id = 1) {
  RepairProgress p;
  p.running = running;
  p.started_now = started_now;
  p.run_id = run_id;
  p.ranges_done = done;
  p.ranges_total = total;
  p.keys_pulled = done * 10;
  p.keys_pushed = done;
  p.bytes_transferred = done * 1024;
  p.elapsed_ms = done * 500;
  return p;
}

TEST_F(CliSessionTest, RepairFollowsTheRunToTheEndOneLinePerUpdate) {
  backend_.repair_replies = {Progress(true, 0, 4, true), Progress(true, 2, 4),
                             Progress(false, 4, 4)};
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"repair"}), kExitOk);
  EXPECT_EQ(backend_.calls,
            (std::vector<std::string>{"REPAIR start", "REPAIR status", "REPAIR status"}));
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>(2, kRepairPollInterval)));
  EXPECT_EQ(out_.str(),
            "repair run 1 started: 0/4 ranges (0.0%), 0 failed, 0 keys pulled, 0 pushed, 0 B, "
            "0.0 s\n"
            "repair run 1 running: 2/4 ranges (50.0%), 0 failed, 20 keys pulled, 2 pushed, "
            "2.0 KiB, 1.0 s\n"
            "repair run 1 done: 4/4 ranges (100.0%), 0 failed, 40 keys pulled, 4 pushed, "
            "4.0 KiB, 2.0 s\n");
}

TEST_F(CliSessionTest, RepairOnATerminalRewritesOneLine) {
  backend_.repair_replies = {Progress(true, 1, 2, true), Progress(false, 2, 2)};
  Runner runner = MakeSessionRunner(RequestOptions(), OutputMode::kHuman, /*terminal=*/true);
  EXPECT_EQ(runner.RunOneShot({"REPAIR"}), kExitOk);
  EXPECT_EQ(out_.str(),
            "\r\x1b[Krepair run 1 started: 1/2 ranges (50.0%), 0 failed, 10 keys pulled, "
            "1 pushed, 1.0 KiB, 0.5 s"
            "\r\x1b[K"
            "repair run 1 done: 2/2 ranges (100.0%), 0 failed, 20 keys pulled, 2 pushed, "
            "2.0 KiB, 1.0 s\n");
}

TEST_F(CliSessionTest, RepairJsonPrintsOnlyTheFinalProgressOnStdout) {
  backend_.repair_replies = {Progress(true, 0, 3, true, 7), Progress(false, 3, 3, false, 7)};
  backend_.repair_replies.back().last_error = "node 4: refused";
  backend_.repair_replies.back().ranges_failed = 1;
  Runner runner = MakeSessionRunner(RequestOptions(), OutputMode::kJson);
  EXPECT_EQ(runner.RunOneShot({"repair"}), kExitOk);
  EXPECT_EQ(
      out_.str(),
      "{\"ok\":true,\"command\":\"REPAIR\",\"repair\":{\"running\":false,"
      "\"started_now\":true,\"run_id\":7,\"ranges_total\":3,\"ranges_done\":3,"
      "\"ranges_failed\":1,\"leaves_different\":0,\"keys_pulled\":30,\"keys_pushed\":3,"
      "\"bytes_transferred\":3072,\"elapsed_ms\":1500,\"last_error\":\"node 4: refused\"}}\n");
  // The progress went to stderr.
  EXPECT_EQ(err_.str(),
            "repair run 7 started: 0/3 ranges (0.0%), 0 failed, 0 keys pulled, 0 pushed, 0 B, "
            "0.0 s\n");
}

TEST_F(CliSessionTest, RepairFollowsARunAlreadyGoing) {
  backend_.repair_replies = {Progress(true, 3, 4, /*started_now=*/false, 5),
                             Progress(false, 4, 4, false, 5)};
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"repair"}), kExitOk);
  EXPECT_NE(out_.str().find("repair run 5 running: 3/4"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("repair run 5 done: 4/4"), std::string::npos) << out_.str();
}

TEST_F(CliSessionTest, RepairStopsWhenALaterRunReplacesIt) {
  // Run 2 ended between two polls and the periodic run 3 began: run 2 is over.
  backend_.repair_replies = {Progress(true, 1, 4, true, 2), Progress(true, 0, 4, false, 3)};
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"repair"}), kExitOk);
  EXPECT_EQ(backend_.calls, (std::vector<std::string>{"REPAIR start", "REPAIR status"}));
}

TEST_F(CliSessionTest, RepairNoWaitAndStatusAskOnce) {
  backend_.repair_replies = {Progress(true, 0, 8, true)};
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"repair", "--no-wait"}), kExitOk);
  EXPECT_EQ(runner.RunOneShot({"repair", "STATUS"}), kExitOk);
  EXPECT_EQ(backend_.calls, (std::vector<std::string>{"REPAIR start", "REPAIR status"}));
  EXPECT_TRUE(waits_.empty());
  EXPECT_EQ(out_.str(),
            "repair run 1 started: 0/8 ranges (0.0%), 0 failed, 0 keys pulled, 0 pushed, 0 B, "
            "0.0 s\n"
            "repair run 1 started: 0/8 ranges (0.0%), 0 failed, 0 keys pulled, 0 pushed, 0 B, "
            "0.0 s\n");
}

TEST_F(CliSessionTest, RepairStatusBeforeAnyRun) {
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"repair", "status"}), kExitOk);
  EXPECT_EQ(out_.str(), "no repair has run on this node\n");
}

TEST_F(CliSessionTest, RepairInterruptedLeavesTheRunGoing) {
  backend_.repair_replies = {Progress(true, 0, 4, true, 9)};
  interrupt_at_ = 1;
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"repair"}), kExitCommandError);
  EXPECT_EQ(backend_.calls, (std::vector<std::string>{"REPAIR start"}));
  EXPECT_NE(out_.str().find("(error) INTERRUPTED: stopped waiting; repair run 9 goes on at the "
                            "node ('repair status' shows it)"),
            std::string::npos)
      << out_.str();
}

TEST_F(CliSessionTest, RepairErrorsAndUsage) {
  Runner runner = MakeSessionRunner(RequestOptions());
  EXPECT_EQ(runner.RunOneShot({"repair", "now"}), kExitUsage);
  EXPECT_EQ(runner.RunOneShot({"repair", "status", "x"}), kExitUsage);
  EXPECT_TRUE(backend_.calls.empty());
  backend_.repair_status =
      Status(Code::kNotImplemented, "this node does not replicate (no cluster attached)");
  EXPECT_EQ(runner.RunOneShot({"repair"}), kExitCommandError);
  EXPECT_NE(out_.str().find("unknown REPAIR argument 'now' (usage: REPAIR [--no-wait | STATUS])"),
            std::string::npos);
  EXPECT_NE(out_.str().find("(error) NOT_IMPLEMENTED: this node does not replicate"),
            std::string::npos);
}

TEST_F(CliSessionTest, RepairStatusFailureWhileFollowingEndsTheProgressLine) {
  backend_.repair_replies = {Progress(true, 0, 4, true)};
  // The start is answered; the connection is lost during the first wait.
  CommandContext context;
  context.backend = &backend_;
  context.wait = [this](std::chrono::milliseconds) {
    backend_.repair_status = Status(Code::kConnectionFailed, "connection lost");
    return true;
  };
  RunnerOptions options;
  options.out_is_terminal = true;
  Runner runner(std::move(context), options, out_, err_);
  EXPECT_EQ(runner.RunOneShot({"repair"}), kExitConnection);
  EXPECT_EQ(out_.str(),
            "\r\x1b[Krepair run 1 started: 0/4 ranges (0.0%), 0 failed, 0 keys pulled, 0 pushed, "
            "0 B, 0.0 s\r\x1b[K(error) CONNECTION_FAILED: connection lost\n");
}

}  // namespace
}  // namespace memdb::cli
