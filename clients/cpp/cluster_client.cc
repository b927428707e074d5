// memdb::ClusterClient: a topology (CLUSTER_INFO), the ring built from it, and one
// memdb::Client per node address, opened on first use.
//
// Locks: `refresh_mu_` serialises topology fetches and is taken before `mu_`; `mu_` guards the
// view, the ring and the client map, and is never held across a request.
#include "memdb/cluster_client.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <utility>

#include "clients/cpp/cluster_routing.h"

namespace memdb {
namespace client_internal {

class ClusterClientImpl {
 public:
  explicit ClusterClientImpl(const ClusterClientOptions& options)
      : options_(options), seen_(options.client.initial_timestamp) {}

  Status Connect() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (have_view_) return Status::Ok();
    }
    return Refresh(/*avoid=*/"");
  }

  // Fetches CLUSTER_INFO from the known nodes (up first), then the seeds; `avoid` (an address
  // that just failed) is tried last.
  Status Refresh(const std::string& avoid) {
    std::lock_guard<std::mutex> refresh_lock(refresh_mu_);
    std::vector<std::string> candidates;
    auto add = [&candidates, &avoid](const std::string& address) {
      if (address != avoid &&
          std::find(candidates.begin(), candidates.end(), address) == candidates.end()) {
        candidates.push_back(address);
      }
    };
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (bool want_up : {true, false}) {
        for (const ClusterNode& node : view_.nodes) {
          if (node.up == want_up && node.status != NodeStatus::kLeft &&
              node.status != NodeStatus::kRemoved) {
            add(node.address);
          }
        }
      }
    }
    for (const std::string& seed : options_.seeds) add(seed);
    if (!avoid.empty()) candidates.push_back(avoid);
    Status last(Code::kInvalidArgument, "ClusterClient: no seed addresses");
    for (const std::string& address : candidates) {
      Result<std::shared_ptr<Client>> client = ClientFor(address);
      if (!client.ok()) {
        last = client.status();
        continue;
      }
      Result<ClusterView> view = client.value()->ClusterInfo();
      if (!view.ok()) {
        const std::string& message = view.status().message();
        last = Status(view.status().code(), message.rfind(address, 0) == 0
                                                ? "CLUSTER_INFO: " + message
                                                : address + ": CLUSTER_INFO: " + message);
        continue;
      }
      Install(std::move(view).value(), address);
      return Status::Ok();
    }
    return last;
  }

  // Runs `op(Client&)` on the key's route, refreshing and retrying as the header describes.
  template <typename R, typename Op>
  R Run(std::string_view key, Op op) {
    if (Status s = MaybeRefresh(); !s.ok()) return R(s);
    Result<Route> route = RouteFor(key);
    if (!route.ok()) {
      // The owner's address does not parse (a node advertising an unusable address): go
      // through another node, which coordinates it.
      MarkStale();
      Result<Route> other = OtherRoute(key, /*failed=*/"");
      if (!other.ok()) return R(route.status());
      return Call(other.value(), op);
    }
    R result = Call(route.value(), op);
    if (result.ok()) return result;
    // UNAVAILABLE: too few of the key's replicas are up as the answering node sees them — the
    // ring may have changed; fetch a fresh view for the next request.
    if (result.status().code() == Code::kUnavailable) MarkStale();
    if (result.status().code() != Code::kConnectionFailed) return result;

    // The route's connection failed: refresh (from another node) and retry once through a node
    // other than the one that failed; it coordinates the request.
    MarkStale();
    (void)Refresh(route->address);
    Result<Route> other = OtherRoute(key, route->address);
    if (!other.ok()) return result;
    return Call(other.value(), op);
  }

  ClusterView topology() const {
    std::lock_guard<std::mutex> lock(mu_);
    return view_;
  }

  std::optional<NodeId> RouteOf(std::string_view key) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!have_view_) return std::nullopt;
    if (ring_.empty()) return view_.self_id;
    return ring_.OwnerOfKey(key);
  }

  uint64_t refreshes() const { return refreshes_.load(); }

 private:
  struct Route {
    std::string address;
    std::shared_ptr<Client> client;
  };

  template <typename Op>
  auto Call(const Route& route, Op op) {
    // One session clock across the per-node connections: a request to one node carries the
    // highest timestamp seen from any of them.
    route.client->ObserveTimestamp(seen_.load());
    const uint64_t before = route.client->not_owner_replies();
    auto result = op(*route.client);
    if (route.client->not_owner_replies() != before) MarkStale();
    const Timestamp ts = route.client->last_seen_timestamp();
    Timestamp prev = seen_.load();
    while (prev < ts && !seen_.compare_exchange_weak(prev, ts)) {
    }
    return result;
  }

  void MarkStale() {
    std::lock_guard<std::mutex> lock(mu_);
    stale_ = true;
  }

  Status MaybeRefresh() {
    bool have_view = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      have_view = have_view_;
      const auto age = std::chrono::steady_clock::now() - fetched_at_;
      const bool expired =
          options_.refresh_interval.count() > 0 && age >= options_.refresh_interval;
      if (have_view_ && !stale_ && !expired) return Status::Ok();
    }
    Status s = Refresh(/*avoid=*/"");
    // With an older view to fall back on, a failed refresh does not fail the request.
    return have_view ? Status::Ok() : s;
  }

  void Install(ClusterView view, const std::string& answered_by) {
    Ring ring = BuildRing(view);
    std::lock_guard<std::mutex> lock(mu_);
    view_ = std::move(view);
    ring_ = std::move(ring);
    answered_by_ = answered_by;
    have_view_ = true;
    stale_ = false;
    fetched_at_ = std::chrono::steady_clock::now();
    refreshes_.fetch_add(1);
  }

  // The address of `id` in the view, or the address that answered CLUSTER_INFO. mu_ held.
  std::string AddressOfLocked(std::optional<NodeId> id) const {
    if (id) {
      if (const ClusterNode* node = view_.Find(*id); node != nullptr && !node->address.empty()) {
        return node->address;
      }
    }
    return answered_by_;
  }

  Result<Route> RouteFor(std::string_view key) {
    std::string address;
    {
      std::lock_guard<std::mutex> lock(mu_);
      address = AddressOfLocked(ring_.empty() ? std::optional<NodeId>(view_.self_id)
                                              : ring_.OwnerOfKey(key));
    }
    Result<std::shared_ptr<Client>> client = ClientFor(address);
    if (!client.ok()) return client.status();
    return Route{address, std::move(client).value()};
  }

  // A node other than `failed` to send `key` through: the owner in the refreshed view if it
  // changed, else the node that answered the refresh, else any other node seen up.
  Result<Route> OtherRoute(std::string_view key, const std::string& failed) {
    std::vector<std::string> options;
    {
      std::lock_guard<std::mutex> lock(mu_);
      options.push_back(AddressOfLocked(ring_.empty() ? std::optional<NodeId>(view_.self_id)
                                                      : ring_.OwnerOfKey(key)));
      options.push_back(answered_by_);
      for (const ClusterNode& node : view_.nodes) {
        if (node.up && node.owns_ranges()) options.push_back(node.address);
      }
    }
    for (const std::string& address : options) {
      if (address.empty() || address == failed) continue;
      Result<std::shared_ptr<Client>> client = ClientFor(address);
      if (client.ok()) return Route{address, std::move(client).value()};
    }
    return Status(Code::kUnavailable, "no other node to retry through");
  }

  Result<std::shared_ptr<Client>> ClientFor(const std::string& address) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(address);
    if (it != clients_.end()) return it->second;
    Result<HostPort> hp = ParseHostPort(address);
    if (!hp.ok()) return hp.status();
    ClientOptions options = options_.client;
    options.host = hp->host;
    options.port = hp->port;
    options.reconnect = true;
    // Clients are created with the lock held but do not connect here: the first request does.
    auto client = std::make_shared<Client>(options);
    clients_.emplace(address, client);
    return client;
  }

  const ClusterClientOptions options_;
  std::atomic<uint64_t> refreshes_{0};
  std::atomic<Timestamp> seen_{0};  // highest timestamp seen from any node
  std::mutex refresh_mu_;           // one topology fetch at a time; before mu_

  mutable std::mutex mu_;
  ClusterView view_;                                        // guarded by mu_
  Ring ring_;                                               // guarded by mu_
  std::string answered_by_;                                 // guarded by mu_: sent view_
  bool have_view_ = false;                                  // guarded by mu_
  bool stale_ = false;                                      // guarded by mu_
  std::chrono::steady_clock::time_point fetched_at_;        // guarded by mu_
  std::map<std::string, std::shared_ptr<Client>> clients_;  // guarded by mu_, by address
};

}  // namespace client_internal

ClusterClient::ClusterClient(const ClusterClientOptions& options)
    : impl_(std::make_unique<client_internal::ClusterClientImpl>(options)) {}

ClusterClient::~ClusterClient() = default;

Status ClusterClient::Connect() { return impl_->Connect(); }
Status ClusterClient::RefreshTopology() { return impl_->Refresh(/*avoid=*/""); }

Result<std::optional<VersionedValue>> ClusterClient::Get(std::string_view key) {
  return Get(key, RequestOptions());
}
Result<Version> ClusterClient::Set(std::string_view key, std::string_view value) {
  return Set(key, value, RequestOptions());
}
Result<bool> ClusterClient::Del(std::string_view key) { return Del(key, RequestOptions()); }
Result<bool> ClusterClient::Contains(std::string_view key) {
  return Contains(key, RequestOptions());
}

Result<std::optional<VersionedValue>> ClusterClient::Get(std::string_view key,
                                                         const RequestOptions& options) {
  return impl_->Run<Result<std::optional<VersionedValue>>>(
      key, [key, &options](Client& c) { return c.Get(key, options); });
}

Result<Version> ClusterClient::Set(std::string_view key, std::string_view value,
                                   const RequestOptions& options) {
  return impl_->Run<Result<Version>>(
      key, [key, value, &options](Client& c) { return c.Set(key, value, options); });
}

Result<bool> ClusterClient::Del(std::string_view key, const RequestOptions& options) {
  return impl_->Run<Result<bool>>(key, [key, &options](Client& c) { return c.Del(key, options); });
}

Result<bool> ClusterClient::Contains(std::string_view key, const RequestOptions& options) {
  return impl_->Run<Result<bool>>(key,
                                  [key, &options](Client& c) { return c.Contains(key, options); });
}

ClusterView ClusterClient::topology() const { return impl_->topology(); }
std::optional<NodeId> ClusterClient::RouteOf(std::string_view key) const {
  return impl_->RouteOf(key);
}
uint64_t ClusterClient::topology_refreshes() const { return impl_->refreshes(); }

}  // namespace memdb
