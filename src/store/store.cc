#include "store/store.h"

#include <malloc.h>
#include <xxhash.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/endian.h"

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
// Grow when size/capacity would exceed 4/5.
constexpr size_t kMaxLoadNumerator = 4;
constexpr size_t kMaxLoadDenominator = 5;

uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }
uint64_t TagOf(uint64_t hash) { return hash & ~kPointerMask; }

char* BlockOf(uint64_t slot) { return reinterpret_cast<char*>(slot & kPointerMask); }
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
  capacity_ = kInitialCapacity;
  slots_ = static_cast<uint64_t*>(std::calloc(capacity_, sizeof(uint64_t)));
  if (slots_ == nullptr) throw std::bad_alloc();
  stats_.index_bytes = capacity_ * sizeof(uint64_t);
}

Store::~Store() {
  for (size_t i = 0; i < capacity_; ++i) {
    if (slots_[i] != 0) std::free(BlockOf(slots_[i]));
  }
  std::free(slots_);
}

size_t Store::Probe(std::string_view key, uint64_t hash) const {
  const size_t mask = capacity_ - 1;
  const uint64_t tag = TagOf(hash);
  size_t i = hash & mask;
  while (true) {
    const uint64_t slot = slots_[i];
    if (slot == 0) return i;
    if ((slot & ~kPointerMask) == tag) {
      const char* b = BlockOf(slot);
      if (KeyLen(b) == key.size() && std::memcmp(b + kBlockHeader, key.data(), key.size()) == 0) {
        return i;
      }
    }
    i = (i + 1) & mask;
  }
}

std::optional<StoredValue> Store::Find(std::string_view key) const {
  const size_t i = Probe(key, HashKey(key));
  if (slots_[i] == 0) return std::nullopt;
  return ViewOf(BlockOf(slots_[i]));
}

Store::ApplyResult Store::Put(std::string_view key, std::string_view value, Version version) {
  return Write(key, value, version, /*tombstone=*/false);
}

Store::ApplyResult Store::Delete(std::string_view key, Version version) {
  return Write(key, {}, version, /*tombstone=*/true);
}

Store::ApplyResult Store::Write(std::string_view key, std::string_view value, Version version,
                                bool tombstone) {
  const uint64_t hash = HashKey(key);
  size_t i = Probe(key, hash);
  const size_t block_size = kBlockHeader + key.size() + value.size();

  if (slots_[i] != 0) {
    char* old = BlockOf(slots_[i]);
    if (!(version > VersionOf(old))) return ApplyResult{false, !IsTombstone(old)};
    const bool was_live = !IsTombstone(old);
    const size_t old_usable = malloc_usable_size(old);
    if (block_size <= old_usable && block_size * 2 >= old_usable) {
      FillBlock(old, key, value, version, tombstone);  // same size class: rewrite in place
    } else {
      char* fresh = AllocateBlock(block_size);
      FillBlock(fresh, key, value, version, tombstone);
      std::free(old);
      slots_[i] = TagOf(hash) | reinterpret_cast<uint64_t>(fresh);
      stats_.record_bytes += malloc_usable_size(fresh);
      stats_.record_bytes -= old_usable;
    }
    if (was_live && tombstone) ++stats_.tombstones;
    if (!was_live && !tombstone) --stats_.tombstones;
    return ApplyResult{true, was_live};
  }

  if ((size_ + 1) * kMaxLoadDenominator > capacity_ * kMaxLoadNumerator) {
    Grow();
    i = Probe(key, hash);
  }
  char* fresh = AllocateBlock(block_size);
  FillBlock(fresh, key, value, version, tombstone);
  slots_[i] = TagOf(hash) | reinterpret_cast<uint64_t>(fresh);
  ++size_;
  stats_.entries = size_;
  stats_.record_bytes += malloc_usable_size(fresh);
  if (tombstone) ++stats_.tombstones;
  return ApplyResult{true, false};
}

void Store::Grow() {
  const size_t new_capacity = capacity_ * 2;
  auto* fresh = static_cast<uint64_t*>(std::calloc(new_capacity, sizeof(uint64_t)));
  if (fresh == nullptr) throw std::bad_alloc();
  const size_t mask = new_capacity - 1;
  for (size_t j = 0; j < capacity_; ++j) {
    const uint64_t slot = slots_[j];
    if (slot == 0) continue;
    size_t i = HashKey(KeyOf(BlockOf(slot))) & mask;
    while (fresh[i] != 0) i = (i + 1) & mask;
    fresh[i] = slot;
  }
  std::free(slots_);
  slots_ = fresh;
  capacity_ = new_capacity;
  stats_.index_bytes = capacity_ * sizeof(uint64_t);
}

// Backward-shift deletion: keeps every remaining key reachable from its home slot without
// leaving deletion markers behind.
void Store::EraseSlot(size_t index) {
  const size_t mask = capacity_ - 1;
  char* block = BlockOf(slots_[index]);
  stats_.record_bytes -= malloc_usable_size(block);
  if (IsTombstone(block)) --stats_.tombstones;
  std::free(block);
  slots_[index] = 0;
  --size_;
  stats_.entries = size_;

  size_t hole = index;
  size_t j = (index + 1) & mask;
  while (slots_[j] != 0) {
    const size_t home = HashKey(KeyOf(BlockOf(slots_[j]))) & mask;
    // Move slot j into the hole if its home is not cyclically within (hole, j].
    const bool home_in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!home_in_range) {
      slots_[hole] = slots_[j];
      slots_[j] = 0;
      hole = j;
    }
    j = (j + 1) & mask;
  }
}

size_t Store::PurgeTombstones(Timestamp older_than) {
  size_t purged = 0;
  size_t i = 0;
  while (i < capacity_) {
    const uint64_t slot = slots_[i];
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
  for (size_t i = 0; i < capacity_; ++i) {
    if (slots_[i] == 0) continue;
    const char* b = BlockOf(slots_[i]);
    fn(KeyOf(b), ViewOf(b));
  }
}

}  // namespace memdb
