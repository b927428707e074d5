#include "clients/cpp/cluster_routing.h"

#include <charconv>

namespace memdb::client_internal {

Ring BuildRing(const ClusterView& view) {
  Ring ring;
  for (const ClusterNode& node : view.nodes) {
    if (node.owns_ranges() && !node.tokens.empty()) ring.SetTokens(node.id, node.tokens);
  }
  return ring;
}

Result<HostPort> ParseHostPort(std::string_view address) {
  auto bad = [address](const char* why) {
    return Status(Code::kInvalidArgument,
                  "bad address \"" + std::string(address) + "\": " + why + " (want host:port)");
  };
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 address must be in brackets");
  }
  if (host.empty()) return bad("empty host");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port == 0 || port > 65535) {
    return bad("port must be 1-65535");
  }
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace memdb::client_internal
