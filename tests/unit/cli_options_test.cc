// memdb-cli's command line: flags, environment variables and their precedence, where the
// secret comes from (never echoed), and usage errors.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "clients/cli/command_table.h"
#include "clients/cli/options.h"

namespace memdb::cli {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

class CliOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/memdb-cli-options-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes a file with `mode`, returns its path.
  std::string WriteFile(const std::string& name, const std::string& content, mode_t mode = 0600) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    chmod(path.c_str(), mode);
    return path;
  }

  Result<CliOptions> Parse(const Args& args) {
    return ParseCommandLine(
        args,
        [this](std::string_view name) -> std::optional<std::string> {
          auto it = env_.find(std::string(name));
          if (it == env_.end()) return std::nullopt;
          return it->second;
        },
        quick_start_);
  }

  CliOptions ParseOk(const Args& args) {
    Result<CliOptions> r = Parse(args);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CliOptions{};
  }

  std::string ParseError(const Args& args) {
    Result<CliOptions> r = Parse(args);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    return r.status().message();
  }

  std::string dir_;
  std::map<std::string, std::string> env_;
  std::string quick_start_ = "/nonexistent/var/client.secret";
};

TEST_F(CliOptionsTest, Defaults) {
  CliOptions o = ParseOk({});
  EXPECT_EQ(o.client.host, "127.0.0.1");
  EXPECT_EQ(o.client.port, 7379);
  EXPECT_EQ(o.client.key_id, "default");
  EXPECT_EQ(o.client.secret, "");
  EXPECT_EQ(o.secret_source, "");
  EXPECT_EQ(o.format.mode, OutputMode::kHuman);
  EXPECT_FALSE(o.format.verbose);
  EXPECT_TRUE(o.command.empty());
  EXPECT_EQ(o.client.client_name.rfind("memdb-cli/", 0), 0u);
  EXPECT_TRUE(o.warnings.empty());
}

TEST_F(CliOptionsTest, ConnectionFlagsLongShortAndEquals) {
  CliOptions o = ParseOk({"-h", "db1", "--port", "7000", "--key-id", "ops"});
  EXPECT_EQ(o.client.host, "db1");
  EXPECT_EQ(o.client.port, 7000);
  EXPECT_EQ(o.client.key_id, "ops");
  CliOptions p = ParseOk({"--host=db2", "-p7001"});
  EXPECT_EQ(p.client.host, "db2");
  EXPECT_EQ(p.client.port, 7001);
}

TEST_F(CliOptionsTest, EnvironmentFillsInAndFlagsWin) {
  env_ = {{"MEMDB_HOST", "envhost"}, {"MEMDB_PORT", "7100"}, {"MEMDB_KEY_ID", "envkey"}};
  CliOptions o = ParseOk({});
  EXPECT_EQ(o.client.host, "envhost");
  EXPECT_EQ(o.client.port, 7100);
  EXPECT_EQ(o.client.key_id, "envkey");
  CliOptions p = ParseOk({"--host", "flaghost", "-p", "7200", "--key-id", "flagkey"});
  EXPECT_EQ(p.client.host, "flaghost");
  EXPECT_EQ(p.client.port, 7200);
  EXPECT_EQ(p.client.key_id, "flagkey");
}

TEST_F(CliOptionsTest, EmptyEnvironmentVariablesAreUnset) {
  env_ = {{"MEMDB_HOST", ""}, {"MEMDB_PORT", ""}};
  CliOptions o = ParseOk({});
  EXPECT_EQ(o.client.host, "127.0.0.1");
  EXPECT_EQ(o.client.port, 7379);
}

TEST_F(CliOptionsTest, BadPortsNameTheirSource) {
  EXPECT_EQ(ParseError({"-p", "0"}),
            "invalid port '0' (--port): expected a number from 1 to 65535");
  EXPECT_NE(ParseError({"--port", "70000"}).find("70000"), std::string::npos);
  EXPECT_NE(ParseError({"--port", "12ab"}).find("12ab"), std::string::npos);
  env_ = {{"MEMDB_PORT", "http"}};
  EXPECT_NE(ParseError({}).find("(MEMDB_PORT)"), std::string::npos);
}

TEST_F(CliOptionsTest, DashHIsHostAndHelpIsLong) {
  EXPECT_TRUE(ParseOk({"--help"}).show_help);
  EXPECT_EQ(ParseOk({"-h", "x"}).client.host, "x");
  EXPECT_EQ(ParseError({"-h"}), "-h needs a value (HOST); for help, use --help");
  EXPECT_TRUE(ParseOk({"--version"}).show_version);
}

TEST_F(CliOptionsTest, HelpSkipsEverythingElse) {
  // Even with a secret file that cannot be read.
  CliOptions o = ParseOk({"--secret-file", "/nonexistent", "--help"});
  EXPECT_TRUE(o.show_help);
}

TEST_F(CliOptionsTest, CommandStartsAtFirstNonOption) {
  CliOptions o = ParseOk({"-p", "7000", "SET", "k", "-5", "--json"});
  EXPECT_EQ(o.command, (Args{"SET", "k", "-5", "--json"}));
  EXPECT_EQ(o.format.mode, OutputMode::kHuman);
  CliOptions p = ParseOk({"--", "-weird-command", "x"});
  EXPECT_EQ(p.command, (Args{"-weird-command", "x"}));
}

TEST_F(CliOptionsTest, OutputFlags) {
  EXPECT_EQ(ParseOk({"--json"}).format.mode, OutputMode::kJson);
  EXPECT_EQ(ParseOk({"--raw"}).format.mode, OutputMode::kRaw);
  EXPECT_TRUE(ParseOk({"-v"}).format.verbose);
  EXPECT_TRUE(ParseOk({"--verbose"}).format.verbose);
  EXPECT_EQ(ParseError({"--json", "--raw"}), "--json and --raw cannot be used together");
}

TEST_F(CliOptionsTest, GroupedShortFlags) {
  CliOptions o = ParseOk({"-vx", "SET", "k"});
  EXPECT_TRUE(o.format.verbose);
  EXPECT_TRUE(o.stdin_value);
}

TEST_F(CliOptionsTest, StdinValueNeedsACommand) {
  EXPECT_NE(ParseError({"-x"}).find("needs a command"), std::string::npos);
  EXPECT_TRUE(ParseOk({"-x", "SET", "k"}).stdin_value);
}

TEST_F(CliOptionsTest, Timeouts) {
  CliOptions o = ParseOk({"--timeout", "2.5"});
  EXPECT_EQ(o.client.connect_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(o.client.request_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(ParseOk({"-t", "500ms"}).client.request_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(ParseOk({"-t", "3s"}).client.request_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(ParseOk({"-t", "0"}).client.request_timeout, std::chrono::milliseconds(0));
  // A tiny limit is rounded up, never down to "no limit".
  EXPECT_EQ(ParseOk({"-t", "0.0001"}).client.request_timeout, std::chrono::milliseconds(1));
  for (const char* bad : {"-1", "abc", "", "1e10", "nan", "5m"}) {
    EXPECT_NE(ParseError({"--timeout", bad}).find("invalid --timeout"), std::string::npos) << bad;
  }
}

TEST_F(CliOptionsTest, UnknownOptionsAndMissingValues) {
  EXPECT_EQ(ParseError({"--bogus"}), "unknown option '--bogus'");
  EXPECT_EQ(ParseError({"--bogus=1"}), "unknown option '--bogus'");
  EXPECT_EQ(ParseError({"-Z"}), "unknown option '-Z'");
  EXPECT_EQ(ParseError({"--port"}), "--port needs a value (PORT)");
  EXPECT_EQ(ParseError({"--json=yes"}), "--json takes no value");
}

TEST_F(CliOptionsTest, ContinueOnError) {
  EXPECT_FALSE(ParseOk({}).continue_on_error);
  EXPECT_TRUE(ParseOk({"--continue-on-error"}).continue_on_error);
}

// ---- the secret ----

TEST_F(CliOptionsTest, SecretFileIsReadWithoutItsNewline) {
  const std::string path = WriteFile("s", "file-secret-123\n");
  CliOptions o = ParseOk({"--secret-file", path});
  EXPECT_EQ(o.client.secret, "file-secret-123");
  EXPECT_EQ(o.secret_source, "--secret-file " + path);
  EXPECT_TRUE(o.warnings.empty());
  EXPECT_EQ(ParseOk({"--secret-file", WriteFile("crlf", "s2\r\n")}).client.secret, "s2");
}

TEST_F(CliOptionsTest, SecretFileProblemsAreErrorsThatNeverShowTheSecret) {
  EXPECT_NE(ParseError({"--secret-file", dir_ + "/missing"}).find("cannot read secret file"),
            std::string::npos);
  EXPECT_NE(ParseError({"--secret-file", WriteFile("empty", "\n")}).find("is empty"),
            std::string::npos);
  const std::string two_lines = ParseError({"--secret-file", WriteFile("two", "sec1\nsec2\n")});
  EXPECT_NE(two_lines.find("more than one line"), std::string::npos);
  EXPECT_EQ(two_lines.find("sec1"), std::string::npos);
  EXPECT_NE(ParseError({"--secret-file", dir_}).find("not a regular file"), std::string::npos);
}

TEST_F(CliOptionsTest, LooseSecretFileModeWarns) {
  const std::string path = WriteFile("loose", "loose-secret", 0644);
  CliOptions o = ParseOk({"--secret-file", path});
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_NE(o.warnings[0].find("mode 0644"), std::string::npos);
  EXPECT_NE(o.warnings[0].find("chmod 600"), std::string::npos);
  EXPECT_EQ(o.warnings[0].find("loose-secret"), std::string::npos);
}

TEST_F(CliOptionsTest, SecretOnTheCommandLineWarnsAndIsLocated) {
  CliOptions o = ParseOk({"-p", "1", "--secret", "cmdline-secret", "GET", "k"});
  EXPECT_EQ(o.client.secret, "cmdline-secret");
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_NE(o.warnings[0].find("ps"), std::string::npos);
  EXPECT_EQ(o.warnings[0].find("cmdline-secret"), std::string::npos);
  using Locations = std::vector<std::pair<size_t, size_t>>;
  EXPECT_EQ(o.secret_args, (Locations{{3, 0}}));
  CliOptions eq = ParseOk({"--secret=abc"});
  EXPECT_EQ(eq.client.secret, "abc");
  EXPECT_EQ(eq.secret_args, (Locations{{0, 9}}));
  // Every occurrence is located (the last one wins).
  CliOptions twice = ParseOk({"--secret", "first", "--secret=second"});
  EXPECT_EQ(twice.client.secret, "second");
  EXPECT_EQ(twice.secret_args, (Locations{{1, 0}, {2, 9}}));
}

TEST_F(CliOptionsTest, SecretFromEnvironment) {
  env_ = {{"MEMDB_SECRET", "env-secret"}};
  CliOptions o = ParseOk({});
  EXPECT_EQ(o.client.secret, "env-secret");
  EXPECT_EQ(o.secret_source, "MEMDB_SECRET");
  EXPECT_TRUE(o.warnings.empty());
  env_ = {{"MEMDB_SECRET_FILE", WriteFile("envfile", "env-file-secret\n")}};
  EXPECT_EQ(ParseOk({}).client.secret, "env-file-secret");
  env_["MEMDB_SECRET"] = "x";
  EXPECT_NE(ParseError({}).find("both MEMDB_SECRET_FILE and MEMDB_SECRET"), std::string::npos);
}

TEST_F(CliOptionsTest, SecretFlagsWinOverEnvironment) {
  env_ = {{"MEMDB_SECRET", "env-secret"}};
  EXPECT_EQ(ParseOk({"--secret-file", WriteFile("f", "flag-secret")}).client.secret, "flag-secret");
  EXPECT_EQ(ParseOk({"--secret", "cmd"}).client.secret, "cmd");
  EXPECT_EQ(ParseError({"--secret", "a", "--secret-file", "b"}),
            "give either --secret-file or --secret, not both");
}

TEST_F(CliOptionsTest, QuickStartSecretIsTheLastResort) {
  quick_start_ = WriteFile("client.secret", "quick-start-secret\n");
  CliOptions o = ParseOk({});
  EXPECT_EQ(o.client.secret, "quick-start-secret");
  EXPECT_EQ(o.client.key_id, "default");
  EXPECT_EQ(o.secret_source, quick_start_);
  env_ = {{"MEMDB_SECRET", "env-secret"}};
  EXPECT_EQ(ParseOk({}).client.secret, "env-secret");
}

TEST_F(CliOptionsTest, DescribeCredentialsNamesTheSourceNotTheSecret) {
  CliOptions none = ParseOk({});
  EXPECT_NE(DescribeCredentials(none).find("with no secret"), std::string::npos);
  env_ = {{"MEMDB_SECRET", "hidden-value"}};
  const std::string described = DescribeCredentials(ParseOk({"--key-id", "ops"}));
  EXPECT_EQ(described, "authenticating as key id 'ops' with the secret from MEMDB_SECRET");
}

TEST_F(CliOptionsTest, HistoryFile) {
  env_ = {{"HOME", "/home/u"}};
  EXPECT_EQ(ParseOk({}).history_path, "/home/u/.memdb_history");
  env_["MEMDB_HISTFILE"] = "/tmp/h";
  EXPECT_EQ(ParseOk({}).history_path, "/tmp/h");
  env_["MEMDB_HISTFILE"] = "";
  EXPECT_EQ(ParseOk({}).history_path, "");
  env_ = {};
  EXPECT_EQ(ParseOk({}).history_path, "");
}

TEST(CliUsageText, MentionsEveryFlagEnvironmentVariableAndExitCode) {
  const std::string usage = UsageText();
  for (const char* s : {"--host",
                        "-h,",
                        "--port",
                        "--key-id",
                        "--secret-file",
                        "--secret ",
                        "--timeout",
                        "--json",
                        "--raw",
                        "--verbose",
                        "--stdin-value",
                        "--continue-on-error",
                        "--help",
                        "--version",
                        "MEMDB_HOST",
                        "MEMDB_PORT",
                        "MEMDB_KEY_ID",
                        "MEMDB_SECRET",
                        "MEMDB_SECRET_FILE",
                        "MEMDB_HISTFILE",
                        "var/client.secret",
                        "Exit status"}) {
    EXPECT_NE(usage.find(s), std::string::npos) << s;
  }
  for (const CommandSpec& spec : Commands()) {
    EXPECT_NE(usage.find(std::string(spec.usage)), std::string::npos) << spec.name;
  }
  std::string_view rest = usage;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    EXPECT_LE(rest.substr(0, nl).size(), 80u) << rest.substr(0, nl);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
}

TEST_F(CliOptionsTest, ConsistencyAndDeadline) {
  CliOptions defaults = ParseOk({"GET", "k"});
  EXPECT_TRUE(defaults.request.is_default());
  CliOptions o = ParseOk({"--consistency", "quorum", "--deadline-ms=250", "GET", "k"});
  EXPECT_EQ(o.request.consistency, Consistency::kQuorum);
  EXPECT_EQ(o.request.deadline.count(), 250);
  EXPECT_EQ(o.command, (Args{"GET", "k"}));
  EXPECT_EQ(ParseOk({"--consistency=ALL"}).request.consistency, Consistency::kAll);
  EXPECT_EQ(ParseOk({"--consistency", "One"}).request.consistency, Consistency::kOne);
  EXPECT_EQ(ParseOk({"--consistency", "default"}).request.consistency, Consistency::kDefault);
  EXPECT_EQ(ParseOk({"--deadline-ms", "4294967295"}).request.deadline.count(), 4294967295);
  // The deadline alone is allowed: the node's level, with this deadline.
  CliOptions deadline_only = ParseOk({"--deadline-ms", "10"});
  EXPECT_EQ(deadline_only.request.consistency, Consistency::kDefault);
  EXPECT_FALSE(deadline_only.request.is_default());
  // Not a connection setting: --timeout stays as it was.
  EXPECT_EQ(o.client.request_timeout, ParseOk({}).client.request_timeout);
}

TEST_F(CliOptionsTest, BadConsistencyListsTheValidLevels) {
  EXPECT_EQ(ParseError({"--consistency", "two", "GET", "k"}),
            "unknown consistency level 'two' (--consistency): valid levels are one, quorum, all, "
            "and default (the node's setting)");
  EXPECT_EQ(ParseError({"--consistency"}), "--consistency needs a value (LEVEL)");
  for (const char* bad : {"-5", "1e3", "4294967296", "", "12ms"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseError({"--deadline-ms", bad}),
              "invalid deadline '" + std::string(bad) +
                  "' (--deadline-ms): expected milliseconds from 0 to 4294967295 (0 = the "
                  "node's setting)");
  }
}

TEST_F(CliOptionsTest, HelpListsTheRequestOptions) {
  const std::string usage = UsageText();
  EXPECT_NE(usage.find("--consistency LEVEL"), std::string::npos) << usage;
  EXPECT_NE(usage.find("--deadline-ms MS"), std::string::npos) << usage;
  EXPECT_NE(usage.find("REPAIR [--no-wait | STATUS]"), std::string::npos) << usage;
}

}  // namespace
}  // namespace memdb::cli
