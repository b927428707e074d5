#include "memdb_bench/socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace memdb::bench {

namespace {

// Waits until `fd` is ready for `events` or the deadline passes. Returns false on timeout.
bool WaitFor(int fd, short events, uint64_t deadline_ns) {
  while (true) {
    const uint64_t now = NowNs();
    if (now >= deadline_ns) return false;
    pollfd p{fd, events, 0};
    const int timeout_ms = static_cast<int>((deadline_ns - now + 999999) / 1000000);
    const int n = ::poll(&p, 1, timeout_ms);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // let the next I/O call report the error
  }
}

Status ConnectionFailed(std::string message) {
  return Status(Code::kConnectionFailed, std::move(message));
}

}  // namespace

uint64_t NowNs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

Result<int> ConnectTcp(const std::string& host, uint16_t port, uint64_t deadline_ns) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses); rc != 0) {
    return ConnectionFailed("cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::string reason = "no address";
  int fd = -1;
  for (addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      reason = std::strerror(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        if (!WaitFor(fd, POLLOUT, deadline_ns)) {
          err = ETIMEDOUT;
        } else {
          socklen_t len = sizeof err;
          if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        }
      }
    }
    if (err == 0) break;
    reason = std::strerror(err);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(addresses);
  if (fd < 0) return ConnectionFailed("cannot connect to " + where + ": " + reason);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

Status RunHandshake(int fd, ProtocolClient* client, uint64_t deadline_ns, std::string* leftover) {
  std::string out;
  std::string in;
  client->BeginHandshake(&out);
  while (true) {
    // Send whatever the handshake produced.
    size_t sent = 0;
    while (sent < out.size()) {
      const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n >= 0) {
        sent += static_cast<size_t>(n);
      } else if (errno == EAGAIN || errno == EINTR) {
        if (!WaitFor(fd, POLLOUT, deadline_ns)) {
          return ConnectionFailed("handshake timed out (sending)");
        }
      } else {
        return ConnectionFailed(std::string("handshake: send failed: ") + std::strerror(errno));
      }
    }
    out.clear();
    // Let the client digest what has arrived, one reply at a time.
    while (true) {
      HandshakeResult r = client->ContinueHandshake(in, &out);
      in.erase(0, r.consumed);
      if (r.status == HandshakeResult::Status::kFailed) return Status(Code::kAuthFailed, r.error);
      if (r.status == HandshakeResult::Status::kDone) {
        leftover->append(in);
        return Status::Ok();
      }
      if (r.consumed == 0 || !out.empty()) break;
    }
    if (!out.empty()) continue;
    // Need more bytes.
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      in.append(buffer, static_cast<size_t>(n));
    } else if (n == 0) {
      return ConnectionFailed("the server closed the connection during the handshake");
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!WaitFor(fd, POLLIN, deadline_ns)) {
        return ConnectionFailed("handshake timed out (no reply from the server)");
      }
    } else {
      return ConnectionFailed(std::string("handshake: recv failed: ") + std::strerror(errno));
    }
  }
}

}  // namespace memdb::bench
