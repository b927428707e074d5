// Store — the node's versioned in-memory map: key -> (value or tombstone, Version).
//
// Rules: a write is applied only when its version is strictly higher than the stored one
// (last-write-wins; an equal version is a duplicate and changes nothing). Deletes are writes
// of a tombstone, so a late-arriving older write cannot resurrect a deleted key; tombstones
// are removed only by PurgeTombstones (after the grace period the caller chooses).
//
// Layout, built for bytes per key: each entry is ONE heap block
//   [u64 timestamp][u32 node_id][u32 key_len][u32 value_len | tombstone bit][key][value]
// and the index is an open-addressing table (linear probing, power-of-two capacity) of 8-byte
// slots holding the block pointer (low 48 bits) and 16 bits of the key's hash as a tag, so
// most mismatches are rejected without touching the block.
//
// Growth is incremental: when the table passes 80% load a table twice the size is allocated
// and each write moves a few slots of the old one, so the cost of rehashing is spread over the
// next writes instead of stalling one of them (a one-shot rehash of 1M keys took ~50 ms).
//
// Not thread-safe: owned by the node's event-loop thread. Views returned by Find are valid
// until the next mutation.
#ifndef MEMDB_STORE_STORE_H_
#define MEMDB_STORE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "memdb/version.h"

namespace memdb {

struct StoredValue {
  std::string_view value;  // empty for tombstones
  Version version;
  bool tombstone = false;
};

struct StoreStats {
  size_t entries = 0;  // live values + tombstones
  size_t tombstones = 0;
  size_t record_bytes = 0;  // heap bytes of entry blocks (allocator's usable size)
  size_t index_bytes = 0;   // the slot table
  size_t total_bytes() const { return record_bytes + index_bytes; }
};

class Store {
 public:
  struct ApplyResult {
    bool applied = false;        // false: an equal or newer version was already stored
    bool replaced_live = false;  // a live (non-tombstone) value was there before
  };

  Store();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  ApplyResult Put(std::string_view key, std::string_view value, Version version);
  ApplyResult Delete(std::string_view key, Version version);

  // The stored entry, tombstones included; nullopt when the key was never written (or purged).
  std::optional<StoredValue> Find(std::string_view key) const;

  // Physically removes tombstones with timestamp < `older_than`. Returns how many.
  size_t PurgeTombstones(Timestamp older_than);

  // Visits every entry (tombstones included) in unspecified order. `fn` must not mutate the
  // store.
  void ForEach(const std::function<void(std::string_view key, const StoredValue&)>& fn) const;

  size_t size() const { return stats_.entries; }
  const StoreStats& stats() const { return stats_; }

  // For tests: whether an incremental grow is in progress.
  bool TEST_growing() const { return old_table_.capacity != 0; }

 private:
  // An open-addressing slot array. A slot is 0 (empty), kMovedSlot (old table only: migrated,
  // keep probing) or tag | pointer.
  struct Table {
    uint64_t* slots = nullptr;
    size_t capacity = 0;  // power of two; 0 = no table
  };

  ApplyResult Write(std::string_view key, std::string_view value, Version version, bool tombstone);
  // Index in `table` of the slot holding `key`, or of the empty slot where it would go.
  static size_t Probe(const Table& table, std::string_view key, uint64_t hash);
  // The slot holding `key` in either table, or nullptr.
  uint64_t* Locate(std::string_view key, uint64_t hash) const;
  // Starts moving everything into a table twice the size; MigrateSome finishes the move a
  // few slots per write so no single operation pays for the whole rehash.
  void StartGrow();
  void MigrateSome(size_t slots);
  void FinishMigration();
  void EraseSlot(size_t index);

  Table table_;             // where new keys go
  Table old_table_;         // non-empty only while a grow is in progress
  size_t migrate_pos_ = 0;  // next old_table_ slot to migrate
  StoreStats stats_;
};

}  // namespace memdb

#endif  // MEMDB_STORE_STORE_H_
