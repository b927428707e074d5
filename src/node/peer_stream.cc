#include "node/peer_stream.h"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <utility>

#include "auth/hmac.h"
#include "auth/key_ring.h"
#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb {

using protocol::DecodeStatus;
using protocol::Frame;
using protocol::Opcode;

PeerStream::PeerStream(std::string secret, std::string client_name, protocol::Limits limits)
    : secret_(std::move(secret)), client_name_(std::move(client_name)), limits_(limits) {}

PeerStream::~PeerStream() { explicit_bzero(secret_.data(), secret_.size()); }

void PeerStream::Start(Timestamp ts, std::string* out) {
  last_ts_ = ts;
  protocol::HelloRequest hello;
  hello.protocol_version = protocol::kProtocolVersion;
  hello.client_name = client_name_;
  protocol::AppendHelloRequest(out, kHelloId, ts, hello);
}

void PeerStream::Send(uint32_t request_id, uint8_t opcode, Timestamp ts, std::string_view body,
                      std::string* out) {
  if (state_ == State::kFailed) return;  // the caller fails it with TakePending
  pending_[request_id] = opcode;
  last_ts_ = std::max(last_ts_, ts);
  protocol::FrameHeader header;
  header.opcode = opcode;
  header.request_id = request_id;
  header.timestamp = ts;
  protocol::FrameWriter w(state_ == State::kReady ? out : &queued_);
  w.Begin(header);
  w.PutRaw(body);
  w.Finish();
}

size_t PeerStream::Consume(std::string_view input, std::string* out,
                           std::vector<Completion>* done) {
  size_t consumed = 0;
  while (state_ != State::kFailed) {
    protocol::DecodeResult r =
        protocol::DecodeFrame(input.substr(consumed), limits_, /*expect_response=*/true);
    if (r.status == DecodeStatus::kNeedMore) {
      bytes_needed_ = r.needed;
      break;
    }
    if (r.status == DecodeStatus::kError) {
      // Even a non-fatal error (an opcode we do not know) is not something we asked for.
      Fail(Status(Code::kConnectionFailed,
                  "peer sent a frame that does not decode: " + std::string(r.error_message)));
      break;
    }
    consumed += r.consumed;
    bytes_needed_ = protocol::kHeaderSize;
    if (state_ == State::kReady) {
      HandleResponse(r.frame, done);
    } else {
      HandleHandshakeFrame(r.frame, out);
    }
  }
  return consumed;
}

void PeerStream::HandleHandshakeFrame(const Frame& frame, std::string* out) {
  const auto& h = frame.header;
  if (h.status != Code::kOk) {
    // The peer may answer a handshake it rejects with request id 0: take any error here.
    std::string_view message;
    if (!protocol::ParseErrorResponse(frame.body, &message).ok()) message = "(no message)";
    auth_refused_ = h.status == Code::kAuthFailed;
    Fail(Status(Code::kConnectionFailed,
                auth_refused_ ? "peer refused our cluster key (AUTH_FAILED): auth.cluster_key "
                                "differs between the nodes"
                              : "peer refused the handshake: " + Status(h.status, "").ToString() +
                                    " " + std::string(message)));
    return;
  }
  if (state_ == State::kAwaitChallenge) {
    if (h.opcode != static_cast<uint8_t>(Opcode::kHello) || h.request_id != kHelloId) {
      Fail(Status(Code::kConnectionFailed, "peer sent " +
                                               std::string(protocol::OpcodeName(h.opcode)) +
                                               " while we waited for the CHALLENGE"));
      return;
    }
    protocol::Challenge challenge;
    if (Status s = protocol::ParseChallenge(frame.body, &challenge); !s.ok()) {
      Fail(Status(Code::kConnectionFailed, "peer sent a malformed CHALLENGE: " + s.message()));
      return;
    }
    if (challenge.protocol_version != protocol::kProtocolVersion) {
      Fail(Status(Code::kConnectionFailed,
                  "peer chose protocol version " + std::to_string(challenge.protocol_version)));
      return;
    }
    // The nonce is a view into the caller's buffer: use it now.
    std::string mac = auth::ComputeAuthMac(secret_, challenge.nonce, auth::kClusterKeyId);
    protocol::AuthRequest auth;
    auth.key_id = auth::kClusterKeyId;
    auth.mac = mac;
    protocol::AppendAuthRequest(out, kAuthId, std::max(last_ts_, h.timestamp), auth);
    explicit_bzero(mac.data(), mac.size());
    state_ = State::kAwaitAuthOk;
    return;
  }
  // kAwaitAuthOk
  if (h.opcode != static_cast<uint8_t>(Opcode::kAuth) || h.request_id != kAuthId ||
      !protocol::ParseEmptyResponse(frame.body).ok()) {
    Fail(Status(Code::kConnectionFailed, "peer sent " +
                                             std::string(protocol::OpcodeName(h.opcode)) +
                                             " while we waited for the AUTH reply"));
    return;
  }
  state_ = State::kReady;
  out->append(queued_);
  queued_.clear();
  queued_.shrink_to_fit();
}

void PeerStream::HandleResponse(const Frame& frame, std::vector<Completion>* done) {
  const auto& h = frame.header;
  if (h.request_id == 0 && h.status != Code::kOk) {
    std::string_view message;
    if (!protocol::ParseErrorResponse(frame.body, &message).ok()) message = "(no message)";
    Fail(Status(Code::kConnectionFailed, "peer closed the connection: " +
                                             Status(h.status, std::string(message)).ToString()));
    return;
  }
  auto it = pending_.find(h.request_id);
  if (it == pending_.end()) return;  // a late answer to a request that timed out
  if (it->second != h.opcode) {
    Fail(Status(Code::kConnectionFailed, "peer answered request " + std::to_string(h.request_id) +
                                             " (" + std::string(protocol::OpcodeName(it->second)) +
                                             ") with " +
                                             std::string(protocol::OpcodeName(h.opcode))));
    return;
  }
  Completion c;
  c.request_id = h.request_id;
  c.timestamp = h.timestamp;
  if (h.status == Code::kOk) {
    c.body.assign(frame.body);
  } else {
    std::string_view message;
    if (!protocol::ParseErrorResponse(frame.body, &message).ok()) {
      Fail(Status(Code::kConnectionFailed, "peer sent a malformed error response to " +
                                               std::string(protocol::OpcodeName(h.opcode))));
      return;
    }
    c.status = Status(h.status, std::string(message));
  }
  pending_.erase(it);
  done->push_back(std::move(c));
}

std::vector<uint32_t> PeerStream::TakePending() {
  std::vector<uint32_t> ids;
  ids.reserve(pending_.size());
  for (const auto& [id, opcode] : pending_) ids.push_back(id);
  pending_.clear();
  queued_.clear();
  return ids;
}

void PeerStream::Fail(Status status) {
  if (state_ == State::kFailed) return;
  state_ = State::kFailed;
  error_ = std::move(status);
  queued_.clear();
}

}  // namespace memdb
