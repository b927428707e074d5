// MERKLE_TREE and RANGE_ENTRIES bodies: round trips, and hostile input rejected before any
// allocation it would size.
#include "protocol/anti_entropy_messages.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/endian.h"
#include "protocol/codec.h"

namespace memdb::protocol {
namespace {

// The body of the single response frame in `frame`.
std::string BodyOf(const std::string& frame) {
  DecodeResult r = DecodeFrame(frame, Limits{}, /*expect_response=*/true);
  EXPECT_EQ(r.status, DecodeStatus::kFrame);
  return std::string(r.frame.body);
}

TEST(AntiEntropyMessagesTest, MerkleTreeRoundTrips) {
  std::string body;
  AppendMerkleTreeRequestBody(MerkleTreeRequest{5, UINT64_MAX - 3, 7}, &body);
  MerkleTreeRequest request;
  ASSERT_TRUE(ParseMerkleTreeRequestBody(body, &request).ok());
  EXPECT_EQ(request.range_begin, 5u);
  EXPECT_EQ(request.range_end, UINT64_MAX - 3);
  EXPECT_EQ(request.depth, 7u);

  MerkleTreeResponse response;
  response.depth = 2;
  response.entries = 42;
  response.leaves = {1, UINT64_MAX, 0, 77};
  std::string frame;
  AppendMerkleTreeResponse(&frame, 9, 100, response);
  MerkleTreeResponse parsed;
  ASSERT_TRUE(ParseMerkleTreeResponseBody(BodyOf(frame), &parsed).ok());
  EXPECT_EQ(parsed.depth, 2u);
  EXPECT_EQ(parsed.entries, 42u);
  EXPECT_EQ(parsed.leaves, response.leaves);
}

TEST(AntiEntropyMessagesTest, MerkleTreeBadInputIsRejected) {
  MerkleTreeRequest request;
  std::string deep;
  AppendMerkleTreeRequestBody(MerkleTreeRequest{0, 0, 21}, &deep);
  EXPECT_EQ(ParseMerkleTreeRequestBody(deep, &request).code(), Code::kBadRequest);
  EXPECT_EQ(ParseMerkleTreeRequestBody(deep.substr(0, 10), &request).code(), Code::kBadRequest);
  EXPECT_EQ(
      ParseMerkleTreeRequestBody(deep.substr(0, 16) + std::string("\x01\x00", 2), &request).code(),
      Code::kBadRequest);  // trailing byte

  MerkleTreeResponse parsed;
  // A huge leaf count in a tiny body: refused before reserving 2^32 digests.
  std::string huge;
  PutU8(&huge, 20);
  PutU64(&huge, 0);
  PutU32(&huge, 0xFFFFFFFFu);
  EXPECT_EQ(ParseMerkleTreeResponseBody(huge, &parsed).code(), Code::kBadRequest);
  // A count that fits the body but is not 2^depth.
  std::string wrong;
  PutU8(&wrong, 2);
  PutU64(&wrong, 0);
  PutU32(&wrong, 3);
  for (int i = 0; i < 3; ++i) PutU64(&wrong, 1);
  Status s = ParseMerkleTreeResponseBody(wrong, &parsed);
  EXPECT_EQ(s.code(), Code::kBadRequest);
  EXPECT_NE(s.message().find("2^depth"), std::string::npos) << s.message();
}

TEST(AntiEntropyMessagesTest, RangeEntriesRoundTrip) {
  RangeEntriesRequest request;
  request.range_begin = 10;
  request.range_end = 3;
  request.depth = 4;
  request.max_bytes = 4096;
  request.leaves = {0, 3, 15};
  request.has_cursor = true;
  request.cursor = "last-key";
  std::string body;
  AppendRangeEntriesRequestBody(request, &body);
  RangeEntriesRequest parsed;
  ASSERT_TRUE(ParseRangeEntriesRequestBody(body, Limits{}, &parsed).ok());
  EXPECT_EQ(parsed.range_begin, 10u);
  EXPECT_EQ(parsed.range_end, 3u);
  EXPECT_EQ(parsed.depth, 4u);
  EXPECT_EQ(parsed.max_bytes, 4096u);
  EXPECT_EQ(parsed.leaves, request.leaves);
  EXPECT_TRUE(parsed.has_cursor);
  EXPECT_EQ(parsed.cursor, "last-key");

  RangeEntriesResponse response;
  response.more = true;
  response.entries = {RangeEntry{false, Version{1 << 16, 2}, "a", "value-a"},
                      RangeEntry{true, Version{2 << 16, 3}, "b", ""},
                      RangeEntry{false, Version{3 << 16, 1}, "c", ""}};
  std::string frame;
  AppendRangeEntriesResponse(&frame, 1, 1, response);
  const std::string response_body = BodyOf(frame);
  RangeEntriesResponse got;
  ASSERT_TRUE(ParseRangeEntriesResponseBody(response_body, Limits{}, &got).ok());
  EXPECT_TRUE(got.more);
  ASSERT_EQ(got.entries.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got.entries[i].tombstone, response.entries[i].tombstone);
    EXPECT_EQ(got.entries[i].version, response.entries[i].version);
    EXPECT_EQ(got.entries[i].key, response.entries[i].key);
    EXPECT_EQ(got.entries[i].value, response.entries[i].value);
  }
}

std::string RangeRequestBody(uint8_t depth, std::vector<uint32_t> leaves, uint32_t count,
                             bool has_cursor, std::string_view cursor) {
  std::string body;
  PutU64(&body, 0);
  PutU64(&body, 0);
  PutU8(&body, depth);
  PutU32(&body, 0);
  PutU32(&body, count);
  for (uint32_t leaf : leaves) PutU32(&body, leaf);
  PutU8(&body, has_cursor ? 1 : 0);
  PutU32(&body, static_cast<uint32_t>(cursor.size()));
  body.append(cursor);
  return body;
}

TEST(AntiEntropyMessagesTest, RangeEntriesRequestBadInputIsRejected) {
  RangeEntriesRequest parsed;
  const Limits limits;
  EXPECT_TRUE(
      ParseRangeEntriesRequestBody(RangeRequestBody(2, {0, 3}, 2, false, ""), limits, &parsed)
          .ok());
  // A leaf past 2^depth, out of order, repeated; more leaves than the depth has.
  EXPECT_EQ(
      ParseRangeEntriesRequestBody(RangeRequestBody(2, {4}, 1, false, ""), limits, &parsed).code(),
      Code::kBadRequest);
  EXPECT_EQ(ParseRangeEntriesRequestBody(RangeRequestBody(2, {2, 1}, 2, false, ""), limits, &parsed)
                .code(),
            Code::kBadRequest);
  EXPECT_EQ(ParseRangeEntriesRequestBody(RangeRequestBody(2, {1, 1}, 2, false, ""), limits, &parsed)
                .code(),
            Code::kBadRequest);
  EXPECT_EQ(
      ParseRangeEntriesRequestBody(RangeRequestBody(1, {0, 1, 1}, 3, false, ""), limits, &parsed)
          .code(),
      Code::kBadRequest);
  // A huge leaf count with no leaves behind it: refused before allocating.
  EXPECT_EQ(
      ParseRangeEntriesRequestBody(RangeRequestBody(20, {}, 1u << 20, false, ""), limits, &parsed)
          .code(),
      Code::kBadRequest);
  // A cursor without has_cursor; a cursor over the key limit.
  EXPECT_EQ(
      ParseRangeEntriesRequestBody(RangeRequestBody(0, {}, 0, false, "k"), limits, &parsed).code(),
      Code::kBadRequest);
  Limits small;
  small.max_key_bytes = 4;
  EXPECT_EQ(ParseRangeEntriesRequestBody(RangeRequestBody(0, {}, 0, true, "12345"), small, &parsed)
                .code(),
            Code::kKeyTooLarge);
}

std::string EntryBody(uint32_t count, uint8_t type, std::string_view key, std::string_view value) {
  std::string body;
  PutU8(&body, 0);
  PutU32(&body, count);
  PutU8(&body, type);
  PutU64(&body, 1);
  PutU32(&body, 1);
  PutU32(&body, static_cast<uint32_t>(key.size()));
  body.append(key);
  PutU32(&body, static_cast<uint32_t>(value.size()));
  body.append(value);
  return body;
}

TEST(AntiEntropyMessagesTest, RangeEntriesResponseBadInputIsRejected) {
  RangeEntriesResponse parsed;
  const Limits limits;
  EXPECT_TRUE(ParseRangeEntriesResponseBody(EntryBody(1, 1, "k", "v"), limits, &parsed).ok());
  // A count the body cannot hold: refused before reserving entries.
  EXPECT_EQ(
      ParseRangeEntriesResponseBody(EntryBody(0xFFFFFFFFu, 1, "k", "v"), limits, &parsed).code(),
      Code::kBadRequest);
  EXPECT_EQ(ParseRangeEntriesResponseBody(EntryBody(1, 3, "k", "v"), limits, &parsed).code(),
            Code::kBadRequest);
  EXPECT_EQ(ParseRangeEntriesResponseBody(EntryBody(1, 2, "k", "v"), limits, &parsed).code(),
            Code::kBadRequest);  // a tombstone with a value
  Limits small;
  small.max_key_bytes = 2;
  small.max_value_bytes = 2;
  EXPECT_EQ(ParseRangeEntriesResponseBody(EntryBody(1, 1, "key", "v"), small, &parsed).code(),
            Code::kKeyTooLarge);
  EXPECT_EQ(ParseRangeEntriesResponseBody(EntryBody(1, 1, "k", "value"), small, &parsed).code(),
            Code::kValueTooLarge);
  // A second announced entry that is garbage.
  EXPECT_EQ(ParseRangeEntriesResponseBody(EntryBody(2, 1, "k", "v") + std::string(22, '\0'), limits,
                                          &parsed)
                .code(),
            Code::kBadRequest);
}

}  // namespace
}  // namespace memdb::protocol
