// Membership — one node's cluster membership as a unit: its identity, its Gossiper, and the
// persistence of both (docs/cluster.md, "What is persisted"). The runtime and the simulator
// drive the same object: Open at boot, Tick every gossip interval, deliver gossip messages to
// gossiper().
//
// Open: loads or creates the identity (bumping the generation, durably), loads the members
// file, and builds the Gossiper with the restored members and this node's previous status.
// Tick: runs a gossip round and, when the gossiper's membership_version moved, rewrites the
// members file (a few KB per node; done on the calling thread — rare: joins, status and token
// changes, never heartbeats). A failed save is kept in last_save_error() and retried at the
// next Tick; gossip goes on meanwhile (the file is a cache of what gossip re-learns).
//
// Only through the FileSystem and Random given; time comes in as arguments.
// Threading: the node's event-loop thread.
#ifndef MEMDB_CLUSTER_MEMBERSHIP_H_
#define MEMDB_CLUSTER_MEMBERSHIP_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "cluster/gossiper.h"
#include "cluster/node_identity.h"
#include "common/file_system.h"
#include "common/random.h"
#include "memdb/result.h"

namespace memdb::cluster {

struct MembershipOptions {
  IdentityOptions identity;  // identity.data_dir is also where the members file lives
  GossipOptions gossip;
};

class Membership {
 public:
  // `fs` and `random` must outlive the result. Errors: those of LoadOrCreateIdentity and
  // LoadMembership (a garbled file stops the node: kCorruption naming it).
  static Result<std::unique_ptr<Membership>> Open(FileSystem* fs, MembershipOptions options,
                                                  Random* random);

  // A gossip round (Gossiper::Tick) plus persistence of what changed.
  std::vector<GossipSend> Tick(uint64_t now_ms);
  // Saves now if anything changed since the last save (e.g. at shutdown).
  Status SaveIfChanged();

  Gossiper& gossiper() { return *gossiper_; }
  const Gossiper& gossiper() const { return *gossiper_; }
  const NodeIdentity& identity() const { return identity_; }
  const Status& last_save_error() const { return last_save_error_; }

 private:
  Membership(FileSystem* fs, MembershipOptions options, NodeIdentity identity,
             std::unique_ptr<Gossiper> gossiper);

  FileSystem* fs_;
  MembershipOptions options_;
  NodeIdentity identity_;
  std::unique_ptr<Gossiper> gossiper_;
  uint64_t saved_version_ = 0;
  Status last_save_error_;
};

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_MEMBERSHIP_H_
