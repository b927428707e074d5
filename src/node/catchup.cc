#include "node/catchup.h"

#include <algorithm>
#include <utility>

#include "node/anti_entropy.h"
#include "node/node.h"

namespace memdb {

using protocol::CatchupReadOutcome;
using protocol::CatchupRecordKind;

namespace {

constexpr uint8_t kCatchupReadOpcode = static_cast<uint8_t>(protocol::Opcode::kCatchupRead);
// Room for the response's fixed fields and the frame header within max_frame_bytes.
constexpr uint64_t kResponseOverheadBytes = 64;

// `last_applied` - margin in hybrid-timestamp units (physical ms << 16 | logical), floor 0.
Timestamp SinceFor(Timestamp last_applied, uint64_t margin_ms) {
  constexpr uint64_t kMaxMarginMs = UINT64_MAX >> 16;
  const uint64_t margin = std::min(margin_ms, kMaxMarginMs) << 16;
  return last_applied > margin ? last_applied - margin : 0;
}

}  // namespace

Catchup::Catchup(Node* node, cluster::Gossiper* gossiper, cluster::PeerTransport* transport,
                 FileSystem* fs, AntiEntropy* anti_entropy, const ReplicationOptions& options)
    : node_(node),
      gossiper_(gossiper),
      transport_(transport),
      fs_(fs),
      anti_entropy_(anti_entropy),
      options_(options),
      alive_(std::make_shared<Catchup*>(this)) {}

Catchup::~Catchup() = default;

// ============================================================================================
// The restarted node's side
// ============================================================================================

void Catchup::Start(Timestamp last_applied, uint64_t now_ms) {
  if (phase_ != CatchupPhase::kNone) return;
  phase_ = CatchupPhase::kRunning;
  since_ = SinceFor(last_applied, options_.catchup.margin_ms);
  started_ms_ = now_ms;
  last_now_ms_ = now_ms;
  Recompute();
  Assign(now_ms);
  PublishProgress();
}

void Catchup::Tick(uint64_t now_ms) {
  last_now_ms_ = now_ms;
  if (phase_ != CatchupPhase::kRunning) return;
  if (gossiper_->ring_version() != ring_version_) Recompute();
  Assign(now_ms);
  if (phase_ == CatchupPhase::kRunning) counters_.elapsed_ms = now_ms - started_ms_;
  PublishProgress();
}

bool Catchup::IsCaughtUp(uint64_t key_hash) const {
  if (phase_ != CatchupPhase::kRunning || ranges_.empty()) return true;
  // The range (previous end, end] holding the hash: the first whose end is >= it, wrapping.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), key_hash,
                             [](const Range& r, uint64_t h) { return r.end < h; });
  if (it == ranges_.end()) it = ranges_.begin();
  return it->state == RangeState::kNotMine || it->state == RangeState::kDone;
}

void Catchup::Recompute() {
  const Ring& ring = gossiper_->ring();
  ring_version_ = gossiper_->ring_version();
  const NodeId self = gossiper_->self_id();
  std::vector<Token> positions;
  for (const auto& [token, node] : ring.tokens()) {
    if (positions.empty() || positions.back() != token) positions.push_back(token);
  }
  std::vector<Range> ranges;
  ranges.reserve(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    Range r;
    r.begin = positions[i == 0 ? positions.size() - 1 : i - 1];
    r.end = positions[i];  // one position: begin == end, the whole ring
    bool mine = false;
    for (NodeId n : ring.Preference(r.end, options_.replication_factor)) {
      if (n == self) {
        mine = true;
      } else {
        r.others.push_back(n);
      }
    }
    if (mine) {
      r.state = RangeState::kPending;
      // No other copy anywhere: nothing to catch up from, caught up at once (and for good,
      // whatever the ring becomes).
      const oplog::HashRange arc{r.begin, r.end};
      if (r.others.empty() && !done_set_.ContainsRange(arc)) done_arcs_.push_back(arc);
    }
    ranges.push_back(std::move(r));
  }
  ranges_ = std::move(ranges);
  done_set_ = oplog::HashRangeSet(done_arcs_);
  RefreshStates();
}

void Catchup::Assign(uint64_t now_ms) {
  if (phase_ != CatchupPhase::kRunning) return;
  std::vector<NodeId> busy;
  for (const auto& [id, request] : requests_) busy.push_back(request.peer);
  std::map<NodeId, std::vector<oplog::HashRange>> groups;
  for (const Range& r : ranges_) {
    if (r.state != RangeState::kPending) continue;
    NodeId chosen = 0;
    NodeId fallback = 0;  // up, but failed recently
    for (NodeId peer : r.others) {
      if (!gossiper_->IsUp(peer)) continue;
      auto failed = peer_failed_at_ms_.find(peer);
      if (failed != peer_failed_at_ms_.end() && now_ms - failed->second < kPeerFailureMemoryMs) {
        if (fallback == 0) fallback = peer;
        continue;
      }
      chosen = peer;
      break;
    }
    if (chosen == 0) chosen = fallback;
    if (chosen == 0) continue;  // no other replica is up: wait
    if (std::find(busy.begin(), busy.end(), chosen) != busy.end()) continue;  // next round
    groups[chosen].push_back(oplog::HashRange{r.begin, r.end});
  }
  std::vector<uint64_t> to_send;
  for (auto& [peer, arcs] : groups) {
    const std::string address = gossiper_->AddressOf(peer);
    if (address.empty()) continue;
    for (size_t first = 0; first < arcs.size(); first += protocol::kMaxCatchupRanges) {
      const size_t last = std::min(arcs.size(), first + size_t{protocol::kMaxCatchupRanges});
      Request request;
      request.peer = peer;
      request.address = address;
      request.ranges.assign(arcs.begin() + first, arcs.begin() + last);
      const uint64_t id = next_id_++;
      requests_.emplace(id, std::move(request));
      to_send.push_back(id);
    }
  }
  if (to_send.empty()) return;
  RefreshStates();
  for (uint64_t id : to_send) SendPage(id);
}

void Catchup::SendPage(uint64_t request_id) {
  const Request& request = requests_.at(request_id);
  protocol::CatchupReadRequest read;
  read.since = since_;
  read.max_bytes = options_.catchup.max_batch_bytes;
  read.cursor = request.cursor;
  read.ranges.reserve(request.ranges.size());
  for (const oplog::HashRange& r : request.ranges) read.ranges.push_back({r.begin, r.end});
  std::string body;
  protocol::AppendCatchupReadBody(read, &body);
  ++counters_.requests;
  std::weak_ptr<Catchup*> weak = alive_;
  transport_->Send(request.address, kCatchupReadOpcode, node_->clock().Current(), std::move(body),
                   /*timeout_ms=*/0, [weak, request_id](const cluster::PeerResponse& response) {
                     if (auto self = weak.lock()) (*self)->OnPage(request_id, response);
                   });
}

void Catchup::OnPage(uint64_t request_id, const cluster::PeerResponse& response) {
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  if (response.timestamp != 0) (void)node_->clock().Observe(response.timestamp);
  if (!response.status.ok()) {
    if (response.status.code() == Code::kNotImplemented) {
      // The peer keeps no operation log: sync the ranges in full from it.
      Request request = std::move(it->second);
      requests_.erase(it);
      StartFullSyncs(request);
      return;
    }
    FailRequest(request_id, /*blame_peer=*/true);
    return;
  }
  protocol::CatchupReadResponse page;
  if (!protocol::ParseCatchupReadResponseBody(response.body, node_->options().limits, &page).ok()) {
    FailRequest(request_id, /*blame_peer=*/true);
    return;
  }
  if (page.outcome == CatchupReadOutcome::kTooOld) {
    Request request = std::move(it->second);
    requests_.erase(it);
    StartFullSyncs(request);
    return;
  }
  for (const protocol::CatchupRecord& record : page.records) {
    ++counters_.records_received;
    Result<Store::ApplyResult> applied =
        record.kind == CatchupRecordKind::kPut
            ? node_->ApplyPut(record.key, record.value, record.version)
            : node_->ApplyDelete(record.key, record.version);
    if (!applied.ok()) {  // this node's log failed: not the peer's fault
      FailRequest(request_id, /*blame_peer=*/false);
      return;
    }
    if (applied->applied) ++counters_.records_applied;
  }
  Request& request = it->second;
  if (page.outcome == CatchupReadOutcome::kMore) {
    if (page.records.empty() && page.cursor == request.cursor) {  // would never end
      FailRequest(request_id, /*blame_peer=*/true);
      return;
    }
    request.cursor = page.cursor;
    SendPage(request_id);
    return;
  }
  std::vector<oplog::HashRange> arcs = std::move(request.ranges);
  requests_.erase(it);
  Complete(arcs);
}

void Catchup::StartFullSyncs(const Request& request) {
  std::vector<std::pair<uint64_t, oplog::HashRange>> started;
  for (const oplog::HashRange& arc : request.ranges) {
    const uint64_t id = next_id_++;
    syncs_.emplace(id, FullSync{request.peer, arc});
    started.emplace_back(id, arc);
    ++counters_.full_syncs;
  }
  RefreshStates();
  // `done` may run before SyncRange returns: everything it touches is in place already.
  std::weak_ptr<Catchup*> weak = alive_;
  for (const auto& [id, arc] : started) {
    anti_entropy_->SyncRange(request.address, arc,
                             [weak, id](const Status& status, uint64_t entries_applied) {
                               if (auto self = weak.lock()) {
                                 (*self)->OnFullSync(id, status, entries_applied);
                               }
                             });
  }
}

void Catchup::OnFullSync(uint64_t sync_id, const Status& status, uint64_t entries_applied) {
  auto it = syncs_.find(sync_id);
  if (it == syncs_.end()) return;
  const FullSync sync = it->second;
  syncs_.erase(it);
  counters_.records_applied += entries_applied;
  if (status.ok()) {
    Complete({sync.range});
    return;
  }
  ++counters_.full_sync_failures;
  peer_failed_at_ms_[sync.peer] = NowMs();
  RefreshStates();
}

void Catchup::FailRequest(uint64_t request_id, bool blame_peer) {
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  ++counters_.request_failures;
  if (blame_peer) peer_failed_at_ms_[it->second.peer] = NowMs();
  requests_.erase(it);
  RefreshStates();  // its ranges are pending again; the next Tick assigns them
}

void Catchup::Complete(const std::vector<oplog::HashRange>& arcs) {
  done_arcs_.insert(done_arcs_.end(), arcs.begin(), arcs.end());
  done_set_ = oplog::HashRangeSet(done_arcs_);
  RefreshStates();
  PublishProgress();
  Assign(NowMs());  // ranges that waited for this peer
}

void Catchup::RefreshStates() {
  std::vector<oplog::HashRange> out;
  for (const auto& [id, request] : requests_) {
    out.insert(out.end(), request.ranges.begin(), request.ranges.end());
  }
  for (const auto& [id, sync] : syncs_) out.push_back(sync.range);
  const oplog::HashRangeSet in_flight(out);
  uint64_t total = 0;
  uint64_t done = 0;
  for (Range& r : ranges_) {
    if (r.state == RangeState::kNotMine) continue;
    ++total;
    const oplog::HashRange range{r.begin, r.end};
    if (done_set_.ContainsRange(range)) {
      r.state = RangeState::kDone;
      ++done;
    } else if (in_flight.ContainsRange(range)) {
      r.state = RangeState::kFetching;
    } else {
      r.state = RangeState::kPending;
    }
  }
  counters_.ranges_total = total;
  counters_.ranges_done = done;
  if (phase_ == CatchupPhase::kRunning && done == total) {
    phase_ = CatchupPhase::kDone;
    counters_.elapsed_ms = NowMs() - started_ms_;
    PublishProgress();
  }
}

CatchupProgress Catchup::progress() const {
  CatchupProgress p;
  p.phase = phase_;
  p.ranges_total = static_cast<uint32_t>(std::min<uint64_t>(counters_.ranges_total, UINT32_MAX));
  p.ranges_done = static_cast<uint32_t>(std::min<uint64_t>(counters_.ranges_done, UINT32_MAX));
  p.records_applied = counters_.records_applied;
  return p;
}

void Catchup::PublishProgress() {
  if (phase_ == CatchupPhase::kNone) return;
  gossiper_->SetCatchupProgress(progress());
}

uint64_t Catchup::NowMs() const {
  PhysicalClock* monotonic = node_->monotonic();
  return monotonic != nullptr ? std::max(monotonic->NowMillis(), last_now_ms_) : last_now_ms_;
}

// ============================================================================================
// The serving peer's side
// ============================================================================================

Status Catchup::HandleRead(const protocol::Frame& frame, std::string* out) {
  protocol::CatchupReadRequest request;
  if (Status s = protocol::ParseCatchupReadBody(frame.body, &request); !s.ok()) return s;
  const oplog::OplogWriter* log = node_->oplog();
  if (log == nullptr) {
    return Status(Code::kNotImplemented,
                  "this node keeps no operation log (oplog.enabled is false): sync the ranges "
                  "in full");
  }
  uint64_t budget = options_.catchup.max_batch_bytes;
  if (request.max_bytes != 0) budget = std::min<uint64_t>(budget, request.max_bytes);
  const uint64_t frame_room = node_->options().limits.max_frame_bytes > kResponseOverheadBytes
                                  ? node_->options().limits.max_frame_bytes - kResponseOverheadBytes
                                  : 1;
  budget = std::max<uint64_t>(1, std::min(budget, frame_room));

  std::vector<oplog::HashRange> ranges;
  ranges.reserve(request.ranges.size());
  for (const protocol::CatchupRange& r : request.ranges) ranges.push_back({r.begin, r.end});
  oplog::CatchupRead read;
  read.since = request.since;
  read.ranges = oplog::HashRangeSet(ranges);
  read.cursor = oplog::CatchupCursor{request.cursor.segment, request.cursor.record};
  read.max_scanned = kMaxScannedPerRequest;

  std::string records;
  uint32_t count = 0;
  auto take = [&](const oplog::Record& r) {
    if (r.type != oplog::RecordType::kPut && r.type != oplog::RecordType::kDelete) return true;
    const protocol::CatchupRecord record{
        r.type == oplog::RecordType::kPut ? CatchupRecordKind::kPut : CatchupRecordKind::kDelete,
        r.version, r.key, r.value};
    const size_t size = protocol::CatchupRecordSize(record);
    // A record larger than the page still goes alone: the read must move on.
    if (count > 0 && records.size() + size > budget) return false;
    protocol::AppendCatchupRecord(record, &records);
    ++count;
    return true;
  };
  Result<oplog::CatchupStats> stats = Status::Ok();
  for (int attempt = 0; attempt < 3; ++attempt) {
    records.clear();
    count = 0;
    stats = oplog::ReadSince(fs_, log->Segments(), read, take);
    if (!stats.ok()) {
      // A compaction removed a segment under the read: again, with the log as it is now.
      if (stats.status().code() == Code::kNotFound && attempt < 2) continue;
      return Status(stats.status().code(), "catch-up read failed: " + stats.status().message());
    }
    if (stats->outcome == oplog::CatchupOutcome::kCursorGone) {
      // The cursor's segment was compacted away: start over (what the requester already
      // applied comes again and changes nothing).
      ++counters_.served_cursor_restarts;
      read.cursor = oplog::CatchupCursor{};
      continue;
    }
    break;
  }
  if (!stats.ok()) return stats.status();
  CatchupReadOutcome outcome = CatchupReadOutcome::kComplete;
  protocol::CatchupCursorWire cursor;
  switch (stats->outcome) {
    case oplog::CatchupOutcome::kComplete:
      break;
    case oplog::CatchupOutcome::kStopped:
      outcome = CatchupReadOutcome::kMore;
      cursor = {stats->resume.segment_id, stats->resume.record};
      break;
    case oplog::CatchupOutcome::kTooOld:
      outcome = CatchupReadOutcome::kTooOld;
      records.clear();
      count = 0;
      break;
    case oplog::CatchupOutcome::kCursorGone:
      return Status(Code::kUnavailable,
                    "catch-up read: the log kept changing under the read; try again");
  }
  ++counters_.served_requests;
  counters_.served_records += count;
  protocol::AppendCatchupReadResponse(out, frame.header.request_id, node_->clock().Current(),
                                      outcome, cursor, count, records);
  return Status::Ok();
}

// ============================================================================================
// Counters
// ============================================================================================

void Catchup::AppendStats(std::vector<protocol::Stat>* out) const {
  const CatchupCounters& c = counters_;
  out->insert(out->end(), {
                              {"catchup_active", active() ? 1u : 0u},
                              {"catchup_ranges_total", c.ranges_total},
                              {"catchup_ranges_done", c.ranges_done},
                              {"catchup_records_received", c.records_received},
                              {"catchup_records_applied", c.records_applied},
                              {"catchup_full_syncs", c.full_syncs},
                              {"catchup_full_sync_failures", c.full_sync_failures},
                              {"catchup_requests", c.requests},
                              {"catchup_request_failures", c.request_failures},
                              {"catchup_ms", c.elapsed_ms},
                              {"catchup_served_requests", c.served_requests},
                              {"catchup_served_records", c.served_records},
                              {"catchup_served_cursor_restarts", c.served_cursor_restarts},
                          });
}

}  // namespace memdb
