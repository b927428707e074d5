#include "node/session.h"

#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb {

using protocol::DecodeStatus;
using protocol::Frame;
using protocol::Opcode;

Session::Session(Node* node)
    : node_(node),
      // With auth explicitly disabled the handshake is optional (but still answered).
      state_(node->options().auth_enabled ? State::kAwaitHello : State::kReady) {}

size_t Session::Consume(std::string_view input, ReplyBuffer* reply_buffer) {
  std::string* out = reply_buffer->bytes();
  size_t consumed = 0;
  const protocol::Limits& limits = node_->options().limits;
  while (state_ != State::kClosing) {
    protocol::DecodeResult r =
        protocol::DecodeFrame(input.substr(consumed), limits, /*expect_response=*/false);
    if (r.status == DecodeStatus::kNeedMore) {
      bytes_needed_ = r.needed;
      break;
    }
    if (r.status == DecodeStatus::kError) {
      const auto& h = r.frame.header;
      Status error(r.error, std::string(r.error_message));
      if (r.fatal) {
        // The stream cannot be trusted past this point; request id may be garbage.
        Fail(h.opcode, h.request_id, error, out);
        break;
      }
      consumed += r.consumed;
      if (state_ != State::kReady) {
        Fail(h.opcode, h.request_id, Status(Code::kAuthRequired, "authenticate first"), out);
        break;
      }
      protocol::AppendErrorResponse(out, h.opcode, h.request_id, node_->clock().Current(),
                                    error.code(), error.message());
      continue;
    }
    consumed += r.consumed;
    bytes_needed_ = protocol::kHeaderSize;
    const Frame& frame = r.frame;
    const auto opcode = static_cast<Opcode>(frame.header.opcode);
    switch (state_) {
      case State::kReady:
        if (opcode == Opcode::kHello || opcode == Opcode::kAuth) {
          if (!node_->options().auth_enabled) {
            // Auth off: clients still run the handshake; accept it again harmlessly.
            opcode == Opcode::kHello ? HandleHello(frame, out) : HandleAuth(frame, out);
            break;
          }
          Fail(frame.header.opcode, frame.header.request_id,
               Status(Code::kProtocolViolation, "handshake already completed"), out);
          break;
        }
        ++requests_handled_;
        {
          const size_t reply_start = out->size();
          reply_buffer->HoldFrom(reply_start, node_->HandleRequest(frame, reply_buffer, peer_));
        }
        break;
      case State::kAwaitHello:
        if (opcode == Opcode::kHello) {
          HandleHello(frame, out);
        } else if (opcode == Opcode::kAuth) {
          Fail(frame.header.opcode, frame.header.request_id,
               Status(Code::kProtocolViolation, "AUTH before HELLO"), out);
        } else {
          Fail(frame.header.opcode, frame.header.request_id,
               Status(Code::kAuthRequired, "authenticate first (HELLO, then AUTH)"), out);
        }
        break;
      case State::kAwaitAuth:
        if (opcode == Opcode::kAuth) {
          HandleAuth(frame, out);
        } else if (opcode == Opcode::kHello) {
          Fail(frame.header.opcode, frame.header.request_id,
               Status(Code::kProtocolViolation, "HELLO sent twice"), out);
        } else {
          Fail(frame.header.opcode, frame.header.request_id,
               Status(Code::kAuthRequired, "authenticate first (AUTH)"), out);
        }
        break;
      case State::kClosing:
        break;
    }
  }
  return consumed;
}

void Session::HandleHello(const Frame& frame, std::string* out) {
  protocol::HelloRequest hello;
  Status s = protocol::ParseHelloRequest(frame.body, &hello);
  if (!s.ok()) {
    Fail(frame.header.opcode, frame.header.request_id, s, out);
    return;
  }
  if (hello.protocol_version < protocol::kProtocolVersion) {
    Fail(frame.header.opcode, frame.header.request_id,
         Status(Code::kUnsupportedVersion,
                "client speaks protocol " + std::to_string(hello.protocol_version) +
                    ", server needs " + std::to_string(protocol::kProtocolVersion)),
         out);
    return;
  }
  client_name_.assign(hello.client_name);
  nonce_.resize(protocol::kNonceSize);
  node_->random().Fill(nonce_.data(), nonce_.size());
  protocol::Challenge challenge;
  challenge.protocol_version = protocol::kProtocolVersion;
  challenge.server_name = node_->options().server_name;
  challenge.nonce = nonce_;
  protocol::AppendChallenge(out, frame.header.request_id, node_->clock().Current(), challenge);
  if (state_ == State::kAwaitHello) state_ = State::kAwaitAuth;
}

void Session::HandleAuth(const Frame& frame, std::string* out) {
  protocol::AuthRequest auth;
  Status s = protocol::ParseAuthRequest(frame.body, &auth);
  if (!s.ok()) {
    Fail(frame.header.opcode, frame.header.request_id, s, out);
    return;
  }
  const bool claims_peer = auth.key_id == auth::kClusterKeyId;
  auth::Role role = claims_peer ? auth::Role::kPeer : auth::Role::kClient;
  if (node_->options().auth_enabled) {
    role = node_->keys().Authenticate(auth.key_id, nonce_, auth.mac);
  }
  if (role == auth::Role::kNone) {
    // One message for unknown id and wrong MAC: do not reveal which ids exist.
    ++node_->server_counters().auth_failures;
    if (claims_peer) ++node_->server_counters().peer_auth_failures;
    Fail(frame.header.opcode, frame.header.request_id,
         Status(Code::kAuthFailed, "authentication failed"), out);
    if (claims_peer) {
      peer_auth_failed_ = true;
      close_reason_ =
          "a node failed to authenticate with the cluster key (its auth.cluster_key differs "
          "from ours, or it is not a node of this cluster)";
    }
    return;
  }
  peer_ = role == auth::Role::kPeer;
  key_id_.assign(auth.key_id);
  nonce_.clear();  // single use
  state_ = State::kReady;
  protocol::AppendEmptyResponse(out, Opcode::kAuth, frame.header.request_id,
                                node_->clock().Current());
}

void Session::Fail(uint8_t opcode, uint32_t request_id, const Status& status, std::string* out) {
  protocol::AppendErrorResponse(out, opcode, request_id, node_->clock().Current(), status.code(),
                                status.message());
  close_reason_ = status.ToString();
  state_ = State::kClosing;
}

}  // namespace memdb
