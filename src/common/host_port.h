// "host:port" addresses (cluster.seeds, cluster.advertise, the addresses peers gossip): the
// one parser everyone uses, so the config accepts exactly what the transport can dial.
//
// Forms: "name:port", "1.2.3.4:port", "[v6]:port". The host is 1-253 characters of
// A-Z a-z 0-9 . - _ (or, in brackets, hex digits, ':' and '.'); the port a decimal 1-65535.
// Pure; safe from any thread.
#ifndef MEMDB_COMMON_HOST_PORT_H_
#define MEMDB_COMMON_HOST_PORT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace memdb {

struct HostPort {
  std::string host;  // without brackets
  uint16_t port = 0;
};

// False when `text` is not of a form above.
bool ParseHostPort(std::string_view text, HostPort* out);

// "host:port", bracketing an IPv6 literal.
std::string FormatHostPort(std::string_view host, uint16_t port);

// True for the wildcard addresses (0.0.0.0, ::, [::]) that listen everywhere but cannot be
// dialled from another machine.
bool IsWildcardAddress(std::string_view host);

}  // namespace memdb

#endif  // MEMDB_COMMON_HOST_PORT_H_
