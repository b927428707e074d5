// Backend — the server operations memdb-cli's commands run, as an interface so that the
// commands, the runner and the shell can be tested without a server (tests/unit/cli_*).
// ClientBackend (client_backend.h) is the real one, on memdb::Client.
//
// Errors are memdb::Status values with the meanings documented in memdb/client.h. Calls are
// made from one thread (the CLI's main thread).
#ifndef MEMDB_CLIENTS_CLI_BACKEND_H_
#define MEMDB_CLIENTS_CLI_BACKEND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/client.h"
#include "memdb/cluster_info.h"
#include "memdb/repair_progress.h"
#include "memdb/request_options.h"
#include "memdb/result.h"
#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb::cli {

// A node's counters, (name, value), in the order the server sent them.
using StatList = std::vector<std::pair<std::string, uint64_t>>;

class Backend {
 public:
  virtual ~Backend() = default;

  // Opens and authenticates the connection unless it is up. The operations below connect on
  // their own when needed; this is for reporting a bad address or key early.
  virtual Status Connect() = 0;
  // Whether a connection is up (for the shell's prompt).
  virtual bool IsConnected() const = 0;

  virtual Status Ping() = 0;
  // The key operations, at the consistency level and with the deadline in `options` (the
  // defaults send the plain opcodes; memdb/request_options.h).
  // The value and its version, or std::nullopt when the key has no live value.
  virtual Result<std::optional<VersionedValue>> Get(std::string_view key,
                                                    const RequestOptions& options) = 0;
  virtual Result<Version> Set(std::string_view key, std::string_view value,
                              const RequestOptions& options) = 0;
  // Whether a live value existed (and was deleted).
  virtual Result<bool> Del(std::string_view key, const RequestOptions& options) = 0;
  virtual Result<bool> Contains(std::string_view key, const RequestOptions& options) = 0;
  // The node's counters (STATS; the names are listed in docs/protocol.md).
  virtual Result<StatList> Stats() = 0;
  // Asks the node to compact its operation log now (COMPACT); answers at once.
  virtual Result<CompactOutcome> Compact() = 0;
  // The node's view of the cluster (CLUSTER_INFO).
  virtual Result<ClusterView> ClusterInfo() = 0;
  // Starts an anti-entropy repair (kStart) or reports its progress (kStatus): REPAIR.
  virtual Result<RepairProgress> Repair(RepairAction action) = 0;

  // The session clock: the highest hybrid timestamp seen in any reply (memdb/client.h).
  virtual Timestamp SessionClock() const = 0;
};

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_BACKEND_H_
