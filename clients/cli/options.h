// memdb-cli's command line and environment: connection flags, output flags, the secret.
//
//   memdb-cli [OPTIONS] [COMMAND [ARG...]]
//
// Options come first; the first argument that is not an option (or everything after "--")
// starts the command, whose arguments are then taken as they are ("SET k -5" works).
// Each connection setting comes from its flag, else its environment variable, else the
// default (--help and docs/cli.md list them). The secret is never printed: not in errors,
// warnings, --help, or anything else.
#ifndef MEMDB_CLIENTS_CLI_OPTIONS_H_
#define MEMDB_CLIENTS_CLI_OPTIONS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clients/cli/output.h"
#include "memdb/client_options.h"
#include "memdb/request_options.h"
#include "memdb/result.h"

namespace memdb::cli {

inline constexpr std::string_view kDefaultKeyId = "default";
// Used when no secret is given and it exists, relative to the working directory: the quick
// start (scripts/run.sh) writes the secret of key id "default" there.
inline constexpr std::string_view kQuickStartSecretFile = "var/client.secret";

struct CliOptions {
  // host, port, key id, secret, timeouts, client name.
  ClientOptions client;
  // Where the secret came from, for messages ("--secret-file s.txt", "MEMDB_SECRET", ...);
  // empty when there is no secret.
  std::string secret_source;
  // Where --secret values are in the parsed arguments: (index of the argument, offset of the
  // value in it — after "--secret=" or 0), so that main can blank them out of argv.
  std::vector<std::pair<size_t, size_t>> secret_args;

  // --consistency and --deadline-ms: sent with GET / SET / DEL / CONTAINS.
  RequestOptions request;

  FormatOptions format;
  bool stdin_value = false;        // -x: the command's last argument is read from stdin
  bool continue_on_error = false;  // commands from stdin: keep going after a failure
  bool show_help = false;
  bool show_version = false;

  // The one-shot command and its arguments; empty: read commands from stdin or the terminal.
  std::vector<std::string> command;
  // Shell history file; empty: no history file.
  std::string history_path;
  // Printed to stderr before anything runs (e.g. about --secret being visible in ps).
  std::vector<std::string> warnings;
};

// Looks an environment variable up (std::nullopt when unset). Tests pass a map.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Parses `args` (argv without argv[0]) and the environment, and reads the secret file if one
// is named (or the quick-start file, `quick_start_secret_file`, when no secret is given and
// it exists). kInvalidArgument with a message for the user on any usage error: unknown
// option, missing or bad value, --json with --raw, unreadable or empty secret file, ...
// With --help or --version, nothing but the flags is checked and no file is read.
Result<CliOptions> ParseCommandLine(
    const std::vector<std::string>& args, const EnvLookup& env,
    std::string_view quick_start_secret_file = kQuickStartSecretFile);

// --help.
std::string UsageText();

// "memdb-cli 0.1.0"
std::string VersionText();

// Where the connection's credentials came from, for a hint after an authentication failure:
// "authenticating as key id 'default' with the secret from var/client.secret".
std::string DescribeCredentials(const CliOptions& options);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_OPTIONS_H_
