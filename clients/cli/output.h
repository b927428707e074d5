// Output formatting: a Reply (reply.h) as text for people, as JSON for scripts, or raw.
//
// Human (the default, in the spirit of redis-cli):
//   "value"                 a value, quoted, non-printable bytes as \xHH (see QuoteBytes)
//   (nil)                   no value
//   OK / PONG               a status word
//   (integer) 1             a count
//   true / false            a yes/no answer
//   (error) CODE: message   a failure
//   name   value            counters (STATS), one per line; the clock also as a date
//   tables                  CLUSTER NODES / RING / INFO (cluster_report.h renders them)
//   --verbose adds the version after values and OK, and timing after PONG:
//   "v" (version 112589990684262405 = 2024-06-01 12:34:56.789 UTC +5, node 42)
//
// JSON (--json): one object per command, on one line (JSON Lines). Always valid JSON whatever
// the bytes: a value that is valid UTF-8 is "value": "<text>", any other value is
// "value_base64": "<base64>" instead. Versions are objects whose 64-bit "timestamp" is a
// decimal string (exact in every JSON parser) next to its "millis" and "logical" parts.
// STATS is "stats": {"name": value, ...}, a value above 2^53-1 (the clock) as a decimal
// string for the same reason.
//   {"ok":true,"command":"GET","found":true,"value":"v","version":{...}}
//   {"ok":false,"command":"SET","error":{"code":"KEY_TOO_LARGE","message":"..."}}
//
// Raw (--raw): values as their exact bytes; (nil) as nothing; other replies as their bare
// word or number, STATS as "name<TAB>value" lines; errors go to stderr, so stdout holds only
// data.
//
// Pure: builds strings; the runner writes them.
#ifndef MEMDB_CLIENTS_CLI_OUTPUT_H_
#define MEMDB_CLIENTS_CLI_OUTPUT_H_

#include <string>

#include "clients/cli/reply.h"
#include "memdb/version.h"

namespace memdb::cli {

enum class OutputMode { kHuman, kJson, kRaw };

struct FormatOptions {
  OutputMode mode = OutputMode::kHuman;
  // Human: versions after values and OK, timing after PONG.
  bool verbose = false;
  // Human: show UTF-8 text as is (the terminal speaks UTF-8); else escape every non-ASCII byte.
  bool utf8 = false;
  // Raw: end a value (or a nil) with a newline. Off in one-shot mode, so that
  // `memdb-cli --raw GET k > file` writes exactly the stored bytes.
  bool raw_value_newline = true;
};

// What to write for one reply: `out` to stdout, `err` to stderr (either may be empty).
struct Rendered {
  std::string out;
  std::string err;
};

Rendered RenderReply(const Reply& reply, const FormatOptions& options);

// "112589990684262405 = 2024-06-01 12:34:56.789 UTC +5, node 42"
std::string DescribeVersion(const Version& version);
// A hybrid timestamp for people: "2024-06-01 12:34:56.789 UTC +5" (the +N is the logical part).
std::string DescribeTimestamp(Timestamp timestamp);

// {"timestamp":"112589990684262405","millis":1717245296789,"logical":5,"node_id":42}
std::string VersionJson(const Version& version);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_OUTPUT_H_
