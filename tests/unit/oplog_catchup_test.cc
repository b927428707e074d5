#include <gtest/gtest.h>

#include <algorithm>
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

namespace memdb::oplog {
namespace {

using testing::TestLog;

TEST(OplogHashRangeSet, UnionOfRangesWithWraparound) {
  const HashRangeSet set({HashRange{10, 20}, HashRange{UINT64_MAX - 5, 5}, HashRange{15, 30}});
  EXPECT_FALSE(set.all());
  for (uint64_t h : {uint64_t{0}, uint64_t{5}, uint64_t{11}, uint64_t{20}, uint64_t{30}, UINT64_MAX,
                     UINT64_MAX - 4}) {
    EXPECT_TRUE(set.Contains(h)) << h;
  }
  for (uint64_t h : {uint64_t{6}, uint64_t{10}, uint64_t{31}, UINT64_MAX - 5}) {
    EXPECT_FALSE(set.Contains(h)) << h;
  }
  EXPECT_TRUE(set.ContainsRange({10, 30}));  // the two overlapping ranges together
  EXPECT_TRUE(set.ContainsRange({12, 14}));
  EXPECT_TRUE(set.ContainsRange({UINT64_MAX - 3, 2}));  // wrapping, inside
  EXPECT_FALSE(set.ContainsRange({9, 30}));
  EXPECT_FALSE(set.ContainsRange({10, 31}));
  EXPECT_FALSE(set.ContainsRange({UINT64_MAX - 6, 2}));
  EXPECT_FALSE(set.ContainsRange(HashRange::All()));
  EXPECT_TRUE(HashRangeSet({HashRange::All()}).ContainsRange(HashRange::All()));
  EXPECT_TRUE(HashRangeSet({HashRange{5, 3}, HashRange{2, 5}}).all());  // covers the circle
  EXPECT_TRUE(HashRangeSet().empty());
  EXPECT_FALSE(HashRangeSet().Contains(7));
}

class CatchupPagingTest : public CatchupTest {
 protected:
  // Pages of at most `page` records (and `max_scanned` looked at) until complete; the
  // timestamps in delivery order. Counts pages and segments read.
  std::vector<Timestamp> ReadPaged(const CatchupRead& first, size_t page, uint64_t max_scanned,
                                   size_t* pages, uint64_t* segments_read) {
    std::vector<Timestamp> got;
    CatchupRead read = first;
    read.max_scanned = max_scanned;
    *pages = 0;
    *segments_read = 0;
    while (true) {
      size_t in_page = 0;
      auto stats = ReadSince(&fs_, log_->writer().Segments(), read, [&](const Record& r) {
        if (in_page == page) return false;  // refused: the next page starts with it
        ++in_page;
        got.push_back(r.version.timestamp);
        return true;
      });
      EXPECT_TRUE(stats.ok()) << stats.status().ToString();
      if (!stats.ok()) return got;
      ++*pages;
      *segments_read += stats->segments_read;
      if (stats->outcome != CatchupOutcome::kStopped) {
        EXPECT_EQ(stats->outcome, CatchupOutcome::kComplete);
        return got;
      }
      EXPECT_NE(stats->resume, read.cursor) << "a page must move the cursor";
      read.cursor = stats->resume;
      if (*pages > 1000) {
        ADD_FAILURE() << "no end";
        return got;
      }
    }
  }
};

TEST_F(CatchupPagingTest, SeveralRangesInOneScanEqualTheUnionOfSingleScans) {
  const std::vector<HashRange> ranges = {{0, UINT64_MAX / 5},
                                         {UINT64_MAX / 2, UINT64_MAX / 5 * 3},
                                         {UINT64_MAX / 10 * 9, UINT64_MAX / 20}};  // wraps
  std::set<Timestamp> expected;
  for (const HashRange& r : ranges) {
    std::vector<Timestamp> got;
    ASSERT_TRUE(Read(40, r, &got).ok());
    expected.insert(got.begin(), got.end());
  }
  std::vector<Timestamp> got;
  auto stats = ReadSince(&fs_, log_->writer().Segments(), CatchupRead{40, HashRangeSet(ranges), {}},
                         [&](const Record& r) {
                           got.push_back(r.version.timestamp);
                           return true;
                         });
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->outcome, CatchupOutcome::kComplete);
  EXPECT_EQ(std::set<Timestamp>(got.begin(), got.end()), expected);
  EXPECT_EQ(got.size(), expected.size()) << "each record once";
  EXPECT_GT(expected.size(), 60u);
  EXPECT_EQ(stats->records_scanned, 300u) << "one pass over the log";
}

TEST_F(CatchupPagingTest, PagesResumeFromTheCursorAndTogetherDeliverEverything) {
  const CatchupRead read{150, HashRangeSet({HashRange::All()}), {}};
  size_t pages = 0;
  uint64_t segments_read = 0;
  const std::vector<Timestamp> got = ReadPaged(read, 7, UINT64_MAX, &pages, &segments_read);
  ASSERT_EQ(got.size(), 150u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], 151 + i);
  EXPECT_EQ(pages, 22u);  // 21 full pages of 7, then the last 3
  // A resumed page opens the cursor's segment and what follows, never the earlier ones.
  const SegmentSet set = log_->writer().Segments();
  EXPECT_LE(segments_read, pages * 2 + set.plain_ids.size());
}

TEST_F(CatchupPagingTest, ScanBudgetEndsAPageEvenWithoutMatches) {
  // A range holding few keys: most pages look at max_scanned records and deliver none.
  std::vector<Timestamp> expected;
  const HashRange narrow{0, UINT64_MAX / 16};
  ASSERT_TRUE(Read(0, narrow, &expected).ok());
  const CatchupRead read{0, HashRangeSet({narrow}), {}};
  size_t pages = 0;
  uint64_t segments_read = 0;
  const std::vector<Timestamp> got = ReadPaged(read, SIZE_MAX, 25, &pages, &segments_read);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(pages, 300u / 25);
}

TEST_F(CatchupPagingTest, ACompactionBetweenPagesLosesTheCursorAndARestartGetsEverything) {
  // First page: the compressed segment's 100 records and 20 from the first sealed segment.
  const CatchupRead first{0, HashRangeSet({HashRange::All()}), {}};
  std::vector<Timestamp> got;
  auto stats = ReadSince(&fs_, log_->writer().Segments(), first, [&](const Record& r) {
    if (got.size() == 120) return false;
    got.push_back(r.version.timestamp);
    return true;
  });
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->outcome, CatchupOutcome::kStopped);
  const CatchupCursor cursor = stats->resume;
  const SegmentSet before = log_->writer().Segments();
  ASSERT_NE(std::find(before.plain_ids.begin(), before.plain_ids.begin() + before.first_open,
                      cursor.segment_id),
            before.plain_ids.begin() + before.first_open)
      << "the cursor is in a sealed plain segment";

  Seal();  // the sealed plain segments become a compressed one: the cursor's segment is gone

  CatchupRead resume = first;
  resume.cursor = cursor;
  std::vector<Timestamp> more;
  stats = ReadSince(&fs_, log_->writer().Segments(), resume, [&](const Record& r) {
    more.push_back(r.version.timestamp);
    return true;
  });
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->outcome, CatchupOutcome::kCursorGone);
  EXPECT_TRUE(more.empty());
  // From the beginning again: everything, with the new segments.
  stats = ReadSince(&fs_, log_->writer().Segments(), first, [&](const Record& r) {
    more.push_back(r.version.timestamp);
    return true;
  });
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->outcome, CatchupOutcome::kComplete);
  EXPECT_EQ(std::set<Timestamp>(more.begin(), more.end()).size(), 300u);
}

}  // namespace
}  // namespace memdb::oplog
