// The consistency level and deadline memdb-cli sends with GET / SET / DEL / CONTAINS
// (memdb::RequestOptions), as typed on the command line (--consistency, --deadline-ms) and in
// the CONSISTENCY and DEADLINE commands: parsing with messages for the user, and describing.
//
// Pure: no I/O.
#ifndef MEMDB_CLIENTS_CLI_REQUEST_SETTINGS_H_
#define MEMDB_CLIENTS_CLI_REQUEST_SETTINGS_H_

#include <chrono>
#include <string>
#include <string_view>

#include "memdb/consistency.h"
#include "memdb/result.h"

namespace memdb::cli {

// "one", "quorum", "all" or "default" (any case). kInvalidArgument otherwise, naming `what`
// (e.g. "--consistency") and listing the valid levels.
Result<Consistency> ParseConsistencyLevel(std::string_view text, std::string_view what);

// Milliseconds, 0 to 4294967295 (0 = the node's replication.request_timeout_ms), decimal
// digits only. kInvalidArgument otherwise, naming `what`.
Result<std::chrono::milliseconds> ParseDeadlineMs(std::string_view text, std::string_view what);

// "quorum", or "default (the node's setting)" for kDefault.
std::string DescribeConsistency(Consistency level);
// "250 ms", or "0 (the node's replication.request_timeout_ms)".
std::string DescribeDeadline(std::chrono::milliseconds deadline);

}  // namespace memdb::cli

#endif  // MEMDB_CLIENTS_CLI_REQUEST_SETTINGS_H_
