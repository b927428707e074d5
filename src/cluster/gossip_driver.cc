#include "cluster/gossip_driver.h"

#include <optional>
#include <utility>

#include "cluster/gossip_messages.h"
#include "protocol/frame.h"

namespace memdb::cluster {

namespace {

constexpr uint8_t kSynOpcode = static_cast<uint8_t>(protocol::Opcode::kGossipSyn);
constexpr uint8_t kAck2Opcode = static_cast<uint8_t>(protocol::Opcode::kGossipAck2);

}  // namespace

GossipDriver::GossipDriver(Membership* membership, PeerTransport* transport, HybridClock* clock,
                           PhysicalClock* monotonic)
    : membership_(membership), transport_(transport), clock_(clock), monotonic_(monotonic) {}

void GossipDriver::OnTimer() {
  ++counters_.rounds;
  std::vector<GossipSend> sends = membership_->Tick(monotonic_->NowMillis());
  for (GossipSend& send : sends) {
    std::string body;
    EncodeGossipSyn(send.syn, &body);
    ++counters_.syns_sent;
    counters_.bytes_sent += body.size();
    std::string address = send.address;
    transport_->Send(send.address, kSynOpcode, clock_->Tick(), std::move(body), 0,
                     [this, address = std::move(address)](const PeerResponse& response) {
                       OnAck(address, response);
                     });
  }
}

void GossipDriver::OnAck(const std::string& address, const PeerResponse& response) {
  if (response.timestamp != 0) (void)clock_->Observe(response.timestamp);
  if (!response.status.ok()) {
    ++counters_.send_failures;
    return;
  }
  counters_.bytes_received += response.body.size();
  GossipAck ack;
  if (!DecodeGossipAck(response.body, &ack).ok()) {
    ++counters_.bad_messages;
    return;
  }
  ++counters_.exchanges_completed;
  std::optional<GossipAck2> ack2 = membership_->gossiper().OnAck(ack, monotonic_->NowMillis());
  if (!ack2.has_value()) return;
  std::string body;
  EncodeGossipAck2(*ack2, &body);
  counters_.bytes_sent += body.size();
  transport_->Send(address, kAck2Opcode, clock_->Tick(), std::move(body), 0,
                   [this](const PeerResponse& reply) {
                     if (reply.timestamp != 0) (void)clock_->Observe(reply.timestamp);
                     if (!reply.status.ok()) ++counters_.send_failures;
                   });
}

Result<std::string> GossipDriver::HandleSyn(std::string_view body) {
  counters_.bytes_received += body.size();
  GossipSyn syn;
  Status status = DecodeGossipSyn(body, &syn);
  if (!status.ok()) {
    ++counters_.bad_messages;
    return status;
  }
  Gossiper& gossiper = membership_->gossiper();
  if (syn.cluster_name != gossiper.options().cluster_name) ++counters_.foreign_cluster;
  GossipAck ack = gossiper.OnSyn(syn, monotonic_->NowMillis());
  std::string out;
  EncodeGossipAck(ack, &out);
  counters_.bytes_sent += out.size();
  return out;
}

Status GossipDriver::HandleAck2(std::string_view body) {
  counters_.bytes_received += body.size();
  GossipAck2 ack2;
  Status status = DecodeGossipAck2(body, &ack2);
  if (!status.ok()) {
    ++counters_.bad_messages;
    return status;
  }
  membership_->gossiper().OnAck2(ack2, monotonic_->NowMillis());
  return Status::Ok();
}

}  // namespace memdb::cluster
