#include "cluster/node_identity.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/crc32c.h"
#include "common/random.h"
#include "common/sim_file_system.h"

namespace memdb::cluster {
namespace {

constexpr char kDataDir[] = "/data";

IdentityOptions Options(uint32_t tokens = 8, NodeId requested = 0) {
  IdentityOptions o;
  o.data_dir = kDataDir;
  o.tokens_per_node = tokens;
  o.requested_id = requested;
  return o;
}

Result<NodeIdentity> Start(SimFileSystem& fs, uint64_t seed, IdentityOptions o = Options()) {
  SeededRandom random(seed);
  return LoadOrCreateIdentity(&fs, o, random);
}

// A well-formed identity file with a correct CRC.
std::string IdentityFile(const std::string& body) {
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", crc32c::Value(body));
  return body + "crc32c " + crc + "\n";
}

TEST(NodeIdentity, PathIsUnderTheClusterDirectory) {
  EXPECT_EQ(IdentityPath("/data"), "/data/cluster/identity");
  EXPECT_EQ(IdentityPath("/data/"), "/data/cluster/identity");
}

TEST(NodeIdentity, FirstStartCreatesIdAndTokens) {
  SimFileSystem fs;
  auto id = Start(fs, 1, Options(16));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_NE(id->id, 0u);
  EXPECT_EQ(id->generation, 1u);
  EXPECT_TRUE(id->first_start);
  EXPECT_EQ(id->tokens.size(), 16u);
  EXPECT_EQ(std::set<Token>(id->tokens.begin(), id->tokens.end()).size(), 16u);  // distinct
  EXPECT_TRUE(fs.Exists("/data/cluster/identity"));
  EXPECT_FALSE(fs.Exists("/data/cluster/identity.tmp"));
  // Durable: a crash right after keeps it.
  EXPECT_EQ(fs.DurableContents("/data/cluster/identity"), fs.Contents("/data/cluster/identity"));
}

TEST(NodeIdentity, FileIsTheDocumentedText) {
  SimFileSystem fs;
  auto id = Start(fs, 2, Options(2));
  ASSERT_TRUE(id.ok());
  const std::string body = "memdb-identity 1\nid " + std::to_string(id->id) +
                           "\ngeneration 1\ntokens 2 " + std::to_string(id->tokens[0]) + " " +
                           std::to_string(id->tokens[1]) + "\n";
  EXPECT_EQ(fs.Contents(IdentityPath(kDataDir)), IdentityFile(body));
}

TEST(NodeIdentity, RestartKeepsIdAndTokensAndBumpsGeneration) {
  SimFileSystem fs;
  auto first = Start(fs, 3);
  ASSERT_TRUE(first.ok());
  for (uint64_t start = 2; start <= 5; ++start) {
    fs.Crash();  // a restart loses nothing: the identity was durable
    auto again = Start(fs, 100 + start, Options(99));  // tokens_per_node only used at first start
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->id, first->id);
    EXPECT_EQ(again->tokens, first->tokens);
    EXPECT_EQ(again->generation, start);
    EXPECT_FALSE(again->first_start);
  }
}

TEST(NodeIdentity, RequestedIdIsUsedAtFirstStartAndMustMatchLater) {
  SimFileSystem fs;
  auto first = Start(fs, 4, Options(4, 42));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->id, 42u);
  auto same = Start(fs, 5, Options(4, 42));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->generation, 2u);
  auto unset = Start(fs, 6, Options(4, 0));
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->id, 42u);
  const std::string before = fs.Contents(IdentityPath(kDataDir));
  auto other = Start(fs, 7, Options(4, 43));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Code::kInvalidArgument);
  EXPECT_NE(other.status().message().find("43"), std::string::npos);
  EXPECT_NE(other.status().message().find("42"), std::string::npos);
  EXPECT_EQ(fs.Contents(IdentityPath(kDataDir)), before);  // nothing rewritten
}

TEST(NodeIdentity, LegacyNodeIdFileIsAdopted) {
  SimFileSystem fs;
  ASSERT_TRUE(fs.CreateDir(kDataDir).ok());
  fs.SetContents("/data/node_id", "123456\n");
  auto id = Start(fs, 8);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->id, 123456u);
  EXPECT_TRUE(id->first_start);
  EXPECT_EQ(id->generation, 1u);
  EXPECT_EQ(id->tokens.size(), 8u);
  // Once the identity exists, it is what counts.
  fs.SetContents("/data/node_id", "999\n");
  auto again = Start(fs, 9);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, 123456u);
  EXPECT_EQ(again->generation, 2u);
}

TEST(NodeIdentity, LegacyNodeIdMustMatchARequestedId) {
  SimFileSystem fs;
  ASSERT_TRUE(fs.CreateDir(kDataDir).ok());
  fs.SetContents("/data/node_id", "77\n");
  auto same = Start(fs, 10, Options(4, 77));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->id, 77u);

  SimFileSystem fs2;
  ASSERT_TRUE(fs2.CreateDir(kDataDir).ok());
  fs2.SetContents("/data/node_id", "77\n");
  auto other = Start(fs2, 10, Options(4, 78));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(fs2.Exists(IdentityPath(kDataDir)));
}

TEST(NodeIdentity, GarbledLegacyNodeIdIsCorruption) {
  for (const char* content : {"", "0\n", "abc\n", "4294967296\n", "-5\n", "12 13\n"}) {
    SimFileSystem fs;
    ASSERT_TRUE(fs.CreateDir(kDataDir).ok());
    fs.SetContents("/data/node_id", content);
    auto id = Start(fs, 11);
    ASSERT_FALSE(id.ok()) << "content '" << content << "'";
    EXPECT_EQ(id.status().code(), Code::kCorruption);
    EXPECT_NE(id.status().message().find("/data/node_id"), std::string::npos);
  }
}

TEST(NodeIdentity, CrcMismatchIsCorruptionNamingThePath) {
  SimFileSystem fs;
  ASSERT_TRUE(Start(fs, 12).ok());
  const std::string path = IdentityPath(kDataDir);
  const std::string good = fs.Contents(path);
  // Flip a digit of the id: still parses, but the CRC no longer matches.
  ASSERT_TRUE(fs.CorruptByte(path, good.find("id ") + 3, 0x01).ok());
  auto id = Start(fs, 13);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Code::kCorruption);
  EXPECT_NE(id.status().message().find(path), std::string::npos) << id.status().ToString();
  EXPECT_NE(id.status().message().find("checksum"), std::string::npos) << id.status().ToString();
}

TEST(NodeIdentity, EveryByteFlipIsDetected) {
  SimFileSystem base;
  ASSERT_TRUE(Start(base, 14, Options(3)).ok());
  const std::string path = IdentityPath(kDataDir);
  const std::string good = base.Contents(path);
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t mask : {0x01, 0x20, 0x80}) {
      SimFileSystem fs;
      ASSERT_TRUE(fs.CreateDir("/data/cluster").ok());
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      fs.SetContents(path, bad);
      auto id = Start(fs, 15);
      ASSERT_FALSE(id.ok()) << "byte " << i << " mask " << int{mask};
      EXPECT_EQ(id.status().code(), Code::kCorruption) << "byte " << i;
      EXPECT_NE(id.status().message().find(path), std::string::npos);
    }
  }
}

TEST(NodeIdentity, EveryTruncationIsCorruption) {
  SimFileSystem base;
  ASSERT_TRUE(Start(base, 16, Options(3)).ok());
  const std::string path = IdentityPath(kDataDir);
  const std::string good = base.Contents(path);
  for (size_t len = 0; len < good.size(); ++len) {
    SimFileSystem fs;
    ASSERT_TRUE(fs.CreateDir("/data/cluster").ok());
    fs.SetContents(path, good.substr(0, len));
    auto id = Start(fs, 17);
    ASSERT_FALSE(id.ok()) << "length " << len;
    EXPECT_EQ(id.status().code(), Code::kCorruption) << "length " << len;
  }
}

TEST(NodeIdentity, GarbledFilesWithAValidCrcAreCorruption) {
  const char* bodies[] = {
      "memdb-identity 2\nid 5\ngeneration 1\ntokens 0\n",
      "memdb-identity 1\nid 0\ngeneration 1\ntokens 0\n",
      "memdb-identity 1\nid 4294967296\ngeneration 1\ntokens 0\n",
      "memdb-identity 1\nid 5\ngeneration x\ntokens 0\n",
      "memdb-identity 1\nid 5\ngeneration 1\ntokens 2 1\n",
      "memdb-identity 1\nid 5\ngeneration 1\ntokens 1 1 2\n",
      "memdb-identity 1\nid 5\ngeneration 1\ntokens 1  1\n",
      "memdb-identity 1\nid 5\ngeneration 1\ntokens 0 \n",
      "memdb-identity 1\nid 5\ngeneration 1\ntokens 99999999 1\n",
      "memdb-identity 1\nid 5\ngeneration 1\ntokens 1 -1\n",
      "memdb-identity 1\nid 5\ngeneration 1\ntokens 0\nextra 1\n",
      "memdb-identity 1\ngeneration 1\nid 5\ntokens 0\n",
      "memdb-identity 1\nid 5\ngeneration 18446744073709551615\ntokens 0\n",
      "",
  };
  const std::string path = IdentityPath(kDataDir);
  for (const char* body : bodies) {
    SimFileSystem fs;
    ASSERT_TRUE(fs.CreateDir("/data/cluster").ok());
    fs.SetContents(path, IdentityFile(body));
    auto id = Start(fs, 18);
    ASSERT_FALSE(id.ok()) << body;
    EXPECT_EQ(id.status().code(), Code::kCorruption) << body;
    EXPECT_NE(id.status().message().find(path), std::string::npos);
  }
  // And a hand-written valid one loads.
  SimFileSystem fs;
  ASSERT_TRUE(fs.CreateDir("/data/cluster").ok());
  fs.SetContents(path, IdentityFile("memdb-identity 1\nid 5\ngeneration 7\ntokens 2 10 "
                                    "18446744073709551615\n"));
  auto id = Start(fs, 19);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->id, 5u);
  EXPECT_EQ(id->generation, 8u);
  EXPECT_EQ(id->tokens, (std::vector<Token>{10, UINT64_MAX}));
}

TEST(NodeIdentity, CrashAtEveryStepOfTheFirstWriteLeavesNoneOrAWholeIdentity) {
  for (uint64_t step = 1;; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    SimFileSystem fs;
    fs.FailAtOperation(step);
    auto first = Start(fs, 20);
    fs.Crash();
    // The next start must never see a half identity.
    auto next = Start(fs, 21);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (first.ok()) {
      // Acknowledged means durable: the same identity, one generation later.
      EXPECT_FALSE(next->first_start);
      EXPECT_EQ(next->id, first->id);
      EXPECT_EQ(next->tokens, first->tokens);
      EXPECT_EQ(next->generation, 2u);
      EXPECT_GE(step, 6u);  // create dir, sync dir, open, append, sync, rename, sync dir
      break;
    }
    if (next->first_start) {
      EXPECT_EQ(next->generation, 1u);  // nothing of the failed start survived
    } else {
      EXPECT_EQ(next->generation, 2u);  // the failed start's identity survived whole
    }
    ASSERT_LT(step, 100u);
  }
}

TEST(NodeIdentity, CrashAtEveryStepOfARestartNeverMovesTheGenerationBack) {
  for (uint64_t step = 1;; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    SimFileSystem fs;
    auto first = Start(fs, 22);
    ASSERT_TRUE(first.ok());
    fs.FailAtOperation(step);
    auto second = Start(fs, 23);
    fs.Crash();
    auto third = Start(fs, 24);
    ASSERT_TRUE(third.ok()) << third.status().ToString();
    EXPECT_EQ(third->id, first->id);
    EXPECT_EQ(third->tokens, first->tokens);
    EXPECT_FALSE(third->first_start);
    if (second.ok()) {
      EXPECT_EQ(second->generation, 2u);
      EXPECT_EQ(third->generation, 3u);  // never reused
      break;
    }
    EXPECT_GE(third->generation, 2u);
    EXPECT_LE(third->generation, 3u);
    ASSERT_LT(step, 100u);
  }
}

TEST(NodeIdentity, IoErrorsArePropagated) {
  SimFileSystem fs;
  ASSERT_TRUE(Start(fs, 25).ok());
  fs.SetFaultHook(
      [](const SimFileSystem::Op& op) { return op.kind == SimFileSystem::OpKind::kRead; });
  auto id = Start(fs, 26);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Code::kIoError);
}

TEST(NodeIdentity, TooManyTokensIsInvalidArgument) {
  SimFileSystem fs;
  auto id = Start(fs, 27, Options(100000));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Code::kInvalidArgument);
}

TEST(NodeIdentity, DifferentSeedsGiveDifferentIdentities) {
  SimFileSystem a;
  SimFileSystem b;
  auto ia = Start(a, 28);
  auto ib = Start(b, 29);
  ASSERT_TRUE(ia.ok() && ib.ok());
  EXPECT_NE(ia->id, ib->id);
  EXPECT_NE(ia->tokens, ib->tokens);
}

}  // namespace
}  // namespace memdb::cluster
