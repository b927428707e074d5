#include "store/store.h"

#include <malloc.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/endian.h"
#include "store/key_hash.h"

namespace memdb {

// ============================================================================================
// Entry blocks
// ============================================================================================

namespace {

constexpr size_t kTimestampOffset = 0;
constexpr size_t kNodeOffset = 8;
constexpr size_t kKeyLenOffset = 12;
constexpr size_t kValueLenOffset = 16;
constexpr size_t kBlockHeader = 20;
constexpr uint32_t kTombstoneBit = 0x80000000u;

constexpr int kPointerBits = 48;
constexpr uint64_t kPointerMask = (uint64_t{1} << kPointerBits) - 1;
constexpr size_t kInitialCapacity = 16;
// An old-table slot whose entry has moved to the new table: lookups probe past it.
constexpr uint64_t kMovedSlot = 1;
// Old-table slots migrated per write. Growth doubles the capacity at 80% load, so the old table
// (C slots) must be drained within 0.8*C inserts: 1.25 slots per write would do; 8 leaves room
// for writes that update existing keys.
constexpr size_t kMigrateSlotsPerWrite = 8;
// Grow when size/capacity would exceed 4/5.
constexpr size_t kMaxLoadNumerator = 4;
constexpr size_t kMaxLoadDenominator = 5;

uint64_t TagOf(uint64_t hash) { return hash & ~kPointerMask; }

char* BlockOf(uint64_t slot) { return reinterpret_cast<char*>(slot & kPointerMask); }
bool HoldsEntry(uint64_t slot) { return slot > kMovedSlot; }

uint64_t* AllocateSlots(size_t capacity) {
  auto* slots = static_cast<uint64_t*>(std::calloc(capacity, sizeof(uint64_t)));
  if (slots == nullptr) throw std::bad_alloc();
  return slots;
}
uint32_t KeyLen(const char* b) { return DecodeU32(b + kKeyLenOffset); }
uint32_t ValueField(const char* b) { return DecodeU32(b + kValueLenOffset); }
uint32_t ValueLen(const char* b) { return ValueField(b) & ~kTombstoneBit; }
bool IsTombstone(const char* b) { return (ValueField(b) & kTombstoneBit) != 0; }
std::string_view KeyOf(const char* b) { return {b + kBlockHeader, KeyLen(b)}; }
Version VersionOf(const char* b) {
  return Version{DecodeU64(b + kTimestampOffset), DecodeU32(b + kNodeOffset)};
}
StoredValue ViewOf(const char* b) {
  return StoredValue{{b + kBlockHeader + KeyLen(b), ValueLen(b)}, VersionOf(b), IsTombstone(b)};
}

void FillBlock(char* b, std::string_view key, std::string_view value, Version version,
               bool tombstone) {
  EncodeU64(b + kTimestampOffset, version.timestamp);
  EncodeU32(b + kNodeOffset, version.node_id);
  EncodeU32(b + kKeyLenOffset, static_cast<uint32_t>(key.size()));
  EncodeU32(b + kValueLenOffset,
            static_cast<uint32_t>(value.size()) | (tombstone ? kTombstoneBit : 0));
  std::memcpy(b + kBlockHeader, key.data(), key.size());
  if (!value.empty()) std::memcpy(b + kBlockHeader + key.size(), value.data(), value.size());
}

char* AllocateBlock(size_t bytes) {
  void* p = std::malloc(bytes);
  if (p == nullptr) throw std::bad_alloc();
  assert((reinterpret_cast<uint64_t>(p) & ~kPointerMask) == 0 && "pointer wider than 48 bits");
  return static_cast<char*>(p);
}

}  // namespace

// ============================================================================================
// Store
// ============================================================================================

Store::Store() {
  table_.capacity = kInitialCapacity;
  table_.slots = AllocateSlots(table_.capacity);
  stats_.index_bytes = table_.capacity * sizeof(uint64_t);
}

Store::~Store() {
  for (const Table* t : {&table_, &old_table_}) {
    for (size_t i = 0; i < t->capacity; ++i) {
      if (HoldsEntry(t->slots[i])) std::free(BlockOf(t->slots[i]));
    }
    std::free(t->slots);
  }
}

size_t Store::Probe(const Table& table, std::string_view key, uint64_t hash) {
  const size_t mask = table.capacity - 1;
  const uint64_t tag = TagOf(hash);
  size_t i = hash & mask;
  while (true) {
    const uint64_t slot = table.slots[i];
    if (slot == 0) return i;
    if ((slot & ~kPointerMask) == tag && HoldsEntry(slot)) {
      const char* b = BlockOf(slot);
      if (KeyLen(b) == key.size() && std::memcmp(b + kBlockHeader, key.data(), key.size()) == 0) {
        return i;
      }
    }
    i = (i + 1) & mask;
  }
}

uint64_t* Store::Locate(std::string_view key, uint64_t hash) const {
  uint64_t* slot = &table_.slots[Probe(table_, key, hash)];
  if (*slot != 0) return slot;
  if (old_table_.capacity == 0) return nullptr;
  slot = &old_table_.slots[Probe(old_table_, key, hash)];
  return *slot != 0 ? slot : nullptr;
}

std::optional<StoredValue> Store::Find(std::string_view key) const {
  const uint64_t* slot = Locate(key, KeyHash(key));
  if (slot == nullptr) return std::nullopt;
  return ViewOf(BlockOf(*slot));
}

Store::ApplyResult Store::Put(std::string_view key, std::string_view value, Version version) {
  return Write(key, value, version, /*tombstone=*/false);
}

Store::ApplyResult Store::Delete(std::string_view key, Version version) {
  return Write(key, {}, version, /*tombstone=*/true);
}

Store::ApplyResult Store::Write(std::string_view key, std::string_view value, Version version,
                                bool tombstone) {
  if (old_table_.capacity != 0) MigrateSome(kMigrateSlotsPerWrite);
  const uint64_t hash = KeyHash(key);
  const size_t block_size = kBlockHeader + key.size() + value.size();

  if (uint64_t* slot = Locate(key, hash)) {
    char* old = BlockOf(*slot);
    if (!(version > VersionOf(old))) return ApplyResult{false, !IsTombstone(old)};
    const bool was_live = !IsTombstone(old);
    const size_t old_usable = malloc_usable_size(old);
    if (block_size <= old_usable && block_size * 2 >= old_usable) {
      FillBlock(old, key, value, version, tombstone);  // same size class: rewrite in place
    } else {
      char* fresh = AllocateBlock(block_size);
      FillBlock(fresh, key, value, version, tombstone);
      std::free(old);
      *slot = TagOf(hash) | reinterpret_cast<uint64_t>(fresh);
      stats_.record_bytes += malloc_usable_size(fresh);
      stats_.record_bytes -= old_usable;
    }
    if (was_live && tombstone) ++stats_.tombstones;
    if (!was_live && !tombstone) --stats_.tombstones;
    return ApplyResult{true, was_live};
  }

  if ((stats_.entries + 1) * kMaxLoadDenominator > table_.capacity * kMaxLoadNumerator) StartGrow();
  char* fresh = AllocateBlock(block_size);
  FillBlock(fresh, key, value, version, tombstone);
  table_.slots[Probe(table_, key, hash)] = TagOf(hash) | reinterpret_cast<uint64_t>(fresh);
  ++stats_.entries;
  stats_.record_bytes += malloc_usable_size(fresh);
  if (tombstone) ++stats_.tombstones;
  return ApplyResult{true, false};
}

// ============================================================================================
// Incremental growth
// ============================================================================================

void Store::StartGrow() {
  FinishMigration();  // only if writes outpaced migration (e.g. growth right after growth)
  old_table_ = table_;
  migrate_pos_ = 0;
  table_.capacity = old_table_.capacity * 2;
  table_.slots = AllocateSlots(table_.capacity);
  stats_.index_bytes = (table_.capacity + old_table_.capacity) * sizeof(uint64_t);
}

void Store::MigrateSome(size_t slots) {
  const size_t end = std::min(old_table_.capacity, migrate_pos_ + slots);
  const size_t mask = table_.capacity - 1;
  for (; migrate_pos_ < end; ++migrate_pos_) {
    uint64_t& slot = old_table_.slots[migrate_pos_];
    if (!HoldsEntry(slot)) continue;
    // Every key lives in exactly one table, so the new table has no entry for this one.
    size_t i = KeyHash(KeyOf(BlockOf(slot))) & mask;
    while (table_.slots[i] != 0) i = (i + 1) & mask;
    table_.slots[i] = slot;
    slot = kMovedSlot;  // not 0: keys displaced past this slot must stay reachable
  }
  if (migrate_pos_ == old_table_.capacity) {
    std::free(old_table_.slots);
    old_table_ = Table{};
    stats_.index_bytes = table_.capacity * sizeof(uint64_t);
  }
}

void Store::FinishMigration() {
  if (old_table_.capacity != 0) MigrateSome(old_table_.capacity);
}

// ============================================================================================
// Removal and iteration
// ============================================================================================

// Backward-shift deletion: keeps every remaining key reachable from its home slot without
// leaving deletion markers behind. Only on table_, with no migration in progress.
void Store::EraseSlot(size_t index) {
  uint64_t* slots = table_.slots;
  const size_t mask = table_.capacity - 1;
  char* block = BlockOf(slots[index]);
  stats_.record_bytes -= malloc_usable_size(block);
  if (IsTombstone(block)) --stats_.tombstones;
  std::free(block);
  slots[index] = 0;
  --stats_.entries;

  size_t hole = index;
  size_t j = (index + 1) & mask;
  while (slots[j] != 0) {
    const size_t home = KeyHash(KeyOf(BlockOf(slots[j]))) & mask;
    // Move slot j into the hole if its home is not cyclically within (hole, j].
    const bool home_in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!home_in_range) {
      slots[hole] = slots[j];
      slots[j] = 0;
      hole = j;
    }
    j = (j + 1) & mask;
  }
}

size_t Store::PurgeTombstones(Timestamp older_than) {
  FinishMigration();  // backward-shift deletion needs a single table
  size_t purged = 0;
  size_t i = 0;
  while (i < table_.capacity) {
    const uint64_t slot = table_.slots[i];
    if (slot != 0 && IsTombstone(BlockOf(slot)) &&
        VersionOf(BlockOf(slot)).timestamp < older_than) {
      EraseSlot(i);
      ++purged;
      continue;  // a shifted entry may now sit at i
    }
    ++i;
  }
  return purged;
}

void Store::ForEach(const std::function<void(std::string_view key, const StoredValue&)>& fn) const {
  for (const Table* t : {&table_, &old_table_}) {
    for (size_t i = 0; i < t->capacity; ++i) {
      if (!HoldsEntry(t->slots[i])) continue;
      const char* b = BlockOf(t->slots[i]);
      fn(KeyOf(b), ViewOf(b));
    }
  }
}

}  // namespace memdb
