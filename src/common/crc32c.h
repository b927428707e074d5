// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78) — the checksum of every
// on-disk record, block, header and manifest.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time), otherwise
// a slicing-by-8 table. Both give identical results; Value("123456789") == 0xE3069283.
//
// Mask/Unmask (as in leveldb): a CRC stored next to data that is itself checksummed again
// (a record inside a compressed block) is masked so that the CRC of a string containing
// embedded CRCs is not degenerate. Stored CRCs are always masked.
#ifndef MEMDB_COMMON_CRC32C_H_
#define MEMDB_COMMON_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memdb::crc32c {

// The CRC of `crc`'s message followed by data[0..n).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

inline constexpr uint32_t kMaskDelta = 0xa282ead8u;

inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// For tests and benchmarks: which implementation Extend uses ("sse4.2" or "table"), and the
// portable one directly.
const char* Implementation();
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);

}  // namespace memdb::crc32c

#endif  // MEMDB_COMMON_CRC32C_H_
