// The in-process fake server the client tests run against: a listening socket on 127.0.0.1 and
// a thread per connection that speaks protocol v1 through the codec, answers from a std::map,
// and can be told to stay silent, delay, reorder its replies, stamp chosen timestamps, answer
// _CL requests with a chosen error, report chosen repair progress, or drop its connections.
#ifndef MEMDB_TESTS_UNIT_CLIENT_FAKE_SERVER_H_
#define MEMDB_TESTS_UNIT_CLIENT_FAKE_SERVER_H_

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
#include "loopback_listener.h"
#include "memdb/client.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb::client_test {

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
    listen_fd_ = testing::ListenOnLoopback(&port_);
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

inline ClientOptions OptionsFor(const FakeServer& server) {
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

inline bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
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

}  // namespace memdb::client_test

#endif  // MEMDB_TESTS_UNIT_CLIENT_FAKE_SERVER_H_
