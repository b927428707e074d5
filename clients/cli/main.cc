// memdb-cli — the memdb shell: one-shot commands, scripts on stdin, and an interactive shell.
// Usage, flags, environment and exit codes: `memdb-cli --help` and docs/cli.md.
#include <langinfo.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "clients/cli/client_backend.h"
#include "clients/cli/options.h"
#include "clients/cli/runner.h"
#include "clients/cli/shell.h"

// Sanitizer builds (MEMDB_SANITIZE): libedit (3.1-20221030) never frees the copies it makes
// (wcsdup) of the name and help text given to EL_ADDFN, which LeakSanitizer reports at exit.
// memdb-cli itself never calls wcsdup, so only that is suppressed.
#if defined(__SANITIZE_ADDRESS__)
#define MEMDB_CLI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMDB_CLI_ASAN 1
#endif
#endif
#ifdef MEMDB_CLI_ASAN
extern "C" const char* __lsan_default_suppressions() { return "leak:wcsdup\n"; }
#endif

namespace {

using memdb::cli::CliOptions;

std::optional<std::string> GetEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// Reads all of stdin, byte for byte.
bool ReadAllStdin(std::string* data) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    data->append(buf, static_cast<size_t>(n));
  }
}

// Between REPAIR polls: sleeps `duration` in short steps; false as soon as Ctrl-C is pressed
// (the shell's SIGINT handler sets the flag; elsewhere Ctrl-C ends the process).
bool WaitUnlessInterrupted(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (memdb::cli::InterruptFlag()->load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !memdb::cli::InterruptFlag()->load();
}

std::string Address(const memdb::ClientOptions& client) {
  const bool ipv6 = client.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + client.host + "]" : client.host) + ":" + std::to_string(client.port);
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "");  // libedit's multibyte input; UTF-8 output detection

  std::vector<std::string> args(argv + 1, argv + argc);
  memdb::Result<CliOptions> parsed = memdb::cli::ParseCommandLine(args, GetEnv);
  for (std::string& arg : args) explicit_bzero(arg.data(), arg.size());
  if (!parsed.ok()) {
    std::cerr << "memdb-cli: " << parsed.status().message() << "\n"
              << "Try 'memdb-cli --help'.\n";
    return memdb::cli::kExitUsage;
  }
  CliOptions options = std::move(parsed).value();
  for (const auto& [index, offset] : options.secret_args) {
    // Blank the secret out of argv, where ps and /proc/PID/cmdline show it (narrowing, not
    // closing, the window: hence the warning below).
    char* arg = argv[index + 1];
    const size_t len = std::strlen(arg);
    if (offset < len) std::memset(arg + offset, 'x', len - offset);
  }
  if (options.show_help) {
    std::cout << memdb::cli::UsageText();
    return memdb::cli::kExitOk;
  }
  if (options.show_version) {
    std::cout << memdb::cli::VersionText();
    return memdb::cli::kExitOk;
  }
  for (const std::string& warning : options.warnings) {
    std::cerr << "memdb-cli: warning: " << warning << "\n";
  }

  const bool one_shot = !options.command.empty();
  const bool interactive = !one_shot && ::isatty(STDIN_FILENO) == 1;
  options.format.utf8 = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  // One-shot --raw GET writes exactly the stored bytes (for `> file`).
  options.format.raw_value_newline = !one_shot;

  memdb::cli::ClientBackend backend(options.client, memdb::cli::InterruptFlag());
  explicit_bzero(options.client.secret.data(), options.client.secret.size());

  memdb::cli::RunnerOptions runner_options;
  runner_options.format = options.format;
  runner_options.continue_on_error = options.continue_on_error;
  runner_options.credentials = memdb::cli::DescribeCredentials(options);
  runner_options.address = Address(options.client);
  runner_options.out_is_terminal = ::isatty(STDOUT_FILENO) == 1;
  runner_options.err_is_terminal = ::isatty(STDERR_FILENO) == 1;
  memdb::cli::CommandContext context;
  context.backend = &backend;
  context.request = options.request;
  context.wait = WaitUnlessInterrupted;
  memdb::cli::Runner runner(std::move(context), runner_options, std::cout, std::cerr);

  if (one_shot) {
    if (options.stdin_value) {
      std::string value;
      if (!ReadAllStdin(&value)) {
        std::cerr << "memdb-cli: cannot read stdin: " << std::strerror(errno) << "\n";
        return memdb::cli::kExitUsage;
      }
      options.command.push_back(std::move(value));
    }
    return runner.RunOneShot(options.command);
  }
  if (interactive) {
    memdb::cli::ShellOptions shell;
    shell.address = runner_options.address;
    shell.key_id = options.client.key_id;
    shell.history_path = options.history_path;
    return memdb::cli::RunShell(runner, backend, shell, std::cerr);
  }
  std::ios::sync_with_stdio(false);
  return runner.RunScript(std::cin);
}
