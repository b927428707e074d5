#include "common/sim_file_system.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace memdb {
namespace {

class SimFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.CreateDir("/d").ok()); }

  void Write(const std::string& path, const std::string& data, bool sync, bool sync_dir) {
    auto f = fs_.OpenWritable(path, OpenMode::kAppend);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE((*f)->Append(data).ok());
    if (sync) {
      ASSERT_TRUE((*f)->Sync().ok());
    }
    if (sync_dir) {
      ASSERT_TRUE(fs_.SyncDir("/d").ok());
    }
  }

  SimFileSystem fs_;
};

TEST_F(SimFileSystemTest, ReadsBackWhatWasWritten) {
  Write("/d/a", "hello", false, false);
  std::string out;
  ASSERT_TRUE(fs_.ReadFile("/d/a", &out).ok());
  EXPECT_EQ(out, "hello");
  auto r = fs_.OpenReadable("/d/a");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->Read(1, 3, &out).ok());
  EXPECT_EQ(out, "ell");
  ASSERT_TRUE((*r)->Read(4, 10, &out).ok());
  EXPECT_EQ(out, "o");
  ASSERT_TRUE((*r)->Read(9, 10, &out).ok());
  EXPECT_EQ(out, "");
  EXPECT_EQ(*fs_.FileSize("/d/a"), 5u);
  EXPECT_EQ(fs_.FileSize("/d/zz").status().code(), Code::kNotFound);
  auto names = fs_.ListDir("/d");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"a"});
}

TEST_F(SimFileSystemTest, CrashDropsUnsyncedData) {
  Write("/d/a", "durable", true, true);
  Write("/d/a", "-volatile", false, false);
  EXPECT_EQ(fs_.Contents("/d/a"), "durable-volatile");
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/a"), "durable");
}

TEST_F(SimFileSystemTest, CrashCanKeepAPrefixOfTheUnsyncedTail) {
  Write("/d/a", "durable", true, true);
  Write("/d/a", "-torn-write", false, false);
  fs_.SetCrashKeep("/d/a", 4);
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/a"), "durable-tor");
}

TEST_F(SimFileSystemTest, CreatedFileVanishesUnlessItsDirectoryWasSynced) {
  Write("/d/b", "data", true, /*sync_dir=*/true);
  Write("/d/a", "data", true, /*sync_dir=*/false);  // synced data, unsynced entry
  fs_.Crash();
  EXPECT_FALSE(fs_.Exists("/d/a"));
  EXPECT_TRUE(fs_.Exists("/d/b"));
}

TEST_F(SimFileSystemTest, RenameIsUndoneWithoutDirectorySync) {
  Write("/d/x", "old", true, true);
  Write("/d/x.tmp", "new", true, true);
  ASSERT_TRUE(fs_.Rename("/d/x.tmp", "/d/x").ok());
  EXPECT_EQ(fs_.Contents("/d/x"), "new");
  EXPECT_FALSE(fs_.Exists("/d/x.tmp"));
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/x"), "old");
  EXPECT_EQ(fs_.Contents("/d/x.tmp"), "new");

  ASSERT_TRUE(fs_.Rename("/d/x.tmp", "/d/x").ok());
  ASSERT_TRUE(fs_.SyncDir("/d").ok());
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/x"), "new");
  EXPECT_FALSE(fs_.Exists("/d/x.tmp"));
}

TEST_F(SimFileSystemTest, RemoveIsUndoneWithoutDirectorySync) {
  Write("/d/a", "data", true, true);
  ASSERT_TRUE(fs_.Remove("/d/a").ok());
  EXPECT_FALSE(fs_.Exists("/d/a"));
  EXPECT_EQ(fs_.Remove("/d/a").code(), Code::kNotFound);
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/a"), "data");
  ASSERT_TRUE(fs_.Remove("/d/a").ok());
  ASSERT_TRUE(fs_.SyncDir("/d").ok());
  fs_.Crash();
  EXPECT_FALSE(fs_.Exists("/d/a"));
}

TEST_F(SimFileSystemTest, TruncateIsDurable) {
  Write("/d/a", "0123456789", true, true);
  ASSERT_TRUE(fs_.Truncate("/d/a", 4).ok());
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/a"), "0123");
}

TEST_F(SimFileSystemTest, OpenTruncateIsNotDurableUntilSynced) {
  Write("/d/a", "old", true, true);
  auto f = fs_.OpenWritable("/d/a", OpenMode::kTruncate);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(fs_.Contents("/d/a"), "");
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/a"), "old");
}

TEST_F(SimFileSystemTest, HandlesGoStaleAfterCrash) {
  auto f = fs_.OpenWritable("/d/a", OpenMode::kAppend);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(fs_.SyncDir("/d").ok());
  fs_.Crash();
  EXPECT_EQ((*f)->Append("x").code(), Code::kIoError);
  EXPECT_EQ((*f)->Sync().code(), Code::kIoError);
}

TEST_F(SimFileSystemTest, TearLastWriteKeepsAPrefixOfIt) {
  Write("/d/a", "first|", false, false);
  Write("/d/a", "second", false, false);
  ASSERT_TRUE(fs_.TearLastWrite("/d/a", 2).ok());
  EXPECT_EQ(fs_.Contents("/d/a"), "first|se");
  EXPECT_EQ(fs_.TearLastWrite("/d/a", 5).code(), Code::kInvalidArgument);
}

TEST_F(SimFileSystemTest, FailAtOperationKillsTheMachineUntilCrash) {
  const uint64_t before = fs_.mutating_ops();
  fs_.FailAtOperation(3);  // open, append, then the sync fails
  auto f = fs_.OpenWritable("/d/a", OpenMode::kAppend);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("x").ok());
  EXPECT_EQ((*f)->Sync().code(), Code::kIoError);
  EXPECT_TRUE(fs_.dead());
  EXPECT_EQ(fs_.mutating_ops(), before + 3);
  EXPECT_FALSE(fs_.SyncDir("/d").ok());
  std::string out;
  EXPECT_FALSE(fs_.ReadFile("/d/a", &out).ok());
  fs_.Crash();
  EXPECT_FALSE(fs_.dead());
  EXPECT_FALSE(fs_.Exists("/d/a"));  // never synced into the directory
  EXPECT_TRUE(fs_.SyncDir("/d").ok());
}

TEST_F(SimFileSystemTest, FaultHookSeesOperationsAndFailsThem) {
  std::vector<SimFileSystem::OpKind> seen;
  fs_.SetFaultHook([&](const SimFileSystem::Op& op) {
    seen.push_back(op.kind);
    return op.kind == SimFileSystem::OpKind::kRename;
  });
  Write("/d/a", "x", true, true);
  EXPECT_EQ(fs_.Rename("/d/a", "/d/b").code(), Code::kIoError);
  EXPECT_FALSE(fs_.dead());
  EXPECT_TRUE(fs_.Exists("/d/a"));
  EXPECT_NE(std::find(seen.begin(), seen.end(), SimFileSystem::OpKind::kSync), seen.end());
  fs_.ClearFaults();
  EXPECT_TRUE(fs_.Rename("/d/a", "/d/b").ok());
}

TEST_F(SimFileSystemTest, CorruptByteFlipsBothViews) {
  Write("/d/a", "abc", true, true);
  ASSERT_TRUE(fs_.CorruptByte("/d/a", 1, 0x01).ok());
  EXPECT_EQ(fs_.Contents("/d/a"), "acc");
  fs_.Crash();
  EXPECT_EQ(fs_.Contents("/d/a"), "acc");
}

TEST_F(SimFileSystemTest, OpenInMissingDirectoryFails) {
  EXPECT_FALSE(fs_.OpenWritable("/nope/a", OpenMode::kAppend).ok());
  ASSERT_TRUE(fs_.CreateDir("/x/y/z").ok());
  EXPECT_TRUE(fs_.OpenWritable("/x/y/z/a", OpenMode::kAppend).ok());
}

}  // namespace
}  // namespace memdb
