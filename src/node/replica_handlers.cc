#include "node/replica_handlers.h"

#include "node/node.h"
#include "protocol/replica_messages.h"
#include "store/key_hash.h"

namespace memdb {

using protocol::Opcode;

namespace {

Status HandleReplicaWrite(Node& node, const protocol::Frame& frame, std::string* out,
                          oplog::Lsn* lsn) {
  protocol::ReplicaWrite write;
  Status status = protocol::ParseReplicaWriteBody(frame.body, node.options().limits, &write);
  if (!status.ok()) return status;
  Result<Store::ApplyResult> applied = write.kind == protocol::ReplicaWriteKind::kPut
                                           ? node.ApplyPut(write.key, write.value, write.version)
                                           : node.ApplyDelete(write.key, write.version);
  if (!applied.ok()) return applied.status();
  protocol::AppendReplicaWriteResponse(out, frame.header.request_id, node.clock().Current(),
                                       applied->applied, applied->replaced_live);
  // Acknowledged only once durable: a write that lost to a newer version waits too, since the
  // newer version it reports may itself not be durable yet.
  *lsn = node.UnackedLsn();
  return Status::Ok();
}

Status HandleReplicaRead(Node& node, const protocol::Frame& frame, std::string* out,
                         oplog::Lsn* lsn) {
  std::string_view key;
  Status status = protocol::ParseReplicaReadBody(frame.body, node.options().limits, &key);
  if (!status.ok()) return status;
  protocol::ReplicaReadResult result;
  if (auto found = node.store().Find(key)) {
    result.state =
        found->tombstone ? protocol::ReplicaState::kTombstone : protocol::ReplicaState::kLive;
    result.version = found->version;
    result.value = found->value;
  }
  result.catching_up = !node.IsCaughtUp(KeyHash(key));
  protocol::AppendReplicaReadResponse(out, frame.header.request_id, node.clock().Current(), result);
  // Like GET: never report state a crash could take back.
  *lsn = node.UnackedLsn();
  return Status::Ok();
}

}  // namespace

Status HandleReplicaRequest(Node& node, const protocol::Frame& frame, std::string* out,
                            oplog::Lsn* lsn) {
  *lsn = 0;
  switch (static_cast<Opcode>(frame.header.opcode)) {
    case Opcode::kReplicaWrite:
      return HandleReplicaWrite(node, frame, out, lsn);
    case Opcode::kReplicaRead:
      return HandleReplicaRead(node, frame, out, lsn);
    default:
      return Status(Code::kUnknownOpcode, std::string(protocol::OpcodeName(frame.header.opcode)) +
                                              " is not a replica request");
  }
}

}  // namespace memdb
