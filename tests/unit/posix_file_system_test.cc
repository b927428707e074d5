// The real file system, in a temporary directory: the FileSystem contract, and the log
// written and recovered through it.
#include "io/posix_file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "oplog/recovery.h"
#include "oplog/segment_flusher.h"

namespace memdb {
namespace {

class PosixFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "memdb-posixfs-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PosixFileSystem fs_;
  std::string dir_;
};

TEST_F(PosixFileSystemTest, FileOperations) {
  const std::string a = JoinPath(dir_, "a");
  {
    auto f = fs_.OpenWritable(a, OpenMode::kTruncate);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE((*f)->Append("hello ").ok());
    ASSERT_TRUE((*f)->Append("world").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    EXPECT_EQ((*f)->Size(), 11u);
    ASSERT_TRUE((*f)->Close().ok());
  }
  {
    auto f = fs_.OpenWritable(a, OpenMode::kAppend);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->Size(), 11u);
    ASSERT_TRUE((*f)->Append("!").ok());
  }
  std::string out;
  ASSERT_TRUE(fs_.ReadFile(a, &out).ok());
  EXPECT_EQ(out, "hello world!");
  auto r = fs_.OpenReadable(a);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->Read(6, 100, &out).ok());
  EXPECT_EQ(out, "world!");
  EXPECT_EQ(*(*r)->Size(), 12u);
  EXPECT_EQ(*fs_.FileSize(a), 12u);

  ASSERT_TRUE(fs_.Truncate(a, 5).ok());
  EXPECT_EQ(*fs_.FileSize(a), 5u);
  const std::string b = JoinPath(dir_, "b");
  ASSERT_TRUE(fs_.Rename(a, b).ok());
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
  auto names = fs_.ListDir(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"b"});
  ASSERT_TRUE(fs_.Remove(b).ok());
  EXPECT_EQ(fs_.Remove(b).code(), Code::kNotFound);
  EXPECT_EQ(fs_.FileSize(b).status().code(), Code::kNotFound);
  EXPECT_EQ(fs_.OpenReadable(b).status().code(), Code::kNotFound);
  EXPECT_NE(fs_.OpenReadable(b).status().message().find(b), std::string::npos);

  ASSERT_TRUE(fs_.CreateDir(JoinPath(dir_, "x/y/z")).ok());
  ASSERT_TRUE(fs_.CreateDir(JoinPath(dir_, "x/y/z")).ok());
  EXPECT_EQ(fs_.ListDir(JoinPath(dir_, "nope")).status().code(), Code::kNotFound);
}

TEST_F(PosixFileSystemTest, LogWrittenAndRecoveredOnARealDisk) {
  using namespace oplog;
  const std::string dir = JoinPath(dir_, "oplog");
  Store store;
  auto report = Recover(&fs_, RecoveryOptions{dir, ReadMode::kStrict, true}, &store);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  OplogWriterOptions options;
  options.dir = dir;
  options.segment_bytes = 4096;
  OplogWriter writer(options, report->writer_start());
  SegmentFlusher flusher(&fs_, dir);
  for (int i = 0; i < 500; ++i) {
    const std::string key = "key-" + std::to_string(i);
    ASSERT_TRUE(
        writer.Append(Record{RecordType::kPut, Version{uint64_t(i + 1), 1}, key, "v"}).ok());
    if (i % 50 == 0) {
      ASSERT_TRUE(FlushInline(&writer, &flusher, 0).ok());
    }
  }
  ASSERT_TRUE(FlushInline(&writer, &flusher, 0).ok());
  EXPECT_EQ(writer.durable_lsn(), 500u);

  Store recovered;
  report = Recover(&fs_, RecoveryOptions{dir, ReadMode::kStrict, true}, &recovered);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(recovered.size(), 500u);
  EXPECT_EQ(report->max_timestamp, 500u);
  EXPECT_GE(report->tail.size(), 4u);
  EXPECT_TRUE(report->warnings.empty());
}

}  // namespace
}  // namespace memdb
