#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cluster/member.h"
#include "member_test_util.h"

namespace memdb::cluster {
namespace {

// A state of node 7 in generation 3 with every field set at a distinct version.
MemberState Sample() {
  MemberState m;
  m.id = 7;
  m.generation = 3;
  m.heartbeat = 10;
  m.address = {"10.0.0.7:7000", 1};
  m.status = {MemberStatus::kNormal, 4};
  m.tokens = {{100, 200, 300}, 2};
  m.keys_held = {42, 8};
  return m;
}

TEST(ClusterMember, MaxVersionIsTheHighestFieldVersionOrHeartbeat) {
  MemberState m = Sample();
  EXPECT_EQ(m.max_version(), 10u);  // the heartbeat
  m.keys_held.version = 11;
  EXPECT_EQ(m.max_version(), 11u);
  m.status.version = 12;
  EXPECT_EQ(m.max_version(), 12u);
  EXPECT_EQ(MemberState{}.max_version(), 0u);
}

TEST(ClusterMember, MergeIntoEmptyStateTakesEverything) {
  MemberState state;
  EXPECT_TRUE(MergeMemberState(Sample(), &state));
  ExpectSameState(state, Sample());
}

TEST(ClusterMember, HigherGenerationReplacesAndClearsAbsentFields) {
  MemberState state = Sample();
  MemberState delta;
  delta.id = 7;
  delta.generation = 4;
  delta.heartbeat = 1;  // lower than the old life's heartbeat: still taken
  delta.address = {"10.0.0.7:7001", 1};
  // status, tokens, keys_held absent (version 0)
  EXPECT_TRUE(MergeMemberState(delta, &state));
  EXPECT_EQ(state.generation, 4u);
  EXPECT_EQ(state.heartbeat, 1u);
  EXPECT_EQ(state.address.value, "10.0.0.7:7001");
  EXPECT_EQ(state.address.version, 1u);
  EXPECT_EQ(state.status.version, 0u);
  EXPECT_EQ(state.status.value, MemberStatus::kJoining);
  EXPECT_TRUE(state.tokens.value.empty());
  EXPECT_EQ(state.tokens.version, 0u);
  EXPECT_EQ(state.keys_held.value, 0u);
  EXPECT_EQ(state.keys_held.version, 0u);
}

TEST(ClusterMember, LowerGenerationIsIgnored) {
  MemberState state = Sample();
  MemberState delta = Sample();
  delta.generation = 2;
  delta.heartbeat = 1000;
  delta.address = {"old:1", 999};
  delta.status = {MemberStatus::kLeft, 999};
  EXPECT_FALSE(MergeMemberState(delta, &state));
  ExpectSameState(state, Sample());
}

TEST(ClusterMember, SameGenerationTakesOnlyNewerFields) {
  MemberState state = Sample();
  MemberState delta;
  delta.id = 7;
  delta.generation = 3;
  delta.heartbeat = 9;                          // older: kept 10
  delta.address = {"stale:1", 1};               // same version: not newer
  delta.status = {MemberStatus::kLeaving, 11};  // newer
  delta.tokens = {{1}, 1};                      // older
  delta.keys_held = {99, 12};                   // newer
  EXPECT_TRUE(MergeMemberState(delta, &state));
  EXPECT_EQ(state.heartbeat, 10u);
  EXPECT_EQ(state.address.value, "10.0.0.7:7000");
  EXPECT_EQ(state.status.value, MemberStatus::kLeaving);
  EXPECT_EQ(state.status.version, 11u);
  EXPECT_EQ(state.tokens.value, (std::vector<Token>{100, 200, 300}));
  EXPECT_EQ(state.keys_held.value, 99u);
  EXPECT_EQ(state.keys_held.version, 12u);
}

TEST(ClusterMember, SameGenerationAbsentFieldsDoNotClear) {
  MemberState state = Sample();
  MemberState delta;
  delta.id = 7;
  delta.generation = 3;
  delta.heartbeat = 20;
  EXPECT_TRUE(MergeMemberState(delta, &state));  // the heartbeat moved
  MemberState expected = Sample();
  expected.heartbeat = 20;
  ExpectSameState(state, expected);
}

TEST(ClusterMember, HeartbeatTakesTheMaximum) {
  MemberState state = Sample();
  MemberState delta;
  delta.id = 7;
  delta.generation = 3;
  delta.heartbeat = 5;
  EXPECT_FALSE(MergeMemberState(delta, &state));
  EXPECT_EQ(state.heartbeat, 10u);
  delta.heartbeat = 15;
  EXPECT_TRUE(MergeMemberState(delta, &state));
  EXPECT_EQ(state.heartbeat, 15u);
}

TEST(ClusterMember, MergeIsIdempotent) {
  MemberState state;
  MemberState delta = Sample();
  EXPECT_TRUE(MergeMemberState(delta, &state));
  EXPECT_FALSE(MergeMemberState(delta, &state));
  ExpectSameState(state, Sample());
  // A delta of the same generation applied twice as well.
  MemberState d2;
  d2.id = 7;
  d2.generation = 3;
  d2.heartbeat = 30;
  d2.tokens = {{5, 6}, 29};
  EXPECT_TRUE(MergeMemberState(d2, &state));
  MemberState once = state;
  EXPECT_FALSE(MergeMemberState(d2, &state));
  ExpectSameState(state, once);
}

TEST(ClusterMember, MergeOrderDoesNotMatterForDisjointDeltas) {
  MemberState a;
  a.id = 7;
  a.generation = 3;
  a.heartbeat = 12;
  a.status = {MemberStatus::kLeaving, 11};
  MemberState b;
  b.id = 7;
  b.generation = 3;
  b.heartbeat = 14;
  b.keys_held = {5, 13};
  MemberState x = Sample();
  MemberState y = Sample();
  MergeMemberState(a, &x);
  MergeMemberState(b, &x);
  MergeMemberState(b, &y);
  MergeMemberState(a, &y);
  ExpectSameState(x, y);
  EXPECT_EQ(x.heartbeat, 14u);
}

TEST(ClusterMember, DeltaSinceIncludesOnlyNewerFields) {
  const MemberState state = Sample();  // address 1, tokens 2, status 4, keys_held 8, hb 10
  MemberState d = DeltaSince(state, 3, 2);
  EXPECT_EQ(d.id, 7u);
  EXPECT_EQ(d.generation, 3u);
  EXPECT_EQ(d.heartbeat, 10u);
  EXPECT_EQ(d.address.version, 0u);
  EXPECT_TRUE(d.address.value.empty());
  EXPECT_EQ(d.tokens.version, 0u);
  EXPECT_TRUE(d.tokens.value.empty());
  EXPECT_EQ(d.status.version, 4u);
  EXPECT_EQ(d.status.value, MemberStatus::kNormal);
  EXPECT_EQ(d.keys_held.version, 8u);
  EXPECT_EQ(d.keys_held.value, 42u);

  MemberState none = DeltaSince(state, 3, 10);
  EXPECT_EQ(none.address.version, 0u);
  EXPECT_EQ(none.status.version, 0u);
  EXPECT_EQ(none.tokens.version, 0u);
  EXPECT_EQ(none.keys_held.version, 0u);
}

TEST(ClusterMember, DeltaSinceOlderGenerationIsEverything) {
  const MemberState state = Sample();
  ExpectSameState(DeltaSince(state, 2, 1000), state);
  ExpectSameState(DeltaSince(state, 0, 0), state);
}

TEST(ClusterMember, DeltaSinceNewerGenerationCarriesNothing) {
  MemberState d = DeltaSince(Sample(), 4, 0);
  EXPECT_EQ(d.id, 7u);
  EXPECT_EQ(d.max_version(), 0u);
  MemberState receiver = Sample();
  receiver.generation = 4;
  MemberState before = receiver;
  EXPECT_FALSE(MergeMemberState(d, &receiver));  // an older life: ignored
  ExpectSameState(receiver, before);
}

TEST(ClusterMember, DeltaSinceMergedIntoTheKnownStateCatchesUp) {
  const MemberState state = Sample();
  // The receiver knows the state as of version 2: address and tokens, heartbeat 2.
  MemberState receiver;
  receiver.id = 7;
  receiver.generation = 3;
  receiver.heartbeat = 2;
  receiver.address = state.address;
  receiver.tokens = state.tokens;
  EXPECT_TRUE(MergeMemberState(DeltaSince(state, 3, 2), &receiver));
  ExpectSameState(receiver, state);
  // Nothing newer left.
  EXPECT_FALSE(MergeMemberState(DeltaSince(state, 3, receiver.max_version()), &receiver));
}

}  // namespace
}  // namespace memdb::cluster
