#include "clients/cpp/socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <utility>

namespace memdb::client_internal {

namespace {

std::string ErrnoMessage(int err) {
  char buf[256];
  // GNU strerror_r: returns a pointer to the message (maybe not `buf`).
  return std::string(strerror_r(err, buf, sizeof buf));
}

Status IoError(std::string_view what, int err) {
  return Status(Code::kConnectionFailed, std::string(what) + ": " + ErrnoMessage(err));
}

// Milliseconds to pass to poll(): -1 for no deadline, 0 once it has passed, rounded up so a
// wait never ends before the deadline.
int PollTimeoutMs(Deadline deadline) {
  if (deadline == kNoDeadline) return -1;
  auto now = SteadyClock::now();
  if (now >= deadline) return 0;
  auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return static_cast<int>(std::min<int64_t>(remaining, INT_MAX));
}

// Waits until `fd` is ready for `events`. kOk when ready (or hung up / in error: the next
// syscall reports the detail), kTimeout when the deadline passed, kConnectionFailed on a
// poll failure.
Status WaitFor(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{};
    p.fd = fd;
    p.events = events;
    int rc = ::poll(&p, 1, PollTimeoutMs(deadline));
    if (rc > 0) return Status::Ok();
    if (rc == 0) return Status(Code::kTimeout, "timed out");
    if (errno != EINTR) return IoError("poll", errno);
  }
}

void SetSockOptInt(int fd, int level, int name, int value) {
  // Best effort: a failure here only costs latency or liveness detection.
  (void)::setsockopt(fd, level, name, &value, sizeof value);
}

// Connects one resolved address; the descriptor is returned even on timeout so the caller can
// report the right error, and closed by the Socket destructor.
Status ConnectOne(const addrinfo* ai, Deadline deadline, Socket* out) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return IoError("socket", errno);
  Socket socket(fd);
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) return IoError("connect", errno);
    Status waited = WaitFor(fd, POLLOUT, deadline);
    if (!waited.ok()) {
      return Status(Code::kConnectionFailed, "connect: " + waited.message());
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
      return IoError("getsockopt(SO_ERROR)", errno);
    }
    if (err != 0) return IoError("connect", err);
  }
  SetSockOptInt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  SetSockOptInt(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
  *out = std::move(socket);
  return Status::Ok();
}

}  // namespace

Deadline DeadlineAfter(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return kNoDeadline;
  return SteadyClock::now() + timeout;
}

Socket::~Socket() { CloseFd(); }

Socket::Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    CloseFd();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void Socket::CloseFd() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Result<Socket> Socket::Connect(const std::string& host, uint16_t port, Deadline deadline) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    std::string detail = rc == EAI_SYSTEM ? ErrnoMessage(errno) : ::gai_strerror(rc);
    return Status(Code::kConnectionFailed, "resolve " + where + ": " + detail);
  }
  Status last(Code::kConnectionFailed, "no address");
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    Socket socket;
    last = ConnectOne(ai, deadline, &socket);
    if (last.ok()) {
      ::freeaddrinfo(list);
      return socket;
    }
    if (SteadyClock::now() >= deadline) break;
  }
  ::freeaddrinfo(list);
  return Status(Code::kConnectionFailed, where + ": " + last.message());
}

Status Socket::WriteAll(std::string_view data, std::chrono::milliseconds stall_timeout) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      Status waited = WaitFor(fd_, POLLOUT, DeadlineAfter(stall_timeout));
      if (waited.code() == Code::kTimeout) {
        return Status(Code::kConnectionFailed, "write stalled: server not reading");
      }
      if (!waited.ok()) return waited;
      continue;
    }
    return IoError("write", n < 0 ? errno : EPIPE);
  }
  return Status::Ok();
}

Result<size_t> Socket::Read(char* buf, size_t len, Deadline deadline) {
  for (;;) {
    ssize_t n = ::recv(fd_, buf, len, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return IoError("read", errno);
    Status waited = WaitFor(fd_, POLLIN, deadline);
    if (waited.code() == Code::kTimeout) {
      return Status(Code::kConnectionFailed, "read timed out");
    }
    if (!waited.ok()) return waited;
  }
}

void Socket::Shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace memdb::client_internal
