// Random — the only source of randomness for core code (nonces, jitter, gossip peers).
//
// The runtime passes SecureRandom (src/net/system_env.h, OpenSSL's CSPRNG) so that
// authentication nonces are unpredictable; tests and the simulator pass SeededRandom so every
// run replays from its seed.
#ifndef MEMDB_COMMON_RANDOM_H_
#define MEMDB_COMMON_RANDOM_H_

#include <cstddef>
#include <cstdint>

namespace memdb {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next64() = 0;
  // Fills dst[0..n) with random bytes.
  virtual void Fill(void* dst, size_t n);
  // Uniform in [0, bound); bound must be > 0.
  uint64_t Uniform(uint64_t bound);
};

// Deterministic generator (splitmix64 seeding xoshiro256**). Not for secrets.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  uint64_t Next64() override;
  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace memdb

#endif  // MEMDB_COMMON_RANDOM_H_
