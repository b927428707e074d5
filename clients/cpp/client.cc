// memdb::Client: typed requests over ClientImpl. Each *Async method encodes its request,
// parses its reply into the public types, and the synchronous methods wait on those.
#include "memdb/client.h"

#include <chrono>
#include <memory>
#include <utility>

#include "clients/cpp/client_impl.h"
#include "protocol/cluster_messages.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb {

using client_internal::ClientImpl;
using protocol::Opcode;

namespace {

// Body sizes, for the max_frame_bytes check before encoding.
constexpr size_t kLengthPrefix = 4;
size_t KeyBodySize(std::string_view key) { return kLengthPrefix + key.size(); }

Status Malformed(Opcode opcode, const Status& parse) {
  return Status(Code::kCorruption,
                "malformed " + std::string(protocol::OpcodeName(static_cast<uint8_t>(opcode))) +
                    " reply: " + parse.message());
}

// Submits a request whose reply `parse` turns into an R (a Result<T> or a Status); failures
// before or instead of a reply become an R holding that Status. `timeout` is the client-side
// limit (ClientImpl::ReplyTimeout).
template <typename R, typename Parse>
std::future<R> Call(ClientImpl* impl, Opcode opcode, size_t body_size,
                    std::chrono::milliseconds timeout, const client_internal::EncodeFn& encode,
                    Parse parse) {
  auto promise = std::make_shared<std::promise<R>>();
  std::future<R> future = promise->get_future();
  impl->Submit(opcode, body_size, timeout, encode,
               [promise, parse](const Status& status, std::string_view body) {
                 if (!status.ok()) {
                   promise->set_value(R(status));
                 } else {
                   promise->set_value(parse(body));
                 }
               });
  return future;
}

template <typename R, typename Parse>
std::future<R> Call(ClientImpl* impl, Opcode opcode, size_t body_size,
                    const client_internal::EncodeFn& encode, Parse parse) {
  return Call<R>(impl, opcode, body_size, impl->ReplyTimeout(std::chrono::milliseconds(0)), encode,
                 parse);
}

template <typename R>
std::future<R> Ready(R value) {
  std::promise<R> promise;
  promise.set_value(std::move(value));
  return promise.get_future();
}

// The wire form of `options`; kInvalidArgument when a field is out of range.
Status ToWire(const RequestOptions& options, protocol::RequestOptions* wire) {
  const auto level = static_cast<uint8_t>(options.consistency);
  if (level > kMaxConsistency) {
    return Status(Code::kInvalidArgument, "consistency level " + std::to_string(level) +
                                              " is not one of kDefault, kOne, kQuorum, kAll");
  }
  if (options.deadline.count() < 0 || options.deadline > kMaxRequestDeadline) {
    return Status(Code::kInvalidArgument, "deadline of " +
                                              std::to_string(options.deadline.count()) +
                                              " ms is not between 0 and 4294967295 ms");
  }
  wire->consistency = options.consistency;
  wire->deadline_ms = static_cast<uint32_t>(options.deadline.count());
  return Status::Ok();
}

// A key request: `plain` (GET, SET, ...) when `options` are the defaults, else its _CL form with
// the options' prefix, waiting for the reply at least the deadline plus the margin.
// `encode(out, id, ts, wire)` writes the plain request when `wire` is null, else the _CL one;
// `parse(body, opcode)` reads the reply (the _CL reply's body is the plain one's).
template <typename R, typename Encode, typename Parse>
std::future<R> KeyCall(ClientImpl* impl, Opcode plain, const RequestOptions& options,
                       size_t plain_body_size, Encode encode, Parse parse) {
  if (options.is_default()) {
    return Call<R>(
        impl, plain, plain_body_size,
        [encode](std::string* out, uint32_t id, Timestamp ts) { encode(out, id, ts, nullptr); },
        [parse, plain](std::string_view body) { return parse(body, plain); });
  }
  protocol::RequestOptions wire;
  if (Status s = ToWire(options, &wire); !s.ok()) return Ready<R>(R(s));
  const Opcode opcode = protocol::ConsistencyKeyOpcode(plain);
  return Call<R>(
      impl, opcode, protocol::kConsistencyPrefixSize + plain_body_size,
      impl->ReplyTimeout(options.deadline),
      [encode, wire](std::string* out, uint32_t id, Timestamp ts) { encode(out, id, ts, &wire); },
      [parse, opcode](std::string_view body) { return parse(body, opcode); });
}

}  // namespace

Client::Client(const ClientOptions& options) : impl_(std::make_unique<ClientImpl>(options)) {}

Client::~Client() = default;

Status Client::Connect() { return impl_->Connect(); }
void Client::Close() { impl_->Close(); }
bool Client::IsConnected() const { return impl_->IsConnected(); }

Timestamp Client::last_seen_timestamp() const { return impl_->clock().Now(); }
void Client::ObserveTimestamp(Timestamp ts) { impl_->clock().Observe(ts); }

// ---- asynchronous ----

std::future<Result<std::optional<VersionedValue>>> Client::GetAsync(std::string_view key) {
  return GetAsync(key, RequestOptions());
}
std::future<Result<Version>> Client::SetAsync(std::string_view key, std::string_view value) {
  return SetAsync(key, value, RequestOptions());
}
std::future<Result<bool>> Client::DelAsync(std::string_view key) {
  return DelAsync(key, RequestOptions());
}
std::future<Result<bool>> Client::ContainsAsync(std::string_view key) {
  return ContainsAsync(key, RequestOptions());
}

std::future<Result<std::optional<VersionedValue>>> Client::GetAsync(std::string_view key,
                                                                    const RequestOptions& options) {
  using R = Result<std::optional<VersionedValue>>;
  return KeyCall<R>(
      impl_.get(), Opcode::kGet, options, KeyBodySize(key),
      [key](std::string* out, uint32_t id, Timestamp ts, const protocol::RequestOptions* wire) {
        if (wire == nullptr) {
          protocol::AppendKeyRequest(out, Opcode::kGet, id, ts, key);
        } else {
          protocol::AppendKeyRequestCl(out, Opcode::kGet, id, ts, *wire, key);
        }
      },
      [](std::string_view body, Opcode opcode) -> R {
        protocol::GetResult got;
        Status s = protocol::ParseGetResponse(body, &got);
        if (!s.ok()) return Malformed(opcode, s);
        if (!got.found) return std::optional<VersionedValue>();
        return std::optional<VersionedValue>(VersionedValue{std::string(got.value), got.version});
      });
}

std::future<Result<Version>> Client::SetAsync(std::string_view key, std::string_view value,
                                              const RequestOptions& options) {
  using R = Result<Version>;
  return KeyCall<R>(
      impl_.get(), Opcode::kSet, options, 2 * kLengthPrefix + key.size() + value.size(),
      [key, value](std::string* out, uint32_t id, Timestamp ts,
                   const protocol::RequestOptions* wire) {
        if (wire == nullptr) {
          protocol::SetRequest set;
          set.key = key;
          set.value = value;
          protocol::AppendSetRequest(out, id, ts, set);
        } else {
          protocol::AppendSetRequestCl(out, id, ts, *wire, key, value);
        }
      },
      [](std::string_view body, Opcode opcode) -> R {
        Version version;
        Status s = protocol::ParseSetResponse(body, &version);
        if (!s.ok()) return Malformed(opcode, s);
        return version;
      });
}

std::future<Result<bool>> Client::DelAsync(std::string_view key, const RequestOptions& options) {
  using R = Result<bool>;
  return KeyCall<R>(
      impl_.get(), Opcode::kDel, options, KeyBodySize(key),
      [key](std::string* out, uint32_t id, Timestamp ts, const protocol::RequestOptions* wire) {
        if (wire == nullptr) {
          protocol::AppendKeyRequest(out, Opcode::kDel, id, ts, key);
        } else {
          protocol::AppendKeyRequestCl(out, Opcode::kDel, id, ts, *wire, key);
        }
      },
      [](std::string_view body, Opcode opcode) -> R {
        protocol::DelResult del;
        Status s = protocol::ParseDelResponse(body, &del);
        if (!s.ok()) return Malformed(opcode, s);
        return del.existed;
      });
}

std::future<Result<bool>> Client::ContainsAsync(std::string_view key,
                                                const RequestOptions& options) {
  using R = Result<bool>;
  return KeyCall<R>(
      impl_.get(), Opcode::kContains, options, KeyBodySize(key),
      [key](std::string* out, uint32_t id, Timestamp ts, const protocol::RequestOptions* wire) {
        if (wire == nullptr) {
          protocol::AppendKeyRequest(out, Opcode::kContains, id, ts, key);
        } else {
          protocol::AppendKeyRequestCl(out, Opcode::kContains, id, ts, *wire, key);
        }
      },
      [](std::string_view body, Opcode opcode) -> R {
        bool present = false;
        Status s = protocol::ParseContainsResponse(body, &present);
        if (!s.ok()) return Malformed(opcode, s);
        return present;
      });
}

std::future<Status> Client::PingAsync() {
  return Call<Status>(
      impl_.get(), Opcode::kPing, kLengthPrefix,
      [](std::string* out, uint32_t id, Timestamp ts) {
        protocol::AppendPingRequest(out, id, ts, {});
      },
      [](std::string_view body) -> Status {
        std::string_view payload;
        Status s = protocol::ParsePingResponse(body, &payload);
        if (!s.ok()) return Malformed(Opcode::kPing, s);
        return Status::Ok();
      });
}

std::future<Result<std::vector<std::pair<std::string, uint64_t>>>> Client::StatsAsync() {
  using R = Result<std::vector<std::pair<std::string, uint64_t>>>;
  return Call<R>(
      impl_.get(), Opcode::kStats, 0,
      [](std::string* out, uint32_t id, Timestamp ts) {
        protocol::AppendStatsRequest(out, id, ts);
      },
      [](std::string_view body) -> R {
        std::vector<protocol::Stat> stats;
        Status s = protocol::ParseStatsResponse(body, &stats);
        if (!s.ok()) return Malformed(Opcode::kStats, s);
        std::vector<std::pair<std::string, uint64_t>> result;
        result.reserve(stats.size());
        for (const auto& stat : stats) result.emplace_back(std::string(stat.name), stat.value);
        return result;
      });
}

std::future<Result<CompactOutcome>> Client::CompactAsync() {
  using R = Result<CompactOutcome>;
  return Call<R>(
      impl_.get(), Opcode::kCompact, 0,
      [](std::string* out, uint32_t id, Timestamp ts) {
        protocol::AppendCompactRequest(out, id, ts);
      },
      [](std::string_view body) -> R {
        CompactOutcome outcome = CompactOutcome::kStarted;
        Status s = protocol::ParseCompactResponse(body, &outcome);  // checks the byte's range
        if (!s.ok()) return Malformed(Opcode::kCompact, s);
        return outcome;
      });
}

std::future<Result<ClusterView>> Client::ClusterInfoAsync() {
  using R = Result<ClusterView>;
  return Call<R>(
      impl_.get(), Opcode::kClusterInfo, 0,
      [](std::string* out, uint32_t id, Timestamp ts) {
        protocol::AppendClusterInfoRequest(out, id, ts);
      },
      [](std::string_view body) -> R {
        protocol::ClusterInfo info;
        Status s = protocol::ParseClusterInfoResponse(body, &info);
        if (!s.ok()) return Malformed(Opcode::kClusterInfo, s);
        ClusterView view;
        view.cluster_name = std::move(info.cluster_name);
        view.self_id = info.self_id;
        view.ring_version = info.ring_version;
        view.nodes.reserve(info.nodes.size());
        for (protocol::ClusterNodeInfo& n : info.nodes) {
          ClusterNode node;
          node.id = n.id;
          node.address = std::move(n.address);
          node.status = n.status;
          node.up = n.up;
          node.phi_milli = n.phi_milli;
          node.generation = n.generation;
          node.heartbeat = n.heartbeat;
          node.keys_held = n.keys_held;
          node.catchup = n.catchup;
          node.tokens = std::move(n.tokens);
          view.nodes.push_back(std::move(node));
        }
        return view;
      });
}

std::future<Result<RepairProgress>> Client::RepairAsync(RepairAction action) {
  using R = Result<RepairProgress>;
  if (action != RepairAction::kStart && action != RepairAction::kStatus) {
    return Ready<R>(R(Status(Code::kInvalidArgument, "repair action " +
                                                         std::to_string(static_cast<int>(action)) +
                                                         " is neither kStart nor kStatus")));
  }
  return Call<R>(
      impl_.get(), Opcode::kRepair, 1,
      [action](std::string* out, uint32_t id, Timestamp ts) {
        protocol::AppendRepairRequest(out, id, ts, action);
      },
      [](std::string_view body) -> R {
        RepairProgress progress;
        Status s = protocol::ParseRepairResponse(body, &progress);
        if (!s.ok()) return Malformed(Opcode::kRepair, s);
        return progress;
      });
}

uint64_t Client::not_owner_replies() const { return impl_->not_owner_replies(); }

// ---- synchronous: the asynchronous call plus a wait ----

Result<std::optional<VersionedValue>> Client::Get(std::string_view key) {
  return GetAsync(key).get();
}
Result<Version> Client::Set(std::string_view key, std::string_view value) {
  return SetAsync(key, value).get();
}
Result<bool> Client::Del(std::string_view key) { return DelAsync(key).get(); }
Result<bool> Client::Contains(std::string_view key) { return ContainsAsync(key).get(); }
Status Client::Ping() { return PingAsync().get(); }
Result<std::vector<std::pair<std::string, uint64_t>>> Client::Stats() { return StatsAsync().get(); }
Result<CompactOutcome> Client::Compact() { return CompactAsync().get(); }
Result<ClusterView> Client::ClusterInfo() { return ClusterInfoAsync().get(); }
Result<RepairProgress> Client::Repair(RepairAction action) { return RepairAsync(action).get(); }

Result<std::optional<VersionedValue>> Client::Get(std::string_view key,
                                                  const RequestOptions& options) {
  return GetAsync(key, options).get();
}
Result<Version> Client::Set(std::string_view key, std::string_view value,
                            const RequestOptions& options) {
  return SetAsync(key, value, options).get();
}
Result<bool> Client::Del(std::string_view key, const RequestOptions& options) {
  return DelAsync(key, options).get();
}
Result<bool> Client::Contains(std::string_view key, const RequestOptions& options) {
  return ContainsAsync(key, options).get();
}

}  // namespace memdb
