#include "integration/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "auth/hmac.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb::testing {

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Connect(uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

bool RawConnection::SendAll(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::optional<RawReply> RawConnection::Read(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    protocol::Limits limits;
    limits.max_frame_bytes = UINT32_MAX;
    auto r = protocol::DecodeFrame(buffer_, limits, /*expect_response=*/true);
    if (r.status == protocol::DecodeStatus::kFrame ||
        (r.status == protocol::DecodeStatus::kError && !r.fatal)) {
      RawReply reply{r.frame.header,
                     buffer_.substr(protocol::kHeaderSize, r.consumed - protocol::kHeaderSize)};
      buffer_.erase(0, r.consumed);
      return reply;
    }
    if (r.status == protocol::DecodeStatus::kError) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

bool RawConnection::WaitClosed(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

Code RawConnection::Handshake(const std::string& key_id, const std::string& secret) {
  std::string out;
  protocol::AppendHelloRequest(&out, 1, 0, {protocol::kProtocolVersion, "raw-test"});
  if (!SendAll(out)) return Code::kConnectionFailed;
  auto challenge = Read();
  if (!challenge) return Code::kConnectionFailed;
  if (challenge->header.status != Code::kOk) return challenge->header.status;
  protocol::Challenge c;
  if (!protocol::ParseChallenge(challenge->body, &c).ok()) return Code::kBadFrame;
  out.clear();
  protocol::AppendAuthRequest(&out, 2, 0, {key_id, auth::ComputeAuthMac(secret, c.nonce, key_id)});
  if (!SendAll(out)) return Code::kConnectionFailed;
  auto ok = Read();
  if (!ok) return Code::kConnectionFailed;
  return ok->header.status;
}

}  // namespace memdb::testing
