#include "cluster/membership_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/crc32c.h"
#include "common/endian.h"
#include "common/sim_file_system.h"
#include "member_test_util.h"

namespace memdb::cluster {
namespace {

constexpr char kDataDir[] = "/data";

MemberState Member(NodeId id, MemberStatus status, std::vector<Token> tokens) {
  MemberState m;
  m.id = id;
  m.generation = 10 + id;
  m.heartbeat = 500;
  m.address = {"10.0.0." + std::to_string(id) + ":7000", 1};
  m.status = {status, 3};
  m.tokens = {std::move(tokens), 2};
  m.keys_held = {1234, 400};
  return m;
}

std::vector<MemberState> Sample() {
  return {Member(1, MemberStatus::kNormal, {1, 2, 3}), Member(2, MemberStatus::kLeaving, {}),
          Member(3, MemberStatus::kJoining, {UINT64_MAX})};
}

void ExpectPersistedFieldsEqual(const MemberState& loaded, const MemberState& saved) {
  // Not persisted: stale the moment they are written.
  MemberState expected = saved;
  expected.heartbeat = 0;
  expected.keys_held = {};
  ExpectSameState(loaded, expected);
}

TEST(MembershipFile, PathIsUnderTheClusterDirectory) {
  EXPECT_EQ(MembershipPath("/data"), "/data/cluster/members");
}

TEST(MembershipFile, MissingFileIsAnEmptyList) {
  SimFileSystem fs;
  auto loaded = LoadMembership(&fs, kDataDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->empty());
}

TEST(MembershipFile, RoundTrip) {
  SimFileSystem fs;
  const std::vector<MemberState> members = Sample();
  ASSERT_TRUE(SaveMembership(&fs, kDataDir, members).ok());
  auto loaded = LoadMembership(&fs, kDataDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->size(), members.size());
  for (size_t i = 0; i < members.size(); ++i) ExpectPersistedFieldsEqual((*loaded)[i], members[i]);
}

TEST(MembershipFile, EmptyListRoundTrips) {
  SimFileSystem fs;
  ASSERT_TRUE(SaveMembership(&fs, kDataDir, Sample()).ok());
  ASSERT_TRUE(SaveMembership(&fs, kDataDir, {}).ok());
  auto loaded = LoadMembership(&fs, kDataDir);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->empty());
}

TEST(MembershipFile, SaveIsDurableAndLeavesNoTemporary) {
  SimFileSystem fs;
  ASSERT_TRUE(SaveMembership(&fs, kDataDir, Sample()).ok());
  fs.Crash();
  EXPECT_FALSE(fs.Exists("/data/cluster/members.tmp"));
  auto loaded = LoadMembership(&fs, kDataDir);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 3u);
}

TEST(MembershipFile, LayoutIsMagicFormatCountRecordsCrc) {
  SimFileSystem fs;
  MemberState m;
  m.id = 9;
  m.generation = 2;
  m.status = {MemberStatus::kNormal, 1};
  ASSERT_TRUE(SaveMembership(&fs, kDataDir, {m}).ok());
  std::string expected = "MDMB";
  PutU8(&expected, 1);
  PutU32(&expected, 1);
  PutU32(&expected, 9);
  PutU64(&expected, 2);
  PutU64(&expected, 0);  // heartbeat not persisted
  PutU8(&expected, 0x02);
  PutU64(&expected, 1);
  PutU8(&expected, 2);
  PutU32(&expected, crc32c::Mask(crc32c::Value(expected)));
  EXPECT_EQ(fs.Contents(MembershipPath(kDataDir)), expected);
}

TEST(MembershipFile, EveryByteFlipIsCorruptionNamingThePath) {
  SimFileSystem base;
  ASSERT_TRUE(SaveMembership(&base, kDataDir, Sample()).ok());
  const std::string path = MembershipPath(kDataDir);
  const std::string good = base.Contents(path);
  for (size_t i = 0; i < good.size(); ++i) {
    SimFileSystem fs;
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    fs.SetContents(path, bad);
    auto loaded = LoadMembership(&fs, kDataDir);
    ASSERT_FALSE(loaded.ok()) << "byte " << i;
    EXPECT_EQ(loaded.status().code(), Code::kCorruption) << "byte " << i;
    EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  }
}

TEST(MembershipFile, EveryTruncationIsCorruption) {
  SimFileSystem base;
  ASSERT_TRUE(SaveMembership(&base, kDataDir, Sample()).ok());
  const std::string path = MembershipPath(kDataDir);
  const std::string good = base.Contents(path);
  for (size_t len = 0; len < good.size(); ++len) {
    SimFileSystem fs;
    fs.SetContents(path, good.substr(0, len));
    auto loaded = LoadMembership(&fs, kDataDir);
    ASSERT_FALSE(loaded.ok()) << "length " << len;
    EXPECT_EQ(loaded.status().code(), Code::kCorruption) << "length " << len;
  }
}

TEST(MembershipFile, BadRecordsWithAValidCrcAreCorruption) {
  // A record with an unknown status byte, the CRC recomputed: the codec's checks apply.
  SimFileSystem fs;
  std::string data = "MDMB";
  PutU8(&data, 1);
  PutU32(&data, 1);
  PutU32(&data, 9);
  PutU64(&data, 2);
  PutU64(&data, 0);
  PutU8(&data, 0x02);
  PutU64(&data, 1);
  PutU8(&data, 77);
  PutU32(&data, crc32c::Mask(crc32c::Value(data)));
  fs.SetContents(MembershipPath(kDataDir), data);
  auto loaded = LoadMembership(&fs, kDataDir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Code::kCorruption);
  EXPECT_NE(loaded.status().message().find(MembershipPath(kDataDir)), std::string::npos);

  // A hostile count with a valid CRC.
  std::string count = "MDMB";
  PutU8(&count, 1);
  PutU32(&count, 0xFFFFFFFFu);
  PutU32(&count, crc32c::Mask(crc32c::Value(count)));
  fs.SetContents(MembershipPath(kDataDir), count);
  EXPECT_EQ(LoadMembership(&fs, kDataDir).status().code(), Code::kCorruption);
}

TEST(MembershipFile, CrashAtEveryStepOfASaveKeepsTheOldOrTheNewList) {
  const std::vector<MemberState> old_list = {Sample()[0]};
  const std::vector<MemberState> new_list = Sample();
  for (uint64_t step = 1;; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    SimFileSystem fs;
    ASSERT_TRUE(SaveMembership(&fs, kDataDir, old_list).ok());
    fs.FailAtOperation(step);
    const Status s = SaveMembership(&fs, kDataDir, new_list);
    fs.Crash();
    auto loaded = LoadMembership(&fs, kDataDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_TRUE(loaded->size() == old_list.size() || loaded->size() == new_list.size());
    if (s.ok()) {
      EXPECT_EQ(loaded->size(), new_list.size());
      break;
    }
    ASSERT_LT(step, 100u);
  }
}

TEST(MembershipFile, IoErrorsArePropagated) {
  SimFileSystem fs;
  ASSERT_TRUE(SaveMembership(&fs, kDataDir, Sample()).ok());
  fs.SetFaultHook(
      [](const SimFileSystem::Op& op) { return op.kind == SimFileSystem::OpKind::kRead; });
  EXPECT_EQ(LoadMembership(&fs, kDataDir).status().code(), Code::kIoError);
  fs.SetFaultHook(
      [](const SimFileSystem::Op& op) { return op.kind == SimFileSystem::OpKind::kSync; });
  EXPECT_EQ(SaveMembership(&fs, kDataDir, Sample()).code(), Code::kIoError);
}

}  // namespace
}  // namespace memdb::cluster
