// For the in-process fake servers of the unit tests: a listening TCP socket on 127.0.0.1.
#ifndef MEMDB_TESTS_UNIT_LOOPBACK_LISTENER_H_
#define MEMDB_TESTS_UNIT_LOOPBACK_LISTENER_H_

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

namespace memdb::testing {

// Listens on 127.0.0.1 at a port the kernel picks; returns the socket and sets `*port`. A test
// failure (and -1) if that is impossible.
inline int ListenOnLoopback(uint16_t* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 16) != 0) {
    ADD_FAILURE() << "cannot listen on 127.0.0.1";
    return -1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace memdb::testing

#endif  // MEMDB_TESTS_UNIT_LOOPBACK_LISTENER_H_
