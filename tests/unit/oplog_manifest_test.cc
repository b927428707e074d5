#include <gtest/gtest.h>

#include "common/sim_file_system.h"
#include "oplog/manifest.h"

namespace memdb::oplog {
namespace {

Manifest Sample(uint64_t generation) {
  Manifest m;
  m.generation = generation;
  m.tail_from_id = 10 + generation;
  m.compacted_through = 12345;
  m.segments.push_back(ManifestEntry{3, SegmentKind::kCompressed, 4096, 100, 5, 900});
  m.segments.push_back(ManifestEntry{7, SegmentKind::kCompressed, 8192, 200, 901, 1800});
  return m;
}

TEST(OplogManifest, RoundTrips) {
  const Manifest m = Sample(4);
  const std::string bytes = EncodeManifest(m);
  EXPECT_EQ(bytes.size(), kManifestHeaderSize + 2 * kManifestEntrySize + 4);
  auto d = DecodeManifest(bytes);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, m);
  auto empty = DecodeManifest(EncodeManifest(Manifest{}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->segments.empty());
}

TEST(OplogManifest, EveryByteIsProtected) {
  const std::string good = EncodeManifest(Sample(1));
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x08);
    EXPECT_EQ(DecodeManifest(bad).status().code(), Code::kCorruption) << "byte " << i;
  }
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(DecodeManifest(good.substr(0, n)).ok()) << "prefix " << n;
  }
}

TEST(OplogManifest, ReadReportsMissingAndDamaged) {
  SimFileSystem fs;
  ASSERT_TRUE(fs.CreateDir("/d").ok());
  EXPECT_EQ(ReadManifest(&fs, "/d").status().code(), Code::kNotFound);
  fs.SetContents("/d/MANIFEST", "garbage");
  EXPECT_EQ(ReadManifest(&fs, "/d").status().code(), Code::kCorruption);
}

// The swap is atomic at every step: a crash leaves the old manifest or the new one.
TEST(OplogManifest, SwapSurvivesACrashAtEveryStep) {
  for (uint64_t step = 1;; ++step) {
    SimFileSystem fs;
    ASSERT_TRUE(fs.CreateDir("/d").ok());
    ASSERT_TRUE(WriteManifest(&fs, "/d", Sample(1)).ok());
    fs.FailAtOperation(step);
    const Status s = WriteManifest(&fs, "/d", Sample(2));
    fs.Crash();
    auto m = ReadManifest(&fs, "/d");
    ASSERT_TRUE(m.ok()) << "step " << step << ": " << m.status().ToString();
    EXPECT_TRUE(*m == Sample(1) || *m == Sample(2)) << "step " << step;
    if (s.ok()) {
      EXPECT_EQ(*m, Sample(2)) << "a completed swap is durable";
      EXPECT_GE(step, 5u);  // open, append, sync, rename, sync dir
      break;
    }
  }
}

}  // namespace
}  // namespace memdb::oplog
