// RunReport — what a benchmark run measured, and its two renderings: a text table for people
// and one JSON object for scripts (field names are stable; bench/README.md documents them).
//
// Threading: plain values and pure functions.
#ifndef MEMDB_BENCH_REPORT_H_
#define MEMDB_BENCH_REPORT_H_

#include <array>
#include <string>

#include "memdb_bench/options.h"
#include "memdb_bench/worker.h"

namespace memdb::bench {

struct RunReport {
  Options options;                                   // the configuration (the secret is cleared)
  uint32_t key_size = 0;                             // actual key length in bytes
  double duration_s = 0;                             // from the start signal to the last reply
  std::array<CommandStats, kCommandCount> commands;  // by Command
  CommandStats total;                                // all commands merged
  std::string first_error;                           // first error reply, "" if none
  bool interrupted = false;                          // stopped early by SIGINT
};

// The human-readable report: a header line, then requests / errors / ops/s and latency
// percentiles in microseconds per command and in total. Ends with '\n'.
std::string FormatText(const RunReport& report);

// One JSON object on one line, ending with '\n'. Schema in bench/README.md.
std::string FormatJson(const RunReport& report);

// `s` as a JSON string literal, quotes included (control characters and non-ASCII bytes
// escaped as \u00XX so any byte string gives valid JSON).
std::string JsonString(std::string_view s);

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_REPORT_H_
