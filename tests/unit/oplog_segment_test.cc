// Segment layouts, file names, the compressed writer and the reader's handling of both kinds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/endian.h"
#include "common/random.h"
#include "common/sim_file_system.h"
#include "oplog/segment_format.h"
#include "oplog/segment_reader.h"
#include "oplog/segment_writer.h"

namespace memdb::oplog {
namespace {

constexpr const char* kDir = "/d";

TEST(OplogSegmentFormat, HeaderRoundTripsAndRejectsDamage) {
  std::string b;
  EncodeSegmentHeader(SegmentHeader{SegmentKind::kPlain, 7, 6}, &b);
  ASSERT_EQ(b.size(), kSegmentHeaderSize);
  EXPECT_EQ(b.substr(0, 8), "MDBOPLOG");
  auto h = DecodeSegmentHeader(b);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->segment_id, 7u);
  EXPECT_EQ(h->prev_segment_id, 6u);
  EXPECT_EQ(h->kind, SegmentKind::kPlain);
  for (size_t i = 0; i < b.size(); ++i) {
    std::string bad = b;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_EQ(DecodeSegmentHeader(bad).status().code(), Code::kCorruption) << i;
  }
  EXPECT_FALSE(DecodeSegmentHeader(b.substr(0, 39)).ok());
}

TEST(OplogSegmentFormat, FooterRoundTrips) {
  SegmentStats s;
  s.Add(50, 30);
  s.Add(20, 40);
  s.block_count = 2;
  EXPECT_EQ(s.min_ts, 20u);
  EXPECT_EQ(s.max_ts, 50u);
  EXPECT_EQ(s.raw_bytes, 70u);
  std::string b;
  EncodeFooter(s, &b);
  ASSERT_EQ(b.size(), kFooterSize);
  auto d = DecodeFooter(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, s);
  b[20] ^= 1;
  EXPECT_FALSE(DecodeFooter(b).ok());
}

TEST(OplogSegmentFormat, FileNames) {
  EXPECT_EQ(SegmentFileName(12, SegmentKind::kPlain), "seg-00000000000000000012.log");
  EXPECT_EQ(SegmentFileName(12, SegmentKind::kCompressed), "seg-00000000000000000012.lz4");
  auto p = ParseFileName("seg-00000000000000000012.lz4");
  EXPECT_EQ(p.type, FileType::kCompressedSegment);
  EXPECT_EQ(p.id, 12u);
  EXPECT_EQ(ParseFileName("seg-18446744073709551615.log").id, UINT64_MAX);
  EXPECT_EQ(ParseFileName("seg-18446744073709551616.log").type, FileType::kOther);
  EXPECT_EQ(ParseFileName("MANIFEST").type, FileType::kManifest);
  EXPECT_EQ(ParseFileName("MANIFEST.tmp").type, FileType::kManifestTemp);
  EXPECT_EQ(ParseFileName("seg-0000000000000000001.log").type, FileType::kOther);
  EXPECT_EQ(ParseFileName("seg-0000000000000000001x.log").type, FileType::kOther);
  EXPECT_EQ(ParseFileName("seg-00000000000000000001.txt").type, FileType::kOther);
  EXPECT_EQ(ParseFileName("lost+found").type, FileType::kOther);
}

struct Written {
  std::string key;
  std::string value;
  Version version;
  RecordType type;
};

std::vector<Written> MakeRecords(size_t n, size_t value_size, uint64_t seed) {
  SeededRandom rnd(seed);
  std::vector<Written> out;
  for (size_t i = 0; i < n; ++i) {
    Written w;
    w.key = "key-" + std::to_string(i);
    w.type = rnd.Uniform(5) == 0 ? RecordType::kDelete : RecordType::kPut;
    if (w.type == RecordType::kPut) {
      // Runs of one letter: compressible, like most real values.
      w.value.assign(rnd.Uniform(value_size + 1), static_cast<char>('a' + rnd.Uniform(4)));
    }
    w.version = Version{1000 + i, static_cast<NodeId>(1 + rnd.Uniform(3))};
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<Written> ReadAll(SegmentReader* reader) {
  std::vector<Written> out;
  Record r;
  while (reader->Read(&r) == SegmentReader::Next::kRecord) {
    out.push_back(Written{std::string(r.key), std::string(r.value), r.version, r.type});
  }
  return out;
}

void ExpectSame(const std::vector<Written>& a, const std::vector<Written>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, b[i].key);
    EXPECT_EQ(a[i].value, b[i].value);
    EXPECT_EQ(a[i].version, b[i].version);
    EXPECT_EQ(a[i].type, b[i].type);
  }
}

class CompressedSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.CreateDir(kDir).ok()); }

  ManifestEntry Write(uint64_t id, const std::vector<Written>& records) {
    auto w = CompressedSegmentWriter::Create(&fs_, kDir, id);
    EXPECT_TRUE(w.ok());
    for (const Written& r : records) {
      EXPECT_TRUE((*w)->Add(Record{r.type, r.version, r.key, r.value}).ok());
    }
    EXPECT_TRUE((*w)->Finish().ok());
    return (*w)->entry();
  }

  std::unique_ptr<SegmentReader> Open(uint64_t id, ReadMode mode = ReadMode::kStrict) {
    auto r = SegmentReader::Open(
        &fs_,
        SegmentRef{std::string(kDir) + "/" + SegmentFileName(id, SegmentKind::kCompressed), id,
                   SegmentKind::kCompressed},
        SegmentReaderOptions{mode, false});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }

  SimFileSystem fs_;
};

TEST_F(CompressedSegmentTest, RoundTripsAcrossManyBlocks) {
  const auto records = MakeRecords(20000, 100, 1);
  const ManifestEntry e = Write(3, records);
  EXPECT_EQ(e.id, 3u);
  EXPECT_EQ(e.record_count, records.size());
  EXPECT_EQ(e.min_ts, 1000u);
  EXPECT_EQ(e.max_ts, 1000u + records.size() - 1);
  const std::string path = "/d/seg-00000000000000000003.lz4";
  EXPECT_EQ(e.file_size, fs_.Contents(path).size());
  auto reader = Open(3);
  ExpectSame(ReadAll(reader.get()), records);
  ASSERT_TRUE(reader->footer().has_value());
  EXPECT_GT(reader->footer()->block_count, 1u);
  EXPECT_LT(e.file_size, reader->footer()->raw_bytes / 2);  // lz4 did its job
  EXPECT_TRUE(reader->status().ok());
  EXPECT_TRUE(reader->skipped().empty());
}

TEST_F(CompressedSegmentTest, EmptySegmentAndRecordsLargerThanABlock) {
  Write(1, {});
  auto reader = Open(1);
  Record r;
  EXPECT_EQ(reader->Read(&r), SegmentReader::Next::kEnd);

  std::vector<Written> big = MakeRecords(3, 0, 2);
  big[1].type = RecordType::kPut;
  big[1].value.assign(kBlockTargetRawBytes * 3, 'z');
  Write(2, big);
  reader = Open(2);
  ExpectSame(ReadAll(reader.get()), big);
}

TEST_F(CompressedSegmentTest, DamagedBlockStopsStrictAndIsSkippedInSkipMode) {
  const auto records = MakeRecords(5000, 200, 3);
  Write(4, records);
  const std::string path = "/d/seg-00000000000000000004.lz4";
  // Damage the middle of the file: inside some block.
  const uint64_t where = fs_.Contents(path).size() / 2;
  ASSERT_TRUE(fs_.CorruptByte(path, where, 0x40).ok());

  auto strict = Open(4, ReadMode::kStrict);
  ReadAll(strict.get());
  EXPECT_EQ(strict->status().code(), Code::kCorruption);
  EXPECT_NE(strict->status().message().find(path), std::string::npos);
  EXPECT_NE(strict->status().message().find("offset"), std::string::npos);

  auto skip = Open(4, ReadMode::kSkipCorrupt);
  const auto got = ReadAll(skip.get());
  EXPECT_TRUE(skip->status().ok());
  ASSERT_EQ(skip->skipped().size(), 1u);
  EXPECT_LE(skip->skipped()[0].offset, where);
  EXPECT_GT(skip->skipped()[0].offset + skip->skipped()[0].length, where);
  EXPECT_LT(got.size(), records.size());
  EXPECT_GT(got.size(), records.size() / 2);
  // What came back is exactly the records minus one contiguous run (one block).
  size_t i = 0;
  while (i < got.size() && got[i].key == records[i].key) ++i;
  const size_t lost = records.size() - got.size();
  for (size_t j = i; j < got.size(); ++j) EXPECT_EQ(got[j].key, records[j + lost].key);
}

TEST_F(CompressedSegmentTest, TruncatedCompressedSegmentIsCorruption) {
  Write(5, MakeRecords(1000, 50, 4));
  const std::string path = "/d/seg-00000000000000000005.lz4";
  ASSERT_TRUE(fs_.Truncate(path, fs_.Contents(path).size() - 10).ok());
  auto reader = Open(5);
  ReadAll(reader.get());
  EXPECT_EQ(reader->status().code(), Code::kCorruption);
  EXPECT_NE(reader->status().message().find("footer"), std::string::npos);
}

// ---- plain segments: damage classification ----

class PlainSegmentTest : public ::testing::Test {
 protected:
  static constexpr const char* kPath = "/d/seg-00000000000000000001.log";

  void SetUp() override {
    EncodeSegmentHeader(SegmentHeader{SegmentKind::kPlain, 1, 0}, &bytes_);
    for (int i = 0; i < 10; ++i) {
      offsets_.push_back(bytes_.size());
      AppendRecord(Record{RecordType::kPut, Version{uint64_t(100 + i), 1}, "k" + std::to_string(i),
                          "value-" + std::to_string(i)},
                   &bytes_);
    }
  }

  // Reads `data` as segment 1; returns the keys read.
  std::vector<std::string> Read(const std::string& data, bool is_tail, ReadMode mode) {
    fs_.SetContents(kPath, data);
    auto r = SegmentReader::Open(&fs_, SegmentRef{kPath, 1, SegmentKind::kPlain},
                                 SegmentReaderOptions{mode, is_tail});
    EXPECT_TRUE(r.ok());
    reader_ = std::move(r).value();
    std::vector<std::string> keys;
    Record rec;
    while (reader_->Read(&rec) == SegmentReader::Next::kRecord) keys.emplace_back(rec.key);
    return keys;
  }

  SimFileSystem fs_;
  std::string bytes_;
  std::vector<size_t> offsets_;
  std::unique_ptr<SegmentReader> reader_;
};

TEST_F(PlainSegmentTest, CleanSegment) {
  EXPECT_EQ(Read(bytes_, true, ReadMode::kStrict).size(), 10u);
  EXPECT_FALSE(reader_->torn_tail().has_value());
  EXPECT_EQ(reader_->header()->segment_id, 1u);
}

TEST_F(PlainSegmentTest, ZeroFilledTailIsTorn) {
  EXPECT_EQ(Read(bytes_ + std::string(100, '\0'), true, ReadMode::kStrict).size(), 10u);
  ASSERT_TRUE(reader_->torn_tail().has_value());
  EXPECT_EQ(reader_->torn_tail()->offset, bytes_.size());
  EXPECT_EQ(reader_->torn_tail()->length, 100u);
}

TEST_F(PlainSegmentTest, BadLastRecordIsTornOnlyInTheTailSegment) {
  std::string data = bytes_;
  data[offsets_[9] + 12] ^= 1;
  EXPECT_EQ(Read(data, true, ReadMode::kStrict).size(), 9u);
  ASSERT_TRUE(reader_->torn_tail().has_value());
  EXPECT_EQ(reader_->torn_tail()->offset, offsets_[9]);

  EXPECT_EQ(Read(data, false, ReadMode::kStrict).size(), 9u);
  EXPECT_EQ(reader_->status().code(), Code::kCorruption);
}

TEST_F(PlainSegmentTest, BadRecordFollowedByValidOnesIsCorruptionEvenInTheTail) {
  std::string data = bytes_;
  data[offsets_[4] + 20] ^= 4;
  EXPECT_EQ(Read(data, true, ReadMode::kStrict).size(), 4u);
  EXPECT_EQ(reader_->status().code(), Code::kCorruption);
  EXPECT_NE(reader_->status().message().find("at offset " + std::to_string(offsets_[4])),
            std::string::npos)
      << reader_->status().message();

  const auto keys = Read(data, true, ReadMode::kSkipCorrupt);
  EXPECT_EQ(keys.size(), 9u);
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "k4"), keys.end());
  ASSERT_EQ(reader_->skipped().size(), 1u);
  EXPECT_EQ(reader_->skipped()[0].offset, offsets_[4]);
  EXPECT_EQ(reader_->skipped()[0].length, offsets_[5] - offsets_[4]);
}

TEST_F(PlainSegmentTest, CorruptLengthThatRunsPastTheEndIsNotMistakenForATornTail) {
  // The length of record 3 now claims more bytes than the file has; records 4.. are intact,
  // so this is mid-log corruption, not a torn write.
  std::string data = bytes_;
  EncodeU32(data.data() + offsets_[3] + 4, 100000);
  EXPECT_EQ(Read(data, true, ReadMode::kStrict).size(), 3u);
  EXPECT_EQ(reader_->status().code(), Code::kCorruption);
  EXPECT_FALSE(reader_->torn_tail().has_value());
}

TEST_F(PlainSegmentTest, HeaderProblems) {
  // Never written past a partial header: torn at 0.
  EXPECT_TRUE(Read(bytes_.substr(0, 17), true, ReadMode::kStrict).empty());
  ASSERT_TRUE(reader_->torn_tail().has_value());
  EXPECT_EQ(reader_->torn_tail()->offset, 0u);
  EXPECT_TRUE(Read("", true, ReadMode::kStrict).empty());
  ASSERT_TRUE(reader_->torn_tail().has_value());

  // A damaged header with records after it is corruption; skip mode reads the records.
  std::string data = bytes_;
  data[3] ^= 1;
  EXPECT_TRUE(Read(data, true, ReadMode::kStrict).empty());
  EXPECT_EQ(reader_->status().code(), Code::kCorruption);
  EXPECT_EQ(Read(data, true, ReadMode::kSkipCorrupt).size(), 10u);

  // A valid header naming another segment.
  std::string other;
  EncodeSegmentHeader(SegmentHeader{SegmentKind::kPlain, 2, 0}, &other);
  EXPECT_TRUE(Read(other + bytes_.substr(kSegmentHeaderSize), true, ReadMode::kStrict).empty());
  EXPECT_EQ(reader_->status().code(), Code::kCorruption);
}

TEST_F(PlainSegmentTest, LargeRecordsSpanReadChunks) {
  std::string data;
  EncodeSegmentHeader(SegmentHeader{SegmentKind::kPlain, 1, 0}, &data);
  const std::string big(3 << 20, 'q');
  for (int i = 0; i < 3; ++i) {
    AppendRecord(Record{RecordType::kPut, Version{1, 1}, "big" + std::to_string(i), big}, &data);
  }
  EXPECT_EQ(Read(data, false, ReadMode::kStrict).size(), 3u);
  EXPECT_TRUE(reader_->status().ok());
}

}  // namespace
}  // namespace memdb::oplog
