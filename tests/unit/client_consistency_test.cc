// memdb::Client's per-request consistency level and deadline (the _CL opcodes) and REPAIR,
// against the in-process fake server (client_fake_server.h).
#include <gtest/gtest.h>

#include "client_fake_server.h"
#include "memdb/client.h"

namespace memdb::client_test {
namespace {

// ---- consistency levels and deadlines ----

RequestOptions Level(Consistency consistency, std::chrono::milliseconds deadline = 0ms) {
  RequestOptions options;
  options.consistency = consistency;
  options.deadline = deadline;
  return options;
}

TEST(ClientConsistency, DefaultOptionsSendThePlainOpcodes) {
  FakeServer server;
  Client client(OptionsFor(server));
  ASSERT_TRUE(client.Set("k", "v", RequestOptions()).ok());
  ASSERT_TRUE(client.Get("k", RequestOptions()).ok());
  ASSERT_TRUE(client.Del("k", RequestOptions()).ok());
  ASSERT_TRUE(client.Contains("k", RequestOptions()).ok());
  EXPECT_EQ(server.opcodes(), (std::vector<uint8_t>{0x11, 0x10, 0x12, 0x13}));
  EXPECT_TRUE(server.cl_options().empty());
}

TEST(ClientConsistency, LevelAndDeadlineGoOutWithTheClOpcodes) {
  FakeServer server;
  Client client(OptionsFor(server));
  Result<Version> set = client.Set("k", "v1", Level(Consistency::kAll, 250ms));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  Result<std::optional<VersionedValue>> got = client.Get("k", Level(Consistency::kQuorum));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->value, "v1");
  EXPECT_EQ((*got)->version, *set);
  Result<bool> has = client.Contains("k", Level(Consistency::kOne, 1ms));
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);
  // A deadline alone: the node's level, this deadline.
  Result<bool> del = client.Del("k", Level(Consistency::kDefault, 4294967295ms));
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_TRUE(*del);
  EXPECT_FALSE(*client.Contains("k", Level(Consistency::kOne)));

  EXPECT_EQ(server.opcodes(), (std::vector<uint8_t>{0x21, 0x20, 0x23, 0x22, 0x23}));
  const std::vector<protocol::RequestOptions> seen = server.cl_options();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].consistency, Consistency::kAll);
  EXPECT_EQ(seen[0].deadline_ms, 250u);
  EXPECT_EQ(seen[1].consistency, Consistency::kQuorum);
  EXPECT_EQ(seen[1].deadline_ms, 0u);
  EXPECT_EQ(seen[2].consistency, Consistency::kOne);
  EXPECT_EQ(seen[2].deadline_ms, 1u);
  EXPECT_EQ(seen[3].consistency, Consistency::kDefault);
  EXPECT_EQ(seen[3].deadline_ms, 4294967295u);
}

TEST(ClientConsistency, AsyncFormsPipeline) {
  FakeServer server;
  Client client(OptionsFor(server));
  const RequestOptions quorum = Level(Consistency::kQuorum, 100ms);
  auto set = client.SetAsync("a", "1", quorum);
  auto get = client.GetAsync("a", quorum);
  auto has = client.ContainsAsync("a", quorum);
  auto del = client.DelAsync("a", quorum);
  ASSERT_TRUE(set.get().ok());
  Result<std::optional<VersionedValue>> got = get.get();
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, "1");
  EXPECT_TRUE(*has.get());
  EXPECT_TRUE(*del.get());
}

TEST(ClientConsistency, UnavailableAndTimeoutCarryTheServersMessage) {
  FakeServer server;
  Client client(OptionsFor(server));
  server.set_cl_error(Status(Code::kUnavailable, "QUORUM needs 2 replicas, 1 up (node 3 down)"));
  Result<Version> set = client.Set("k", "v", Level(Consistency::kQuorum));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Code::kUnavailable);
  EXPECT_EQ(set.status().message(), "QUORUM needs 2 replicas, 1 up (node 3 down)");
  server.set_cl_error(
      Status(Code::kTimeout, "QUORUM not reached in time: 1 of 2 replicas answered"));
  Result<std::optional<VersionedValue>> got = client.Get("k", Level(Consistency::kQuorum, 50ms));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kTimeout);
  EXPECT_EQ(got.status().message(), "QUORUM not reached in time: 1 of 2 replicas answered");
  // Neither ends the connection.
  EXPECT_TRUE(client.IsConnected());
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_EQ(server.connections(), 1);
}

TEST(ClientConsistency, TheDeadlineOutlastsAShorterRequestTimeout) {
  // Regression guard: the client's own timeout (100 ms) must not cut short a request the node
  // may work on for 300 ms.
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.request_timeout = 100ms;
  options.deadline_margin = 1000ms;
  Client client(options);
  ASSERT_TRUE(client.Connect().ok());
  server.set_delay(300ms);
  Result<Version> set = client.Set("k", "v", Level(Consistency::kQuorum, 300ms));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  // Without a deadline the request timeout applies as before.
  Result<Version> plain = client.Set("k", "v");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().code(), Code::kTimeout);
  EXPECT_EQ(plain.status().message(), "SET: no reply within 100 ms");
}

TEST(ClientConsistency, NoReplyAfterDeadlinePlusMarginTimesOut) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.request_timeout = 20ms;
  options.deadline_margin = 100ms;
  Client client(options);
  ASSERT_TRUE(client.Connect().ok());
  server.set_silent(true);
  const auto start = std::chrono::steady_clock::now();
  Result<std::optional<VersionedValue>> got = client.Get("k", Level(Consistency::kAll, 50ms));
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kTimeout);
  EXPECT_EQ(got.status().message(), "GET_CL: no reply within 150 ms");
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 3000ms);
}

TEST(ClientConsistency, OutOfRangeOptionsFailBeforeSending) {
  FakeServer server;
  Client client(OptionsFor(server));
  ASSERT_TRUE(client.Connect().ok());
  Result<Version> negative = client.Set("k", "v", Level(Consistency::kOne, -1ms));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(negative.status().message(), "deadline of -1 ms is not between 0 and 4294967295 ms");
  Result<bool> too_long = client.Del("k", Level(Consistency::kOne, 4294967296ms));
  EXPECT_EQ(too_long.status().code(), Code::kInvalidArgument);
  Result<bool> bad_level = client.Contains("k", Level(static_cast<Consistency>(7)));
  ASSERT_FALSE(bad_level.ok());
  EXPECT_EQ(bad_level.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad_level.status().message().find("consistency level 7"), std::string::npos);
  EXPECT_TRUE(client.Ping().ok());
  EXPECT_EQ(server.opcodes(), (std::vector<uint8_t>{0x03}));  // only the PING went out
}

TEST(ClientConsistency, OversizeClRequestCountsThePrefix) {
  FakeServer server;
  ClientOptions options = OptionsFor(server);
  options.max_frame_bytes = 4 + kMaxKeyBytes;  // a plain GET of the largest key fits, a _CL not
  Client client(options);
  const std::string key(kMaxKeyBytes, 'k');
  Result<std::optional<VersionedValue>> plain = client.Get(key);
  EXPECT_TRUE(plain.ok()) << plain.status().ToString();
  Result<std::optional<VersionedValue>> cl = client.Get(key, Level(Consistency::kOne));
  ASSERT_FALSE(cl.ok());
  EXPECT_EQ(cl.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(cl.status().message(), "GET_CL request of 73 bytes exceeds max_frame_bytes (68)");
}

// ---- repair ----

TEST(ClientRepair, StartAndStatus) {
  FakeServer server;
  RepairProgress progress;
  progress.running = true;
  progress.run_id = 4;
  progress.ranges_total = 16;
  progress.ranges_done = 5;
  progress.keys_pulled = 9;
  progress.keys_pushed = 2;
  progress.bytes_transferred = 4096;
  progress.elapsed_ms = 1200;
  progress.last_error = "node 2: refused";
  server.set_repair_progress(progress);
  Client client(OptionsFor(server));
  Result<RepairProgress> started = client.Repair(RepairAction::kStart);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_TRUE(started->running);
  EXPECT_TRUE(started->started_now);
  EXPECT_EQ(started->run_id, 4u);
  EXPECT_EQ(started->ranges_total, 16u);
  EXPECT_EQ(started->ranges_done, 5u);
  EXPECT_EQ(started->keys_pulled, 9u);
  EXPECT_EQ(started->keys_pushed, 2u);
  EXPECT_EQ(started->bytes_transferred, 4096u);
  EXPECT_EQ(started->elapsed_ms, 1200u);
  EXPECT_EQ(started->last_error, "node 2: refused");
  Result<RepairProgress> status = client.RepairAsync(RepairAction::kStatus).get();
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->started_now);
  EXPECT_EQ(server.repair_actions(),
            (std::vector<RepairAction>{RepairAction::kStart, RepairAction::kStatus}));
}

TEST(ClientRepair, UnknownActionFailsBeforeSending) {
  FakeServer server;
  Client client(OptionsFor(server));
  Result<RepairProgress> r = client.Repair(static_cast<RepairAction>(3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(server.repair_actions().empty());
}

}  // namespace
}  // namespace memdb::client_test
