// The REPAIR reports of memdb-cli: a RepairProgress (the REPAIR reply of the node the CLI is
// connected to) as a one-line progress summary, and as the reply of `repair`, `repair
// --no-wait` and `repair status` for people, for --raw and for --json.
//
//   progress line  repair run 3 running: 12/40 ranges (30.0%), 1 failed, 152 keys pulled,
//                  87 pushed, 1.0 MiB, 3.5 s
//   human reply    the same line with the final state (started, running, done), then
//                  "last error: ..." when the node reported one; "no repair has run on this
//                  node" before the first run
//   --raw          name<TAB>value, one field per line (as STATS)
//   --json         "repair": {"running": false, "started_now": true, "run_id": 3, ...}
//
// "ranges" are the (range, peer) pairs the run compares; the percentage is done / total
// (100% when a finished run had nothing to compare).
//
// Pure: builds strings and Replies; nothing here does I/O.
#ifndef MEMDB_CLIENTS_CLI_REPAIR_REPORT_H_
#define MEMDB_CLIENTS_CLI_REPAIR_REPORT_H_

#include <string>

#include "clients/cli/reply.h"
#include "memdb/repair_progress.h"

namespace memdb::cli {

// The one-line summary, without a newline.
std::string RepairProgressLine(const RepairProgress& progress);

// {"running":false,"started_now":true,"run_id":3,...,"last_error":""}
std::string RepairProgressJson(const RepairProgress& progress);

// The reply showing `progress` in all three output modes.
Reply RepairReport(const RepairProgress& progress);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_REPAIR_REPORT_H_
