// memdb-check-log — verify, dump and repair an operation log directory (like redis-check-aof).
//
//   memdb-check-log DIR                     verify; exit 0 clean, 1 damaged, 2 unreadable
//   memdb-check-log --dump [--show-values] DIR
//   memdb-check-log --fix [--yes] [--truncate-at-first-error] DIR
//
// The logic is in src/oplog/check_log.h; this file parses flags and talks to the terminal.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "io/posix_file_system.h"
#include "oplog/check_log.h"

namespace {

bool Confirm(const std::string& question) {
  std::cout << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"memdb-check-log: verify, dump and repair a memdb operation log directory"};
  std::string dir;
  bool dump = false;
  bool show_values = false;
  bool fix = false;
  bool yes = false;
  bool truncate_at_first_error = false;
  app.add_option("dir", dir, "the operation log directory (oplog.dir)")->required();
  app.add_flag("--dump", dump, "print every record (keys escaped; values only with --show-values)");
  app.add_flag("--show-values", show_values, "with --dump: print values too (escaped, cut)");
  app.add_flag("--fix", fix, "repair: truncate a torn tail (asks first unless --yes)");
  app.add_flag("--yes,-y", yes, "with --fix: do not ask for confirmation");
  app.add_flag("--truncate-at-first-error", truncate_at_first_error,
               "with --fix: also cut mid-log damage, dropping everything after it");
  CLI11_PARSE(app, argc, argv);

  memdb::PosixFileSystem fs;
  const auto print = [](std::string_view line) { std::cout << line << '\n'; };
  memdb::oplog::CheckOptions options;
  options.dir = dir;
  options.dump = dump;
  options.show_values = show_values;
  memdb::oplog::CheckReport report = memdb::oplog::CheckLog(&fs, options, print);
  std::cout << std::flush;
  if (!fix || report.verdict == memdb::oplog::CheckVerdict::kClean) {
    return memdb::oplog::ExitCodeFor(report.verdict);
  }

  memdb::oplog::FixOptions fix_options;
  fix_options.truncate_at_first_error = truncate_at_first_error;
  auto plan = memdb::oplog::PlanFix(report, fix_options);
  if (!plan.ok()) {
    std::cerr << "memdb-check-log: not fixing: " << plan.status().message() << '\n';
    return memdb::oplog::ExitCodeFor(report.verdict);
  }
  std::cout << "--fix will:\n";
  for (const std::string& line : *plan) std::cout << "  " << line << '\n';
  if (!yes && !Confirm("Proceed? Make a copy of the directory first if in doubt.")) {
    std::cout << "nothing changed\n";
    return memdb::oplog::ExitCodeFor(report.verdict);
  }
  if (memdb::Status s = memdb::oplog::FixLog(&fs, dir, report, fix_options, print); !s.ok()) {
    std::cerr << "memdb-check-log: fix failed: " << s.ToString() << '\n';
    return 2;
  }
  std::cout << "re-checking:\n";
  options.dump = false;
  report = memdb::oplog::CheckLog(&fs, options, print);
  return memdb::oplog::ExitCodeFor(report.verdict);
}
