#include "clients/cpp/client_impl.h"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "clients/cpp/handshake.h"
#include "clients/cpp/socket.h"
#include "protocol/messages.h"

namespace memdb::client_internal {

namespace {

std::string OpName(protocol::Opcode opcode) {
  return std::string(protocol::OpcodeName(static_cast<uint8_t>(opcode)));
}

std::string ErrorMessage(std::string_view body) {
  std::string_view message;
  if (!protocol::ParseErrorResponse(body, &message).ok()) return "(malformed error message)";
  return std::string(message);
}

// Error codes after which the server closes the connection (docs/protocol.md, "Errors and
// status codes"): everything else in flight on it fails at once rather than at the EOF.
bool ClosesConnection(Code code) {
  switch (code) {
    case Code::kBadFrame:
    case Code::kUnsupportedVersion:
    case Code::kFrameTooLarge:
    case Code::kAuthRequired:
    case Code::kAuthFailed:
    case Code::kProtocolViolation:
    case Code::kTooManyConnections:
      return true;
    default:
      return false;
  }
}

void CompleteAll(std::vector<PendingRequest>* requests, const Status& status) {
  for (PendingRequest& request : *requests) request.complete(status, {});
  requests->clear();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Lifetime

ClientImpl::ClientImpl(const ClientOptions& options)
    : options_(options),
      where_(options_.host + ":" + std::to_string(options_.port)),
      clock_(options_.initial_timestamp) {
  timer_ = std::thread([this] { TimerLoop(); });
}

ClientImpl::~ClientImpl() {
  Close();
  std::vector<PendingRequest> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    left = pending_.TakeAll();
  }
  timer_cv_.notify_all();
  timer_.join();
  CompleteAll(&left, Status(Code::kConnectionFailed, "client destroyed"));
  explicit_bzero(options_.secret.data(), options_.secret.size());
}

// ---------------------------------------------------------------------------------------------
// Connecting

Status ClientImpl::Connect() {
  Result<std::shared_ptr<Connection>> conn = EnsureConnected(/*explicit_connect=*/true);
  return conn.ok() ? Status::Ok() : conn.status();
}

void ClientImpl::Close() {
  std::lock_guard<std::mutex> connect_lock(connect_mu_);
  std::shared_ptr<Connection> conn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn = std::move(conn_);
    conn_live_ = false;
  }
  if (conn) conn->Close(Status(Code::kConnectionFailed, "connection closed by the client"));
}

bool ClientImpl::IsConnected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return conn_live_;
}

Result<std::shared_ptr<Connection>> ClientImpl::EnsureConnected(bool explicit_connect) {
  uint64_t attempts_seen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn_live_) return conn_;
    if (!explicit_connect && !options_.reconnect) {
      return Status(Code::kConnectionFailed,
                    where_ + (ever_connected_ ? ": connection lost and reconnect is off"
                                              : ": not connected (call Connect() first)"));
    }
    attempts_seen = attempts_;
  }

  std::lock_guard<std::mutex> connect_lock(connect_mu_);
  std::shared_ptr<Connection> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn_live_) return conn_;  // another thread connected while we waited
    // Another thread's attempt failed while we waited: share its verdict rather than queue
    // one more connect_timeout behind it. Explicit Connect() calls always try.
    if (!explicit_connect && attempts_ != attempts_seen && !last_attempt_.ok()) {
      return last_attempt_;
    }
    old = std::move(conn_);
  }
  // The old connection has failed already (OnClosed ran); this only joins its reader.
  if (old) old->Close(Status(Code::kConnectionFailed, "connection replaced"));
  old.reset();

  Result<std::shared_ptr<Connection>> fresh = OpenConnection();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++attempts_;
    if (!fresh.ok()) {
      last_attempt_ = fresh.status();
      return fresh;
    }
    last_attempt_ = Status::Ok();
    conn_ = fresh.value();
    conn_live_ = true;
    ever_connected_ = true;
    server_notice_.clear();
  }
  // Still under connect_mu_, so no Close() can come between publishing and starting.
  fresh.value()->Start();
  return fresh;
}

Result<std::shared_ptr<Connection>> ClientImpl::OpenConnection() {
  const Deadline deadline = DeadlineAfter(options_.connect_timeout);
  Result<Socket> socket = Socket::Connect(options_.host, options_.port, deadline);
  if (!socket.ok()) return socket.status();

  protocol::Limits limits;
  limits.max_frame_bytes = options_.max_frame_bytes;
  FrameBuffer buffer(limits);
  HandshakeParams params;
  params.client_name = options_.client_name;
  params.key_id = options_.key_id;
  params.secret = options_.secret;
  HandshakeInfo info;
  Status s = RunHandshake(&socket.value(), &buffer, params, &ids_, &clock_, deadline, &info);
  if (!s.ok()) {
    if (s.code() == Code::kConnectionFailed || s.code() == Code::kCorruption) {
      return Status(s.code(), where_ + ": handshake: " + s.message());
    }
    return s;  // the server's verdict (AUTH_FAILED, ...) with its own message
  }
  return std::make_shared<Connection>(next_connection_id_.fetch_add(1), std::move(socket).value(),
                                      std::move(buffer), this, options_.request_timeout);
}

// ---------------------------------------------------------------------------------------------
// Requests

std::chrono::milliseconds ClientImpl::ReplyTimeout(
    std::chrono::milliseconds server_deadline) const {
  if (options_.request_timeout.count() <= 0) return std::chrono::milliseconds(0);
  if (server_deadline.count() <= 0) return options_.request_timeout;
  return std::max(options_.request_timeout, server_deadline + options_.deadline_margin);
}

void ClientImpl::Submit(protocol::Opcode opcode, size_t body_size,
                        std::chrono::milliseconds timeout, const EncodeFn& encode,
                        Completion done) {
  if (body_size > options_.max_frame_bytes) {
    done(
        Status(Code::kInvalidArgument, OpName(opcode) + " request of " + std::to_string(body_size) +
                                           " bytes exceeds max_frame_bytes (" +
                                           std::to_string(options_.max_frame_bytes) + ")"),
        {});
    return;
  }

  std::shared_ptr<Connection> conn;
  uint32_t id = 0;
  // Two tries: the connection we get may break before the request is registered on it.
  for (int attempt = 0; !conn; ++attempt) {
    Result<std::shared_ptr<Connection>> ready = EnsureConnected(/*explicit_connect=*/false);
    if (!ready.ok()) {
      done(ready.status(), {});
      return;
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (!conn_live_ || conn_ != ready.value()) {
      if (attempt == 0) continue;
      lock.unlock();
      done(Status(Code::kConnectionFailed, where_ + ": connection lost before sending"), {});
      return;
    }
    conn = std::move(ready).value();
    do {
      id = ids_.Next();
    } while (pending_.Contains(id));
    PendingRequest request;
    request.connection_id = conn->id();
    request.opcode = opcode;
    request.deadline = DeadlineAfter(timeout);
    request.timeout = timeout;
    request.complete = std::move(done);
    const bool earliest = request.deadline < pending_.NextDeadline();
    pending_.Add(id, std::move(request));
    if (earliest) timer_cv_.notify_one();
  }

  std::string frame;
  frame.reserve(protocol::kHeaderSize + body_size);
  encode(&frame, id, clock_.Now());
  // A failed write breaks the connection, and OnClosed completes this request with the rest.
  (void)conn->Send(frame);
}

void ClientImpl::OnResponse(Connection* connection, const protocol::Frame& frame) {
  clock_.Observe(frame.header.timestamp);
  if ((frame.header.flags & protocol::kFlagNotOwner) != 0) not_owner_replies_.fetch_add(1);
  const Code code = frame.header.status;
  std::optional<PendingRequest> request;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const PendingRequest* found = pending_.Find(frame.header.request_id);
    if (found != nullptr && found->connection_id == connection->id()) {
      request = pending_.Take(frame.header.request_id);
    } else if (code != Code::kOk && connection == conn_.get()) {
      // Not a reply to anything in flight: a connection-level error (request id 0, the
      // server saying why it closes), or a reply that lost the race with its timeout. Keep
      // it to explain a close that may follow.
      server_notice_ = Status(code, ErrorMessage(frame.body)).ToString();
    }
  }

  if (request) {
    if (code != Code::kOk) {
      request->complete(Status(code, ErrorMessage(frame.body)), {});
    } else if (frame.header.opcode != static_cast<uint8_t>(request->opcode)) {
      request->complete(
          Status(Code::kCorruption, "reply opcode " +
                                        std::string(protocol::OpcodeName(frame.header.opcode)) +
                                        " does not match request " + OpName(request->opcode)),
          {});
    } else {
      request->complete(Status::Ok(), frame.body);
    }
  }
  // Late replies to requests that timed out end here, unless they end the connection.
  if (ClosesConnection(code)) {
    connection->Break(Status(Code::kConnectionFailed,
                             "server closed the connection after " + CodeName(code) +
                                 (request ? " (reply to " + OpName(request->opcode) + ")" : "")));
  }
}

void ClientImpl::OnClosed(Connection* connection, const Status& why) {
  std::vector<PendingRequest> failed;
  std::string message = where_ + ": " + why.message();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (connection == conn_.get()) {
      conn_live_ = false;
      if (!server_notice_.empty()) message += " (server said " + server_notice_ + ")";
    }
    failed = pending_.TakeConnection(connection->id());
  }
  CompleteAll(&failed, Status(Code::kConnectionFailed, message));
}

// ---------------------------------------------------------------------------------------------
// Timeouts

void ClientImpl::TimerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const Deadline next = pending_.NextDeadline();
    if (next == kNoDeadline) {
      timer_cv_.wait(lock);
      continue;
    }
    if (SteadyClock::now() < next) {
      timer_cv_.wait_until(lock, next);
      continue;
    }
    std::vector<PendingRequest> expired = pending_.TakeExpired(SteadyClock::now());
    lock.unlock();
    for (PendingRequest& request : expired) {
      request.complete(Status(Code::kTimeout, OpName(request.opcode) + ": no reply within " +
                                                  std::to_string(request.timeout.count()) + " ms"),
                       {});
    }
    lock.lock();
  }
}

}  // namespace memdb::client_internal
