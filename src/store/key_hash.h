// KeyHash — the one 64-bit hash of a key (XXH3-64, seed 0). The store's index, the ring's key
// positions and the operation log's catch-up ranges all use it, so a token range names exactly
// the keys and log records it holds.
//
// Inline, with xxhash in header-only mode: every user gets the hash inlined, and no library
// (the installed client among them) needs to link libxxhash.
#ifndef MEMDB_STORE_KEY_HASH_H_
#define MEMDB_STORE_KEY_HASH_H_

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace memdb {

inline uint64_t KeyHash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

}  // namespace memdb

#endif  // MEMDB_STORE_KEY_HASH_H_
