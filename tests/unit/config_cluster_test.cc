// Tests for memdb_config's cluster.* and replication.* settings: defaults, list syntax,
// addresses, the cluster key, and the rules that tie replication to the tombstone grace.
#include "config_test_util.h"

namespace memdb::config_test {
namespace {

// ---- cluster -----------------------------------------------------------------------------------

TEST_F(ConfigTest, ClusterDefaults) {
  Result<CommandLine> result = Load({"--auth-enabled=false"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const ClusterConfig& c = result->config.cluster;
  EXPECT_EQ(c.name, "memdb");
  EXPECT_TRUE(c.seeds.empty());
  EXPECT_EQ(c.advertise, "");
  EXPECT_EQ(c.tokens_per_node, 256u);
  EXPECT_EQ(c.gossip_interval_ms, 1000u);
  EXPECT_EQ(c.phi_threshold, 8.0);
  EXPECT_EQ(c.peer_timeout_ms, 2000u);
  EXPECT_EQ(c.peer_connect_timeout_ms, 1000u);
}

TEST_F(ConfigTest, ClusterSeedsAreAYamlListOrACommaSeparatedEnvAndFlag) {
  std::string path =
      Write("memdb.yaml", "auth:\n  enabled: false\n  cluster_key: " + std::string(kSecret2) +
                              "\ncluster:\n  name: prod\n  seeds:\n    - a.example:7001\n"
                              "    - \"[::1]:7002\"\n  advertise: 10.0.0.5:7379\n"
                              "  tokens_per_node: 16\n  phi_threshold: 12.5\n");
  Result<CommandLine> result = Load({"-c", path});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.cluster.name, "prod");
  EXPECT_EQ(result->config.cluster.seeds,
            (std::vector<std::string>{"a.example:7001", "[::1]:7002"}));
  EXPECT_EQ(result->config.cluster.advertise, "10.0.0.5:7379");
  EXPECT_EQ(result->config.cluster.tokens_per_node, 16u);
  EXPECT_EQ(result->config.cluster.phi_threshold, 12.5);

  result = Load({"-c", path}, {{"MEMDB_CLUSTER_SEEDS", " b:1 , c:2,,"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.cluster.seeds, (std::vector<std::string>{"b:1", "c:2"}));

  result = Load({"-c", path, "--cluster-seeds", "d:3"}, {{"MEMDB_CLUSTER_SEEDS", "b:1"}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->config.cluster.seeds, (std::vector<std::string>{"d:3"}));

  // An empty env value clears the file's list.
  result = Load({"-c", path}, {{"MEMDB_CLUSTER_SEEDS", ""}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->config.cluster.seeds.empty());

  // The rendered list loads back (the redacted cluster key is given again by env).
  Result<CommandLine> again = Load({"-c", path, "--cluster-seeds", "x:1,y:2"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  std::string rendered = Write("rendered.yaml", RenderConfig(again->config));
  Result<CommandLine> back = Load({"-c", rendered}, {{"MEMDB_AUTH_CLUSTER_KEY", kSecret2}});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->config.cluster.seeds, (std::vector<std::string>{"x:1", "y:2"}));
}

TEST_F(ConfigTest, BadClusterAddressesAreNamed) {
  std::string message = LoadError({"--auth-enabled=false", "--cluster-seeds",
                                   "a:1,nope,b:0,c:99999", "--cluster-advertise", "host"});
  EXPECT_THAT(message, HasSubstr("cluster.seeds: \"nope\" is not host:port"));
  EXPECT_THAT(message, HasSubstr("cluster.seeds: \"b:0\""));
  EXPECT_THAT(message, HasSubstr("cluster.seeds: \"c:99999\""));
  EXPECT_THAT(message, Not(HasSubstr("\"a:1\"")));
  EXPECT_THAT(message, HasSubstr("cluster.advertise: \"host\" is not host:port"));

  message = LoadError({"--auth-enabled=false", "--cluster-tokens-per-node", "0"});
  EXPECT_THAT(message, HasSubstr("cluster.tokens_per_node: \"0\""));
  message = LoadError({"--auth-enabled=false", "--cluster-tokens-per-node", "4097"});
  EXPECT_THAT(message, HasSubstr("cluster.tokens_per_node: \"4097\""));
  message = LoadError({"--auth-enabled=false", "--cluster-phi-threshold", "-1"});
  EXPECT_THAT(message, HasSubstr("cluster.phi_threshold"));
}

TEST_F(ConfigTest, WildcardBindNeedsAnAdvertisedAddress) {
  std::string message = LoadError({"--auth-enabled=false", "--bind", "0.0.0.0"});
  EXPECT_THAT(message, HasSubstr("cluster.advertise must be set when server.bind is \"0.0.0.0\""));
  message = LoadError({"--auth-enabled=false", "--bind", "::"});
  EXPECT_THAT(message, HasSubstr("cluster.advertise must be set"));
  message = LoadError(
      {"--auth-enabled=false", "--bind", "0.0.0.0", "--cluster-advertise", "0.0.0.0:7379"});
  EXPECT_THAT(message, HasSubstr("wildcard address"));
  Result<CommandLine> result =
      Load({"--auth-enabled=false", "--bind", "0.0.0.0", "--cluster-advertise", "10.1.2.3:7379"});
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

TEST_F(ConfigTest, AdvertisedAddressMustFitGossip) {
  const std::string host(253, 'a');  // a valid host name, but with ":65535" 259 bytes
  std::string message = LoadError({"--auth-enabled=false", "--cluster-advertise", host + ":65535"});
  EXPECT_THAT(message, HasSubstr("gossip carries at most 256"));
  EXPECT_TRUE(
      Load({"--auth-enabled=false", "--cluster-advertise", host.substr(3) + ":1234"}).ok());  // 256
}

TEST_F(ConfigTest, SeedsWithAuthNeedTheClusterKey) {
  const std::string key = "--auth-client-key=ops:" + std::string(kSecret1);
  std::string message = LoadError({key, "--cluster-seeds", "a:1"});
  EXPECT_THAT(message, HasSubstr("cluster.seeds is set but auth.cluster_key is not"));
  EXPECT_TRUE(Load({key, "--cluster-seeds", "a:1"}, {{"MEMDB_AUTH_CLUSTER_KEY", kSecret2}}).ok());
  // Without auth no key is needed (peers are not authenticated either).
  EXPECT_TRUE(Load({"--auth-enabled=false", "--cluster-seeds", "a:1"}).ok());
}

TEST_F(ConfigTest, ClientKeyNamedClusterIsRefused) {
  std::string message = LoadError({"--auth-client-key=cluster:" + std::string(kSecret1)});
  EXPECT_THAT(message, HasSubstr("the key id \"cluster\" is reserved"));
  EXPECT_THAT(message, Not(HasSubstr(kSecret1)));
}

TEST_F(ConfigTest, ReplicationSettingsLoadWithTheirDefaults) {
  Result<CommandLine> loaded =
      Load({"--auth-enabled=false", "--replication-factor=5", "--replication-read-consistency=one",
            "--replication-hints-window-ms=60000"});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const ReplicationConfig& r = loaded->config.replication;
  EXPECT_EQ(r.factor, 5u);
  EXPECT_EQ(r.read_consistency, "one");
  EXPECT_EQ(r.write_consistency, "quorum");
  EXPECT_EQ(r.hints_window_ms, 60000u);
  EXPECT_TRUE(r.hints_enabled);
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--replication-write-consistency=most"}),
              HasSubstr("replication.write_consistency"));
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--replication-factor=0"}),
              HasSubstr("replication.factor"));
}

// A tombstone must outlive every way an older copy of its key can still travel.
TEST_F(ConfigTest, TombstoneGraceMustOutlastHintsAndAntiEntropy) {
  std::string message = LoadError({"--auth-enabled=false", "--oplog-tombstone-grace-ms=60000"});
  EXPECT_THAT(message, HasSubstr("replication.hints.window_ms (10800000) must be shorter than "
                                 "oplog.tombstone_grace_ms (60000)"));
  EXPECT_THAT(message, HasSubstr("replication.anti_entropy_interval_ms (3600000) must be shorter"));
  // Fine once both are shorter, or off.
  EXPECT_TRUE(
      Load({"--auth-enabled=false", "--oplog-tombstone-grace-ms=60000",
            "--replication-hints-window-ms=30000", "--replication-anti-entropy-interval-ms=0"})
          .ok());
  EXPECT_TRUE(
      Load({"--auth-enabled=false", "--oplog-tombstone-grace-ms=60000",
            "--replication-hints-enabled=false", "--replication-anti-entropy-interval-ms=50000"})
          .ok());
}

// A replica that crashes may have missed writes stamped up to a deadline before its last one.
TEST_F(ConfigTest, CatchupMarginMustCoverTheRequestDeadline) {
  EXPECT_THAT(LoadError({"--auth-enabled=false", "--replication-catchup-margin-ms=500"}),
              HasSubstr("replication.catchup.margin_ms (500) must be at least "
                        "replication.request_timeout_ms (2000)"));
  EXPECT_TRUE(Load({"--auth-enabled=false", "--replication-catchup-margin-ms=500",
                    "--replication-request-timeout-ms=500"})
                  .ok());
}

}  // namespace
}  // namespace memdb::config_test
