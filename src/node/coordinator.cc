#include "node/coordinator.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "node/node.h"
#include "protocol/consistency_messages.h"
#include "protocol/replica_messages.h"
#include "replication/hint_store.h"
#include "store/key_hash.h"

namespace memdb {

using protocol::Frame;
using protocol::Opcode;
using protocol::ReplicaState;

namespace {

std::string LevelName(Consistency level) {
  std::string name(ConsistencyName(level));
  for (char& c : name) c = static_cast<char>(c - 'a' + 'A');
  return name;
}

// The reply frame starting at `start` of `frame` goes out under the request's opcode (plain or
// _CL) and, for a client of a node that holds no copy, with the not-owner hint.
void Readdress(std::string* frame, size_t start, uint8_t opcode, bool not_owner) {
  protocol::SetEncodedOpcode(frame, start, opcode);
  if (not_owner) protocol::AddEncodedFlags(frame, start, protocol::kFlagNotOwner);
}

// "node 3" / "nodes 2, 3".
std::string NodeList(const std::vector<NodeId>& ids) {
  std::string text = ids.size() == 1 ? "node " : "nodes ";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(ids[i]);
  }
  return text;
}

// Whether a failed replica write should be retried later by hinted handoff: not when the
// replica refused the write itself for what it is (it would refuse it again).
bool WorthAHint(Code code) {
  return code != Code::kBadRequest && code != Code::kKeyTooLarge && code != Code::kValueTooLarge;
}

}  // namespace

// ============================================================================================
// Request state
// ============================================================================================

struct Coordinator::Request {
  struct Replica {
    NodeId id = 0;
    std::string address;
    bool self = false;
    bool up = false;
  };

  uint8_t opcode = 0;  // as received: plain or _CL
  Opcode plain = Opcode::kGet;
  uint32_t request_id = 0;
  Consistency level = Consistency::kQuorum;
  uint32_t deadline_ms = 0;
  bool not_owner = false;  // a client's request for a key this node holds no copy of
  std::string key;         // copies: the frame's body dies with the connection's input
  std::string value;
  std::vector<Replica> replicas;
  size_t required = 0;  // acknowledgements / answers the level needs
  size_t up = 0;        // replicas up in this node's view (itself included)
  uint64_t start_ms = 0;

  // "QUORUM needs 2 replicas, 1 up (node 3 down)".
  std::string NotEnoughUp() const {
    std::vector<NodeId> down;
    for (const Replica& r : replicas) {
      if (!r.up) down.push_back(r.id);
    }
    return LevelName(level) + " needs " + std::to_string(required) +
           (required == 1 ? " replica, " : " replicas, ") + std::to_string(up) + " up (" +
           NodeList(down) + " down)";
  }
};

struct Coordinator::Op {
  Coordinator* coordinator = nullptr;
  Request request;
  bool replied = false;
  std::string* sync_out = nullptr;  // set while Handle runs: the reply is appended there
  DeferredReply deferred;           // afterwards the reply fills its reserved place

  // Sends the reply frame built by `append` (an Append*Response into a buffer), re-addressed.
  template <typename AppendFn>
  void Reply(AppendFn append) {
    if (replied) return;
    replied = true;
    if (sync_out != nullptr) {  // straight into the connection's buffer: no copy
      const size_t start = sync_out->size();
      append(sync_out);
      Readdress(sync_out, start, request.opcode, request.not_owner);
      return;
    }
    std::string frame;
    append(&frame);
    Readdress(&frame, 0, request.opcode, request.not_owner);
    deferred.Fill(std::move(frame));
  }

  void ReplyError(Code code, const std::string& message) {
    coordinator->node_->CountRequestError();
    Reply([&](std::string* out) {
      protocol::AppendErrorResponse(out, request.opcode, request.request_id,
                                    coordinator->node_->clock().Current(), code, message);
    });
  }

  void Observe(const cluster::PeerResponse& response) {
    if (response.timestamp != 0) (void)coordinator->node_->clock().Observe(response.timestamp);
  }

  static std::string Describe(const Request::Replica& replica, const Status& status) {
    return "node " + std::to_string(replica.id) + " (" + replica.address +
           "): " + status.ToString();
  }
};

// ============================================================================================
// Handle: the lone-node fast path, parsing, the preference list
// ============================================================================================

Coordinator::Coordinator(Node* node, const cluster::Gossiper* gossiper,
                         cluster::PeerTransport* transport, HintStore* hints,
                         const ReplicationOptions& options)
    : node_(node), gossiper_(gossiper), transport_(transport), hints_(hints), options_(options) {}

oplog::Lsn Coordinator::Handle(const Frame& frame, ReplyBuffer* replies, bool from_peer) {
  const Ring& ring = gossiper_->ring();
  const NodeId self = gossiper_->self_id();
  // A lone node: every key is here alone, exactly as without replication.
  if (ring.empty() || (ring.node_count() == 1 && ring.tokens().front().second == self)) {
    return node_->HandleRequest(frame, replies->bytes(), from_peer);
  }

  std::string* out = replies->bytes();
  if (!node_->BeginRequest(frame, out)) return 0;
  const protocol::FrameHeader& h = frame.header;
  Request request;
  request.opcode = h.opcode;
  request.request_id = h.request_id;
  request.plain = protocol::PlainKeyOpcode(h.opcode);
  protocol::RequestOptions request_options;
  std::string_view body = frame.body;
  Status status;
  if (protocol::IsConsistencyOpcode(h.opcode)) {
    status = protocol::ParseConsistencyPrefix(frame.body, &request_options, &body);
  }
  const protocol::Limits& limits = node_->options().limits;
  if (status.ok()) {
    if (request.plain == Opcode::kSet) {
      protocol::SetRequest set;
      status = protocol::ParseSetRequest(body, limits, &set);
      request.key.assign(set.key);
      request.value.assign(set.value);
    } else {
      std::string_view key;
      status = protocol::ParseKeyRequest(body, limits, &key);
      request.key.assign(key);
    }
  }
  if (!status.ok()) {
    node_->CountRequestError();
    protocol::AppendErrorResponse(out, h.opcode, h.request_id, node_->clock().Current(),
                                  status.code(), status.message());
    return 0;
  }

  const bool is_write = request.plain == Opcode::kSet || request.plain == Opcode::kDel;
  request.level = request_options.consistency;
  if (request.level == Consistency::kDefault) {
    request.level = is_write ? options_.write_consistency : options_.read_consistency;
  }
  if (request.level == Consistency::kDefault) request.level = Consistency::kQuorum;
  request.deadline_ms =
      request_options.deadline_ms != 0 ? request_options.deadline_ms : options_.request_timeout_ms;
  request.start_ms = NowMs();

  const size_t rf = std::max<uint32_t>(options_.replication_factor, 1);
  bool is_replica = false;
  for (NodeId id : ring.PreferenceOfKey(request.key, rf)) {
    Request::Replica replica;
    replica.id = id;
    replica.self = id == self;
    if (replica.self) {
      replica.up = true;
      is_replica = true;
    } else {
      replica.address = gossiper_->AddressOf(id);
      replica.up = gossiper_->IsUp(id) && !replica.address.empty();
    }
    if (replica.up) ++request.up;
    request.replicas.push_back(std::move(replica));
  }
  request.required = RequiredReplicas(request.level, request.replicas.size());
  if (!is_replica) ++counters_.not_replica;
  request.not_owner = !is_replica && !from_peer;
  return is_write ? HandleWrite(std::move(request), replies)
                  : HandleRead(std::move(request), replies);
}

// ============================================================================================
// Writes
// ============================================================================================

struct Coordinator::WriteOp : Op {
  oplog::RecordType type = oplog::RecordType::kPut;
  Version version;
  size_t acks = 0;
  size_t pending = 0;      // replica writes sent, not answered yet
  bool timed_out = false;  // a replica did not answer within the deadline
  bool existed = false;    // DEL: some replica replaced a live value
  std::string failures;    // "; node 2 (...): TIMEOUT: ..." for the error message

  oplog::Record record() const { return oplog::Record{type, version, request.key, request.value}; }

  void Progress() {
    if (replied) return;
    if (acks >= request.required) {
      Coordinator* c = coordinator;
      Reply([&](std::string* out) {
        const Timestamp now = c->node_->clock().Current();
        if (type == oplog::RecordType::kPut) {
          protocol::AppendSetResponse(out, request.request_id, now, version);
        } else {
          protocol::AppendDelResponse(out, request.request_id, now,
                                      protocol::DelResult{existed, version});
        }
      });
      return;
    }
    if (pending > 0) return;
    const std::string level = LevelName(request.level);
    const std::string counts = std::to_string(acks) + " of " + std::to_string(request.required) +
                               " required acknowledgements (" +
                               std::to_string(request.replicas.size()) + " replicas)";
    if (timed_out) {
      ++coordinator->counters_.timeouts;
      ReplyError(Code::kTimeout, level + " not reached in time: " + counts +
                                     "; the write may or may not have been applied (outcome "
                                     "unknown)" +
                                     failures);
    } else {
      ++coordinator->counters_.unavailable;
      ReplyError(Code::kUnavailable, level + " not reached: " + counts +
                                         "; the write may or may not have been applied "
                                         "(outcome unknown)" +
                                         failures);
    }
  }

  void OnResponse(size_t index, const cluster::PeerResponse& response) {
    --pending;
    Observe(response);
    const Request::Replica& replica = request.replicas[index];
    Status status = response.status;
    protocol::ReplicaWriteResult result;
    if (status.ok()) status = protocol::ParseReplicaWriteResponseBody(response.body, &result);
    if (status.ok()) {
      ++acks;
      existed |= result.replaced_live;
    } else {
      ++coordinator->counters_.replica_failures;
      if (status.code() == Code::kTimeout) timed_out = true;
      failures += "; " + Describe(replica, status);
      if (WorthAHint(status.code())) coordinator->Hint(replica.id, record());
    }
    Progress();
  }
};

oplog::Lsn Coordinator::HandleWrite(Request request, ReplyBuffer* replies) {
  ++counters_.writes;
  std::string* out = replies->bytes();
  auto op = std::make_shared<WriteOp>();
  op->coordinator = this;
  op->request = std::move(request);
  op->sync_out = out;
  const Request& r = op->request;
  if (r.up < r.required) {
    ++counters_.unavailable;
    op->ReplyError(Code::kUnavailable, r.NotEnoughUp());
    return 0;
  }
  op->type = r.plain == Opcode::kSet ? oplog::RecordType::kPut : oplog::RecordType::kDelete;
  op->version = Version{node_->clock().Tick(), node_->options().node_id};

  // The local copy first: if this node cannot take the write (its log failed, a record too
  // large), nothing is sent anywhere.
  bool local = false;
  for (const Request::Replica& replica : r.replicas) {
    if (!replica.self) continue;
    local = true;
    Result<Store::ApplyResult> applied = op->type == oplog::RecordType::kPut
                                             ? node_->ApplyPut(r.key, r.value, op->version)
                                             : node_->ApplyDelete(r.key, op->version);
    if (!applied.ok()) {
      op->ReplyError(applied.status().code(), applied.status().message());
      return 0;
    }
    ++op->acks;
    op->existed |= applied->replaced_live;
  }

  const protocol::ReplicaWriteKind kind = op->type == oplog::RecordType::kPut
                                              ? protocol::ReplicaWriteKind::kPut
                                              : protocol::ReplicaWriteKind::kDelete;
  std::string body;
  protocol::AppendReplicaWriteBody(protocol::ReplicaWrite{kind, op->version, r.key, r.value},
                                   &body);
  const uint32_t timeout_ms = RemainingMs(r.start_ms, r.deadline_ms);
  std::vector<size_t> to_send;
  for (size_t i = 0; i < r.replicas.size(); ++i) {
    const Request::Replica& replica = r.replicas[i];
    if (replica.self) continue;
    if (!replica.up) {
      ++counters_.replica_writes_skipped;
      Hint(replica.id, op->record());
      continue;
    }
    to_send.push_back(i);
  }
  op->pending = to_send.size();
  op->Progress();  // ONE with the local copy: answered now
  for (size_t i : to_send) {
    ++counters_.replica_requests;
    transport_->Send(
        op->request.replicas[i].address, static_cast<uint8_t>(Opcode::kReplicaWrite),
        node_->clock().Current(), body, timeout_ms,
        [op, i](const cluster::PeerResponse& response) { op->OnResponse(i, response); });
  }
  op->sync_out = nullptr;
  if (!op->replied) op->deferred = replies->Defer();
  return local ? node_->UnackedLsn() : 0;
}

// ============================================================================================
// Reads
// ============================================================================================

struct Coordinator::ReadOp : Op, std::enable_shared_from_this<ReadOp> {
  struct Slot {
    bool asked = false;
    bool answered = false;
    bool catching_up = false;
    ReplicaState state = ReplicaState::kAbsent;
    Version version;
    std::string value;
    bool repair_sent = false;  // a repair with `repair_version` was sent (or applied)
    Version repair_version;
    bool repair_acked = false;
  };

  std::vector<Slot> slots;  // parallel to request.replicas
  size_t pending_reads = 0;
  size_t pending_repairs = 0;
  bool timed_out = false;
  std::string failures;

  // The answered slot with the highest version; nullopt when none answered.
  std::optional<size_t> Newest() const {
    std::optional<size_t> best;
    for (size_t i = 0; i < slots.size(); ++i) {
      if (!slots[i].answered) continue;
      if (!best || slots[i].version > slots[*best].version) best = i;
    }
    return best;
  }

  // Answers that count toward the level: at ONE a replica still catching up counts only with
  // another replica's answer, never alone.
  size_t Counted() const {
    size_t answered = 0;
    size_t current = 0;
    for (const Slot& s : slots) {
      if (!s.answered) continue;
      ++answered;
      if (!s.catching_up) ++current;
    }
    if (request.level == Consistency::kOne) return current > 0 ? answered : 0;
    return answered;
  }

  // Whether slot `i` is known to hold version `v` (answered with it, or acknowledged a repair).
  bool Holds(size_t i, Version v) const {
    const Slot& s = slots[i];
    return (s.answered && s.version == v) || (s.repair_acked && s.repair_version == v);
  }

  void Progress() {
    const std::optional<size_t> newest = Newest();
    if (!replied) {
      if (Counted() < request.required) {
        if (pending_reads == 0) FailRead();
        return;
      }
      if (request.level != Consistency::kOne) {
        // QUORUM / ALL: the answer must be on R replicas before it is given, so that a later
        // quorum read cannot miss it.
        SendRepairs(*newest, coordinator->RemainingMs(request.start_ms, request.deadline_ms));
        size_t holders = 0;
        for (size_t i = 0; i < slots.size(); ++i) holders += Holds(i, slots[*newest].version);
        if (holders < request.required) {
          if (pending_reads == 0 && pending_repairs == 0) FailRepair(holders);
          return;
        }
      }
      Answer(*newest);
    }
    // After the answer: late and stale replicas are repaired in the background.
    if (newest) SendRepairs(*newest, coordinator->options_.request_timeout_ms);
  }

  void Answer(size_t newest) {
    const Slot& s = slots[newest];
    Coordinator* c = coordinator;
    Reply([&](std::string* out) {
      const Timestamp now = c->node_->clock().Current();
      if (request.plain == Opcode::kContains) {
        protocol::AppendContainsResponse(out, request.request_id, now,
                                         s.state == ReplicaState::kLive);
      } else {
        protocol::GetResult result;
        if (s.state == ReplicaState::kLive) {
          result.found = true;
          result.version = s.version;
          result.value = s.value;
        }
        protocol::AppendGetResponse(out, request.request_id, now, result);
      }
    });
  }

  void FailRead() {
    size_t answered = 0;
    size_t catching_up = 0;
    const bool at_one = request.level == Consistency::kOne;
    for (const Slot& s : slots) {
      answered += s.answered && !(at_one && s.catching_up);
      catching_up += s.answered && s.catching_up;
    }
    std::string message = LevelName(request.level) + " not reached" +
                          (timed_out ? " in time: " : ": ") + std::to_string(answered) + " of " +
                          std::to_string(request.required) + " replicas answered";
    if (at_one && catching_up > 0) {
      message += " (" + std::to_string(catching_up) +
                 " more answered but are still catching up and cannot serve a ONE read alone)";
    }
    message += failures;
    if (timed_out) {
      ++coordinator->counters_.timeouts;
      ReplyError(Code::kTimeout, message);
    } else {
      ++coordinator->counters_.unavailable;
      ReplyError(Code::kUnavailable, message);
    }
  }

  void FailRepair(size_t holders) {
    ++coordinator->counters_.timeouts;
    ReplyError(Code::kTimeout,
               LevelName(request.level) + " read repair not acknowledged in time: the newest " +
                   "version is on " + std::to_string(holders) + " of " +
                   std::to_string(request.required) + " required replicas" + failures);
  }

  // Sends the newest entry to every replica that answered something older (or nothing).
  void SendRepairs(size_t newest, uint32_t timeout_ms) {
    const Slot& best = slots[newest];
    if (best.state == ReplicaState::kAbsent) return;  // nothing anywhere: nothing to repair
    const Version v = best.version;
    const bool put = best.state == ReplicaState::kLive;
    std::string body;
    for (size_t i = 0; i < slots.size(); ++i) {
      Slot& s = slots[i];
      if (!s.answered || s.version >= v || (s.repair_sent && s.repair_version == v)) continue;
      s.repair_sent = true;
      s.repair_version = v;
      s.repair_acked = false;
      ++coordinator->counters_.read_repairs;
      Node* node = coordinator->node_;
      if (request.replicas[i].self) {
        Result<Store::ApplyResult> applied =
            put ? node->ApplyPut(request.key, best.value, v) : node->ApplyDelete(request.key, v);
        s.repair_acked = applied.ok();
        continue;
      }
      if (body.empty()) {
        protocol::AppendReplicaWriteBody(
            protocol::ReplicaWrite{
                put ? protocol::ReplicaWriteKind::kPut : protocol::ReplicaWriteKind::kDelete, v,
                request.key, best.value},
            &body);
      }
      ++pending_repairs;
      ++coordinator->counters_.replica_requests;
      auto self = shared_from_this();
      coordinator->transport_->Send(
          request.replicas[i].address, static_cast<uint8_t>(Opcode::kReplicaWrite),
          node->clock().Current(), body, timeout_ms,
          [self, i, v](const cluster::PeerResponse& response) { self->OnRepair(i, v, response); });
    }
  }

  void OnRead(size_t index, const cluster::PeerResponse& response) {
    --pending_reads;
    Observe(response);
    Status status = response.status;
    protocol::ReplicaReadResult result;
    if (status.ok()) status = protocol::ParseReplicaReadResponseBody(response.body, &result);
    if (status.ok()) {
      Slot& s = slots[index];
      s.answered = true;
      s.catching_up = result.catching_up;
      s.state = result.state;
      s.version = result.version;
      s.value.assign(result.value);
    } else {
      ++coordinator->counters_.replica_failures;
      if (status.code() == Code::kTimeout) timed_out = true;
      failures += "; " + Describe(request.replicas[index], status);
    }
    Progress();
  }

  void OnRepair(size_t index, Version v, const cluster::PeerResponse& response) {
    --pending_repairs;
    Observe(response);
    Status status = response.status;
    protocol::ReplicaWriteResult result;
    if (status.ok()) status = protocol::ParseReplicaWriteResponseBody(response.body, &result);
    Slot& s = slots[index];
    if (status.ok()) {
      if (s.repair_version == v) s.repair_acked = true;
    } else {
      ++coordinator->counters_.replica_failures;
      if (status.code() == Code::kTimeout) timed_out = true;
      failures += "; repair of " + Describe(request.replicas[index], status);
    }
    Progress();
  }
};

oplog::Lsn Coordinator::HandleRead(Request request, ReplyBuffer* replies) {
  ++counters_.reads;
  auto op = std::make_shared<ReadOp>();
  op->coordinator = this;
  op->request = std::move(request);
  op->sync_out = replies->bytes();
  const Request& r = op->request;
  if (r.up < r.required) {
    ++counters_.unavailable;
    op->ReplyError(Code::kUnavailable, r.NotEnoughUp());
    return 0;
  }
  op->slots.resize(r.replicas.size());
  bool local = false;
  std::vector<size_t> to_ask;
  for (size_t i = 0; i < r.replicas.size(); ++i) {
    const Request::Replica& replica = r.replicas[i];
    ReadOp::Slot& slot = op->slots[i];
    if (!replica.up) continue;
    slot.asked = true;
    if (!replica.self) {
      to_ask.push_back(i);
      continue;
    }
    local = true;
    slot.answered = true;
    slot.catching_up = !node_->IsCaughtUp(KeyHash(r.key));
    if (auto found = node_->store().Find(r.key)) {
      slot.state = found->tombstone ? ReplicaState::kTombstone : ReplicaState::kLive;
      slot.version = found->version;
      slot.value.assign(found->value);
    }
  }
  op->pending_reads = to_ask.size();
  op->Progress();  // ONE with an up-to-date local copy: answered now
  std::string body;
  protocol::AppendReplicaReadBody(r.key, &body);
  const uint32_t timeout_ms = RemainingMs(r.start_ms, r.deadline_ms);
  for (size_t i : to_ask) {
    ++counters_.replica_requests;
    transport_->Send(op->request.replicas[i].address, static_cast<uint8_t>(Opcode::kReplicaRead),
                     node_->clock().Current(), body, timeout_ms,
                     [op, i](const cluster::PeerResponse& response) { op->OnRead(i, response); });
  }
  op->sync_out = nullptr;
  if (!op->replied) op->deferred = replies->Defer();
  return local ? node_->UnackedLsn() : 0;
}

// ============================================================================================
// Helpers and stats
// ============================================================================================

void Coordinator::Hint(NodeId target, const oplog::Record& record) {
  if (hints_ == nullptr) return;
  if (hints_->Add(target, record, NowMs())) ++counters_.hints_written;
}

uint64_t Coordinator::NowMs() const {
  return node_->monotonic() != nullptr ? node_->monotonic()->NowMillis() : 0;
}

uint32_t Coordinator::RemainingMs(uint64_t start_ms, uint32_t deadline_ms) const {
  const uint64_t elapsed = NowMs() - start_ms;
  if (elapsed >= deadline_ms) return 1;
  return static_cast<uint32_t>(deadline_ms - elapsed);
}

void Coordinator::AppendStats(std::vector<protocol::Stat>* out) const {
  const CoordinatorCounters& c = counters_;
  out->insert(out->end(), {
                              {"replication_reads", c.reads},
                              {"replication_writes", c.writes},
                              {"replication_unavailable", c.unavailable},
                              {"replication_timeouts", c.timeouts},
                              {"replica_requests", c.replica_requests},
                              {"replica_failures", c.replica_failures},
                              {"replica_writes_skipped", c.replica_writes_skipped},
                              {"read_repairs", c.read_repairs},
                              {"hints_written", c.hints_written},
                              {"coordinated_not_replica", c.not_replica},
                          });
}

}  // namespace memdb
