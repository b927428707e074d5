// Gossiper — membership by gossip, as a sans-IO state machine (docs/cluster.md, "Gossip").
//
// Every `interval_ms` the runtime calls Tick(now). The gossiper bumps its own heartbeat and
// returns the exchanges to start: a GossipSyn to one random live peer; with probability
// unreachable/(live+1) one to a random unreachable peer (so a healed node is noticed); and,
// unless a seed was already picked, one to a random seed with probability
// seeds/(live+unreachable+1) — always when no peer is live — which is what heals splits and
// lets a new node in. Seeds are addresses (a seed's id is learned through gossip); a node whose
// own advertised address is in its seed list is a seed, and so is a node with no seeds at all
// (a cluster of one).
//
// The exchange is push-pull in three messages (gossip_messages.h). The runtime delivers:
//   - a GossipSyn received from a peer         -> OnSyn   -> the GossipAck to answer with;
//   - the GossipAck answering our Syn          -> OnAck   -> the GossipAck2 to send back;
//   - a GossipAck2                             -> OnAck2.
// Lost, duplicated or reordered messages are harmless: merging is idempotent and only newer
// versions are taken (member.h). A Syn naming another cluster is answered with an empty Ack
// and changes nothing (the runtime logs it). A partial delta about a node, or a generation of
// it, that this node does not know is dropped (its digest would claim versions never
// received); the whole state comes with the next exchange. State about this node's own id is
// never merged: this node is the authority on itself.
//
// Liveness: every time a newer heartbeat of a node is merged, the FailureDetector hears of
// it; IsUp() is this node's own view. Up/down changes are noticed by Tick and reported as
// events, as are new nodes, restarts (new generation) and status/token changes.
//
// Own status: a node that starts for the first time is `joining`; a seed moves to `normal` at
// once, any other node on its first completed exchange with a peer (it then knows the ring):
// a non-empty Ack to its Syn, or a non-empty Ack2 (an empty Ack, another cluster's answer,
// completes nothing).
// A node restarting with a persisted status keeps it (normal stays normal).
//
// Persistence: membership_version() grows whenever anything worth persisting changed (a
// member's address, status or tokens; not heartbeats). The owner saves Snapshot() then
// (membership_file.h) and restores it at boot with Restore() — restored peers are down until
// heard from; the entry for this node itself is skipped (its previous status is the
// constructor's `restored_status`: Membership::Open takes it from that entry).
//
// Deterministic: randomness comes from the injected Random, time from the arguments.
// Threading: the node's event-loop thread.
#ifndef MEMDB_CLUSTER_GOSSIPER_H_
#define MEMDB_CLUSTER_GOSSIPER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/failure_detector.h"
#include "cluster/gossip_messages.h"
#include "cluster/member.h"
#include "cluster/node_identity.h"
#include "cluster/ring.h"
#include "common/random.h"

namespace memdb::cluster {

struct GossipOptions {
  std::string cluster_name = "memdb";
  std::string address;             // this node's advertised "host:port"
  std::vector<std::string> seeds;  // "host:port"; may include this node's own address
  uint64_t interval_ms = 1000;     // config: cluster.gossip_interval_ms (the runtime's timer)
  FailureDetectorOptions failure_detector;
  uint32_t load_refresh_rounds = 10;  // publish keys_held at most every this many rounds
};

// One exchange to start: send `syn` to `address` (node `node`, 0 for a seed not known yet).
struct GossipSend {
  std::string address;
  NodeId node = 0;
  GossipSyn syn;
};

enum class MemberEventKind : uint8_t {
  kDiscovered,     // a node we did not know
  kRestarted,      // a known node came back with a higher generation
  kUp,             // the failure detector now considers it up
  kDown,           // ... down
  kStatusChanged,  // its status (joining, normal, ...) changed
  kTokensChanged,  // its tokens changed
};
std::string_view MemberEventKindName(MemberEventKind kind);

struct MemberEvent {
  MemberEventKind kind;
  NodeId node = 0;
};

// What a node sees of one member, for CLUSTER_INFO and the CLI.
struct MemberView {
  MemberState state;
  bool up = false;  // this node's own view (always true for itself)
  double phi = 0;   // suspicion; 0 for itself
  bool self = false;
};

class Gossiper {
 public:
  // `identity` is this node's (already persisted, generation bumped). `restored_status` is the
  // status it had before the restart (nullopt at first start: joining, or normal for a seed).
  // `random` must outlive this.
  Gossiper(GossipOptions options, const NodeIdentity& identity,
           std::optional<MemberStatus> restored_status, Random* random);

  // Members remembered from the membership file; call before the first Tick. Peers are taken
  // as they were (down until heard from); the entry for this node's own id is not merged.
  void Restore(const std::vector<MemberState>& members);

  // One gossip round at `now_ms`: bumps the heartbeat, returns the exchanges to start.
  std::vector<GossipSend> Tick(uint64_t now_ms);
  // A Syn from a peer; returns the Ack to reply with.
  GossipAck OnSyn(const GossipSyn& syn, uint64_t now_ms);
  // The Ack answering a Syn we sent; returns the Ack2 to send back (nullopt: nothing to send).
  std::optional<GossipAck2> OnAck(const GossipAck& ack, uint64_t now_ms);
  void OnAck2(const GossipAck2& ack2, uint64_t now_ms);

  // Publishes this node's live key count (sent at most every load_refresh_rounds rounds).
  void SetKeysHeld(uint64_t keys);
  // Changes this node's own status (e.g. leaving); gossiped from the next round.
  void SetStatus(MemberStatus status);
  // Publishes this node's catch-up progress (node/catchup.h); gossiped from the next
  // exchange. A new version only when it changed: the caller may call it every tick.
  void SetCatchupProgress(const CatchupProgress& progress);

  // Events since the last call (discoveries, up/down, restarts, status or token changes).
  std::vector<MemberEvent> TakeEvents();

  NodeId self_id() const { return self_id_; }
  const MemberState& self() const;
  bool is_seed() const { return is_seed_; }
  // This node's view: up for itself; a node is up from the moment a newer heartbeat of it is
  // merged, and down from the Tick at which the failure detector convicts it.
  bool IsUp(NodeId node) const;
  // Every member, this node included, sorted by id, with up/phi as of `now_ms`.
  std::vector<MemberView> Members(uint64_t now_ms) const;
  // Every member, this node included, for the membership file.
  std::vector<MemberState> Snapshot() const;
  const MemberState* Find(NodeId node) const;
  // Address of a member; empty if unknown.
  std::string AddressOf(NodeId node) const;

  // The ring of every member whose status owns ranges (member.h OwnsRanges), this node
  // included. ring_version() grows whenever it changes.
  const Ring& ring() const { return ring_; }
  uint64_t ring_version() const { return ring_version_; }
  // Grows whenever something persisted (address, status, tokens of any member) changed.
  uint64_t membership_version() const { return membership_version_; }
  // States received about this node's own id with a higher generation than its own: another
  // node runs with our identity (a copied data dir). Ignored; counted for the operator.
  uint64_t identity_conflicts() const { return identity_conflicts_; }

  const GossipOptions& options() const { return options_; }

 private:
  // A newer heartbeat of `node` arrived: tells the detector, marks it up.
  void HeardFrom(NodeId node, uint64_t now_ms);
  // Merges deltas; reports newer heartbeats to the detector; records events.
  void ApplyDeltas(const std::vector<MemberState>& deltas, uint64_t now_ms);
  std::vector<GossipDigest> Digests() const;
  // Bumps this node's version counter and returns the new value.
  uint64_t NextVersion();
  void RebuildRingIfNeeded();
  void MarkExchangeCompleted();

  GossipOptions options_;
  Random* random_;
  NodeId self_id_;
  bool is_seed_ = false;
  uint64_t version_counter_ = 0;
  std::map<NodeId, MemberState> members_;  // this node included
  std::map<NodeId, bool> up_;              // verdict at the last Tick, for events
  FailureDetector detector_;
  Ring ring_;
  uint64_t ring_version_ = 0;
  bool ring_dirty_ = true;
  uint64_t membership_version_ = 0;
  uint64_t rounds_ = 0;
  uint64_t pending_keys_held_ = 0;
  bool keys_held_dirty_ = false;
  uint64_t keys_held_round_ = 0;  // round keys_held was last published
  uint64_t identity_conflicts_ = 0;
  std::vector<MemberEvent> events_;
};

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_GOSSIPER_H_
