// Test helper shared by the cluster membership tests: field-by-field comparison of two
// MemberStates, so a failure names the field that differs.
#ifndef MEMDB_TESTS_UNIT_MEMBER_TEST_UTIL_H_
#define MEMDB_TESTS_UNIT_MEMBER_TEST_UTIL_H_

#include <gtest/gtest.h>

#include "cluster/member.h"

namespace memdb::cluster {

inline void ExpectSameState(const MemberState& a, const MemberState& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.heartbeat, b.heartbeat);
  EXPECT_EQ(a.address.value, b.address.value);
  EXPECT_EQ(a.address.version, b.address.version);
  EXPECT_EQ(a.status.value, b.status.value);
  EXPECT_EQ(a.status.version, b.status.version);
  EXPECT_EQ(a.tokens.value, b.tokens.value);
  EXPECT_EQ(a.tokens.version, b.tokens.version);
  EXPECT_EQ(a.keys_held.value, b.keys_held.value);
  EXPECT_EQ(a.keys_held.version, b.keys_held.version);
}

}  // namespace memdb::cluster

#endif  // MEMDB_TESTS_UNIT_MEMBER_TEST_UTIL_H_
