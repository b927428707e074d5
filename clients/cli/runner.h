// Runner — runs memdb-cli commands and writes their replies, for the three ways of using the
// CLI: one-shot (`memdb-cli SET k v`), a script on stdin, and the shell (one line at a time).
//
// A command is looked up in the command table, its arity checked, its handler run
// (commands.h); the reply is rendered (output.h) and written: human and JSON output to `out`
// (errors included, so there is one record per command), raw output's errors to `err`.
// Hints for people (which credentials were used after an authentication failure, whether the
// server runs after a refused connection) go to `err`, once each. Progress of long-running
// commands (REPAIR) goes to `out` in human mode, to `err` with --json and --raw (progress.h).
//
// Session: the CommandContext lives as long as the runner, so what a command changes in it
// (CONSISTENCY, DEADLINE) holds for the commands after it.
//
// Threading: one thread. `out` and `err` are flushed after every command.
#ifndef MEMDB_CLIENTS_CLI_RUNNER_H_
#define MEMDB_CLIENTS_CLI_RUNNER_H_

#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "clients/cli/command_table.h"
#include "clients/cli/output.h"
#include "clients/cli/progress.h"
#include "clients/cli/reply.h"

namespace memdb::cli {

struct RunnerOptions {
  FormatOptions format;
  // Scripts: run every line even after a failure.
  bool continue_on_error = false;
  // Shown after an authentication failure (options.h DescribeCredentials); "" = nothing.
  std::string credentials;
  // "host:port", for the hint after a refused connection.
  std::string address;
  // Whether `out` / `err` are terminals: progress lines (REPAIR) rewrite themselves there,
  // elsewhere each update is a line of its own (progress.h).
  bool out_is_terminal = false;
  bool err_is_terminal = false;
};

class Runner {
 public:
  Runner(CommandContext context, RunnerOptions options, std::ostream& out, std::ostream& err);

  // Looks `words` up and runs it (nothing is written). No words: Reply::None().
  Reply Execute(const std::vector<std::string>& words);

  // Execute, then write the reply and any hint.
  Reply Run(const std::vector<std::string>& words);

  // Tokenizes `line` (tokenizer.h) and runs it. A blank line, or one whose first non-blank
  // character is '#', is not a command: Reply::None(), nothing written.
  Reply RunLine(std::string_view line);

  // One-shot mode: runs the command given on the command line; returns the exit code.
  int RunOneShot(const std::vector<std::string>& words);

  // Script mode: runs each line of `in` (a trailing CR is dropped) until QUIT or the end.
  // Stops at the first failed command unless continue_on_error, saying so on `err` with the
  // line number. Returns the exit code of the first failure, 0 when none failed.
  int RunScript(std::istream& in);

  // Writes a reply (and any hint) as Run does.
  void Write(const Reply& reply);

  const RunnerOptions& options() const { return options_; }
  // The session's context (its request options as the commands left them).
  const CommandContext& context() const { return context_; }

 private:
  CommandContext context_;
  RunnerOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  StreamProgress progress_;  // used when context_.progress is null
  bool credentials_hint_shown_ = false;
  bool connect_hint_shown_ = false;
};

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_RUNNER_H_
