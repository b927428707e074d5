// Sealing and compaction: what they keep, that writes go on meanwhile, and that a crash at
// any step of either leaves a log that recovers to the same data.
#include <gtest/gtest.h>

#include <map>

#include "common/random.h"
#include "common/sim_file_system.h"
#include "oplog/compaction.h"
#include "oplog/segment_reader.h"
#include "oplog_test_util.h"

namespace memdb::oplog {
namespace {

using testing::kDir;
using testing::Snapshot;
using testing::StoreMap;
using testing::TestLog;
using testing::WithoutExpiredTombstones;

OplogWriterOptions SmallSegments() {
  OplogWriterOptions o;
  o.dir = kDir;
  o.segment_bytes = 600;
  return o;
}

std::vector<Record> ReadSegment(SimFileSystem* fs, const ManifestEntry& e,
                                std::vector<std::string>* storage) {
  auto reader = SegmentReader::Open(
      fs, SegmentRef{std::string(kDir) + "/" + SegmentFileName(e.id, e.kind), e.id, e.kind}, {});
  EXPECT_TRUE(reader.ok());
  std::vector<Record> out;
  Record r;
  storage->reserve(100000);
  while ((*reader)->Read(&r) == SegmentReader::Next::kRecord) {
    storage->emplace_back(r.key);
    r.key = storage->back();
    storage->emplace_back(r.value);
    r.value = storage->back();
    out.push_back(r);
  }
  EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status().ToString();
  return out;
}

// A workload over a small key space: overwrites, deletes (old and recent), several nodes.
void Workload(TestLog* log, SeededRandom* rnd, int n, Timestamp* now) {
  for (int i = 0; i < n; ++i) {
    *now += 10;
    const std::string key = "k" + std::to_string(rnd->Uniform(40));
    if (rnd->Uniform(4) == 0) {
      log->Del(key, *now, 1 + static_cast<NodeId>(rnd->Uniform(2)));
    } else {
      log->Put(key, "v" + std::to_string(*now), *now, 1 + static_cast<NodeId>(rnd->Uniform(2)));
    }
  }
  ASSERT_TRUE(log->Flush().ok());
}

TEST(OplogCompaction, Policy) {
  CompactionPolicy p;
  p.max_log_ratio = 2.0;
  p.min_log_bytes = 1000;
  EXPECT_FALSE(ShouldCompact(p, 999, 1));
  EXPECT_FALSE(ShouldCompact(p, 2000, 1000));
  EXPECT_TRUE(ShouldCompact(p, 2001, 1000));
  EXPECT_TRUE(ShouldCompact(p, 5000, 0));
}

TEST(OplogCompaction, SealTurnsTheSealedTailIntoOneCompressedSegment) {
  SimFileSystem fs;
  TestLog log(&fs, SmallSegments());
  ASSERT_TRUE(log.Open().ok());
  SeededRandom rnd(1);
  Timestamp now = 1000;
  Workload(&log, &rnd, 200, &now);
  const size_t sealed = log.writer().sealed_tail().size();
  ASSERT_GE(sealed, 3u);
  EXPECT_FALSE(PlanCompaction(&log.writer(), 0, ReadMode::kStrict) == std::nullopt);

  auto plan = PlanSeal(&log.writer(), ReadMode::kStrict);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->inputs.size(), sealed);
  CompactionJob job(&fs, std::move(*plan));
  ASSERT_TRUE(job.Run().ok());
  const CompactionResult& result = job.result();
  EXPECT_EQ(result.manifest.segments.size(), 1u);
  EXPECT_EQ(result.manifest.segments[0].kind, SegmentKind::kCompressed);
  EXPECT_EQ(result.manifest.generation, 2u);
  EXPECT_EQ(result.manifest.compacted_through, 0u);
  EXPECT_EQ(job.progress().records_in, job.progress().records_out) << "sealing keeps all";
  EXPECT_EQ(job.progress().phase, CompactionPhase::kDone);
  for (const SegmentRef& in : job.plan().inputs) EXPECT_FALSE(fs.Exists(in.path));
  log.writer().OnManifestInstalled(result.manifest);
  EXPECT_TRUE(log.writer().sealed_tail().empty());
  EXPECT_FALSE(PlanSeal(&log.writer(), ReadMode::kStrict).has_value());

  const StoreMap before = Snapshot(log.store());
  ASSERT_TRUE(log.CrashAndReopen().ok());
  EXPECT_EQ(Snapshot(log.store()), before);
  EXPECT_TRUE(log.report().warnings.empty());
}

TEST(OplogCompaction, KeepsTheNewestVersionOfEachKeyAndOnlyRecentTombstones) {
  SimFileSystem fs;
  TestLog log(&fs, SmallSegments());
  ASSERT_TRUE(log.Open().ok());
  OplogWriter& w = log.writer();
  auto append = [&](RecordType t, const char* key, const char* value, Timestamp ts, NodeId n) {
    ASSERT_TRUE(w.Append(Record{t, Version{ts, n}, key, value}).ok());
  };
  // Logged in arrival order, so older versions can come later (replication).
  append(RecordType::kPut, "a", "a20", 20, 1);
  append(RecordType::kPut, "a", "a10-late", 10, 1);
  append(RecordType::kPut, "b", "b5", 5, 1);
  append(RecordType::kDelete, "b", "", 15, 1);   // expired tombstone: b disappears
  append(RecordType::kDelete, "c", "", 200, 1);  // recent tombstone: kept
  append(RecordType::kPut, "d", "d30-n1", 30, 1);
  append(RecordType::kPut, "d", "d30-n2", 30, 2);  // node id breaks the tie
  append(RecordType::kPut, "e", "e40", 40, 1);
  append(RecordType::kPut, "e", "e40-dup", 40, 1);  // an exact duplicate version: first wins
  ASSERT_TRUE(log.Flush().ok());
  for (int i = 0; i < 40; ++i) append(RecordType::kPut, "filler", "x", 1000 + i, 1);  // roll
  ASSERT_TRUE(log.Flush().ok());

  auto plan = PlanCompaction(&w, /*tombstone_cutoff=*/100, ReadMode::kStrict);
  ASSERT_TRUE(plan.has_value());
  CompactionJob job(&fs, std::move(*plan), /*step_records=*/3);
  ASSERT_TRUE(job.Run().ok());
  const Manifest& m = job.result().manifest;
  ASSERT_EQ(m.segments.size(), 1u);
  EXPECT_EQ(m.compacted_through, 100u);

  std::vector<std::string> storage;
  std::map<std::string, std::pair<std::string, Version>> got;
  for (const Record& r : ReadSegment(&fs, m.segments[0], &storage)) {
    ASSERT_FALSE(got.count(std::string(r.key))) << "two versions of " << r.key;
    got[std::string(r.key)] = {r.type == RecordType::kDelete ? "<del>" : std::string(r.value),
                               r.version};
  }
  EXPECT_EQ(got.at("a").first, "a20");
  EXPECT_FALSE(got.count("b"));
  EXPECT_EQ(got.at("c").first, "<del>");
  EXPECT_EQ(got.at("d").first, "d30-n2");
  EXPECT_EQ(got.at("e").first, "e40");
  const CompactionProgress p = job.progress();
  EXPECT_EQ(p.tombstones_dropped, 1u);
  EXPECT_EQ(p.records_out, got.size());
  EXPECT_EQ(p.records_in, p.records_out + p.superseded_dropped + p.tombstones_dropped);
  EXPECT_GT(p.bytes_written, 0u);
  EXPECT_EQ(p.bytes_read, p.input_bytes);
}

TEST(OplogCompaction, WritesGoOnWhileTheJobRunsAndEverythingRecovers) {
  SimFileSystem fs;
  TestLog log(&fs, SmallSegments());
  ASSERT_TRUE(log.Open().ok());
  SeededRandom rnd(2);
  Timestamp now = 1000;
  Workload(&log, &rnd, 300, &now);
  auto plan = PlanCompaction(&log.writer(), now - 500, ReadMode::kStrict);
  ASSERT_TRUE(plan.has_value());
  const Timestamp cutoff = plan->tombstone_cutoff;
  CompactionJob job(&fs, std::move(*plan), /*step_records=*/7);
  std::vector<CompactionPhase> phases;
  while (true) {
    auto done = job.Step();
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    phases.push_back(job.progress().phase);
    if (*done) break;
    Workload(&log, &rnd, 3, &now);  // rolls over into new segments meanwhile
  }
  EXPECT_TRUE(std::is_sorted(phases.begin(), phases.end())) << "phases only move forward";
  log.writer().OnManifestInstalled(job.result().manifest);
  EXPECT_FALSE(log.writer().sealed_tail().empty()) << "segments sealed during the job remain";
  const StoreMap before = WithoutExpiredTombstones(Snapshot(log.store()), cutoff);
  ASSERT_TRUE(log.CrashAndReopen().ok());
  EXPECT_EQ(WithoutExpiredTombstones(Snapshot(log.store()), cutoff), before);
  EXPECT_TRUE(log.report().warnings.empty());
}

// Crash (fault + lost unsynced state) at every file-system operation of a job, with writes
// interleaved: recovery always gives the same store, and leaves a clean log.
void CrashAtEveryStep(JobKind kind) {
  int completed_runs = 0;
  uint64_t faults = 0;
  for (uint64_t n = 1; completed_runs == 0; ++n, ++faults) {
    SCOPED_TRACE(std::string(JobKindName(kind)) + ", fault at operation " + std::to_string(n));
    SimFileSystem fs;
    TestLog log(&fs, SmallSegments());
    ASSERT_TRUE(log.Open().ok());
    SeededRandom rnd(3);
    Timestamp now = 1000;
    Workload(&log, &rnd, 250, &now);
    const Timestamp cutoff = kind == JobKind::kCompact ? now - 800 : 0;
    auto plan = kind == JobKind::kCompact ? PlanCompaction(&log.writer(), cutoff, ReadMode::kStrict)
                                          : PlanSeal(&log.writer(), ReadMode::kStrict);
    ASSERT_TRUE(plan.has_value());
    const StoreMap acked_before = Snapshot(log.store());
    StoreMap acked = acked_before;

    fs.FailAtOperation(n);
    CompactionJob job(&fs, std::move(*plan), /*step_records=*/40);
    int extra = 0;
    bool job_done = false;
    while (true) {
      auto done = job.Step();
      if (!done.ok()) break;
      if (*done) {
        job_done = true;
        log.writer().OnManifestInstalled(job.result().manifest);
        break;
      }
      log.Put("during-" + std::to_string(extra++), "x", now += 10);
      if (!log.Flush().ok()) break;
      acked = Snapshot(log.store());
    }
    const StoreMap everything = Snapshot(log.store());
    if (job_done && !fs.dead()) ++completed_runs;

    ASSERT_TRUE(log.CrashAndReopen().ok()) << log.report().warnings.size();
    const StoreMap got = WithoutExpiredTombstones(Snapshot(log.store()), cutoff);
    // Every acknowledged write is there; an unacknowledged one may or may not be.
    const bool ok = got == WithoutExpiredTombstones(acked, cutoff) ||
                    got == WithoutExpiredTombstones(everything, cutoff);
    EXPECT_TRUE(ok) << "recovered: " << testing::Describe(got)
                    << "\nacked: " << testing::Describe(acked);

    // The log is clean again: a second start has nothing to repair, and jobs work.
    ASSERT_TRUE(log.CrashAndReopen().ok());
    EXPECT_TRUE(log.report().warnings.empty());
    EXPECT_TRUE(log.report().leftover_files.empty());
    auto again = PlanCompaction(&log.writer(), cutoff, ReadMode::kStrict);
    if (again) {
      CompactionJob job2(&fs, std::move(*again));
      ASSERT_TRUE(job2.Run().ok());
      log.writer().OnManifestInstalled(job2.result().manifest);
      ASSERT_TRUE(log.CrashAndReopen().ok());
      EXPECT_EQ(WithoutExpiredTombstones(Snapshot(log.store()), cutoff), got);
    }
    ASSERT_LT(n, 10000u) << "the job never completed";
  }
  EXPECT_GT(faults, 20u) << "every step of the job and of the writes between its steps";
}

TEST(OplogCompaction, ACrashAtEveryStepOfCompactionRecoversTheSameStore) {
  CrashAtEveryStep(JobKind::kCompact);
}

TEST(OplogCompaction, ACrashAtEveryStepOfSealingRecoversTheSameStore) {
  CrashAtEveryStep(JobKind::kSeal);
}

TEST(OplogCompaction, StrictJobFailsOnDamageAndTheLogStaysRecoverable) {
  SimFileSystem fs;
  TestLog log(&fs, SmallSegments());
  ASSERT_TRUE(log.Open().ok());
  SeededRandom rnd(4);
  Timestamp now = 1000;
  Workload(&log, &rnd, 200, &now);
  const uint64_t damaged_id = log.writer().sealed_tail()[1].id;
  const std::string path =
      std::string(kDir) + "/" + SegmentFileName(damaged_id, SegmentKind::kPlain);
  ASSERT_TRUE(fs.CorruptByte(path, kSegmentHeaderSize + 30, 0x04).ok());

  auto plan = PlanCompaction(&log.writer(), 0, ReadMode::kStrict);
  CompactionJob job(&fs, std::move(*plan));
  const Status s = job.Run();
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  EXPECT_EQ(job.progress().phase, CompactionPhase::kFailed);
  EXPECT_TRUE(fs.Exists(path)) << "inputs are kept when a job fails";

  // Skip mode rewrites the log without the damaged record.
  auto skip_plan = PlanCompaction(&log.writer(), 0, ReadMode::kSkipCorrupt);
  CompactionJob skip_job(&fs, std::move(*skip_plan));
  ASSERT_TRUE(skip_job.Run().ok());
  EXPECT_EQ(skip_job.result().skipped.size(), 1u);
  log.writer().OnManifestInstalled(skip_job.result().manifest);
  ASSERT_TRUE(log.CrashAndReopen().ok()) << "strict recovery is happy again";
  EXPECT_TRUE(log.report().warnings.empty());
  EXPECT_EQ(skip_job.result().skipped[0].path, path);
}

}  // namespace
}  // namespace memdb::oplog
