// memdb::Client against an in-process fake server: a listening socket on 127.0.0.1 and a
// thread per connection that speaks protocol v1 through the codec, answers from a std::map,
// and can be told to stay silent, delay, reorder its replies, stamp chosen timestamps, or drop
// its connections.
#include "memdb/client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth/hmac.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb {
namespace {

using namespace std::chrono_literals;
using protocol::Opcode;

constexpr char kKeyId[] = "test-client";
constexpr char kSecret[] = "s3cret-for-tests";
constexpr NodeId kNodeId = 7;
constexpr size_t kMaxKeyBytes = 64;    // the fake server's key limit
constexpr char kFatalKey[] = "fatal";  // the fake server answers it with FRAME_TOO_LARGE

// ---- FakeServer ----

class FakeServer {
 public:
  FakeServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      ADD_FAILURE() << "fake server cannot listen";
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~FakeServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    DropConnections();
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      threads.swap(threads_);
    }
    for (std::thread& t : threads) t.join();
  }

  uint16_t port() const { return port_; }

  // ---- knobs ----
  // Swallow data requests (no reply) while set.
  void set_silent(bool silent) { silent_ = silent; }
  // Sleep this long before answering each data request.
  void set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  // Keep replies to data requests instead of sending them, until Release.
  void set_hold(bool hold) { hold_ = hold; }
  // Sends the held replies, in one write, the last one received first when `reverse`.
  void Release(bool reverse) {
    std::lock_guard<std::mutex> lock(mu_);
    if (reverse) std::reverse(held_.begin(), held_.end());
    std::map<int, std::string> out;
    for (auto& [fd, reply] : held_) out[fd].append(reply);
    for (auto& [fd, bytes] : out) {
      if (open_fds_.count(fd) != 0) WriteAll(fd, bytes);
    }
    held_.clear();
  }
  // Stamp every reply with `ts` instead of the HLC rule max(own, received) + 1.
  void set_fixed_timestamp(std::optional<Timestamp> ts) {
    std::lock_guard<std::mutex> lock(mu_);
    fixed_ts_ = ts;
  }
  // Answer every _CL request with this error instead of serving it (nullopt: serve it).
  void set_cl_error(std::optional<Status> error) {
    std::lock_guard<std::mutex> lock(mu_);
    cl_error_ = std::move(error);
  }
  // What REPAIR answers (started_now is set from the action).
  void set_repair_progress(const RepairProgress& progress) {
    std::lock_guard<std::mutex> lock(mu_);
    repair_progress_ = progress;
  }
  // Close every open connection (the server keeps accepting new ones).
  void DropConnections() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }

  // ---- observations ----
  int connections() const { return connections_; }
  int authenticated() const { return authenticated_; }
  int data_requests() const { return data_requests_; }
  std::string client_name() {
    std::lock_guard<std::mutex> lock(mu_);
    return client_name_;
  }
  // Opcodes of the data requests received, in arrival order.
  std::vector<uint8_t> opcodes() {
    std::lock_guard<std::mutex> lock(mu_);
    return opcodes_;
  }
  // The prefixes of the _CL requests received, in arrival order.
  std::vector<protocol::RequestOptions> cl_options() {
    std::lock_guard<std::mutex> lock(mu_);
    return cl_options_;
  }
  // The actions of the REPAIR requests received.
  std::vector<RepairAction> repair_actions() {
    std::lock_guard<std::mutex> lock(mu_);
    return repair_actions_;
  }
  // Header timestamps of every request received, in arrival order (handshake included).
  std::vector<Timestamp> request_timestamps() {
    std::lock_guard<std::mutex> lock(mu_);
    return request_ts_;
  }

 private:
  struct Session {
    bool hello_done = false;
    bool authed = false;
    std::string nonce = std::string(protocol::kNonceSize, 'n');
  };

  void AcceptLoop() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      ++connections_;
      open_fds_.insert(fd);
      threads_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  static void WriteAll(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  void Serve(int fd) {
    Session session;
    std::string in;
    char buf[64 << 10];
    bool open = true;
    while (open) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
      size_t off = 0;
      while (open) {
        protocol::DecodeResult r =
            protocol::DecodeFrame(std::string_view(in).substr(off), limits_, false);
        if (r.status == protocol::DecodeStatus::kNeedMore) break;
        if (r.status == protocol::DecodeStatus::kError) {
          ADD_FAILURE() << "fake server got a bad frame: " << r.error_message;
          open = false;
          break;
        }
        off += r.consumed;
        std::string out;
        open = Handle(fd, r.frame, &session, &out);
        if (!out.empty()) {
          std::lock_guard<std::mutex> lock(mu_);
          WriteAll(fd, out);
        }
      }
      in.erase(0, off);
    }
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(fd);
    ::close(fd);
  }

  Timestamp NextTimestamp(Timestamp received) {
    std::lock_guard<std::mutex> lock(mu_);
    request_ts_.push_back(received);
    if (fixed_ts_) return *fixed_ts_;
    clock_ = std::max(clock_, received) + 1;
    return clock_;
  }

  // Appends the reply (if any) to `out`; false closes the connection.
  bool Handle(int fd, const protocol::Frame& frame, Session* s, std::string* out) {
    const uint32_t id = frame.header.request_id;
    const Timestamp ts = NextTimestamp(frame.header.timestamp);
    const auto opcode = static_cast<Opcode>(frame.header.opcode);
    if (!s->hello_done) {
      protocol::HelloRequest hello;
      if (opcode != Opcode::kHello || !protocol::ParseHelloRequest(frame.body, &hello).ok()) {
        protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, Code::kProtocolViolation,
                                      "expected HELLO");
        return false;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        client_name_ = std::string(hello.client_name);
      }
      s->hello_done = true;
      protocol::Challenge challenge;
      challenge.server_name = "fake 0.0";
      challenge.nonce = s->nonce;
      protocol::AppendChallenge(out, id, ts, challenge);
      return true;
    }
    if (!s->authed) {
      protocol::AuthRequest auth;
      if (opcode != Opcode::kAuth || !protocol::ParseAuthRequest(frame.body, &auth).ok()) {
        protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, Code::kProtocolViolation,
                                      "expected AUTH");
        return false;
      }
      if (auth.key_id != kKeyId ||
          !auth::ConstantTimeEquals(auth.mac, auth::ComputeAuthMac(kSecret, s->nonce, kKeyId))) {
        protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, Code::kAuthFailed,
                                      "unknown key id or bad MAC");
        return false;
      }
      s->authed = true;
      ++authenticated_;
      protocol::AppendEmptyResponse(out, Opcode::kAuth, id, ts);
      return true;
    }

    // Counted once the request is fully handled (answered, held or dropped), so a test that
    // saw the count can rely on Release finding the reply.
    struct CountOnExit {
      std::atomic<int>* n;
      ~CountOnExit() { ++*n; }
    } count{&data_requests_};
    {
      std::lock_guard<std::mutex> lock(mu_);
      opcodes_.push_back(frame.header.opcode);
    }
    if (silent_) return true;
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    std::string reply;
    Answer(frame, ts, &reply);
    if (hold_) {
      std::lock_guard<std::mutex> lock(mu_);
      held_.emplace_back(fd, std::move(reply));
      return true;
    }
    out->append(reply);
    return true;
  }

  void Answer(const protocol::Frame& frame, Timestamp ts, std::string* out) {
    const uint32_t id = frame.header.request_id;
    const auto opcode = static_cast<Opcode>(frame.header.opcode);
    if (protocol::IsConsistencyOpcode(frame.header.opcode)) {
      // As a lone node does: the plain request's reply, under the _CL opcode.
      protocol::RequestOptions options;
      std::string_view rest;
      Status parsed = protocol::ParseConsistencyPrefix(frame.body, &options, &rest);
      std::optional<Status> error;
      {
        std::lock_guard<std::mutex> lock(mu_);
        cl_options_.push_back(options);
        error = cl_error_;
      }
      if (!parsed.ok()) error = parsed;
      if (error) {
        protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, error->code(),
                                      error->message());
        return;
      }
      protocol::Frame plain = frame;
      plain.header.opcode = static_cast<uint8_t>(protocol::PlainKeyOpcode(frame.header.opcode));
      plain.body = rest;
      const size_t start = out->size();
      Answer(plain, ts, out);
      (*out)[start + 3] = static_cast<char>(frame.header.opcode);
      return;
    }
    if (opcode == Opcode::kRepair) {
      RepairAction action = RepairAction::kStatus;
      Status parsed = protocol::ParseRepairRequest(frame.body, &action);
      if (!parsed.ok()) {
        protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, parsed.code(),
                                      parsed.message());
        return;
      }
      std::lock_guard<std::mutex> lock(mu_);
      repair_actions_.push_back(action);
      RepairProgress progress = repair_progress_;
      progress.started_now = action == RepairAction::kStart;
      protocol::AppendRepairResponse(out, id, ts, progress);
      return;
    }
    std::string_view key;
    protocol::SetRequest set;
    Status parsed;
    switch (opcode) {
      case Opcode::kPing:
        protocol::AppendPingResponse(out, id, ts, {});
        return;
      case Opcode::kSet:
        parsed = protocol::ParseSetRequest(frame.body, limits_, &set);
        key = set.key;
        break;
      default:
        parsed = protocol::ParseKeyRequest(frame.body, limits_, &key);
        break;
    }
    if (parsed.ok() && key == kFatalKey) {
      // A code after which a real server closes the connection; this one leaves it open, so
      // the client must drop it by itself.
      parsed = Status(Code::kFrameTooLarge, "pretend this frame was too large");
    }
    if (parsed.ok() && key.size() > kMaxKeyBytes) {
      parsed = Status(Code::kKeyTooLarge, "key is " + std::to_string(key.size()) + " bytes");
    }
    if (!parsed.ok()) {
      protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, parsed.code(),
                                    parsed.message());
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto it = store_.find(std::string(key));
    const Version version{ts, kNodeId};
    switch (opcode) {
      case Opcode::kGet: {
        protocol::GetResult got;
        if (it != store_.end()) {
          got.found = true;
          got.value = it->second.value;
          got.version = it->second.version;
        }
        protocol::AppendGetResponse(out, id, ts, got);
        return;
      }
      case Opcode::kSet:
        store_[std::string(key)] = VersionedValue{std::string(set.value), version};
        protocol::AppendSetResponse(out, id, ts, version);
        return;
      case Opcode::kDel: {
        protocol::DelResult del;
        del.existed = it != store_.end();
        del.version = version;
        if (del.existed) store_.erase(it);
        protocol::AppendDelResponse(out, id, ts, del);
        return;
      }
      case Opcode::kContains:
        protocol::AppendContainsResponse(out, id, ts, it != store_.end());
        return;
      default:
        protocol::AppendErrorResponse(out, frame.header.opcode, id, ts, Code::kUnknownOpcode,
                                      "unknown opcode");
        return;
    }
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::atomic<bool> stopping_{false};
  protocol::Limits limits_;

  std::atomic<bool> silent_{false};
  std::atomic<int64_t> delay_ms_{0};
  std::atomic<bool> hold_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> authenticated_{0};
  std::atomic<int> data_requests_{0};

  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::set<int> open_fds_;
  std::map<std::string, VersionedValue> store_;
  std::optional<Timestamp> fixed_ts_;
  Timestamp clock_ = 1000;
  std::vector<Timestamp> request_ts_;
  std::vector<std::pair<int, std::string>> held_;  // (connection fd, reply)
  std::optional<Status> cl_error_;
  RepairProgress repair_progress_;
  std::vector<uint8_t> opcodes_;
  std::vector<protocol::RequestOptions> cl_options_;
  std::vector<RepairAction> repair_actions_;
  std::string client_name_;
};

// ---- Helpers ----

ClientOptions OptionsFor(const FakeServer& server) {
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = server.port();
  options.key_id = kKeyId;
  options.secret = kSecret;
  options.client_name = "client-test";
  options.connect_timeout = 2000ms;
  options.request_timeout = 5000ms;
  return options;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

template <typename T>
bool IsReady(const std::future<T>& f, std::chrono::milliseconds wait = 5000ms) {
  return f.wait_for(wait) == std::future_status::ready;
}

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
}  // namespace memdb
