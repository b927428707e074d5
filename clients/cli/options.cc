#include "clients/cli/options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "clients/cli/command_table.h"
#include "clients/cli/escape.h"
#include "clients/cli/request_settings.h"
#include "memdb/secret_file.h"

#ifndef MEMDB_VERSION_STRING
#define MEMDB_VERSION_STRING "0.0.0"
#endif

namespace memdb::cli {
namespace {

// ---- the flag table: drives parsing and --help ----

enum class Flag {
  kHost,
  kPort,
  kKeyId,
  kSecretFile,
  kSecret,
  kTimeout,
  kConsistency,
  kDeadline,
  kJson,
  kRaw,
  kVerbose,
  kStdinValue,
  kContinueOnError,
  kHelp,
  kVersion,
};

struct FlagSpec {
  Flag flag;
  std::string_view section;  // starts a section of --help when not empty
  std::string_view long_name;
  char short_name;              // 0: none
  std::string_view value_name;  // empty: the flag takes no value
  std::string_view help;        // may hold '\n' for more lines
};

constexpr FlagSpec kFlags[] = {
    {Flag::kHost, "Connection", "host", 'h', "HOST",
     "server host name or address\n(env MEMDB_HOST; default 127.0.0.1)"},
    {Flag::kPort, "", "port", 'p', "PORT", "server port (env MEMDB_PORT; default 7379)"},
    {Flag::kKeyId, "", "key-id", 0, "ID",
     "key id to authenticate as\n(env MEMDB_KEY_ID; default \"default\")"},
    {Flag::kSecretFile, "", "secret-file", 0, "FILE",
     "read the key's secret from FILE\n(env MEMDB_SECRET_FILE)"},
    {Flag::kSecret, "", "secret", 0, "SECRET",
     "the secret itself (env MEMDB_SECRET); other users\n"
     "can see command lines (ps): prefer a file"},
    {Flag::kTimeout, "", "timeout", 't', "SECONDS",
     "limit for connecting and for each reply, e.g. 2.5\n"
     "or 500ms (default 5 seconds; 0 = wait forever)"},
    {Flag::kConsistency, "Requests", "consistency", 0, "LEVEL",
     "replicas that must answer GET/CONTAINS or\n"
     "acknowledge SET/DEL: one, quorum, all, or\n"
     "default (the node's setting; the default)"},
    {Flag::kDeadline, "", "deadline-ms", 0, "MS",
     "how long the node may take to reach that level\n"
     "(default 0: the node's request_timeout_ms)"},
    {Flag::kJson, "Output", "json", 0, "", "one JSON object per command, one per line"},
    {Flag::kRaw, "", "raw", 0, "", "values as their exact bytes; errors to stderr"},
    {Flag::kVerbose, "", "verbose", 'v', "", "also show versions (GET, SET) and timing (PING)"},
    {Flag::kStdinValue, "Input", "stdin-value", 'x', "",
     "read the command's last argument from stdin,\nbyte for byte: -x SET key < file"},
    {Flag::kContinueOnError, "", "continue-on-error", 0, "",
     "with commands from stdin, run every line even\nafter an error"},
    {Flag::kHelp, "Other", "help", 0, "", "show this help and exit"},
    {Flag::kVersion, "", "version", 0, "", "show memdb-cli's version and exit"},
};

const FlagSpec* FindLong(std::string_view name) {
  for (const FlagSpec& f : kFlags) {
    if (f.long_name == name) return &f;
  }
  return nullptr;
}

const FlagSpec* FindShort(char c) {
  for (const FlagSpec& f : kFlags) {
    if (f.short_name != 0 && f.short_name == c) return &f;
  }
  return nullptr;
}

Status UsageStatus(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message));
}

// ---- values ----

Result<uint16_t> ParsePort(std::string_view text, std::string_view from) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535) {
    return UsageStatus("invalid port '" + EscapeText(text) + "' (" + std::string(from) +
                       "): expected a number from 1 to 65535");
  }
  return static_cast<uint16_t>(value);
}

// "2.5" and "2.5s" are seconds, "500ms" milliseconds; 0 means no limit.
Result<std::chrono::milliseconds> ParseTimeout(std::string_view text) {
  std::string_view number = text;
  double scale = 1000.0;
  if (number.ends_with("ms")) {
    number.remove_suffix(2);
    scale = 1.0;
  } else if (number.ends_with("s")) {
    number.remove_suffix(1);
  }
  double value = 0;
  const char* end = number.data() + number.size();
  auto [ptr, ec] = std::from_chars(number.data(), end, value);
  constexpr double kMaxMillis = 7.0 * 24 * 3600 * 1000;  // a week
  if (number.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0 ||
      value * scale > kMaxMillis) {
    return UsageStatus("invalid --timeout '" + EscapeText(text) +
                       "': expected seconds (2.5) or milliseconds (500ms), at most a week");
  }
  // Round up, so that a tiny non-zero limit never becomes 0 (no limit).
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(value * scale)));
}

// Reads a secret file (memdb::ReadSecretFile) as a usage error on failure, warning when other
// users can read it.
Status ReadSecretFile(const std::string& path, std::string* secret,
                      std::vector<std::string>* warnings) {
  unsigned mode = 0;
  Result<std::string> read = memdb::ReadSecretFile(path, &mode);
  if (!read.ok()) return UsageStatus(read.status().message());
  if ((mode & 077) != 0) {
    char octal[16];
    std::snprintf(octal, sizeof(octal), "%04o", mode & 07777u);
    const std::string shown = EscapeText(path);
    warnings->push_back("secret file " + shown + " can be read by other users (mode " + octal +
                        "): chmod 600 " + shown);
  }
  *secret = std::move(read).value();
  return Status::Ok();
}

std::optional<std::string> NonEmptyEnv(const EnvLookup& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// What ScanFlags found: each flag's last value, and where every --secret value is in the
// arguments (so that main can blank them all out of argv).
struct ParsedFlags {
  static constexpr size_t kCount = static_cast<size_t>(Flag::kVersion) + 1;
  std::optional<std::string> values[kCount];
  std::vector<std::pair<size_t, size_t>> secret_locations;  // (argument, offset of the value)

  const std::optional<std::string>& Get(Flag f) const { return values[static_cast<size_t>(f)]; }
  bool Has(Flag f) const { return Get(f).has_value(); }
  void Set(Flag f, std::string value, size_t arg_index, size_t arg_offset) {
    values[static_cast<size_t>(f)] = std::move(value);
    if (f == Flag::kSecret) secret_locations.emplace_back(arg_index, arg_offset);
  }
};

std::string FlagName(const FlagSpec& f) { return "--" + std::string(f.long_name); }

// Fills `flags` from the options in `args`; `*command_start` is where the command begins.
Status ScanFlags(const std::vector<std::string>& args, ParsedFlags* flags, size_t* command_start) {
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;  // the command starts here
    if (arg[1] == '-') {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const FlagSpec* f = FindLong(name);
      if (f == nullptr) {
        return UsageStatus("unknown option '" +
                           EscapeText(arg.substr(0, std::min(eq, arg.size()))) + "'");
      }
      if (f->value_name.empty()) {
        if (eq != std::string::npos) return UsageStatus(FlagName(*f) + " takes no value");
        flags->Set(f->flag, "", i, 0);
      } else if (eq != std::string::npos) {
        flags->Set(f->flag, arg.substr(eq + 1), i, eq + 1);
      } else if (i + 1 < args.size()) {
        flags->Set(f->flag, args[i + 1], i + 1, 0);
        ++i;
      } else {
        return UsageStatus(FlagName(*f) + " needs a value (" + std::string(f->value_name) + ")");
      }
      continue;
    }
    // Short options: -v, -vx, -p7379, -p 7379.
    for (size_t k = 1; k < arg.size(); ++k) {
      const FlagSpec* f = FindShort(arg[k]);
      if (f == nullptr) {
        return UsageStatus("unknown option '-" + EscapeText(std::string_view(&arg[k], 1)) + "'");
      }
      if (f->value_name.empty()) {
        flags->Set(f->flag, "", i, 0);
        continue;
      }
      if (k + 1 < arg.size()) {
        flags->Set(f->flag, arg.substr(k + 1), i, k + 1);
      } else if (i + 1 < args.size()) {
        flags->Set(f->flag, args[i + 1], i + 1, 0);
        ++i;
      } else {
        return UsageStatus("-" + std::string(1, f->short_name) + " needs a value (" +
                           std::string(f->value_name) + ")" +
                           (f->flag == Flag::kHost ? "; for help, use --help" : ""));
      }
      break;
    }
  }
  *command_start = i;
  return Status::Ok();
}

// The secret: --secret-file / --secret, else MEMDB_SECRET_FILE / MEMDB_SECRET, else the
// quick-start file when it exists.
Status ResolveSecret(const ParsedFlags& flags, const EnvLookup& env,
                     std::string_view quick_start_secret_file, CliOptions* options) {
  if (flags.Has(Flag::kSecretFile) && flags.Has(Flag::kSecret)) {
    return UsageStatus("give either --secret-file or --secret, not both");
  }
  if (flags.Has(Flag::kSecretFile)) {
    const std::string& path = *flags.Get(Flag::kSecretFile);
    options->secret_source = "--secret-file " + EscapeText(path);
    return ReadSecretFile(path, &options->client.secret, &options->warnings);
  }
  if (flags.Has(Flag::kSecret)) {
    options->client.secret = *flags.Get(Flag::kSecret);
    options->secret_source = "--secret";
    options->secret_args = flags.secret_locations;
    options->warnings.push_back(
        "--secret puts the secret on the command line, where other users can see it (ps); "
        "use --secret-file, MEMDB_SECRET_FILE or MEMDB_SECRET instead");
    if (options->client.secret.empty()) return UsageStatus("--secret is empty");
    return Status::Ok();
  }
  const std::optional<std::string> env_file = NonEmptyEnv(env, "MEMDB_SECRET_FILE");
  const std::optional<std::string> env_secret = NonEmptyEnv(env, "MEMDB_SECRET");
  if (env_file && env_secret) {
    return UsageStatus("both MEMDB_SECRET_FILE and MEMDB_SECRET are set: unset one");
  }
  if (env_file) {
    options->secret_source = "MEMDB_SECRET_FILE (" + EscapeText(*env_file) + ")";
    return ReadSecretFile(*env_file, &options->client.secret, &options->warnings);
  }
  if (env_secret) {
    options->client.secret = *env_secret;
    options->secret_source = "MEMDB_SECRET";
    return Status::Ok();
  }
  struct stat st {};
  const std::string quick_start(quick_start_secret_file);
  if (!quick_start.empty() && ::stat(quick_start.c_str(), &st) == 0) {
    options->secret_source = EscapeText(quick_start);
    return ReadSecretFile(quick_start, &options->client.secret, &options->warnings);
  }
  return Status::Ok();
}

// "Commands: PING, GET key, ..." from the command table, wrapped at 80 columns.
std::string CommandList() {
  std::string out;
  std::string line = "Commands:";
  const std::span<const CommandSpec> commands = Commands();
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::string item =
        " " + std::string(commands[i].usage) + (i + 1 < commands.size() ? "," : ".");
    if (line.size() + item.size() > 80) {
      out += line + "\n";
      line = item.substr(1);
    } else {
      line += item;
    }
  }
  return out + line;
}

}  // namespace

Result<CliOptions> ParseCommandLine(const std::vector<std::string>& args, const EnvLookup& env,
                                    std::string_view quick_start_secret_file) {
  ParsedFlags flags;
  size_t command_start = 0;
  if (Status s = ScanFlags(args, &flags, &command_start); !s.ok()) return s;

  CliOptions options;
  options.show_help = flags.Has(Flag::kHelp);
  options.show_version = flags.Has(Flag::kVersion);
  if (options.show_help || options.show_version) return options;

  options.command.assign(args.begin() + static_cast<std::ptrdiff_t>(command_start), args.end());
  options.client.client_name = "memdb-cli/" MEMDB_VERSION_STRING;
  options.client.key_id = std::string(kDefaultKeyId);

  if (flags.Has(Flag::kHost)) {
    options.client.host = *flags.Get(Flag::kHost);
  } else if (auto host = NonEmptyEnv(env, "MEMDB_HOST")) {
    options.client.host = *host;
  }
  if (options.client.host.empty()) return UsageStatus("--host is empty");

  if (flags.Has(Flag::kPort)) {
    Result<uint16_t> port = ParsePort(*flags.Get(Flag::kPort), "--port");
    if (!port.ok()) return port.status();
    options.client.port = *port;
  } else if (auto port_env = NonEmptyEnv(env, "MEMDB_PORT")) {
    Result<uint16_t> port = ParsePort(*port_env, "MEMDB_PORT");
    if (!port.ok()) return port.status();
    options.client.port = *port;
  }

  if (flags.Has(Flag::kKeyId)) {
    options.client.key_id = *flags.Get(Flag::kKeyId);
    if (options.client.key_id.empty()) return UsageStatus("--key-id is empty");
  } else if (auto key_id = NonEmptyEnv(env, "MEMDB_KEY_ID")) {
    options.client.key_id = *key_id;
  }

  if (flags.Has(Flag::kTimeout)) {
    Result<std::chrono::milliseconds> timeout = ParseTimeout(*flags.Get(Flag::kTimeout));
    if (!timeout.ok()) return timeout.status();
    options.client.connect_timeout = *timeout;
    options.client.request_timeout = *timeout;
  }

  if (flags.Has(Flag::kConsistency)) {
    Result<Consistency> level =
        ParseConsistencyLevel(*flags.Get(Flag::kConsistency), "--consistency");
    if (!level.ok()) return level.status();
    options.request.consistency = *level;
  }
  if (flags.Has(Flag::kDeadline)) {
    Result<std::chrono::milliseconds> deadline =
        ParseDeadlineMs(*flags.Get(Flag::kDeadline), "--deadline-ms");
    if (!deadline.ok()) return deadline.status();
    options.request.deadline = *deadline;
  }

  if (flags.Has(Flag::kJson) && flags.Has(Flag::kRaw)) {
    return UsageStatus("--json and --raw cannot be used together");
  }
  if (flags.Has(Flag::kJson)) options.format.mode = OutputMode::kJson;
  if (flags.Has(Flag::kRaw)) options.format.mode = OutputMode::kRaw;
  options.format.verbose = flags.Has(Flag::kVerbose);
  options.stdin_value = flags.Has(Flag::kStdinValue);
  options.continue_on_error = flags.Has(Flag::kContinueOnError);
  if (options.stdin_value && options.command.empty()) {
    return UsageStatus(
        "-x (--stdin-value) needs a command: stdin becomes its last argument, "
        "as in memdb-cli -x SET key < file");
  }

  if (auto histfile = env("MEMDB_HISTFILE")) {
    options.history_path = *histfile;  // empty: no history file
  } else if (auto home = NonEmptyEnv(env, "HOME")) {
    options.history_path = *home + "/.memdb_history";
  }

  if (Status s = ResolveSecret(flags, env, quick_start_secret_file, &options); !s.ok()) return s;
  return options;
}

std::string UsageText() {
  std::string out =
      "Usage: memdb-cli [OPTIONS] [COMMAND [ARG...]]\n"
      "\n"
      "The memdb shell. With a COMMAND, runs it, prints the result and exits.\n"
      "Without one, runs the commands on stdin (one per line) when stdin is not a\n"
      "terminal, else starts an interactive shell (line editing, history, TAB).\n";
  for (const FlagSpec& f : kFlags) {
    if (!f.section.empty()) out += "\n" + std::string(f.section) + ":\n";
    std::string left = "  ";
    left += f.short_name != 0 ? std::string("-") + f.short_name + ", " : "    ";
    left += "--" + std::string(f.long_name);
    if (!f.value_name.empty()) left += " " + std::string(f.value_name);
    constexpr size_t kColumn = 27;
    std::string_view help = f.help;
    bool first = true;
    while (true) {
      const size_t nl = help.find('\n');
      if (first) {
        out += left;
        out.append(left.size() < kColumn ? kColumn - left.size() : 1, ' ');
        first = false;
      } else {
        out.append(kColumn, ' ');
      }
      out += help.substr(0, nl);
      out += '\n';
      if (nl == std::string_view::npos) break;
      help.remove_prefix(nl + 1);
    }
  }
  out +=
      "\n"
      "Options go before the COMMAND; what follows it are its arguments, as they are.\n"
      "A flag wins over its environment variable. With no secret given,\n./" +
      std::string(kQuickStartSecretFile) +
      " is used if it exists (scripts/run.sh writes it, for key id\n"
      "\"default\"): from the repository root, memdb-cli reaches the quick-start\n"
      "server with no options at all.\n"
      "\n" +
      CommandList() +
      "\n"
      "'memdb-cli help SET' explains one. In the shell and on stdin, quote arguments\n"
      "as \"a b\" (escapes \\n \\t \\\\ \\\" \\xHH) or 'a b' (as is).\n"
      "\n"
      "Environment: MEMDB_HOST, MEMDB_PORT, MEMDB_KEY_ID, MEMDB_SECRET_FILE,\n"
      "MEMDB_SECRET, MEMDB_HISTFILE (the shell's history; default ~/.memdb_history,\n"
      "mode 0600; empty = none).\n"
      "\n"
      "Exit status: 0 success (a GET of a missing key too); 1 the command failed (an\n"
      "error from the server); 2 usage error; 3 cannot connect or authenticate,\n"
      "connection lost, or no reply in time. Commands from stdin: the first failure's.\n"
      "\n"
      "Examples:\n"
      "  memdb-cli SET greeting hello\n"
      "  memdb-cli --json GET greeting\n"
      "  memdb-cli -x SET photo < photo.jpg && memdb-cli --raw GET photo > copy.jpg\n"
      "  memdb-cli --consistency quorum --deadline-ms 200 GET greeting\n"
      "  memdb-cli repair\n"
      "  printf 'SET a 1\\nGET a\\n' | memdb-cli -p 7380 --secret-file app.secret\n"
      "\n"
      "More: docs/cli.md\n";
  return out;
}

std::string VersionText() { return "memdb-cli " MEMDB_VERSION_STRING "\n"; }

std::string DescribeCredentials(const CliOptions& options) {
  std::string out = "authenticating as key id '" + EscapeText(options.client.key_id) + "' ";
  if (options.secret_source.empty()) {
    out +=
        "with no secret: give one with --secret-file, MEMDB_SECRET_FILE or MEMDB_SECRET "
        "(the quick start's is in var/client.secret)";
  } else {
    out += "with the secret from " + options.secret_source;
  }
  return out;
}

}  // namespace memdb::cli
