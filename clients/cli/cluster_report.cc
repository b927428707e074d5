#include "clients/cli/cluster_report.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "clients/cli/escape.h"
#include "clients/cpp/cluster_routing.h"
#include "cluster/ring.h"

namespace memdb::cli {
namespace {

std::string Phi(const ClusterNode& node) {
  if (node.phi_milli == UINT32_MAX) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", node.phi());
  return buf;
}

std::string PhiJson(const ClusterNode& node) {
  if (node.phi_milli == UINT32_MAX) return "null";  // infinite: JSON has no infinity
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", node.phi());
  return buf;
}

std::string Percent(double percent) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", percent);
  return buf;
}

std::string PercentJson(double percent) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", percent);
  return buf;
}

// Aligned columns, two spaces apart; the last column is not padded.
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - row[i].size() + 2, ' ');
    }
    out += '\n';
  }
  return out;
}

std::string Tsv(const std::vector<std::string>& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += '\t';
    out += row[i];
  }
  return out + "\n";
}

// 5120 -> "5,120".
std::string Grouped(uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "catching up 42% (12/28 ranges, 5,120 records)" while the node catches up, "-" otherwise.
std::string Catchup(const ClusterNode& node) {
  const CatchupProgress& c = node.catchup;
  if (!c.running()) return "-";
  return "catching up " + std::to_string(c.percent()) + "% (" + std::to_string(c.ranges_done) +
         "/" + std::to_string(c.ranges_total) + " ranges, " + Grouped(c.records_applied) +
         " records)";
}

std::string CatchupJson(const ClusterNode& node) {
  const CatchupProgress& c = node.catchup;
  return "{\"phase\":" + JsonString(std::string(CatchupPhaseName(c.phase))) +
         ",\"ranges_done\":" + std::to_string(c.ranges_done) +
         ",\"ranges_total\":" + std::to_string(c.ranges_total) +
         ",\"records_applied\":" + JsonU64(c.records_applied) + "}";
}

std::string Address(const ClusterView& view, NodeId id) {
  const ClusterNode* node = view.Find(id);
  return node == nullptr ? "?" : node->address;
}

}  // namespace

std::vector<RingShare> RingShares(const ClusterView& view) {
  const Ring ring = client_internal::BuildRing(view);
  const auto& tokens = ring.tokens();
  std::vector<RingShare> shares;
  auto share_of = [&shares](NodeId node) -> RingShare& {
    for (RingShare& s : shares) {
      if (s.node == node) return s;
    }
    shares.push_back(RingShare{node});
    return shares.back();
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    RingShare& share = share_of(tokens[i].second);
    ++share.tokens;
    // Token i owns (previous token, token i]: wrapping arithmetic covers the first token's
    // arc past 2^64 - 1. Equal tokens: the first (lowest node id) owns the arc, the rest none.
    const uint64_t previous = tokens[i == 0 ? tokens.size() - 1 : i - 1].first;
    share.positions += tokens[i].first - previous;
  }
  constexpr double kRingSize = 18446744073709551616.0;  // 2^64
  const bool one_node = shares.size() == 1;
  for (RingShare& share : shares) {
    if (one_node) {
      share.whole = true;
      share.percent = 100.0;
    } else {
      share.percent = static_cast<double>(share.positions) / kRingSize * 100.0;
    }
  }
  std::sort(shares.begin(), shares.end(), [](const RingShare& a, const RingShare& b) {
    if (a.whole != b.whole) return a.whole;
    if (a.positions != b.positions) return a.positions > b.positions;
    return a.node < b.node;
  });
  return shares;
}

Reply ClusterNodesReport(const ClusterView& view) {
  std::vector<ClusterNode> nodes = view.nodes;
  std::sort(nodes.begin(), nodes.end(),
            [](const ClusterNode& a, const ClusterNode& b) { return a.id < b.id; });
  std::vector<std::vector<std::string>> rows = {{"", "ID", "ADDRESS", "STATUS", "STATE",
                                                 "GENERATION", "HEARTBEAT", "KEYS", "TOKENS", "PHI",
                                                 "CATCH-UP"}};
  std::string raw;
  std::string json = "\"self_id\":" + std::to_string(view.self_id) + ",\"nodes\":[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const ClusterNode& n = nodes[i];
    const bool self = n.id == view.self_id;
    const std::string status(NodeStatusName(n.status));
    const std::string state = n.up ? "up" : "down";
    rows.push_back({self ? "*" : "", std::to_string(n.id), EscapeText(n.address), status, state,
                    std::to_string(n.generation), std::to_string(n.heartbeat),
                    std::to_string(n.keys_held), std::to_string(n.tokens.size()), Phi(n),
                    Catchup(n)});
    // The catch-up columns come last, after the self marker, so scripts reading the older
    // columns by position keep working.
    raw +=
        Tsv({std::to_string(n.id), EscapeText(n.address), status, state,
             std::to_string(n.generation), std::to_string(n.heartbeat), std::to_string(n.keys_held),
             std::to_string(n.tokens.size()), Phi(n), self ? "self" : "-",
             std::string(CatchupPhaseName(n.catchup.phase)), std::to_string(n.catchup.ranges_done),
             std::to_string(n.catchup.ranges_total), std::to_string(n.catchup.records_applied)});
    if (i > 0) json += ",";
    json += "{\"id\":" + std::to_string(n.id) + ",\"address\":" + JsonString(n.address) +
            ",\"status\":" + JsonString(status) + ",\"up\":" + JsonBool(n.up) +
            ",\"self\":" + JsonBool(self) + ",\"generation\":" + JsonU64(n.generation) +
            ",\"heartbeat\":" + JsonU64(n.heartbeat) + ",\"keys_held\":" + JsonU64(n.keys_held) +
            ",\"tokens\":" + std::to_string(n.tokens.size()) + ",\"phi\":" + PhiJson(n) +
            ",\"catchup\":" + CatchupJson(n) + "}";
  }
  json += "]";
  std::string human = Table(rows);
  human += "(* = the node that answered: node " + std::to_string(view.self_id) +
           "; up/down and phi are its view)\n";
  return Reply::Report(std::move(human), std::move(raw), std::move(json));
}

Reply ClusterRingReport(const ClusterView& view, bool list_tokens) {
  if (list_tokens) {
    const Ring ring = client_internal::BuildRing(view);
    std::vector<std::vector<std::string>> rows = {{"TOKEN", "NODE", "ADDRESS"}};
    std::string raw;
    std::string json = "\"tokens\":[";
    bool first = true;
    for (const auto& [token, node] : ring.tokens()) {
      const std::string address = Address(view, node);
      rows.push_back({std::to_string(token), std::to_string(node), EscapeText(address)});
      raw += Tsv({std::to_string(token), std::to_string(node), EscapeText(address)});
      if (!first) json += ",";
      first = false;
      json += "{\"token\":\"" + std::to_string(token) + "\",\"node\":" + std::to_string(node) +
              ",\"address\":" + JsonString(address) + "}";
    }
    json += "]";
    std::string human =
        ring.empty() ? "(the ring is empty: no node owns ranges yet)\n" : Table(rows);
    return Reply::Report(std::move(human), std::move(raw), std::move(json));
  }
  const std::vector<RingShare> shares = RingShares(view);
  std::vector<std::vector<std::string>> rows = {{"NODE", "ADDRESS", "TOKENS", "OWNS"}};
  std::string raw;
  std::string json = "\"ring\":[";
  for (size_t i = 0; i < shares.size(); ++i) {
    const RingShare& s = shares[i];
    const std::string address = Address(view, s.node);
    rows.push_back({std::to_string(s.node), EscapeText(address), std::to_string(s.tokens),
                    Percent(s.percent)});
    raw += Tsv({std::to_string(s.node), EscapeText(address), std::to_string(s.tokens),
                PercentJson(s.percent)});
    if (i > 0) json += ",";
    json += "{\"node\":" + std::to_string(s.node) + ",\"address\":" + JsonString(address) +
            ",\"tokens\":" + std::to_string(s.tokens) +
            ",\"share_percent\":" + PercentJson(s.percent) + "}";
  }
  json += "]";
  std::string human =
      shares.empty() ? "(the ring is empty: no node owns ranges yet)\n" : Table(rows);
  return Reply::Report(std::move(human), std::move(raw), std::move(json));
}

Reply ClusterInfoReport(const ClusterView& view) {
  size_t up = 0;
  uint64_t keys = 0;
  size_t in_ring = 0;
  for (const ClusterNode& n : view.nodes) {
    if (n.up) ++up;
    keys += n.keys_held;
    if (n.owns_ranges() && !n.tokens.empty()) ++in_ring;
  }
  const size_t down = view.nodes.size() - up;
  const std::string self_address = Address(view, view.self_id);
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"cluster_name", EscapeText(view.cluster_name)},
      {"answering_node", std::to_string(view.self_id) + " (" + EscapeText(self_address) + ")"},
      {"nodes", std::to_string(view.nodes.size())},
      {"nodes_up", std::to_string(up)},
      {"nodes_down", std::to_string(down)},
      {"nodes_in_ring", std::to_string(in_ring)},
      {"ring_version", std::to_string(view.ring_version)},
      {"keys_held_total", std::to_string(keys)},
  };
  std::vector<std::vector<std::string>> rows;
  std::string raw;
  for (const auto& [name, value] : fields) {
    rows.push_back({name, value});
    raw += Tsv({name, value});
  }
  std::string json =
      "\"cluster_name\":" + JsonString(view.cluster_name) +
      ",\"self_id\":" + std::to_string(view.self_id) +
      ",\"self_address\":" + JsonString(self_address) +
      ",\"nodes\":" + std::to_string(view.nodes.size()) + ",\"nodes_up\":" + std::to_string(up) +
      ",\"nodes_down\":" + std::to_string(down) + ",\"nodes_in_ring\":" + std::to_string(in_ring) +
      ",\"ring_version\":" + JsonU64(view.ring_version) + ",\"keys_held_total\":" + JsonU64(keys);
  return Reply::Report(Table(rows), std::move(raw), std::move(json));
}

}  // namespace memdb::cli
