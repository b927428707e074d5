#include "clients/cli/command_table.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "clients/cli/commands.h"

namespace memdb::cli {
namespace {

// ---- the table ----

constexpr std::array kCommands = {
    CommandSpec{"PING", 0, 0, "PING", "Check that the server answers",
                "Prints PONG when the server answers. With --verbose also the round-trip\n"
                "time and the session clock: the highest hybrid timestamp seen from the\n"
                "server, which every request carries.",
                CmdPing},
    CommandSpec{"GET", 1, 1, "GET key", "Get the value of a key",
                "Prints the value as a quoted string (bytes that are not printable text as\n"
                "\\xHH), or (nil) when the key has no value, which is not an error.\n"
                "With --verbose also the version that wrote it: its hybrid timestamp\n"
                "(milliseconds since the epoch + a logical counter) and the id of the node\n"
                "that stamped it. --raw prints the exact bytes, --json a JSON object.",
                CmdGet},
    CommandSpec{"SET", 2, 2, "SET key value", "Set a key to a value",
                "Stores the value, replacing any older one (the higher version wins).\n"
                "Prints OK; with --verbose also the version the write was stamped with.\n"
                "An empty value (\"\") is a value, not a delete. Type any byte as \\xHH,\n"
                "or store a file with: memdb-cli -x SET key < file",
                CmdSet},
    CommandSpec{"DEL", 1, 1, "DEL key", "Delete a key",
                "Deletes the key's value. Prints (integer) 1 if there was one, (integer) 0\n"
                "if not: deleting a missing key is not an error.",
                CmdDel},
    CommandSpec{"CONTAINS", 1, 1, "CONTAINS key", "Tell whether a key has a value",
                "Prints true if the key has a value, false if not.", CmdContains},
    CommandSpec{"STATS", 0, 0, "STATS", "Show the node's counters",
                "Prints the node's counters, one per line, in the server's order: node_id,\n"
                "clock (its hybrid timestamp), keys, tombstones, store_bytes (the store's\n"
                "memory), requests, request_errors, connections_open, auth_failures, ...\n"
                "docs/protocol.md explains each. --json gives an object of name: value.",
                CmdStats},
    CommandSpec{"COMPACT", 0, 0, "COMPACT", "Compact the node's operation log now",
                "Asks the node to rewrite its operation log down to the live data, and answers\n"
                "at once: started, already_running, queued (after the segment being sealed)\n"
                "or nothing_to_compact. Follow the compaction with STATS (compaction_*).\n"
                "A node that keeps no log (oplog.enabled=false) answers NOT_IMPLEMENTED.",
                CmdCompact},
    CommandSpec{"CLUSTER", 1, 2, "CLUSTER NODES|RING|INFO", "Show the cluster as the node sees it",
                "CLUSTER NODES: every node the answering node knows (marked *): id, address,\n"
                "status (joining, normal, leaving, left, removed), up/down and phi as that\n"
                "node's failure detector sees them, generation, heartbeat, keys held, tokens.\n"
                "CLUSTER RING: the nodes in the ring with their token count and the share\n"
                "of the ring they own, largest first; --tokens lists every token -> node,\n"
                "clockwise. CLUSTER INFO: cluster name, answering node, node and up/down\n"
                "counts, ring version, keys held in total. All take --json and --raw.",
                CmdCluster},
    CommandSpec{"REPAIR", 0, 1, "REPAIR [--no-wait | STATUS]",
                "Repair the node's ranges against their other replicas",
                "Starts an anti-entropy repair on the node (REPAIR): for every range it\n"
                "replicates, it compares hash trees with each other replica and copies the\n"
                "newer entries both ways. Then polls every 0.5 s, showing the ranges done and\n"
                "total, keys pulled and pushed and the time elapsed, until the run ends.\n"
                "If a run is already going, follows that one. --no-wait: start and return.\n"
                "REPAIR STATUS: the current or last run, once. Ctrl-C stops waiting, not the\n"
                "repair. --json prints the final progress as one JSON object.",
                CmdRepair},
    CommandSpec{"CONSISTENCY", 0, 1, "CONSISTENCY [ONE|QUORUM|ALL|DEFAULT]",
                "Show or set the consistency level of key commands",
                "How many of a key's replicas must answer GET and CONTAINS, or acknowledge\n"
                "SET and DEL, for the rest of the session (the shell, or a script's later\n"
                "lines). DEFAULT is the node's setting (replication.read_consistency and\n"
                "write_consistency). Without an argument, prints the current level.\n"
                "Same as the --consistency option. Too few replicas up: UNAVAILABLE (nothing\n"
                "done); the level not reached in time: TIMEOUT (a write may have happened).",
                CmdConsistency},
    CommandSpec{"DEADLINE", 0, 1, "DEADLINE [milliseconds]",
                "Show or set the deadline of key commands",
                "How long the node may take to reach the consistency level before it\n"
                "answers TIMEOUT, for the rest of the session. 0 is the node's setting\n"
                "(replication.request_timeout_ms). Without an argument, prints it. Same as\n"
                "the --deadline-ms option; the CLI waits at least that long plus a second.",
                CmdDeadline},
    CommandSpec{"HELP", 0, 1, "HELP [command]", "List the commands, or explain one",
                "Without an argument lists the commands; HELP GET explains GET.", CmdHelp},
    CommandSpec{"QUIT", 0, 0, "QUIT", "Leave the shell",
                "Leaves the shell (so does Ctrl-D). In a script, stops reading commands.", CmdQuit},
    CommandSpec{"EXIT", 0, 0, "EXIT", "Leave the shell (same as QUIT)",
                "Leaves the shell (so does Ctrl-D). In a script, stops reading commands.", CmdQuit},
};

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string Plural(int n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Second words that TAB completes, after the command named first.
struct Subcommands {
  std::string_view command;
  std::span<const std::string_view> words;
};
constexpr std::array<std::string_view, 3> kClusterSubcommands = {"NODES", "RING", "INFO"};
constexpr std::array<std::string_view, 1> kRepairSubcommands = {"STATUS"};
constexpr std::array<std::string_view, 4> kConsistencyLevels = {"ONE", "QUORUM", "ALL", "DEFAULT"};
constexpr std::array<Subcommands, 3> kSubcommands = {
    Subcommands{"CLUSTER", kClusterSubcommands}, Subcommands{"REPAIR", kRepairSubcommands},
    Subcommands{"CONSISTENCY", kConsistencyLevels}};

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

std::span<const CommandSpec> Commands() { return kCommands; }

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& spec : kCommands) {
    if (EqualsIgnoreCase(spec.name, name)) return &spec;
  }
  return nullptr;
}

Status CheckArity(const CommandSpec& spec, size_t arg_count) {
  const auto n = static_cast<int64_t>(arg_count);
  if (n >= spec.min_args && (spec.max_args < 0 || n <= spec.max_args)) return Status::Ok();
  std::string expected;
  if (spec.min_args == spec.max_args) {
    expected = spec.min_args == 0 ? "no arguments" : Plural(spec.min_args, "argument");
  } else if (spec.max_args < 0) {
    expected = "at least " + Plural(spec.min_args, "argument");
  } else if (spec.min_args == 0) {
    expected = "at most " + Plural(spec.max_args, "argument");
  } else {
    expected = std::to_string(spec.min_args) + " to " + Plural(spec.max_args, "argument");
  }
  return Status(Code::kInvalidArgument, std::string(spec.name) + " takes " + expected + ", got " +
                                            std::to_string(arg_count) +
                                            " (usage: " + std::string(spec.usage) + ")");
}

std::string HelpIndex() {
  size_t width = 0;
  for (const CommandSpec& spec : kCommands) width = std::max(width, spec.usage.size());
  std::string out = "Commands (any case; 'help COMMAND' for details):\n";
  for (const CommandSpec& spec : kCommands) {
    out += "  ";
    out += spec.usage;
    out.append(width - spec.usage.size() + 2, ' ');
    out += spec.summary;
    out += '\n';
  }
  out +=
      "Separate arguments with spaces; quote them as \"a b\" (escapes: \\n \\t \\\\ \\\"\n"
      "\\xHH for any byte) or as 'a b' (taken as is).\n";
  return out;
}

std::string HelpFor(const CommandSpec& spec) {
  std::string out;
  out += spec.usage;
  out += "\n  ";
  out += spec.summary;
  out += ".\n\n";
  // Indent every line of the help text by two spaces.
  std::string_view help = spec.help;
  while (!help.empty()) {
    const size_t nl = help.find('\n');
    out += "  ";
    out += help.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos) break;
    help.remove_prefix(nl + 1);
  }
  return out;
}

Completion CompleteCommandLine(std::string_view before_cursor) {
  Completion completion;
  // Split what is before the cursor into words (completion ignores quoting: command names
  // are never quoted).
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < before_cursor.size()) {
    while (i < before_cursor.size() && IsBlank(before_cursor[i])) ++i;
    const size_t start = i;
    while (i < before_cursor.size() && !IsBlank(before_cursor[i])) ++i;
    if (i > start) words.push_back(before_cursor.substr(start, i - start));
  }
  const bool at_new_word = before_cursor.empty() || IsBlank(before_cursor.back());
  std::string_view prefix;
  size_t word_index;
  if (at_new_word) {
    word_index = words.size();
  } else {
    word_index = words.size() - 1;
    prefix = words.back();
  }
  const bool completes_name =
      word_index == 0 || (word_index == 1 && EqualsIgnoreCase(words[0], "help"));
  const Subcommands* sub = nullptr;
  if (word_index == 1) {
    for (const Subcommands& candidate : kSubcommands) {
      if (EqualsIgnoreCase(words[0], candidate.command)) sub = &candidate;
    }
  }
  if (!completes_name && sub == nullptr) return completion;
  std::vector<std::string_view> names;
  if (sub != nullptr) {
    names.assign(sub->words.begin(), sub->words.end());
  } else {
    for (const CommandSpec& spec : kCommands) names.push_back(spec.name);
  }

  const bool lower = !prefix.empty() && std::none_of(prefix.begin(), prefix.end(), [](char c) {
    return std::isupper(static_cast<unsigned char>(c));
  });
  std::vector<std::string> matches;
  for (std::string_view candidate : names) {
    if (!StartsWithIgnoreCase(candidate, prefix)) continue;
    std::string name(candidate);
    if (lower) {
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    matches.push_back(std::move(name));
  }
  if (matches.empty()) return completion;
  if (matches.size() == 1) {
    completion.insert = matches[0].substr(prefix.size()) + " ";
    return completion;
  }
  // Several matches: insert their common prefix, and list them.
  size_t common = matches[0].size();
  for (const std::string& m : matches) {
    size_t k = 0;
    while (k < common && k < m.size() && m[k] == matches[0][k]) ++k;
    common = k;
  }
  if (common > prefix.size())
    completion.insert = matches[0].substr(prefix.size(), common - prefix.size());
  completion.candidates = std::move(matches);
  return completion;
}

}  // namespace memdb::cli
