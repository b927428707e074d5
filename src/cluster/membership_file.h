// MembershipFile — the members this node knew (itself included, for its status), persisted in
// `<data_dir>/cluster/members` so a restarted node remembers the cluster (its ring is whole at
// once, and it can gossip with known peers, not only seeds) before it hears from anyone.
//
// Stored per member: id, generation, address, status and tokens with their versions (the
// heartbeat and keys_held are not: they are stale the moment they are written). The file is
// binary: "MDMB" magic, u8 format 1, u32 count, count x record (the gossip Delta layout of
// gossip_messages.h, all fields present), then u32 CRC32C of everything before it. Rewritten
// whole and durably (temporary, sync, rename, sync dir) by Save.
//
// Load: a missing file is an empty list (first start); a garbled one is kCorruption naming the
// file. Only through the FileSystem.
#ifndef MEMDB_CLUSTER_MEMBERSHIP_FILE_H_
#define MEMDB_CLUSTER_MEMBERSHIP_FILE_H_

#include <string>
#include <vector>

#include "cluster/member.h"
#include "common/file_system.h"
#include "memdb/result.h"

namespace memdb::cluster {

std::string MembershipPath(const std::string& data_dir);

Status SaveMembership(FileSystem* fs, const std::string& data_dir,
                      const std::vector<MemberState>& members);
Result<std::vector<MemberState>> LoadMembership(FileSystem* fs, const std::string& data_dir);

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_MEMBERSHIP_FILE_H_
