#include "cluster/gossiper.h"

#include <algorithm>
#include <utility>

namespace memdb::cluster {

namespace {

// (generation, max_version) of a state, the order in which a node publishes its states.
bool NewerThan(uint64_t generation, uint64_t version, uint64_t other_generation,
               uint64_t other_version) {
  return generation != other_generation ? generation > other_generation : version > other_version;
}

// A state with every persisted field: what DeltaSince sends to a node that does not know the
// state's generation. A partial delta about a node (or a life of it) we do not know cannot be
// used: stored, its digest would claim versions we never received, and nobody would send them.
bool IsWholeState(const MemberState& s) {
  return s.address.version != 0 && s.status.version != 0 && s.tokens.version != 0;
}

// True with probability numerator/denominator (numerator >= denominator: always).
bool Chance(Random* random, uint64_t numerator, uint64_t denominator) {
  if (numerator == 0 || denominator == 0) return false;
  if (numerator >= denominator) return true;
  return random->Uniform(denominator) < numerator;
}

}  // namespace

std::string_view MemberEventKindName(MemberEventKind kind) {
  switch (kind) {
    case MemberEventKind::kDiscovered:
      return "discovered";
    case MemberEventKind::kRestarted:
      return "restarted";
    case MemberEventKind::kUp:
      return "up";
    case MemberEventKind::kDown:
      return "down";
    case MemberEventKind::kStatusChanged:
      return "status_changed";
    case MemberEventKind::kTokensChanged:
      return "tokens_changed";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Construction and restore
// ---------------------------------------------------------------------------------------------

Gossiper::Gossiper(GossipOptions options, const NodeIdentity& identity,
                   std::optional<MemberStatus> restored_status, Random* random)
    : options_(std::move(options)),
      random_(random),
      self_id_(identity.id),
      detector_(options_.failure_detector) {
  // A node with no seeds at all is a cluster of its own: its own seed.
  is_seed_ = options_.seeds.empty() ||
             (!options_.address.empty() && std::find(options_.seeds.begin(), options_.seeds.end(),
                                                     options_.address) != options_.seeds.end());
  MemberStatus status = MemberStatus::kJoining;
  if (restored_status.has_value()) status = *restored_status;
  if (status == MemberStatus::kJoining && is_seed_) status = MemberStatus::kNormal;

  MemberState self;
  self.id = self_id_;
  self.generation = identity.generation;
  self.address = {options_.address, NextVersion()};
  self.status = {status, NextVersion()};
  self.tokens = {identity.tokens, NextVersion()};
  self.heartbeat = NextVersion();
  members_[self_id_] = std::move(self);
  up_[self_id_] = true;
  membership_version_ = 1;  // this node's new generation is not persisted yet
  RebuildRingIfNeeded();
}

void Gossiper::Restore(const std::vector<MemberState>& members) {
  for (const MemberState& m : members) {
    if (m.id == 0 || m.id == self_id_) continue;
    auto it = members_.find(m.id);
    if (it == members_.end()) {
      members_[m.id] = m;
    } else {
      MergeMemberState(m, &it->second);
    }
    ring_dirty_ = true;
  }
  RebuildRingIfNeeded();
}

// ---------------------------------------------------------------------------------------------
// Rounds
// ---------------------------------------------------------------------------------------------

std::vector<GossipSend> Gossiper::Tick(uint64_t now_ms) {
  ++rounds_;
  MemberState& me = members_.at(self_id_);
  me.heartbeat = NextVersion();
  if (keys_held_dirty_ &&
      (keys_held_round_ == 0 || rounds_ - keys_held_round_ >= options_.load_refresh_rounds)) {
    me.keys_held = {pending_keys_held_, NextVersion()};
    keys_held_dirty_ = false;
    keys_held_round_ = rounds_;
  }

  // This round's verdicts, and the peers to choose from (map order: deterministic).
  std::vector<const MemberState*> live;
  std::vector<const MemberState*> unreachable;
  for (const auto& [id, state] : members_) {
    if (id == self_id_) continue;
    const bool up = detector_.IsUp(id, now_ms);
    bool& was_up = up_[id];  // false for a node not seen by a Tick yet
    if (was_up != up) {
      was_up = up;
      events_.push_back({up ? MemberEventKind::kUp : MemberEventKind::kDown, id});
    }
    if (state.address.value.empty() || state.address.value == options_.address) continue;
    if (up) {
      live.push_back(&state);
    } else if (state.status.value != MemberStatus::kLeft &&
               state.status.value != MemberStatus::kRemoved) {
      unreachable.push_back(&state);
    }
  }
  std::vector<std::string> seeds;
  for (const std::string& seed : options_.seeds) {
    if (seed != options_.address && std::find(seeds.begin(), seeds.end(), seed) == seeds.end()) {
      seeds.push_back(seed);
    }
  }

  std::vector<GossipSend> sends;
  auto add = [&](const std::string& address, NodeId node) {
    GossipSend send;
    send.address = address;
    send.node = node;
    send.syn.cluster_name = options_.cluster_name;
    send.syn.digests = Digests();
    sends.push_back(std::move(send));
  };
  auto is_seed_address = [&](const std::string& address) {
    return std::find(seeds.begin(), seeds.end(), address) != seeds.end();
  };
  bool seed_picked = false;
  if (!live.empty()) {
    const MemberState* peer = live[random_->Uniform(live.size())];
    add(peer->address.value, peer->id);
    seed_picked = seed_picked || is_seed_address(peer->address.value);
  }
  if (!unreachable.empty() && Chance(random_, unreachable.size(), live.size() + 1)) {
    const MemberState* peer = unreachable[random_->Uniform(unreachable.size())];
    add(peer->address.value, peer->id);
    seed_picked = seed_picked || is_seed_address(peer->address.value);
  }
  if (!seed_picked && !seeds.empty() &&
      (live.empty() || Chance(random_, seeds.size(), live.size() + unreachable.size() + 1))) {
    const std::string& seed = seeds[random_->Uniform(seeds.size())];
    NodeId node = 0;
    for (const auto& [id, state] : members_) {
      if (id != self_id_ && state.address.value == seed) {
        node = id;
        break;
      }
    }
    add(seed, node);
  }
  RebuildRingIfNeeded();
  return sends;
}

// ---------------------------------------------------------------------------------------------
// The three steps of an exchange
// ---------------------------------------------------------------------------------------------

GossipAck Gossiper::OnSyn(const GossipSyn& syn, uint64_t now_ms) {
  (void)now_ms;
  GossipAck ack;
  if (syn.cluster_name != options_.cluster_name) return ack;
  std::map<NodeId, GossipDigest> listed;
  for (const GossipDigest& d : syn.digests) {
    if (d.id != 0) listed.try_emplace(d.id, d);
  }
  for (const auto& [id, digest] : listed) {
    auto it = members_.find(id);
    if (id == self_id_) {
      // Our own state is authoritative: never requested, sent when the sender is behind.
      const MemberState& me = it->second;
      if (digest.generation > me.generation) {
        ++identity_conflicts_;
        continue;
      }
      if (NewerThan(me.generation, me.max_version(), digest.generation, digest.max_version)) {
        ack.deltas.push_back(DeltaSince(me, digest.generation, digest.max_version));
      }
      continue;
    }
    if (it == members_.end()) {
      ack.requests.push_back({id, 0, 0});
      continue;
    }
    const MemberState& local = it->second;
    const uint64_t local_version = local.max_version();
    if (NewerThan(local.generation, local_version, digest.generation, digest.max_version)) {
      ack.deltas.push_back(DeltaSince(local, digest.generation, digest.max_version));
    } else if (NewerThan(digest.generation, digest.max_version, local.generation, local_version)) {
      ack.requests.push_back({id, local.generation, local_version});
    }
  }
  for (const auto& [id, state] : members_) {
    if (!listed.contains(id)) ack.deltas.push_back(DeltaSince(state, 0, 0));
  }
  return ack;
}

std::optional<GossipAck2> Gossiper::OnAck(const GossipAck& ack, uint64_t now_ms) {
  ApplyDeltas(ack.deltas, now_ms);
  // An empty Ack is what a node of another cluster answers: it completes nothing. Marked
  // before answering, so a joining node's new status travels in this very Ack2.
  if (!ack.requests.empty() || !ack.deltas.empty()) MarkExchangeCompleted();
  GossipAck2 ack2;
  for (const GossipDigest& request : ack.requests) {
    auto it = members_.find(request.id);
    if (it == members_.end()) continue;
    const MemberState& local = it->second;
    if (NewerThan(local.generation, local.max_version(), request.generation, request.max_version)) {
      ack2.deltas.push_back(DeltaSince(local, request.generation, request.max_version));
    }
  }
  RebuildRingIfNeeded();
  if (ack2.deltas.empty()) return std::nullopt;
  return ack2;
}

void Gossiper::OnAck2(const GossipAck2& ack2, uint64_t now_ms) {
  ApplyDeltas(ack2.deltas, now_ms);
  if (!ack2.deltas.empty()) MarkExchangeCompleted();
  RebuildRingIfNeeded();
}

void Gossiper::ApplyDeltas(const std::vector<MemberState>& deltas, uint64_t now_ms) {
  for (const MemberState& delta : deltas) {
    if (delta.id == 0) continue;
    if (delta.id == self_id_) {
      if (delta.generation > members_.at(self_id_).generation) ++identity_conflicts_;
      continue;
    }
    auto it = members_.find(delta.id);
    if (it == members_.end()) {
      if (!IsWholeState(delta)) continue;
      MemberState fresh;
      fresh.id = delta.id;
      MergeMemberState(delta, &fresh);
      fresh.id = delta.id;
      if (fresh.heartbeat > 0) HeardFrom(delta.id, now_ms);
      if (OwnsRanges(fresh.status.value)) ring_dirty_ = true;
      members_.emplace(delta.id, std::move(fresh));
      events_.push_back({MemberEventKind::kDiscovered, delta.id});
      ++membership_version_;
      continue;
    }
    MemberState& state = it->second;
    if (delta.generation > state.generation && !IsWholeState(delta)) continue;
    // What the merge may change; the tokens are copied only when they may change (a heartbeat
    // delta, the common case, carries none).
    const uint64_t old_generation = state.generation;
    const uint64_t old_heartbeat = state.heartbeat;
    const uint64_t old_address_version = state.address.version;
    const uint64_t old_status_version = state.status.version;
    const uint64_t old_tokens_version = state.tokens.version;
    const MemberStatus old_status = state.status.value;
    const bool tokens_may_change = delta.generation > old_generation || delta.tokens.version != 0;
    std::vector<Token> old_tokens;
    if (tokens_may_change) old_tokens = state.tokens.value;
    if (!MergeMemberState(delta, &state)) continue;
    if (state.generation > old_generation) {
      events_.push_back({MemberEventKind::kRestarted, delta.id});
      detector_.Forget(delta.id);
      if (state.heartbeat > 0) HeardFrom(delta.id, now_ms);
    } else if (state.heartbeat > old_heartbeat) {
      HeardFrom(delta.id, now_ms);
    }
    const bool status_changed = state.status.value != old_status;
    const bool tokens_changed = tokens_may_change && state.tokens.value != old_tokens;
    if (status_changed) events_.push_back({MemberEventKind::kStatusChanged, delta.id});
    if (tokens_changed) events_.push_back({MemberEventKind::kTokensChanged, delta.id});
    if (status_changed || tokens_changed) ring_dirty_ = true;
    if (state.generation != old_generation || state.address.version != old_address_version ||
        state.status.version != old_status_version || state.tokens.version != old_tokens_version) {
      ++membership_version_;  // a persisted field moved (values move only with versions)
    }
  }
}

void Gossiper::MarkExchangeCompleted() {
  MemberState& me = members_.at(self_id_);
  if (me.status.value != MemberStatus::kJoining) return;
  SetStatus(MemberStatus::kNormal);
}

// ---------------------------------------------------------------------------------------------
// Own state
// ---------------------------------------------------------------------------------------------

void Gossiper::SetKeysHeld(uint64_t keys) {
  pending_keys_held_ = keys;
  const MemberState& me = members_.at(self_id_);
  keys_held_dirty_ = me.keys_held.version == 0 || me.keys_held.value != keys;
}

void Gossiper::SetStatus(MemberStatus status) {
  MemberState& me = members_.at(self_id_);
  if (me.status.value == status) return;
  me.status = {status, NextVersion()};
  ++membership_version_;
  ring_dirty_ = true;
  events_.push_back({MemberEventKind::kStatusChanged, self_id_});
  RebuildRingIfNeeded();
}

void Gossiper::SetCatchupProgress(const CatchupProgress& progress) {
  MemberState& me = members_.at(self_id_);
  if (me.catchup.version != 0 && me.catchup.value == progress) return;
  me.catchup = {progress, NextVersion()};
}

uint64_t Gossiper::NextVersion() { return ++version_counter_; }

std::vector<MemberEvent> Gossiper::TakeEvents() { return std::exchange(events_, {}); }

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

const MemberState& Gossiper::self() const { return members_.at(self_id_); }

void Gossiper::HeardFrom(NodeId node, uint64_t now_ms) {
  detector_.Report(node, now_ms);
  // A newer heartbeat is proof of life: up at once (going down waits for a Tick's verdict).
  bool& was_up = up_[node];
  if (!was_up && detector_.IsUp(node, now_ms)) {
    was_up = true;
    events_.push_back({MemberEventKind::kUp, node});
  }
}

bool Gossiper::IsUp(NodeId node) const {
  if (node == self_id_) return true;
  auto it = up_.find(node);
  return it != up_.end() && it->second;
}

std::vector<MemberView> Gossiper::Members(uint64_t now_ms) const {
  std::vector<MemberView> views;
  views.reserve(members_.size());
  for (const auto& [id, state] : members_) {
    MemberView view;
    view.state = state;
    if (id == self_id_) {
      view.up = true;
      view.phi = 0;
      view.self = true;
    } else {
      view.phi = detector_.Phi(id, now_ms);
      view.up = detector_.IsUp(id, now_ms);
    }
    views.push_back(std::move(view));
  }
  return views;
}

std::vector<MemberState> Gossiper::Snapshot() const {
  std::vector<MemberState> states;
  states.reserve(members_.size());
  for (const auto& [id, state] : members_) states.push_back(state);
  return states;
}

const MemberState* Gossiper::Find(NodeId node) const {
  auto it = members_.find(node);
  return it == members_.end() ? nullptr : &it->second;
}

std::string Gossiper::AddressOf(NodeId node) const {
  const MemberState* state = Find(node);
  return state == nullptr ? std::string() : state->address.value;
}

std::vector<GossipDigest> Gossiper::Digests() const {
  std::vector<GossipDigest> digests;
  digests.reserve(members_.size());
  for (const auto& [id, state] : members_) {
    digests.push_back({id, state.generation, state.max_version()});
  }
  return digests;
}

void Gossiper::RebuildRingIfNeeded() {
  if (!ring_dirty_) return;
  ring_dirty_ = false;
  Ring ring;
  for (const auto& [id, state] : members_) {
    if (OwnsRanges(state.status.value) && !state.tokens.value.empty()) {
      ring.SetTokens(id, state.tokens.value);
    }
  }
  if (ring.tokens() != ring_.tokens()) {
    ring_ = std::move(ring);
    ++ring_version_;
  }
}

}  // namespace memdb::cluster
