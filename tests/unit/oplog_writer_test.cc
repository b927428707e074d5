// The writer core's bookkeeping (LSNs, batches, watermarks, policies, rollover) and the
// flusher that executes its batches.
#include "oplog/oplog_writer.h"

#include <gtest/gtest.h>

#include "common/sim_file_system.h"
#include "oplog/segment_flusher.h"
#include "oplog/segment_reader.h"
#include "oplog_test_util.h"

namespace memdb::oplog {
namespace {

using testing::kDir;

Record Put(const std::string& key, Timestamp ts) {
  static std::string value = "value";
  return Record{RecordType::kPut, Version{ts, 1}, key, value};
}

OplogWriterOptions Options(FsyncPolicy policy, uint64_t segment_bytes = 1 << 20) {
  OplogWriterOptions o;
  o.dir = kDir;
  o.fsync = policy;
  o.segment_bytes = segment_bytes;
  o.fsync_interval_ms = 1000;
  return o;
}

TEST(OplogWriter, AppendNumbersRecordsAndDoesNoIo) {
  OplogWriter w(Options(FsyncPolicy::kAlways), WriterStart{});
  EXPECT_EQ(*w.Append(Put("a", 1)), 1u);
  EXPECT_EQ(*w.Append(Put("b", 2)), 2u);
  EXPECT_EQ(w.appended_lsn(), 2u);
  EXPECT_EQ(w.written_lsn(), 0u);
  EXPECT_EQ(w.acked_lsn(), 0u);
  EXPECT_GT(w.pending_bytes(), kSegmentHeaderSize);
  EXPECT_FALSE(w.Append(Record{RecordType::kDelete, {}, "k", "v"}).ok());
  EXPECT_EQ(w.appended_lsn(), 2u);
}

TEST(OplogWriter, FirstBatchCreatesTheSegmentWithItsHeader) {
  WriterStart start;
  start.next_segment_id = 5;
  start.prev_segment_id = 4;
  OplogWriter w(Options(FsyncPolicy::kAlways), start);
  ASSERT_TRUE(w.Append(Put("a", 1)).ok());
  auto b = w.TakeBatch(0);
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(b->create);
  EXPECT_TRUE(b->sync);
  EXPECT_FALSE(b->close);
  EXPECT_EQ(b->segment_id, 5u);
  EXPECT_EQ(b->path, std::string(kDir) + "/seg-00000000000000000005.log");
  EXPECT_EQ(b->last_lsn, 1u);
  EXPECT_EQ(b->end_offset, b->data.size());
  auto h = DecodeSegmentHeader(b->data);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->segment_id, 5u);
  EXPECT_EQ(h->prev_segment_id, 4u);
  EXPECT_EQ(w.pending_bytes(), 0u);
}

TEST(OplogWriter, GroupCommitOneBatchInFlightNextTakesEverythingThatArrived) {
  OplogWriter w(Options(FsyncPolicy::kAlways), WriterStart{});
  ASSERT_TRUE(w.Append(Put("a", 1)).ok());
  auto first = w.TakeBatch(0);
  ASSERT_TRUE(first.has_value());
  // While the fsync runs, more writes arrive; no second batch is handed out.
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(w.Append(Put("k" + std::to_string(i), 2 + i)).ok());
  EXPECT_FALSE(w.WantsFlush(0));
  EXPECT_FALSE(w.TakeBatch(0).has_value());
  EXPECT_TRUE(w.batch_in_flight());
  w.OnBatchDone(std::move(*first), Status::Ok());
  EXPECT_EQ(w.durable_lsn(), 1u);
  EXPECT_EQ(w.acked_lsn(), 1u);
  // The next batch shares one fsync among all 100 writes.
  auto second = w.TakeBatch(0);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->create);
  EXPECT_TRUE(second->sync);
  EXPECT_EQ(second->last_lsn, 101u);
  w.OnBatchDone(std::move(*second), Status::Ok());
  EXPECT_EQ(w.acked_lsn(), 101u);
  EXPECT_FALSE(w.WantsFlush(0));
}

TEST(OplogWriter, BuffersAreReused) {
  OplogWriter w(Options(FsyncPolicy::kAlways), WriterStart{});
  const std::string big(10000, 'x');
  const char* first_buffer = nullptr;
  for (int round = 0; round < 5; ++round) {
    ASSERT_TRUE(w.Append(Record{RecordType::kPut, Version{uint64_t(round + 1), 1}, "k", big}).ok());
    auto b = w.TakeBatch(0);
    ASSERT_TRUE(b.has_value());
    if (round == 1) first_buffer = b->data.data();
    if (round > 1) {
      EXPECT_EQ(b->data.data(), first_buffer) << "round " << round;
    }
    w.OnBatchDone(std::move(*b), Status::Ok());
  }
}

TEST(OplogWriter, IntervalPolicyAcksWrittenAndSyncsOnSchedule) {
  OplogWriter w(Options(FsyncPolicy::kInterval), WriterStart{});
  ASSERT_TRUE(w.Append(Put("a", 1)).ok());
  auto b = w.TakeBatch(5000);  // first sync is due at once
  ASSERT_TRUE(b && b->sync);
  w.OnBatchDone(std::move(*b), Status::Ok());
  ASSERT_TRUE(w.Append(Put("b", 2)).ok());
  b = w.TakeBatch(5100);
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->sync);
  w.OnBatchDone(std::move(*b), Status::Ok());
  EXPECT_EQ(w.written_lsn(), 2u);
  EXPECT_EQ(w.durable_lsn(), 1u);
  EXPECT_EQ(w.acked_lsn(), 2u);  // kill -9 safe, not power-loss safe
  EXPECT_EQ(w.NextSyncDeadline(), 6000u);
  EXPECT_FALSE(w.WantsFlush(5999));
  EXPECT_TRUE(w.WantsFlush(6000));
  // Nothing new to write: a sync-only batch for the open segment.
  b = w.TakeBatch(6000);
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(b->sync);
  EXPECT_TRUE(b->data.empty());
  EXPECT_FALSE(b->create);
  w.OnBatchDone(std::move(*b), Status::Ok());
  EXPECT_EQ(w.durable_lsn(), 2u);
  EXPECT_FALSE(w.NextSyncDeadline().has_value());
}

TEST(OplogWriter, NeverPolicySyncsOnlyWhenAskedOrAtRollover) {
  OplogWriter w(Options(FsyncPolicy::kNever), WriterStart{});
  ASSERT_TRUE(w.Append(Put("a", 1)).ok());
  auto b = w.TakeBatch(1'000'000);
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->sync);
  w.OnBatchDone(std::move(*b), Status::Ok());
  EXPECT_EQ(w.acked_lsn(), 1u);
  EXPECT_EQ(w.durable_lsn(), 0u);
  EXPECT_FALSE(w.WantsFlush(2'000'000));
  w.RequestSync();
  b = w.TakeBatch(2'000'000);
  ASSERT_TRUE(b && b->sync);
  w.OnBatchDone(std::move(*b), Status::Ok());
  EXPECT_EQ(w.durable_lsn(), 1u);
}

TEST(OplogWriter, RollsOverAtSegmentSizeAndSealsAfterTheCloseCompletes) {
  OplogWriter w(Options(FsyncPolicy::kNever, /*segment_bytes=*/200), WriterStart{});
  Lsn lsn = 0;
  while (true) {  // fill segment 1
    lsn = *w.Append(Put("k" + std::to_string(lsn), lsn + 1));
    if (w.Segments().plain_ids.size() == 1 && w.pending_bytes() >= 200) break;
  }
  ASSERT_TRUE(w.Append(Put("next", 1000)).ok());  // starts segment 2
  EXPECT_EQ(w.unsealed_from_id(), 1u);
  auto b1 = w.TakeBatch(0);
  ASSERT_TRUE(b1.has_value());
  EXPECT_EQ(b1->segment_id, 1u);
  EXPECT_TRUE(b1->close);
  EXPECT_TRUE(b1->sync) << "a segment is synced before the next one is created";
  EXPECT_EQ(b1->last_lsn, lsn);
  w.OnBatchDone(std::move(*b1), Status::Ok());
  ASSERT_EQ(w.sealed_tail().size(), 1u);
  EXPECT_EQ(w.sealed_tail()[0].id, 1u);
  EXPECT_EQ(w.unsealed_from_id(), 2u);
  EXPECT_EQ(w.durable_lsn(), lsn);
  auto b2 = w.TakeBatch(0);
  ASSERT_TRUE(b2.has_value());
  EXPECT_EQ(b2->segment_id, 2u);
  EXPECT_TRUE(b2->create);
  EXPECT_EQ(DecodeSegmentHeader(b2->data)->prev_segment_id, 1u);
  w.OnBatchDone(std::move(*b2), Status::Ok());
  const SegmentSet set = w.Segments();
  EXPECT_EQ(set.plain_ids, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(set.first_open, 1u);
  EXPECT_EQ(w.AllocateSegmentId(), 3u);
}

TEST(OplogWriter, AFailedBatchPoisonsTheWriter) {
  OplogWriter w(Options(FsyncPolicy::kAlways), WriterStart{});
  ASSERT_TRUE(w.Append(Put("a", 1)).ok());
  auto b = w.TakeBatch(0);
  w.OnBatchDone(std::move(*b), Status(Code::kIoError, "disk on fire"));
  EXPECT_EQ(w.acked_lsn(), 0u);
  EXPECT_EQ(w.status().code(), Code::kIoError);
  auto r = w.Append(Put("b", 2));
  EXPECT_EQ(r.status().code(), Code::kIoError);
  EXPECT_NE(r.status().message().find("disk on fire"), std::string::npos);
  EXPECT_FALSE(w.TakeBatch(0).has_value());
}

TEST(OplogWriter, ManifestInstallForgetsAbsorbedSegments) {
  WriterStart start;
  start.next_segment_id = 9;
  start.sealed_tail = {{3, 100}, {5, 100}, {8, 100}};
  OplogWriter w(Options(FsyncPolicy::kAlways), start);
  EXPECT_EQ(w.LogBytes(), 300u);
  Manifest m;
  m.tail_from_id = 6;
  m.segments.push_back(ManifestEntry{7, SegmentKind::kCompressed, 50, 1, 1, 1});
  w.OnManifestInstalled(m);
  ASSERT_EQ(w.sealed_tail().size(), 1u);
  EXPECT_EQ(w.sealed_tail()[0].id, 8u);
  EXPECT_EQ(w.LogBytes(), 150u);
}

TEST(OplogWriter, ParsesPolicies) {
  EXPECT_EQ(*ParseFsyncPolicy("always"), FsyncPolicy::kAlways);
  EXPECT_EQ(*ParseFsyncPolicy("interval"), FsyncPolicy::kInterval);
  EXPECT_EQ(*ParseFsyncPolicy("never"), FsyncPolicy::kNever);
  EXPECT_FALSE(ParseFsyncPolicy("sometimes").ok());
  EXPECT_STREQ(FsyncPolicyName(FsyncPolicy::kInterval), "interval");
}

// ---- with the flusher, on a simulated disk ----

TEST(SegmentFlusher, AlwaysPolicyMakesAckedRecordsSurviveACrash) {
  SimFileSystem fs;
  testing::TestLog log(&fs, Options(FsyncPolicy::kAlways, 1024));
  ASSERT_TRUE(log.Open().ok());
  for (int i = 0; i < 200; ++i) log.Put("k" + std::to_string(i), "v" + std::to_string(i), i + 1);
  ASSERT_TRUE(log.Flush().ok());
  EXPECT_EQ(log.writer().acked_lsn(), 200u);
  EXPECT_GT(log.writer().sealed_tail().size(), 2u);  // rolled over several times
  const testing::StoreMap before = testing::Snapshot(log.store());
  ASSERT_TRUE(log.CrashAndReopen().ok());
  EXPECT_EQ(testing::Snapshot(log.store()), before);
  EXPECT_TRUE(log.report().warnings.empty());
}

TEST(SegmentFlusher, NeverPolicyLosesOnlyUnsyncedRecordsOnACrash) {
  SimFileSystem fs;
  testing::TestLog log(&fs, Options(FsyncPolicy::kNever));
  ASSERT_TRUE(log.Open().ok());
  log.Put("synced", "1", 1);
  log.writer().RequestSync();
  ASSERT_TRUE(log.Flush().ok());
  log.Put("written-only", "2", 2);
  ASSERT_TRUE(log.Flush().ok());
  EXPECT_EQ(log.writer().acked_lsn(), 2u);
  ASSERT_TRUE(log.CrashAndReopen().ok());
  EXPECT_TRUE(log.store().Find("synced").has_value());
  EXPECT_FALSE(log.store().Find("written-only").has_value());
}

TEST(SegmentFlusher, RejectsABatchThatDoesNotContinueTheFile) {
  SimFileSystem fs;
  ASSERT_TRUE(fs.CreateDir(kDir).ok());
  OplogWriter w(Options(FsyncPolicy::kAlways), WriterStart{});
  SegmentFlusher f(&fs, kDir);
  ASSERT_TRUE(w.Append(Put("a", 1)).ok());
  auto b = w.TakeBatch(0);
  ASSERT_TRUE(f.Execute(*b).ok());
  FlushBatch replay = *b;  // the same bytes again, as if a batch were executed twice
  replay.create = false;
  EXPECT_EQ(f.Execute(replay).code(), Code::kInternal);
}

TEST(SegmentFlusher, ANewFlusherReopensTheSegmentForAppending) {
  SimFileSystem fs;
  ASSERT_TRUE(fs.CreateDir(kDir).ok());
  OplogWriter w(Options(FsyncPolicy::kAlways), WriterStart{});
  {
    SegmentFlusher f(&fs, kDir);
    ASSERT_TRUE(w.Append(Put("a", 1)).ok());
    ASSERT_TRUE(FlushInline(&w, &f, 0).ok());
  }
  SegmentFlusher f2(&fs, kDir);
  ASSERT_TRUE(w.Append(Put("b", 2)).ok());
  ASSERT_TRUE(FlushInline(&w, &f2, 0).ok());
  EXPECT_EQ(w.durable_lsn(), 2u);
}

TEST(SegmentFlusher, SyncFailurePoisonsAndNothingIsAcked) {
  SimFileSystem fs;
  testing::TestLog log(&fs, Options(FsyncPolicy::kAlways));
  ASSERT_TRUE(log.Open().ok());
  fs.SetFaultHook(
      [](const SimFileSystem::Op& op) { return op.kind == SimFileSystem::OpKind::kSync; });
  log.Put("a", "1", 1);
  EXPECT_EQ(log.Flush().code(), Code::kIoError);
  EXPECT_EQ(log.writer().acked_lsn(), 0u);
  EXPECT_FALSE(log.writer().status().ok());
}

}  // namespace
}  // namespace memdb::oplog
