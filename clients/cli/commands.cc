#include "clients/cli/commands.h"

#include <chrono>
#include <thread>
#include <utility>

#include "clients/cli/backend.h"
#include "clients/cli/cluster_report.h"
#include "clients/cli/repair_report.h"
#include "clients/cli/request_settings.h"

namespace memdb::cli {

Reply CmdPing(CommandContext& context, std::span<const std::string> /*args*/) {
  // Connect first, so that the time shown is the round trip alone.
  if (Status s = context.backend->Connect(); !s.ok()) return Reply::Error(ErrorFromStatus(s));
  const auto start = std::chrono::steady_clock::now();
  Status s = context.backend->Ping();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  if (!s.ok()) return Reply::Error(ErrorFromStatus(s));
  Reply reply = Reply::Word("PONG");
  reply.latency_ms = std::chrono::duration<double, std::milli>(elapsed).count();
  reply.session_clock = context.backend->SessionClock();
  return reply;
}

Reply CmdGet(CommandContext& context, std::span<const std::string> args) {
  Result<std::optional<VersionedValue>> got = context.backend->Get(args[0], context.request);
  if (!got.ok()) return Reply::Error(ErrorFromStatus(got.status()));
  if (!got->has_value()) return Reply::Nil();
  return Reply::Value(std::move((*got)->value), (*got)->version);
}

Reply CmdSet(CommandContext& context, std::span<const std::string> args) {
  Result<Version> set = context.backend->Set(args[0], args[1], context.request);
  if (!set.ok()) return Reply::Error(ErrorFromStatus(set.status()));
  Reply reply = Reply::Word("OK");
  reply.version = *set;
  return reply;
}

Reply CmdDel(CommandContext& context, std::span<const std::string> args) {
  Result<bool> existed = context.backend->Del(args[0], context.request);
  if (!existed.ok()) return Reply::Error(ErrorFromStatus(existed.status()));
  return Reply::Integer("deleted", *existed ? 1 : 0);
}

Reply CmdContains(CommandContext& context, std::span<const std::string> args) {
  Result<bool> present = context.backend->Contains(args[0], context.request);
  if (!present.ok()) return Reply::Error(ErrorFromStatus(present.status()));
  return Reply::Bool("present", *present);
}

Reply CmdStats(CommandContext& context, std::span<const std::string> /*args*/) {
  Result<StatList> stats = context.backend->Stats();
  if (!stats.ok()) return Reply::Error(ErrorFromStatus(stats.status()));
  return Reply::Stats(std::move(stats).value());
}

Reply CmdCompact(CommandContext& context, std::span<const std::string> /*args*/) {
  Result<CompactOutcome> outcome = context.backend->Compact();
  if (!outcome.ok()) return Reply::Error(ErrorFromStatus(outcome.status()));
  // "started", "already_running", "queued", "nothing_to_compact"
  return Reply::Word(CompactOutcomeName(*outcome));
}

Reply CmdCluster(CommandContext& context, std::span<const std::string> args) {
  const std::string_view sub = args[0];
  const bool tokens = args.size() == 2 && args[1] == "--tokens";
  enum class Which { kNodes, kRing, kInfo } which;
  if (EqualsIgnoreCase(sub, "nodes")) {
    which = Which::kNodes;
  } else if (EqualsIgnoreCase(sub, "ring")) {
    which = Which::kRing;
  } else if (EqualsIgnoreCase(sub, "info")) {
    which = Which::kInfo;
  } else {
    return Reply::Error(UsageError("unknown CLUSTER subcommand '" + args[0] +
                                   "' (usage: CLUSTER NODES | RING [--tokens] | INFO)"));
  }
  if (args.size() == 2 && !(which == Which::kRing && tokens)) {
    return Reply::Error(UsageError("unexpected argument '" + args[1] +
                                   "' (usage: CLUSTER NODES | RING [--tokens] | INFO)"));
  }
  Result<ClusterView> view = context.backend->ClusterInfo();
  if (!view.ok()) return Reply::Error(ErrorFromStatus(view.status()));
  switch (which) {
    case Which::kNodes:
      return ClusterNodesReport(*view);
    case Which::kRing:
      return ClusterRingReport(*view, tokens);
    case Which::kInfo:
      return ClusterInfoReport(*view);
  }
  return Reply::None();
}

Reply CmdRepair(CommandContext& context, std::span<const std::string> args) {
  constexpr std::string_view kUsage = " (usage: REPAIR [--no-wait | STATUS])";
  enum class Mode { kFollow, kNoWait, kStatus } mode = Mode::kFollow;
  if (!args.empty()) {
    if (args[0] == "--no-wait") {
      mode = Mode::kNoWait;
    } else if (EqualsIgnoreCase(args[0], "status")) {
      mode = Mode::kStatus;
    } else {
      return Reply::Error(
          UsageError("unknown REPAIR argument '" + args[0] + "'" + std::string(kUsage)));
    }
  }
  Result<RepairProgress> progress =
      context.backend->Repair(mode == Mode::kStatus ? RepairAction::kStatus : RepairAction::kStart);
  if (!progress.ok()) return Reply::Error(ErrorFromStatus(progress.status()));
  if (mode != Mode::kFollow) return RepairReport(*progress);

  // Follow the run this request started (or found running) until it ends. A later run (the
  // periodic one) has another run_id: ours ended before it began.
  const uint64_t run_id = progress->run_id;
  const bool started_now = progress->started_now;
  ProgressSink* sink = context.progress;
  while (progress->running && progress->run_id == run_id) {
    if (sink != nullptr) sink->Update(RepairProgressLine(*progress));
    const bool waited = context.wait ? context.wait(kRepairPollInterval)
                                     : (std::this_thread::sleep_for(kRepairPollInterval), true);
    if (!waited) {
      if (sink != nullptr) sink->Done();
      return Reply::Error(CliError{"INTERRUPTED",
                                   "stopped waiting; repair run " + std::to_string(run_id) +
                                       " goes on at the node ('repair status' shows it)",
                                   kExitCommandError});
    }
    Result<RepairProgress> next = context.backend->Repair(RepairAction::kStatus);
    if (!next.ok()) {
      if (sink != nullptr) sink->Done();
      return Reply::Error(ErrorFromStatus(next.status()));
    }
    progress = std::move(next);
  }
  if (sink != nullptr) sink->Done();
  progress->started_now = started_now;  // the final report says whether this command started it
  return RepairReport(*progress);
}

Reply CmdConsistency(CommandContext& context, std::span<const std::string> args) {
  if (args.empty()) {
    const Consistency level = context.request.consistency;
    return Reply::Report(DescribeConsistency(level) + "\n",
                         std::string(ConsistencyName(level)) + "\n",
                         "\"consistency\":\"" + std::string(ConsistencyName(level)) + "\"");
  }
  Result<Consistency> level = ParseConsistencyLevel(args[0], "CONSISTENCY");
  if (!level.ok()) return Reply::Error(UsageError(level.status().message()));
  context.request.consistency = *level;
  return Reply::Word("OK");
}

Reply CmdDeadline(CommandContext& context, std::span<const std::string> args) {
  if (args.empty()) {
    const int64_t ms = context.request.deadline.count();
    return Reply::Report(DescribeDeadline(context.request.deadline) + "\n",
                         std::to_string(ms) + "\n", "\"deadline_ms\":" + std::to_string(ms));
  }
  Result<std::chrono::milliseconds> deadline = ParseDeadlineMs(args[0], "DEADLINE");
  if (!deadline.ok()) return Reply::Error(UsageError(deadline.status().message()));
  context.request.deadline = *deadline;
  return Reply::Word("OK");
}

Reply CmdHelp(CommandContext& /*context*/, std::span<const std::string> args) {
  if (args.empty()) return Reply::Text(HelpIndex());
  const CommandSpec* spec = FindCommand(args[0]);
  if (spec == nullptr) {
    return Reply::Error(UsageError("no command named '" + args[0] + "' (type 'help' for a list)"));
  }
  return Reply::Text(HelpFor(*spec));
}

Reply CmdQuit(CommandContext& /*context*/, std::span<const std::string> /*args*/) {
  Reply reply = Reply::None();
  reply.quit = true;
  return reply;
}

}  // namespace memdb::cli
