#include "node/anti_entropy.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "node/node.h"
#include "protocol/anti_entropy_messages.h"
#include "protocol/replica_messages.h"
#include "store/key_hash.h"

namespace memdb {

using protocol::Opcode;

namespace {

std::string RangeName(oplog::HashRange range) {
  if (range.begin == range.end) return "the whole ring";
  return "range (" + std::to_string(range.begin) + ", " + std::to_string(range.end) + "]";
}

// Position of a hash inside `range`, from 0 (its first hash).
uint64_t OffsetIn(oplog::HashRange range, uint64_t hash) { return hash - range.begin - 1; }

}  // namespace

AntiEntropy::AntiEntropy(Node* node, const cluster::Gossiper* gossiper,
                         cluster::PeerTransport* transport, const ReplicationOptions& options)
    : node_(node), gossiper_(gossiper), transport_(transport), options_(options) {}

AntiEntropy::~AntiEntropy() { *alive_ = false; }

uint64_t AntiEntropy::NowMs() const {
  return node_->monotonic() != nullptr ? node_->monotonic()->NowMillis() : last_now_ms_;
}

Timestamp AntiEntropy::Horizon() {
  // Tick, not Current: the physical floor dates the horizon even on an idle node.
  const uint64_t ms = HlcMillis(node_->clock().Tick());
  if (ms <= options_.tombstone_grace_ms) return 0;
  return Timestamp{ms - options_.tombstone_grace_ms} << kHlcLogicalBits;
}

void AntiEntropy::Send(const std::string& address, Opcode opcode, std::string body,
                       std::function<void(const cluster::PeerResponse&)> on_answer) {
  std::weak_ptr<bool> alive = alive_;
  transport_->Send(address, static_cast<uint8_t>(opcode), node_->clock().Current(), std::move(body),
                   options_.request_timeout_ms,
                   [alive, on_answer = std::move(on_answer)](const cluster::PeerResponse& r) {
                     auto still = alive.lock();
                     if (!still || !*still) return;
                     on_answer(r);
                   });
}

Status AntiEntropy::ApplyEntry(std::string_view key, const PeerCopy& copy, std::string_view value,
                               bool* applied) {
  Result<Store::ApplyResult> result = copy.tombstone ? node_->ApplyDelete(key, copy.version)
                                                     : node_->ApplyPut(key, value, copy.version);
  if (!result.ok()) return result.status();
  *applied = result->applied;
  return Status::Ok();
}

// ============================================================================================
// Planning and driving a run
// ============================================================================================

std::vector<AntiEntropy::Task> AntiEntropy::PlanTasks() const {
  const Ring& ring = gossiper_->ring();
  const NodeId self = gossiper_->self_id();
  const auto& tokens = ring.tokens();
  const size_t n = tokens.size();
  std::map<NodeId, std::vector<oplog::HashRange>> per_peer;
  for (size_t i = 0; i < n; ++i) {
    const Token end = tokens[i].first;
    const Token begin = tokens[(i + n - 1) % n].first;
    if (n > 1 && begin == end) continue;  // a token two nodes picked: an empty range
    const std::vector<NodeId> replicas = ring.Preference(end, options_.replication_factor);
    if (std::find(replicas.begin(), replicas.end(), self) == replicas.end()) continue;
    for (NodeId peer : replicas) {
      if (peer == self) continue;
      std::vector<oplog::HashRange>& ranges = per_peer[peer];
      if (!ranges.empty() && ranges.back().end == begin && ranges.back().begin != begin) {
        ranges.back().end = end;  // contiguous: one span
      } else {
        ranges.push_back(oplog::HashRange{begin, end});
      }
    }
  }
  std::vector<Task> tasks;
  for (auto& [peer, ranges] : per_peer) {
    // The last span may continue into the first across the ring's start.
    if (ranges.size() > 1 && ranges.back().end == ranges.front().begin) {
      ranges.front().begin = ranges.back().begin;
      ranges.pop_back();
    }
    for (const oplog::HashRange& range : ranges) tasks.push_back(Task{peer, range});
  }
  return tasks;
}

void AntiEntropy::Tick(uint64_t now_ms) {
  last_now_ms_ = now_ms;
  const uint64_t interval = options_.anti_entropy.interval_ms;
  if (interval == 0) return;
  if (next_run_ms_ == 0) next_run_ms_ = now_ms + interval;
  if (!progress_.running && now_ms >= next_run_ms_) StartRun(now_ms);
}

RepairProgress AntiEntropy::Repair(RepairAction action, uint64_t now_ms) {
  last_now_ms_ = now_ms;
  bool started = false;
  if (action == RepairAction::kStart && !progress_.running) {
    StartRun(now_ms);
    started = true;
  }
  RepairProgress report = progress_;
  report.started_now = started;
  if (report.running) report.elapsed_ms = now_ms - run_started_ms_;
  return report;
}

void AntiEntropy::StartRun(uint64_t now_ms) {
  const uint64_t run_id = progress_.run_id + 1;
  progress_ = RepairProgress{};
  progress_.run_id = run_id;
  progress_.running = true;
  run_started_ms_ = now_ms;
  if (options_.anti_entropy.interval_ms != 0) {
    next_run_ms_ = now_ms + options_.anti_entropy.interval_ms;
  }
  ++runs_;
  tasks_ = PlanTasks();
  next_task_ = 0;
  progress_.ranges_total = tasks_.size();
  NextPair();
}

void AntiEntropy::NextPair() {
  pair_.reset();
  while (next_task_ < tasks_.size()) {
    const Task task = tasks_[next_task_++];
    Pair pair;
    pair.seq = ++pair_seq_;
    pair.task = task;
    pair.address = gossiper_->AddressOf(task.peer);
    pair_ = std::move(pair);
    if (!gossiper_->IsUp(task.peer)) {
      FailPair("node " + std::to_string(task.peer) + " is down");
      continue;
    }
    if (pair_->address.empty()) {
      FailPair("node " + std::to_string(task.peer) + " has no known address");
      continue;
    }
    // One pass builds the tree at the cap; the depth follows from the count (Fold is exact).
    const uint32_t cap = std::min(options_.anti_entropy.max_leaves_log2, MerkleTree::kMaxDepth);
    MerkleTree full(task.range, cap);
    node_->store().ForEach([&](std::string_view key, const StoredValue& v) {
      full.Add(KeyHash(key), v.version, v.tombstone);
    });
    pair_->local = full.Fold(MerkleTree::DepthFor(full.entries(), cap));
    pair_->horizon = Horizon();
    protocol::MerkleTreeRequest request{task.range.begin, task.range.end, pair_->local->depth()};
    std::string body;
    protocol::AppendMerkleTreeRequestBody(request, &body);
    const uint64_t seq = pair_->seq;
    Send(pair_->address, Opcode::kMerkleTree, std::move(body),
         [this, seq](const cluster::PeerResponse& r) { OnTree(seq, r); });
    return;
  }
  // Every pair done.
  progress_.running = false;
  progress_.elapsed_ms = NowMs() - run_started_ms_;
}

void AntiEntropy::FailPair(const std::string& error) {
  ++progress_.ranges_failed;
  ++ranges_failed_;
  progress_.last_error = RangeName(pair_->task.range) + " with node " +
                         std::to_string(pair_->task.peer) + ": " + error;
  pair_.reset();
}

void AntiEntropy::FinishPair() {
  ++progress_.ranges_done;
  ++ranges_done_;
  pair_.reset();
}

void AntiEntropy::OnTree(uint64_t seq, const cluster::PeerResponse& response) {
  if (!pair_ || pair_->seq != seq) return;
  if (!response.status.ok()) {
    FailPair("MERKLE_TREE failed: " + response.status.ToString());
    return NextPair();
  }
  (void)node_->clock().Observe(response.timestamp);
  progress_.bytes_transferred += response.body.size();
  bytes_transferred_ += response.body.size();
  protocol::MerkleTreeResponse tree;
  Status s = protocol::ParseMerkleTreeResponseBody(response.body, &tree);
  if (s.ok() && tree.depth != pair_->local->depth()) {
    s = Status(Code::kBadRequest, "MERKLE_TREE answered depth " + std::to_string(tree.depth) +
                                      ", asked " + std::to_string(pair_->local->depth()));
  }
  Result<MerkleTree> theirs =
      s.ok() ? MerkleTree::FromLeaves(pair_->task.range, tree.depth, std::move(tree.leaves))
             : Result<MerkleTree>(s);
  Result<std::vector<uint32_t>> different =
      theirs.ok() ? pair_->local->Diff(*theirs) : Result<std::vector<uint32_t>>(theirs.status());
  if (!different.ok()) {
    FailPair(different.status().ToString());
    return NextPair();
  }
  progress_.leaves_different += different->size();
  leaves_different_ += different->size();
  if (different->empty()) {
    FinishPair();
    return NextPair();
  }
  pair_->leaf_set.assign(pair_->local->leaves().size(), false);
  for (uint32_t leaf : *different) pair_->leaf_set[leaf] = true;
  pair_->leaves = std::move(different).value();
  pair_->local.reset();
  RequestEntries();
}

void AntiEntropy::RequestEntries() {
  protocol::RangeEntriesRequest request;
  request.range_begin = pair_->task.range.begin;
  request.range_end = pair_->task.range.end;
  request.depth =
      static_cast<uint32_t>(std::countr_zero(static_cast<uint64_t>(pair_->leaf_set.size())));
  request.max_bytes = options_.anti_entropy.max_batch_bytes;
  request.leaves = pair_->leaves;
  request.has_cursor = pair_->has_cursor;
  request.cursor = pair_->cursor;
  std::string body;
  protocol::AppendRangeEntriesRequestBody(request, &body);
  const uint64_t seq = pair_->seq;
  Send(pair_->address, Opcode::kRangeEntries, std::move(body),
       [this, seq](const cluster::PeerResponse& r) { OnEntries(seq, r); });
}

void AntiEntropy::OnEntries(uint64_t seq, const cluster::PeerResponse& response) {
  if (!pair_ || pair_->seq != seq) return;
  if (!response.status.ok()) {
    FailPair("RANGE_ENTRIES failed: " + response.status.ToString());
    return NextPair();
  }
  (void)node_->clock().Observe(response.timestamp);
  progress_.bytes_transferred += response.body.size();
  bytes_transferred_ += response.body.size();
  protocol::RangeEntriesResponse page;
  if (Status s =
          protocol::ParseRangeEntriesResponseBody(response.body, node_->options().limits, &page);
      !s.ok()) {
    FailPair(s.ToString());
    return NextPair();
  }
  for (const protocol::RangeEntry& e : page.entries) {
    const PeerCopy copy{e.version, e.tombstone};
    pair_->peer_copies[std::string(e.key)] = copy;
    const std::optional<StoredValue> local = node_->store().Find(e.key);
    if (local && !(e.version > local->version)) continue;
    if (!local && e.version.timestamp < pair_->horizon) {
      // Past the grace and absent here: possibly deleted here with the tombstone purged.
      ++keys_not_copied_;
      ++progress_.keys_not_copied;
      continue;
    }
    bool applied = false;
    if (Status s = ApplyEntry(e.key, copy, e.value, &applied); !s.ok()) {
      FailPair("applying " + std::string(e.key.substr(0, 64)) + ": " + s.ToString());
      return NextPair();
    }
    if (applied) {
      ++progress_.keys_pulled;
      ++keys_pulled_;
    }
  }
  if (page.more && !page.entries.empty()) {
    pair_->has_cursor = true;
    pair_->cursor.assign(page.entries.back().key);
    return RequestEntries();
  }
  PlanPushes();
}

void AntiEntropy::PlanPushes() {
  Pair& pair = *pair_;
  const uint32_t depth =
      static_cast<uint32_t>(std::countr_zero(static_cast<uint64_t>(pair.leaf_set.size())));
  node_->store().ForEach([&](std::string_view key, const StoredValue& v) {
    const uint64_t hash = KeyHash(key);
    if (!pair.task.range.Contains(hash)) return;
    if (!pair.leaf_set[MerkleTree::LeafOf(pair.task.range, depth, hash)]) return;
    auto theirs = pair.peer_copies.find(key);
    if (theirs != pair.peer_copies.end()) {
      if (v.version > theirs->second.version) pair.to_push.emplace_back(key);
      return;
    }
    if (v.version.timestamp < pair.horizon) {
      // Past the grace and absent there: the peer may have purged its tombstone.
      ++keys_not_copied_;
      ++progress_.keys_not_copied;
      return;
    }
    pair.to_push.emplace_back(key);
  });
  pair.peer_copies.clear();
  PumpPushes();
}

void AntiEntropy::PumpPushes() {
  Pair& pair = *pair_;
  while (pair.push_error.ok() && pair.pushes_in_flight < kMaxPushesInFlight &&
         !pair.to_push.empty()) {
    const std::string key = std::move(pair.to_push.front());
    pair.to_push.pop_front();
    // The entry as it is now (it may have changed since it was planned: newer is fine).
    const std::optional<StoredValue> found = node_->store().Find(key);
    if (!found) continue;
    protocol::ReplicaWrite write;
    write.kind =
        found->tombstone ? protocol::ReplicaWriteKind::kDelete : protocol::ReplicaWriteKind::kPut;
    write.version = found->version;
    write.key = key;
    write.value = found->tombstone ? std::string_view() : found->value;
    std::string body;
    protocol::AppendReplicaWriteBody(write, &body);
    progress_.bytes_transferred += body.size();
    bytes_transferred_ += body.size();
    ++pair.pushes_in_flight;
    const uint64_t seq = pair.seq;
    Send(pair.address, Opcode::kReplicaWrite, std::move(body),
         [this, seq](const cluster::PeerResponse& r) { OnPushed(seq, r); });
  }
  if (pair.pushes_in_flight > 0) return;
  if (!pair.push_error.ok()) {
    FailPair("REPLICA_WRITE failed: " + pair.push_error.ToString());
  } else {
    FinishPair();
  }
  NextPair();
}

void AntiEntropy::OnPushed(uint64_t seq, const cluster::PeerResponse& response) {
  if (!pair_ || pair_->seq != seq) return;
  --pair_->pushes_in_flight;
  if (response.status.ok()) {
    (void)node_->clock().Observe(response.timestamp);
    ++progress_.keys_pushed;
    ++keys_pushed_;
  } else if (pair_->push_error.ok()) {
    pair_->push_error = response.status;
  }
  PumpPushes();
}

// ============================================================================================
// Full range sync
// ============================================================================================

void AntiEntropy::SyncRange(const std::string& peer_address, oplog::HashRange range,
                            SyncDone done) {
  const uint64_t id = next_sync_id_++;
  Sync& sync = syncs_[id];
  sync.address = peer_address;
  sync.range = range;
  sync.done = std::move(done);
  SyncStep(id);
}

void AntiEntropy::SyncStep(uint64_t id) {
  const Sync& sync = syncs_.at(id);
  protocol::RangeEntriesRequest request;
  request.range_begin = sync.range.begin;
  request.range_end = sync.range.end;
  request.depth = 0;  // no leaves listed: every entry of the range
  request.max_bytes = options_.anti_entropy.max_batch_bytes;
  request.has_cursor = sync.has_cursor;
  request.cursor = sync.cursor;
  std::string body;
  protocol::AppendRangeEntriesRequestBody(request, &body);
  Send(sync.address, Opcode::kRangeEntries, std::move(body),
       [this, id](const cluster::PeerResponse& r) { OnSyncPage(id, r); });
}

void AntiEntropy::OnSyncPage(uint64_t id, const cluster::PeerResponse& response) {
  auto it = syncs_.find(id);
  if (it == syncs_.end()) return;
  Sync& sync = it->second;
  auto finish = [&](const Status& status) {
    Sync finished = std::move(sync);
    syncs_.erase(it);
    if (status.ok()) {
      ++syncs_completed_;
    } else {
      ++syncs_failed_;
    }
    finished.done(status, finished.applied);
  };
  if (!response.status.ok()) {
    return finish(Status(response.status.code(),
                         "full sync of " + RangeName(sync.range) + " from " + sync.address +
                             ": RANGE_ENTRIES failed: " + response.status.message()));
  }
  (void)node_->clock().Observe(response.timestamp);
  bytes_transferred_ += response.body.size();
  protocol::RangeEntriesResponse page;
  if (Status s =
          protocol::ParseRangeEntriesResponseBody(response.body, node_->options().limits, &page);
      !s.ok()) {
    return finish(s);
  }
  for (const protocol::RangeEntry& e : page.entries) {
    bool applied = false;
    if (Status s = ApplyEntry(e.key, PeerCopy{e.version, e.tombstone}, e.value, &applied);
        !s.ok()) {
      return finish(s);
    }
    if (applied) {
      ++sync.applied;
      ++sync_keys_applied_;
    }
  }
  if (page.more && !page.entries.empty()) {
    sync.has_cursor = true;
    sync.cursor.assign(page.entries.back().key);
    return SyncStep(id);
  }
  finish(Status::Ok());
}

// ============================================================================================
// Serving peers
// ============================================================================================

Status AntiEntropy::HandleRequest(const protocol::Frame& frame, std::string* out) {
  switch (static_cast<Opcode>(frame.header.opcode)) {
    case Opcode::kMerkleTree:
      return HandleMerkleTree(frame, out);
    case Opcode::kRangeEntries:
      return HandleRangeEntries(frame, out);
    default:
      return Status(Code::kUnknownOpcode, std::string(protocol::OpcodeName(frame.header.opcode)) +
                                              " is not an anti-entropy request");
  }
}

Status AntiEntropy::HandleMerkleTree(const protocol::Frame& frame, std::string* out) {
  protocol::MerkleTreeRequest request;
  if (Status s = protocol::ParseMerkleTreeRequestBody(frame.body, &request); !s.ok()) return s;
  const uint64_t response_bytes = 1 + 8 + 4 + (uint64_t{8} << request.depth);
  if (response_bytes > node_->options().limits.max_frame_bytes) {
    return Status(Code::kBadRequest, "MERKLE_TREE request: depth " + std::to_string(request.depth) +
                                         " needs a " + std::to_string(response_bytes) +
                                         "-byte response, over limits.max_frame_bytes");
  }
  static_assert(protocol::kMaxMerkleDepth <= MerkleTree::kMaxDepth,
                "a depth the parser accepts must be one MerkleTree can build");
  MerkleTree tree(oplog::HashRange{request.range_begin, request.range_end}, request.depth);
  node_->store().ForEach([&](std::string_view key, const StoredValue& v) {
    tree.Add(KeyHash(key), v.version, v.tombstone);
  });
  protocol::MerkleTreeResponse response;
  response.depth = request.depth;
  response.entries = tree.entries();
  response.leaves = tree.leaves();
  protocol::AppendMerkleTreeResponse(out, frame.header.request_id, node_->clock().Current(),
                                     response);
  ++trees_served_;
  return Status::Ok();
}

Status AntiEntropy::HandleRangeEntries(const protocol::Frame& frame, std::string* out) {
  const protocol::Limits& limits = node_->options().limits;
  protocol::RangeEntriesRequest request;
  if (Status s = protocol::ParseRangeEntriesRequestBody(frame.body, limits, &request); !s.ok()) {
    return s;
  }
  const oplog::HashRange range{request.range_begin, request.range_end};
  std::vector<bool> leaf_set;
  if (!request.leaves.empty()) {
    leaf_set.assign(size_t{1} << request.depth, false);
    for (uint32_t leaf : request.leaves) leaf_set[leaf] = true;
  }
  // The budget for the entries: the requester's, this node's, and what fits in a frame.
  uint64_t budget = options_.anti_entropy.max_batch_bytes;
  if (request.max_bytes != 0) budget = std::min<uint64_t>(budget, request.max_bytes);
  budget = std::min<uint64_t>(budget, limits.max_frame_bytes - 5);

  // Entries ordered by (offset of the hash in the range, key); the page is the longest prefix
  // after the cursor that fits the budget (at least one entry). A max-heap keeps that prefix
  // in one unordered pass: whenever it overflows, its largest entry goes and becomes the
  // bound (`limit`) nothing at or above may enter again.
  struct Candidate {
    uint64_t offset;
    std::string_view key;
    StoredValue value;
    size_t Size() const {
      return protocol::kRangeEntryOverhead + key.size() +
             (value.tombstone ? 0 : value.value.size());
    }
  };
  auto before = [](const Candidate& a, const Candidate& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.key < b.key;
  };
  std::optional<Candidate> cursor;
  if (request.has_cursor) {
    const uint64_t hash = KeyHash(request.cursor);
    cursor =
        Candidate{range.Contains(hash) ? OffsetIn(range, hash) : 0, request.cursor, StoredValue{}};
  }
  std::vector<Candidate> heap;
  std::optional<Candidate> limit;
  uint64_t bytes = 0;
  node_->store().ForEach([&](std::string_view key, const StoredValue& v) {
    const uint64_t hash = KeyHash(key);
    if (!range.Contains(hash)) return;
    if (!leaf_set.empty() && !leaf_set[MerkleTree::LeafOf(range, request.depth, hash)]) return;
    Candidate c{OffsetIn(range, hash), key, v};
    if (cursor && !before(*cursor, c)) return;
    if (limit && !before(c, *limit)) return;
    heap.push_back(c);
    std::push_heap(heap.begin(), heap.end(), before);
    bytes += c.Size();
    while (bytes > budget && heap.size() > 1) {
      std::pop_heap(heap.begin(), heap.end(), before);
      bytes -= heap.back().Size();
      limit = heap.back();
      heap.pop_back();
    }
  });
  std::sort_heap(heap.begin(), heap.end(), before);
  protocol::RangeEntriesResponse response;
  response.more = limit.has_value();
  response.entries.reserve(heap.size());
  for (const Candidate& c : heap) {
    response.entries.push_back(protocol::RangeEntry{c.value.tombstone, c.value.version, c.key,
                                                    c.value.tombstone ? "" : c.value.value});
  }
  protocol::AppendRangeEntriesResponse(out, frame.header.request_id, node_->clock().Current(),
                                       response);
  entries_served_ += response.entries.size();
  return Status::Ok();
}

void AntiEntropy::AppendStats(std::vector<protocol::Stat>* out) const {
  out->insert(out->end(), {
                              {"anti_entropy_runs", runs_},
                              {"anti_entropy_running", progress_.running ? 1u : 0u},
                              {"anti_entropy_ranges_done", ranges_done_},
                              {"anti_entropy_ranges_failed", ranges_failed_},
                              {"anti_entropy_leaves_different", leaves_different_},
                              {"anti_entropy_keys_pulled", keys_pulled_},
                              {"anti_entropy_keys_pushed", keys_pushed_},
                              {"anti_entropy_keys_not_copied", keys_not_copied_},
                              {"anti_entropy_bytes_transferred", bytes_transferred_},
                              {"anti_entropy_trees_served", trees_served_},
                              {"anti_entropy_entries_served", entries_served_},
                              {"anti_entropy_syncs_completed", syncs_completed_},
                              {"anti_entropy_syncs_failed", syncs_failed_},
                              {"anti_entropy_sync_keys_applied", sync_keys_applied_},
                          });
}

}  // namespace memdb
