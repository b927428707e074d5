#include "memdb_bench/memdb_client.h"

#include <algorithm>

#include "auth/hmac.h"
#include "protocol/codec.h"
#include "protocol/consistency_messages.h"
#include "protocol/messages.h"

namespace memdb::bench {

using protocol::DecodeStatus;
using protocol::Opcode;

// ---------------------------------------------------------------------------------------------
// Handshake
// ---------------------------------------------------------------------------------------------

void MemdbClient::BeginHandshake(std::string* out) {
  protocol::HelloRequest hello;
  hello.client_name = credentials_->client_name;
  protocol::AppendHelloRequest(out, kHelloId, seen_, hello);
  state_ = State::kAwaitChallenge;
}

HandshakeResult MemdbClient::ContinueHandshake(std::string_view input, std::string* out) {
  HandshakeResult result;
  if (state_ == State::kReady) {
    result.status = HandshakeResult::Status::kDone;
    return result;
  }
  protocol::DecodeResult r = protocol::DecodeFrame(input, limits_, /*expect_response=*/true);
  if (r.status == DecodeStatus::kNeedMore) return result;
  result.status = HandshakeResult::Status::kFailed;
  if (r.status == DecodeStatus::kError) {
    result.error = "the server does not speak the memdb protocol (" + CodeName(r.error) + ": " +
                   std::string(r.error_message) + ")";
    return result;
  }
  result.consumed = r.consumed;
  const protocol::FrameHeader& h = r.frame.header;
  seen_ = std::max(seen_, h.timestamp);
  const Opcode expected = state_ == State::kAwaitChallenge ? Opcode::kHello : Opcode::kAuth;
  if (h.status != Code::kOk) {
    std::string_view message;
    (void)protocol::ParseErrorResponse(r.frame.body, &message);
    result.error = std::string(expected == Opcode::kHello ? "HELLO" : "AUTH") +
                   " refused: " + CodeName(h.status) + (message.empty() ? "" : ": ") +
                   std::string(message);
    if (h.status == Code::kAuthFailed) {
      result.error += " (check --key-id and the secret)";
    }
    return result;
  }
  if (h.opcode != static_cast<uint8_t>(expected)) {
    result.error = "unexpected " + std::string(protocol::OpcodeName(h.opcode)) +
                   " response during the handshake";
    return result;
  }
  if (expected == Opcode::kHello) {
    protocol::Challenge challenge;
    if (Status s = protocol::ParseChallenge(r.frame.body, &challenge); !s.ok()) {
      result.error = "malformed CHALLENGE: " + s.message();
      return result;
    }
    const std::string mac =
        auth::ComputeAuthMac(credentials_->secret, challenge.nonce, credentials_->key_id);
    protocol::AuthRequest auth_request;
    auth_request.key_id = credentials_->key_id;
    auth_request.mac = mac;
    protocol::AppendAuthRequest(out, kAuthId, seen_, auth_request);
    state_ = State::kAwaitAuth;
    result.status = HandshakeResult::Status::kNeedMore;
    return result;
  }
  state_ = State::kReady;
  result.status = HandshakeResult::Status::kDone;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Requests and replies
// ---------------------------------------------------------------------------------------------

void MemdbClient::AppendRequest(std::string* out, Command command, uint32_t request_id,
                                std::string_view key, std::string_view value) {
  if (consistency_ != Consistency::kDefault) {
    const protocol::RequestOptions options{consistency_, 0};
    if (command == Command::kSet) {
      protocol::AppendSetRequestCl(out, request_id, seen_, options, key, value);
    } else {
      protocol::AppendKeyRequestCl(out, Opcode::kGet, request_id, seen_, options, key);
    }
    return;
  }
  if (command == Command::kSet) {
    protocol::AppendSetRequest(out, request_id, seen_, protocol::SetRequest{key, value});
  } else {
    protocol::AppendKeyRequest(out, Opcode::kGet, request_id, seen_, key);
  }
}

ParseResult MemdbClient::ParseReply(std::string_view input) {
  ParseResult result;
  protocol::DecodeResult r = protocol::DecodeFrame(input, limits_, /*expect_response=*/true);
  if (r.status == DecodeStatus::kNeedMore) return result;
  if (r.status == DecodeStatus::kError && r.fatal) {
    result.status = ParseResult::Status::kFatal;
    result.message = r.error_message;
    return result;
  }
  const protocol::FrameHeader& h = r.frame.header;
  result.status = ParseResult::Status::kReply;
  result.consumed = r.consumed;
  result.has_request_id = true;
  result.request_id = h.request_id;
  seen_ = std::max(seen_, h.timestamp);
  if (r.status == DecodeStatus::kError) {  // a response with an opcode we do not know
    result.kind = ReplyKind::kError;
    result.message = r.error_message;
    return result;
  }
  if (h.status != Code::kOk) {
    result.kind = ReplyKind::kError;
    if (!protocol::ParseErrorResponse(r.frame.body, &result.message).ok()) {
      result.message = "error response (malformed message)";
    }
    return result;
  }
  bool well_formed = false;
  // GET_CL / SET_CL replies carry the plain operation's body.
  const Opcode opcode = protocol::PlainKeyOpcode(h.opcode);
  if (opcode == Opcode::kGet) {
    protocol::GetResult get;
    well_formed = protocol::ParseGetResponse(r.frame.body, &get).ok();
    result.kind = get.found ? ReplyKind::kOk : ReplyKind::kNil;
  } else if (opcode == Opcode::kSet) {
    Version version;
    well_formed = protocol::ParseSetResponse(r.frame.body, &version).ok();
  }
  if (!well_formed) {
    result.status = ParseResult::Status::kFatal;
    result.consumed = 0;
    result.message = "malformed or unexpected response (not a SET or GET reply)";
  }
  return result;
}

}  // namespace memdb::bench
