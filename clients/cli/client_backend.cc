#include "clients/cli/client_backend.h"

#include <chrono>

namespace memdb::cli {

static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");

ClientBackend::ClientBackend(const ClientOptions& options, const std::atomic<bool>* interrupted)
    : client_(options), interrupted_(interrupted) {}

Status ClientBackend::Connect() { return client_.Connect(); }

bool ClientBackend::IsConnected() const { return client_.IsConnected(); }

template <typename T>
T ClientBackend::Await(std::future<T> future) {
  if (interrupted_ == nullptr) return future.get();
  while (future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    if (interrupted_->load()) {
      return T(Status(Code::kTimeout,
                      "interrupted before the reply came (the command may have been applied)"));
    }
  }
  return future.get();
}

Status ClientBackend::Ping() {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.PingAsync());
}

Result<std::optional<VersionedValue>> ClientBackend::Get(std::string_view key,
                                                         const RequestOptions& options) {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.GetAsync(key, options));
}

Result<Version> ClientBackend::Set(std::string_view key, std::string_view value,
                                   const RequestOptions& options) {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.SetAsync(key, value, options));
}

Result<bool> ClientBackend::Del(std::string_view key, const RequestOptions& options) {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.DelAsync(key, options));
}

Result<bool> ClientBackend::Contains(std::string_view key, const RequestOptions& options) {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.ContainsAsync(key, options));
}

Result<StatList> ClientBackend::Stats() {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.StatsAsync());
}

Result<CompactOutcome> ClientBackend::Compact() {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.CompactAsync());
}

Result<ClusterView> ClientBackend::ClusterInfo() {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.ClusterInfoAsync());
}

Result<RepairProgress> ClientBackend::Repair(RepairAction action) {
  if (Status s = client_.Connect(); !s.ok()) return s;
  return Await(client_.RepairAsync(action));
}

Timestamp ClientBackend::SessionClock() const { return client_.last_seen_timestamp(); }

}  // namespace memdb::cli
