#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <string>

#include "common/random.h"

namespace memdb::crc32c {
namespace {

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(Value("123456789", 9), 0xE3069283u);
  EXPECT_EQ(Value("", 0), 0u);
  // RFC 3720 (iSCSI), appendix B.4.
  std::string buf(32, '\0');
  EXPECT_EQ(Value(buf), 0x8a9136aau);
  buf.assign(32, '\xff');
  EXPECT_EQ(Value(buf), 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(i);
  EXPECT_EQ(Value(buf), 0x46dd794eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(31 - i);
  EXPECT_EQ(Value(buf), 0x113fdb5cu);
}

TEST(Crc32c, PortableMatchesKnownVector) {
  EXPECT_EQ(ExtendPortable(0, "123456789", 9), 0xE3069283u);
}

TEST(Crc32c, ExtendEqualsWholeValue) {
  const std::string s = "hello world, this is a longer message to checksum";
  for (size_t split = 0; split <= s.size(); ++split) {
    EXPECT_EQ(Extend(Value(s.data(), split), s.data() + split, s.size() - split), Value(s));
  }
}

TEST(Crc32c, SelectedImplementationMatchesPortableAtEveryLengthAndAlignment) {
  SeededRandom rnd(42);
  std::string buf(4096 + 16, '\0');
  rnd.Fill(buf.data(), buf.size());
  for (size_t align = 0; align < 8; ++align) {
    for (size_t len = 0; len < 300; ++len) {
      ASSERT_EQ(Value(buf.data() + align, len), ExtendPortable(0, buf.data() + align, len))
          << "len " << len << " align " << align << " impl " << Implementation();
    }
  }
  EXPECT_EQ(Value(buf), ExtendPortable(0, buf.data(), buf.size()));
}

TEST(Crc32c, MaskRoundTripsAndDiffers) {
  const uint32_t crc = Value("foo", 3);
  EXPECT_NE(Mask(crc), crc);
  EXPECT_NE(Mask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Unmask(Mask(Mask(crc)))), crc);
}

}  // namespace
}  // namespace memdb::crc32c
