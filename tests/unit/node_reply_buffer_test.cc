// ReplyBuffer: which prefix of a connection's replies may be sent, given the log's acked LSN.
#include <gtest/gtest.h>

#include <string>

#include "node/reply_buffer.h"

namespace memdb {
namespace {

// Appends `text` as one "reply" that needs `lsn` (0: none).
void Reply(ReplyBuffer* b, const std::string& text, oplog::Lsn lsn) {
  const size_t start = b->size();
  b->bytes()->append(text);
  b->HoldFrom(start, lsn);
}

std::string Take(ReplyBuffer* b, oplog::Lsn acked) {
  std::string out;
  b->TakeFront(b->Releasable(acked), &out);
  return out;
}

TEST(ReplyBuffer, NothingHeldWithoutBarriers) {
  ReplyBuffer b;
  Reply(&b, "aa", 0);
  Reply(&b, "bb", 0);
  EXPECT_EQ(b.barrier_count(), 0u);
  EXPECT_EQ(b.blocking_lsn(), 0u);
  EXPECT_EQ(Take(&b, 0), "aabb");
  EXPECT_TRUE(b.empty());
}

TEST(ReplyBuffer, RepliesBeforeABarrierGoOutRepliesAfterItWait) {
  ReplyBuffer b;
  Reply(&b, "ping1|", 0);
  Reply(&b, "set2|", 5);
  Reply(&b, "ping3|", 0);  // behind set2: waits too
  EXPECT_EQ(b.blocking_lsn(), 5u);
  EXPECT_EQ(Take(&b, 4), "ping1|");
  EXPECT_EQ(Take(&b, 4), "");
  EXPECT_EQ(b.blocking_lsn(), 5u);
  EXPECT_EQ(Take(&b, 5), "set2|ping3|");
  EXPECT_EQ(b.blocking_lsn(), 0u);
}

TEST(ReplyBuffer, SuccessiveBarriersReleaseInSteps) {
  ReplyBuffer b;
  Reply(&b, "a|", 1);
  Reply(&b, "b|", 2);
  Reply(&b, "c|", 3);
  EXPECT_EQ(b.barrier_count(), 3u);
  EXPECT_EQ(Take(&b, 1), "a|");
  EXPECT_EQ(b.blocking_lsn(), 2u);
  Reply(&b, "d|", 3);  // same LSN as the last barrier: merged
  EXPECT_EQ(b.barrier_count(), 2u);
  EXPECT_EQ(Take(&b, 2), "b|");
  EXPECT_EQ(Take(&b, 3), "c|d|");
}

TEST(ReplyBuffer, LowerLsnAfterAHigherOneAddsNoBarrier) {
  ReplyBuffer b;
  Reply(&b, "x|", 7);
  Reply(&b, "y|", 6);  // e.g. a GET after a SET: waits for 7 anyway
  EXPECT_EQ(b.barrier_count(), 1u);
  EXPECT_EQ(Take(&b, 6), "");
  EXPECT_EQ(Take(&b, 7), "x|y|");
}

TEST(ReplyBuffer, OffsetsSurvivePartialTakesAndAppends) {
  ReplyBuffer b;
  for (int round = 0; round < 100; ++round) {
    const oplog::Lsn lsn = static_cast<oplog::Lsn>(round + 1);
    Reply(&b, "free" + std::to_string(round) + "|", 0);
    Reply(&b, "held" + std::to_string(round) + "|", lsn);
    // Only the "free" reply of this round may go (the previous round's were taken).
    EXPECT_EQ(Take(&b, lsn - 1), round == 0 ? "free0|" : "free" + std::to_string(round) + "|");
    EXPECT_EQ(Take(&b, lsn), "held" + std::to_string(round) + "|");
  }
  EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace memdb
