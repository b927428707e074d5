#include "clients/cpp/pending_table.h"

#include <cassert>

namespace memdb::client_internal {

void PendingTable::Add(uint32_t id, PendingRequest request) {
  if (request.deadline != kNoDeadline) deadlines_.emplace(request.deadline, id);
  [[maybe_unused]] bool inserted = by_id_.emplace(id, std::move(request)).second;
  assert(inserted && "request id already pending");
}

std::optional<PendingRequest> PendingTable::Take(uint32_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  PendingRequest request = std::move(it->second);
  by_id_.erase(it);
  if (request.deadline != kNoDeadline) deadlines_.erase({request.deadline, id});
  return request;
}

std::vector<PendingRequest> PendingTable::TakeConnection(uint64_t connection_id) {
  std::vector<PendingRequest> out;
  for (auto it = by_id_.begin(); it != by_id_.end();) {
    if (it->second.connection_id == connection_id) {
      if (it->second.deadline != kNoDeadline) deadlines_.erase({it->second.deadline, it->first});
      out.push_back(std::move(it->second));
      it = by_id_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<PendingRequest> PendingTable::TakeExpired(Deadline now) {
  std::vector<PendingRequest> out;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    uint32_t id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = by_id_.find(id);
    assert(it != by_id_.end());
    out.push_back(std::move(it->second));
    by_id_.erase(it);
  }
  return out;
}

std::vector<PendingRequest> PendingTable::TakeAll() {
  std::vector<PendingRequest> out;
  out.reserve(by_id_.size());
  for (auto& [id, request] : by_id_) out.push_back(std::move(request));
  by_id_.clear();
  deadlines_.clear();
  return out;
}

Deadline PendingTable::NextDeadline() const {
  return deadlines_.empty() ? kNoDeadline : deadlines_.begin()->first;
}

}  // namespace memdb::client_internal
