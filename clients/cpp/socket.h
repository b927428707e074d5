// Socket — a connected TCP socket (POSIX), owned by value, with deadline-bounded I/O.
//
// The descriptor is non-blocking; every wait is a poll() bounded by a deadline, so no call
// blocks longer than asked. Threading: one thread may Read while another Writes; Shutdown may
// be called from any thread at any time to wake both. The descriptor is closed only by the
// destructor (or move-assignment), never by Shutdown, so a concurrent Read or Write never
// touches a descriptor number the process has reused.
//
// Errors: every failure is Code::kConnectionFailed with the operation and strerror in the
// message ("connect to db1:7379: Connection refused").
#ifndef MEMDB_CLIENTS_CPP_SOCKET_H_
#define MEMDB_CLIENTS_CPP_SOCKET_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/result.h"
#include "memdb/status.h"

namespace memdb::client_internal {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

// Deadline `timeout` from now; a zero or negative timeout means "never".
Deadline DeadlineAfter(std::chrono::milliseconds timeout);
inline constexpr Deadline kNoDeadline = Deadline::max();

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket();

  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  // Resolves `host` and connects to the first address that accepts before `deadline`.
  // The socket gets TCP_NODELAY, SO_KEEPALIVE and close-on-exec. Name resolution itself
  // (getaddrinfo) cannot be interrupted and is not bounded by the deadline.
  static Result<Socket> Connect(const std::string& host, uint16_t port, Deadline deadline);

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // Writes all of `data`. Fails when the peer is gone, or when the socket buffer stays full
  // for `stall_timeout` (zero = wait forever); after a failure part of `data` may have been
  // written, so the stream is unusable.
  Status WriteAll(std::string_view data, std::chrono::milliseconds stall_timeout);

  // Reads at least one byte (up to `len`) into `buf`, waiting until `deadline`. Returns the
  // count, 0 when the peer closed the connection (or Shutdown was called), or an error
  // (including "timed out").
  Result<size_t> Read(char* buf, size_t len, Deadline deadline);

  // Shuts both directions down: a blocked Read returns 0, further writes fail. Thread-safe,
  // idempotent; the descriptor stays open until destruction.
  void Shutdown();

 private:
  void CloseFd();

  int fd_ = -1;
};

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_SOCKET_H_
