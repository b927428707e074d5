// memdb-bench command line: flags -> Options, validated. bench/README.md documents the flags.
//
// Secrets: the memdb secret (and the Redis password with --auth) comes from --secret-file
// (trailing newlines stripped) or the MEMDB_SECRET environment variable — never from a flag
// value, where `ps` would show it. Secrets never appear in messages or reports.
//
// Threading: none; called once from main.
#ifndef MEMDB_BENCH_OPTIONS_H_
#define MEMDB_BENCH_OPTIONS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "memdb/consistency.h"
#include "memdb/result.h"
#include "memdb_bench/workload.h"

namespace memdb::bench {

enum class ProtocolKind : uint8_t { kMemdb, kResp };
inline constexpr const char* ProtocolName(ProtocolKind p) {
  return p == ProtocolKind::kMemdb ? "memdb" : "resp";
}

struct Options {
  // Connection.
  ProtocolKind protocol = ProtocolKind::kMemdb;
  std::string host = "127.0.0.1";
  uint16_t port = 7379;  // default 6379 with --protocol resp
  std::string key_id;    // memdb: required; resp --auth: ACL username (optional)
  std::string secret;    // memdb: required; resp --auth: the password
  bool resp_auth = false;
  // memdb: the level every request asks for. kDefault sends the plain GET/SET (the node's
  // configured level); any other sends GET_CL/SET_CL with that level (docs/protocol.md).
  Consistency consistency = Consistency::kDefault;

  // Load shape.
  uint32_t connections = 50;
  uint32_t pipeline = 1;  // requests outstanding per connection
  uint32_t threads = 1;
  uint64_t requests = 100000;  // total over all connections; 0 when bounded by duration
  double duration_s = 0;       // > 0: run this long instead of a request count

  WorkloadSpec workload;

  // Output and limits.
  // Poll with a zero timeout while replies are due instead of sleeping in epoll_wait: takes
  // the client's wake-up latency out of the measurement at the cost of a full core per thread.
  bool busy_poll = false;

  bool json = false;
  bool quiet = false;
  double timeout_s = 10;  // connect + handshake budget, and longest wait for any reply

  bool bounded_by_time() const { return duration_s > 0; }
};

struct CommandLine {
  enum class Action : uint8_t { kRun, kExit };
  Action action = Action::kRun;
  int exit_code = 0;
  std::string output;  // kExit: text for stdout (--help, --version)
  Options options;
};

using EnvMap = std::map<std::string, std::string>;

// Parses argv (argv[0] is the program name). `env` supplies MEMDB_SECRET.
// Errors: kInvalidArgument with a message naming the flag and the problem.
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv, const EnvMap& env);

// "SET:GET" as two non-negative integers, not both 0 ("1:10", "1:0", "0:1").
bool ParseRatio(std::string_view text, uint32_t* sets, uint32_t* gets);

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_OPTIONS_H_
