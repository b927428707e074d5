// memdb-cli against the real memdb binary: one-shot commands, scripts on stdin, and the
// interactive shell driven through a pseudo-terminal (typing, TAB completion, history
// recall, Ctrl-C, Ctrl-D). Needs MEMDB_CLI_BINARY (the path of memdb-cli) from the build.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "integration/server_process.h"

#ifndef MEMDB_CLI_BINARY

TEST(CliShell, NeedsTheCliBinary) {
  GTEST_SKIP() << "MEMDB_CLI_BINARY is not defined: build memdb-cli and define it for the "
                  "integration tests (tests/CMakeLists.txt)";
}

#else

namespace memdb::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kKeyId = "default";  // the quick start's key id
constexpr const char* kSecret = "cli-integration-secret-0123456789";
constexpr int kMaxKeyBytes = 32;

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// ---- running memdb-cli with pipes ----

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs memdb-cli with `args`, `input` on stdin, exactly the environment `env`, in `cwd`.
CliRun RunCli(std::vector<std::string> args, const std::string& input, std::vector<std::string> env,
              const std::string& cwd) {
  CliRun run;
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return run;
  }
  args.insert(args.begin(), MEMDB_CLI_BINARY);
  std::vector<char*> argv = CStrings(args);
  std::vector<char*> envp = CStrings(env);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execve(MEMDB_CLI_BINARY, argv.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  size_t written = 0;
  int in_fd = in[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  bool out_open = true, err_open = true;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while ((out_open || err_open) && Clock::now() < deadline) {
    pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0},
                     {err_open ? err[0] : -1, POLLIN, 0},
                     {in_fd, POLLOUT, 0}};
    if (poll(fds, 3, 100) < 0 && errno != EINTR) break;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        (i == 0 ? run.out : run.err).append(buf, static_cast<size_t>(n));
      } else {
        (i == 0 ? out_open : err_open) = false;
      }
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      const ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out[0]);
  close(err[0]);
  if (out_open || err_open) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// ---- driving memdb-cli through a pseudo-terminal ----

class PtySession {
 public:
  ~PtySession() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }

  bool Start(std::vector<std::string> args, std::vector<std::string> env, const std::string& cwd) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return false;
    const std::string slave_name = ptsname(master_);
    args.insert(args.begin(), MEMDB_CLI_BINARY);
    std::vector<char*> argv = CStrings(args);
    std::vector<char*> envp = CStrings(env);
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      setsid();
      const int slave = open(slave_name.c_str(), O_RDWR);
      if (slave < 0) _exit(125);
      ioctl(slave, TIOCSCTTY, 0);
      winsize size{};
      size.ws_row = 40;
      size.ws_col = 160;
      ioctl(slave, TIOCSWINSZ, &size);
      dup2(slave, 0);
      dup2(slave, 1);
      dup2(slave, 2);
      if (slave > 2) close(slave);
      if (chdir(cwd.c_str()) != 0) _exit(126);
      execve(MEMDB_CLI_BINARY, argv.data(), envp.data());
      _exit(127);
    }
    return true;
  }

  void Send(std::string_view keys) {
    while (!keys.empty()) {
      const ssize_t n = write(master_, keys.data(), keys.size());
      if (n <= 0) return;
      keys.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Waits until `needle` appears after the previous match; true if it does in time.
  bool WaitFor(std::string_view needle, int timeout_ms = 10000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const size_t at = screen_.find(needle, mark_);
      if (at != std::string::npos) {
        mark_ = at + needle.size();
        return true;
      }
      if (Clock::now() >= deadline || !ReadSome(50)) {
        if (Clock::now() >= deadline) return false;
      }
    }
  }

  // Waits for `prompt`, then until the line editor has put the terminal in raw mode. libedit
  // prints the prompt before it switches modes; keys sent in between would be echoed by the
  // terminal driver too, and a Ctrl-D would be taken by it as end-of-file and lost.
  bool WaitForPrompt(std::string_view prompt, int timeout_ms = 10000) {
    if (!WaitFor(prompt, timeout_ms)) return false;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      termios mode{};
      // On Linux the master reports the terminal's (the slave's) settings.
      if (tcgetattr(master_, &mode) == 0 && (mode.c_lflag & ICANON) == 0) return true;
      ReadSome(5);
    }
    return false;
  }

  // Waits for the process to exit; its exit code, or -1.
  int WaitExit(int timeout_ms = 10000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      ReadSome(20);
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
    }
    return -1;
  }

  pid_t pid() const { return pid_; }

  // Everything the terminal showed, and what came after the last match.
  const std::string& screen() const { return screen_; }
  std::string rest() const { return screen_.substr(mark_); }

 private:
  // Reads what is available within `timeout_ms`; false once the terminal is closed.
  bool ReadSome(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return true;
    char buf[4096];
    const ssize_t n = read(master_, buf, sizeof(buf));
    if (n <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
      return false;  // EIO: the child has gone
    }
    screen_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  std::string screen_;
  size_t mark_ = 0;
};

// ---- the fixture: one server, a scratch directory for home, cwd and files ----

class CliShellTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    ServerSpec spec;
    spec.key_id = kKeyId;
    spec.secret = kSecret;
    spec.limits_yaml = "  max_key_bytes: " + std::to_string(kMaxKeyBytes) + "\n";
    server_ = std::make_unique<ServerProcess>(spec);
    ASSERT_TRUE(server_->Start()) << server_->log();
    char tmpl[] = "/tmp/memdb-cli-it-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    secret_file_ = WriteFile("app.secret", std::string(kSecret) + "\n");
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
    chmod(path.c_str(), 0600);
    return path;
  }

  std::string Port() const { return std::to_string(server_->port()); }
  std::string Prompt() const { return "127.0.0.1:" + Port() + "> "; }

  // A clean environment: no MEMDB_* from the caller, history in the scratch directory.
  std::vector<std::string> Env(std::vector<std::string> extra = {}) const {
    std::vector<std::string> env = extra;  // `extra` wins over the defaults below
    const std::vector<std::string> defaults = {"PATH=/usr/bin:/bin", "HOME=" + dir_, "LC_ALL=C",
                                               "MEMDB_HISTFILE=" + dir_ + "/history"};
    for (const std::string& base : defaults) {
      const std::string name = base.substr(0, base.find('=') + 1);
      bool overridden = false;
      for (const std::string& e : extra) overridden = overridden || e.rfind(name, 0) == 0;
      if (!overridden) env.push_back(base);
    }
    return env;
  }

  // memdb-cli with the connection flags, then `args`.
  CliRun Cli(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> all = {"-p", Port(), "--secret-file", secret_file_};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(all, input, Env(), dir_);
  }

  std::unique_ptr<ServerProcess> server_;
  std::string dir_;
  std::string secret_file_;
};

// ---- one-shot ----

TEST_F(CliShellTest, OneShotCommands) {
  CliRun set = Cli({"SET", "greeting", "hello world"});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "OK\n");
  EXPECT_EQ(set.err, "");
  EXPECT_EQ(Cli({"GET", "greeting"}).out, "\"hello world\"\n");
  EXPECT_EQ(Cli({"contains", "greeting"}).out, "true\n");
  EXPECT_EQ(Cli({"PING"}).out, "PONG\n");
  EXPECT_EQ(Cli({"DEL", "greeting"}).out, "(integer) 1\n");
  EXPECT_EQ(Cli({"DEL", "greeting"}).out, "(integer) 0\n");
  EXPECT_EQ(Cli({"CONTAINS", "greeting"}).out, "false\n");
}

TEST_F(CliShellTest, StatsShowsTheNodesCounters) {
  Cli({"SET", "a", "1"});
  CliRun stats = Cli({"STATS"});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(stats.out.rfind("node_id ", 0), 0u) << stats.out;
  EXPECT_NE(stats.out.find("\nkeys "), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find(" UTC +"), std::string::npos) << stats.out;  // the clock, dated
  CliRun json = Cli({"--json", "STATS"});
  EXPECT_EQ(json.out.rfind(R"({"ok":true,"command":"STATS","stats":{"node_id":)", 0), 0u)
      << json.out;
  EXPECT_NE(json.out.find(R"("keys":1)"), std::string::npos) << json.out;
}

TEST_F(CliShellTest, GetOfMissingKeyIsNilAndSuccess) {
  CliRun get = Cli({"GET", "nothing-here"});
  EXPECT_EQ(get.exit_code, 0);
  EXPECT_EQ(get.out, "(nil)\n");
}

TEST_F(CliShellTest, ArgumentsAfterTheCommandAreTakenAsTheyAre) {
  EXPECT_EQ(Cli({"SET", "n", "-5"}).exit_code, 0);
  EXPECT_EQ(Cli({"GET", "n"}).out, "\"-5\"\n");
  EXPECT_EQ(Cli({"SET", "flag", "--json"}).exit_code, 0);
  EXPECT_EQ(Cli({"GET", "flag"}).out, "\"--json\"\n");
}

TEST_F(CliShellTest, VerboseShowsTheVersionOfTheWrite) {
  CliRun set = Cli({"-v", "SET", "k", "v"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ASSERT_EQ(set.out.rfind("OK (version ", 0), 0u) << set.out;
  const std::string version = set.out.substr(3);  // "(version N = date, node M)\n"
  CliRun get = Cli({"--verbose", "GET", "k"});
  EXPECT_EQ(get.out, "\"v\" " + version);
  EXPECT_NE(Cli({"-v", "PING"}).out.find(" ms, session clock "), std::string::npos);
}

TEST_F(CliShellTest, JsonOutput) {
  Cli({"SET", "k", "v"});
  CliRun get = Cli({"--json", "GET", "k"});
  EXPECT_EQ(get.exit_code, 0);
  EXPECT_EQ(get.out.rfind(R"({"ok":true,"command":"GET","found":true,"value":"v","version":{)", 0),
            0u)
      << get.out;
  EXPECT_EQ(Cli({"--json", "GET", "zz"}).out,
            "{\"ok\":true,\"command\":\"GET\",\"found\":false,\"value\":null}\n");
  EXPECT_EQ(Cli({"--json", "DEL", "k"}).out, "{\"ok\":true,\"command\":\"DEL\",\"deleted\":1}\n");
}

TEST_F(CliShellTest, BinaryValuesRoundTripThroughStdinAndRaw) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += bytes;
  CliRun set = Cli({"-x", "SET", "bin"}, bytes);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  CliRun raw = Cli({"--raw", "GET", "bin"});
  EXPECT_EQ(raw.exit_code, 0);
  EXPECT_EQ(raw.out, bytes);  // exactly the bytes: nothing added
  CliRun human = Cli({"GET", "bin"});
  EXPECT_EQ(human.out.rfind(R"("\x00\x01\x02)", 0), 0u) << human.out;
  EXPECT_EQ(human.out.find('\x00'), std::string::npos);
  CliRun json = Cli({"--json", "GET", "bin"});
  EXPECT_NE(json.out.find("\"value_base64\":\"AAECAwQF"), std::string::npos) << json.out;
}

TEST_F(CliShellTest, Utf8IsShownOnUtf8Terminals) {
  Cli({"SET", "u", "café"});
  EXPECT_EQ(Cli({"GET", "u"}).out, "\"caf\\xc3\\xa9\"\n");  // LC_ALL=C
  CliRun utf8 = RunCli({"-p", Port(), "--secret-file", secret_file_, "GET", "u"}, "",
                       Env({"LC_ALL=C.UTF-8"}), dir_);
  EXPECT_EQ(utf8.out, "\"café\"\n");
}

TEST_F(CliShellTest, ServerErrorIsExitOne) {
  const std::string long_key(kMaxKeyBytes + 1, 'k');
  CliRun set = Cli({"SET", long_key, "v"});
  EXPECT_EQ(set.exit_code, 1);
  EXPECT_EQ(set.out.rfind("(error) KEY_TOO_LARGE: ", 0), 0u) << set.out;
  CliRun raw = Cli({"--raw", "SET", long_key, "v"});
  EXPECT_EQ(raw.exit_code, 1);
  EXPECT_EQ(raw.out, "");
  EXPECT_EQ(raw.err.rfind("(error) KEY_TOO_LARGE: ", 0), 0u) << raw.err;
}

TEST_F(CliShellTest, UsageErrorsAreExitTwo) {
  CliRun unknown = Cli({"FLY", "k"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.out,
            "(error) USAGE: unknown command 'FLY' (type 'help' for the list of commands)\n");
  CliRun arity = Cli({"GET", "a", "b"});
  EXPECT_EQ(arity.exit_code, 2);
  EXPECT_EQ(arity.out, "(error) USAGE: GET takes 1 argument, got 2 (usage: GET key)\n");
  CliRun flag = Cli({"--bogus", "GET", "k"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(flag.err, "memdb-cli: unknown option '--bogus'\nTry 'memdb-cli --help'.\n");
  EXPECT_EQ(RunCli({"-p", "0"}, "", Env(), dir_).exit_code, 2);
}

TEST_F(CliShellTest, HelpAndVersion) {
  CliRun help = RunCli({"--help"}, "", Env(), dir_);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Usage: memdb-cli"), std::string::npos);
  EXPECT_NE(help.out.find("Exit status"), std::string::npos);
  CliRun version = RunCli({"--version"}, "", Env(), dir_);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("memdb-cli ", 0), 0u);
  CliRun help_set = RunCli({"help", "set"}, "", Env(), dir_);  // no server needed
  EXPECT_EQ(help_set.exit_code, 0);
  EXPECT_EQ(help_set.out.rfind("SET key value\n", 0), 0u) << help_set.out;
}

TEST_F(CliShellTest, WrongSecretIsExitThreeAndNeverPrinted) {
  const std::string wrong = "wrong-secret-that-must-not-leak";
  const std::string wrong_file = WriteFile("wrong.secret", wrong + "\n");
  CliRun run =
      RunCli({"-p", Port(), "--secret-file", wrong_file, "-v", "GET", "k"}, "", Env(), dir_);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out.rfind("(error) AUTH_FAILED: ", 0), 0u) << run.out;
  EXPECT_NE(run.err.find("authenticating as key id 'default' with the secret from --secret-file"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out.find(wrong), std::string::npos);
  EXPECT_EQ(run.err.find(wrong), std::string::npos);
  EXPECT_EQ(server_->log().find(wrong), std::string::npos);
}

TEST_F(CliShellTest, SecretOnTheCommandLineWorksButWarns) {
  CliRun run = RunCli({"-p", Port(), "--secret", kSecret, "GET", "k"}, "", Env(), dir_);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "(nil)\n");
  EXPECT_NE(run.err.find("warning: --secret puts the secret on the command line"),
            std::string::npos);
  EXPECT_EQ(run.err.find(kSecret), std::string::npos);
}

TEST_F(CliShellTest, ConnectionRefusedIsExitThree) {
  ServerProcess gone;
  ASSERT_TRUE(gone.Start());
  const std::string port = std::to_string(gone.port());
  gone.Stop(SIGTERM);
  CliRun run = RunCli({"-p", port, "--secret-file", secret_file_, "GET", "k"}, "", Env(), dir_);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out.rfind("(error) CONNECTION_FAILED: ", 0), 0u) << run.out;
  EXPECT_NE(run.err.find("is memdb running at 127.0.0.1:" + port), std::string::npos) << run.err;
}

TEST_F(CliShellTest, EnvironmentVariablesConnect) {
  CliRun run = RunCli({"PING"}, "",
                      Env({"MEMDB_HOST=127.0.0.1", "MEMDB_PORT=" + Port(), "MEMDB_KEY_ID=default",
                           "MEMDB_SECRET_FILE=" + secret_file_}),
                      dir_);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out, "PONG\n");
  CliRun secret = RunCli(
      {"PING"}, "", Env({"MEMDB_PORT=" + Port(), "MEMDB_SECRET=" + std::string(kSecret)}), dir_);
  EXPECT_EQ(secret.out, "PONG\n");
  // A flag wins over its variable.
  CliRun flag = RunCli({"-p", Port(), "PING"}, "",
                       Env({"MEMDB_PORT=1", "MEMDB_SECRET=" + std::string(kSecret)}), dir_);
  EXPECT_EQ(flag.out, "PONG\n");
}

TEST_F(CliShellTest, QuickStartSecretIsFoundInTheWorkingDirectory) {
  // What `./scripts/run.sh` leaves behind: var/client.secret for key id "default".
  WriteFile("var/client.secret", std::string(kSecret) + "\n");
  CliRun run = RunCli({"-p", Port(), "SET", "k", "v"}, "", Env(), dir_);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out, "OK\n");
  EXPECT_EQ(run.err, "");
}

// ---- commands on stdin ----

TEST_F(CliShellTest, PipedCommandsPrintALineEach) {
  CliRun run =
      Cli({}, "SET a 1\n# a comment\n\nGET a\nSET b \"two words\\x00\"\nGET b\nDEL a\nGET a\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "OK\n\"1\"\nOK\n\"two words\\x00\"\n(integer) 1\n(nil)\n");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(Cli({"--raw", "GET", "b"}).out, std::string("two words\0", 10));
}

TEST_F(CliShellTest, PipedCommandsStopAtTheFirstError) {
  CliRun run = Cli({}, "SET a 1\nBOGUS\nSET c 3\n");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out,
            "OK\n(error) USAGE: unknown command 'BOGUS' (type 'help' for the list of commands)\n");
  EXPECT_EQ(run.err, "memdb-cli: stopped at line 2 (--continue-on-error runs every line)\n");
  EXPECT_EQ(Cli({"GET", "c"}).out, "(nil)\n");
}

TEST_F(CliShellTest, PipedCommandsContinueOnErrorWhenAsked) {
  const std::string long_key(kMaxKeyBytes + 1, 'k');
  CliRun run = Cli({"--continue-on-error"}, "SET " + long_key + " 1\nSET c 3\nGET c\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out.rfind("(error) KEY_TOO_LARGE: ", 0), 0u);
  EXPECT_NE(run.out.find("\nOK\n\"3\"\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.err, "memdb-cli: 1 of 3 commands failed, the first at line 1\n");
}

TEST_F(CliShellTest, PipedJsonIsOneObjectPerCommand) {
  CliRun run = Cli({"--json"}, "SET a 1\nGET a\nCONTAINS a\n");
  EXPECT_EQ(run.exit_code, 0);
  std::istringstream lines(run.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    EXPECT_EQ(line.rfind("{\"ok\":true,", 0), 0u) << line;
    EXPECT_EQ(line.back(), '}');
  }
  EXPECT_EQ(n, 3);
}

// ---- the interactive shell, through a pseudo-terminal ----

TEST_F(CliShellTest, InteractiveSession) {
  PtySession pty;
  ASSERT_TRUE(pty.Start({"-p", Port(), "--secret-file", secret_file_}, Env({"TERM=xterm"}), dir_));
  ASSERT_TRUE(pty.WaitFor("Connected to memdb at 127.0.0.1:" + Port())) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt())) << pty.screen();

  pty.Send("SET greeting \"hello, world\"\r");
  ASSERT_TRUE(pty.WaitFor("\r\nOK\r\n")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));

  // TAB completes the command name: "GE<TAB>" runs GET.
  pty.Send("GE\t");
  ASSERT_TRUE(pty.WaitFor("T ")) << pty.screen();
  pty.Send("greeting\r");
  ASSERT_TRUE(pty.WaitFor("\"hello, world\"\r\n")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));

  // ...and HELP's argument; TAB on an empty line lists every command.
  pty.Send("help cont\t\r");
  ASSERT_TRUE(pty.WaitFor("CONTAINS key\r\n  Tell whether a key has a value.")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));
  pty.Send("\t");
  ASSERT_TRUE(
      pty.WaitFor("PING  GET  SET  DEL  CONTAINS  STATS  COMPACT  CLUSTER  REPAIR  CONSISTENCY  "
                  "DEADLINE  HELP  QUIT  EXIT"))
      << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));

  // Ctrl-C discards the line being typed.
  pty.Send("SET greeting discarded");
  ASSERT_TRUE(pty.WaitFor("discarded"));
  pty.Send("\x03");
  ASSERT_TRUE(pty.WaitFor("^C")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));

  // Errors do not end the shell.
  pty.Send("GET\r");
  ASSERT_TRUE(pty.WaitFor("(error) USAGE: GET takes 1 argument, got 0")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));
  pty.Send("SET k \"unterminated\r");
  ASSERT_TRUE(pty.WaitFor("(error) USAGE: unterminated double quote")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));

  // Up arrow recalls earlier lines: four up is "GE<TAB>greeting", which still reads the
  // value that Ctrl-C kept from being overwritten.
  pty.Send("\x1b[A\x1b[A\x1b[A\x1b[A");
  ASSERT_TRUE(pty.WaitFor("GET greeting")) << pty.screen();
  pty.Send("\r");
  ASSERT_TRUE(pty.WaitFor("\"hello, world\"\r\n")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));

  // The consistency level holds for the rest of the session (a lone node meets every level).
  pty.Send("consistency al\t");
  ASSERT_TRUE(pty.WaitFor("l ")) << pty.screen();  // TAB completed the level
  pty.Send("\r");
  ASSERT_TRUE(pty.WaitFor("\r\nOK\r\n")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));
  pty.Send("consistency\r");
  ASSERT_TRUE(pty.WaitFor("\r\nall\r\n")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));
  pty.Send("GET greeting\r");
  ASSERT_TRUE(pty.WaitFor("\r\n\"hello, world\"\r\n")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt()));

  // Ctrl-D leaves with status 0.
  pty.Send("\x04");
  EXPECT_EQ(pty.WaitExit(), 0) << pty.screen();

  // The history file is private and holds what was typed.
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/history").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream history(dir_ + "/history");
  std::stringstream content;
  content << history.rdbuf();
  EXPECT_NE(content.str().find("greeting"), std::string::npos) << content.str();
  EXPECT_EQ(content.str().find(kSecret), std::string::npos);
}

TEST_F(CliShellTest, InteractiveHistorySurvivesRestartAndQuitLeaves) {
  {
    PtySession first;
    ASSERT_TRUE(
        first.Start({"-p", Port(), "--secret-file", secret_file_}, Env({"TERM=xterm"}), dir_));
    ASSERT_TRUE(first.WaitForPrompt(Prompt())) << first.screen();
    first.Send("SET remembered yes\r");
    ASSERT_TRUE(first.WaitFor("OK\r\n"));
    ASSERT_TRUE(first.WaitForPrompt(Prompt()));
    first.Send("quit\r");
    EXPECT_EQ(first.WaitExit(), 0) << first.screen();
  }
  PtySession second;
  ASSERT_TRUE(
      second.Start({"-p", Port(), "--secret-file", secret_file_}, Env({"TERM=xterm"}), dir_));
  ASSERT_TRUE(second.WaitForPrompt(Prompt())) << second.screen();
  second.Send("\x1b[A\x1b[A");
  ASSERT_TRUE(second.WaitFor("SET remembered yes")) << second.screen();
  second.Send("\x03");
  ASSERT_TRUE(second.WaitForPrompt(Prompt())) << second.screen();
  second.Send("exit\r");
  EXPECT_EQ(second.WaitExit(), 0) << second.screen();
}

TEST_F(CliShellTest, InteractiveHistoryFileStaysPrivateAndForeignFilesAreLeftAlone) {
  const std::string history = dir_ + "/history";
  auto session = [&](const std::string& histfile, const std::string& expect_on_start) {
    PtySession pty;
    ASSERT_TRUE(pty.Start({"-p", Port(), "--secret-file", secret_file_},
                          Env({"TERM=xterm", "MEMDB_HISTFILE=" + histfile}), dir_));
    ASSERT_TRUE(pty.WaitFor(expect_on_start)) << pty.screen();
    ASSERT_TRUE(pty.WaitForPrompt(Prompt())) << pty.screen();
    pty.Send("PING\r");
    ASSERT_TRUE(pty.WaitFor("PONG")) << pty.screen();
    ASSERT_TRUE(pty.WaitForPrompt(Prompt())) << pty.screen();
    pty.Send("\x04");
    EXPECT_EQ(pty.WaitExit(), 0) << pty.screen();
  };
  // A history file left readable by others is made private again.
  session(history, "Connected");
  ASSERT_EQ(chmod(history.c_str(), 0644), 0);
  session(history, "Connected");
  struct stat st {};
  ASSERT_EQ(stat(history.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A file that is not a history file (a mistyped MEMDB_HISTFILE) is never written over.
  const std::string foreign = WriteFile("notes.txt", "my notes\n");
  session(foreign, "is not a memdb-cli history file: history will not be saved");
  std::ifstream in(foreign);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), "my notes\n");
}

TEST_F(CliShellTest, InteractiveCtrlCStopsWaitingForAReply) {
  PtySession pty;
  // No timeout: only Ctrl-C ends the wait.
  ASSERT_TRUE(pty.Start({"-p", Port(), "--secret-file", secret_file_, "--timeout", "0"},
                        Env({"TERM=xterm"}), dir_));
  ASSERT_TRUE(pty.WaitForPrompt(Prompt())) << pty.screen();
  ASSERT_EQ(kill(server_->pid(), SIGSTOP), 0);  // the server hears but never answers
  pty.Send("GET k\r");
  ASSERT_TRUE(pty.WaitFor("GET k\r\n")) << pty.screen();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  pty.Send("\x03");
  const bool interrupted = pty.WaitFor("(error) TIMEOUT: interrupted");
  kill(server_->pid(), SIGCONT);
  ASSERT_TRUE(interrupted) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt())) << pty.screen();
  // The shell goes on.
  pty.Send("PING\r");
  ASSERT_TRUE(pty.WaitFor("PONG")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt(Prompt())) << pty.screen();
  pty.Send("\x04");
  EXPECT_EQ(pty.WaitExit(), 0) << pty.screen();
}

TEST_F(CliShellTest, SecretGivenOnTheCommandLineIsBlankedFromIt) {
  PtySession pty;
  ASSERT_TRUE(pty.Start({"-p", Port(), "--secret", kSecret}, Env({"TERM=xterm"}), dir_));
  ASSERT_TRUE(pty.WaitFor("warning: --secret puts the secret on the command line"));
  ASSERT_TRUE(pty.WaitForPrompt(Prompt())) << pty.screen();
  std::ifstream in("/proc/" + std::to_string(pty.pid()) + "/cmdline", std::ios::binary);
  std::stringstream cmdline;
  cmdline << in.rdbuf();
  EXPECT_NE(cmdline.str().find("--secret"), std::string::npos);
  EXPECT_EQ(cmdline.str().find(kSecret), std::string::npos) << cmdline.str();
  EXPECT_EQ(pty.screen().find(kSecret), std::string::npos);
  pty.Send("\x04");
  EXPECT_EQ(pty.WaitExit(), 0) << pty.screen();
}

TEST_F(CliShellTest, InteractiveWithoutServerStillStarts) {
  ServerProcess gone;
  ASSERT_TRUE(gone.Start());
  const std::string port = std::to_string(gone.port());
  gone.Stop(SIGTERM);
  PtySession pty;
  ASSERT_TRUE(pty.Start({"-p", port, "--secret-file", secret_file_}, Env({"TERM=xterm"}), dir_));
  ASSERT_TRUE(pty.WaitFor("(error) CONNECTION_FAILED")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt("127.0.0.1:" + port + " (not connected)> ")) << pty.screen();
  pty.Send("help\r");
  ASSERT_TRUE(pty.WaitFor("Commands")) << pty.screen();
  ASSERT_TRUE(pty.WaitForPrompt("127.0.0.1:" + port + " (not connected)> ")) << pty.screen();
  pty.Send("\x04");
  EXPECT_EQ(pty.WaitExit(), 0) << pty.screen();
}

}  // namespace
}  // namespace memdb::testing

#endif  // MEMDB_CLI_BINARY
