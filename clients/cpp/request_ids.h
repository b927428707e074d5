// RequestIds — request ids for one client: 1, 2, 3, ... wrapping around, never 0 (a server
// answers frames it could not attribute to a request with id 0). Lock-free, thread-safe.
// Ids are unique among in-flight requests as long as fewer than 2^32 - 1 are outstanding;
// the pending table checks for a clash anyway.
#ifndef MEMDB_CLIENTS_CPP_REQUEST_IDS_H_
#define MEMDB_CLIENTS_CPP_REQUEST_IDS_H_

#include <atomic>
#include <cstdint>

namespace memdb::client_internal {

class RequestIds {
 public:
  uint32_t Next() {
    for (;;) {
      uint32_t id = next_.fetch_add(1, std::memory_order_relaxed);
      if (id != 0) return id;
    }
  }

 private:
  std::atomic<uint32_t> next_{1};
};

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_REQUEST_IDS_H_
