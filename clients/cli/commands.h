// The handlers of the command table (command_table.cc): each does its operation through the
// CommandContext's Backend and returns a Reply. They never print and never see the output
// mode (that is output.h's business), and they trust the table's arity check.
#ifndef MEMDB_CLIENTS_CLI_COMMANDS_H_
#define MEMDB_CLIENTS_CLI_COMMANDS_H_

#include <chrono>
#include <span>
#include <string>

#include "clients/cli/command_table.h"
#include "clients/cli/reply.h"

namespace memdb::cli {

// ---- server operations ----
Reply CmdPing(CommandContext& context, std::span<const std::string> args);
Reply CmdGet(CommandContext& context, std::span<const std::string> args);
Reply CmdSet(CommandContext& context, std::span<const std::string> args);
Reply CmdDel(CommandContext& context, std::span<const std::string> args);
Reply CmdContains(CommandContext& context, std::span<const std::string> args);
Reply CmdStats(CommandContext& context, std::span<const std::string> args);
Reply CmdCompact(CommandContext& context, std::span<const std::string> args);
// CLUSTER NODES | RING [--tokens] | INFO (cluster_report.h).
Reply CmdCluster(CommandContext& context, std::span<const std::string> args);
// REPAIR: start and follow to the end (progress through context.progress, polls every
// kRepairPollInterval); REPAIR --no-wait: start only; REPAIR STATUS: report once.
Reply CmdRepair(CommandContext& context, std::span<const std::string> args);
inline constexpr std::chrono::milliseconds kRepairPollInterval{500};

// ---- session settings (context.request) ----
Reply CmdConsistency(CommandContext& context, std::span<const std::string> args);
Reply CmdDeadline(CommandContext& context, std::span<const std::string> args);

// ---- local to the CLI ----
Reply CmdHelp(CommandContext& context, std::span<const std::string> args);
Reply CmdQuit(CommandContext& context, std::span<const std::string> args);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_COMMANDS_H_
