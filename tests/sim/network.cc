#include "network.h"

#include <cstdio>
#include <utility>

#include "protocol/frame.h"

namespace memdb::sim {

// ---------------------------------------------------------------------------------------------
// Latency and conditions

LatencyModel LatencyModel::Fixed(uint64_t ms) {
  LatencyModel m;
  m.kind = Kind::kFixed;
  m.min_ms = m.max_ms = ms;
  return m;
}

LatencyModel LatencyModel::Uniform(uint64_t min_ms, uint64_t max_ms) {
  LatencyModel m;
  m.kind = Kind::kUniform;
  m.min_ms = min_ms;
  m.max_ms = max_ms < min_ms ? min_ms : max_ms;
  return m;
}

LatencyModel LatencyModel::LongTail(uint64_t min_ms, uint64_t max_ms, double p,
                                    uint64_t tail_min_ms, uint64_t tail_max_ms) {
  LatencyModel m = Uniform(min_ms, max_ms);
  m.kind = Kind::kLongTail;
  m.tail_probability = p;
  m.tail_min_ms = tail_min_ms;
  m.tail_max_ms = tail_max_ms < tail_min_ms ? tail_min_ms : tail_max_ms;
  return m;
}

namespace {
uint64_t UniformIn(Random& random, uint64_t lo, uint64_t hi) {
  return lo + random.Uniform(hi - lo + 1);
}
}  // namespace

bool Chance(Random& random, double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  // 53 random bits as a double in [0, 1).
  double u = static_cast<double>(random.Next64() >> 11) * (1.0 / 9007199254740992.0);
  return u < p;
}

uint64_t LatencyModel::Sample(Random& random) const {
  switch (kind) {
    case Kind::kFixed:
      return min_ms;
    case Kind::kUniform:
      return UniformIn(random, min_ms, max_ms);
    case Kind::kLongTail:
      if (Chance(random, tail_probability)) return UniformIn(random, tail_min_ms, tail_max_ms);
      return UniformIn(random, min_ms, max_ms);
  }
  return min_ms;
}

uint64_t LatencyModel::Max() const {
  if (kind == Kind::kFixed) return min_ms;
  if (kind == Kind::kLongTail && tail_probability > 0 && tail_max_ms > max_ms) return tail_max_ms;
  return max_ms;
}

std::string LatencyModel::Describe() const {
  char buf[128];
  switch (kind) {
    case Kind::kFixed:
      std::snprintf(buf, sizeof buf, "fixed %llu ms", static_cast<unsigned long long>(min_ms));
      break;
    case Kind::kUniform:
      std::snprintf(buf, sizeof buf, "uniform %llu-%llu ms",
                    static_cast<unsigned long long>(min_ms),
                    static_cast<unsigned long long>(max_ms));
      break;
    case Kind::kLongTail:
      std::snprintf(buf, sizeof buf, "long-tail %llu-%llu ms, %.3f in %llu-%llu ms",
                    static_cast<unsigned long long>(min_ms),
                    static_cast<unsigned long long>(max_ms), tail_probability,
                    static_cast<unsigned long long>(tail_min_ms),
                    static_cast<unsigned long long>(tail_max_ms));
      break;
  }
  return buf;
}

std::string NetworkConditions::Describe() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, ", drop %.3f, dup %.3f", drop, duplicate);
  return latency.Describe() + buf;
}

// ---------------------------------------------------------------------------------------------
// Network

struct Network::Trip {
  EndpointId from;
  EndpointId to;
  bool is_reply;
  uint8_t opcode;
  uint64_t request_id;
  Timestamp timestamp;
  Status status;  // replies
  std::string body;
  ReplyHandler on_reply;  // requests: where the reply goes; replies: the requester's handler
};

Network::Network(World* world, uint64_t seed, NetworkConditions conditions)
    : world_(world), random_(seed), conditions_(std::move(conditions)) {}

Network::EndpointId Network::Attach(std::string address, OwnerId owner) {
  endpoints_.push_back(Endpoint{std::move(address), owner, nullptr, false});
  for (auto& row : blocked_) row.push_back(false);
  blocked_.emplace_back(endpoints_.size(), false);
  return static_cast<EndpointId>(endpoints_.size() - 1);
}

void Network::SetHandler(EndpointId endpoint, RequestHandler handler) {
  if (!handler) {
    endpoints_[endpoint].handler = nullptr;
    return;
  }
  endpoints_[endpoint].handler = [handler = std::move(handler)](const Request& r, Respond respond) {
    respond(handler(r.opcode, r.timestamp, r.body));
  };
}

void Network::SetAsyncHandler(EndpointId endpoint, AsyncRequestHandler handler) {
  endpoints_[endpoint].handler = std::move(handler);
}

bool Network::Lookup(const std::string& address, EndpointId* endpoint) const {
  for (EndpointId i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i].address == address) {
      *endpoint = i;
      return true;
    }
  }
  return false;
}

void Network::SendRequest(EndpointId from, EndpointId to, uint8_t opcode, Timestamp timestamp,
                          std::string body, uint64_t request_id, ReplyHandler on_reply) {
  auto trip = std::make_shared<Trip>(Trip{from, to, false, opcode, request_id, timestamp, Status(),
                                          std::move(body), std::move(on_reply)});
  Launch(std::move(trip));
}

std::string Network::Describe(const Trip& trip) const {
  char buf[96];
  std::snprintf(buf, sizeof buf, " %s#%llu len=%zu fp=%016llx",
                std::string(protocol::OpcodeName(trip.opcode)).c_str(),
                static_cast<unsigned long long>(trip.request_id), trip.body.size(),
                static_cast<unsigned long long>(Fnv1a64(trip.body)));
  std::string s = trip.is_reply ? "reply " : "req ";
  s += endpoints_[trip.from].address;
  s += "->";
  s += endpoints_[trip.to].address;
  s += buf;
  if (trip.is_reply && !trip.status.ok()) s += " status=" + CodeName(trip.status.code());
  return s;
}

void Network::Launch(std::shared_ptr<const Trip> trip) {
  ++stats_.sent;
  if (blocked_[trip->from][trip->to]) {
    ++stats_.dropped;
    world_->Log("drop " + Describe(*trip) + " (partition)");
    return;
  }
  if (Chance(random_, conditions_.drop)) {
    ++stats_.dropped;
    world_->Log("drop " + Describe(*trip) + " (loss)");
    return;
  }
  uint32_t copies = Chance(random_, conditions_.duplicate) ? 2 : 1;
  if (endpoints_[trip->from].no_duplicates || endpoints_[trip->to].no_duplicates) copies = 1;
  if (copies == 2) ++stats_.duplicated;
  OwnerId owner = endpoints_[trip->to].owner;
  for (uint32_t copy = 0; copy < copies; ++copy) {
    uint64_t latency = conditions_.latency.Sample(random_);
    world_->Log("send " + Describe(*trip) + " copy=" + std::to_string(copy) +
                " lat=" + std::to_string(latency));
    world_->After(latency, owner, trip->is_reply ? "reply" : "request",
                  [this, trip, copy] { Arrive(trip, copy); });
  }
}

void Network::Arrive(const std::shared_ptr<const Trip>& trip, uint32_t copy) {
  const std::string what = Describe(*trip) + " copy=" + std::to_string(copy);
  if (blocked_[trip->from][trip->to]) {
    ++stats_.dropped;
    world_->Log("drop " + what + " (partition on arrival)");
    return;
  }
  if (trip->is_reply) {
    ++stats_.delivered;
    stats_.bytes += trip->body.size();
    world_->Log("deliver " + what);
    trip->on_reply(Reply{trip->status, trip->timestamp, trip->body});
    return;
  }
  const Endpoint& dest = endpoints_[trip->to];
  if (!dest.handler) {
    ++stats_.dropped;
    world_->Log("drop " + what + " (down)");
    return;
  }
  ++stats_.delivered;
  stats_.bytes += trip->body.size();
  world_->Log("deliver " + what);
  // Copy the handler: it may replace itself (a crash inside the handler is not modelled, but a
  // handler must not be destroyed while it runs).
  AsyncRequestHandler handler = dest.handler;
  auto answered = std::make_shared<bool>(false);
  handler(Request{trip->from, trip->opcode, trip->request_id, trip->timestamp, trip->body},
          [this, trip, answered](Reply reply) {
            if (*answered) return;
            *answered = true;
            auto back = std::make_shared<Trip>(Trip{trip->to, trip->from, true, trip->opcode,
                                                    trip->request_id, reply.timestamp, reply.status,
                                                    std::move(reply.body), trip->on_reply});
            Launch(std::move(back));
          });
}

void Network::SetConditions(NetworkConditions conditions) {
  conditions_ = std::move(conditions);
  world_->Log("net conditions " + conditions_.Describe());
}

void Network::Block(const std::vector<EndpointId>& from, const std::vector<EndpointId>& to) {
  for (EndpointId f : from) {
    for (EndpointId t : to) {
      if (f == t || blocked_[f][t]) continue;
      blocked_[f][t] = true;
      ++blocked_links_;
    }
  }
}

void Network::Partition(const std::vector<EndpointId>& a, const std::vector<EndpointId>& b) {
  Block(a, b);
  Block(b, a);
}

void Network::Heal() {
  for (auto& row : blocked_) row.assign(row.size(), false);
  blocked_links_ = 0;
  world_->Log("net heal");
}

}  // namespace memdb::sim
