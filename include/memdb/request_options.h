// memdb::RequestOptions — the consistency level and deadline of one key request
// (memdb::Client::Get(key, options) and the other overloads; docs/cluster.md, "Consistency
// levels"; on the wire: the GET_CL / SET_CL / DEL_CL / CONTAINS_CL opcodes, docs/protocol.md).
//
//   memdb::RequestOptions quorum;
//   quorum.consistency = memdb::Consistency::kQuorum;
//   quorum.deadline = std::chrono::milliseconds(200);
//   memdb::Result<std::optional<memdb::VersionedValue>> got = client.Get("k", quorum);
//   // got.ok(): a quorum of the key's replicas answered within 200 ms; the newest value.
//   // Code::kTimeout: the quorum was not reached in time (the server's message says how many
//   //   answered); for a write the outcome is unknown (it may or may not have been applied).
//   // Code::kUnavailable: fewer replicas are up than the level needs; nothing was done
//   //   (unless the message says the outcome is unknown: replicas up but failing).
#ifndef MEMDB_REQUEST_OPTIONS_H_
#define MEMDB_REQUEST_OPTIONS_H_

#include <chrono>
#include <cstdint>

#include "memdb/consistency.h"

namespace memdb {

struct RequestOptions {
  // How many of the key's replicas must answer (reads) or acknowledge (writes). kDefault: the
  // node's configured level (replication.read_consistency / write_consistency).
  Consistency consistency = Consistency::kDefault;
  // How long the coordinating node may take to reach the level before it answers TIMEOUT.
  // Zero: the node's replication.request_timeout_ms. At most 2^32 - 1 ms (sent as a u32);
  // a negative or larger value fails the request with kInvalidArgument before it is sent.
  // The client waits at least deadline + ClientOptions::deadline_margin for the reply, so its
  // own request_timeout never cuts the server's answer short.
  std::chrono::milliseconds deadline{0};

  // True when both fields are the defaults: the request goes out as the plain opcode
  // (GET, SET, ...), which every server understands.
  bool is_default() const { return consistency == Consistency::kDefault && deadline.count() == 0; }
};

// The largest deadline the protocol carries.
inline constexpr std::chrono::milliseconds kMaxRequestDeadline{UINT32_MAX};

}  // namespace memdb

#endif  // MEMDB_REQUEST_OPTIONS_H_
