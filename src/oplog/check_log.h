// The logic of memdb-check-log (src/oplog/tools/check_log_main.cc only parses flags): verify a
// log directory, dump its records, and repair it.
//
// Verification reads every segment in skip mode without changing anything, so it reports every
// damaged region, not just the first. Verdicts:
//   kClean       nothing wrong (leftover files of an interrupted compaction are only noted)
//   kTornTail    only a torn tail: memdb truncates it at start-up, --fix does it now
//   kCorrupt     damage memdb refuses to start with in strict mode
//   kUnreadable  the directory cannot be read as a log (no or damaged MANIFEST, I/O error)
//
// Fixing:
//   kTornTail    truncate the tail (exactly what start-up does).
//   kCorrupt     refused, unless truncate_at_first_error: then the plain segment holding the
//                first damage is cut there and every later tail segment removed — everything
//                after the damage is lost. Damage inside the manifest's (compressed) segments
//                cannot be cut: start memdb with oplog.recovery_mode: skip_corrupt instead.
#ifndef MEMDB_OPLOG_CHECK_LOG_H_
#define MEMDB_OPLOG_CHECK_LOG_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_system.h"
#include "memdb/status.h"
#include "oplog/recovery.h"

namespace memdb::oplog {

using LineSink = std::function<void(std::string_view line)>;

struct CheckOptions {
  std::string dir;
  bool dump = false;         // one line per record
  bool show_values = false;  // dump values too (escaped, long ones cut)
};

enum class CheckVerdict { kClean, kTornTail, kCorrupt, kUnreadable };
const char* CheckVerdictName(CheckVerdict verdict);

struct CheckReport {
  CheckVerdict verdict = CheckVerdict::kClean;
  Status error;                               // kUnreadable: why
  RecoveryReport scan;                        // what a skip-mode replay saw
  std::optional<DamagedRegion> first_damage;  // kCorrupt: the earliest, in replay order
};

// Verifies (and dumps, if asked) the log in options.dir; every output line goes to `out`,
// ending with a summary.
CheckReport CheckLog(FileSystem* fs, const CheckOptions& options, const LineSink& out);

// Process exit code for a verdict: 0 clean, 1 damaged, 2 unreadable.
int ExitCodeFor(CheckVerdict verdict);

struct FixOptions {
  bool truncate_at_first_error = false;
};

// What FixLog would do, one line per action (empty: nothing to fix). A refusal (mid-log damage
// without truncate_at_first_error, damage that cannot be cut, an unreadable log) is a
// kInvalidArgument Status saying why and what to do instead.
Result<std::vector<std::string>> PlanFix(const CheckReport& report, const FixOptions& options);

// Carries out PlanFix's actions. Re-run CheckLog afterwards to confirm.
Status FixLog(FileSystem* fs, const std::string& dir, const CheckReport& report,
              const FixOptions& options, const LineSink& out);

// Printable form of arbitrary bytes: printable ASCII as is (\" and \\ escaped), the rest as
// \xNN; cut after `max_bytes` with a note of how many more there were.
std::string EscapeBytes(std::string_view bytes, size_t max_bytes = 256);

}  // namespace memdb::oplog

#endif  // MEMDB_OPLOG_CHECK_LOG_H_
