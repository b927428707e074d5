#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/sim_file_system.h"
#include "oplog/catchup_reader.h"
#include "oplog/compaction.h"
#include "oplog_test_util.h"

namespace memdb::oplog {
namespace {

using testing::kDir;
using testing::TestLog;

TEST(OplogHashRange, ContainsWithWraparound) {
  EXPECT_TRUE(HashRange::All().Contains(0));
  EXPECT_TRUE(HashRange::All().Contains(UINT64_MAX));
  const HashRange r{10, 20};
  EXPECT_FALSE(r.Contains(10));
  EXPECT_TRUE(r.Contains(11));
  EXPECT_TRUE(r.Contains(20));
  EXPECT_FALSE(r.Contains(21));
  const HashRange wrap{UINT64_MAX - 5, 5};
  EXPECT_TRUE(wrap.Contains(UINT64_MAX));
  EXPECT_TRUE(wrap.Contains(0));
  EXPECT_TRUE(wrap.Contains(5));
  EXPECT_FALSE(wrap.Contains(6));
  EXPECT_FALSE(wrap.Contains(UINT64_MAX - 5));
}

// Records with timestamps 1..300 over: one compressed segment (1..100), sealed plain
// segments, and the open segment.
class CatchupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OplogWriterOptions o;
    o.dir = kDir;
    o.segment_bytes = 800;
    log_ = std::make_unique<TestLog>(&fs_, o);
    ASSERT_TRUE(log_->Open().ok());
    for (Timestamp ts = 1; ts <= 300; ++ts) {
      const std::string key = "key-" + std::to_string(ts);
      keys_[ts] = key;
      log_->Put(key, "v", ts);
      if (ts == 100) Seal();
    }
    ASSERT_TRUE(log_->Flush().ok());
  }

  void Seal() {
    ASSERT_TRUE(log_->Flush().ok());
    auto plan = PlanSeal(&log_->writer(), ReadMode::kStrict);
    ASSERT_TRUE(plan.has_value());
    CompactionJob job(&fs_, std::move(*plan));
    ASSERT_TRUE(job.Run().ok());
    log_->writer().OnManifestInstalled(job.result().manifest);
  }

  Result<CatchupStats> Read(Timestamp since, HashRange range, std::vector<Timestamp>* got,
                            size_t stop_after = SIZE_MAX) {
    return ReadSince(&fs_, log_->writer().Segments(), since, range, [&](const Record& r) {
      got->push_back(r.version.timestamp);
      return got->size() < stop_after;
    });
  }

  SimFileSystem fs_;
  std::unique_ptr<TestLog> log_;
  std::map<Timestamp, std::string> keys_;
};

TEST_F(CatchupTest, DeliversEverythingNewerThanSinceAcrossSegmentKinds) {
  const SegmentSet set = log_->writer().Segments();
  ASSERT_EQ(set.manifest.segments.size(), 1u);
  ASSERT_GT(set.first_open, 0u) << "sealed plain segments too";
  ASSERT_LT(set.first_open, set.plain_ids.size()) << "and the open one";
  for (Timestamp since : {Timestamp{0}, Timestamp{50}, Timestamp{100}, Timestamp{250}}) {
    std::vector<Timestamp> got;
    auto stats = Read(since, HashRange::All(), &got);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->outcome, CatchupOutcome::kComplete);
    ASSERT_EQ(got.size(), 300 - since) << "since " << since;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], since + 1 + i);
    EXPECT_EQ(stats->records_delivered, got.size());
    // The compressed segment (max timestamp 100) is skipped without reading it.
    EXPECT_EQ(stats->segments_skipped, since >= 100 ? 1u : 0u) << "since " << since;
  }
}

TEST_F(CatchupTest, FiltersByKeyHashRange) {
  const HashRange range{UINT64_MAX / 3, UINT64_MAX / 3 * 2};
  std::vector<Timestamp> got;
  auto stats = Read(0, range, &got);
  ASSERT_TRUE(stats.ok());
  std::set<Timestamp> expected;
  for (const auto& [ts, key] : keys_) {
    if (range.Contains(KeyHash(key))) expected.insert(ts);
  }
  EXPECT_EQ(std::set<Timestamp>(got.begin(), got.end()), expected);
  EXPECT_GT(expected.size(), 50u);
  EXPECT_LT(expected.size(), 150u);
  EXPECT_EQ(stats->records_scanned, 300u);
}

TEST_F(CatchupTest, StopsWhenTheCallbackSaysSo) {
  std::vector<Timestamp> got;
  auto stats = Read(0, HashRange::All(), &got, 10);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->outcome, CatchupOutcome::kStopped);
  EXPECT_EQ(got.size(), 10u);
}

TEST_F(CatchupTest, TooOldOnceCompactionDroppedTombstonesAfterSince) {
  log_->Del("key-5", 301);
  ASSERT_TRUE(log_->Flush().ok());
  auto plan = PlanCompaction(&log_->writer(), /*tombstone_cutoff=*/200, ReadMode::kStrict);
  ASSERT_TRUE(plan.has_value());
  CompactionJob job(&fs_, std::move(*plan));
  ASSERT_TRUE(job.Run().ok());
  log_->writer().OnManifestInstalled(job.result().manifest);

  std::vector<Timestamp> got;
  auto stats = Read(199, HashRange::All(), &got);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->outcome, CatchupOutcome::kTooOld);
  EXPECT_TRUE(got.empty());
  stats = Read(200, HashRange::All(), &got);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->outcome, CatchupOutcome::kComplete);
  // key-5's put (ts 5) was superseded by its delete; the delete (301) is delivered.
  EXPECT_EQ(got.size(), 101u);
}

TEST_F(CatchupTest, APartialRecordAtTheEndOfTheOpenSegmentIsNotAnError) {
  log_->Put("unflushed", "v", 400);  // queued, not written
  const SegmentSet set = log_->writer().Segments();
  const std::string open_path =
      std::string(kDir) + "/" + SegmentFileName(set.plain_ids.back(), SegmentKind::kPlain);
  // Simulate the flusher being half way through a write.
  auto f = fs_.OpenWritable(open_path, OpenMode::kAppend);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(std::string("\x12\x34\x56\x78\x30\x00\x00", 7)).ok());
  std::vector<Timestamp> got;
  auto stats = Read(0, HashRange::All(), &got);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(got.size(), 300u);
}

TEST_F(CatchupTest, AnOpenSegmentNotCreatedYetIsEmpty) {
  // Fill the open segment until it rolls over and a new one starts — in the writer only.
  const size_t before = log_->writer().Segments().plain_ids.size();
  for (Timestamp ts = 1000; log_->writer().Segments().plain_ids.size() <= before; ++ts) {
    log_->Put("more-" + std::to_string(ts), std::string(100, 'x'), ts);
  }
  const SegmentSet set = log_->writer().Segments();
  ASSERT_FALSE(fs_.Exists(std::string(kDir) + "/" +
                          SegmentFileName(set.plain_ids.back(), SegmentKind::kPlain)));
  std::vector<Timestamp> got;
  auto stats = Read(0, HashRange::All(), &got);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(got.size(), 300u) << "queued records are not on disk yet";
}

}  // namespace
}  // namespace memdb::oplog
