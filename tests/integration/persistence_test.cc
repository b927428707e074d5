// The operation log through the real binary: restart after SIGTERM and after SIGKILL under
// load (no acknowledged write lost), a torn tail repaired at start, mid-log damage stopping
// start-up (and skip_corrupt starting anyway), COMPACT, and oplog.enabled=false.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_process.h"
#include "memdb/client.h"

namespace memdb::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class PersistenceTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& oplog_yaml = "") {
    ServerSpec spec;
    spec.extra_yaml = oplog_yaml;
    server_ = std::make_unique<ServerProcess>(spec);
    ASSERT_TRUE(server_->Start()) << server_->log();
  }
  ClientOptions Options() const {
    ClientOptions o = ClientOptionsFor(server_->port(), server_->spec());
    o.request_timeout = std::chrono::milliseconds(10000);
    return o;
  }
  std::map<std::string, uint64_t> Stats(Client& client) {
    auto stats = client.Stats();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    if (!stats.ok()) return {};
    return {stats->begin(), stats->end()};
  }
  // The segment files of the log, sorted by name (= by id).
  std::vector<fs::path> Segments() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(server_->data_dir() + "/oplog")) {
      if (entry.path().filename().string().starts_with("seg-")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  // Checks every key of `expected` with pipelined GETs; returns the keys whose value differs.
  std::vector<std::string> Missing(Client& client, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& values) {
    std::vector<std::string> missing;
    constexpr size_t kWindow = 256;
    for (size_t start = 0; start < keys.size(); start += kWindow) {
      std::vector<std::future<Result<std::optional<VersionedValue>>>> gets;
      const size_t end = std::min(keys.size(), start + kWindow);
      for (size_t i = start; i < end; ++i) gets.push_back(client.GetAsync(keys[i]));
      for (size_t i = start; i < end; ++i) {
        auto got = gets[i - start].get();
        EXPECT_TRUE(got.ok()) << got.status().ToString();
        if (!got.ok() || !got->has_value() || (*got)->value != values[i]) {
          missing.push_back(keys[i]);
        }
      }
    }
    return missing;
  }

  std::unique_ptr<ServerProcess> server_;
};

// ---- restart -----------------------------------------------------------------------------------

TEST_F(PersistenceTest, SigtermSyncsEverythingAndARestartServesIt) {
  for (const char* policy : {"always", "interval", "never"}) {
    SCOPED_TRACE(policy);
    StartServer(std::string("oplog:\n  fsync: ") + policy + "\n  fsync_interval_ms: 60000\n");
    {
      Client client(Options());
      for (int i = 0; i < 300; ++i) {
        ASSERT_TRUE(client.Set("k" + std::to_string(i), "v" + std::to_string(i)).ok());
      }
      ASSERT_TRUE(client.Set("k7", "overwritten").ok());
      ASSERT_TRUE(client.Del("k8").ok());
    }
    ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
    EXPECT_NE(server_->log().find("operation log closed: everything synced"), std::string::npos)
        << server_->log();

    ASSERT_TRUE(server_->Start()) << server_->log();
    EXPECT_NE(server_->log().find("replayed 302 records"), std::string::npos) << server_->log();
    Client client(Options());
    EXPECT_EQ(client.Get("k0")->value().value, "v0");
    EXPECT_EQ(client.Get("k299")->value().value, "v299");
    EXPECT_EQ(client.Get("k7")->value().value, "overwritten");
    EXPECT_FALSE(client.Get("k8")->has_value());
    auto stats = Stats(client);
    EXPECT_EQ(stats["keys"], 299u);
    EXPECT_EQ(stats["tombstones"], 1u);
    EXPECT_EQ(stats["oplog_recovered_records"], 302u);
    // New writes order after everything replayed.
    auto before = client.Get("k0")->value().version;
    auto v = client.Set("k0", "after restart");
    ASSERT_TRUE(v.ok());
    EXPECT_GT(*v, before);
  }
}

// ---- kill -9 under load ------------------------------------------------------------------------

struct LoadResult {
  std::vector<std::string> keys;  // acknowledged writes
  std::vector<std::string> values;
  uint64_t unacknowledged = 0;  // sent, no reply before the kill
  double seconds = 0;
};

// `threads` clients, each pipelining up to `window` SETs of distinct keys, until the server
// dies; SIGKILL after `load_ms`. Returns every write that was acknowledged.
LoadResult WriteThenKill(ServerProcess* server, const ClientOptions& options, int threads,
                         int window, int load_ms) {
  std::vector<LoadResult> per_thread(threads);
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      ClientOptions o = options;
      o.reconnect = false;
      Client client(o);
      if (!client.Connect().ok()) return;
      LoadResult& r = per_thread[t];
      std::deque<std::pair<uint64_t, std::future<Result<Version>>>> inflight;
      uint64_t next = 0;
      auto key = [t](uint64_t i) { return "t" + std::to_string(t) + "-" + std::to_string(i); };
      auto value = [t](uint64_t i) { return "value-" + std::to_string(i * 31 + t); };
      bool broken = false;
      while (!broken || !inflight.empty()) {
        while (!broken && !stop && inflight.size() < static_cast<size_t>(window)) {
          inflight.emplace_back(next, client.SetAsync(key(next), value(next)));
          ++next;
        }
        if (inflight.empty()) break;
        auto [i, future] = std::move(inflight.front());
        inflight.pop_front();
        Result<Version> acked = future.get();
        if (acked.ok()) {
          r.keys.push_back(key(i));
          r.values.push_back(value(i));
        } else {
          broken = true;
          ++r.unacknowledged;
        }
        if (stop && !broken) broken = true;  // the kill happened: stop sending
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(load_ms));
  kill(server->pid(), SIGKILL);
  const auto killed = Clock::now();
  EXPECT_EQ(server->Stop(SIGKILL), 128 + SIGKILL);
  stop = true;
  for (auto& w : workers) w.join();
  LoadResult all;
  all.seconds = std::chrono::duration<double>(killed - start).count();
  for (auto& r : per_thread) {
    all.keys.insert(all.keys.end(), r.keys.begin(), r.keys.end());
    all.values.insert(all.values.end(), r.values.begin(), r.values.end());
    all.unacknowledged += r.unacknowledged;
  }
  return all;
}

TEST_F(PersistenceTest, KillNineUnderLoadLosesNoAcknowledgedWriteWithFsyncAlways) {
  StartServer("oplog:\n  fsync: always\n");
  LoadResult load = WriteThenKill(server_.get(), Options(), /*threads=*/8, /*window=*/16,
                                  /*load_ms=*/1000);
  ASSERT_GT(load.keys.size(), 100u) << "too little load to mean anything";

  ASSERT_TRUE(server_->Start()) << server_->log();
  Client client(Options());
  std::vector<std::string> missing = Missing(client, load.keys, load.values);
  std::printf(
      "[ kill -9, fsync always ] %zu writes acknowledged in %.2f s (%.0f/s, 8 connections x 16 "
      "pipelined), %llu in flight at the kill; after restart (%lld ms): %zu lost\n",
      load.keys.size(), load.seconds, static_cast<double>(load.keys.size()) / load.seconds,
      static_cast<unsigned long long>(load.unacknowledged),
      static_cast<long long>(server_->start_ms()), missing.size());
  EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged writes lost, e.g. "
                               << missing.front();
  auto stats = Stats(client);
  EXPECT_GE(stats["keys"], load.keys.size());
  EXPECT_LE(stats["keys"], load.keys.size() + load.unacknowledged);
}

TEST_F(PersistenceTest, KillNineUnderLoadLosesNoAcknowledgedWriteWithFsyncInterval) {
  // Under `interval` an acknowledged write is in the kernel's page cache: killing the process
  // loses none of them (a power loss could lose up to fsync_interval_ms of them).
  StartServer("oplog:\n  fsync: interval\n  fsync_interval_ms: 1000\n");
  LoadResult load = WriteThenKill(server_.get(), Options(), /*threads=*/8, /*window=*/16,
                                  /*load_ms=*/1000);
  ASSERT_GT(load.keys.size(), 100u);

  ASSERT_TRUE(server_->Start()) << server_->log();
  Client client(Options());
  std::vector<std::string> missing = Missing(client, load.keys, load.values);
  std::printf(
      "[ kill -9, fsync interval 1000 ms ] %zu writes acknowledged in %.2f s (%.0f/s), %llu in "
      "flight at the kill; after restart (%lld ms): %zu lost\n",
      load.keys.size(), load.seconds, static_cast<double>(load.keys.size()) / load.seconds,
      static_cast<unsigned long long>(load.unacknowledged),
      static_cast<long long>(server_->start_ms()), missing.size());
  EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged writes lost";
}

TEST_F(PersistenceTest, BackpressureOnATinyPendingLimitStillMakesProgress) {
  // Every connection stops reading whenever anything waits for the flusher.
  StartServer("oplog:\n  max_pending_bytes: 1\n");
  std::vector<std::thread> writers;
  std::atomic<uint64_t> acked{0};
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      Client client(Options());
      std::vector<std::future<Result<Version>>> sets;
      for (int i = 0; i < 2000; ++i) {
        sets.push_back(client.SetAsync("t" + std::to_string(t) + "-" + std::to_string(i), "v"));
      }
      for (auto& s : sets) {
        if (s.get().ok()) ++acked;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(acked.load(), 8000u);
  Client client(Options());
  auto stats = Stats(client);
  EXPECT_GT(stats["oplog_backpressure_pauses"], 0u);
  EXPECT_EQ(stats["keys"], 8000u);
}

// ---- damage at start-up ------------------------------------------------------------------------

TEST_F(PersistenceTest, TornTailIsTruncatedAtStartWithAWarning) {
  StartServer();
  {
    Client client(Options());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(client.Set("k" + std::to_string(i), "v").ok());
  }
  ASSERT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  // A write cut short by the crash: half a record of garbage after the last good one.
  const fs::path last = Segments().back();
  const uintmax_t good_size = fs::file_size(last);
  ASSERT_GT(good_size, 40u);
  {
    std::ofstream out(last, std::ios::binary | std::ios::app);
    out << std::string(37, '\xab');
  }
  ASSERT_TRUE(server_->Start()) << server_->log();
  const std::string log = server_->log();
  EXPECT_NE(log.find("torn tail in " + last.string()), std::string::npos) << log;
  EXPECT_NE(log.find("at offset " + std::to_string(good_size)), std::string::npos) << log;
  EXPECT_NE(log.find("37 bytes dropped"), std::string::npos) << log;
  EXPECT_NE(log.find(" warn"), std::string::npos) << log;
  // (The repaired segment is complete now: a seal job compresses it right after start.)
  Client client(Options());
  EXPECT_EQ(Stats(client)["keys"], 100u);
  ASSERT_TRUE(client.Set("after", "repair").ok());
}

TEST_F(PersistenceTest, MidLogCorruptionStopsStartUpUnlessSkipModeIsChosen) {
  StartServer();
  {
    Client client(Options());
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(client.Set("k" + std::to_string(i), "value").ok());
  }
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  // Flip a byte inside an early record: valid records follow it, so this is not a torn tail.
  const fs::path segment = Segments().front();
  constexpr std::streamoff kOffset = 40 + 10 * 29 + 20;  // header + 10 records + a bit
  {
    std::fstream f(segment, std::ios::binary | std::ios::in | std::ios::out);
    f.seekg(kOffset);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(kOffset);
    f.write(&c, 1);
  }
  EXPECT_FALSE(server_->Start());
  EXPECT_EQ(server_->exit_code(), 1);
  std::string log = server_->log();
  EXPECT_NE(log.find(segment.string()), std::string::npos) << log;
  EXPECT_NE(log.find("offset"), std::string::npos) << log;
  EXPECT_NE(log.find("skip_corrupt"), std::string::npos) << "the error should say the way out";

  server_->mutable_spec().extra_yaml = "oplog:\n  recovery_mode: skip_corrupt\n";
  ASSERT_TRUE(server_->Start()) << server_->log();
  log = server_->log();
  EXPECT_NE(log.find("skipped"), std::string::npos) << log;
  EXPECT_NE(log.find(segment.string()), std::string::npos) << log;
  Client client(Options());
  const uint64_t keys = Stats(client)["keys"];
  EXPECT_LT(keys, 200u);
  EXPECT_GE(keys, 190u) << "only the damaged record should be lost";
}

// ---- a failing disk ---------------------------------------------------------------------------

TEST_F(PersistenceTest, FailedLogWriteIsNeverAcknowledgedAndStopsTheNode) {
  StartServer();
  // The first segment the writer creates lands on /dev/full: its first write fails (ENOSPC).
  const fs::path segment = server_->data_dir() + "/oplog/seg-00000000000000000001.log";
  fs::create_symlink("/dev/full", segment);
  {
    ClientOptions o = Options();
    o.reconnect = false;
    Client client(o);
    ASSERT_TRUE(client.Connect().ok());
    auto set = client.Set("k", "v");
    EXPECT_FALSE(set.ok()) << "a write the log could not take was acknowledged";
  }
  EXPECT_EQ(server_->Stop(/*signo=*/0), 1) << "it stops by itself, exit 1\n" << server_->log();
  const std::string log = server_->log();
  EXPECT_NE(log.find("critical operation log write failed"), std::string::npos) << log;
  EXPECT_NE(log.find("No space left on device"), std::string::npos) << log;

  // The next start drops the headerless "segment" and serves; the write is not there.
  ASSERT_TRUE(server_->Start()) << server_->log();
  Client client(Options());
  EXPECT_FALSE(client.Get("k")->has_value());
  ASSERT_TRUE(client.Set("k", "v2").ok());
}

// ---- COMPACT -----------------------------------------------------------------------------------

TEST_F(PersistenceTest, CompactOnDemandShrinksTheLogAndKeepsTheData) {
  StartServer("oplog:\n  segment_bytes: 65536\n");
  Client client(Options());
  constexpr int kKeys = 500;
  for (int round = 0; round < 20; ++round) {
    std::vector<std::future<Result<Version>>> sets;
    for (int k = 0; k < kKeys; ++k) {
      sets.push_back(client.SetAsync("key" + std::to_string(k),
                                     "round " + std::to_string(round) + std::string(40, '.')));
    }
    for (auto& s : sets) ASSERT_TRUE(s.get().ok());
  }
  const uint64_t before = Stats(client)["oplog_bytes"];

  auto outcome = client.Compact();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(*outcome == CompactOutcome::kStarted || *outcome == CompactOutcome::kQueued)
      << CompactOutcomeName(*outcome);
  std::map<std::string, uint64_t> stats;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stats = Stats(client);
  } while (stats["compactions_completed"] == 0 && Clock::now() < deadline);
  ASSERT_EQ(stats["compactions_completed"], 1u);
  EXPECT_EQ(stats["compaction_running"], 0u);
  EXPECT_GT(stats["compaction_bytes_written"], 0u);
  EXPECT_EQ(stats["compaction_records_out"] <= kKeys, true);
  EXPECT_LT(stats["oplog_bytes"], before / 2) << "before " << before;
  std::printf("[ compact ] log %llu -> %llu bytes in %llu ms\n",
              static_cast<unsigned long long>(before),
              static_cast<unsigned long long>(stats["oplog_bytes"]),
              static_cast<unsigned long long>(stats["last_compaction_ms"]));
  EXPECT_NE(server_->log().find("oplog compact done"), std::string::npos) << server_->log();

  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  ASSERT_TRUE(server_->Start()) << server_->log();
  Client after(Options());
  for (int k = 0; k < kKeys; k += 50) {
    EXPECT_EQ(after.Get("key" + std::to_string(k))->value().value,
              "round 19" + std::string(40, '.'));
  }
  EXPECT_EQ(Stats(after)["keys"], static_cast<uint64_t>(kKeys));
}

// ---- no log ------------------------------------------------------------------------------------

TEST_F(PersistenceTest, DisabledLogKeepsNothingAndRefusesCompact) {
  StartServer("oplog:\n  enabled: false\n");
  {
    Client client(Options());
    ASSERT_TRUE(client.Set("k", "v").ok());
    auto compact = client.Compact();
    ASSERT_FALSE(compact.ok());
    EXPECT_EQ(compact.status().code(), Code::kNotImplemented);
    for (const auto& [name, value] : Stats(client)) {
      EXPECT_FALSE(name.starts_with("oplog_")) << name;
    }
  }
  EXPECT_FALSE(fs::exists(server_->data_dir() + "/oplog"));
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  ASSERT_TRUE(server_->Start());
  Client client(Options());
  EXPECT_FALSE(client.Get("k")->has_value());
}

}  // namespace
}  // namespace memdb::testing
