#include "cluster/membership_file.h"

#include <string_view>
#include <utility>

#include "cluster/gossip_messages.h"
#include "common/crc32c.h"
#include "common/endian.h"

namespace memdb::cluster {

// Layout (membership_file.h): "MDMB" | u8 format | u32 count | count x Delta | u32 masked
// CRC32C of everything before it. The part from the format byte to the last Delta is exactly a
// GossipAck2 body (format 1 of both), so the gossip codec, with its hostile-input checks, reads
// and writes the records.

namespace {

constexpr std::string_view kClusterDirName = "cluster";
constexpr std::string_view kMembersFileName = "members";
constexpr std::string_view kMembersTempFileName = "members.tmp";
constexpr std::string_view kMagic = "MDMB";
constexpr size_t kMinFileBytes = 4 + 1 + 4 + 4;  // magic, format, count, crc
// Far above any real cluster (kMaxMembers nodes with kMaxTokensPerNode tokens each is ~130 MiB).
constexpr uint64_t kMaxFileBytes = uint64_t{256} << 20;

Status Corrupt(const std::string& path, std::string_view what) {
  return Status(Code::kCorruption, path + ": " + std::string(what));
}

}  // namespace

std::string MembershipPath(const std::string& data_dir) {
  return JoinPath(JoinPath(data_dir, kClusterDirName), kMembersFileName);
}

Status SaveMembership(FileSystem* fs, const std::string& data_dir,
                      const std::vector<MemberState>& members) {
  GossipAck2 records;
  records.deltas.reserve(members.size());
  for (const MemberState& m : members) {
    MemberState r = m;
    r.heartbeat = 0;   // stale the moment it is written
    r.keys_held = {};  // idem
    r.catchup = {};    // progress, not membership
    records.deltas.push_back(std::move(r));
  }
  std::string data(kMagic);
  EncodeGossipAck2(records, &data);
  PutU32(&data, crc32c::Mask(crc32c::Value(data)));

  const std::string dir = JoinPath(data_dir, kClusterDirName);
  if (Status s = fs->CreateDir(dir); !s.ok()) return s;
  return WriteFileAtomically(fs, dir, kMembersFileName, kMembersTempFileName, data);
}

Result<std::vector<MemberState>> LoadMembership(FileSystem* fs, const std::string& data_dir) {
  const std::string path = MembershipPath(data_dir);
  auto size = fs->FileSize(path);
  if (!size.ok()) {
    if (size.status().code() == Code::kNotFound) return std::vector<MemberState>{};
    return size.status();
  }
  if (*size > kMaxFileBytes) return Corrupt(path, "implausibly large");
  std::string data;
  if (Status s = fs->ReadFile(path, &data); !s.ok()) {
    if (s.code() == Code::kNotFound) return std::vector<MemberState>{};
    return s;
  }
  if (data.size() < kMinFileBytes) return Corrupt(path, "truncated");
  if (std::string_view(data).substr(0, kMagic.size()) != kMagic) {
    return Corrupt(path, "not a memdb membership file (bad magic)");
  }
  const size_t body_end = data.size() - 4;
  if (crc32c::Value(data.data(), body_end) != crc32c::Unmask(DecodeU32(data.data() + body_end))) {
    return Corrupt(path, "checksum mismatch");
  }
  GossipAck2 records;
  const std::string_view body =
      std::string_view(data).substr(kMagic.size(), body_end - kMagic.size());
  if (Status s = DecodeGossipAck2(body, &records); !s.ok()) return Corrupt(path, s.message());
  return std::move(records.deltas);
}

}  // namespace memdb::cluster
