#include "memdb_bench/driver.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "memdb_bench/memdb_client.h"
#include "memdb_bench/resp_client.h"
#include "memdb_bench/socket.h"

namespace memdb::bench {

namespace {

constexpr uint64_t kProgressIntervalNs = 1000000000;

// The progress line on a terminal: rewritten in place once a second, erased at the end.
class ProgressLine {
 public:
  ProgressLine(std::FILE* out, const Options& options) : out_(out), options_(options) {}

  void Update(uint64_t elapsed_ns, uint64_t completed, uint64_t errors) {
    if (out_ == nullptr) return;
    const double elapsed_s = static_cast<double>(elapsed_ns) / 1e9;
    const double interval_s = static_cast<double>(elapsed_ns - last_ns_) / 1e9;
    const double rate =
        interval_s > 0 ? static_cast<double>(completed - last_completed_) / interval_s : 0.0;
    last_ns_ = elapsed_ns;
    last_completed_ = completed;
    char line[160];
    int n = 0;
    if (options_.bounded_by_time()) {
      n = std::snprintf(line, sizeof line, "[%5.1f/%.0f s] %llu requests, %.0f ops/s, %llu errors",
                        elapsed_s, options_.duration_s, static_cast<unsigned long long>(completed),
                        rate, static_cast<unsigned long long>(errors));
    } else {
      n = std::snprintf(
          line, sizeof line,
          "[%5.1f s] %llu/%llu requests (%.0f%%), %.0f ops/s, "
          "%llu errors",
          elapsed_s, static_cast<unsigned long long>(completed),
          static_cast<unsigned long long>(options_.requests),
          100.0 * static_cast<double>(completed) / static_cast<double>(options_.requests), rate,
          static_cast<unsigned long long>(errors));
    }
    n = std::clamp(n, 0, static_cast<int>(sizeof line) - 1);
    // Pad over a longer previous line.
    std::fprintf(out_, "\r%s%*s", line, std::max(0, width_ - n), "");
    std::fflush(out_);
    width_ = std::max(width_, n);
  }

  void Erase() {
    if (out_ == nullptr || width_ == 0) return;
    std::fprintf(out_, "\r%*s\r", width_, "");
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  const Options& options_;
  uint64_t last_ns_ = 0;
  uint64_t last_completed_ = 0;
  int width_ = 0;
};

}  // namespace

Result<RunReport> RunBenchmark(const Options& options, RunControl* control, std::FILE* progress) {
  auto keys = KeyFormatter::Create(options.workload.key_prefix, options.workload.keyspace,
                                   options.workload.key_size);
  if (!keys.ok()) return keys.status();

  // Credentials shared (read-only) by every connection.
  MemdbCredentials memdb_credentials{options.key_id, options.secret, "memdb-bench"};
  RespCredentials resp_credentials{options.resp_auth, options.key_id, options.secret};
  ProtocolFactory factory;
  if (options.protocol == ProtocolKind::kMemdb) {
    factory = [&] {
      return std::make_unique<MemdbClient>(&memdb_credentials, protocol::Limits(),
                                           options.consistency);
    };
  } else {
    factory = [&] { return std::make_unique<RespClient>(&resp_credentials); };
  }

  const uint32_t n = options.threads;
  std::vector<std::unique_ptr<Worker>> workers;
  for (uint32_t i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>(options, factory, i));
  std::vector<Status> statuses(n);
  std::latch connected(n);
  std::atomic<int> go{0};  // 1 = run, 2 = give up (a connection failed)
  uint64_t start_ns = 0;
  uint64_t deadline_ns = 0;  // written before `go`, read after it
  std::mutex mu;
  std::condition_variable finished;
  uint32_t running = n;

  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Worker& worker = *workers[i];
      Status s =
          worker.Connect(static_cast<uint32_t>(SplitEvenly(options.connections, n, i).size()));
      if (!s.ok()) control->abort.store(true);
      connected.count_down();
      go.wait(0, std::memory_order_acquire);
      if (s.ok() && go.load(std::memory_order_acquire) == 1) {
        s = worker.Run(deadline_ns, control);
        if (!s.ok()) control->abort.store(true);
      }
      statuses[i] = std::move(s);
      std::lock_guard lock(mu);
      --running;
      finished.notify_all();
    });
  }

  connected.wait();
  if (!control->abort.load()) {
    start_ns = NowNs();
    if (options.bounded_by_time()) {
      deadline_ns = start_ns + static_cast<uint64_t>(options.duration_s * 1e9);
    }
    go.store(1, std::memory_order_release);
  } else {
    go.store(2, std::memory_order_release);
  }
  go.notify_all();

  if (go.load() == 1) {
    ProgressLine line(progress, options);
    std::unique_lock lock(mu);
    uint64_t next_ns = start_ns + kProgressIntervalNs;
    while (running > 0) {
      const uint64_t now = NowNs();
      if (now < next_ns) {
        finished.wait_for(lock, std::chrono::nanoseconds(next_ns - now));
        continue;
      }
      next_ns += kProgressIntervalNs;
      uint64_t completed = 0;
      uint64_t errors = 0;
      for (const auto& w : workers) {
        completed += w->completed();
        errors += w->errors();
      }
      line.Update(now - start_ns, completed, errors);
    }
    lock.unlock();
    line.Erase();
  }
  for (std::thread& t : threads) t.join();

  for (const Status& s : statuses) {
    if (!s.ok()) return s;
  }

  RunReport report;
  report.options = options;
  report.options.secret.clear();
  report.key_size = static_cast<uint32_t>(keys->key_size());
  report.interrupted = control->stop_issuing.load();
  uint64_t finish_ns = start_ns;
  for (const auto& w : workers) {
    finish_ns = std::max(finish_ns, w->finish_ns());
    for (size_t c = 0; c < kCommandCount; ++c) {
      report.commands[c].Merge(w->stats().commands[c]);
      report.total.Merge(w->stats().commands[c]);
    }
    if (report.first_error.empty()) report.first_error = w->stats().first_error;
  }
  report.duration_s = static_cast<double>(finish_ns - start_ns) / 1e9;
  return report;
}

}  // namespace memdb::bench
