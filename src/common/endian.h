// Little-endian fixed-width integer encoding, used by every wire and disk format.
// Get* read from raw bytes the caller has already bounds-checked.
#ifndef MEMDB_COMMON_ENDIAN_H_
#define MEMDB_COMMON_ENDIAN_H_

#include <cstdint>
#include <cstring>
#include <string>

namespace memdb {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "memdb assumes a little-endian host");

inline void EncodeU16(char* dst, uint16_t v) { std::memcpy(dst, &v, sizeof v); }
inline void EncodeU32(char* dst, uint32_t v) { std::memcpy(dst, &v, sizeof v); }
inline void EncodeU64(char* dst, uint64_t v) { std::memcpy(dst, &v, sizeof v); }

inline uint16_t DecodeU16(const char* src) {
  uint16_t v;
  std::memcpy(&v, src, sizeof v);
  return v;
}
inline uint32_t DecodeU32(const char* src) {
  uint32_t v;
  std::memcpy(&v, src, sizeof v);
  return v;
}
inline uint64_t DecodeU64(const char* src) {
  uint64_t v;
  std::memcpy(&v, src, sizeof v);
  return v;
}

inline void PutU8(std::string* dst, uint8_t v) { dst->push_back(static_cast<char>(v)); }
inline void PutU16(std::string* dst, uint16_t v) { dst->append(reinterpret_cast<char*>(&v), 2); }
inline void PutU32(std::string* dst, uint32_t v) { dst->append(reinterpret_cast<char*>(&v), 4); }
inline void PutU64(std::string* dst, uint64_t v) { dst->append(reinterpret_cast<char*>(&v), 8); }

}  // namespace memdb

#endif  // MEMDB_COMMON_ENDIAN_H_
