// The workload: which command comes next, on which key, with which value — the part of
// memdb-bench shared by every protocol. Pure and deterministic: no clock, no I/O; every random
// choice comes from a seeded generator, so a run's request sequence is reproducible.
//
// Keys are `prefix` + the key number in decimal, zero-padded to a fixed width, so every key
// has the same length and `key_size` can ask for an exact one ("key:000000012345" = 16 bytes).
// Key numbers are in [0, keyspace).
//
// Threading: every object here is a plain value owned by one worker thread.
#ifndef MEMDB_BENCH_WORKLOAD_H_
#define MEMDB_BENCH_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "memdb/result.h"

namespace memdb::bench {

enum class Command : uint8_t { kSet = 0, kGet = 1 };
inline constexpr size_t kCommandCount = 2;
inline constexpr const char* CommandName(Command c) { return c == Command::kSet ? "SET" : "GET"; }

// SplitMix64: small, fast, good enough for picking keys. Same seed, same sequence.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n > 0 (multiply-shift: no division, bias below 2^-64 * n).
  uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

 private:
  uint64_t state_;
};

// Formats key numbers. Format() writes into a buffer owned by the formatter: the returned view
// is valid until the next call.
class KeyFormatter {
 public:
  // `key_size` 0 picks the shortest width that fits keyspace-1 (at least one digit).
  // Errors (kInvalidArgument): keyspace 0; key_size too small for prefix + the digits of
  // keyspace-1; key_size over kMaxKeySize.
  static Result<KeyFormatter> Create(std::string_view prefix, uint64_t keyspace, size_t key_size);
  static constexpr size_t kMaxKeySize = 64 * 1024;

  std::string_view Format(uint64_t number) {
    char* p = buffer_.data() + buffer_.size();
    char* const digits_begin = buffer_.data() + prefix_size_;
    while (p != digits_begin) {
      *--p = static_cast<char>('0' + number % 10);
      number /= 10;
    }
    return buffer_;
  }
  size_t key_size() const { return buffer_.size(); }

 private:
  KeyFormatter(std::string buffer, size_t prefix_size)
      : buffer_(std::move(buffer)), prefix_size_(prefix_size) {}

  std::string buffer_;  // prefix followed by the digit area
  size_t prefix_size_;
};

// Interleaves SET and GET in the ratio sets:gets, spread evenly: out of every sets+gets
// consecutive commands exactly `sets` are SET (1:0 = SET only, 0:1 = GET only, 1:3 =
// GET GET GET SET ...). At least one of the two must be non-zero.
class CommandMix {
 public:
  CommandMix(uint32_t sets, uint32_t gets) : sets_(sets), period_(uint64_t{sets} + gets) {}
  Command Next() {
    const uint64_t k = position_;
    if (++position_ == period_) position_ = 0;
    // SET when floor((k+1)*sets/period) steps up: `sets` steps per period, evenly spaced.
    return ((k + 1) * sets_) / period_ > (k * sets_) / period_ ? Command::kSet : Command::kGet;
  }

 private:
  uint64_t sets_;
  uint64_t period_;
  uint64_t position_ = 0;
};

// Key numbers: uniformly random over [0, keyspace), or sequential from `first`, wrapping at
// keyspace.
class KeySequence {
 public:
  static KeySequence Random(uint64_t keyspace, uint64_t seed) {
    return KeySequence(keyspace, false, seed, 0);
  }
  static KeySequence Sequential(uint64_t keyspace, uint64_t first) {
    return KeySequence(keyspace, true, 0, first % keyspace);
  }
  uint64_t Next() {
    if (!sequential_) return rng_.Uniform(keyspace_);
    const uint64_t n = next_;
    if (++next_ == keyspace_) next_ = 0;
    return n;
  }

 private:
  KeySequence(uint64_t keyspace, bool sequential, uint64_t seed, uint64_t first)
      : keyspace_(keyspace), sequential_(sequential), rng_(seed), next_(first) {}

  uint64_t keyspace_;
  bool sequential_;
  Rng rng_;
  uint64_t next_;
};

// Part `index` of `total` split into `parts` near-equal contiguous ranges: [begin, end).
// The ranges of parts 0..parts-1 tile [0, total) exactly.
struct Range {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - begin; }
};
Range SplitEvenly(uint64_t total, uint32_t parts, uint32_t index);

// The value every SET sends: `size` printable bytes, the same for the whole run.
std::string MakeValue(size_t size);

struct WorkloadSpec {
  uint64_t keyspace = 1000000;
  std::string key_prefix = "key:";
  size_t key_size = 0;  // 0 = prefix + as many digits as keyspace-1 needs
  size_t value_size = 32;
  uint32_t ratio_sets = 1;
  uint32_t ratio_gets = 10;
  bool sequential = false;
  uint64_t seed = 1;
};

// One worker's request stream: command mix + key sequence + key formatting + the value.
// Worker `index` of `count` gets its own random stream (seed mixed with the index) or, in
// sequential mode, its own contiguous slice of [0, span) where `span` is the number of
// requests of the run (or the keyspace for runs bounded by time): with --requests equal to
// the keyspace, every key is written exactly once.
class Workload {
 public:
  static Result<Workload> Create(const WorkloadSpec& spec, uint32_t index, uint32_t count,
                                 uint64_t span);

  struct Request {
    Command command;
    std::string_view key;  // valid until the next call of Next()
  };
  Request Next() {
    const Command c = mix_.Next();
    return Request{c, keys_.Format(sequence_.Next())};
  }
  std::string_view value() const { return value_; }
  size_t key_size() const { return keys_.key_size(); }

 private:
  Workload(KeyFormatter keys, CommandMix mix, KeySequence sequence, std::string value)
      : keys_(std::move(keys)), mix_(mix), sequence_(sequence), value_(std::move(value)) {}

  KeyFormatter keys_;
  CommandMix mix_;
  KeySequence sequence_;
  std::string value_;
};

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_WORKLOAD_H_
