// Loading the daemon's configuration: command-line flags, MEMDB_* environment variables and
// the YAML file, merged with precedence flag > environment > file > built-in default, then
// validated.
//
// Naming (settings.h has the table of every setting):
//   YAML key   server.max_connections
//   flag       --server-max-connections    ('.' and '_' become '-')
//   env        MEMDB_SERVER_MAX_CONNECTIONS ('.' becomes '_', upper case)
// Short aliases: --bind (server.bind), --port (server.port), -c (--config).
// Booleans take true/false, yes/no, on/off or 1/0; "--auth-enabled" alone means true.
// Durations are whole milliseconds (settings ending in _ms), sizes whole bytes.
//
// The config file: --config PATH, else MEMDB_CONFIG, else `default_config_path` when that file
// exists. A path given by --config or MEMDB_CONFIG must exist; an empty one (--config "")
// means "no file". (CLI11 reads "--config=" as a missing value: write --config "".)
//
// Client keys (auth.client_keys, id -> secret):
//   YAML   auth: {client_keys: {ops: s3cret, ...}}
//   env    MEMDB_AUTH_CLIENT_KEYS="ops:s3cret,app:xyz"    (secrets cannot contain ',')
//   flag   --auth-client-key ops:s3cret  (repeatable)
// The highest source that sets auth.client_keys supplies all of them (sources are not merged;
// MEMDB_AUTH_CLIENT_KEYS="" clears the file's). The file named by auth.client_keys_file (a
// setting with the usual precedence; one "id:secret" per line, '#' comments) adds its keys to
// those; an id given twice is an error.
//
// Secrets (client key secrets, auth.cluster_key) never appear in an error, a warning, --help
// or --print-config output.
//
// Threading: none; call from main before anything else runs. Exceptions from CLI11 and
// yaml-cpp are caught inside: every failure comes back as a Status.
#ifndef MEMDB_CONFIG_CONFIG_LOADER_H_
#define MEMDB_CONFIG_CONFIG_LOADER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/validation.h"  // ValidateConfig
#include "memdb/result.h"
#include "memdb/status.h"

namespace memdb {

// Environment variables by name.
using EnvMap = std::map<std::string, std::string>;

// The process environment (from environ), only the MEMDB_* entries.
EnvMap CurrentEnvironment();

struct CommandLine {
  enum class Action {
    kRun,          // start the daemon with `config`
    kPrintConfig,  // print `output` (the effective config as YAML, secrets redacted), exit 0
    kExit,         // --help or --version: print `output`, exit with `exit_code`
  };
  Action action = Action::kRun;
  int exit_code = 0;   // for kExit
  std::string output;  // text to print on stdout for kExit / kPrintConfig; ends with '\n'
  Config config;       // valid (ValidateConfig passed) for kRun and kPrintConfig
  // Things worth logging once logging is up (kRun) or printing on stderr (kPrintConfig):
  // ignored unknown MEMDB_* variables, auth disabled, secrets on the command line, secret
  // files readable by other users, short secrets. Never contain a secret.
  std::vector<std::string> warnings;
};

// Parses flags (argv[0] is the program name), `env` (usually CurrentEnvironment()) and the
// YAML file, applies precedence and validates.
// Errors: Code::kInvalidArgument; the message lists every problem found, one per line, each
// naming the setting, the bad value (never a secret), what is allowed and where the value came
// from ("(from flag --server-port)", "(from env MEMDB_SERVER_PORT)", "(from /etc/x.yaml:3)").
Result<CommandLine> LoadConfig(int argc, const char* const* argv, const EnvMap& env,
                               std::string_view version,
                               std::string_view default_config_path = "/etc/memdb/memdb.yaml");

// `config` as YAML in the config file's layout, secrets shown as "<redacted>" (an empty secret
// as ""). Validation refuses "<redacted>" as a secret, so this output cannot be run as-is with
// a known secret.
std::string RenderConfig(const Config& config);

}  // namespace memdb

#endif  // MEMDB_CONFIG_CONFIG_LOADER_H_
