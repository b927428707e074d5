#include "workload.h"

#include <algorithm>
#include <utility>

#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb::sim {

const char* OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kGet:
      return "GET";
    case OpKind::kSet:
      return "SET";
    case OpKind::kDel:
      return "DEL";
  }
  return "?";
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPending:
      return "pending";
    case Outcome::kOk:
      return "ok";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kUnknown:
      return "unknown";
  }
  return "?";
}

std::string Op::Describe() const {
  std::string s = "#" + std::to_string(id) + " c" + std::to_string(client) + " " +
                  OpKindName(kind) + "@" + std::string(ConsistencyName(level)) + " " + key;
  if (kind == OpKind::kSet) s += "=" + value;
  s += " via n" + std::to_string(node + 1) + " [" + std::to_string(invoke_ms) + "," +
       std::to_string(complete_ms) + "] " + OutcomeName(outcome);
  if (outcome == Outcome::kOk) {
    if (kind == OpKind::kGet && !found) {
      s += " not-found";
    } else {
      s += " v=" + std::to_string(version.timestamp) + "/" + std::to_string(version.node_id);
      if (kind == OpKind::kGet) s += " value=" + read_value;
    }
  } else if (outcome != Outcome::kPending) {
    s += " " + CodeName(code) + ": " + message;
  }
  return s;
}

struct Workload::Client {
  uint32_t index = 0;
  OwnerId owner = 0;
  std::unique_ptr<SimTransport> transport;
  Timestamp seen = 0;  // the highest hybrid timestamp heard from a node
  uint64_t writes = 0;
};

Workload::Workload(SimCluster* cluster, const WorkloadOptions& options, uint64_t seed)
    : cluster_(cluster), options_(options), random_(seed) {
  World& world = cluster_->world();
  Network& network = cluster_->network();
  for (uint32_t i = 0; i < options_.clients; ++i) {
    auto c = std::make_unique<Client>();
    c->index = i + 1;
    c->owner = world.AddOwner("client" + std::to_string(i + 1));
    const Network::EndpointId endpoint =
        network.Attach("client" + std::to_string(i + 1) + ":0", c->owner);
    network.SetNoDuplicates(endpoint);  // a client's TCP connection
    c->transport = std::make_unique<SimTransport>(&world, &network, endpoint, c->owner,
                                                  options_.client_timeout_ms);
    clients_.push_back(std::move(c));
  }
}

Workload::~Workload() = default;

void Workload::Start(uint64_t at_ms) {
  running_ = true;
  for (auto& c : clients_) {
    Client* client = c.get();
    cluster_->world().At(at_ms + random_.Uniform(options_.think_max_ms + 1), client->owner,
                         "client-op", [this, client] { Issue(*client); });
  }
}

void Workload::Issue(Client& client) {
  if (!running_) return;
  World& world = cluster_->world();
  Op op;
  op.id = history_.size();
  op.client = client.index;
  op.node = static_cast<uint32_t>(random_.Uniform(cluster_->size()));
  op.key = KeyName(static_cast<uint32_t>(random_.Uniform(options_.keys)));
  const uint64_t kind_roll = random_.Uniform(100);
  op.kind = kind_roll < options_.get_percent         ? OpKind::kGet
            : kind_roll < 100 - options_.del_percent ? OpKind::kSet
                                                     : OpKind::kDel;
  const uint64_t level_roll = random_.Uniform(100);
  op.level = level_roll < options_.one_percent                          ? Consistency::kOne
             : level_roll < options_.one_percent + options_.all_percent ? Consistency::kAll
                                                                        : Consistency::kQuorum;
  if (op.kind == OpKind::kSet) {
    op.value = "c" + std::to_string(client.index) + "-" + std::to_string(++client.writes);
  }
  op.invoke_ms = world.now_ms();

  protocol::RequestOptions request_options;
  request_options.consistency = op.level;
  request_options.deadline_ms = options_.deadline_ms;
  std::string frame;
  const auto request_id = static_cast<uint32_t>(op.id + 1);
  switch (op.kind) {
    case OpKind::kGet:
      protocol::AppendKeyRequestCl(&frame, protocol::Opcode::kGet, request_id, client.seen,
                                   request_options, op.key);
      break;
    case OpKind::kSet:
      protocol::AppendSetRequestCl(&frame, request_id, client.seen, request_options, op.key,
                                   op.value);
      break;
    case OpKind::kDel:
      protocol::AppendKeyRequestCl(&frame, protocol::Opcode::kDel, request_id, client.seen,
                                   request_options, op.key);
      break;
  }
  // The simulated network carries (opcode, timestamp, body): split the frame the client built.
  protocol::DecodeResult decoded = protocol::DecodeFrame(frame, protocol::Limits(), false);
  const uint8_t opcode = decoded.frame.header.opcode;
  std::string body(decoded.frame.body);

  world.Log("client" + std::to_string(client.index) + " invoke " + op.Describe());
  history_.push_back(std::move(op));
  ++in_flight_;
  const uint64_t id = history_.back().id;
  Client* c = &client;
  client.transport->Send(
      NodeAddress(history_.back().node), opcode, client.seen, std::move(body), 0,
      [this, c, id](const cluster::PeerResponse& response) { Complete(*c, id, response); });
}

void Workload::Complete(Client& client, uint64_t id, const cluster::PeerResponse& response) {
  World& world = cluster_->world();
  Op& op = history_[id];
  --in_flight_;
  op.complete_ms = world.now_ms();
  client.seen = std::max(client.seen, response.timestamp);
  if (response.status.ok()) {
    Status parsed;
    switch (op.kind) {
      case OpKind::kGet: {
        protocol::GetResult get;
        parsed = protocol::ParseGetResponse(response.body, &get);
        op.found = get.found;
        if (get.found) {
          op.version = get.version;
          op.read_value.assign(get.value);
        }
        break;
      }
      case OpKind::kSet:
        parsed = protocol::ParseSetResponse(response.body, &op.version);
        break;
      case OpKind::kDel: {
        protocol::DelResult del;
        parsed = protocol::ParseDelResponse(response.body, &del);
        op.existed = del.existed;
        op.version = del.version;
        break;
      }
    }
    if (parsed.ok()) {
      op.outcome = Outcome::kOk;
    } else {
      // An OK reply that does not parse: the outcome of a write is unknown.
      op.outcome = Outcome::kUnknown;
      op.code = parsed.code();
      op.message = "reply does not parse: " + parsed.message();
    }
  } else {
    op.code = response.status.code();
    op.message = response.status.message();
    // UNAVAILABLE is the one answer that promises nothing was written.
    op.outcome = op.code == Code::kUnavailable ? Outcome::kFailed : Outcome::kUnknown;
  }
  world.Log("client" + std::to_string(client.index) + " complete " + op.Describe());
  if (!running_) return;
  const uint64_t think =
      options_.think_min_ms + random_.Uniform(options_.think_max_ms - options_.think_min_ms + 1);
  Client* c = &client;
  world.After(think, client.owner, "client-op", [this, c] { Issue(*c); });
}

}  // namespace memdb::sim
