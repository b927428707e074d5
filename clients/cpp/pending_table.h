// PendingTable — the requests a client has sent and not yet completed, by request id, with
// their deadlines in order for the timeout sweeper.
//
// Not thread-safe: ClientImpl guards it with its mutex. Entries are taken out (never
// completed in place), so completions run after the lock is released.
#ifndef MEMDB_CLIENTS_CPP_PENDING_TABLE_H_
#define MEMDB_CLIENTS_CPP_PENDING_TABLE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "clients/cpp/socket.h"
#include "memdb/status.h"
#include "protocol/frame.h"

namespace memdb::client_internal {

// Completes one request. `status` is OK with the reply `body` (valid only during the call), or
// the failure: the server's error, kTimeout, kConnectionFailed, ...
using Completion = std::function<void(const Status& status, std::string_view body)>;

struct PendingRequest {
  uint64_t connection_id = 0;  // the connection it was sent on
  protocol::Opcode opcode = protocol::Opcode::kPing;
  Deadline deadline = kNoDeadline;
  std::chrono::milliseconds timeout{0};  // what `deadline` was set from, for the message
  Completion complete;
};

class PendingTable {
 public:
  bool Contains(uint32_t id) const { return by_id_.count(id) != 0; }
  // The request with `id`, or null. Valid until the table is next modified.
  const PendingRequest* Find(uint32_t id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
  }
  // `id` must not be in the table.
  void Add(uint32_t id, PendingRequest request);
  // Removes and returns the request with `id`, if any.
  std::optional<PendingRequest> Take(uint32_t id);
  // Removes every request sent on `connection_id`.
  std::vector<PendingRequest> TakeConnection(uint64_t connection_id);
  // Removes every request whose deadline is at or before `now`.
  std::vector<PendingRequest> TakeExpired(Deadline now);
  std::vector<PendingRequest> TakeAll();
  // The earliest deadline, or kNoDeadline.
  Deadline NextDeadline() const;
  size_t size() const { return by_id_.size(); }

 private:
  std::unordered_map<uint32_t, PendingRequest> by_id_;
  std::set<std::pair<Deadline, uint32_t>> deadlines_;  // only finite deadlines
};

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_PENDING_TABLE_H_
