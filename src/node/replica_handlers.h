// The replica side of replication: REPLICA_WRITE and REPLICA_READ from a coordinator
// (protocol/replica_messages.h). Only sessions authenticated with the cluster key (the Node
// checks that before calling).
#ifndef MEMDB_NODE_REPLICA_HANDLERS_H_
#define MEMDB_NODE_REPLICA_HANDLERS_H_

#include <string>

#include "memdb/status.h"
#include "oplog/oplog_writer.h"
#include "protocol/frame.h"

namespace memdb {

class Node;

// On success appends the response to `out` and sets `*lsn` to the LSN the reply must wait for
// (a write is acknowledged only once durable); on error returns it (the Node answers it).
Status HandleReplicaRequest(Node& node, const protocol::Frame& frame, std::string* out,
                            oplog::Lsn* lsn);

}  // namespace memdb

#endif  // MEMDB_NODE_REPLICA_HANDLERS_H_
