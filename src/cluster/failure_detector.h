// FailureDetector — a phi-accrual failure detector (Hayashibara et al., 2004): instead of a
// yes/no timeout it gives, for every node, a suspicion level phi that grows the longer the
// node's heartbeat is overdue relative to how regularly it has been arriving.
//
// The gossiper calls Report(node, now) whenever it learns a newer heartbeat of `node`. The
// inter-arrival times of the last `window` reports form the sample; the arrivals are modelled
// as exponential (as Cassandra does, robust to gossip's multi-hop jitter), so
//     phi(t) = (t / mean) * log10(e)        t = now - last report
// and a node is up while phi < threshold. With a 1 s gossip interval and threshold 8 a node
// that stops is convicted after about 18 s; intervals longer than `max_interval_ms` (a pause
// of ours, a partition; by default twice the gossip interval, as Cassandra does) are left out
// of the sample, so the mean stays at most max_interval_ms and a silent node is convicted
// within threshold / log10(e) * max_interval_ms (about 37 s at 1 s gossip) however bad the
// network was before.
//
// The mean is never taken below `min_interval_ms` (the gossip interval): a node's heartbeat is
// new at most once per its gossip round, so shorter samples are noise — the same round's
// heartbeat relayed by a third node and then heard directly, a few ms apart. Without the floor, a
// node first heard twice 9 ms apart would be convicted after 170 ms of ordinary silence (seen on
// a real three-node cluster: writes skipped a healthy replica right after the cluster formed).
// So a node that stops is never convicted sooner than threshold / log10(e) * min_interval_ms.
//
// A node never reported is down. Each node's detector is its own view: nothing here travels.
// Pure: time comes in as arguments (milliseconds of a monotonic clock).
#ifndef MEMDB_CLUSTER_FAILURE_DETECTOR_H_
#define MEMDB_CLUSTER_FAILURE_DETECTOR_H_

#include <cstdint>
#include <deque>
#include <unordered_map>

#include "memdb/version.h"

namespace memdb::cluster {

struct FailureDetectorOptions {
  double phi_threshold = 8.0;           // config: cluster.phi_threshold
  uint32_t window = 1000;               // inter-arrival samples kept per node
  uint64_t initial_interval_ms = 1000;  // assumed mean before the first two reports
  uint64_t max_interval_ms = 2000;      // longer gaps are not sampled (2 x gossip interval)
  uint64_t min_interval_ms = 1000;      // floor of the mean (the gossip interval); 0: none
};

class FailureDetector {
 public:
  explicit FailureDetector(FailureDetectorOptions options = {});

  // A newer heartbeat of `node` was learned at `now_ms`.
  void Report(NodeId node, uint64_t now_ms);
  // Suspicion of `node` at `now_ms`: 0 right after a report, growing with the delay;
  // +infinity for a node never reported.
  double Phi(NodeId node, uint64_t now_ms) const;
  bool IsUp(NodeId node, uint64_t now_ms) const {
    return Phi(node, now_ms) < options_.phi_threshold;
  }
  // Forgets `node` (it restarted with a new generation: its old rhythm says nothing, or it left).
  void Forget(NodeId node);

  const FailureDetectorOptions& options() const { return options_; }

 private:
  struct Arrivals {
    uint64_t last_ms = 0;
    std::deque<uint64_t> intervals;
    uint64_t sum = 0;  // of intervals
  };

  FailureDetectorOptions options_;
  std::unordered_map<NodeId, Arrivals> nodes_;
};

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_FAILURE_DETECTOR_H_
