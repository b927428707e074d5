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

// ---- deferred replies (requests forwarded to the key's owner) ----

TEST(ReplyBuffer, ADeferredReplyHoldsWhatFollowsUntilFilledThenKeepsRequestOrder) {
  ReplyBuffer b;
  int filled_calls = 0;
  b.SetOnFilled([&] { ++filled_calls; });
  Reply(&b, "a|", 0);
  DeferredReply d = b.Defer();
  Reply(&b, "c|", 0);
  EXPECT_TRUE(d.pending());
  EXPECT_EQ(b.deferred_count(), 1u);
  EXPECT_EQ(Take(&b, 0), "a|");
  EXPECT_EQ(Take(&b, 0), "");  // c| waits behind the forwarded reply
  d.Fill("b|");
  EXPECT_EQ(filled_calls, 1);
  EXPECT_FALSE(d.pending());
  EXPECT_EQ(Take(&b, 0), "b|c|");
  EXPECT_EQ(b.deferred_count(), 0u);
}

TEST(ReplyBuffer, DeferredRepliesFilledOutOfOrderLeaveInRequestOrder) {
  ReplyBuffer b;
  DeferredReply d1 = b.Defer();
  Reply(&b, "x|", 0);
  DeferredReply d2 = b.Defer();
  DeferredReply d3 = b.Defer();
  Reply(&b, "y|", 0);
  d3.Fill("3|");
  d2.Fill("2|");
  EXPECT_EQ(Take(&b, 0), "");  // d1 still pending
  d1.Fill("1|");
  EXPECT_EQ(Take(&b, 0), "1|x|2|3|y|");
}

TEST(ReplyBuffer, BarriersAfterADeferredReplyMoveWithTheSplicedBytes) {
  ReplyBuffer b;
  DeferredReply d = b.Defer();
  Reply(&b, "set|", 7);  // recorded after the place: must still guard "set|", not the reply
  d.Fill("fwd|");
  EXPECT_EQ(Take(&b, 6), "fwd|");
  EXPECT_EQ(Take(&b, 7), "set|");
}

TEST(ReplyBuffer, ABarrierBeforeADeferredReplyHoldsItToo) {
  ReplyBuffer b;
  Reply(&b, "set|", 4);
  DeferredReply d = b.Defer();
  d.Fill("fwd|");
  EXPECT_EQ(Take(&b, 3), "");
  EXPECT_EQ(Take(&b, 4), "set|fwd|");
}

// A coordinated write: the reply is deferred (other replicas must acknowledge) and the barrier
// for the local copy's LSN is recorded at the same offset, right after Defer() — exactly what
// Session does with Coordinator::Handle's return value. The spliced reply must wait for it.
TEST(ReplyBuffer, ABarrierAtTheDeferredPlaceHoldsTheSplicedReplyUntilAcked) {
  ReplyBuffer b;
  Reply(&b, "a|", 0);
  const size_t start = b.size();
  DeferredReply d = b.Defer();
  b.HoldFrom(start, 9);  // the local replica's write is at LSN 9
  Reply(&b, "ping|", 0);
  d.Fill("set|");
  EXPECT_EQ(Take(&b, 8), "a|");  // the coordinated reply waits for its local copy
  EXPECT_EQ(Take(&b, 8), "");
  EXPECT_EQ(Take(&b, 9), "set|ping|");
}

TEST(ReplyBuffer, TwoDeferredRepliesAtOnePlaceBothWaitForTheirBarrier) {
  ReplyBuffer b;
  DeferredReply d1 = b.Defer();
  b.HoldFrom(0, 3);
  DeferredReply d2 = b.Defer();
  b.HoldFrom(0, 5);
  d2.Fill("2|");
  d1.Fill("1|");
  EXPECT_EQ(Take(&b, 4), "");  // merged: the place holds both, up to LSN 5
  EXPECT_EQ(Take(&b, 5), "1|2|");
}

TEST(ReplyBuffer, FillingAfterTheBufferIsGoneDoesNothing) {
  DeferredReply d;
  {
    ReplyBuffer b;
    d = b.Defer();
    EXPECT_TRUE(d.pending());
  }
  EXPECT_FALSE(d.pending());
  d.Fill("late");  // must not crash or write anywhere
}

TEST(ReplyBuffer, OnlyTheFirstFillCounts) {
  ReplyBuffer b;
  DeferredReply d = b.Defer();
  DeferredReply copy = d;
  d.Fill("one|");
  copy.Fill("two|");  // a copy of a handle: the slot is already filled
  EXPECT_EQ(Take(&b, 0), "one|");
}

}  // namespace
}  // namespace memdb
