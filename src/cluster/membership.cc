#include "cluster/membership.h"

#include <optional>
#include <utility>

#include "cluster/membership_file.h"

namespace memdb::cluster {

Result<std::unique_ptr<Membership>> Membership::Open(FileSystem* fs, MembershipOptions options,
                                                     Random* random) {
  Result<NodeIdentity> identity = LoadOrCreateIdentity(fs, options.identity, *random);
  if (!identity.ok()) return identity.status();
  Result<std::vector<MemberState>> members = LoadMembership(fs, options.identity.data_dir);
  if (!members.ok()) return members.status();

  // This node's own entry only tells which status it had before the restart.
  std::optional<MemberStatus> restored_status;
  for (const MemberState& m : *members) {
    if (m.id == identity->id && m.status.version != 0) restored_status = m.status.value;
  }
  auto gossiper = std::make_unique<Gossiper>(options.gossip, *identity, restored_status, random);
  gossiper->Restore(*members);
  return std::unique_ptr<Membership>(
      new Membership(fs, std::move(options), std::move(identity).value(), std::move(gossiper)));
}

Membership::Membership(FileSystem* fs, MembershipOptions options, NodeIdentity identity,
                       std::unique_ptr<Gossiper> gossiper)
    : fs_(fs),
      options_(std::move(options)),
      identity_(std::move(identity)),
      gossiper_(std::move(gossiper)) {}

std::vector<GossipSend> Membership::Tick(uint64_t now_ms) {
  std::vector<GossipSend> sends = gossiper_->Tick(now_ms);
  (void)SaveIfChanged();  // a failure is kept in last_save_error_ and retried next round
  return sends;
}

Status Membership::SaveIfChanged() {
  const uint64_t version = gossiper_->membership_version();
  if (version == saved_version_ && last_save_error_.ok()) return Status::Ok();
  Status status = SaveMembership(fs_, options_.identity.data_dir, gossiper_->Snapshot());
  if (status.ok()) saved_version_ = version;
  last_save_error_ = status;
  return status;
}

}  // namespace memdb::cluster
