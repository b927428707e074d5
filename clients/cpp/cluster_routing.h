// Routing helpers of memdb::ClusterClient, apart so that tests can check them directly:
// the ring a ClusterView describes, and "host:port" parsing.
#ifndef MEMDB_CLIENTS_CPP_CLUSTER_ROUTING_H_
#define MEMDB_CLIENTS_CPP_CLUSTER_ROUTING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/ring.h"
#include "common/host_port.h"
#include "memdb/cluster_info.h"
#include "memdb/result.h"

namespace memdb::client_internal {

// The ring of `view`: the tokens of every node whose status owns ranges (normal, leaving), as
// the nodes build theirs (src/cluster/ring.h). Joining, left and removed nodes are left out.
Ring BuildRing(const ClusterView& view);

// "host:port", "1.2.3.4:port" or "[v6addr]:port" (brackets removed from the host), by the
// nodes' own rules (common/host_port.h). kInvalidArgument naming the address otherwise.
using memdb::HostPort;
Result<HostPort> ParseHostPort(std::string_view address);

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_CLUSTER_ROUTING_H_
