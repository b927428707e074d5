// Member — what the cluster knows about one node: its identity, liveness counter and the
// application state it advertises through gossip (docs/cluster.md, "Membership").
//
// Versions. Every node keeps one counter per generation; each change to its own state (a
// heartbeat, a new status, new tokens, a new load figure) takes the next value of that
// counter, so (generation, version) totally orders the states a node ever published and
// "newer" is a plain comparison. A field travels in gossip only when its version is newer
// than what the receiver already has (gossip_messages.h, push-pull digests).
//
// Pure data; no IO. Owned by the Gossiper on the node's event-loop thread.
#ifndef MEMDB_CLUSTER_MEMBER_H_
#define MEMDB_CLUSTER_MEMBER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/ring.h"
#include "memdb/catchup_progress.h"
#include "memdb/node_status.h"
#include "memdb/version.h"

namespace memdb::cluster {

// The lifecycle of a node in the ring (include/memdb/node_status.h: clients see it too).
using MemberStatus = memdb::NodeStatus;
inline constexpr uint8_t kMaxMemberStatus = kMaxNodeStatus;
inline constexpr std::string_view MemberStatusName(MemberStatus s) { return NodeStatusName(s); }
inline constexpr bool OwnsRanges(MemberStatus s) { return NodeStatusOwnsRanges(s); }

// A value and the version (of its node's counter) at which it last changed; 0 = never set.
template <typename T>
struct Versioned {
  T value{};
  uint64_t version = 0;
};

// Everything gossip carries about one node.
struct MemberState {
  NodeId id = 0;
  uint64_t generation = 0;  // bumped at every start of the node (node_identity.h)
  uint64_t heartbeat = 0;   // version of the node's latest heartbeat

  Versioned<std::string> address;  // "host:port" that clients and peers connect to
  Versioned<MemberStatus> status{MemberStatus::kJoining, 0};
  Versioned<std::vector<Token>> tokens;
  Versioned<uint64_t> keys_held;  // live keys in the node's store, refreshed periodically
  // Its catch-up after a restart (catchup_progress.h); absent (version 0) until one starts.
  Versioned<CatchupProgress> catchup;

  // The highest version of any field (the heartbeat included): what a digest advertises.
  uint64_t max_version() const;
};

// Applies `delta` (a gossip delta, fields with version 0 absent) to `state` for the same node:
//   - a higher generation replaces the whole state (the node restarted) — fields absent from
//     the delta are cleared;
//   - a lower generation is ignored;
//   - the same generation takes each field whose version is newer, and the higher heartbeat.
// Returns true when anything changed.
bool MergeMemberState(const MemberState& delta, MemberState* state);

// The part of `state` a node that already has (generation, version) `known_version` of it is
// missing: every field newer than `known_version`, or — when `known_generation` is older than
// the state's — everything. Fields not included have version 0.
MemberState DeltaSince(const MemberState& state, uint64_t known_generation, uint64_t known_version);

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_MEMBER_H_
