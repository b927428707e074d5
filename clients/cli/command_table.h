// The command table: one row per memdb-cli command — name, arity, usage, summary, help text
// and handler. It drives the parser (FindCommand + CheckArity), `help` and `help CMD`, and
// tab completion. Adding a command is adding a row (command_table.cc) and a handler
// (commands.h).
//
// Pure: the functions here do no I/O.
#ifndef MEMDB_CLIENTS_CLI_COMMAND_TABLE_H_
#define MEMDB_CLIENTS_CLI_COMMAND_TABLE_H_

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clients/cli/progress.h"
#include "clients/cli/reply.h"
#include "memdb/request_options.h"
#include "memdb/status.h"

namespace memdb::cli {

class Backend;

// Waits `duration` between the polls of a long-running command (REPAIR); false when the user
// interrupted (Ctrl-C): the command stops waiting.
using WaitFn = std::function<bool(std::chrono::milliseconds duration)>;

// What a handler may use. The runner keeps one for the whole session (a script, the shell), so
// what a handler changes here (CONSISTENCY, DEADLINE) applies to the commands after it.
struct CommandContext {
  Backend* backend = nullptr;  // not owned
  // The consistency level and deadline of GET / SET / DEL / CONTAINS: --consistency and
  // --deadline-ms, then the CONSISTENCY and DEADLINE commands.
  RequestOptions request;
  // Where long-running commands show progress; null: the runner's (progress.h). Not owned.
  ProgressSink* progress = nullptr;
  // null: sleeps, never interrupted.
  WaitFn wait;
};

// Runs a command whose arity has been checked: args are the arguments after the name.
using CommandHandler = Reply (*)(CommandContext& context, std::span<const std::string> args);

struct CommandSpec {
  std::string_view name;     // upper case; matched case-insensitively
  int min_args;              // arguments after the name
  int max_args;              // -1: no upper bound
  std::string_view usage;    // "SET key value"
  std::string_view summary;  // one line, for the `help` list
  std::string_view help;     // paragraphs for `help CMD`, lines under 100 columns
  CommandHandler handler;
};

// Every command, in the order `help` lists them.
std::span<const CommandSpec> Commands();

// The command called `name` (any case), or nullptr.
const CommandSpec* FindCommand(std::string_view name);

// OK when `arg_count` arguments fit the command, else kInvalidArgument with a message that
// shows the usage ("GET takes 1 argument, got 2 (usage: GET key)").
Status CheckArity(const CommandSpec& spec, size_t arg_count);

// `help`: every command with its usage and summary, and how to type arguments.
std::string HelpIndex();
// `help CMD`: usage, summary and help text.
std::string HelpFor(const CommandSpec& spec);

// True when `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Tab completion of command names, given the line up to the cursor. Completes the first word,
// the word after HELP, the subcommand after CLUSTER (NODES, RING, INFO) and REPAIR (STATUS),
// and the level after CONSISTENCY (ONE, QUORUM, ALL, DEFAULT). The inserted
// text follows the case of what was typed (lower case if the typed prefix is all lower case,
// else upper case); a unique match gets a trailing space. `insert` is what to add at the
// cursor (maybe nothing); `candidates` lists the matches when there is more than one (in table
// order), for the shell to show.
struct Completion {
  std::string insert;
  std::vector<std::string> candidates;
};
Completion CompleteCommandLine(std::string_view before_cursor);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_COMMAND_TABLE_H_
