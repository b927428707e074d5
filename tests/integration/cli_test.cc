// The memdb binary's command line: refusing to start without keys, loud auth-off warning,
// redacted --print-config, config errors naming the setting. And the cluster view of a single
// node: `memdb-cli cluster nodes|ring|info` and memdb::ClusterClient against one real process.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "integration/server_process.h"
#include "memdb/client.h"
#include "memdb/cluster_client.h"

namespace memdb::testing {
namespace {

struct ProcessRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs memdb with `args` and a clean MEMDB_* environment; returns once it exits.
ProcessRun RunMemdb(const std::string& args) {
  const std::string cmd = "env -u MEMDB_AUTH_CLIENT_KEYS -u MEMDB_CONFIG " +
                          std::string(MEMDB_BINARY) + " --config '' " + args + " 2>&1";
  ProcessRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) run.output.append(buf.data(), n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(MemdbCommandLine, RefusesToStartWithoutAKey) {
  ProcessRun run = RunMemdb("--port 0 --data-dir /tmp/memdb-cli-test-nokey");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("no client key"), std::string::npos) << run.output;
}

TEST(MemdbCommandLine, PrintConfigRedactsSecrets) {
  ProcessRun run = RunMemdb("--auth-client-key ops:TopSecretValue-1234567 --print-config");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("ops: <redacted>"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("TopSecretValue"), std::string::npos) << run.output;
}

TEST(MemdbCommandLine, BadSettingNamesSettingAndValue) {
  ProcessRun run = RunMemdb("--auth-client-key a:bbbbbbbbbbbbbbbbbbbb --port 99999");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("server.port"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("99999"), std::string::npos) << run.output;
}

TEST(MemdbCommandLine, AuthDisabledStartsWithLoudWarning) {
  // Starts, warns, and is stopped by the handshake-less SIGTERM path: use timeout(1).
  const std::string cmd = "timeout --preserve-status -s TERM 1 " + std::string(MEMDB_BINARY) +
                          " --config '' --auth-enabled=false --port 0 --data-dir "
                          "/tmp/memdb-cli-test-noauth 2>&1";
  std::string output;
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
  int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;  // SIGTERM -> graceful exit 0
  EXPECT_NE(output.find("AUTHENTICATION IS DISABLED"), std::string::npos) << output;
}

TEST(MemdbCommandLine, VersionAndHelpExitZero) {
  EXPECT_EQ(RunMemdb("--version").exit_code, 0);
  ProcessRun help = RunMemdb("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--server-port"), std::string::npos);
}

// ---- the cluster view of a single node ----

#ifdef MEMDB_CLI_BINARY
// Runs memdb-cli against `server` with `args`; stdout and stderr together.
ProcessRun RunCliAgainst(const ServerProcess& server, const std::string& args) {
  const std::string cmd = "env -i MEMDB_SECRET='" + server.spec().secret + "' " +
                          std::string(MEMDB_CLI_BINARY) + " -p " + std::to_string(server.port()) +
                          " --key-id " + server.spec().key_id + " " + args + " 2>&1";
  ProcessRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) run.output.append(buf.data(), n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(ClusterCommands, OneNodeShowsItselfAlone) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  Client client(ClientOptionsFor(server.port(), server.spec()));
  ASSERT_TRUE(client.Set("a", "1").ok());
  Result<ClusterView> view = client.ClusterInfo();
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->nodes.size(), 1u);
  const ClusterNode& self = view->nodes[0];
  EXPECT_EQ(self.id, view->self_id);
  EXPECT_TRUE(self.up);
  // A lone node may still be joining (no gossip exchange completed): its tokens are then not in
  // the ring yet, and it serves every key itself. The CLI must show whichever it is.
  const bool has_ring = self.owns_ranges() && !self.tokens.empty();

  ProcessRun nodes = RunCliAgainst(server, "cluster nodes");
  EXPECT_EQ(nodes.exit_code, 0) << nodes.output;
  EXPECT_NE(nodes.output.find("*  " + std::to_string(self.id)), std::string::npos) << nodes.output;
  EXPECT_NE(nodes.output.find(std::string(NodeStatusName(self.status))), std::string::npos)
      << nodes.output;

  ProcessRun json = RunCliAgainst(server, "--json cluster nodes");
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_NE(json.output.find("\"self\":true"), std::string::npos) << json.output;

  ProcessRun ring = RunCliAgainst(server, "cluster ring");
  EXPECT_EQ(ring.exit_code, 0) << ring.output;
  EXPECT_NE(ring.output.find(has_ring ? "100.00%" : "the ring is empty"), std::string::npos)
      << ring.output;

  ProcessRun tokens = RunCliAgainst(server, "--raw cluster ring --tokens");
  EXPECT_EQ(tokens.exit_code, 0) << tokens.output;
  size_t lines = 0;
  for (char c : tokens.output) lines += c == '\n';
  EXPECT_EQ(lines, has_ring ? self.tokens.size() : 0u) << tokens.output;

  ProcessRun info = RunCliAgainst(server, "cluster info");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("nodes            1\n"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("nodes_up         1\n"), std::string::npos) << info.output;
}
// ---- consistency levels and REPAIR against a lone node ----

TEST(ConsistencyCommands, LoneNodeMeetsEveryLevel) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  ProcessRun set = RunCliAgainst(server, "--consistency all --deadline-ms 500 SET k v");
  EXPECT_EQ(set.exit_code, 0) << set.output;
  EXPECT_EQ(set.output, "OK\n");
  ProcessRun get = RunCliAgainst(server, "--consistency QUORUM GET k");
  EXPECT_EQ(get.exit_code, 0) << get.output;
  EXPECT_EQ(get.output, "\"v\"\n");
  ProcessRun bad = RunCliAgainst(server, "--consistency two GET k");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("valid levels are one, quorum, all, and default"), std::string::npos)
      << bad.output;
}

TEST(RepairCommand, LoneNodeRunsToTheEnd) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  ProcessRun repair = RunCliAgainst(server, "repair");
  EXPECT_EQ(repair.exit_code, 0) << repair.output;
  EXPECT_NE(repair.output.find(" done: "), std::string::npos) << repair.output;
  ProcessRun status = RunCliAgainst(server, "--json repair status");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("\"repair\":{\"running\":"), std::string::npos) << status.output;
  ProcessRun usage = RunCliAgainst(server, "repair later");
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
}
#endif  // MEMDB_CLI_BINARY

TEST(ClientOneNode, RequestOptionsAndRepair) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  Client client(ClientOptionsFor(server.port(), server.spec()));
  for (Consistency level :
       {Consistency::kDefault, Consistency::kOne, Consistency::kQuorum, Consistency::kAll}) {
    SCOPED_TRACE(std::string(ConsistencyName(level)));
    RequestOptions request;
    request.consistency = level;
    request.deadline = std::chrono::milliseconds(level == Consistency::kDefault ? 300 : 0);
    Result<Version> set = client.Set("cl-key", "v", request);
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    Result<std::optional<VersionedValue>> got = client.Get("cl-key", request);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->version, *set);
    EXPECT_TRUE(*client.Contains("cl-key", request));
    Result<bool> del = client.Del("cl-key", request);
    ASSERT_TRUE(del.ok()) << del.status().ToString();
    EXPECT_TRUE(*del);
    EXPECT_FALSE(*client.Contains("cl-key", request));
  }
  Result<RepairProgress> started = client.Repair(RepairAction::kStart);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_GE(started->run_id, 1u);
  // A lone node has no other replica to compare with: the run ends at once or soon.
  Result<RepairProgress> status = client.Repair(RepairAction::kStatus);
  for (int i = 0; i < 100 && status.ok() && status->running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = client.Repair(RepairAction::kStatus);
  }
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_FALSE(status->running);
  EXPECT_EQ(status->run_id, started->run_id);
  EXPECT_EQ(status->ranges_failed, 0u);
}

TEST(ClusterClientOneNode, RoutesEverythingToTheOnlyNode) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  ClusterClientOptions options;
  options.seeds = {"127.0.0.1:" + std::to_string(server.port())};
  options.client.key_id = server.spec().key_id;
  options.client.secret = server.spec().secret;
  ClusterClient cluster(options);
  ASSERT_TRUE(cluster.Connect().ok());
  ASSERT_EQ(cluster.topology().nodes.size(), 1u);
  for (int i = 0; i < 50; ++i) {
    const std::string key = "k" + std::to_string(i);
    EXPECT_EQ(cluster.RouteOf(key), cluster.topology().self_id);
    ASSERT_TRUE(cluster.Set(key, "v" + std::to_string(i)).ok());
  }
  Result<std::optional<VersionedValue>> got = cluster.Get("k7");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->value, "v7");
  Result<bool> del = cluster.Del("k7");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(*del);
  Result<bool> has = cluster.Contains("k7");
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);
  EXPECT_EQ(cluster.topology_refreshes(), 1u);  // a lone node never says NOT_OWNER
}

}  // namespace
}  // namespace memdb::testing
