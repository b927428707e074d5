#include "invariants.h"

#include <sstream>

namespace memdb::sim {

using cluster::MemberStatus;
using cluster::MemberStatusName;

namespace {

// A member as compared across nodes: no heartbeat, no load figure, no versions.
struct Comparable {
  NodeId id;
  uint64_t generation;
  std::string address;
  MemberStatus status;
  std::vector<Token> tokens;
  bool operator==(const Comparable&) const = default;
};

std::vector<Comparable> ViewOf(cluster::Membership& p) {
  std::vector<Comparable> out;
  for (const cluster::MemberState& m : p.gossiper().Snapshot()) {
    out.push_back(Comparable{m.id, m.generation, m.address.value, m.status.value, m.tokens.value});
  }
  return out;
}

std::string Describe(const std::vector<Comparable>& view) {
  std::ostringstream os;
  os << "{";
  for (size_t i = 0; i < view.size(); ++i) {
    const Comparable& c = view[i];
    os << (i ? " " : "") << c.id << "@" << c.address << ":g" << c.generation << ":"
       << MemberStatusName(c.status) << ":" << c.tokens.size() << "t";
  }
  os << "}";
  return os.str();
}

}  // namespace

bool MembershipConverged(SimCluster& cluster, bool require_normal, std::string* why) {
  std::vector<size_t> live = cluster.LiveNodes();
  if (live.empty()) return true;
  cluster::Membership& first = *cluster.membership(live[0]);
  const std::vector<Comparable> reference = ViewOf(first);
  for (size_t i : live) {
    cluster::Membership& p = *cluster.membership(i);
    if (i != live[0]) {
      std::vector<Comparable> view = ViewOf(p);
      if (view != reference) {
        *why = "membership differs: " + cluster.node(live[0]).name() + " " + Describe(reference) +
               " vs " + cluster.node(i).name() + " " + Describe(view);
        return false;
      }
      if (p.gossiper().ring().tokens() != first.gossiper().ring().tokens()) {
        *why = "ring differs between " + cluster.node(live[0]).name() + " and " +
               cluster.node(i).name() + " though their memberships agree";
        return false;
      }
    }
    const NodeId id = cluster.identity(i).id;
    bool found = false;
    for (const Comparable& c : reference) {
      if (c.id != id) continue;
      found = true;
      if (require_normal && c.status != MemberStatus::kNormal) {
        *why = cluster.node(i).name() + " is still " + std::string(MemberStatusName(c.status));
        return false;
      }
    }
    if (!found) {
      *why = cluster.node(i).name() + " (id " + std::to_string(id) + ") missing from " +
             Describe(reference);
      return false;
    }
  }
  return true;
}

bool LiveNodesSeeEachOtherUp(SimCluster& cluster, std::string* why) {
  std::vector<size_t> live = cluster.LiveNodes();
  for (size_t i : live) {
    const cluster::Gossiper& g = cluster.membership(i)->gossiper();
    for (size_t j : live) {
      if (i == j) continue;
      if (!g.IsUp(cluster.identity(j).id)) {
        *why = cluster.node(i).name() + " sees " + cluster.node(j).name() + " down";
        return false;
      }
    }
  }
  return true;
}

bool AllSeeDown(SimCluster& cluster, size_t down, std::string* why) {
  const NodeId id = cluster.identity(down).id;
  for (size_t i : cluster.LiveNodes()) {
    const cluster::Gossiper& g = cluster.membership(i)->gossiper();
    if (g.Find(id) != nullptr && g.IsUp(id)) {
      *why = cluster.node(i).name() + " still sees crashed " + cluster.node(down).name() + " up";
      return false;
    }
  }
  return true;
}

bool AllSeeRejoined(SimCluster& cluster, size_t node, std::string* why) {
  const IdentityRecord& record = cluster.identity(node);
  for (size_t i : cluster.LiveNodes()) {
    if (i == node) continue;
    const cluster::Gossiper& g = cluster.membership(i)->gossiper();
    const cluster::MemberState* m = g.Find(record.id);
    const std::string who = cluster.node(i).name() + " sees " + cluster.node(node).name();
    if (m == nullptr) {
      *why = who + " not at all";
      return false;
    }
    if (m->generation != record.generation) {
      *why = who + " at generation " + std::to_string(m->generation) + ", not " +
             std::to_string(record.generation);
      return false;
    }
    if (m->tokens.value != record.tokens) {
      *why = who + " with other tokens (" + std::to_string(m->tokens.value.size()) + ")";
      return false;
    }
    if (!g.IsUp(record.id)) {
      *why = who + " down";
      return false;
    }
  }
  return true;
}

size_t NodesKnowing(SimCluster& cluster, NodeId id, const std::vector<Token>& tokens,
                    bool require_normal) {
  size_t n = 0;
  for (size_t i : cluster.LiveNodes()) {
    const cluster::MemberState* m = cluster.membership(i)->gossiper().Find(id);
    if (m == nullptr || m->tokens.value != tokens) continue;
    if (require_normal && m->status.value != MemberStatus::kNormal) continue;
    ++n;
  }
  return n;
}

}  // namespace memdb::sim
