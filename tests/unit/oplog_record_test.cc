#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>

#include "common/crc32c.h"
#include "common/endian.h"
#include "oplog/record.h"

namespace memdb::oplog {
namespace {

std::string Encode(const Record& r) {
  std::string out;
  AppendRecord(r, &out);
  return out;
}

TEST(OplogRecord, PutRoundTrips) {
  const std::string value("va\0lue", 6);
  const Record in{RecordType::kPut, Version{(uint64_t{1700000000000} << 16) | 7, 42}, "key", value};
  const std::string bytes = Encode(in);
  ASSERT_EQ(bytes.size(), EncodedSize(in));
  EXPECT_EQ(bytes.size(), 9u + 16u + 3u + 6u);
  Record out;
  const DecodeResult r = DecodeRecord(bytes, &out);
  ASSERT_EQ(r.status, DecodeStatus::kOk);
  EXPECT_EQ(r.size, bytes.size());
  EXPECT_EQ(out.type, RecordType::kPut);
  EXPECT_EQ(out.version, in.version);
  EXPECT_EQ(out.key, "key");
  EXPECT_EQ(out.value, in.value);
}

TEST(OplogRecord, DeleteAndEmptyKeyRoundTrip) {
  for (const std::string& key : {std::string(), std::string("k"), std::string(70000, 'x')}) {
    const Record in{RecordType::kDelete, Version{5, 1}, key, {}};
    Record out;
    const std::string bytes = Encode(in);
    ASSERT_EQ(DecodeRecord(bytes, &out).status, DecodeStatus::kOk);
    EXPECT_EQ(out.type, RecordType::kDelete);
    EXPECT_EQ(out.key, key);
    EXPECT_TRUE(out.value.empty());
  }
}

TEST(OplogRecord, LayoutIsAsDocumented) {
  const Record in{RecordType::kPut, Version{0x0102030405060708, 0x0a0b0c0d}, "ab", "xyz"};
  const std::string b = Encode(in);
  EXPECT_EQ(DecodeU32(b.data() + 4), 16u + 2u + 3u);
  EXPECT_EQ(b[8], 1);
  EXPECT_EQ(DecodeU64(b.data() + 9), 0x0102030405060708u);
  EXPECT_EQ(DecodeU32(b.data() + 17), 0x0a0b0c0du);
  EXPECT_EQ(DecodeU32(b.data() + 21), 2u);
  EXPECT_EQ(b.substr(25), "abxyz");
  EXPECT_EQ(crc32c::Unmask(DecodeU32(b.data())), crc32c::Value(b.data() + 4, b.size() - 4));
}

TEST(OplogRecord, EveryPrefixNeedsMore) {
  const std::string bytes = Encode(Record{RecordType::kPut, Version{9, 2}, "key", "value"});
  Record out;
  for (size_t n = 0; n < bytes.size(); ++n) {
    const DecodeResult r = DecodeRecord(std::string_view(bytes).substr(0, n), &out);
    EXPECT_EQ(r.status, DecodeStatus::kNeedMore) << "prefix " << n;
    if (n >= kRecordHeaderSize) {
      EXPECT_EQ(r.size, bytes.size());
    }
  }
}

TEST(OplogRecord, EverySingleBitFlipIsDetected) {
  const std::string good = Encode(Record{RecordType::kPut, Version{9, 2}, "key", "value"});
  Record out;
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      const DecodeStatus s = DecodeRecord(bad, &out).status;
      EXPECT_NE(s, DecodeStatus::kOk) << "byte " << byte << " bit " << bit;
    }
  }
}

TEST(OplogRecord, ImplausibleLengthsAreRejectedBeforeReadingMore) {
  std::string bytes = Encode(Record{RecordType::kPut, Version{1, 1}, "k", "v"});
  Record out;
  EncodeU32(bytes.data() + 4, 3);  // shorter than the fixed body
  EXPECT_EQ(DecodeRecord(bytes, &out).status, DecodeStatus::kBadLength);
  EncodeU32(bytes.data() + 4, static_cast<uint32_t>(kMaxRecordBody + 1));
  EXPECT_EQ(DecodeRecord(bytes, &out).status, DecodeStatus::kBadLength);
}

// A record whose checksum is right but whose content is not: only a writer bug (or a format
// from the future) produces these.
std::string Forge(uint8_t type, uint32_t key_len, std::string_view rest) {
  std::string b(9 + 16, '\0');
  EncodeU32(b.data() + 4, static_cast<uint32_t>(16 + rest.size()));
  b[8] = static_cast<char>(type);
  EncodeU32(b.data() + 21, key_len);
  b.append(rest);
  EncodeU32(b.data(), crc32c::Mask(crc32c::Value(b.data() + 4, b.size() - 4)));
  return b;
}

TEST(OplogRecord, ValidChecksumButBadContentIsRejected) {
  Record out;
  EXPECT_EQ(DecodeRecord(Forge(3, 1, "kv"), &out).status, DecodeStatus::kBadType);  // COUNTER
  EXPECT_EQ(DecodeRecord(Forge(0, 1, "kv"), &out).status, DecodeStatus::kBadType);
  EXPECT_EQ(DecodeRecord(Forge(1, 5, "kv"), &out).status, DecodeStatus::kBadBody);
  EXPECT_EQ(DecodeRecord(Forge(2, 1, "kv"), &out).status, DecodeStatus::kBadBody);  // del+value
  EXPECT_EQ(DecodeRecord(Forge(2, 2, "kv"), &out).status, DecodeStatus::kOk);
}

TEST(OplogRecord, IsEncodable) {
  EXPECT_TRUE(IsEncodable(Record{RecordType::kPut, {}, "k", "v"}));
  EXPECT_FALSE(IsEncodable(Record{RecordType::kDelete, {}, "k", "v"}));
  EXPECT_FALSE(IsEncodable(Record{RecordType::kCounter, {}, "k", ""}));
  const std::string huge(kMaxRecordBody, 'x');
  EXPECT_FALSE(IsEncodable(Record{RecordType::kPut, {}, "k", huge}));
}

TEST(OplogRecord, KeyHashIsXxh3) { EXPECT_EQ(KeyHash("hello"), XXH3_64bits("hello", 5)); }

}  // namespace
}  // namespace memdb::oplog
