// Reply — what running one memdb-cli command produced, before it is formatted (output.h).
//
// Commands (commands.h) build Replies; they never print. The runner (runner.h) turns a
// Reply into text for the chosen output mode and into the process exit code.
#ifndef MEMDB_CLIENTS_CLI_REPLY_H_
#define MEMDB_CLIENTS_CLI_REPLY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb::cli {

// memdb-cli's exit codes (documented in docs/cli.md and --help).
enum ExitCode : int {
  kExitOk = 0,
  kExitCommandError = 1,  // the server (or the client library) failed the command
  kExitUsage = 2,         // bad option, unknown command, wrong arguments, unparsable line
  kExitConnection = 3,    // cannot connect or authenticate, connection lost, no reply in time
};

// A failed command: a stable upper-snake code ("KEY_TOO_LARGE", "USAGE"), a message for
// people, and the exit code it maps to.
struct CliError {
  std::string code;
  std::string message;
  ExitCode exit_code = kExitCommandError;
};

// An error from the client library or the server: the code's name (memdb::CodeName) and the
// message as given. Failures to reach, authenticate to, or hear back from the server map to
// kExitConnection; everything else to kExitCommandError.
CliError ErrorFromStatus(const Status& status);

// A mistake in what was typed: code "USAGE", kExitUsage.
CliError UsageError(std::string message);

struct Reply {
  enum class Kind {
    kNone,     // nothing to print (QUIT, blank line)
    kWord,     // a status word: OK, PONG
    kNil,      // no value: GET of a missing key
    kValue,    // bytes, with the version that wrote them
    kInteger,  // (integer) N
    kBool,     // true / false
    kStats,    // named counters (STATS)
    kText,     // text for people (HELP), printed as is
    kReport,   // pre-rendered in all three modes (CLUSTER ...): text, raw, json_members
    kError,
  };

  static Reply None();
  static Reply Word(std::string word);
  static Reply Nil();
  static Reply Value(std::string bytes, Version version);
  // `field` names the number or flag in JSON output ("deleted", "present").
  static Reply Integer(std::string field, int64_t value);
  static Reply Bool(std::string field, bool value);
  static Reply Stats(std::vector<std::pair<std::string, uint64_t>> stats);
  static Reply Text(std::string text);
  // `human` for people, `raw` for --raw, and `json_members` — the members to add to the JSON
  // object after "ok" and "command", without the surrounding braces ("\"nodes\":[...]").
  static Reply Report(std::string human, std::string raw, std::string json_members);
  static Reply Error(CliError error);

  ExitCode exit_code() const { return kind == Kind::kError ? error.exit_code : kExitOk; }
  bool ok() const { return kind != Kind::kError; }

  Kind kind = Kind::kNone;
  // The command's name as shown to users (upper case), or the word typed when it is not a
  // command. Set by the runner.
  std::string command;
  std::string text;          // kWord: the word; kValue: the bytes; kText, kReport: the text
  std::string raw;           // kReport: the --raw output
  std::string json_members;  // kReport: JSON members, e.g. "a":1,"b":[2]
  std::string field;
  int64_t integer = 0;
  bool boolean = false;
  std::vector<std::pair<std::string, uint64_t>> stats;  // kStats, in the server's order
  std::optional<Version> version;                       // kValue (GET), kWord (SET)
  std::optional<double> latency_ms;                     // PING: round-trip time
  std::optional<Timestamp> session_clock;               // PING: the session clock after the reply
  CliError error;                                       // kError
  bool quit = false;                                    // QUIT / EXIT: read no more commands
};

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_REPLY_H_
