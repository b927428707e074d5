// memdb::Version — the stamp every stored value carries: (hybrid Lamport timestamp, node id).
// The higher version wins (last-write-wins); timestamps compare first, node ids break ties.
#ifndef MEMDB_VERSION_H_
#define MEMDB_VERSION_H_

#include <compare>
#include <cstdint>

namespace memdb {

// A hybrid logical clock value: bits 63..16 are milliseconds since the Unix epoch, bits 15..0
// a logical counter. See src/cluster/hlc.h.
using Timestamp = uint64_t;
using NodeId = uint32_t;

inline constexpr int kHlcLogicalBits = 16;
inline constexpr Timestamp HlcMillis(Timestamp ts) { return ts >> kHlcLogicalBits; }
inline constexpr uint32_t HlcLogical(Timestamp ts) {
  return static_cast<uint32_t>(ts & ((Timestamp{1} << kHlcLogicalBits) - 1));
}

struct Version {
  Timestamp timestamp = 0;
  NodeId node_id = 0;

  friend constexpr auto operator<=>(const Version&, const Version&) = default;
  friend constexpr bool operator==(const Version&, const Version&) = default;
};

}  // namespace memdb

#endif  // MEMDB_VERSION_H_
