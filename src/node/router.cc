#include "node/router.h"

#include <utility>

#include "protocol/codec.h"
#include "protocol/messages.h"

namespace memdb {

using protocol::Opcode;

namespace {

bool IsKeyRequest(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kGet:
    case Opcode::kSet:
    case Opcode::kDel:
    case Opcode::kContains:
      return true;
    default:
      return false;
  }
}

}  // namespace

Router::Router(const cluster::Gossiper* gossiper, cluster::PeerTransport* transport,
               HybridClock* clock)
    : gossiper_(gossiper), transport_(transport), clock_(clock) {}

bool Router::MayForward() const {
  const Ring& ring = gossiper_->ring();
  if (ring.node_count() > 1) return true;
  return !ring.empty() && ring.tokens().front().second != gossiper_->self_id();
}

Router::Route Router::RouteKey(std::string_view key) const {
  Route route;
  const auto owner = gossiper_->ring().OwnerOfKey(key);
  if (!owner || *owner == gossiper_->self_id()) return route;
  route.owner = *owner;
  route.address = gossiper_->AddressOf(*owner);
  route.kind = (gossiper_->IsUp(*owner) && !route.address.empty()) ? Route::Kind::kForward
                                                                   : Route::Kind::kUnavailable;
  return route;
}

void Router::AppendOwnerDown(const Route& route, const protocol::Frame& request, std::string* out) {
  ++counters_.owner_down;
  protocol::AppendErrorResponse(
      out, request.header.opcode, request.header.request_id, clock_->Current(), Code::kUnavailable,
      "the key's owner, node " + std::to_string(route.owner) +
          (route.address.empty() ? std::string() : " (" + route.address + ")") + ", is down");
}

void Router::Forward(const Route& route, const protocol::Frame& request, bool from_client,
                     DeferredReply reply) {
  ++counters_.forwarded;
  std::string body;
  AppendForwardBody(request.header.opcode, request.body, &body);
  const uint8_t opcode = request.header.opcode;
  const uint32_t request_id = request.header.request_id;
  const NodeId owner = route.owner;
  const std::string address = route.address;
  transport_->Send(
      address, static_cast<uint8_t>(Opcode::kForward), clock_->Tick(), std::move(body),
      [this, opcode, request_id, owner, address, from_client,
       reply = std::move(reply)](const cluster::PeerResponse& response) mutable {
        if (response.timestamp != 0) (void)clock_->Observe(response.timestamp);
        std::string frame;
        const Status& s = response.status;
        const std::string who = "node " + std::to_string(owner) + " (" + address + ")";
        if (s.ok()) {
          // The owner's answer, re-addressed to the client's request.
          protocol::FrameHeader h;
          h.opcode = opcode;
          h.flags = protocol::kFlagResponse | (from_client ? protocol::kFlagNotOwner : 0);
          h.request_id = request_id;
          h.timestamp = clock_->Current();
          protocol::FrameWriter w(&frame);
          w.Begin(h);
          w.PutRaw(response.body);
          w.Finish();
        } else if (s.code() == Code::kConnectionFailed) {
          ++counters_.forward_failures;
          protocol::AppendErrorResponse(
              &frame, opcode, request_id, clock_->Current(), Code::kUnavailable,
              "the key's owner, " + who + ", is unreachable: " + s.message());
        } else if (s.code() == Code::kTimeout) {
          ++counters_.forward_failures;
          protocol::AppendErrorResponse(
              &frame, opcode, request_id, clock_->Current(), Code::kTimeout,
              "no answer in time from the key's owner, " + who + "; the outcome is unknown");
        } else {
          // The owner's error (or our shutdown), passed on as it is.
          protocol::AppendErrorResponse(&frame, opcode, request_id, clock_->Current(),
                                        IsWireCode(s.code()) ? s.code() : Code::kInternal,
                                        s.message());
        }
        reply.Fill(std::move(frame));
      });
}

void AppendForwardBody(uint8_t opcode, std::string_view body, std::string* out) {
  out->reserve(out->size() + 1 + body.size());
  out->push_back(static_cast<char>(opcode));
  out->append(body);
}

Status ParseForwardBody(std::string_view body, uint8_t* opcode, std::string_view* inner_body) {
  if (body.empty()) return Status(Code::kBadRequest, "FORWARD body is empty");
  *opcode = static_cast<uint8_t>(body[0]);
  if (!IsKeyRequest(*opcode)) {
    return Status(
        Code::kBadRequest,
        "FORWARD carries " + std::string(protocol::OpcodeName(*opcode)) + ", not a key request");
  }
  *inner_body = body.substr(1);
  return Status::Ok();
}

}  // namespace memdb
