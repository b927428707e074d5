// The C++ client library against the real memdb binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <map>
#include <string>
#include <vector>

#include "integration/server_process.h"
#include "memdb/client.h"

namespace memdb::testing {
namespace {

class ClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    ASSERT_TRUE(server_->Start()) << server_->log();
  }
  ClientOptions Options() const {
    ClientOptions o;
    o.host = "127.0.0.1";
    o.port = server_->port();
    o.key_id = server_->spec().key_id;
    o.secret = server_->spec().secret;
    o.request_timeout = std::chrono::milliseconds(10000);
    return o;
  }
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ClientIntegrationTest, Crud) {
  Client client(Options());
  ASSERT_TRUE(client.Connect().ok());
  ASSERT_TRUE(client.Ping().ok());

  auto missing = client.Get("user:1");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());
  auto contains = client.Contains("user:1");
  ASSERT_TRUE(contains.ok());
  EXPECT_FALSE(*contains);

  auto v1 = client.Set("user:1", "alice");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  auto got = client.Get("user:1");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->value, "alice");
  EXPECT_EQ((*got)->version, *v1);

  auto v2 = client.Set("user:1", "bob");
  ASSERT_TRUE(v2.ok());
  EXPECT_GT(*v2, *v1);
  EXPECT_EQ(client.Get("user:1")->value().value, "bob");
  EXPECT_TRUE(*client.Contains("user:1"));

  auto del = client.Del("user:1");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(*del);
  EXPECT_FALSE(client.Get("user:1")->has_value());
  EXPECT_FALSE(*client.Del("user:1"));

  std::string binary("\0\xff\x01 key", 7);
  std::string value("\0\0\xfe value", 9);
  ASSERT_TRUE(client.Set(binary, value).ok());
  EXPECT_EQ(client.Get(binary)->value().value, value);
}

TEST_F(ClientIntegrationTest, StatsCountKeysAndConnections) {
  Client client(Options());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(client.Set("s" + std::to_string(i), "v").ok());
  auto stats = client.Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  std::map<std::string, uint64_t> by_name(stats->begin(), stats->end());
  EXPECT_EQ(by_name["keys"], 10u);
  EXPECT_EQ(by_name["connections_open"], 1u);
  EXPECT_GE(by_name["connections_accepted"], 1u);
  EXPECT_GE(by_name["store_record_bytes"], 10u * (20 + 2 + 1));  // header + key + value each
}

TEST_F(ClientIntegrationTest, WrongSecretGivesAuthErrorAndNoDataOperation) {
  ClientOptions bad = Options();
  bad.secret = "definitely-not-the-secret";
  Client intruder(bad);
  Status s = intruder.Connect();
  EXPECT_EQ(s.code(), Code::kAuthFailed) << s.ToString();
  auto set = intruder.Set("owned", "x");
  EXPECT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Code::kAuthFailed) << set.status().ToString();

  Client good(Options());
  auto got = good.Get("owned");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_FALSE(got->has_value());
}

TEST_F(ClientIntegrationTest, UnknownKeyIdGivesAuthError) {
  ClientOptions bad = Options();
  bad.key_id = "nobody";
  Client intruder(bad);
  EXPECT_EQ(intruder.Connect().code(), Code::kAuthFailed);
}

TEST_F(ClientIntegrationTest, TenThousandPipelinedAsyncRequests) {
  Client client(Options());
  ASSERT_TRUE(client.Connect().ok());
  constexpr int kCount = 5000;
  std::vector<std::future<Result<Version>>> sets;
  for (int i = 0; i < kCount; ++i) {
    sets.push_back(client.SetAsync("p" + std::to_string(i), "v" + std::to_string(i)));
  }
  std::vector<std::future<Result<std::optional<VersionedValue>>>> gets;
  for (int i = 0; i < kCount; ++i) gets.push_back(client.GetAsync("p" + std::to_string(i)));
  for (auto& f : sets) ASSERT_TRUE(f.get().ok());
  for (int i = 0; i < kCount; ++i) {
    auto r = gets[i].get();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->has_value());
    ASSERT_EQ((*r)->value, "v" + std::to_string(i));
  }
}

TEST_F(ClientIntegrationTest, ServerErrorsComeBackAsStatus) {
  Client client(Options());
  auto r = client.Set(std::string(70 * 1024, 'k'), "v");  // over the 64 KiB key limit
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kKeyTooLarge) << r.status().ToString();
  EXPECT_TRUE(client.Ping().ok());  // the connection survived
}

TEST_F(ClientIntegrationTest, TracksAndSendsSessionTimestamp) {
  Client client(Options());
  ASSERT_TRUE(client.Connect().ok());
  auto v1 = client.Set("k", "1");
  ASSERT_TRUE(v1.ok());
  EXPECT_GE(client.last_seen_timestamp(), v1->timestamp);
  // Another node's clock, seen elsewhere, 2 s ahead: the next write must order after it.
  const Timestamp ahead = client.last_seen_timestamp() + (Timestamp{2000} << kHlcLogicalBits);
  client.ObserveTimestamp(ahead);
  auto v2 = client.Set("k", "2");
  ASSERT_TRUE(v2.ok());
  EXPECT_GT(v2->timestamp, ahead);
}

TEST_F(ClientIntegrationTest, ReconnectsAfterServerRestart) {
  Client client(Options());
  ASSERT_TRUE(client.Set("a", "1").ok());
  const uint16_t port = server_->port();
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  auto during = client.Get("a");
  EXPECT_FALSE(during.ok());
  EXPECT_EQ(during.status().code(), Code::kConnectionFailed) << during.status().ToString();

  // A fresh process on the same port (in-memory data is gone until persistence lands).
  server_ = std::make_unique<ServerProcess>();
  ASSERT_TRUE(server_->StartOnPort(port)) << server_->log();
  auto after = client.Set("b", "2");
  EXPECT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(client.IsConnected());
}

}  // namespace
}  // namespace memdb::testing
