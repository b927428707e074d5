// Helpers for integration tests that run clusters of real memdb processes: free ports, admin
// requests over a raw connection (STATS, CLUSTER_INFO) as the default client key, polling.
#ifndef MEMDB_TESTS_INTEGRATION_CLUSTER_UTIL_H_
#define MEMDB_TESTS_INTEGRATION_CLUSTER_UTIL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "integration/raw_connection.h"
#include "protocol/cluster_messages.h"

namespace memdb::testing {

// A port that was free a moment ago (seeds must be known before the nodes start).
uint16_t FreePort();
std::string Address(uint16_t port);

// An authenticated raw connection to `port` as the default client key; nullptr if none.
std::unique_ptr<RawConnection> ConnectAsClient(uint16_t port);
// CLUSTER_INFO from the node on `port`; nullopt if it cannot be had.
std::optional<protocol::ClusterInfo> FetchClusterInfo(uint16_t port);
// STATS of the node on `port`, by name; empty if it cannot be had (e.g. the node is stopped).
std::map<std::string, uint64_t> FetchStats(uint16_t port, int timeout_ms = 3000);
// A counter, or 0 when the node does not report it.
uint64_t StatOf(const std::map<std::string, uint64_t>& stats, const std::string& name);
// True once `port`'s view lists exactly `n` members, all normal and up.
bool SeesHealthyCluster(uint16_t port, size_t n);

// Polls `done` every `poll` until it holds or `timeout` passes; returns the time it took.
std::optional<std::chrono::milliseconds> WaitFor(
    const std::function<bool()>& done, std::chrono::milliseconds timeout,
    std::chrono::milliseconds poll = std::chrono::milliseconds(50));

}  // namespace memdb::testing

#endif  // MEMDB_TESTS_INTEGRATION_CLUSTER_UTIL_H_
