// memdb::Client against the in-process fake server (client_fake_server.h): handshake,
// operations, pipelining and reply matching, the session clock, timeouts, broken connections.
#include "memdb/client.h"

#include <gtest/gtest.h>

#include "client_fake_server.h"

namespace memdb::client_test {
namespace {

// ---- Handshake ----

TEST(Client, ConnectAuthenticates) {
  FakeServer server;
  Client client(OptionsFor(server));
  EXPECT_FALSE(client.IsConnected());
  ASSERT_TRUE(client.Connect().ok());
  EXPECT_TRUE(client.IsConnected());
  EXPECT_EQ(server.authenticated(), 1);
  EXPECT_EQ(server.client_name(), "client-test");
  // Connect on a live connection is a no-op.
  ASSERT_TRUE(client.Connect().ok());
  EXPECT_EQ(server.connections(), 1);
  EXPECT_TRUE(client.Ping().ok());
}

TEST(Client, WrongSecretFailsWithServerMessage) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.secret = "not-the-secret";
  Client client(options);
  Status s = client.Connect();
  EXPECT_EQ(s.code(), Code::kAuthFailed) << s.ToString();
  EXPECT_EQ(s.message(), "unknown key id or bad MAC");
  EXPECT_FALSE(client.IsConnected());
  EXPECT_EQ(server.authenticated(), 0);
  // Requests report the same failure instead of hanging.
  EXPECT_EQ(client.Get("k").status().code(), Code::kAuthFailed);
}

TEST(Client, UnknownKeyIdFails) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.key_id = "someone-else";
  Client client(options);
  EXPECT_EQ(client.Connect().code(), Code::kAuthFailed);
}

TEST(Client, ConnectRefusedIsConnectionFailed) {
  uint16_t port;
  {
    FakeServer server;  // bind a port, then free it
    port = server.port();
  }
  ClientOptions options;
  options.port = port;
  options.key_id = kKeyId;
  options.secret = kSecret;
  Client client(options);
  Status s = client.Connect();
  EXPECT_EQ(s.code(), Code::kConnectionFailed) << s.ToString();
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(port)), std::string::npos);
  EXPECT_EQ(s.message().find(kSecret), std::string::npos);
}

TEST(Client, RequestsConnectLazily) {
  FakeServer server;
  Client client(OptionsFor(server));
  ASSERT_TRUE(client.Set("k", "v").ok());
  EXPECT_EQ(server.authenticated(), 1);
}

TEST(Client, NoLazyConnectWhenReconnectIsOff) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.reconnect = false;
  Client client(options);
  EXPECT_EQ(client.Get("k").status().code(), Code::kConnectionFailed);
  EXPECT_EQ(server.connections(), 0);
  ASSERT_TRUE(client.Connect().ok());
  EXPECT_TRUE(client.Get("k").ok());
}

// ---- Operations ----

TEST(Client, SetGetDelContains) {
  FakeServer server;
  Client client(OptionsFor(server));
  ASSERT_TRUE(client.Connect().ok());

  Result<std::optional<VersionedValue>> missing = client.Get("k");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->has_value());

  Result<Version> set = client.Set("k", "value");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->node_id, kNodeId);
  EXPECT_GT(set->timestamp, 0u);

  Result<std::optional<VersionedValue>> got = client.Get("k");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->value, "value");
  EXPECT_EQ((*got)->version, *set);

  Result<bool> contains = client.Contains("k");
  ASSERT_TRUE(contains.ok());
  EXPECT_TRUE(*contains);

  Result<bool> del = client.Del("k");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(*del);
  del = client.Del("k");
  ASSERT_TRUE(del.ok());
  EXPECT_FALSE(*del);

  contains = client.Contains("k");
  ASSERT_TRUE(contains.ok());
  EXPECT_FALSE(*contains);
}

TEST(Client, BinaryKeysAndValues) {
  FakeServer server;
  Client client(OptionsFor(server));
  const std::string key("a\0b", 3);
  const std::string value("\0\xff\x01 payload", 11);
  ASSERT_TRUE(client.Set(key, value).ok());
  Result<std::optional<VersionedValue>> got = client.Get(key);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, value);
  EXPECT_FALSE(client.Get(std::string("a")).value().has_value());
}

TEST(Client, ServerErrorKeepsCodeAndMessage) {
  FakeServer server;
  Client client(OptionsFor(server));
  const std::string big_key(kMaxKeyBytes + 1, 'k');
  Result<Version> set = client.Set(big_key, "v");
  EXPECT_EQ(set.status().code(), Code::kKeyTooLarge);
  EXPECT_EQ(set.status().message(), "key is 65 bytes");
  // A request-level error leaves the connection usable.
  EXPECT_TRUE(client.Set("k", "v").ok());
  EXPECT_EQ(server.connections(), 1);
}

TEST(Client, OversizeRequestRejectedBeforeSending) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.max_frame_bytes = 1024;
  Client client(options);
  ASSERT_TRUE(client.Connect().ok());
  Result<Version> set = client.Set("k", std::string(2000, 'v'));
  EXPECT_EQ(set.status().code(), Code::kInvalidArgument) << set.status().ToString();
  EXPECT_EQ(server.data_requests(), 0);
  EXPECT_TRUE(client.Set("k", std::string(900, 'v')).ok());
}

// ---- Pipelining and reply matching ----

TEST(Client, OutOfOrderRepliesMatchedById) {
  FakeServer server;
  Client client(OptionsFor(server));
  constexpr int kN = 8;
  for (int i = 0; i < kN; ++i) {
    ASSERT_TRUE(client.Set("key" + std::to_string(i), "value" + std::to_string(i)).ok());
  }
  server.set_hold(true);
  std::vector<std::future<Result<std::optional<VersionedValue>>>> gets;
  for (int i = 0; i < kN; ++i) gets.push_back(client.GetAsync("key" + std::to_string(i)));
  ASSERT_TRUE(WaitUntil([&] { return server.data_requests() == 2 * kN; }));
  server.Release(/*reverse=*/true);  // answers last-first
  for (int i = 0; i < kN; ++i) {
    ASSERT_TRUE(IsReady(gets[i]));
    Result<std::optional<VersionedValue>> got = gets[i].get();
    ASSERT_TRUE(got.ok() && got->has_value()) << i;
    EXPECT_EQ((*got)->value, "value" + std::to_string(i));
  }
}

TEST(Client, ManyAsyncRequestsInFlightFromManyThreads) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.request_timeout = 60000ms;  // not a timeout test; sanitizer builds are slow
  Client client(options);
  ASSERT_TRUE(client.Connect().ok());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::mutex first_failure_mu;
  std::string first_failure;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<Result<Version>>> sets;
      sets.reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) {
        const std::string n = std::to_string(t * kPerThread + i);
        sets.push_back(client.SetAsync("k" + n, "v" + n));
      }
      for (auto& f : sets) {
        Result<Version> r = f.get();
        if (!r.ok() && failures++ == 0) {
          std::lock_guard<std::mutex> lock(first_failure_mu);
          first_failure = r.status().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0) << first_failure;

  std::vector<std::future<Result<std::optional<VersionedValue>>>> gets;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    gets.push_back(client.GetAsync("k" + std::to_string(i)));
  }
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    Result<std::optional<VersionedValue>> got = gets[i].get();
    ASSERT_TRUE(got.ok() && got->has_value()) << i << ": " << got.status().ToString();
    ASSERT_EQ((*got)->value, "v" + std::to_string(i));
  }
  EXPECT_EQ(server.connections(), 1);
}

// ---- Session clock ----

TEST(Client, TracksHighestTimestampAndSendsIt) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.initial_timestamp = 50;
  Client client(options);
  EXPECT_EQ(client.last_seen_timestamp(), 50u);

  server.set_fixed_timestamp(5000);
  ASSERT_TRUE(client.Connect().ok());  // HELLO and AUTH replies carry 5000
  EXPECT_EQ(client.last_seen_timestamp(), 5000u);
  ASSERT_TRUE(client.Ping().ok());

  server.set_fixed_timestamp(3000);  // a node whose clock is behind: must not lower ours
  ASSERT_TRUE(client.Set("k", "v").ok());
  EXPECT_EQ(client.last_seen_timestamp(), 5000u);

  server.set_fixed_timestamp(9000);
  ASSERT_TRUE(client.Get("k").ok());
  EXPECT_EQ(client.last_seen_timestamp(), 9000u);

  client.ObserveTimestamp(12000);
  client.ObserveTimestamp(100);
  EXPECT_EQ(client.last_seen_timestamp(), 12000u);
  ASSERT_TRUE(client.Ping().ok());

  // HELLO, AUTH, PING, SET, GET, PING: each carries the highest timestamp seen before it.
  std::vector<Timestamp> sent = server.request_timestamps();
  EXPECT_EQ(sent, (std::vector<Timestamp>{50, 5000, 5000, 5000, 5000, 12000}));
}

TEST(Client, TimestampSurvivesReconnect) {
  FakeServer server;
  Client client(OptionsFor(server));
  server.set_fixed_timestamp(777);
  ASSERT_TRUE(client.Ping().ok());
  server.DropConnections();
  ASSERT_TRUE(WaitUntil([&] { return !client.IsConnected(); }));
  server.set_fixed_timestamp(1);
  ASSERT_TRUE(client.Ping().ok());
  EXPECT_EQ(server.request_timestamps()[2 + 1], 777u);  // the second HELLO
  EXPECT_EQ(client.last_seen_timestamp(), 777u);
}

// ---- Timeouts ----

TEST(Client, RequestWithoutReplyTimesOut) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.request_timeout = 150ms;
  Client client(options);
  ASSERT_TRUE(client.Connect().ok());
  server.set_silent(true);
  const auto start = std::chrono::steady_clock::now();
  auto async = client.GetAsync("a");
  Result<std::optional<VersionedValue>> got = client.Get("b");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(got.status().code(), Code::kTimeout) << got.status().ToString();
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 2000ms);
  // The async one was swept too, without anyone waiting on it with a timeout.
  ASSERT_TRUE(IsReady(async, 1000ms));
  EXPECT_EQ(async.get().status().code(), Code::kTimeout);

  // The connection survives a timeout. (Retried: on a loaded machine 150 ms is short.)
  server.set_silent(false);
  EXPECT_TRUE(client.IsConnected());
  Status ping;
  for (int i = 0; i < 10 && !(ping = client.Ping()).ok(); ++i) {
  }
  EXPECT_TRUE(ping.ok()) << ping.ToString();
  EXPECT_EQ(server.connections(), 1);
}

TEST(Client, LateReplyAfterTimeoutIsDropped) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.request_timeout = 1000ms;
  Client client(options);
  ASSERT_TRUE(client.Set("k", "v1").ok());
  server.set_hold(true);
  EXPECT_EQ(client.Get("k").status().code(), Code::kTimeout);
  // The late GET reply arrives just before the reply to this SET; ids keep them apart.
  auto set = client.SetAsync("k", "v2");
  ASSERT_TRUE(WaitUntil([&] { return server.data_requests() == 3; }));
  server.Release(/*reverse=*/false);
  server.set_hold(false);
  ASSERT_TRUE(IsReady(set));
  Result<Version> set_result = set.get();
  ASSERT_TRUE(set_result.ok()) << set_result.status().ToString();
  Result<std::optional<VersionedValue>> got = client.Get("k");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, "v2");
  EXPECT_EQ((*got)->version, *set_result);
  EXPECT_EQ(server.connections(), 1);
}

// ---- Broken connections and reconnecting ----

TEST(Client, BrokenConnectionFailsInFlightThenReconnects) {
  FakeServer server;
  Client client(OptionsFor(server));
  ASSERT_TRUE(client.Set("k", "v").ok());
  server.set_silent(true);
  std::vector<std::future<Result<std::optional<VersionedValue>>>> in_flight;
  for (int i = 0; i < 5; ++i) in_flight.push_back(client.GetAsync("k"));
  ASSERT_TRUE(WaitUntil([&] { return server.data_requests() == 6; }));

  server.DropConnections();
  for (auto& f : in_flight) {
    ASSERT_TRUE(IsReady(f, 2000ms));  // long before request_timeout
    Status s = f.get().status();
    EXPECT_EQ(s.code(), Code::kConnectionFailed) << s.ToString();
  }
  EXPECT_FALSE(client.IsConnected());

  server.set_silent(false);
  Result<std::optional<VersionedValue>> got = client.Get("k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)->value, "v");
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.authenticated(), 2);
  EXPECT_TRUE(client.IsConnected());
}

TEST(Client, ConnectionEndingErrorFailsEverythingInFlight) {
  FakeServer server;
  Client client(OptionsFor(server));
  ASSERT_TRUE(client.Connect().ok());
  server.set_hold(true);
  auto a = client.GetAsync("a");
  auto b = client.SetAsync("b", "v");
  ASSERT_TRUE(WaitUntil([&] { return server.data_requests() == 2; }));
  server.set_hold(false);

  Result<std::optional<VersionedValue>> fatal = client.Get(kFatalKey);
  EXPECT_EQ(fatal.status().code(), Code::kFrameTooLarge);
  EXPECT_EQ(fatal.status().message(), "pretend this frame was too large");
  ASSERT_TRUE(IsReady(a, 2000ms));
  ASSERT_TRUE(IsReady(b, 2000ms));
  Status sa = a.get().status();
  EXPECT_EQ(sa.code(), Code::kConnectionFailed);
  EXPECT_NE(sa.message().find("FRAME_TOO_LARGE"), std::string::npos) << sa.ToString();
  EXPECT_EQ(b.get().status().code(), Code::kConnectionFailed);

  EXPECT_TRUE(client.Ping().ok());
  EXPECT_EQ(server.connections(), 2);
}

TEST(Client, NoReconnectWhenDisabled) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.reconnect = false;
  Client client(options);
  ASSERT_TRUE(client.Connect().ok());
  server.DropConnections();
  ASSERT_TRUE(WaitUntil([&] { return !client.IsConnected(); }));
  EXPECT_EQ(client.Ping().code(), Code::kConnectionFailed);
  EXPECT_EQ(server.connections(), 1);
  ASSERT_TRUE(client.Connect().ok());
  EXPECT_TRUE(client.Ping().ok());
}

TEST(Client, CloseFailsInFlightAndNextCallReconnects) {
  FakeServer server;
  Client client(OptionsFor(server));
  ASSERT_TRUE(client.Connect().ok());
  server.set_silent(true);
  auto pending = client.PingAsync();
  ASSERT_TRUE(WaitUntil([&] { return server.data_requests() == 1; }));
  client.Close();
  ASSERT_TRUE(IsReady(pending, 1000ms));
  EXPECT_EQ(pending.get().code(), Code::kConnectionFailed);
  server.set_silent(false);
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_EQ(server.connections(), 2);
}

TEST(Client, DestructionCompletesOutstandingFutures) {
  FakeServer server;
  std::future<Result<Version>> pending;
  {
    Client client(OptionsFor(server));
    ASSERT_TRUE(client.Connect().ok());
    server.set_silent(true);
    pending = client.SetAsync("k", "v");
    ASSERT_TRUE(WaitUntil([&] { return server.data_requests() == 1; }));
  }
  ASSERT_TRUE(IsReady(pending, 0ms));
  EXPECT_EQ(pending.get().status().code(), Code::kConnectionFailed);
}

TEST(Client, ServerGoneAllRequestsFailFast) {
  auto server = std::make_unique<FakeServer>();
  ClientOptions options = OptionsFor(*server);
  Client client(options);
  ASSERT_TRUE(client.Connect().ok());
  server.reset();  // closes the listener and every connection
  ASSERT_TRUE(WaitUntil([&] { return !client.IsConnected(); }));
  std::vector<std::future<Status>> pings;
  for (int i = 0; i < 20; ++i) pings.push_back(client.PingAsync());
  for (auto& p : pings) {
    ASSERT_TRUE(IsReady(p, 3000ms));
    EXPECT_EQ(p.get().code(), Code::kConnectionFailed);
  }
}
}  // namespace
}  // namespace memdb::client_test
