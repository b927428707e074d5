// The real memdb binary, driven over raw sockets: handshake rules, limits, pipelining,
// concurrency and shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "integration/raw_connection.h"
#include "integration/server_process.h"
#include "protocol/messages.h"

namespace memdb::testing {
namespace {

using protocol::Opcode;

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerSpec spec = {}) {
    server_ = std::make_unique<ServerProcess>(std::move(spec));
    ASSERT_TRUE(server_->Start()) << server_->log();
  }
  std::unique_ptr<RawConnection> Authenticated() {
    auto conn = std::make_unique<RawConnection>();
    EXPECT_TRUE(conn->Connect(server_->port()));
    EXPECT_EQ(conn->Handshake(server_->spec().key_id, server_->spec().secret), Code::kOk);
    return conn;
  }
  static std::string Set(uint32_t id, std::string_view key, std::string_view value) {
    std::string f;
    protocol::AppendSetRequest(&f, id, 0, {key, value});
    return f;
  }
  static std::string Get(uint32_t id, std::string_view key) {
    std::string f;
    protocol::AppendKeyRequest(&f, Opcode::kGet, id, 0, key);
    return f;
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServerTest, DataRequestBeforeAuthGetsErrorThenClose) {
  StartServer();
  RawConnection conn;
  ASSERT_TRUE(conn.Connect(server_->port()));
  ASSERT_TRUE(conn.SendAll(Set(7, "k", "v")));
  auto reply = conn.Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->header.status, Code::kAuthRequired);
  EXPECT_EQ(reply->header.request_id, 7u);
  EXPECT_TRUE(conn.WaitClosed());
  // And nothing was written.
  auto good = Authenticated();
  ASSERT_TRUE(good->SendAll(Get(1, "k")));
  auto get = good->Read();
  ASSERT_TRUE(get.has_value());
  protocol::GetResult g;
  ASSERT_TRUE(protocol::ParseGetResponse(get->body, &g).ok());
  EXPECT_FALSE(g.found);
}

TEST_F(ServerTest, WrongKeyIsRefusedAndNoDataOperationIsPossible) {
  StartServer();
  RawConnection conn;
  ASSERT_TRUE(conn.Connect(server_->port()));
  EXPECT_EQ(conn.Handshake(server_->spec().key_id, "wrong-secret"), Code::kAuthFailed);
  // The server closes; a data request sent anyway is never applied.
  conn.SendAll(Set(3, "stolen", "v"));
  EXPECT_TRUE(conn.WaitClosed());
  auto good = Authenticated();
  ASSERT_TRUE(good->SendAll(Get(1, "stolen")));
  auto get = good->Read();
  ASSERT_TRUE(get.has_value());
  protocol::GetResult g;
  ASSERT_TRUE(protocol::ParseGetResponse(get->body, &g).ok());
  EXPECT_FALSE(g.found);
  EXPECT_EQ(server_->log().find("wrong-secret"), std::string::npos);
  EXPECT_EQ(server_->log().find(server_->spec().secret), std::string::npos);
}

TEST_F(ServerTest, OversizeFrameClosesOnlyThatConnection) {
  ServerSpec spec;
  spec.limits_yaml = "  max_frame_bytes: 65536\n  max_key_bytes: 1024\n  max_value_bytes: 32768\n";
  StartServer(spec);
  auto bystander = Authenticated();
  auto offender = Authenticated();
  // Only the header of a 1 MiB frame: refused before the body is read or buffered.
  std::string big = Set(9, "k", std::string(1 << 20, 'x'));
  ASSERT_TRUE(offender->SendAll(big.substr(0, protocol::kHeaderSize)));
  auto reply = offender->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->header.status, Code::kFrameTooLarge);
  EXPECT_TRUE(offender->WaitClosed());
  ASSERT_TRUE(bystander->SendAll(Set(5, "still", "served")));
  auto ok = bystander->Read();
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->header.status, Code::kOk);
}

TEST_F(ServerTest, ValueOverLimitIsAnErrorButConnectionStays) {
  ServerSpec spec;
  spec.limits_yaml = "  max_frame_bytes: 65536\n  max_key_bytes: 1024\n  max_value_bytes: 32768\n";
  StartServer(spec);
  auto conn = Authenticated();
  ASSERT_TRUE(conn->SendAll(Set(1, "k", std::string(40000, 'v')) + Set(2, "k", "small")));
  auto first = conn->Read();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->header.status, Code::kValueTooLarge);
  auto second = conn->Read();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->header.status, Code::kOk);
}

TEST_F(ServerTest, TenThousandPipelinedRequestsOnOneConnection) {
  StartServer();
  auto conn = Authenticated();
  constexpr uint32_t kSets = 5000;
  std::string batch;
  for (uint32_t i = 0; i < kSets; ++i) {
    batch += Set(10 + i, "key-" + std::to_string(i), "value-" + std::to_string(i * 7));
  }
  for (uint32_t i = 0; i < kSets; ++i) batch += Get(10 + kSets + i, "key-" + std::to_string(i));
  ASSERT_TRUE(conn->SendAll(batch));
  for (uint32_t i = 0; i < 2 * kSets; ++i) {
    auto reply = conn->Read();
    ASSERT_TRUE(reply.has_value()) << "reply " << i;
    ASSERT_EQ(reply->header.status, Code::kOk);
    ASSERT_EQ(reply->header.request_id, 10 + i);
    if (i >= kSets) {
      protocol::GetResult g;
      ASSERT_TRUE(protocol::ParseGetResponse(reply->body, &g).ok());
      ASSERT_TRUE(g.found);
      ASSERT_EQ(g.value, "value-" + std::to_string((i - kSets) * 7));
    }
  }
}

TEST_F(ServerTest, HundredConcurrentConnections) {
  StartServer();
  constexpr int kClients = 100;
  constexpr int kOps = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      RawConnection conn;
      if (!conn.Connect(server_->port()) ||
          conn.Handshake(server_->spec().key_id, server_->spec().secret) != Code::kOk) {
        ++failures;
        return;
      }
      for (int i = 0; i < kOps; ++i) {
        std::string key = "c" + std::to_string(c) + "-" + std::to_string(i);
        std::string value = std::to_string(c * 1000 + i);
        if (!conn.SendAll(Set(i * 2, key, value) + Get(i * 2 + 1, key))) {
          ++failures;
          return;
        }
        auto set = conn.Read();
        auto get = conn.Read();
        protocol::GetResult g;
        if (!set || !get || set->header.status != Code::kOk ||
            !protocol::ParseGetResponse(get->body, &g).ok() || !g.found || g.value != value) {
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(ServerTest, SigtermExitsZeroAfterAnsweringInFlightRequests) {
  StartServer();
  auto conn = Authenticated();
  std::string batch;
  for (uint32_t i = 0; i < 1000; ++i) batch += Set(i + 10, "k" + std::to_string(i), "v");
  ASSERT_TRUE(conn->SendAll(batch));
  auto first = conn->Read();  // the server has the batch
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  // Every request the server read before the signal was answered; then a clean close.
  uint32_t answered = 1;
  while (auto r = conn->Read(2000)) {
    EXPECT_EQ(r->header.status, Code::kOk);
    ++answered;
  }
  EXPECT_GT(answered, 0u);
  EXPECT_NE(server_->log().find("shutting down"), std::string::npos);
}

TEST_F(ServerTest, SigintAlsoExitsZero) {
  StartServer();
  auto conn = Authenticated();
  EXPECT_EQ(server_->Stop(SIGINT), 0) << server_->log();
}

TEST_F(ServerTest, SilentConnectionClosedAfterHandshakeTimeout) {
  ServerSpec spec;
  spec.server_yaml = "  handshake_timeout_ms: 300\n";
  StartServer(spec);
  RawConnection conn;
  ASSERT_TRUE(conn.Connect(server_->port()));
  EXPECT_TRUE(conn.WaitClosed(3000));
}

TEST_F(ServerTest, IdleAuthenticatedConnectionClosedAfterIdleTimeout) {
  ServerSpec spec;
  spec.server_yaml = "  idle_timeout_ms: 400\n";
  StartServer(spec);
  auto conn = Authenticated();
  EXPECT_TRUE(conn->WaitClosed(4000));
}

TEST_F(ServerTest, ConnectionsOverTheLimitAreRefused) {
  ServerSpec spec;
  spec.server_yaml = "  max_connections: 3\n";
  StartServer(spec);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(Authenticated());
  RawConnection extra;
  ASSERT_TRUE(extra.Connect(server_->port()));
  auto reply = extra.Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->header.status, Code::kTooManyConnections);
  EXPECT_EQ(reply->header.request_id, 0u);
  EXPECT_TRUE(extra.WaitClosed());
  held.pop_back();  // a slot frees up
  for (int attempt = 0; attempt < 50; ++attempt) {
    RawConnection again;
    ASSERT_TRUE(again.Connect(server_->port()));
    if (again.Handshake(server_->spec().key_id, server_->spec().secret) == Code::kOk) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL() << "no connection accepted after one closed";
}

}  // namespace
}  // namespace memdb::testing
