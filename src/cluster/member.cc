#include "cluster/member.h"

#include <algorithm>
#include <utility>

namespace memdb::cluster {

namespace {

// Takes `delta`'s value of one field when it is newer. Returns true when it did.
template <typename T>
bool MergeField(const Versioned<T>& delta, Versioned<T>* field) {
  if (delta.version <= field->version) return false;
  *field = delta;
  return true;
}

}  // namespace

uint64_t MemberState::max_version() const {
  return std::max({heartbeat, address.version, status.version, tokens.version, keys_held.version,
                   catchup.version});
}

bool MergeMemberState(const MemberState& delta, MemberState* state) {
  if (delta.generation < state->generation) return false;  // an older life of the node
  if (delta.generation > state->generation) {
    // The node restarted: whatever we knew belongs to its previous life. Fields absent from
    // the delta (version 0) come out cleared, as a default MemberState has them.
    MemberState fresh;
    fresh.id = delta.id;
    fresh.generation = delta.generation;
    fresh.heartbeat = delta.heartbeat;
    MergeField(delta.address, &fresh.address);
    MergeField(delta.status, &fresh.status);
    MergeField(delta.tokens, &fresh.tokens);
    MergeField(delta.keys_held, &fresh.keys_held);
    MergeField(delta.catchup, &fresh.catchup);
    *state = std::move(fresh);
    return true;
  }
  bool changed = false;
  if (state->id == 0 && delta.id != 0) {  // an empty state, filled in generation 0
    state->id = delta.id;
    changed = true;
  }
  if (delta.heartbeat > state->heartbeat) {
    state->heartbeat = delta.heartbeat;
    changed = true;
  }
  changed |= MergeField(delta.address, &state->address);
  changed |= MergeField(delta.status, &state->status);
  changed |= MergeField(delta.tokens, &state->tokens);
  changed |= MergeField(delta.keys_held, &state->keys_held);
  changed |= MergeField(delta.catchup, &state->catchup);
  return changed;
}

MemberState DeltaSince(const MemberState& state, uint64_t known_generation,
                       uint64_t known_version) {
  if (known_generation < state.generation) return state;  // a new life: send everything
  MemberState delta;
  delta.id = state.id;
  delta.generation = state.generation;
  if (known_generation > state.generation) return delta;  // the peer knows a newer life
  // The heartbeat travels in every delta (it is a fixed field of the wire Delta); merging
  // takes the maximum, so sending one the peer already has is harmless.
  delta.heartbeat = state.heartbeat;
  if (state.address.version > known_version) delta.address = state.address;
  if (state.status.version > known_version) delta.status = state.status;
  if (state.tokens.version > known_version) delta.tokens = state.tokens;
  if (state.keys_held.version > known_version) delta.keys_held = state.keys_held;
  if (state.catchup.version > known_version) delta.catchup = state.catchup;
  return delta;
}

}  // namespace memdb::cluster
