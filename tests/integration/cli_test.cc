// The memdb binary's command line: refusing to start without keys, loud auth-off warning,
// redacted --print-config, config errors naming the setting.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

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

}  // namespace
}  // namespace memdb::testing
