#include "cluster/gossip_messages.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/endian.h"
#include "common/random.h"
#include "member_test_util.h"

namespace memdb::cluster {
namespace {

MemberState FullDelta(NodeId id) {
  MemberState m;
  m.id = id;
  m.generation = 0x0102030405060708ull;
  m.heartbeat = 77;
  m.address = {"127.0.0.1:7000", 3};
  m.status = {MemberStatus::kLeaving, 5};
  m.tokens = {{1, UINT64_MAX, 0x8000000000000000ull}, 2};
  m.keys_held = {123456, 76};
  return m;
}

MemberState PartialDelta(NodeId id) {
  MemberState m;
  m.id = id;
  m.generation = 9;
  m.heartbeat = 1000;
  m.status = {MemberStatus::kRemoved, 999};
  return m;
}

void ExpectSameDeltas(const std::vector<MemberState>& a, const std::vector<MemberState>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ExpectSameState(a[i], b[i]);
}

GossipSyn SampleSyn() {
  GossipSyn syn;
  syn.cluster_name = "prod-east";
  syn.digests = {{1, 2, 3}, {0xFFFFFFFFu, UINT64_MAX, UINT64_MAX}, {5, 0, 0}};
  return syn;
}

GossipAck SampleAck() {
  GossipAck ack;
  ack.requests = {{4, 5, 6}};
  ack.deltas = {FullDelta(1), PartialDelta(2), MemberState{}};
  ack.deltas[2].id = 3;  // no field at all: a heartbeat-only delta
  ack.deltas[2].heartbeat = 8;
  return ack;
}

GossipAck2 SampleAck2() {
  GossipAck2 ack2;
  ack2.deltas = {PartialDelta(9), FullDelta(10)};
  return ack2;
}

std::string Encoded(const GossipSyn& m) {
  std::string s;
  EncodeGossipSyn(m, &s);
  return s;
}
std::string Encoded(const GossipAck& m) {
  std::string s;
  EncodeGossipAck(m, &s);
  return s;
}
std::string Encoded(const GossipAck2& m) {
  std::string s;
  EncodeGossipAck2(m, &s);
  return s;
}

Status DecodeAny(int kind, std::string_view body) {
  switch (kind) {
    case 0: {
      GossipSyn m;
      return DecodeGossipSyn(body, &m);
    }
    case 1: {
      GossipAck m;
      return DecodeGossipAck(body, &m);
    }
    default: {
      GossipAck2 m;
      return DecodeGossipAck2(body, &m);
    }
  }
}

// ---- round trips ----

TEST(GossipMessages, SynRoundTrip) {
  const GossipSyn syn = SampleSyn();
  GossipSyn out;
  out.cluster_name = "junk";
  out.digests = {{9, 9, 9}};
  ASSERT_TRUE(DecodeGossipSyn(Encoded(syn), &out).ok());
  EXPECT_EQ(out.cluster_name, syn.cluster_name);
  EXPECT_EQ(out.digests, syn.digests);
}

TEST(GossipMessages, EmptyMessagesRoundTrip) {
  GossipSyn syn;
  GossipSyn syn_out = SampleSyn();
  ASSERT_TRUE(DecodeGossipSyn(Encoded(syn), &syn_out).ok());
  EXPECT_TRUE(syn_out.cluster_name.empty());
  EXPECT_TRUE(syn_out.digests.empty());
  GossipAck ack_out = SampleAck();
  ASSERT_TRUE(DecodeGossipAck(Encoded(GossipAck{}), &ack_out).ok());
  EXPECT_TRUE(ack_out.requests.empty());
  EXPECT_TRUE(ack_out.deltas.empty());
  GossipAck2 ack2_out = SampleAck2();
  ASSERT_TRUE(DecodeGossipAck2(Encoded(GossipAck2{}), &ack2_out).ok());
  EXPECT_TRUE(ack2_out.deltas.empty());
}

TEST(GossipMessages, AckRoundTrip) {
  const GossipAck ack = SampleAck();
  GossipAck out;
  ASSERT_TRUE(DecodeGossipAck(Encoded(ack), &out).ok());
  EXPECT_EQ(out.requests, ack.requests);
  ExpectSameDeltas(out.deltas, ack.deltas);
}

TEST(GossipMessages, Ack2RoundTrip) {
  const GossipAck2 ack2 = SampleAck2();
  GossipAck2 out;
  ASSERT_TRUE(DecodeGossipAck2(Encoded(ack2), &out).ok());
  ExpectSameDeltas(out.deltas, ack2.deltas);
}

TEST(GossipMessages, RandomDeltasRoundTrip) {
  const uint64_t seed = 0x5eed0001;
  SCOPED_TRACE("seed=" + std::to_string(seed));
  SeededRandom rnd(seed);
  for (int iter = 0; iter < 200; ++iter) {
    GossipAck2 ack2;
    const size_t n = rnd.Uniform(6);
    for (size_t i = 0; i < n; ++i) {
      MemberState m;
      m.id = static_cast<NodeId>(rnd.Next64());
      m.generation = rnd.Next64();
      m.heartbeat = rnd.Next64();
      if (rnd.Uniform(2)) {
        m.address.version = 1 + rnd.Uniform(1000);
        m.address.value.assign(rnd.Uniform(kMaxAddressBytes + 1), static_cast<char>(rnd.Next64()));
      }
      if (rnd.Uniform(2)) {
        m.status = {static_cast<MemberStatus>(1 + rnd.Uniform(kMaxMemberStatus)),
                    1 + rnd.Uniform(1000)};
      }
      if (rnd.Uniform(2)) {
        m.tokens.version = 1 + rnd.Uniform(1000);
        const size_t t = rnd.Uniform(50);
        for (size_t k = 0; k < t; ++k) m.tokens.value.push_back(rnd.Next64());
      }
      if (rnd.Uniform(2)) m.keys_held = {rnd.Next64(), 1 + rnd.Uniform(1000)};
      if (rnd.Uniform(3) == 0) {
        const uint32_t total = static_cast<uint32_t>(rnd.Next64());
        m.catchup = {CatchupProgress{static_cast<CatchupPhase>(1 + rnd.Uniform(kMaxCatchupPhase)),
                                     static_cast<uint32_t>(rnd.Uniform(uint64_t{total} + 1)), total,
                                     rnd.Next64()},
                     1 + rnd.Uniform(1000)};
      }
      ack2.deltas.push_back(std::move(m));
    }
    GossipAck2 out;
    ASSERT_TRUE(DecodeGossipAck2(Encoded(ack2), &out).ok()) << "iteration " << iter;
    ExpectSameDeltas(out.deltas, ack2.deltas);
    for (size_t i = 0; i < out.deltas.size(); ++i) {
      EXPECT_EQ(out.deltas[i].catchup.version, ack2.deltas[i].catchup.version);
      EXPECT_EQ(out.deltas[i].catchup.value, ack2.deltas[i].catchup.value);
    }
  }
}

TEST(GossipMessages, ExactLayoutOfADigest) {
  GossipSyn syn;
  syn.cluster_name = "c";
  syn.digests = {{0x01020304u, 5, 6}};
  const std::string body = Encoded(syn);
  std::string expected;
  PutU8(&expected, 1);
  PutU32(&expected, 1);
  expected += "c";
  PutU32(&expected, 1);
  PutU32(&expected, 0x01020304u);
  PutU64(&expected, 5);
  PutU64(&expected, 6);
  EXPECT_EQ(body, expected);
}

TEST(GossipMessages, ExactLayoutOfADelta) {
  GossipAck2 ack2;
  MemberState m;
  m.id = 2;
  m.generation = 3;
  m.heartbeat = 4;
  m.status = {MemberStatus::kNormal, 5};
  m.keys_held = {6, 7};
  ack2.deltas = {m};
  std::string expected;
  PutU8(&expected, 1);
  PutU32(&expected, 1);
  PutU32(&expected, 2);
  PutU64(&expected, 3);
  PutU64(&expected, 4);
  PutU8(&expected, 0x0A);  // status + keys_held
  PutU64(&expected, 5);
  PutU8(&expected, 2);
  PutU64(&expected, 7);
  PutU64(&expected, 6);
  EXPECT_EQ(Encoded(ack2), expected);
}

// ---- rejections ----

TEST(GossipMessages, EveryTruncationIsRejected) {
  const std::string bodies[3] = {Encoded(SampleSyn()), Encoded(SampleAck()), Encoded(SampleAck2())};
  for (int kind = 0; kind < 3; ++kind) {
    const std::string& body = bodies[kind];
    ASSERT_TRUE(DecodeAny(kind, body).ok());
    for (size_t len = 0; len < body.size(); ++len) {
      Status s = DecodeAny(kind, std::string_view(body).substr(0, len));
      EXPECT_EQ(s.code(), Code::kBadRequest) << "kind " << kind << " length " << len;
    }
  }
}

TEST(GossipMessages, TrailingBytesAreRejected) {
  const std::string bodies[3] = {Encoded(SampleSyn()), Encoded(SampleAck()), Encoded(SampleAck2())};
  for (int kind = 0; kind < 3; ++kind) {
    Status s = DecodeAny(kind, bodies[kind] + std::string(1, '\0'));
    EXPECT_EQ(s.code(), Code::kBadRequest) << "kind " << kind;
    EXPECT_NE(s.message().find("trailing"), std::string::npos) << s.ToString();
  }
}

TEST(GossipMessages, WrongFormatVersionIsRejected) {
  for (int kind = 0; kind < 3; ++kind) {
    std::string body = kind == 0   ? Encoded(SampleSyn())
                       : kind == 1 ? Encoded(SampleAck())
                                   : Encoded(SampleAck2());
    for (uint8_t format : {0, 3, 255}) {
      body[0] = static_cast<char>(format);
      Status s = DecodeAny(kind, body);
      EXPECT_EQ(s.code(), Code::kBadRequest);
      EXPECT_NE(s.message().find("format"), std::string::npos) << s.ToString();
    }
  }
}

// Ack2 with one delta: offsets of its fields.
constexpr size_t kAck2DeltaStart = 1 + 4;
constexpr size_t kMaskOffset = kAck2DeltaStart + 4 + 8 + 8;

std::string OneDeltaAck2(const MemberState& m) {
  GossipAck2 ack2;
  ack2.deltas = {m};
  return Encoded(ack2);
}

// ---- format 2: the catch-up field ----

MemberState CatchingUp(NodeId id) {
  MemberState m;
  m.id = id;
  m.generation = 3;
  m.heartbeat = 4;
  m.catchup = {CatchupProgress{CatchupPhase::kRunning, 12, 28, 5120}, 9};
  return m;
}

TEST(GossipMessages, ExactLayoutOfACatchupDelta) {
  GossipAck2 ack2;
  ack2.deltas = {CatchingUp(2)};
  std::string expected;
  PutU8(&expected, 2);  // format 2: a delta carries a catch-up state
  PutU32(&expected, 1);
  PutU32(&expected, 2);
  PutU64(&expected, 3);
  PutU64(&expected, 4);
  PutU8(&expected, 0x10);  // catchup
  PutU64(&expected, 9);
  PutU8(&expected, 1);  // running
  PutU32(&expected, 12);
  PutU32(&expected, 28);
  PutU64(&expected, 5120);
  EXPECT_EQ(Encoded(ack2), expected);
  GossipAck2 out;
  ASSERT_TRUE(DecodeGossipAck2(expected, &out).ok());
  ASSERT_EQ(out.deltas.size(), 1u);
  EXPECT_EQ(out.deltas[0].catchup.version, 9u);
  EXPECT_EQ(out.deltas[0].catchup.value, (CatchupProgress{CatchupPhase::kRunning, 12, 28, 5120}));
}

TEST(GossipMessages, FormatOneUnlessACatchupStateTravels) {
  // Old nodes only read format 1: everything without a catch-up state stays format 1.
  EXPECT_EQ(Encoded(SampleSyn())[0], 1);
  EXPECT_EQ(Encoded(SampleAck())[0], 1);
  EXPECT_EQ(Encoded(SampleAck2())[0], 1);
  GossipAck ack = SampleAck();
  ack.deltas.push_back(CatchingUp(7));
  const std::string body = Encoded(ack);
  EXPECT_EQ(body[0], 2);
  GossipAck out;
  ASSERT_TRUE(DecodeGossipAck(body, &out).ok());
  ExpectSameDeltas(out.deltas, ack.deltas);
  EXPECT_EQ(out.deltas.back().catchup.value, ack.deltas.back().catchup.value);
  // A format-2 body without any catch-up state decodes too.
  std::string v2 = Encoded(SampleAck2());
  v2[0] = 2;
  GossipAck2 out2;
  EXPECT_TRUE(DecodeGossipAck2(v2, &out2).ok());
}

TEST(GossipMessages, CatchupFieldIsRejectedInFormatOne) {
  std::string body = OneDeltaAck2(CatchingUp(1));
  ASSERT_EQ(body[0], 2);
  body[0] = 1;
  Status s = DecodeAny(2, body);
  EXPECT_EQ(s.code(), Code::kBadRequest);
  EXPECT_NE(s.message().find("mask"), std::string::npos) << s.ToString();
}

TEST(GossipMessages, BadCatchupStatesAreRejected) {
  const std::string good = OneDeltaAck2(CatchingUp(1));
  const size_t phase_offset = kMaskOffset + 1 + 8;
  ASSERT_EQ(good.size(), phase_offset + 1 + 4 + 4 + 8);
  for (uint8_t v : {0, kMaxCatchupPhase + 1, 255}) {
    std::string body = good;
    body[phase_offset] = static_cast<char>(v);
    Status s = DecodeAny(2, body);
    EXPECT_EQ(s.code(), Code::kBadRequest) << "phase " << int{v};
    EXPECT_NE(s.message().find("phase"), std::string::npos) << s.ToString();
  }
  std::string body = good;
  std::string done;
  PutU32(&done, 29);  // over the total of 28
  body.replace(phase_offset + 1, 4, done);
  Status s = DecodeAny(2, body);
  EXPECT_EQ(s.code(), Code::kBadRequest);
  EXPECT_NE(s.message().find("over the total"), std::string::npos) << s.ToString();
  for (size_t len = 0; len < good.size(); ++len) {
    EXPECT_EQ(DecodeAny(2, std::string_view(good).substr(0, len)).code(), Code::kBadRequest)
        << "length " << len;
  }
}

TEST(GossipMessages, UnknownMaskBitsAreRejected) {
  MemberState m;
  m.id = 1;
  const std::string good = OneDeltaAck2(m);
  ASSERT_EQ(good.size(), kMaskOffset + 1);
  for (int bit = 4; bit < 8; ++bit) {
    std::string body = good;
    body[kMaskOffset] = static_cast<char>(1u << bit);
    Status s = DecodeAny(2, body);
    EXPECT_EQ(s.code(), Code::kBadRequest) << "bit " << bit;
    EXPECT_NE(s.message().find("mask"), std::string::npos) << s.ToString();
  }
}

TEST(GossipMessages, BadStatusIsRejected) {
  MemberState m;
  m.id = 1;
  m.status = {MemberStatus::kNormal, 1};
  const std::string good = OneDeltaAck2(m);
  const size_t status_offset = kMaskOffset + 1 + 8;
  ASSERT_EQ(good.size(), status_offset + 1);
  for (uint8_t v : {0, kMaxMemberStatus + 1, 255}) {
    std::string body = good;
    body[status_offset] = static_cast<char>(v);
    Status s = DecodeAny(2, body);
    EXPECT_EQ(s.code(), Code::kBadRequest) << "status " << int{v};
  }
  for (uint8_t v = 1; v <= kMaxMemberStatus; ++v) {
    std::string body = good;
    body[status_offset] = static_cast<char>(v);
    GossipAck2 out;
    ASSERT_TRUE(DecodeGossipAck2(body, &out).ok()) << "status " << int{v};
    EXPECT_EQ(static_cast<uint8_t>(out.deltas[0].status.value), v);
  }
}

TEST(GossipMessages, PresentFieldWithVersionZeroIsRejected) {
  std::string body;
  PutU8(&body, 1);
  PutU32(&body, 1);
  PutU32(&body, 1);
  PutU64(&body, 1);
  PutU64(&body, 1);
  PutU8(&body, 0x08);  // keys_held
  PutU64(&body, 0);    // version 0
  PutU64(&body, 5);
  EXPECT_EQ(DecodeAny(2, body).code(), Code::kBadRequest);
}

TEST(GossipMessages, HostileCountsAreRejectedWithoutAllocating) {
  // u32 counts of 0xFFFFFFFF, or just over the limit, or more than the body can hold.
  for (uint32_t count : {0xFFFFFFFFu, kMaxMembers + 1, 2u, 1000u}) {
    std::string syn;
    PutU8(&syn, 1);
    PutU32(&syn, 0);
    PutU32(&syn, count);
    PutU32(&syn, 1);  // a few bytes, less than one digest
    EXPECT_EQ(DecodeAny(0, syn).code(), Code::kBadRequest) << count;

    std::string ack;
    PutU8(&ack, 1);
    PutU32(&ack, count);
    EXPECT_EQ(DecodeAny(1, ack).code(), Code::kBadRequest) << count;

    std::string ack_deltas;
    PutU8(&ack_deltas, 1);
    PutU32(&ack_deltas, 0);
    PutU32(&ack_deltas, count);
    ack_deltas.append(20, '\0');  // less than one minimal delta
    EXPECT_EQ(DecodeAny(1, ack_deltas).code(), Code::kBadRequest) << count;

    std::string ack2;
    PutU8(&ack2, 1);
    PutU32(&ack2, count);
    EXPECT_EQ(DecodeAny(2, ack2).code(), Code::kBadRequest) << count;

    // Token count in a delta.
    std::string tokens;
    PutU8(&tokens, 1);
    PutU32(&tokens, 1);
    PutU32(&tokens, 1);
    PutU64(&tokens, 1);
    PutU64(&tokens, 1);
    PutU8(&tokens, 0x04);
    PutU64(&tokens, 1);
    PutU32(&tokens, count);
    PutU64(&tokens, 42);  // one token only
    EXPECT_EQ(DecodeAny(2, tokens).code(), Code::kBadRequest) << count;
  }
}

TEST(GossipMessages, OverLimitLengthsAreRejected) {
  std::string syn;
  PutU8(&syn, 1);
  PutU32(&syn, kMaxClusterNameBytes + 1);
  syn.append(kMaxClusterNameBytes + 1, 'x');
  PutU32(&syn, 0);
  Status s = DecodeAny(0, syn);
  EXPECT_EQ(s.code(), Code::kBadRequest);
  EXPECT_NE(s.message().find("cluster name"), std::string::npos) << s.ToString();

  std::string addr;
  PutU8(&addr, 1);
  PutU32(&addr, 1);
  PutU32(&addr, 1);
  PutU64(&addr, 1);
  PutU64(&addr, 1);
  PutU8(&addr, 0x01);
  PutU64(&addr, 1);
  PutU32(&addr, kMaxAddressBytes + 1);
  addr.append(kMaxAddressBytes + 1, 'a');
  s = DecodeAny(2, addr);
  EXPECT_EQ(s.code(), Code::kBadRequest);
  EXPECT_NE(s.message().find("address"), std::string::npos) << s.ToString();

  // The largest legal ones pass.
  GossipSyn big;
  big.cluster_name.assign(kMaxClusterNameBytes, 'n');
  GossipSyn out;
  EXPECT_TRUE(DecodeGossipSyn(Encoded(big), &out).ok());
  GossipAck2 many;
  MemberState m;
  m.id = 1;
  m.address = {std::string(kMaxAddressBytes, 'a'), 1};
  m.tokens.version = 1;
  m.tokens.value.assign(kMaxTokensPerNode, 7);
  many.deltas = {m};
  GossipAck2 many_out;
  ASSERT_TRUE(DecodeGossipAck2(Encoded(many), &many_out).ok());
  EXPECT_EQ(many_out.deltas[0].tokens.value.size(), kMaxTokensPerNode);
}

TEST(GossipMessages, FailedDecodeLeavesNoPartialResult) {
  GossipAck2 out;
  out.deltas = {PartialDelta(5)};
  std::string body = Encoded(SampleAck2());
  body.pop_back();
  EXPECT_FALSE(DecodeGossipAck2(body, &out).ok());
  ASSERT_EQ(out.deltas.size(), 1u);  // untouched
  EXPECT_EQ(out.deltas[0].id, 5u);
}

TEST(GossipMessages, RandomGarbageNeverCrashes) {
  const uint64_t seed = 0x5eed0002;
  SCOPED_TRACE("seed=" + std::to_string(seed));
  SeededRandom rnd(seed);
  const std::string bodies[3] = {Encoded(SampleSyn()), Encoded(SampleAck()), Encoded(SampleAck2())};
  for (int iter = 0; iter < 3000; ++iter) {
    const int kind = static_cast<int>(rnd.Uniform(3));
    std::string body = bodies[kind];
    const int flips = 1 + static_cast<int>(rnd.Uniform(4));
    for (int f = 0; f < flips; ++f) {
      body[rnd.Uniform(body.size())] ^= static_cast<char>(1 + rnd.Uniform(255));
    }
    Status s = DecodeAny(kind, body);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), Code::kBadRequest);
    }
  }
}

}  // namespace
}  // namespace memdb::cluster
