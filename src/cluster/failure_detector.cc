#include "cluster/failure_detector.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace memdb::cluster {

namespace {

// log10(e): phi = -log10(P(no heartbeat for t)) = -log10(exp(-t / mean)) = (t / mean) log10(e).
constexpr double kLog10E = 0.4342944819032518;

}  // namespace

FailureDetector::FailureDetector(FailureDetectorOptions options) : options_(options) {
  if (options_.window == 0) options_.window = 1;
  if (options_.initial_interval_ms == 0) options_.initial_interval_ms = 1;
}

void FailureDetector::Report(NodeId node, uint64_t now_ms) {
  auto [it, inserted] = nodes_.try_emplace(node);
  Arrivals& a = it->second;
  if (inserted) {
    a.last_ms = now_ms;
    return;
  }
  // A monotonic clock never goes back; if a caller's does, keep the later arrival and sample
  // nothing rather than an absurd interval.
  if (now_ms < a.last_ms) return;
  const uint64_t interval = now_ms - a.last_ms;
  a.last_ms = now_ms;
  // A gap longer than max_interval_ms is an outage (ours or theirs), not the node's rhythm.
  if (interval > options_.max_interval_ms) return;
  a.intervals.push_back(interval);
  a.sum += interval;
  while (a.intervals.size() > options_.window) {
    a.sum -= a.intervals.front();
    a.intervals.pop_front();
  }
}

double FailureDetector::Phi(NodeId node, uint64_t now_ms) const {
  auto it = nodes_.find(node);
  if (it == nodes_.end()) return std::numeric_limits<double>::infinity();
  const Arrivals& a = it->second;
  const double t = now_ms > a.last_ms ? static_cast<double>(now_ms - a.last_ms) : 0.0;
  double mean = a.intervals.empty()
                    ? static_cast<double>(options_.initial_interval_ms)
                    : static_cast<double>(a.sum) / static_cast<double>(a.intervals.size());
  // Never faster than heartbeats can be new (the header); and several reports within the same
  // millisecond would give a mean of 0 (an infinite phi the moment any time passes).
  mean = std::max({mean, static_cast<double>(options_.min_interval_ms), 1.0});
  return (t / mean) * kLog10E;
}

void FailureDetector::Forget(NodeId node) { nodes_.erase(node); }

}  // namespace memdb::cluster
