// KeyHash — the one 64-bit hash of a key (XXH3-64, seed 0). The store's index, the ring's key
// positions and the operation log's catch-up ranges all use it, so a token range names exactly
// the keys and log records it holds.
#ifndef MEMDB_STORE_KEY_HASH_H_
#define MEMDB_STORE_KEY_HASH_H_

#include <cstdint>
#include <string_view>

namespace memdb {

uint64_t KeyHash(std::string_view key);

}  // namespace memdb

#endif  // MEMDB_STORE_KEY_HASH_H_
