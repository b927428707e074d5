#include "net/system_env.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdlib>

namespace memdb {

uint64_t SystemClock::NowMillis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

uint64_t SteadyNowMillis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

uint64_t SteadyClock::NowMillis() { return SteadyNowMillis(); }

uint64_t SecureRandom::Next64() {
  uint64_t v;
  Fill(&v, sizeof v);
  return v;
}

void SecureRandom::Fill(void* dst, size_t n) {
  if (RAND_bytes(static_cast<unsigned char*>(dst), static_cast<int>(n)) != 1) std::abort();
}

}  // namespace memdb
