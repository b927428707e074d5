// The replication scenario's parts: every invariant fails on a doctored history (so a broken
// replication cannot pass unnoticed), the NodeProcess emulates the runtime's log barrier and a
// crash, and a short run is deterministic. The CI seeds run as ctest sim.replication.*.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "node_process.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"
#include "replication_invariants.h"
#include "scenarios.h"
#include "sim_cluster.h"

namespace memdb::sim {
namespace {

Op Write(OpKind kind, const std::string& key, uint64_t ts, uint64_t invoke, uint64_t complete,
         Consistency level = Consistency::kQuorum, Outcome outcome = Outcome::kOk) {
  static uint64_t next_value = 1;
  Op op;
  op.kind = kind;
  op.key = key;
  if (kind == OpKind::kSet) op.value = "v" + std::to_string(next_value++);
  op.version = Version{ts, 1};
  op.invoke_ms = invoke;
  op.complete_ms = complete;
  op.level = level;
  op.outcome = outcome;
  return op;
}

Op Read(const std::string& key, uint64_t invoke, uint64_t complete, const Op* saw,
        Consistency level = Consistency::kQuorum) {
  Op op;
  op.kind = OpKind::kGet;
  op.key = key;
  op.invoke_ms = invoke;
  op.complete_ms = complete;
  op.level = level;
  op.outcome = Outcome::kOk;
  if (saw != nullptr && saw->kind == OpKind::kSet) {
    op.found = true;
    op.version = saw->version;
    op.read_value = saw->value;
  }
  return op;
}

History Numbered(History h) {
  for (size_t i = 0; i < h.size(); ++i) h[i].id = i;
  return h;
}

TEST(ReplicationInvariants, QuorumReadMissingAnAckedWriteFails) {
  Op w1 = Write(OpKind::kSet, "k", 100, 10, 20);
  Op w2 = Write(OpKind::kSet, "k", 200, 30, 40);
  std::string why;
  // Sees the newer write: fine. Sees the older one after the newer was acknowledged: not.
  EXPECT_TRUE(QuorumReadsSeeAckedWrites(Numbered({w1, w2, Read("k", 50, 60, &w2)}), &why)) << why;
  EXPECT_FALSE(QuorumReadsSeeAckedWrites(Numbered({w1, w2, Read("k", 50, 60, &w1)}), &why));
  EXPECT_NE(why.find("missed acknowledged"), std::string::npos) << why;
  // Concurrent with the write (invoked before its ack): either answer is fine.
  EXPECT_TRUE(QuorumReadsSeeAckedWrites(Numbered({w1, w2, Read("k", 35, 60, &w1)}), &why));
  // At ONE the read may be stale.
  EXPECT_TRUE(QuorumReadsSeeAckedWrites(
      Numbered({w1, w2, Read("k", 50, 60, &w1, Consistency::kOne)}), &why));
  // Not found after an acknowledged SET and no DEL: lost.
  EXPECT_FALSE(QuorumReadsSeeAckedWrites(Numbered({w1, Read("k", 50, 60, nullptr)}), &why));
  // ... explained by a DEL with an unknown outcome.
  Op del = Write(OpKind::kDel, "k", 0, 25, 45, Consistency::kQuorum, Outcome::kUnknown);
  EXPECT_TRUE(QuorumReadsSeeAckedWrites(Numbered({w1, del, Read("k", 50, 60, nullptr)}), &why));
}

TEST(ReplicationInvariants, PhantomOrMismatchedValueFails) {
  Op w = Write(OpKind::kSet, "k", 100, 10, 20);
  Op phantom = Read("k", 50, 60, &w);
  phantom.read_value = "never-written";
  std::string why;
  EXPECT_FALSE(QuorumReadsSeeAckedWrites(Numbered({w, phantom}), &why));
  Op mismatched = Read("k", 50, 60, &w);
  mismatched.version = Version{150, 2};
  EXPECT_FALSE(QuorumReadsSeeAckedWrites(Numbered({w, mismatched}), &why));
}

TEST(ReplicationInvariants, DeletedKeyComingBackFails) {
  Op w = Write(OpKind::kSet, "k", 100, 10, 20);
  Op del = Write(OpKind::kDel, "k", 200, 30, 40);
  std::string why;
  EXPECT_TRUE(DeletedKeysStayDeleted(Numbered({w, del, Read("k", 50, 60, nullptr)}), &why));
  EXPECT_FALSE(DeletedKeysStayDeleted(Numbered({w, del, Read("k", 50, 60, &w)}), &why));
  EXPECT_NE(why.find("came back"), std::string::npos) << why;
  Op w3 = Write(OpKind::kSet, "k", 300, 45, 48);
  EXPECT_TRUE(DeletedKeysStayDeleted(Numbered({w, del, w3, Read("k", 50, 60, &w3)}), &why));
}

ReplicaEntry Absent(const std::string& node) {
  ReplicaEntry e;
  e.node = node;
  return e;
}

ReplicaEntry Entry(const std::string& node, uint64_t ts, bool tombstone, const std::string& v) {
  ReplicaEntry e;
  e.node = node;
  e.present = true;
  e.version = Version{ts, 1};
  e.tombstone = tombstone;
  e.value = v;
  return e;
}

TEST(ReplicationInvariants, DivergentReplicasFail) {
  KeyReplicas same{"k", {Entry("n1", 5, false, "a"), Entry("n2", 5, false, "a")}};
  std::string why;
  EXPECT_TRUE(ReplicasIdentical({same}, &why)) << why;
  KeyReplicas older{"k", {Entry("n1", 5, false, "a"), Entry("n2", 4, false, "b")}};
  EXPECT_FALSE(ReplicasIdentical({same, older}, &why));
  EXPECT_NE(why.find("n2:4/1:b"), std::string::npos) << why;
  KeyReplicas tomb{"k", {Entry("n1", 5, true, ""), Entry("n2", 5, false, "")}};
  EXPECT_FALSE(ReplicasIdentical({tomb}, &why));
  KeyReplicas absent{"k", {Entry("n1", 5, false, "a"), Absent("n3")}};
  EXPECT_FALSE(ReplicasIdentical({absent}, &why));
}

TEST(ReplicationInvariants, LostAcknowledgedWriteOrResurrectedDeleteFails) {
  Op w = Write(OpKind::kSet, "k", 100, 10, 20, Consistency::kOne);
  Op del = Write(OpKind::kDel, "k", 200, 30, 40, Consistency::kOne);
  std::string why;
  EXPECT_TRUE(
      NoAcknowledgedWriteLost(Numbered({w, del}), {{"k", {Entry("n1", 200, true, "")}}}, &why))
      << why;
  // The delete was lost: the old value is back.
  EXPECT_FALSE(NoAcknowledgedWriteLost(Numbered({w, del}),
                                       {{"k", {Entry("n1", 100, false, w.value)}}}, &why));
  EXPECT_FALSE(NoAcknowledgedWriteLost(Numbered({w}), {{"k", {Absent("n1")}}}, &why));
}

TEST(ReplicationInvariants, CatchupTransferringTooMuchFails) {
  History h;
  // Ten acknowledged writes long before the node's last applied write, three after it.
  for (int i = 0; i < 10; ++i) h.push_back(Write(OpKind::kSet, "k", 1, 100 + i, 110 + i));
  for (int i = 0; i < 3; ++i) h.push_back(Write(OpKind::kSet, "k", 1, 20'000 + i, 20'010 + i));
  h = Numbered(h);
  CatchupObservation o;
  o.node = "n2";
  o.restarted_at_ms = 25'000;
  o.last_applied_ms = 10'000;
  o.checked_at_ms = 30'000;
  o.keys = {"k"};
  o.received = 3;
  o.applied = 3;
  std::string why;
  EXPECT_TRUE(CatchupTransfersOnlyMissed(h, o, 2000, 1000, 3, &why)) << why;
  o.applied = 13;  // the whole log: not only what was missed
  EXPECT_FALSE(CatchupTransfersOnlyMissed(h, o, 2000, 1000, 3, &why));
  EXPECT_NE(why.find("applied 13"), std::string::npos) << why;
  o.applied = 3;
  o.received = 13;
  EXPECT_FALSE(CatchupTransfersOnlyMissed(h, o, 2000, 1000, 3, &why));
  // Keys it does not replicate do not count.
  o.keys = {"other"};
  o.received = 1;
  EXPECT_FALSE(CatchupTransfersOnlyMissed(h, o, 2000, 1000, 3, &why));
}

// ---- NodeProcess: the runtime's log barrier, emulated ----

class NodeProcessTest : public ::testing::Test {
 protected:
  NodeProcessTest() {
    ClusterOptions co;
    co.nodes = 1;
    co.network.latency = LatencyModel::Fixed(1);
    co.gossip.seeds = {NodeAddress(0)};
    ReplicaConfig rc;
    rc.gossip = co.gossip;
    rc.disk_min_ms = rc.disk_max_ms = 50;  // a slow disk: the barrier is visible
    co.boot = NodeProcess::Booter(rc);
    cluster_ = std::make_unique<SimCluster>(7, co);
    client_owner_ = cluster_->world().AddOwner("client1");
    client_ = std::make_unique<SimTransport>(&cluster_->world(), &cluster_->network(),
                                             cluster_->network().Attach("client1:0", client_owner_),
                                             client_owner_, 5000);
  }

  // Sends a _CL request built as a client does; returns when it was answered (0: never).
  uint64_t Send(protocol::Opcode plain, const std::string& key, const std::string& value,
                cluster::PeerResponse* out, std::string* body) {
    std::string frame;
    protocol::RequestOptions ro;
    if (plain == protocol::Opcode::kSet) {
      protocol::AppendSetRequestCl(&frame, 1, 0, ro, key, value);
    } else {
      protocol::AppendKeyRequestCl(&frame, plain, 1, 0, ro, key);
    }
    auto d = protocol::DecodeFrame(frame, protocol::Limits(), false);
    uint64_t answered = 0;
    client_->Send(NodeAddress(0), d.frame.header.opcode, 0, std::string(d.frame.body), 0,
                  [&](const cluster::PeerResponse& r) {
                    answered = cluster_->world().now_ms();
                    *out = r;
                    body->assign(r.body);
                  });
    cluster_->world().RunUntil(cluster_->world().now_ms() + 500);
    return answered;
  }

  std::unique_ptr<SimCluster> cluster_;
  OwnerId client_owner_;
  std::unique_ptr<SimTransport> client_;
};

TEST_F(NodeProcessTest, WriteIsAnsweredOnlyOnceSyncedAndSurvivesACrash) {
  ASSERT_TRUE(cluster_->Start(0).ok());
  cluster_->world().RunUntil(1000);
  cluster::PeerResponse r;
  std::string body;
  const uint64_t sent = cluster_->world().now_ms();
  const uint64_t answered = Send(protocol::Opcode::kSet, "k", "v1", &r, &body);
  ASSERT_NE(answered, 0u);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  // 1 ms there, 50 ms of disk, 1 ms back.
  EXPECT_GE(answered - sent, 52u);
  NodeProcess* p = cluster_->node(0).process_as<NodeProcess>();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->held_replies(), 0u);
  EXPECT_GE(*p->Stat("oplog_syncs"), 1u);

  cluster_->Crash(0);
  ASSERT_TRUE(cluster_->Start(0).ok());
  p = cluster_->node(0).process_as<NodeProcess>();
  EXPECT_FALSE(p->start_info().first_start);
  EXPECT_EQ(p->start_info().recovered_records, 1u);
  auto found = p->node().store().Find("k");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->value, "v1");
}

TEST_F(NodeProcessTest, CrashBeforeTheSyncLosesTheUnacknowledgedWrite) {
  ASSERT_TRUE(cluster_->Start(0).ok());
  cluster_->world().RunUntil(1000);
  std::string frame;
  protocol::AppendSetRequestCl(&frame, 1, 0, protocol::RequestOptions{}, "k", "lost");
  auto d = protocol::DecodeFrame(frame, protocol::Limits(), false);
  bool answered = false;
  client_->Send(NodeAddress(0), d.frame.header.opcode, 0, std::string(d.frame.body), 0,
                [&](const cluster::PeerResponse& r) { answered = r.status.ok(); });
  cluster_->world().RunUntil(cluster_->world().now_ms() + 20);  // applied, not yet synced
  NodeProcess* p = cluster_->node(0).process_as<NodeProcess>();
  ASSERT_TRUE(p->node().store().Find("k").has_value());
  EXPECT_EQ(p->held_replies(), 1u);
  cluster_->Crash(0);
  cluster_->world().RunUntil(cluster_->world().now_ms() + 6000);
  EXPECT_FALSE(answered);
  ASSERT_TRUE(cluster_->Start(0).ok());
  p = cluster_->node(0).process_as<NodeProcess>();
  EXPECT_FALSE(p->node().store().Find("k").has_value());
}

// ---- whole runs ----

TEST(SimReplication, SameSeedSameTraceHash) {
  ScenarioOptions o;
  o.seed = 3;
  o.fault_ms = 4000;
  RunResult a = RunReplicationScenario(o);
  RunResult b = RunReplicationScenario(o);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.trace_lines, b.trace_lines);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_GT(a.trace_lines, 1000u);
}

// End to end: broken replication must make whole runs fail. Replicas that acknowledge writes
// without applying them break (a) within a few seeds.
RunResult FirstFailure(bool lying, uint64_t seeds) {
  RunResult r;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    ScenarioOptions o;
    o.seed = seed;
    o.lying_replicas = lying;
    r = RunReplicationScenario(o);
    if (!r.ok) return r;
  }
  return r;
}

TEST(SimReplication, LyingReplicasAreCaught) {
  RunResult r = FirstFailure(true, 5);
  EXPECT_FALSE(r.ok) << "no seed noticed replicas that drop acknowledged writes";
  EXPECT_NE(r.failure.find("(a)"), std::string::npos) << r.failure;
}

}  // namespace
}  // namespace memdb::sim
