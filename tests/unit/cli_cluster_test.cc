// memdb-cli's CLUSTER NODES / RING / INFO reports (clients/cli/cluster_report.h): the tables,
// the ring shares, --raw and --json, on a fixed ClusterView.
#include <gtest/gtest.h>

#include <string>

#include "clients/cli/cluster_report.h"
#include "clients/cli/output.h"
#include "memdb/cluster_info.h"

namespace memdb::cli {
namespace {

constexpr uint64_t kQuarter = uint64_t{1} << 62;

// Node 1 (answering) owns 3/4 of the ring with two tokens, node 2 a quarter with one; node 3
// is joining (no tokens in the ring) and down.
ClusterView SampleView() {
  ClusterView view;
  view.cluster_name = "prod";
  view.self_id = 1;
  view.ring_version = 7;
  ClusterNode a;
  a.id = 1;
  a.address = "127.0.0.1:7379";
  a.status = NodeStatus::kNormal;
  a.up = true;
  a.phi_milli = 250;
  a.generation = 3;
  a.heartbeat = 41;
  a.keys_held = 100;
  a.tokens = {3 * kQuarter, kQuarter};
  a.catchup = {CatchupPhase::kDone, 28, 28, 7};  // caught up: shown as "-"
  ClusterNode b;
  b.id = 2;
  b.address = "127.0.0.1:7380";
  b.status = NodeStatus::kNormal;
  b.up = true;
  b.generation = 1;
  b.heartbeat = 9;
  b.keys_held = 50;
  b.tokens = {2 * kQuarter};
  b.catchup = {CatchupPhase::kRunning, 12, 28, 5120};  // restarted, still catching up
  ClusterNode c;
  c.id = 3;
  c.address = "127.0.0.1:7381";
  c.status = NodeStatus::kJoining;
  c.up = false;
  c.phi_milli = UINT32_MAX;
  c.generation = 1;
  c.heartbeat = 2;
  c.tokens = {5};          // not in the ring while joining
  view.nodes = {b, c, a};  // any order: the reports sort
  return view;
}

std::string Human(const Reply& r) { return RenderReply(r, FormatOptions{}).out; }
std::string Raw(const Reply& r) {
  FormatOptions o;
  o.mode = OutputMode::kRaw;
  return RenderReply(r, o).out;
}
std::string Json(Reply r) {
  r.command = "CLUSTER";
  FormatOptions o;
  o.mode = OutputMode::kJson;
  return RenderReply(r, o).out;
}

TEST(CliCluster, NodesTable) {
  const Reply r = ClusterNodesReport(SampleView());
  EXPECT_EQ(Human(r),
            "   ID  ADDRESS         STATUS   STATE  GENERATION  HEARTBEAT  KEYS  TOKENS  PHI   "
            "CATCH-UP\n"
            "*  1   127.0.0.1:7379  normal   up     3           41         100   2       0.25  "
            "-\n"
            "   2   127.0.0.1:7380  normal   up     1           9          50    1       0.00  "
            "catching up 42% (12/28 ranges, 5,120 records)\n"
            "   3   127.0.0.1:7381  joining  down   1           2          0     1       inf   "
            "-\n"
            "(* = the node that answered: node 1; up/down and phi are its view)\n");
  EXPECT_EQ(Raw(r),
            "1\t127.0.0.1:7379\tnormal\tup\t3\t41\t100\t2\t0.25\tself\tdone\t28\t28\t7\n"
            "2\t127.0.0.1:7380\tnormal\tup\t1\t9\t50\t1\t0.00\t-\trunning\t12\t28\t5120\n"
            "3\t127.0.0.1:7381\tjoining\tdown\t1\t2\t0\t1\tinf\t-\tnone\t0\t0\t0\n");
  EXPECT_EQ(Json(r),
            "{\"ok\":true,\"command\":\"CLUSTER\",\"self_id\":1,\"nodes\":["
            "{\"id\":1,\"address\":\"127.0.0.1:7379\",\"status\":\"normal\",\"up\":true,"
            "\"self\":true,\"generation\":3,\"heartbeat\":41,\"keys_held\":100,\"tokens\":2,"
            "\"phi\":0.250,\"catchup\":{\"phase\":\"done\",\"ranges_done\":28,"
            "\"ranges_total\":28,\"records_applied\":7}},"
            "{\"id\":2,\"address\":\"127.0.0.1:7380\",\"status\":\"normal\",\"up\":true,"
            "\"self\":false,\"generation\":1,\"heartbeat\":9,\"keys_held\":50,\"tokens\":1,"
            "\"phi\":0.000,\"catchup\":{\"phase\":\"running\",\"ranges_done\":12,"
            "\"ranges_total\":28,\"records_applied\":5120}},"
            "{\"id\":3,\"address\":\"127.0.0.1:7381\",\"status\":\"joining\",\"up\":false,"
            "\"self\":false,\"generation\":1,\"heartbeat\":2,\"keys_held\":0,\"tokens\":1,"
            "\"phi\":null,\"catchup\":{\"phase\":\"none\",\"ranges_done\":0,"
            "\"ranges_total\":0,\"records_applied\":0}}]}\n");
}

TEST(CliCluster, RingSharesSumToTheWholeRing) {
  const std::vector<RingShare> shares = RingShares(SampleView());
  ASSERT_EQ(shares.size(), 2u);  // the joining node is not in the ring
  EXPECT_EQ(shares[0].node, 1u);
  EXPECT_EQ(shares[0].tokens, 2u);
  EXPECT_EQ(shares[0].positions, 3 * kQuarter);  // (3q, q] wrapping, and nothing else
  EXPECT_DOUBLE_EQ(shares[0].percent, 75.0);
  EXPECT_EQ(shares[1].node, 2u);
  EXPECT_EQ(shares[1].positions, kQuarter);
  EXPECT_DOUBLE_EQ(shares[1].percent, 25.0);
}

TEST(CliCluster, RingTable) {
  const Reply r = ClusterRingReport(SampleView(), /*list_tokens=*/false);
  EXPECT_EQ(Human(r),
            "NODE  ADDRESS         TOKENS  OWNS\n"
            "1     127.0.0.1:7379  2       75.00%\n"
            "2     127.0.0.1:7380  1       25.00%\n");
  EXPECT_EQ(Raw(r), "1\t127.0.0.1:7379\t2\t75.0000\n2\t127.0.0.1:7380\t1\t25.0000\n");
  EXPECT_EQ(Json(r),
            "{\"ok\":true,\"command\":\"CLUSTER\",\"ring\":["
            "{\"node\":1,\"address\":\"127.0.0.1:7379\",\"tokens\":2,\"share_percent\":75.0000},"
            "{\"node\":2,\"address\":\"127.0.0.1:7380\",\"tokens\":1,\"share_percent\":25.0000}"
            "]}\n");
}

TEST(CliCluster, RingTokensClockwise) {
  const Reply r = ClusterRingReport(SampleView(), /*list_tokens=*/true);
  EXPECT_EQ(Raw(r),
            "4611686018427387904\t1\t127.0.0.1:7379\n"
            "9223372036854775808\t2\t127.0.0.1:7380\n"
            "13835058055282163712\t1\t127.0.0.1:7379\n");
  EXPECT_NE(Human(r).find("TOKEN                 NODE  ADDRESS\n"), std::string::npos) << Human(r);
  EXPECT_NE(Json(r).find("{\"token\":\"13835058055282163712\",\"node\":1,"), std::string::npos);
}

TEST(CliCluster, OneNodeOwnsTheWholeRing) {
  ClusterView view;
  view.self_id = 4;
  ClusterNode n;
  n.id = 4;
  n.address = "h:1";
  n.status = NodeStatus::kNormal;
  n.up = true;
  n.tokens = {1, 2, 3};
  view.nodes = {n};
  const std::vector<RingShare> shares = RingShares(view);
  ASSERT_EQ(shares.size(), 1u);
  EXPECT_TRUE(shares[0].whole);
  EXPECT_DOUBLE_EQ(shares[0].percent, 100.0);
  EXPECT_NE(Human(ClusterRingReport(view, false)).find("100.00%"), std::string::npos);
}

TEST(CliCluster, EmptyRingSaysSo) {
  ClusterView view;
  view.self_id = 4;
  EXPECT_EQ(Human(ClusterRingReport(view, false)),
            "(the ring is empty: no node owns ranges yet)\n");
  EXPECT_EQ(Raw(ClusterRingReport(view, true)), "");
}

TEST(CliCluster, InfoSummary) {
  const Reply r = ClusterInfoReport(SampleView());
  EXPECT_EQ(Human(r),
            "cluster_name     prod\n"
            "answering_node   1 (127.0.0.1:7379)\n"
            "nodes            3\n"
            "nodes_up         2\n"
            "nodes_down       1\n"
            "nodes_in_ring    2\n"
            "ring_version     7\n"
            "keys_held_total  150\n");
  EXPECT_EQ(Json(r),
            "{\"ok\":true,\"command\":\"CLUSTER\",\"cluster_name\":\"prod\",\"self_id\":1,"
            "\"self_address\":\"127.0.0.1:7379\",\"nodes\":3,\"nodes_up\":2,\"nodes_down\":1,"
            "\"nodes_in_ring\":2,\"ring_version\":7,\"keys_held_total\":150}\n");
  EXPECT_EQ(Raw(r).substr(0, 18), "cluster_name\tprod\n");
}

TEST(CliCluster, HostileNamesAreEscapedForPeopleAndValidInJson) {
  ClusterView view = SampleView();
  view.cluster_name = "a\x1b[2Jb";
  view.nodes[0].address = "x\ty";
  const std::string info = Human(ClusterInfoReport(view));
  EXPECT_EQ(info.find('\x1b'), std::string::npos);
  EXPECT_NE(info.find("a\\x1b[2Jb"), std::string::npos);
  EXPECT_EQ(Raw(ClusterNodesReport(view)).find("x\ty"), std::string::npos);
  EXPECT_NE(Json(ClusterInfoReport(view)).find("\"cluster_name\":\"a\\u001b[2Jb\""),
            std::string::npos)
      << Json(ClusterInfoReport(view));
}

}  // namespace
}  // namespace memdb::cli
