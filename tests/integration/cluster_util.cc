#include "integration/cluster_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "integration/server_process.h"
#include "protocol/messages.h"

namespace memdb::testing {

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string Address(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

std::unique_ptr<RawConnection> ConnectAsClient(uint16_t port) {
  auto conn = std::make_unique<RawConnection>();
  const ServerSpec defaults;
  if (!conn->Connect(port) || conn->Handshake(defaults.key_id, defaults.secret) != Code::kOk) {
    return nullptr;
  }
  return conn;
}

std::optional<protocol::ClusterInfo> FetchClusterInfo(uint16_t port) {
  auto conn = ConnectAsClient(port);
  if (!conn) return std::nullopt;
  std::string request;
  protocol::AppendClusterInfoRequest(&request, 3, 0);
  if (!conn->SendAll(request)) return std::nullopt;
  auto reply = conn->Read(3000);
  if (!reply || reply->header.status != Code::kOk) return std::nullopt;
  protocol::ClusterInfo info;
  if (!protocol::ParseClusterInfoResponse(reply->body, &info).ok()) return std::nullopt;
  return info;
}

std::map<std::string, uint64_t> FetchStats(uint16_t port, int timeout_ms) {
  std::map<std::string, uint64_t> stats;
  auto conn = ConnectAsClient(port);
  if (!conn) return stats;
  std::string request;
  protocol::AppendStatsRequest(&request, 4, 0);
  if (!conn->SendAll(request)) return stats;
  auto reply = conn->Read(timeout_ms);
  std::vector<protocol::Stat> parsed;
  if (!reply || !protocol::ParseStatsResponse(reply->body, &parsed).ok()) return stats;
  for (const protocol::Stat& stat : parsed) stats[std::string(stat.name)] = stat.value;
  return stats;
}

uint64_t StatOf(const std::map<std::string, uint64_t>& stats, const std::string& name) {
  auto it = stats.find(name);
  return it == stats.end() ? 0 : it->second;
}

bool SeesHealthyCluster(uint16_t port, size_t n) {
  auto info = FetchClusterInfo(port);
  if (!info || info->nodes.size() != n) return false;
  for (const auto& node : info->nodes) {
    if (!node.up || node.status != NodeStatus::kNormal) return false;
  }
  return true;
}

std::optional<std::chrono::milliseconds> WaitFor(const std::function<bool()>& done,
                                                 std::chrono::milliseconds timeout,
                                                 std::chrono::milliseconds poll) {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < timeout) {
    if (done()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    std::this_thread::sleep_for(poll);
  }
  return std::nullopt;
}

}  // namespace memdb::testing
