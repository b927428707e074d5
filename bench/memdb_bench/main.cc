// memdb-bench — load generator for memdb and, with --protocol resp, for Redis, with the same
// client code for both. See bench/README.md.
//
//   memdb-bench --key-id bench --secret-file bench.secret -c 50 -P 16 -n 1000000 --ratio 1:1
//   memdb-bench --protocol resp -p 6379 -c 50 -P 16 -n 1000000 --ratio 1:1 --json
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "memdb_bench/driver.h"
#include "memdb_bench/options.h"
#include "memdb_bench/report.h"

namespace {

memdb::bench::RunControl* g_control = nullptr;

// First SIGINT/SIGTERM: stop sending, collect the replies in flight, report. Second: quit.
void OnSignal(int) {
  if (g_control->stop_issuing.exchange(true)) _exit(130);
}

}  // namespace

int main(int argc, char** argv) {
  memdb::bench::EnvMap env;
  if (const char* secret = std::getenv("MEMDB_SECRET")) env["MEMDB_SECRET"] = secret;
  auto cli = memdb::bench::ParseCommandLine(argc, argv, env);
  if (!cli.ok()) {
    std::fprintf(stderr, "memdb-bench: %s\n", cli.status().message().c_str());
    return 2;
  }
  if (cli->action == memdb::bench::CommandLine::Action::kExit) {
    std::fputs(cli->output.c_str(), stdout);
    return cli->exit_code;
  }
  const memdb::bench::Options& options = cli->options;

  memdb::bench::RunControl control;
  g_control = &control;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  std::FILE* progress = (!options.quiet && ::isatty(STDERR_FILENO)) ? stderr : nullptr;
  auto report = memdb::bench::RunBenchmark(options, &control, progress);
  if (!report.ok()) {
    std::fprintf(stderr, "memdb-bench: %s\n", report.status().message().c_str());
    return 1;
  }
  const std::string text =
      options.json ? memdb::bench::FormatJson(*report) : memdb::bench::FormatText(*report);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  return report->total.errors > 0 ? 3 : 0;
}
