// Node + Session + the operation log on a simulated disk, driven like the runtime drives them
// (FlushInline stands in for the flusher thread): replies wait for the log, in order; only
// applied writes are logged; a failed log refuses writes; a restart recovers what was
// acknowledged; COMPACT and the maintenance jobs.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/sim_file_system.h"
#include "node/node.h"
#include "node/reply_buffer.h"
#include "node/session.h"
#include "oplog/compaction.h"
#include "oplog/oplog_writer.h"
#include "oplog/segment_flusher.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb {
namespace {

using oplog::FsyncPolicy;
using protocol::Opcode;

constexpr uint64_t kNowMs = 1'700'000'000'000ULL;
constexpr char kDir[] = "/data/oplog";

struct Reply {
  protocol::FrameHeader header;
  std::string body;
};

// One client connection: its session and its reply buffer.
struct Conn {
  std::unique_ptr<Session> session;
  ReplyBuffer out;
  std::string pending;
};

class NodeDurabilityTest : public ::testing::Test {
 protected:
  NodeDurabilityTest() : clock_(kNowMs), random_(7) {}

  // Starts (or restarts) the node on the simulated disk: recovery, then a writer.
  void Boot(FsyncPolicy policy = FsyncPolicy::kAlways, uint64_t segment_bytes = 1 << 20) {
    conns_.clear();
    flusher_.reset();
    node_.reset();
    NodeOptions options;
    options.node_id = 3;
    options.auth_enabled = false;
    node_ = std::make_unique<Node>(options, auth::KeyRing(), &clock_, &random_);
    auto report =
        node_->Recover(&fs_, oplog::RecoveryOptions{kDir, oplog::ReadMode::kStrict, true});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    report_ = *report;
    oplog::OplogWriterOptions writer;
    writer.dir = kDir;
    writer.fsync = policy;
    writer.segment_bytes = segment_bytes;
    writer.fsync_interval_ms = 1000;
    MaintenanceOptions maintenance;
    maintenance.policy.min_log_bytes = 0;
    maintenance.tombstone_grace_ms = 60'000;
    node_->AttachOplog(std::make_unique<oplog::OplogWriter>(writer, report_.writer_start()),
                       maintenance);
    flusher_ = std::make_unique<oplog::SegmentFlusher>(&fs_, kDir);
  }

  Conn& NewConn() {
    conns_.push_back(std::make_unique<Conn>());
    conns_.back()->session = std::make_unique<Session>(node_.get());
    return *conns_.back();
  }

  // Feeds requests, returns the replies that may be sent now.
  std::vector<Reply> Feed(Conn& c, const std::string& bytes) {
    c.pending += bytes;
    size_t consumed = c.session->Consume(c.pending, &c.out);
    c.pending.erase(0, consumed);
    return Released(c);
  }

  // Takes the releasable prefix, as the Connection does.
  std::vector<Reply> Released(Conn& c) {
    std::string bytes;
    c.out.TakeFront(c.out.Releasable(node_->oplog()->acked_lsn()), &bytes);
    std::vector<Reply> replies;
    std::string_view rest = bytes;
    while (!rest.empty()) {
      auto r = protocol::DecodeFrame(rest, protocol::Limits{}, /*expect_response=*/true);
      EXPECT_EQ(r.status, protocol::DecodeStatus::kFrame);
      if (r.status != protocol::DecodeStatus::kFrame) break;
      replies.push_back({r.frame.header, std::string(r.frame.body)});
      rest.remove_prefix(r.consumed);
    }
    return replies;
  }

  Status Flush() { return oplog::FlushInline(node_->oplog(), flusher_.get(), clock_.NowMillis()); }

  static std::string Set(uint32_t id, std::string_view key, std::string_view value) {
    std::string f;
    protocol::AppendSetRequest(&f, id, 0, {key, value});
    return f;
  }
  static std::string KeyOp(Opcode op, uint32_t id, std::string_view key) {
    std::string f;
    protocol::AppendKeyRequest(&f, op, id, 0, key);
    return f;
  }
  static std::string Ping(uint32_t id) {
    std::string f;
    protocol::AppendPingRequest(&f, id, 0, "p");
    return f;
  }
  static std::string Compact(uint32_t id) {
    std::string f;
    protocol::AppendCompactRequest(&f, id, 0);
    return f;
  }
  static std::vector<uint32_t> Ids(const std::vector<Reply>& replies) {
    std::vector<uint32_t> ids;
    for (const Reply& r : replies) ids.push_back(r.header.request_id);
    return ids;
  }
  std::map<std::string, uint64_t> Stats() {
    std::map<std::string, uint64_t> by_name;
    for (const protocol::Stat& s : node_->Stats()) by_name[std::string(s.name)] = s.value;
    return by_name;
  }
  std::optional<std::string> Value(std::string_view key) {
    protocol::GetResult got = node_->Get(key);
    if (!got.found) return std::nullopt;
    return std::string(got.value);
  }
  protocol::CompactOutcome CompactOutcomeOf(Conn& c, uint32_t id) {
    auto replies = Feed(c, Compact(id));
    EXPECT_EQ(replies.size(), 1u);
    if (replies.empty()) return protocol::CompactOutcome::kNothingToCompact;
    EXPECT_EQ(replies[0].header.status, Code::kOk);
    protocol::CompactOutcome outcome{};
    EXPECT_TRUE(protocol::ParseCompactResponse(replies[0].body, &outcome).ok());
    return outcome;
  }
  // Runs the next maintenance job inline, as the runtime's job thread would.
  bool RunNextJob(oplog::JobKind expected) {
    OplogMaintenance* m = node_->maintenance();
    auto plan = m->NextJob(node_->clock().Current());
    if (!plan) return false;
    EXPECT_EQ(plan->kind, expected);
    oplog::CompactionJob job(&fs_, std::move(*plan));
    m->OnJobStarted(&job);
    EXPECT_TRUE(m->job_running());
    Status s = job.Run();
    EXPECT_TRUE(s.ok()) << s.ToString();
    m->OnJobFinished(job, s, 5, node_->clock().Current());
    return s.ok();
  }

  SimFileSystem fs_;
  ManualClock clock_;
  SeededRandom random_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<oplog::SegmentFlusher> flusher_;
  std::vector<std::unique_ptr<Conn>> conns_;
  oplog::RecoveryReport report_;
};

// ---- replies wait for the log -----------------------------------------------------------------

TEST_F(NodeDurabilityTest, SetReplyIsHeldUntilItsRecordIsDurable) {
  Boot();
  Conn& c = NewConn();
  EXPECT_TRUE(Feed(c, Set(1, "k", "v")).empty());
  EXPECT_EQ(c.out.blocking_lsn(), 1u);
  EXPECT_EQ(node_->oplog()->durable_lsn(), 0u);
  ASSERT_TRUE(Flush().ok());
  EXPECT_EQ(node_->oplog()->durable_lsn(), 1u);
  auto replies = Released(c);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].header.status, Code::kOk);
  EXPECT_EQ(c.out.blocking_lsn(), 0u);
}

TEST_F(NodeDurabilityTest, RepliesLeaveInRequestOrder) {
  Boot();
  Conn& c = NewConn();
  // PING before the SET goes at once; the GET and the PING behind it wait (read-your-writes).
  auto now = Feed(c, Ping(1) + Set(2, "k", "v") + KeyOp(Opcode::kGet, 3, "k") + Ping(4));
  EXPECT_EQ(Ids(now), std::vector<uint32_t>({1}));
  ASSERT_TRUE(Flush().ok());
  auto later = Released(c);
  EXPECT_EQ(Ids(later), std::vector<uint32_t>({2, 3, 4}));
  protocol::GetResult got;
  ASSERT_TRUE(protocol::ParseGetResponse(later[1].body, &got).ok());
  EXPECT_TRUE(got.found);
  EXPECT_EQ(got.value, "v");
}

TEST_F(NodeDurabilityTest, ReadOfAnotherConnectionsPendingWriteWaitsForIt) {
  Boot();
  Conn& writer = NewConn();
  Conn& reader = NewConn();
  EXPECT_TRUE(Feed(writer, Set(1, "k", "new")).empty());
  // The store already shows "new", but a crash could still take it back: the GET waits.
  EXPECT_TRUE(Feed(reader, KeyOp(Opcode::kGet, 2, "k")).empty());
  EXPECT_TRUE(Feed(reader, KeyOp(Opcode::kContains, 3, "k")).empty());
  ASSERT_TRUE(Flush().ok());
  EXPECT_EQ(Ids(Released(reader)), std::vector<uint32_t>({2, 3}));
  EXPECT_EQ(Ids(Released(writer)), std::vector<uint32_t>({1}));
}

TEST_F(NodeDurabilityTest, NothingIsHeldWhenTheLogHasAcknowledgedEverything) {
  Boot();
  Conn& c = NewConn();
  Feed(c, Set(1, "k", "v"));
  ASSERT_TRUE(Flush().ok());
  EXPECT_EQ(Released(c).size(), 1u);
  EXPECT_EQ(Ids(Feed(c, KeyOp(Opcode::kGet, 2, "k") + Ping(3))), std::vector<uint32_t>({2, 3}));
  EXPECT_EQ(c.out.barrier_count(), 0u);
}

TEST_F(NodeDurabilityTest, WritesThatArriveTogetherShareOneFsync) {
  Boot();
  uint64_t syncs = 0;
  fs_.SetFaultHook([&](const SimFileSystem::Op& op) {
    if (op.kind == SimFileSystem::OpKind::kSync) ++syncs;
    return false;
  });
  std::vector<Conn*> conns;
  for (int i = 0; i < 8; ++i) conns.push_back(&NewConn());
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(Feed(*conns[i], Set(10 + i, "k" + std::to_string(i), "v")).empty());
  }
  ASSERT_TRUE(Flush().ok());
  EXPECT_EQ(syncs, 1u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(Released(*conns[i]).size(), 1u);
}

TEST_F(NodeDurabilityTest, IntervalPolicyAcknowledgesOnceWrittenNotSynced) {
  Boot(FsyncPolicy::kInterval);
  Conn& c = NewConn();
  Feed(c, Set(1, "a", "1"));
  ASSERT_TRUE(Flush().ok());  // the first batch: an interval is due at once
  EXPECT_EQ(Released(c).size(), 1u);
  clock_.Advance(10);
  Feed(c, Set(2, "b", "2"));
  ASSERT_TRUE(Flush().ok());  // written, not synced: still acknowledged
  EXPECT_EQ(Ids(Released(c)), std::vector<uint32_t>({2}));
  EXPECT_EQ(node_->oplog()->written_lsn(), 2u);
  EXPECT_EQ(node_->oplog()->durable_lsn(), 1u);
  // The runtime's timer: the next fsync falls due one interval after the last.
  ASSERT_TRUE(node_->oplog()->NextSyncDeadline().has_value());
  clock_.Advance(1000);
  ASSERT_TRUE(Flush().ok());
  EXPECT_EQ(node_->oplog()->durable_lsn(), 2u);
}

// The promise of `interval` on a power loss (the simulated disk loses what was not synced):
// at most the writes acknowledged since the last fsync, which runs every fsync_interval_ms.
TEST_F(NodeDurabilityTest, IntervalPolicyLosesAtMostOneIntervalOnPowerLoss) {
  Boot(FsyncPolicy::kInterval);  // fsync_interval_ms 1000
  Conn& c = NewConn();
  std::map<std::string, uint64_t> acked_at;  // key -> when its reply was released
  uint64_t last_sync_ms = 0;
  for (uint32_t ms = 0; ms < 4321; ++ms) {
    clock_.Advance(1);
    Feed(c, Set(ms, "k" + std::to_string(ms), "v"));
    const oplog::Lsn durable_before = node_->oplog()->durable_lsn();
    ASSERT_TRUE(Flush().ok());
    if (node_->oplog()->durable_lsn() > durable_before) last_sync_ms = clock_.NowMillis();
    for (const Reply& r : Released(c)) {
      acked_at["k" + std::to_string(r.header.request_id)] = clock_.NowMillis();
    }
  }
  ASSERT_EQ(acked_at.size(), 4321u) << "interval acknowledges once written";
  const uint64_t crash_ms = clock_.NowMillis();
  fs_.Crash();  // power loss
  Boot(FsyncPolicy::kInterval);
  uint64_t lost = 0;
  for (const auto& [key, when] : acked_at) {
    if (Value(key).has_value()) continue;
    ++lost;
    EXPECT_GT(when, last_sync_ms) << key << " was acknowledged before the last fsync";
  }
  std::printf(
      "[ interval 1000 ms, power loss ] %zu writes acknowledged (1/ms), %llu lost, "
      "all after the last fsync %llu ms before the crash\n",
      acked_at.size(), static_cast<unsigned long long>(lost),
      static_cast<unsigned long long>(crash_ms - last_sync_ms));
  EXPECT_GT(lost, 0u);
  EXPECT_LE(lost, 1000u);
  EXPECT_LE(crash_ms - last_sync_ms, 1000u);
}

// ---- what is logged ---------------------------------------------------------------------------

TEST_F(NodeDurabilityTest, OnlyAppliedWritesAreLogged) {
  Boot();
  const Version newer{(kNowMs + 5000) << 16, 9};
  const Version older{(kNowMs + 1000) << 16, 9};
  auto applied = node_->ApplyPut("k", "newer", newer);
  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(applied->applied);
  EXPECT_EQ(node_->oplog()->appended_lsn(), 1u);
  // Stale: loses to the stored version. Not applied, so not logged.
  applied = node_->ApplyPut("k", "older", older);
  ASSERT_TRUE(applied.ok());
  EXPECT_FALSE(applied->applied);
  applied = node_->ApplyDelete("k", older);
  ASSERT_TRUE(applied.ok());
  EXPECT_FALSE(applied->applied);
  applied = node_->ApplyPut("k", "dup", newer);  // an exact duplicate changes nothing
  EXPECT_FALSE(applied->applied);
  EXPECT_EQ(node_->oplog()->appended_lsn(), 1u);
  ASSERT_TRUE(Flush().ok());

  Boot();  // restart: the log holds exactly the one applied write
  EXPECT_EQ(report_.records_replayed, 1u);
  EXPECT_EQ(Value("k"), "newer");
}

TEST_F(NodeDurabilityTest, ErrorRepliesAndReadsWriteNothing) {
  Boot();
  Conn& c = NewConn();
  Feed(c, KeyOp(Opcode::kGet, 1, "absent") + KeyOp(Opcode::kContains, 2, "absent") + Ping(3));
  Feed(c, Set(5, std::string(70000, 'k'), "v"));  // KEY_TOO_LARGE: refused before the store
  EXPECT_EQ(node_->oplog()->appended_lsn(), 0u);
  EXPECT_EQ(node_->oplog()->pending_bytes(), 0u);
}

// ---- a failed log ----------------------------------------------------------------------------

TEST_F(NodeDurabilityTest, FailedLogNeverReleasesHeldRepliesAndRefusesNewWrites) {
  Boot();
  Conn& c = NewConn();
  Feed(c, Set(1, "k", "v1"));
  ASSERT_TRUE(Flush().ok());
  ASSERT_EQ(Released(c).size(), 1u);

  EXPECT_TRUE(Feed(c, Set(2, "k", "v2")).empty());
  fs_.FailAtOperation(1);  // the next write to the disk fails
  EXPECT_FALSE(Flush().ok());
  EXPECT_FALSE(node_->oplog()->status().ok());
  EXPECT_TRUE(Released(c).empty()) << "a write the log did not take must not be acknowledged";

  Conn& other = NewConn();
  auto replies = Feed(other, Set(3, "k", "v3"));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].header.status, Code::kInternal);
  std::string_view message;
  ASSERT_TRUE(protocol::ParseErrorResponse(replies[0].body, &message).ok());
  EXPECT_NE(message.find("operation log"), std::string_view::npos) << message;
  EXPECT_EQ(Value("k"), "v2") << "a refused write must not reach the store";
  EXPECT_EQ(Stats()["oplog_failed"], 1u);
}

// ---- restart ---------------------------------------------------------------------------------

TEST_F(NodeDurabilityTest, RestartRecoversEveryAcknowledgedWriteAndAdvancesTheClock) {
  Boot();
  Conn& c = NewConn();
  std::string batch;
  for (uint32_t i = 0; i < 100; ++i)
    batch += Set(i, "key" + std::to_string(i), "v" + std::to_string(i));
  batch += KeyOp(Opcode::kDel, 200, "key7");
  Feed(c, batch);
  ASSERT_TRUE(Flush().ok());
  ASSERT_EQ(Released(c).size(), 101u);
  const Timestamp last = node_->clock().Current();
  // Appended but never flushed: not acknowledged, lost in the crash.
  Feed(c, Set(300, "unacked", "x"));

  fs_.Crash();
  clock_.Set(kNowMs - 60'000);  // the wall clock went backwards meanwhile
  Boot();
  EXPECT_EQ(report_.records_replayed, 101u);
  EXPECT_GE(node_->clock().Current(), last) << "new writes must order after the log";
  for (uint32_t i = 0; i < 100; ++i) {
    if (i == 7) continue;
    EXPECT_EQ(Value("key" + std::to_string(i)), "v" + std::to_string(i));
  }
  EXPECT_FALSE(Value("key7").has_value());
  EXPECT_FALSE(Value("unacked").has_value());
  auto version = node_->Set("after", "restart");
  ASSERT_TRUE(version.ok());
  EXPECT_GT(version->timestamp, last);
}

// ---- STATS and COMPACT -------------------------------------------------------------------------

TEST_F(NodeDurabilityTest, StatsReportTheLogAndItsJobs) {
  Boot();
  Conn& c = NewConn();
  Feed(c, Set(1, "a", "1") + Set(2, "b", "2"));
  auto before = Stats();
  EXPECT_EQ(before["oplog_appended_lsn"], 2u);
  EXPECT_EQ(before["oplog_durable_lsn"], 0u);
  EXPECT_GT(before["oplog_pending_bytes"], 0u);
  ASSERT_TRUE(Flush().ok());
  auto after = Stats();
  EXPECT_EQ(after["oplog_durable_lsn"], 2u);
  EXPECT_EQ(after["oplog_acked_lsn"], 2u);
  EXPECT_EQ(after["oplog_pending_bytes"], 0u);
  EXPECT_GT(after["oplog_bytes"], 0u);
  EXPECT_EQ(after["oplog_segments"], 1u);
  for (const char* name : {"compactions_completed", "compaction_running", "compaction_phase",
                           "compaction_bytes_written", "last_compaction_ms", "seals_completed"}) {
    EXPECT_TRUE(after.count(name)) << name;
  }
}

TEST_F(NodeDurabilityTest, CompactWithOnlyTheActiveSegmentHasNothingToDo) {
  Boot();
  Conn& c = NewConn();
  Feed(c, Set(1, "a", "1"));
  ASSERT_TRUE(Flush().ok());
  Released(c);
  EXPECT_EQ(CompactOutcomeOf(c, 2), protocol::CompactOutcome::kNothingToCompact);
}

TEST_F(NodeDurabilityTest, CompactStartsOnceAndRewritesTheLogToTheLiveData) {
  Boot(FsyncPolicy::kAlways, /*segment_bytes=*/4096);
  Conn& c = NewConn();
  // Many overwrites of a few keys: several complete segments of mostly superseded records.
  for (int round = 0; round < 40; ++round) {
    std::string batch;
    for (int k = 0; k < 10; ++k) {
      batch += Set(1, "key" + std::to_string(k), std::string(40, 'a' + round % 26));
    }
    Feed(c, batch);
    ASSERT_TRUE(Flush().ok());
    Released(c);
  }
  ASSERT_FALSE(node_->oplog()->sealed_tail().empty());
  const uint64_t log_before = node_->oplog()->LogBytes();

  EXPECT_EQ(CompactOutcomeOf(c, 2), protocol::CompactOutcome::kStarted);
  EXPECT_TRUE(node_->maintenance()->has_planned());
  EXPECT_EQ(CompactOutcomeOf(c, 3), protocol::CompactOutcome::kAlreadyRunning);
  auto plan = node_->maintenance()->NextJob(node_->clock().Current());
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->kind, oplog::JobKind::kCompact);
  oplog::CompactionJob job(&fs_, std::move(*plan));
  node_->maintenance()->OnJobStarted(&job);
  EXPECT_EQ(CompactOutcomeOf(c, 4), protocol::CompactOutcome::kAlreadyRunning);
  EXPECT_EQ(Stats()["compaction_running"], 1u);
  EXPECT_GE(Stats()["compaction_phase"], 1u);
  // Writes go on while the job runs.
  Feed(c, Set(5, "during", "compaction"));
  ASSERT_TRUE(job.Run().ok());
  ASSERT_TRUE(Flush().ok());
  node_->maintenance()->OnJobFinished(job, Status::Ok(), 12, node_->clock().Current());

  auto stats = Stats();
  EXPECT_EQ(stats["compactions_completed"], 1u);
  EXPECT_EQ(stats["compaction_running"], 0u);
  EXPECT_EQ(stats["compaction_phase"], 0u);
  EXPECT_EQ(stats["last_compaction_ms"], 12u);
  EXPECT_GT(stats["compaction_bytes_written"], 0u);
  EXPECT_EQ(stats["compaction_records_out"], 10u);
  EXPECT_LT(node_->oplog()->LogBytes(), log_before);

  Boot();  // the compacted log replays to the same data
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(Value("key" + std::to_string(k)), std::string(40, 'a' + 39 % 26));
  }
  EXPECT_EQ(Value("during"), "compaction");
}

TEST_F(NodeDurabilityTest, CompleteSegmentsAreSealedAndACompactDuringASealIsQueued) {
  Boot(FsyncPolicy::kAlways, /*segment_bytes=*/4096);
  Conn& c = NewConn();
  for (int i = 0; i < 200; ++i) Feed(c, Set(1, "k" + std::to_string(i), std::string(50, 'x')));
  ASSERT_TRUE(Flush().ok());
  ASSERT_FALSE(node_->oplog()->sealed_tail().empty());

  auto plan = node_->maintenance()->NextJob(node_->clock().Current());
  ASSERT_TRUE(plan.has_value());
  ASSERT_EQ(plan->kind, oplog::JobKind::kSeal);
  oplog::CompactionJob seal(&fs_, std::move(*plan));
  node_->maintenance()->OnJobStarted(&seal);
  EXPECT_EQ(Stats()["seal_running"], 1u);
  Released(c);
  EXPECT_EQ(CompactOutcomeOf(c, 2), protocol::CompactOutcome::kQueued);
  ASSERT_TRUE(seal.Run().ok());
  node_->maintenance()->OnJobFinished(seal, Status::Ok(), 1, node_->clock().Current());
  EXPECT_EQ(node_->maintenance()->seals_completed(), 1u);
  EXPECT_TRUE(node_->oplog()->sealed_tail().empty());
  // The queued compaction comes next.
  EXPECT_TRUE(RunNextJob(oplog::JobKind::kCompact));
  EXPECT_EQ(node_->maintenance()->compactions_completed(), 1u);

  Boot();
  EXPECT_EQ(node_->store().size(), 200u);
}

TEST_F(NodeDurabilityTest, CompactionForgetsExpiredTombstonesInMemoryAndInTheLog) {
  Boot(FsyncPolicy::kAlways, /*segment_bytes=*/4096);
  Conn& c = NewConn();
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += Set(1, "k" + std::to_string(i), std::string(50, 'x'));
  for (int i = 0; i < 50; ++i) batch += KeyOp(Opcode::kDel, 2, "k" + std::to_string(i));
  Feed(c, batch);
  ASSERT_TRUE(Flush().ok());
  EXPECT_EQ(node_->store().stats().tombstones, 50u);
  clock_.Advance(120'000);                            // past the 60 s grace of this test
  Feed(c, Set(4, "filler", std::string(4000, 'f')));  // completes the segment holding the deletes
  ASSERT_TRUE(Flush().ok());
  Released(c);
  EXPECT_EQ(CompactOutcomeOf(c, 5), protocol::CompactOutcome::kStarted);
  EXPECT_EQ(node_->store().stats().tombstones, 0u) << "purged with the same cutoff";
  EXPECT_EQ(Stats()["tombstones_purged"], 50u);
  EXPECT_TRUE(RunNextJob(oplog::JobKind::kCompact));
  Boot();
  EXPECT_EQ(node_->store().stats().tombstones, 0u);
  EXPECT_EQ(node_->store().size(), 51u);
}

TEST_F(NodeDurabilityTest, PolicyCompactsWhenTheLogOutgrowsTheLiveData) {
  Boot(FsyncPolicy::kAlways, /*segment_bytes=*/4096);
  Conn& c = NewConn();
  for (int round = 0; round < 30; ++round) {
    Feed(c, Set(1, "only-key", std::string(200, 'a' + round % 26)));
    ASSERT_TRUE(Flush().ok());
  }
  // min_log_bytes is 0 here and the log is many times the one live key.
  auto plan = node_->maintenance()->NextJob(node_->clock().Current());
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->kind, oplog::JobKind::kCompact);
}

}  // namespace
}  // namespace memdb
