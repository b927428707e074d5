// Leaderless replication with real memdb processes on 127.0.0.1 (issue 6): three nodes, RF=3,
// gossip every 200 ms, clients writing unique keys at QUORUM from several threads while a
// replica is killed (SIGKILL, then restarted: catch-up from the peers' logs) or frozen
// (SIGSTOP for kPauseSeconds, then SIGCONT: hinted handoff). Every acknowledged write is
// recorded with the version the cluster answered, and read back afterwards — at QUORUM through
// the survivors, and at ONE from each node on its own.
//
// The measured figures (catch-up time, records transferred, hints delivered, time to converge)
// are printed and recorded as test properties (--gtest_output=xml keeps them) so they can be
// quoted in docs/benchmarks.md.
//
// MEMDB_TEST_PAUSE_S=<seconds> shortens the SIGSTOP pause during development (default 30 s,
// the duration the issue asks for).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "integration/cluster_util.h"
#include "integration/raw_connection.h"
#include "integration/server_process.h"
#include "memdb/client.h"
#include "memdb/consistency.h"
#include "memdb/repair_progress.h"
#include "protocol/cluster_messages.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kClusterKey[] = "replication-test-cluster-key-0123456789";
constexpr size_t kNodes = 3;
constexpr int kDefaultPauseSeconds = 30;  // the issue: "SIGSTOP a replica for 30 s"

// STATS counters this test reads (docs/protocol.md, "STATS").
constexpr char kCatchupActive[] = "catchup_active";
constexpr char kCatchupRangesTotal[] = "catchup_ranges_total";
constexpr char kCatchupRangesDone[] = "catchup_ranges_done";
constexpr char kCatchupRecordsReceived[] = "catchup_records_received";
constexpr char kCatchupRecordsApplied[] = "catchup_records_applied";
constexpr char kCatchupMs[] = "catchup_ms";  // the node's own measure of its catch-up
constexpr char kHintsPending[] = "hints_pending";
constexpr char kHintsDelivered[] = "hints_delivered";

int PauseSeconds() {
  if (const char* text = std::getenv("MEMDB_TEST_PAUSE_S"); text != nullptr && *text != '\0') {
    const int s = std::atoi(text);
    if (s > 0) return s;
  }
  return kDefaultPauseSeconds;
}

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// ---------------------------------------------------------------------------------------------
// Processes and admin requests (the same small helpers as cluster_test.cc)
// ---------------------------------------------------------------------------------------------

// REPAIR (admin) on `port`; the progress, or the error.
Result<RepairProgress> Repair(uint16_t port, RepairAction action) {
  auto conn = ConnectAsClient(port);
  if (!conn) return Status(Code::kConnectionFailed, "cannot connect to " + Address(port));
  std::string request;
  protocol::AppendRepairRequest(&request, 5, 0, action);
  if (!conn->SendAll(request)) return Status(Code::kConnectionFailed, "send failed");
  auto reply = conn->Read(5000);
  if (!reply) return Status(Code::kTimeout, "no REPAIR reply within 5 s");
  if (reply->header.status != Code::kOk) {
    std::string_view message;
    (void)protocol::ParseErrorResponse(reply->body, &message);
    return Status(reply->header.status, std::string(message));
  }
  RepairProgress progress;
  if (Status s = protocol::ParseRepairResponse(reply->body, &progress); !s.ok()) return s;
  return progress;
}

// Starts a repair on `port` and waits (up to 30 s) until it has finished: its final progress.
Result<RepairProgress> RunRepair(uint16_t port) {
  Result<RepairProgress> progress = Repair(port, RepairAction::kStart);
  if (!progress.ok()) return progress;
  auto finished = WaitFor(
      [&] {
        progress = Repair(port, RepairAction::kStatus);
        return progress.ok() && !progress->running && progress->run_id > 0;
      },
      seconds(30));
  if (!progress.ok()) return progress;
  if (!finished) return Status(Code::kTimeout, "repair still running after 30 s");
  return progress;
}

// ---------------------------------------------------------------------------------------------
// The write load: unique keys, every acknowledgement recorded
// ---------------------------------------------------------------------------------------------

struct AckedWrite {
  std::string value;
  Version version;
};

struct LoadOutcome {
  std::unordered_map<std::string, AckedWrite> acked;
  // Writes that failed (TIMEOUT, UNAVAILABLE, connection broken...): outcome unknown.
  std::vector<std::string> unknown;
  std::map<std::string, uint64_t> errors_by_code;
  std::string first_error;
};

// `threads` writer threads; thread i writes through the node on ports[i % ports.size()] with
// its own client, `window` writes in flight, at most `rate_per_thread` writes/s (0 = as fast
// as the cluster answers). Keys are "<prefix>-t<i>-<n>", each written once.
class WriteLoad {
 public:
  WriteLoad(std::string prefix, std::vector<uint16_t> ports, size_t threads, size_t window,
            double rate_per_thread)
      : prefix_(std::move(prefix)),
        ports_(std::move(ports)),
        window_(window),
        rate_(rate_per_thread),
        outcomes_(threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { Run(i); });
  }
  ~WriteLoad() { Stop(); }

  // Stops issuing writes, waits for the replies in flight, joins the threads.
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  uint64_t acked_so_far() const { return acked_count_.load(); }

  // After Stop(): every thread's writes together.
  LoadOutcome Merge() {
    LoadOutcome all;
    for (LoadOutcome& o : outcomes_) {
      for (auto& [key, write] : o.acked) all.acked.emplace(key, std::move(write));
      all.unknown.insert(all.unknown.end(), o.unknown.begin(), o.unknown.end());
      for (const auto& [code, n] : o.errors_by_code) all.errors_by_code[code] += n;
      if (all.first_error.empty()) all.first_error = o.first_error;
    }
    return all;
  }

 private:
  void Run(size_t index) {
    ClientOptions options = ClientOptionsFor(ports_[index % ports_.size()]);
    options.connect_timeout = milliseconds(1000);
    // Longer than the nodes' replication.request_timeout_ms, so a quorum not reached shows as
    // the node's TIMEOUT (with its message) rather than the client's.
    options.request_timeout = milliseconds(10000);
    Client client(options);
    LoadOutcome& out = outcomes_[index];
    const auto start = Clock::now();
    uint64_t n = 0;
    while (!stop_) {
      std::vector<std::pair<std::string, std::string>> batch;
      std::vector<std::future<Result<Version>>> replies;
      for (size_t w = 0; w < window_; ++w, ++n) {
        std::string key = prefix_ + "-t" + std::to_string(index) + "-" + std::to_string(n);
        std::string value = "value-" + std::to_string(index) + "-" + std::to_string(n) +
                            "-0123456789abcdef0123456789abcdef";
        replies.push_back(client.SetAsync(key, value));
        batch.emplace_back(std::move(key), std::move(value));
      }
      size_t failed = 0;
      for (size_t w = 0; w < replies.size(); ++w) {
        Result<Version> r = replies[w].get();
        if (r.ok()) {
          out.acked.emplace(std::move(batch[w].first), AckedWrite{std::move(batch[w].second), *r});
          ++acked_count_;
          continue;
        }
        ++failed;
        ++out.errors_by_code[CodeName(r.status().code())];
        if (out.first_error.empty()) out.first_error = r.status().ToString();
        out.unknown.push_back(std::move(batch[w].first));
      }
      // A coordinator that is gone: do not spin on refused connections.
      if (failed == replies.size()) std::this_thread::sleep_for(milliseconds(100));
      if (rate_ > 0) {
        const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(n / rate_));
        while (!stop_ && Clock::now() < due) std::this_thread::sleep_for(milliseconds(2));
      }
    }
  }

  const std::string prefix_;
  const std::vector<uint16_t> ports_;
  const size_t window_;
  const double rate_;
  std::vector<LoadOutcome> outcomes_;  // one per thread, written only by it
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> acked_count_{0};
};

// ---------------------------------------------------------------------------------------------
// Reads at a given level, pipelined on one raw connection
// ---------------------------------------------------------------------------------------------

struct ReadOutcome {
  Code status = Code::kConnectionFailed;
  bool found = false;
  std::string value;
  Version version;
  std::string error;  // the node's message when status != kOk
};

// GET_CL of every key at `level` through the node on `port`, `window` requests in flight.
// Entries of keys that got no reply keep status kConnectionFailed.
std::vector<ReadOutcome> ReadAll(uint16_t port, const std::vector<std::string>& keys,
                                 Consistency level, size_t window = 256) {
  std::vector<ReadOutcome> results(keys.size());
  auto conn = ConnectAsClient(port);
  if (!conn) return results;
  protocol::RequestOptions options;
  options.consistency = level;
  for (size_t begin = 0; begin < keys.size(); begin += window) {
    const size_t end = std::min(keys.size(), begin + window);
    std::string requests;
    for (size_t i = begin; i < end; ++i) {
      // Request ids 1..window, so a reply maps back to begin + id - 1.
      protocol::AppendKeyRequestCl(&requests, protocol::Opcode::kGet,
                                   static_cast<uint32_t>(i - begin + 1), 0, options, keys[i]);
    }
    if (!conn->SendAll(requests)) return results;
    for (size_t got = begin; got < end; ++got) {
      auto reply = conn->Read(10000);
      if (!reply) return results;
      const uint32_t id = reply->header.request_id;
      if (id == 0 || id > end - begin) continue;
      ReadOutcome& r = results[begin + id - 1];
      r.status = reply->header.status;
      if (r.status != Code::kOk) {
        std::string_view message;
        (void)protocol::ParseErrorResponse(reply->body, &message);
        r.error = std::string(message);
        continue;
      }
      protocol::GetResult get;
      if (!protocol::ParseGetResponse(reply->body, &get).ok()) {
        r.status = Code::kBadFrame;
        r.error = "malformed GET_CL response";
        continue;
      }
      r.found = get.found;
      r.value = std::string(get.value);
      r.version = get.version;
    }
  }
  return results;
}

std::string VersionText(const Version& v) {
  return std::to_string(v.timestamp) + "@" + std::to_string(v.node_id);
}

// Checks every acked write against reads at `level` through `port`: returns how many are
// missing or differ, and describes the first few in `*report`.
size_t CountLostOrWrong(uint16_t port, const LoadOutcome& load, Consistency level,
                        std::string* report) {
  std::vector<std::string> keys;
  keys.reserve(load.acked.size());
  for (const auto& [key, write] : load.acked) keys.push_back(key);
  const std::vector<ReadOutcome> reads = ReadAll(port, keys, level);
  struct WriterSpan {
    uint64_t first;
    uint64_t last;
    uint64_t count;
  };
  std::map<std::string, WriterSpan> by_writer;
  size_t bad = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    const AckedWrite& want = load.acked.at(keys[i]);
    const ReadOutcome& got = reads[i];
    std::string problem;
    if (got.status != Code::kOk) {
      problem = CodeName(got.status) + " " + got.error;
    } else if (!got.found) {
      problem = "not found";
    } else if (got.value != want.value || got.version != want.version) {
      problem =
          "value/version " + VersionText(got.version) + " instead of " + VersionText(want.version);
    }
    if (problem.empty()) continue;
    if (++bad <= 5) *report += "  " + keys[i] + ": " + problem + "\n";
    // Keys are "<prefix>-t<writer>-<n>": which writers, which stretch of their writes.
    const size_t dash = keys[i].rfind('-');
    const size_t t = keys[i].rfind("-t", dash - 1);
    if (dash != std::string::npos && t != std::string::npos) {
      const std::string writer = keys[i].substr(t + 1, dash - t - 1);
      const uint64_t n = std::strtoull(keys[i].c_str() + dash + 1, nullptr, 10);
      auto [it, fresh] = by_writer.try_emplace(writer, WriterSpan{n, n, 0});
      it->second.first = std::min(it->second.first, n);
      it->second.last = std::max(it->second.last, n);
      ++it->second.count;
    }
  }
  for (const auto& [writer, span] : by_writer) {
    *report += "  writer " + writer + ": " + std::to_string(span.count) + " keys, numbers " +
               std::to_string(span.first) + ".." + std::to_string(span.last) + "\n";
  }
  return bad;
}

void Record(const std::string& name, int64_t value) {
  ::testing::Test::RecordProperty(name, std::to_string(value));
  std::printf("[figure] %s = %lld\n", name.c_str(), static_cast<long long>(value));
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------------

struct ClusterSettings {
  std::string fsync = "always";       // oplog.fsync
  bool hints = true;                  // replication.hints.enabled
  uint64_t catchup_margin_ms = 2000;  // at least request_timeout_ms (config validation)
};

class ReplicationTest : public ::testing::Test {
 protected:
  void StartCluster(const ClusterSettings& settings) {
    for (size_t i = 0; i < kNodes; ++i) ports_.push_back(FreePort());
    for (size_t i = 0; i < kNodes; ++i) {
      ServerSpec spec;
      spec.auth_yaml = std::string("  cluster_key: \"") + kClusterKey + "\"\n";
      spec.extra_yaml =
          "cluster:\n  seeds: [" + Address(ports_[0]) +
          "]\n  gossip_interval_ms: 200\n  tokens_per_node: 16\n"
          "oplog:\n  fsync: " +
          settings.fsync +
          "\n  fsync_interval_ms: 100\n"
          "replication:\n  factor: 3\n  read_consistency: quorum\n  write_consistency: quorum\n"
          "  request_timeout_ms: 2000\n"
          // Only on demand: convergence here must come from hints, catch-up and read repair.
          "  anti_entropy_interval_ms: 0\n"
          "  hints:\n    enabled: " +
          (settings.hints ? "true" : "false") +
          "\n    window_ms: 600000\n"
          "  catchup:\n    margin_ms: " +
          std::to_string(settings.catchup_margin_ms) + "\n";
      nodes_.push_back(std::make_unique<ServerProcess>(spec));
      ASSERT_TRUE(nodes_[i]->StartOnPort(ports_[i])) << "node " << i << ":\n" << nodes_[i]->log();
    }
    auto formed = WaitFor(
        [&] {
          for (uint16_t port : ports_) {
            if (!SeesHealthyCluster(port, kNodes)) return false;
          }
          return true;
        },
        seconds(20));
    if (!formed) DumpLogs();
    ASSERT_TRUE(formed) << "the three nodes did not form a cluster";
    // Gossip hears a peer before every node has a working connection to every other (a node
    // that tried a peer before it listened backs off for up to 2 s, and a REPLICA_WRITE sent
    // meanwhile fails at once). These tests are about kills and pauses, not start-up: wait
    // until a write at ALL succeeds through every node, i.e. every replica path carries writes.
    for (size_t i = 0; i < kNodes; ++i) {
      Client client(ClientOptionsFor(ports_[i]));
      RequestOptions all;
      all.consistency = Consistency::kAll;
      auto warm = WaitFor([&] { return client.Set("warm-up-" + std::to_string(i), "x", all).ok(); },
                          seconds(10), milliseconds(100));
      ASSERT_TRUE(warm) << "no write at ALL succeeded through node " << i << " within 10 s";
    }
  }

  void TearDown() override {
    if (HasFailure()) DumpLogs();
    // Every node is stopped by its PID (a stopped one is continued first so it can exit).
    for (auto& node : nodes_) {
      if (node->pid() > 0) {
        kill(node->pid(), SIGCONT);
        node->Stop(SIGKILL, 5000);
      }
    }
  }

  // Every node's log without its debug lines (one per connection: they would push the events
  // that explain a failure, a node seen down or a lost connection, out of the tail), the run
  // before a restart included.
  void DumpLogs() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      for (const auto& [which, text] : {std::pair{"before the restart", nodes_[i]->previous_log()},
                                        std::pair{"", nodes_[i]->log()}}) {
        if (text.empty()) continue;
        std::string log;
        size_t begin = 0;
        while (begin < text.size()) {
          size_t end = text.find('\n', begin);
          end = end == std::string::npos ? text.size() : end + 1;
          const std::string_view line(text.data() + begin, end - begin);
          if (line.find(" debug ") == std::string_view::npos) log.append(line);
          begin = end;
        }
        if (log.size() > 20000) log = "...\n" + log.substr(log.size() - 20000);
        std::fprintf(stderr, "---- node %zu (port %u) log %s----\n%s\n", i, ports_[i], which,
                     log.c_str());
      }
    }
  }

  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

// The replication counters among `stats` of the node on `port`, one line, for a failure report.
std::string ReplicationStatsLine(uint16_t port, const std::map<std::string, uint64_t>& stats) {
  if (stats.empty()) return Address(port) + ": no STATS\n";
  std::string line = Address(port) + ":";
  for (const auto& [name, value] : stats) {
    if (name == "keys" || name.rfind("replica", 0) == 0 || name.rfind("hints_written", 0) == 0 ||
        name.rfind("peer_", 0) == 0 || name.rfind("oplog_recovered", 0) == 0 ||
        name.rfind("catchup_records", 0) == 0 || name == "requests" || name == "request_errors") {
      line += " " + name + "=" + std::to_string(value);
    }
  }
  return line + "\n";
}

void PrintLoad(const char* what, const LoadOutcome& load) {
  std::printf("%s: %zu writes acknowledged, %zu failed (outcome unknown)", what, load.acked.size(),
              load.unknown.size());
  for (const auto& [code, n] : load.errors_by_code) {
    std::printf(" %s=%llu", code.c_str(), static_cast<unsigned long long>(n));
  }
  if (!load.first_error.empty()) std::printf("; first: %s", load.first_error.c_str());
  std::printf("\n");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------
// (a) SIGKILL a replica under QUORUM writes: no acknowledged write is lost.
// (b) Restart it: it catches up from its peers' logs, transferring what it missed.
// ---------------------------------------------------------------------------------------------

TEST_F(ReplicationTest, SigkillUnderQuorumLoadLosesNoAckedWriteAndTheRestartCatchesUp) {
  ClusterSettings settings;
  settings.fsync = "always";
  // Hints off: whatever the restarted node missed while down, it gets through catch-up.
  settings.hints = false;
  ASSERT_NO_FATAL_FAILURE(StartCluster(settings));
  const size_t victim = 2;

  // Six writers, two through each node (the victim's two lose their coordinator at the kill).
  constexpr size_t kKillWriters = 6;
  constexpr size_t kKillWindow = 16;
  WriteLoad load("kill", ports_, kKillWriters, kKillWindow, 0);
  std::this_thread::sleep_for(milliseconds(2500));
  // Each node's counters just before the kill and at the end, printed if the test fails. With
  // hints off, a replica write a survivor could not deliver to the victim before the kill (it
  // failed, or gossip saw the victim down) is a copy only anti-entropy will bring back.
  std::string counters = "replication counters before the kill:\n";
  uint64_t undelivered_before_kill = 0;
  for (size_t i = 0; i < kNodes; ++i) {
    const std::map<std::string, uint64_t> before = FetchStats(ports_[i]);
    counters += ReplicationStatsLine(ports_[i], before);
    if (i == victim) continue;
    undelivered_before_kill +=
        StatOf(before, "replica_failures") + StatOf(before, "replica_writes_skipped");
  }
  const uint64_t acked_before_kill = load.acked_so_far();
  ASSERT_EQ(nodes_[victim]->Stop(SIGKILL), 128 + SIGKILL);
  const auto killed_at = Clock::now();
  std::this_thread::sleep_for(milliseconds(3000));
  load.Stop();
  const LoadOutcome written = load.Merge();
  const uint64_t acked_after_kill = written.acked.size() - acked_before_kill;
  PrintLoad("load around the SIGKILL", written);
  for (size_t i : {0, 1}) {
    // The survivors' connections to the victim broke under load (STATS say why writes failed).
    EXPECT_GE(StatOf(FetchStats(ports_[i]), "peer_connections_lost"), 1u) << "node " << i;
  }
  Record("kill_acked_writes", static_cast<int64_t>(written.acked.size()));
  Record("kill_acked_writes_after_kill", static_cast<int64_t>(acked_after_kill));
  Record("kill_unknown_outcome_writes", static_cast<int64_t>(written.unknown.size()));
  ASSERT_GT(acked_before_kill, 1000u) << "the load did not get going";
  EXPECT_GT(acked_after_kill, 1000u) << "QUORUM writes must go on with one replica of three down";

  // (a) Every acknowledged write reads back at QUORUM, with the victim still down: through
  // both survivors.
  for (size_t via : {0, 1}) {
    std::string report;
    const size_t lost = CountLostOrWrong(ports_[via], written, Consistency::kQuorum, &report);
    EXPECT_EQ(lost, 0u) << lost << " of " << written.acked.size()
                        << " acknowledged writes not read back at QUORUM through node " << via
                        << ":\n"
                        << report;
    Record("kill_lost_acked_writes_via_node" + std::to_string(via), static_cast<int64_t>(lost));
  }
  std::printf("victim down for %lld ms before the restart\n",
              static_cast<long long>(MillisSince(killed_at)));

  // (b) Restart on the same data and port; time until its STATS say catch-up is done.
  const auto restart = Clock::now();
  ASSERT_TRUE(nodes_[victim]->StartOnPort(ports_[victim])) << nodes_[victim]->log();
  const int64_t listening_ms = MillisSince(restart);
  std::map<std::string, uint64_t> stats;
  auto caught_up = WaitFor(
      [&] {
        stats = FetchStats(ports_[victim]);
        return !stats.empty() && StatOf(stats, kCatchupRangesTotal) > 0 &&
               StatOf(stats, kCatchupActive) == 0 &&
               StatOf(stats, kCatchupRangesDone) == StatOf(stats, kCatchupRangesTotal);
      },
      seconds(60), milliseconds(20));
  ASSERT_TRUE(caught_up) << "the restarted node did not report catch-up done within 60 s; its "
                         << "STATS: " << kCatchupActive << "=" << StatOf(stats, kCatchupActive)
                         << " " << kCatchupRangesDone << "=" << StatOf(stats, kCatchupRangesDone)
                         << " " << kCatchupRangesTotal << "=" << StatOf(stats, kCatchupRangesTotal);
  const int64_t catchup_ms = MillisSince(restart);
  const uint64_t received = StatOf(stats, kCatchupRecordsReceived);
  const uint64_t applied = StatOf(stats, kCatchupRecordsApplied);
  Record("restart_listening_ms", listening_ms);
  Record("restart_to_catchup_done_ms", catchup_ms);
  Record("catchup_ms_reported_by_node", static_cast<int64_t>(StatOf(stats, kCatchupMs)));
  Record("catchup_ranges", static_cast<int64_t>(StatOf(stats, kCatchupRangesTotal)));
  Record("catchup_records_received", static_cast<int64_t>(received));
  Record("catchup_records_applied", static_cast<int64_t>(applied));
  // Everything written while it was down came through catch-up (hints are off): all the writes
  // acknowledged after the kill but those in flight at the kill, which it may have logged
  // before it died. And not the whole log: the records before (last applied - margin) stayed
  // behind.
  EXPECT_GE(applied + kKillWriters * kKillWindow, acked_after_kill);
  EXPECT_GE(received, applied);
  EXPECT_LT(received, written.acked.size() + written.unknown.size())
      << "catch-up transferred the whole history, not just what the node missed";

  // Every acknowledged key, read at ONE from the restarted node itself: all there, but for
  // writes a survivor could not deliver to it before the kill (counted above; none on a quiet
  // machine). Those come back with anti-entropy, which must then leave nothing missing.
  Record("replica_writes_undelivered_before_kill", static_cast<int64_t>(undelivered_before_kill));
  std::string report;
  const size_t missing = CountLostOrWrong(ports_[victim], written, Consistency::kOne, &report);
  Record("restarted_node_missing_at_one", static_cast<int64_t>(missing));
  EXPECT_LE(missing, undelivered_before_kill)
      << missing << " of " << written.acked.size()
      << " acknowledged writes not read at ONE from the restarted node, more than the "
      << undelivered_before_kill << " replica writes the survivors failed to deliver before the "
      << "kill:\n"
      << report;
  if (missing > 0) {
    std::printf(
        "%zu acknowledged writes missing at ONE on the restarted node (survivors failed "
        "to deliver %llu replica writes before the kill):\n%s%s",
        missing, static_cast<unsigned long long>(undelivered_before_kill), report.c_str(),
        counters.c_str());
    Result<RepairProgress> repaired = RunRepair(ports_[victim]);
    ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
    EXPECT_EQ(repaired->ranges_failed, 0u) << repaired->last_error;
    std::string after_repair;
    const size_t still_missing =
        CountLostOrWrong(ports_[victim], written, Consistency::kOne, &after_repair);
    EXPECT_EQ(still_missing, 0u) << still_missing << " acknowledged writes still not read at "
                                 << "ONE from the restarted node after a repair:\n"
                                 << after_repair;
    Record("restarted_node_missing_after_repair", static_cast<int64_t>(still_missing));
  }
  if (HasFailure()) {
    counters += "at the end:\n";
    for (uint16_t port : ports_) counters += ReplicationStatsLine(port, FetchStats(port));
    std::printf("%s", counters.c_str());
  }
  EXPECT_GE(StatOf(FetchStats(ports_[victim]), "keys"), written.acked.size());
}

// ---------------------------------------------------------------------------------------------
// (c) SIGSTOP a replica under load, SIGCONT: hints are delivered and the replicas converge.
// ---------------------------------------------------------------------------------------------

TEST_F(ReplicationTest, SigstopUnderLoadThenSigcontDeliversHintsAndReplicasConverge) {
  ClusterSettings settings;
  settings.fsync = "interval";  // SIGSTOP loses nothing; hints are the point here
  settings.hints = true;
  ASSERT_NO_FATAL_FAILURE(StartCluster(settings));
  const size_t victim = 2;
  const int pause_s = PauseSeconds();
  Record("pause_s", pause_s);

  // Four writers through the two nodes that stay up, ~2,000 writes/s in all: enough hints to
  // see, few enough to read back three times within the test's time limit.
  WriteLoad load("stop", {ports_[0], ports_[1]}, 4, 8, 500);
  std::this_thread::sleep_for(milliseconds(1000));
  ASSERT_EQ(kill(nodes_[victim]->pid(), SIGSTOP), 0);
  const auto stopped_at = Clock::now();
  const uint64_t acked_before_stop = load.acked_so_far();
  std::this_thread::sleep_for(seconds(pause_s));

  std::map<std::string, uint64_t> before[kNodes];
  uint64_t pending_before = 0;
  uint64_t delivered_before = 0;
  for (size_t i : {0, 1}) {
    before[i] = FetchStats(ports_[i]);
    pending_before += StatOf(before[i], kHintsPending);
    delivered_before += StatOf(before[i], kHintsDelivered);
    // The frozen replica answered nothing: requests to it timed out, and once gossip saw it down
    // (about 3.7 s of silence at a 200 ms gossip interval) writes were no longer sent to it.
    EXPECT_GT(StatOf(before[i], "peer_timeouts"), 0u) << "node " << i;
    if (pause_s >= 10) {
      EXPECT_GT(StatOf(before[i], "replica_writes_skipped"), 0u) << "node " << i;
    }
  }
  const uint64_t acked_during_stop = load.acked_so_far() - acked_before_stop;
  Record("stop_acked_writes_during_pause", static_cast<int64_t>(acked_during_stop));
  Record("stop_hints_pending_at_sigcont", static_cast<int64_t>(pending_before));
  EXPECT_GT(acked_during_stop, 1000u) << "QUORUM writes must go on with one replica frozen";
  EXPECT_GE(pending_before, acked_during_stop / 2)
      << "the coordinators kept no hints for the frozen replica";

  ASSERT_EQ(kill(nodes_[victim]->pid(), SIGCONT), 0);
  const auto continued = Clock::now();
  std::printf("replica frozen for %lld ms\n", static_cast<long long>(MillisSince(stopped_at)));

  // Hints handed off while the writes go on: none pending on the coordinators, the delivered
  // counters grew by at least what was pending.
  uint64_t delivered_after = 0;
  auto hints_drained = [&] {
    uint64_t pending = 0;
    delivered_after = 0;
    for (size_t i : {0, 1}) {
      auto stats = FetchStats(ports_[i]);
      if (stats.empty()) return false;
      pending += StatOf(stats, kHintsPending);
      delivered_after += StatOf(stats, kHintsDelivered);
    }
    return pending == 0;
  };
  auto drained = WaitFor(hints_drained, seconds(60), milliseconds(20));
  ASSERT_TRUE(drained) << "hints still pending 60 s after SIGCONT";
  Record("sigcont_to_hints_drained_ms", MillisSince(continued));
  Record("hints_delivered", static_cast<int64_t>(delivered_after - delivered_before));
  EXPECT_GE(delivered_after - delivered_before, pending_before);

  // Writes go on for a second after SIGCONT, then stop.
  while (MillisSince(continued) < 1000) std::this_thread::sleep_for(milliseconds(10));
  load.Stop();
  const auto load_stopped = Clock::now();
  const LoadOutcome written = load.Merge();
  PrintLoad("load around the SIGSTOP", written);
  Record("stop_acked_writes", static_cast<int64_t>(written.acked.size()));
  EXPECT_TRUE(written.unknown.empty()) << "two replicas of three stayed up the whole time";
  EXPECT_TRUE(WaitFor(hints_drained, seconds(10))) << "hints pending after the load stopped";

  // Converged: the three nodes hold the same number of keys...
  std::vector<uint64_t> keys(kNodes);
  auto same_count = WaitFor(
      [&] {
        for (size_t i = 0; i < kNodes; ++i) keys[i] = StatOf(FetchStats(ports_[i]), "keys");
        return keys[0] == keys[1] && keys[1] == keys[2] && keys[0] >= written.acked.size();
      },
      seconds(10));
  EXPECT_TRUE(same_count) << "keys per node: " << keys[0] << " " << keys[1] << " " << keys[2]
                          << ", acknowledged writes: " << written.acked.size();
  Record("load_stop_to_same_key_counts_ms", MillisSince(load_stopped));

  // ...and every acknowledged key with its version, read at ONE from each node directly —
  // the formerly frozen node first, so no read repair triggered by the others can hide a gap.
  for (size_t node : {victim, size_t{0}, size_t{1}}) {
    std::string report;
    const size_t bad = CountLostOrWrong(ports_[node], written, Consistency::kOne, &report);
    EXPECT_EQ(bad, 0u) << bad << " of " << written.acked.size()
                       << " acknowledged writes missing or different at ONE on node " << node
                       << ":\n"
                       << report;
    Record("stop_missing_at_one_node" + std::to_string(node), static_cast<int64_t>(bad));
  }

  // Anti-entropy on demand confirms it: the hash trees of every range agree.
  Result<RepairProgress> progress = RunRepair(ports_[victim]);
  ASSERT_TRUE(progress.ok()) << progress.status().ToString();
  EXPECT_EQ(progress->ranges_failed, 0u) << progress->last_error;
  EXPECT_EQ(progress->leaves_different, 0u);
  EXPECT_EQ(progress->keys_pulled, 0u);
  EXPECT_EQ(progress->keys_pushed, 0u);
  Record("repair_ranges", static_cast<int64_t>(progress->ranges_total));
  Record("repair_leaves_different", static_cast<int64_t>(progress->leaves_different));
}

}  // namespace
}  // namespace memdb::testing
