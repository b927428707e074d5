// Driver — runs a benchmark: starts one Worker per thread, lets them all connect, starts the
// clock once every connection is ready, prints the progress line, and merges the results.
//
// Threading: RunBenchmark is called from main; it owns the worker threads and joins them all
// before returning. `control` may be poked from a signal handler (stop_issuing).
#ifndef MEMDB_BENCH_DRIVER_H_
#define MEMDB_BENCH_DRIVER_H_

#include <cstdio>

#include "memdb/result.h"
#include "memdb_bench/options.h"
#include "memdb_bench/report.h"
#include "memdb_bench/worker.h"

namespace memdb::bench {

// Runs the load described by `options`. The progress line goes to `progress` (nullptr: none),
// refreshed once a second with '\r' and erased at the end.
// Errors: the first worker failure (kConnectionFailed, kAuthFailed, kIoError,
// kInvalidArgument); the other workers are stopped at once and their results dropped.
Result<RunReport> RunBenchmark(const Options& options, RunControl* control, std::FILE* progress);

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_DRIVER_H_
