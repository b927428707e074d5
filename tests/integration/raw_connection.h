// RawConnection — a blocking TCP connection that speaks frames byte by byte, for tests that
// must send what a well-behaved client never would (data before auth, oversize frames).
#ifndef MEMDB_TESTS_INTEGRATION_RAW_CONNECTION_H_
#define MEMDB_TESTS_INTEGRATION_RAW_CONNECTION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/frame.h"

namespace memdb::testing {

struct RawReply {
  protocol::FrameHeader header;
  std::string body;
};

class RawConnection {
 public:
  RawConnection() = default;
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool Connect(uint16_t port);
  bool SendAll(const std::string& bytes);
  // Reads one reply frame; nullopt on EOF, error or after `timeout_ms`.
  std::optional<RawReply> Read(int timeout_ms = 5000);
  // True when the server has closed the connection (EOF) within `timeout_ms`.
  bool WaitClosed(int timeout_ms = 5000);
  // HELLO + AUTH; returns the AUTH reply status.
  Code Handshake(const std::string& key_id, const std::string& secret);

 private:
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTS_INTEGRATION_RAW_CONNECTION_H_
