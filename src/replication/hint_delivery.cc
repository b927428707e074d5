#include "replication/hint_delivery.h"

#include <algorithm>
#include <string>
#include <utility>

#include "protocol/frame.h"
#include "protocol/replica_messages.h"

namespace memdb {

HintDelivery::HintDelivery(HintStore* store, const cluster::Gossiper* gossiper,
                           cluster::PeerTransport* transport, HybridClock* clock,
                           const HintOptions& options)
    : store_(store), gossiper_(gossiper), transport_(transport), clock_(clock), options_(options) {}

void HintDelivery::Tick(uint64_t /*now_ms*/) {
  for (NodeId target : store_->Targets()) {
    if (target == gossiper_->self_id() || !gossiper_->IsUp(target)) continue;
    stopped_[target] = false;
    Pump(target);
  }
}

void HintDelivery::Pump(NodeId target) {
  const std::string address = gossiper_->AddressOf(target);
  if (address.empty()) return;
  const uint64_t max_in_flight = std::max<uint32_t>(options_.max_in_flight, 1);
  while (!stopped_[target] && store_->InFlight(target) < max_in_flight) {
    HintToSend hint;
    Result<bool> next = store_->NextHint(target, &hint);
    if (!next.ok()) {  // the hint file cannot be read (counted by the store): retry next Tick
      stopped_[target] = true;
      return;
    }
    if (!*next) return;
    protocol::ReplicaWrite write;
    write.kind = hint.record.type == oplog::RecordType::kDelete
                     ? protocol::ReplicaWriteKind::kDelete
                     : protocol::ReplicaWriteKind::kPut;
    write.version = hint.record.version;
    write.key = hint.record.key;
    write.value = hint.record.value;
    std::string body;
    protocol::AppendReplicaWriteBody(write, &body);
    std::weak_ptr<bool> alive = alive_;
    transport_->Send(address, static_cast<uint8_t>(protocol::Opcode::kReplicaWrite), clock_->Tick(),
                     std::move(body), /*timeout_ms=*/0,
                     [this, alive, target, id = hint.id](const cluster::PeerResponse& response) {
                       if (alive.expired()) return;
                       OnAnswer(target, id, response);
                     });
  }
}

void HintDelivery::OnAnswer(NodeId target, uint64_t id, const cluster::PeerResponse& response) {
  if (response.timestamp != 0) (void)clock_->Observe(response.timestamp);
  bool applied = false;  // false: the replica already had this version or a newer one — fine
  if (response.status.ok() &&
      protocol::ParseReplicaWriteResponseBody(response.body, &applied).ok()) {
    store_->OnDelivered(target, id);
    if (!stopped_[target] && gossiper_->IsUp(target)) Pump(target);
    return;
  }
  store_->OnDeliveryFailed(target, id);
  stopped_[target] = true;
}

}  // namespace memdb
