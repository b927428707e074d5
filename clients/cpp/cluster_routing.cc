#include "clients/cpp/cluster_routing.h"

#include <string>

namespace memdb::client_internal {

Ring BuildRing(const ClusterView& view) {
  Ring ring;
  for (const ClusterNode& node : view.nodes) {
    if (node.owns_ranges() && !node.tokens.empty()) ring.SetTokens(node.id, node.tokens);
  }
  return ring;
}

Result<HostPort> ParseHostPort(std::string_view address) {
  HostPort parsed;
  if (!memdb::ParseHostPort(address, &parsed)) {
    return Status(Code::kInvalidArgument,
                  "bad address \"" + std::string(address) +
                      "\": want host:port (a host name or IP address, [v6] in brackets; port "
                      "1-65535)");
  }
  return parsed;
}

}  // namespace memdb::client_internal
