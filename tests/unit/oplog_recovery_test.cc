// Recovery: torn tails at every byte, random bit flips, replay equivalence for random
// workloads, and the repairs and refusals of start-up.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/random.h"
#include "common/sim_file_system.h"
#include "oplog/compaction.h"
#include "oplog/recovery.h"
#include "oplog_test_util.h"

namespace memdb::oplog {
namespace {

using testing::kDir;
using testing::Snapshot;
using testing::StoreMap;
using testing::TestLog;
using Files = std::map<std::string, std::string>;

Files SaveFiles(const SimFileSystem& fs) {
  Files files;
  for (const std::string& path : fs.Files()) files[path] = fs.Contents(path);
  return files;
}

void LoadFiles(SimFileSystem* fs, const Files& files) {
  ASSERT_TRUE(fs->CreateDir(kDir).ok());
  for (const auto& [path, data] : files) fs->SetContents(path, data);
}

std::string SegPath(uint64_t id, SegmentKind kind) {
  return std::string(kDir) + "/" + SegmentFileName(id, kind);
}

OplogWriterOptions SmallSegments(uint64_t bytes = 700) {
  OplogWriterOptions o;
  o.dir = kDir;
  o.segment_bytes = bytes;
  return o;
}

// Where each record of the log lives: its unit is the record's bytes (plain) or its block's
// (compressed) — the smallest thing damage can take away.
struct Placed {
  size_t index;  // in replay order
  std::string path;
  uint64_t unit_start;
  uint64_t unit_end;
  std::string key;
  testing::Entry entry;
};

std::vector<Placed> Layout(SimFileSystem* fs) {
  std::vector<Placed> out;
  auto report = ReplayLog(
      fs, RecoveryOptions{kDir, ReadMode::kStrict, false},
      [&](const Record& r, const SegmentRef& seg, uint64_t offset) {
        const uint64_t end =
            seg.kind == SegmentKind::kPlain ? offset + EncodedSize(r) : 0;  // fixed below
        out.push_back(
            Placed{out.size(), seg.path, offset, end, std::string(r.key),
                   testing::Entry{std::string(r.value), r.version, r.type == RecordType::kDelete}});
      });
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  // A compressed block ends where the next starts, or at the footer.
  for (Placed& p : out) {
    if (p.unit_end != 0) continue;
    uint64_t end = fs->Contents(p.path).size() - kFooterSize;
    for (const Placed& q : out) {
      if (q.path == p.path && q.unit_start > p.unit_start) end = std::min(end, q.unit_start);
    }
    p.unit_end = end;
  }
  return out;
}

// A log of `n` records with unique keys: some in compressed segments, the rest in plain
// segments, the last of which is the tail.
Files BuildLog(size_t n, size_t sealed_first, uint64_t seed) {
  SimFileSystem fs;
  TestLog log(&fs, SmallSegments());
  EXPECT_TRUE(log.Open().ok());
  SeededRandom rnd(seed);
  for (size_t i = 0; i < n; ++i) {
    const std::string key = "key-" + std::to_string(i);
    if (rnd.Uniform(6) == 0) {
      log.Del(key, 100 + i);
    } else {
      log.Put(key, std::string(1 + rnd.Uniform(40), static_cast<char>('a' + i % 26)), 100 + i,
              1 + static_cast<NodeId>(rnd.Uniform(3)));
    }
    if (i + 1 == sealed_first) {
      EXPECT_TRUE(log.Flush().ok());
      auto plan = PlanSeal(&log.writer(), ReadMode::kStrict);
      if (plan) {
        CompactionJob job(&fs, std::move(*plan));
        EXPECT_TRUE(job.Run().ok());
        log.writer().OnManifestInstalled(job.result().manifest);
      }
    }
  }
  EXPECT_TRUE(log.Flush().ok());
  return SaveFiles(fs);
}

TEST(OplogRecovery, FreshDirectoryBecomesAnEmptyLog) {
  SimFileSystem fs;
  Store store;
  auto r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->created);
  EXPECT_TRUE(fs.Exists(std::string(kDir) + "/MANIFEST"));
  EXPECT_EQ(r->next_segment_id, 1u);
  fs.Crash();  // the new manifest is durable
  r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->created);
  EXPECT_TRUE(r->warnings.empty());
}

// ---- torn tails ----

TEST(OplogRecovery, TruncatingTheLastSegmentAtEveryByteOffsetKeepsEveryCompleteRecord) {
  const Files pristine = BuildLog(60, 0, 7);
  SimFileSystem probe;
  LoadFiles(&probe, pristine);
  const std::vector<Placed> layout = Layout(&probe);
  const std::string last_path = layout.back().path;
  const std::string last = pristine.at(last_path);
  ASSERT_GT(layout.size(), 10u);
  ASSERT_NE(layout.front().path, last_path) << "want several segments";

  for (size_t cut = 0; cut <= last.size(); ++cut) {
    SimFileSystem fs;
    LoadFiles(&fs, pristine);
    fs.SetContents(last_path, last.substr(0, cut));
    Store store;
    auto r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
    ASSERT_TRUE(r.ok()) << "cut " << cut << ": " << r.status().ToString();

    // Expected: every record not in the last segment, and those ending by the cut.
    uint64_t boundary = cut >= kSegmentHeaderSize ? kSegmentHeaderSize : 0;
    StoreMap expected;
    for (const Placed& p : layout) {
      if (p.path == last_path && p.unit_end > cut) continue;
      if (p.path == last_path) boundary = std::max(boundary, p.unit_end);
      expected[p.key] = p.entry;
    }
    EXPECT_EQ(Snapshot(store), expected) << "cut " << cut;
    if (cut == boundary && cut >= kSegmentHeaderSize) {
      EXPECT_FALSE(r->torn_tail.has_value()) << "cut " << cut;
    } else {
      ASSERT_TRUE(r->torn_tail.has_value()) << "cut " << cut;
      EXPECT_EQ(r->torn_tail->offset, boundary);
      EXPECT_EQ(r->torn_tail->length, cut - boundary);
      ASSERT_FALSE(r->warnings.empty());
      EXPECT_NE(r->warnings.back().find(std::to_string(cut - boundary) + " bytes"),
                std::string::npos)
          << r->warnings.back();
    }
    // Repaired: the file ends at the last valid record (or is gone), and a second start is
    // clean.
    if (boundary == 0) {
      EXPECT_FALSE(fs.Exists(last_path)) << "cut " << cut;
    } else {
      EXPECT_EQ(fs.Contents(last_path).size(), boundary) << "cut " << cut;
    }
    fs.Crash();
    Store again;
    auto r2 = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &again);
    ASSERT_TRUE(r2.ok());
    EXPECT_TRUE(r2->warnings.empty()) << "cut " << cut;
    EXPECT_EQ(Snapshot(again), expected);
  }
}

TEST(OplogRecovery, ACrashKeepingAnyPrefixOfAnUnsyncedBatchLosesOnlyThatBatch) {
  OplogWriterOptions options;
  options.fsync = FsyncPolicy::kNever;
  auto build = [&](SimFileSystem* fs, TestLog* log) {
    EXPECT_TRUE(log->Open().ok());
    for (int i = 0; i < 5; ++i) log->Put("synced-" + std::to_string(i), "v", 10 + i);
    log->writer().RequestSync();
    EXPECT_TRUE(log->Flush().ok());
    for (int i = 0; i < 8; ++i) log->Put("batch-" + std::to_string(i), "value", 100 + i);
    EXPECT_TRUE(log->Flush().ok());  // written, not synced
    (void)fs;
  };
  SimFileSystem probe;
  TestLog probe_log(&probe, options);
  build(&probe, &probe_log);
  const std::string path = SegPath(1, SegmentKind::kPlain);
  const size_t unsynced = probe.Contents(path).size() - probe.DurableContents(path).size();
  ASSERT_GT(unsynced, 100u);

  for (size_t keep = 0; keep <= unsynced; ++keep) {
    SimFileSystem fs;
    TestLog log(&fs, options);
    build(&fs, &log);
    fs.SetCrashKeep(path, keep);
    ASSERT_TRUE(log.CrashAndReopen().ok()) << "keep " << keep;
    const StoreMap got = Snapshot(log.store());
    size_t batch_records = 0;
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(got.count("synced-" + std::to_string(i)));
    for (int i = 0; i < 8; ++i) batch_records += got.count("batch-" + std::to_string(i));
    // The records kept are a prefix of the batch, exactly those wholly within `keep`.
    for (size_t i = 0; i < batch_records; ++i) EXPECT_TRUE(got.count("batch-" + std::to_string(i)));
    EXPECT_EQ(batch_records == 8, keep == unsynced) << "keep " << keep;
    const size_t record_size = EncodedSize(Record{RecordType::kPut, {}, "batch-0", "value"});
    EXPECT_EQ(log.report().torn_tail.has_value(), batch_records * record_size != keep)
        << "keep " << keep;
  }
}

// kill -9 under fsync=never, restart, more writes, then a power loss that tears the old
// segment's unsynced bytes: recovery had made them durable, so nothing is torn or lost.
TEST(OplogRecovery, RecoveryMakesReplayedButUnsyncedBytesDurable) {
  OplogWriterOptions options;
  options.fsync = FsyncPolicy::kNever;
  SimFileSystem fs;
  TestLog log(&fs, options);
  ASSERT_TRUE(log.Open().ok());
  for (int i = 0; i < 10; ++i) log.Put("before-" + std::to_string(i), "v", 10 + i);
  ASSERT_TRUE(log.Flush().ok());  // in the page cache only
  const std::string first = SegPath(1, SegmentKind::kPlain);
  ASSERT_LT(fs.DurableContents(first).size(), fs.Contents(first).size());
  ASSERT_TRUE(log.KillAndReopen().ok());
  EXPECT_EQ(log.store().size(), 10u);
  EXPECT_EQ(fs.DurableContents(first), fs.Contents(first));
  log.Put("after", "v", 100);
  log.writer().RequestSync();
  ASSERT_TRUE(log.Flush().ok());
  fs.SetCrashKeep(first, 7);
  ASSERT_TRUE(log.CrashAndReopen().ok());
  EXPECT_EQ(log.store().size(), 11u);
  EXPECT_TRUE(log.report().warnings.empty());
}

// ---- bit flips ----

TEST(OplogRecovery, RandomBitFlipsNeverApplyADamagedRecordAndKeepEverythingBefore) {
  // Fixed by default; vary it with --gtest_random_seed=N. A failure prints the seed.
  const uint64_t seed = ::testing::UnitTest::GetInstance()->random_seed() * 7919ull + 1;
  SCOPED_TRACE("seed " + std::to_string(seed));
  SeededRandom rnd(seed);
  const Files pristine = BuildLog(120, 50, seed);
  SimFileSystem probe;
  LoadFiles(&probe, pristine);
  const std::vector<Placed> layout = Layout(&probe);
  std::vector<std::string> segments;
  size_t total = 0;
  for (const auto& [path, data] : pristine) {
    if (path.find("/seg-") != std::string::npos) {
      segments.push_back(path);
      total += data.size();
    }
  }
  ASSERT_GE(segments.size(), 3u);
  StoreMap all;
  for (const Placed& p : layout) all[p.key] = p.entry;

  int compressed_hits = 0, strict_errors = 0, torn_tails = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    // A random byte of the segment files, weighted by size.
    uint64_t at = rnd.Uniform(total);
    std::string path;
    for (const std::string& s : segments) {
      if (at < pristine.at(s).size()) {
        path = s;
        break;
      }
      at -= pristine.at(s).size();
    }
    const uint8_t mask = static_cast<uint8_t>(1u << rnd.Uniform(8));
    compressed_hits += path.ends_with(".lz4");
    SCOPED_TRACE("trial " + std::to_string(trial) + ": flip " + path + " @" + std::to_string(at));

    // The records the damage can take: those whose unit holds the byte.
    std::set<std::string> hit;
    size_t first_hit = layout.size();
    for (const Placed& p : layout) {
      if (p.path == path && p.unit_start <= at && at < p.unit_end) {
        hit.insert(p.key);
        first_hit = std::min(first_hit, p.index);
      }
    }
    // Header or footer damage: everything in that file from its start counts as "after".
    if (first_hit == layout.size()) {
      for (const Placed& p : layout) {
        if (p.path == path) first_hit = std::min(first_hit, p.index);
      }
    }

    for (ReadMode mode : {ReadMode::kStrict, ReadMode::kSkipCorrupt}) {
      SimFileSystem fs;
      LoadFiles(&fs, pristine);
      ASSERT_TRUE(fs.CorruptByte(path, at, mask).ok());
      Store store;
      auto r = Recover(&fs, RecoveryOptions{kDir, mode, true}, &store);
      const StoreMap got = Snapshot(store);
      // Never a damaged record: everything recovered is exactly as written.
      for (const auto& [key, entry] : got) {
        ASSERT_TRUE(all.count(key)) << "invented key " << key;
        ASSERT_EQ(entry, all.at(key)) << "damaged record applied for " << key;
      }
      // Everything before the damage is there.
      for (const Placed& p : layout) {
        if (p.index < first_hit) {
          ASSERT_TRUE(got.count(p.key)) << "lost " << p.key;
        }
      }
      if (mode == ReadMode::kSkipCorrupt) {
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        StoreMap expected = all;
        for (const std::string& k : hit) expected.erase(k);
        EXPECT_EQ(got, expected);
      } else if (r.ok()) {
        // Only a torn tail is tolerated: the damage was in the last segment and nothing after
        // it was valid.
        ASSERT_TRUE(r->torn_tail.has_value());
        EXPECT_EQ(path, layout.back().path);
        ++torn_tails;
        for (const Placed& p : layout) {
          if (p.index >= first_hit) {
            EXPECT_FALSE(got.count(p.key)) << p.key;
          }
        }
      } else {
        EXPECT_EQ(r.status().code(), Code::kCorruption);
        EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
        EXPECT_NE(r.status().message().find("offset"), std::string::npos);
        ++strict_errors;
      }
    }
  }
  // The trials covered every kind of outcome.
  EXPECT_GT(compressed_hits, 100);
  EXPECT_GT(strict_errors, 100);
  EXPECT_GT(torn_tails, 3);
}

// Regression guard: deciding that megabytes of garbage after the last record hold no valid
// record must not checksum every implausible "record" the garbage describes.
TEST(OplogRecovery, ALargeGarbageTailIsTornAndScannedQuickly) {
  Files files = BuildLog(30, 0, 21);
  const std::string last = files.rbegin()->first;
  const size_t good = files[last].size();
  SeededRandom rnd(99);
  std::string garbage(4 << 20, '\0');
  rnd.Fill(garbage.data(), garbage.size());
  files[last] += garbage;
  SimFileSystem fs;
  LoadFiles(&fs, files);
  Store store;
  auto r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->torn_tail.has_value());
  EXPECT_EQ(r->torn_tail->offset, good);
  EXPECT_EQ(r->torn_tail->length, garbage.size());
  EXPECT_EQ(r->records_replayed, 30u);
}

TEST(OplogRecovery, MidLogCorruptionStopsStartupNamingFileAndOffset) {
  const Files pristine = BuildLog(40, 0, 3);
  SimFileSystem fs;
  LoadFiles(&fs, pristine);
  const std::vector<Placed> layout = Layout(&fs);
  const Placed& victim = layout[3];
  ASSERT_TRUE(fs.CorruptByte(victim.path, victim.unit_start + 10, 0x20).ok());
  Store store;
  auto r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  const std::string& msg = r.status().message();
  EXPECT_NE(
      msg.find(victim.path + ": checksum mismatch at offset " + std::to_string(victim.unit_start)),
      std::string::npos)
      << msg;
  EXPECT_NE(msg.find("skip_corrupt"), std::string::npos) << msg;
  EXPECT_EQ(fs.Contents(victim.path), [&] {
    std::string s = pristine.at(victim.path);
    s[victim.unit_start + 10] ^= 0x20;
    return s;
  }()) << "strict recovery must not repair mid-log damage";

  Store skipped;
  auto s = Recover(&fs, RecoveryOptions{kDir, ReadMode::kSkipCorrupt, true}, &skipped);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->skipped.size(), 1u);
  EXPECT_EQ(s->skipped[0].offset, victim.unit_start);
  EXPECT_EQ(s->skipped_bytes, victim.unit_end - victim.unit_start);
  EXPECT_EQ(s->records_replayed, layout.size() - 1);
  EXPECT_FALSE(skipped.Find(victim.key).has_value());
}

// ---- replay equivalence ----

TEST(OplogRecovery, RandomWorkloadsReplayToTheSameStore) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SeededRandom rnd(seed);
    SimFileSystem fs;
    OplogWriterOptions options = SmallSegments(512 + rnd.Uniform(4096));
    TestLog log(&fs, options);
    ASSERT_TRUE(log.Open().ok());
    Timestamp now = 1'000'000;
    Timestamp cutoff_seen = 0;
    int jobs = 0, restarts = 0;
    for (int step = 0; step < 3000; ++step) {
      now += 10;
      const std::string key = "k" + std::to_string(rnd.Uniform(200));
      const Timestamp ts = now + rnd.Uniform(30);  // replicas deliver a little out of order
      const NodeId node = 1 + static_cast<NodeId>(rnd.Uniform(3));
      switch (rnd.Uniform(10)) {
        case 0:
        case 1:
          log.Del(key, ts, node);
          break;
        default:
          log.Put(key, std::string(rnd.Uniform(64), static_cast<char>('a' + rnd.Uniform(26))), ts,
                  node);
      }
      if (rnd.Uniform(20) == 0) {
        ASSERT_TRUE(log.Flush().ok());
      }
      if (rnd.Uniform(300) == 0) {
        ASSERT_TRUE(log.Flush().ok());
        const bool compact = rnd.Uniform(2) == 0;
        const Timestamp cutoff = now - 5000;
        auto plan = compact ? PlanCompaction(&log.writer(), cutoff, ReadMode::kStrict)
                            : PlanSeal(&log.writer(), ReadMode::kStrict);
        if (plan) {
          CompactionJob job(&fs, std::move(*plan), 1 + rnd.Uniform(100));
          // Writes go on between the job's steps.
          while (true) {
            auto done = job.Step();
            ASSERT_TRUE(done.ok()) << done.status().ToString();
            if (*done) break;
            now += 10;
            log.Put("during-" + std::to_string(rnd.Uniform(50)), "x", now);
            ASSERT_TRUE(log.Flush().ok());
          }
          log.writer().OnManifestInstalled(job.result().manifest);
          if (compact) cutoff_seen = std::max(cutoff_seen, cutoff);
          ++jobs;
        }
      }
      if (rnd.Uniform(700) == 0 || step == 2999) {
        ASSERT_TRUE(log.Flush().ok());
        const StoreMap before =
            testing::WithoutExpiredTombstones(Snapshot(log.store()), cutoff_seen);
        ASSERT_TRUE(log.CrashAndReopen().ok());
        EXPECT_EQ(testing::WithoutExpiredTombstones(Snapshot(log.store()), cutoff_seen), before)
            << "step " << step;
        EXPECT_GE(log.report().max_timestamp, now - 10);
        EXPECT_TRUE(log.report().warnings.empty());
        ++restarts;
      }
    }
    EXPECT_GE(jobs, 3);
    EXPECT_GE(restarts, 2);
  }
}

// ---- repairs and refusals ----

TEST(OplogRecovery, RemovesLeftoversOfInterruptedJobs) {
  Files files = BuildLog(30, 0, 5);
  files[std::string(kDir) + "/MANIFEST.tmp"] = "half a manifest";
  files[SegPath(999, SegmentKind::kCompressed)] = "an output never installed";
  SimFileSystem fs;
  LoadFiles(&fs, files);
  Store store;
  auto r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->removed_files.size(), 2u);
  EXPECT_EQ(r->warnings.size(), 2u);
  EXPECT_FALSE(fs.Exists(SegPath(999, SegmentKind::kCompressed)));
  EXPECT_EQ(r->next_segment_id, 1000u) << "ids are never reused";
  fs.Crash();
  EXPECT_FALSE(fs.Exists(std::string(kDir) + "/MANIFEST.tmp")) << "removal was made durable";
}

TEST(OplogRecovery, RefusesAMissingOrDamagedManifest) {
  Files files = BuildLog(10, 0, 5);
  const std::string manifest = std::string(kDir) + "/MANIFEST";
  for (ReadMode mode : {ReadMode::kStrict, ReadMode::kSkipCorrupt}) {
    SimFileSystem fs;
    LoadFiles(&fs, files);
    ASSERT_TRUE(fs.CorruptByte(manifest, 20, 1).ok());
    Store store;
    auto r = Recover(&fs, RecoveryOptions{kDir, mode, true}, &store);
    EXPECT_EQ(r.status().code(), Code::kCorruption);
    EXPECT_NE(r.status().message().find("MANIFEST"), std::string::npos);

    ASSERT_TRUE(fs.Remove(manifest).ok());
    r = Recover(&fs, RecoveryOptions{kDir, mode, true}, &store);
    EXPECT_EQ(r.status().code(), Code::kCorruption);
    EXPECT_NE(r.status().message().find("MANIFEST is missing"), std::string::npos);
  }
}

TEST(OplogRecovery, AListedSegmentThatIsMissingStopsStrictStartup) {
  const Files files = BuildLog(80, 60, 9);
  SimFileSystem fs;
  LoadFiles(&fs, files);
  auto m = ReadManifest(&fs, kDir);
  ASSERT_TRUE(m.ok());
  ASSERT_FALSE(m->segments.empty());
  const std::string gone = SegPath(m->segments[0].id, SegmentKind::kCompressed);
  ASSERT_TRUE(fs.Remove(gone).ok());
  Store store;
  auto r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  EXPECT_NE(r.status().message().find(gone), std::string::npos);
  r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kSkipCorrupt, true}, &store);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->skipped.size(), 1u);
}

TEST(OplogRecovery, AGapInTheTailIsDetected) {
  const Files files = BuildLog(60, 0, 11);
  SimFileSystem fs;
  LoadFiles(&fs, files);
  ASSERT_TRUE(fs.Exists(SegPath(3, SegmentKind::kPlain)));
  ASSERT_TRUE(fs.Exists(SegPath(2, SegmentKind::kPlain)));
  ASSERT_TRUE(fs.Remove(SegPath(2, SegmentKind::kPlain)).ok());
  Store store;
  auto r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kStrict, true}, &store);
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  EXPECT_NE(r.status().message().find("follows segment 2"), std::string::npos)
      << r.status().message();
  r = Recover(&fs, RecoveryOptions{kDir, ReadMode::kSkipCorrupt, true}, &store);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->skipped.size(), 1u);
}

TEST(OplogRecovery, WriterContinuesTheChainAfterRecovery) {
  SimFileSystem fs;
  LoadFiles(&fs, BuildLog(30, 0, 13));
  TestLog log(&fs, SmallSegments());
  ASSERT_TRUE(log.Open().ok());
  const RecoveryReport& r = log.report();
  ASSERT_FALSE(r.tail.empty());
  EXPECT_EQ(r.last_plain_id, r.tail.back().id);
  EXPECT_EQ(r.next_segment_id, r.tail.back().id + 1);
  EXPECT_EQ(r.max_timestamp, 129u);
  log.Put("after-restart", "v", 500);
  ASSERT_TRUE(log.Flush().ok());
  ASSERT_TRUE(log.CrashAndReopen().ok());
  EXPECT_TRUE(log.report().warnings.empty());
  EXPECT_TRUE(log.store().Find("after-restart").has_value());
  EXPECT_EQ(log.report().max_timestamp, 500u);
}

TEST(OplogRecovery, WithoutRepairNothingOnDiskChanges) {
  Files files = BuildLog(30, 10, 17);
  const std::string last = files.rbegin()->first;  // the tail's last segment sorts last
  files[last] += std::string("\x01\x02\x03", 3);   // a torn tail
  files[std::string(kDir) + "/MANIFEST.tmp"] = "x";
  SimFileSystem fs;
  LoadFiles(&fs, files);
  auto r = ReplayLog(&fs, RecoveryOptions{kDir, ReadMode::kStrict, false},
                     [](const Record&, const SegmentRef&, uint64_t) {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->torn_tail.has_value());
  EXPECT_FALSE(r->torn_tail_repaired);
  EXPECT_EQ(r->leftover_files.size(), 1u);
  EXPECT_TRUE(r->removed_files.empty());
  EXPECT_EQ(SaveFiles(fs), files);
}

}  // namespace
}  // namespace memdb::oplog
