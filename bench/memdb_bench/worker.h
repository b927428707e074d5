// Worker — one thread's share of the connections, driven by its own epoll loop.
//
// Each connection keeps up to `pipeline` requests in flight. Whenever it has room (at start,
// and after every read that completed replies) the worker encodes the requests that fill the
// window into the connection's output buffer and sends them with one send() call; the steady
// clock is read once per batch, just before the send, and that is every request's start time.
// After each recv() the clock is read once; every reply completed by those bytes ends at that
// time. A reply's latency is end - start, recorded in the per-command histogram.
//
// Replies are matched to requests through a ring of in-flight entries in send order: RESP
// replies (no id) complete the oldest entry; memdb replies carry the request id, normally
// the oldest too, otherwise found by a scan of the (at most `pipeline`) entries.
//
// Steady state allocates nothing: buffers are reused, the receive buffer only grows when a
// single reply does not fit.
//
// Threading: Connect() and Run() are called from the worker's own thread; the progress
// counters are the only members other threads may read while it runs. stats() is for after
// Run() returns.
#ifndef MEMDB_BENCH_WORKER_H_
#define MEMDB_BENCH_WORKER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "memdb/status.h"
#include "memdb_bench/histogram.h"
#include "memdb_bench/options.h"
#include "memdb_bench/protocol_client.h"
#include "memdb_bench/workload.h"

namespace memdb::bench {

struct CommandStats {
  Histogram latency;     // nanoseconds, every reply (errors included)
  uint64_t replies = 0;  // requests answered
  uint64_t errors = 0;   // answered with an error reply
  uint64_t misses = 0;   // GET: answered "no value"

  void Merge(const CommandStats& other) {
    latency.Merge(other.latency);
    replies += other.replies;
    errors += other.errors;
    misses += other.misses;
  }
};

struct WorkerStats {
  std::array<CommandStats, kCommandCount> commands;  // indexed by Command
  std::string first_error;                           // "GET: <message>" of the first error reply
};

// Shared by the driver and all workers.
struct RunControl {
  std::atomic<bool> stop_issuing{false};  // e.g. SIGINT: send nothing new, drain, finish
  std::atomic<bool> abort{false};         // a worker failed: everyone stops at once
};

using ProtocolFactory = std::function<std::unique_ptr<ProtocolClient>()>;

class Worker {
 public:
  // Worker `index` of options.threads (its connections are numbered after those of the
  // workers before it, for messages).
  Worker(const Options& options, ProtocolFactory factory, uint32_t index);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens and authenticates this worker's connections. Errors: kInvalidArgument (workload),
  // kConnectionFailed, kAuthFailed — the message names the server and the reason.
  Status Connect(uint32_t connection_count);

  // Runs the load until this worker's share of --requests is answered, or `deadline_ns`
  // (NowNs() time, 0 = none) passes or control->stop_issuing is set and the in-flight
  // requests are answered; returns early when control->abort is set. Errors (the connection
  // broke, garbage from the server, no reply within --timeout): kConnectionFailed / kIoError.
  Status Run(uint64_t deadline_ns, const RunControl* control);

  // Progress, readable from any thread while Run() is going.
  uint64_t completed() const { return completed_.load(std::memory_order_relaxed); }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

  const WorkerStats& stats() const { return stats_; }
  uint64_t finish_ns() const { return finish_ns_; }

 private:
  struct InFlight {
    uint64_t sent_ns;
    uint32_t id;
    Command command;
    bool done;
  };
  struct Connection;

  Status HandleReadable(Connection* c);
  Status HandleWritable(Connection* c);
  Status Complete(Connection* c, const ParseResult& reply, uint64_t now_ns);
  Status Refill(Connection* c);
  Status Flush(Connection* c);
  Status SetWantWrite(Connection* c, bool want);
  Status Broken(const Connection* c, const std::string& what) const;

  const Options& options_;
  ProtocolFactory factory_;
  uint32_t index_;
  uint64_t remaining_;  // requests this worker may still send
  bool issuing_ = true;
  int epoll_fd_ = -1;
  std::unique_ptr<Workload> workload_;
  std::vector<std::unique_ptr<Connection>> connections_;
  uint64_t in_flight_ = 0;  // over all connections
  uint64_t completed_local_ = 0;
  uint64_t errors_local_ = 0;
  WorkerStats stats_;
  uint64_t finish_ns_ = 0;
  alignas(64) std::atomic<uint64_t> completed_{0};
  std::atomic<uint64_t> errors_{0};
};

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_WORKER_H_
