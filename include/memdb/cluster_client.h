// memdb::ClusterClient — a client of a whole memdb cluster that sends each key straight to the
// node owning it.
//
//   memdb::ClusterClientOptions options;
//   options.seeds = {"10.0.0.1:7379", "10.0.0.2:7379"};
//   options.client.key_id = "app";
//   options.client.secret = LoadSecret();
//   memdb::ClusterClient cluster(options);
//   if (memdb::Status s = cluster.Connect(); !s.ok()) { ... }
//   memdb::Result<memdb::Version> set = cluster.Set("k", "v");
//
// Topology. Connect() asks the seeds, in order, for CLUSTER_INFO until one answers, and builds
// the consistent-hash ring from the nodes whose status owns ranges (normal, leaving) and their
// tokens — the same ring, with the same key hash, as the nodes' own (docs/cluster.md). Each key
// then goes to its owner over that node's memdb::Client (one connection per node, opened on
// first use, all with the options in ClusterClientOptions::client). Any node would do — every
// node coordinates any key request — but the owner is a replica, which saves a round trip.
//
// Refreshing. The view is fetched again (from the known nodes, then the seeds) before the next
// request when:
//   - a reply carried the NOT_OWNER flag (the node that answered is not a replica of the key:
//     this client's view is stale);
//   - the owner's connection failed (kConnectionFailed): the request is then retried once
//     through another node, which coordinates it — so a SET or DEL may be applied twice, like
//     any retried write (last write wins);
//   - a reply was UNAVAILABLE (too few of the key's replicas are up for the requested
//     consistency level: the ring may have changed);
//   - refresh_interval has passed since the last fetch (when non-zero);
//   - RefreshTopology() is called.
// A reply from the owner is returned as is, whatever it says: server errors, kTimeout (the
// request may or may not have been applied) and other failures are not retried.
//
// Threading. Every method is thread-safe. Requests are synchronous (each waits for its reply);
// for pipelining many requests to one node use memdb::Client. A refresh runs on the calling
// thread, one at a time; requests from other threads keep using the previous view meanwhile.
#ifndef MEMDB_CLUSTER_CLIENT_H_
#define MEMDB_CLUSTER_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/client.h"
#include "memdb/client_options.h"
#include "memdb/cluster_info.h"
#include "memdb/request_options.h"
#include "memdb/result.h"
#include "memdb/status.h"
#include "memdb/version.h"

namespace memdb {

struct ClusterClientOptions {
  // Addresses ("host:port", "[v6addr]:port") to fetch the topology from when no known node
  // answers. At least one.
  std::vector<std::string> seeds;
  // Options of every per-node connection; host and port are replaced by each node's address.
  ClientOptions client;
  // Fetch the topology again when it is older than this (zero: only when told it is stale).
  std::chrono::milliseconds refresh_interval{0};
};

namespace client_internal {
class ClusterClientImpl;
}  // namespace client_internal

class ClusterClient {
 public:
  // Does not connect; see Connect().
  explicit ClusterClient(const ClusterClientOptions& options);
  // Closes every connection.
  ~ClusterClient();

  ClusterClient(const ClusterClient&) = delete;
  ClusterClient& operator=(const ClusterClient&) = delete;

  // Fetches the topology unless one is known. kInvalidArgument without seeds or with a bad
  // address; otherwise the last seed's failure when none answers.
  Status Connect();
  // Fetches the topology now.
  Status RefreshTopology();

  // As memdb::Client's, routed to the key's owner. Fetch the topology first if none is known.
  Result<std::optional<VersionedValue>> Get(std::string_view key);
  Result<Version> Set(std::string_view key, std::string_view value);
  Result<bool> Del(std::string_view key);
  Result<bool> Contains(std::string_view key);
  // The same with a consistency level and deadline (memdb/request_options.h), as memdb::Client
  // sends them. kUnavailable (too few replicas up) triggers a refresh like any UNAVAILABLE but
  // is returned as is; kTimeout (the level not reached by the deadline) is returned as is.
  Result<std::optional<VersionedValue>> Get(std::string_view key, const RequestOptions& options);
  Result<Version> Set(std::string_view key, std::string_view value, const RequestOptions& options);
  Result<bool> Del(std::string_view key, const RequestOptions& options);
  Result<bool> Contains(std::string_view key, const RequestOptions& options);

  // The current view (empty before the first fetch).
  ClusterView topology() const;
  // The node this client sends `key` to: the ring owner, or, while the ring is empty (no node
  // owns ranges yet), the node that answered CLUSTER_INFO. nullopt before the first fetch.
  std::optional<NodeId> RouteOf(std::string_view key) const;
  // How many times the topology was fetched successfully.
  uint64_t topology_refreshes() const;

 private:
  std::unique_ptr<client_internal::ClusterClientImpl> impl_;
};

}  // namespace memdb

#endif  // MEMDB_CLUSTER_CLIENT_H_
