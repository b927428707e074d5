#include "clients/cpp/handshake.h"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <chrono>
#include <string>

#include "auth/hmac.h"
#include "protocol/messages.h"

namespace memdb::client_internal {

namespace {

std::chrono::milliseconds Remaining(Deadline deadline) {
  if (deadline == kNoDeadline) return std::chrono::milliseconds(0);  // no limit
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

// Reads the reply to request `id` and turns an error reply into its Status.
Status ReadReply(Socket* socket, FrameBuffer* buffer, Deadline deadline, uint32_t id,
                 protocol::Opcode opcode, SessionClock* clock, protocol::Frame* frame) {
  Status s = ReadFrame(socket, buffer, deadline, frame);
  if (!s.ok()) return s;
  clock->Observe(frame->header.timestamp);
  const std::string_view name = protocol::OpcodeName(static_cast<uint8_t>(opcode));
  if (frame->header.status != Code::kOk) {
    // The server may answer a handshake it rejects with request id 0; take any error here.
    std::string_view message;
    if (!protocol::ParseErrorResponse(frame->body, &message).ok()) {
      message = "(malformed error message)";
    }
    return Status(frame->header.status, std::string(message));
  }
  if (frame->header.request_id != id || frame->header.opcode != static_cast<uint8_t>(opcode)) {
    return Status(Code::kCorruption,
                  "unexpected " + std::string(protocol::OpcodeName(frame->header.opcode)) +
                      " frame while waiting for the " + std::string(name) + " reply");
  }
  return Status::Ok();
}

Status Malformed(std::string_view what, const Status& parse) {
  return Status(Code::kCorruption, "malformed " + std::string(what) + ": " + parse.message());
}

}  // namespace

Status RunHandshake(Socket* socket, FrameBuffer* buffer, const HandshakeParams& params,
                    RequestIds* ids, SessionClock* clock, Deadline deadline, HandshakeInfo* info) {
  if (params.client_name.size() > protocol::kMaxNameBytes) {
    return Status(Code::kInvalidArgument, "client name longer than 256 bytes");
  }
  if (params.key_id.size() > protocol::kMaxNameBytes) {
    return Status(Code::kInvalidArgument, "key id longer than 256 bytes");
  }

  // HELLO -> CHALLENGE
  std::string out;
  const uint32_t hello_id = ids->Next();
  protocol::HelloRequest hello;
  hello.protocol_version = protocol::kProtocolVersion;
  hello.client_name = params.client_name;
  protocol::AppendHelloRequest(&out, hello_id, clock->Now(), hello);
  Status s = socket->WriteAll(out, Remaining(deadline));
  if (!s.ok()) return s;

  protocol::Frame frame;
  s = ReadReply(socket, buffer, deadline, hello_id, protocol::Opcode::kHello, clock, &frame);
  if (!s.ok()) return s;
  protocol::Challenge challenge;
  s = protocol::ParseChallenge(frame.body, &challenge);
  if (!s.ok()) return Malformed("CHALLENGE", s);
  if (challenge.protocol_version != protocol::kProtocolVersion) {
    return Status(Code::kUnsupportedVersion,
                  "server chose protocol version " + std::to_string(challenge.protocol_version) +
                      ", this client speaks " + std::to_string(protocol::kProtocolVersion));
  }
  if (challenge.nonce.size() != protocol::kNonceSize) {
    return Status(Code::kCorruption, "CHALLENGE nonce is not 32 bytes");
  }
  info->server_name = std::string(challenge.server_name);

  // AUTH -> OK. The nonce is a view into `buffer`: use it before the next read.
  std::string mac = auth::ComputeAuthMac(params.secret, challenge.nonce, params.key_id);
  out.clear();
  const uint32_t auth_id = ids->Next();
  protocol::AuthRequest auth;
  auth.key_id = params.key_id;
  auth.mac = mac;
  protocol::AppendAuthRequest(&out, auth_id, clock->Now(), auth);
  explicit_bzero(mac.data(), mac.size());
  s = socket->WriteAll(out, Remaining(deadline));
  explicit_bzero(out.data(), out.size());
  if (!s.ok()) return s;

  s = ReadReply(socket, buffer, deadline, auth_id, protocol::Opcode::kAuth, clock, &frame);
  if (!s.ok()) return s;
  s = protocol::ParseEmptyResponse(frame.body);
  if (!s.ok()) return Malformed("AUTH reply", s);
  return Status::Ok();
}

}  // namespace memdb::client_internal
