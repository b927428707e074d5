#include "nemesis.h"

#include <algorithm>
#include <sstream>

namespace memdb::sim {

namespace {

const char* KindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kMinority:
      return "minority";
    case FaultKind::kOneWay:
      return "one-way";
    case FaultKind::kBridge:
      return "bridge";
    case FaultKind::kHealNetwork:
      return "heal-network";
    case FaultKind::kConditions:
      return "conditions";
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kRestart:
      return "restart";
    case FaultKind::kPause:
      return "pause";
    case FaultKind::kResume:
      return "resume";
  }
  return "?";
}

std::string Group(const std::vector<size_t>& g) {
  std::string s = "{";
  for (size_t i = 0; i < g.size(); ++i) s += (i ? "," : "") + ("n" + std::to_string(g[i] + 1));
  return s + "}";
}

std::vector<size_t> Shuffled(Random& random, size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  for (size_t i = n; i > 1; --i) std::swap(v[i - 1], v[random.Uniform(i)]);
  return v;
}

// Random network conditions for the fault phase.
NetworkConditions RandomConditions(Random& random) {
  NetworkConditions c;
  switch (random.Uniform(3)) {
    case 0:
      c.latency = LatencyModel::Fixed(1 + random.Uniform(20));
      break;
    case 1:
      c.latency = LatencyModel::Uniform(1, 1 + random.Uniform(100));
      break;
    default:
      c.latency = LatencyModel::LongTail(1, 5, 0.01 * static_cast<double>(1 + random.Uniform(20)),
                                         100, 100 + random.Uniform(1400));
      break;
  }
  c.drop = 0.05 * static_cast<double>(random.Uniform(7));       // 0 .. 0.30
  c.duplicate = 0.05 * static_cast<double>(random.Uniform(5));  // 0 .. 0.20
  return c;
}

std::vector<size_t> Pick(const std::vector<bool>& in, size_t n) {
  std::vector<size_t> out;
  for (size_t i = 0; i < n; ++i) {
    if (in[i]) out.push_back(i);
  }
  return out;
}

}  // namespace

std::string Fault::Describe() const {
  std::ostringstream os;
  os << KindName(kind);
  switch (kind) {
    case FaultKind::kPartition:
    case FaultKind::kMinority:
      os << " " << Group(a) << " | " << Group(b);
      break;
    case FaultKind::kOneWay:
      os << " " << Group(a) << " -> " << Group(b) << " lost";
      break;
    case FaultKind::kBridge:
      os << " " << Group(a) << " | " << Group(b) << " bridged by n" << node + 1;
      break;
    case FaultKind::kConditions:
      os << " " << conditions.Describe();
      break;
    case FaultKind::kCrash:
    case FaultKind::kRestart:
    case FaultKind::kPause:
    case FaultKind::kResume:
      os << " n" << node + 1;
      break;
    case FaultKind::kHealNetwork:
      break;
  }
  return os.str();
}

NemesisPlan GenerateNemesis(Random& random, size_t n, const NemesisOptions& options) {
  NemesisPlan plan;
  std::vector<bool> running(n, true), paused(n, false), restarted(n, false);
  const uint64_t end = options.start_ms + options.duration_ms;
  uint64_t t = options.start_ms;
  for (;;) {
    t += options.min_gap_ms + random.Uniform(options.max_gap_ms - options.min_gap_ms + 1);
    if (t >= end) break;
    Fault f;
    f.at_ms = t;
    std::vector<size_t> up, crashed, stopped, unpaused;
    for (size_t i = 0; i < n; ++i) {
      if (!running[i]) crashed.push_back(i);
      if (running[i]) up.push_back(i);
      if (running[i] && paused[i]) stopped.push_back(i);
      if (running[i] && !paused[i]) unpaused.push_back(i);
    }
    const uint64_t roll = random.Uniform(100);
    if (roll < 30 && n >= 2) {
      std::vector<size_t> order = Shuffled(random, n);
      const uint64_t shape = random.Uniform(4);
      if (shape == 0) {
        size_t k = 1 + random.Uniform(n - 1);
        f.kind = FaultKind::kPartition;
        f.a.assign(order.begin(), order.begin() + k);
        f.b.assign(order.begin() + k, order.end());
      } else if (shape == 1) {
        size_t k = 1 + random.Uniform(std::max<size_t>(1, (n - 1) / 2));
        f.kind = FaultKind::kMinority;
        f.a.assign(order.begin(), order.begin() + k);
        f.b.assign(order.begin() + k, order.end());
      } else if (shape == 2) {
        size_t k = 1 + random.Uniform(n - 1);
        f.kind = FaultKind::kOneWay;
        f.a.assign(order.begin(), order.begin() + k);
        f.b.assign(order.begin() + k, order.end());
      } else if (n >= 3) {
        f.kind = FaultKind::kBridge;
        f.node = order[0];
        size_t k = 1 + random.Uniform(n - 2);
        f.a.assign(order.begin() + 1, order.begin() + 1 + k);
        f.b.assign(order.begin() + 1 + k, order.end());
      } else {
        f.kind = FaultKind::kHealNetwork;
      }
    } else if (roll < 40) {
      f.kind = FaultKind::kHealNetwork;
    } else if (roll < 55) {
      f.kind = FaultKind::kConditions;
      f.conditions = RandomConditions(random);
    } else if (roll < 70 && !up.empty()) {
      f.kind = FaultKind::kCrash;
      f.node = up[random.Uniform(up.size())];
      running[f.node] = false;
      paused[f.node] = false;
    } else if (roll < 85 && !crashed.empty()) {
      f.kind = FaultKind::kRestart;
      f.node = crashed[random.Uniform(crashed.size())];
      running[f.node] = true;
      restarted[f.node] = true;
    } else if (roll < 93 && !unpaused.empty()) {
      f.kind = FaultKind::kPause;
      f.node = unpaused[random.Uniform(unpaused.size())];
      paused[f.node] = true;
    } else if (!stopped.empty()) {
      f.kind = FaultKind::kResume;
      f.node = stopped[random.Uniform(stopped.size())];
      paused[f.node] = false;
    } else {
      continue;
    }
    plan.faults.push_back(std::move(f));
  }

  // The heal: network first, then paused nodes resume, crashed nodes restart — except up to
  // n - 2 of them, chosen at random among those not protected, that stay down.
  plan.heal_ms = end;
  Fault heal;
  heal.at_ms = end;
  heal.kind = FaultKind::kHealNetwork;
  plan.faults.push_back(heal);
  Fault calm;
  calm.at_ms = end;
  calm.kind = FaultKind::kConditions;
  calm.conditions = options.healed;
  plan.faults.push_back(calm);
  for (size_t i : Pick(paused, n)) {
    if (!running[i]) continue;
    Fault f;
    f.at_ms = end;
    f.kind = FaultKind::kResume;
    f.node = i;
    plan.faults.push_back(f);
  }
  size_t live = 0;
  for (size_t i = 0; i < n; ++i) live += running[i] ? 1 : 0;
  for (size_t i = 0; i < n; ++i) {
    if (running[i]) continue;
    const bool protected_node =
        std::find(options.never_kept_down.begin(), options.never_kept_down.end(), i) !=
        options.never_kept_down.end();
    // Keep it down with probability 1/2 while at least 2 nodes stay live... counted so far
    // plus those still to restart is not known yet; be conservative: the live ones so far.
    if (!protected_node && live >= 2 && plan.kept_down.size() + 2 < n && random.Uniform(2) == 0) {
      plan.kept_down.push_back(i);
      continue;
    }
    Fault f;
    f.at_ms = end;
    f.kind = FaultKind::kRestart;
    f.node = i;
    plan.faults.push_back(f);
    restarted[i] = true;
    ++live;
  }
  plan.restarted = Pick(restarted, n);
  // A node kept down may have been restarted earlier: not "restarted" for the rejoin check.
  std::erase_if(plan.restarted, [&](size_t i) {
    return std::find(plan.kept_down.begin(), plan.kept_down.end(), i) != plan.kept_down.end();
  });
  return plan;
}

void ApplyFault(SimCluster& cluster, const Fault& fault) {
  cluster.world().Log("nemesis " + fault.Describe());
  Network& net = cluster.network();
  auto endpoints = [&](const std::vector<size_t>& g) {
    std::vector<Network::EndpointId> out;
    for (size_t i : g) out.push_back(cluster.node(i).endpoint());
    return out;
  };
  switch (fault.kind) {
    case FaultKind::kPartition:
    case FaultKind::kMinority:
    case FaultKind::kBridge:
      net.Heal();
      net.Partition(endpoints(fault.a), endpoints(fault.b));
      break;
    case FaultKind::kOneWay:
      net.Heal();
      net.Block(endpoints(fault.a), endpoints(fault.b));
      break;
    case FaultKind::kHealNetwork:
      net.Heal();
      break;
    case FaultKind::kConditions:
      net.SetConditions(fault.conditions);
      break;
    case FaultKind::kCrash:
      cluster.Crash(fault.node);
      break;
    case FaultKind::kRestart:
      (void)cluster.Start(fault.node);  // a failure is recorded in cluster.violations()
      break;
    case FaultKind::kPause:
      cluster.Pause(fault.node);
      break;
    case FaultKind::kResume:
      cluster.Resume(fault.node);
      break;
  }
}

void ScheduleNemesis(SimCluster& cluster, const NemesisPlan& plan) {
  for (const Fault& f : plan.faults) {
    cluster.world().At(f.at_ms, kWorldOwner, "nemesis", [&cluster, f] { ApplyFault(cluster, f); });
  }
}

}  // namespace memdb::sim
