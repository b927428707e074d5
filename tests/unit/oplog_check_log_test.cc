// memdb-check-log's logic: verdicts, dump, and what --fix does and refuses.
#include <gtest/gtest.h>

#include "common/sim_file_system.h"
#include "oplog/check_log.h"
#include "oplog/compaction.h"
#include "oplog_test_util.h"

namespace memdb::oplog {
namespace {

using testing::kDir;
using testing::TestLog;

class CheckLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OplogWriterOptions o;
    o.dir = kDir;
    o.segment_bytes = 500;
    TestLog log(&fs_, o);
    ASSERT_TRUE(log.Open().ok());
    for (int i = 0; i < 60; ++i) {
      log.Put("key-" + std::to_string(i), "value-" + std::to_string(i), 100 + i);
      if (i == 20) {
        ASSERT_TRUE(log.Flush().ok());
        auto plan = PlanSeal(&log.writer(), ReadMode::kStrict);
        CompactionJob job(&fs_, std::move(*plan));
        ASSERT_TRUE(job.Run().ok());
        log.writer().OnManifestInstalled(job.result().manifest);
      }
    }
    log.Del("key-0", 500);
    log.Put(std::string("bin\x01\"key", 8), std::string("val\\ue\xff", 7), 501);
    ASSERT_TRUE(log.Flush().ok());
    segments_ = log.writer().Segments();
  }

  CheckReport Check(bool dump = false, bool values = false) {
    lines_.clear();
    CheckOptions o;
    o.dir = kDir;
    o.dump = dump;
    o.show_values = values;
    return CheckLog(&fs_, o, [&](std::string_view l) { lines_.emplace_back(l); });
  }

  std::string PlainPath(size_t i) const {
    return std::string(kDir) + "/" + SegmentFileName(segments_.plain_ids[i], SegmentKind::kPlain);
  }

  bool Printed(const std::string& needle) const {
    for (const std::string& l : lines_) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  SimFileSystem fs_;
  SegmentSet segments_;
  std::vector<std::string> lines_;
};

TEST_F(CheckLogTest, CleanLogVerifies) {
  const CheckReport r = Check();
  EXPECT_EQ(r.verdict, CheckVerdict::kClean);
  EXPECT_EQ(ExitCodeFor(r.verdict), 0);
  EXPECT_EQ(r.scan.records_replayed, 62u);
  EXPECT_TRUE(Printed("verdict: OK"));
  EXPECT_TRUE(Printed("62 valid record(s)"));
  auto plan = PlanFix(r, FixOptions{});
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->empty());
}

TEST_F(CheckLogTest, DumpEscapesKeysAndShowsValuesOnlyWhenAsked) {
  Check(/*dump=*/true);
  EXPECT_EQ(lines_.size(), 62u + 3u);
  EXPECT_TRUE(Printed(":block@40 PUT ts=0.100 node=1 key=\"key-0\" value_len=7"));
  EXPECT_TRUE(Printed(" DEL ts=0.500 node=1 key=\"key-0\""));
  EXPECT_TRUE(Printed("key=\"bin\\x01\\\"key\" value_len=7"));
  EXPECT_FALSE(Printed("value=\""));
  Check(/*dump=*/true, /*values=*/true);
  EXPECT_TRUE(Printed("value=\"value-0\""));
  EXPECT_TRUE(Printed("value=\"val\\\\ue\\xff\""));
}

TEST_F(CheckLogTest, TornTailIsReportedAndFixed) {
  const std::string last = PlainPath(segments_.plain_ids.size() - 1);
  const std::string good = fs_.Contents(last);
  fs_.SetContents(last, good + std::string("\x05\x00\x00", 3));
  CheckReport r = Check();
  EXPECT_EQ(r.verdict, CheckVerdict::kTornTail);
  EXPECT_EQ(ExitCodeFor(r.verdict), 1);
  EXPECT_TRUE(Printed("TORN TAIL: " + last + " at offset " + std::to_string(good.size())));
  auto plan = PlanFix(r, FixOptions{});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_NE((*plan)[0].find("truncate the torn tail"), std::string::npos);
  ASSERT_TRUE(FixLog(&fs_, kDir, r, FixOptions{}, [](std::string_view) {}).ok());
  EXPECT_EQ(fs_.Contents(last), good);
  EXPECT_EQ(Check().verdict, CheckVerdict::kClean);
}

TEST_F(CheckLogTest, MidLogDamageIsRefusedUnlessTruncatingAtTheFirstError) {
  ASSERT_GE(segments_.plain_ids.size(), 3u);
  const std::string victim = PlainPath(0);
  ASSERT_TRUE(fs_.CorruptByte(victim, kSegmentHeaderSize + 12, 0x01).ok());
  CheckReport r = Check();
  EXPECT_EQ(r.verdict, CheckVerdict::kCorrupt);
  EXPECT_EQ(ExitCodeFor(r.verdict), 1);
  ASSERT_TRUE(r.first_damage.has_value());
  EXPECT_EQ(r.first_damage->path, victim);
  EXPECT_EQ(r.first_damage->offset, kSegmentHeaderSize);
  EXPECT_TRUE(Printed("CORRUPT: " + victim + " at offset 40: checksum mismatch"));

  auto refused = PlanFix(r, FixOptions{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(victim + " at offset 40"), std::string::npos);
  EXPECT_NE(refused.status().message().find("--truncate-at-first-error"), std::string::npos);
  EXPECT_FALSE(FixLog(&fs_, kDir, r, FixOptions{}, [](std::string_view) {}).ok());

  const FixOptions cut{/*truncate_at_first_error=*/true};
  auto plan = PlanFix(r, cut);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->size(), segments_.plain_ids.size());  // truncate one, remove the rest
  ASSERT_TRUE(FixLog(&fs_, kDir, r, cut, [](std::string_view) {}).ok());
  EXPECT_EQ(fs_.Contents(victim).size(), kSegmentHeaderSize);
  EXPECT_FALSE(fs_.Exists(PlainPath(1)));
  r = Check();
  EXPECT_EQ(r.verdict, CheckVerdict::kClean);
  EXPECT_EQ(r.scan.records_replayed, segments_.manifest.segments.at(0).record_count)
      << "only the compressed segment's records remain";
}

TEST_F(CheckLogTest, DamageInACompressedSegmentCannotBeCut) {
  const ManifestEntry& e = segments_.manifest.segments.at(0);
  const std::string path = std::string(kDir) + "/" + SegmentFileName(e.id, e.kind);
  ASSERT_TRUE(fs_.CorruptByte(path, kSegmentHeaderSize + 20, 0x80).ok());
  const CheckReport r = Check();
  EXPECT_EQ(r.verdict, CheckVerdict::kCorrupt);
  auto plan = PlanFix(r, FixOptions{true});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("skip_corrupt"), std::string::npos);
}

TEST_F(CheckLogTest, UnreadableDirectories) {
  ASSERT_TRUE(fs_.Remove(std::string(kDir) + "/MANIFEST").ok());
  CheckReport r = Check();
  EXPECT_EQ(r.verdict, CheckVerdict::kUnreadable);
  EXPECT_EQ(ExitCodeFor(r.verdict), 2);
  EXPECT_TRUE(Printed("MANIFEST is missing"));
  EXPECT_FALSE(PlanFix(r, FixOptions{true}).ok());

  SimFileSystem empty;
  CheckOptions o;
  o.dir = "/nowhere";
  r = CheckLog(&empty, o, [](std::string_view) {});
  EXPECT_EQ(r.verdict, CheckVerdict::kUnreadable);
  EXPECT_TRUE(empty.Files().empty()) << "checking creates nothing";
}

TEST(CheckLogEscape, EscapesAndCuts) {
  EXPECT_EQ(EscapeBytes("plain"), "plain");
  EXPECT_EQ(EscapeBytes(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(EscapeBytes("q\"b\\"), "q\\\"b\\\\");
  EXPECT_EQ(EscapeBytes("\n\x7f\xc3\xa9"), "\\x0a\\x7f\\xc3\\xa9");
  EXPECT_EQ(EscapeBytes(std::string(300, 'x'), 4), "xxxx...(+296 bytes)");
}

}  // namespace
}  // namespace memdb::oplog
