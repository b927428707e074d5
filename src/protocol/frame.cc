#include "protocol/frame.h"

#include <array>
#include <string_view>

namespace memdb::protocol {

namespace {

// "0x00" .. "0xff", so OpcodeName can return a view for any byte without allocating.
constexpr std::array<std::array<char, 4>, 256> kHexNames = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<std::array<char, 4>, 256> names{};
  for (size_t i = 0; i < names.size(); ++i) {
    names[i] = {'0', 'x', kDigits[i >> 4], kDigits[i & 0xf]};
  }
  return names;
}();

}  // namespace

bool IsKnownOpcode(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kHello:
    case Opcode::kAuth:
    case Opcode::kPing:
    case Opcode::kGet:
    case Opcode::kSet:
    case Opcode::kDel:
    case Opcode::kContains:
    case Opcode::kGetCl:
    case Opcode::kSetCl:
    case Opcode::kDelCl:
    case Opcode::kContainsCl:
    case Opcode::kReplicaWrite:
    case Opcode::kReplicaRead:
    case Opcode::kCatchupRead:
    case Opcode::kMerkleTree:
    case Opcode::kRangeEntries:
    case Opcode::kRepair:
    case Opcode::kStats:
    case Opcode::kCompact:
    case Opcode::kGossipSyn:
    case Opcode::kGossipAck2:
    case Opcode::kForward:
    case Opcode::kClusterInfo:
      return true;
  }
  return false;
}

std::string_view OpcodeName(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kHello:
      return "HELLO";
    case Opcode::kAuth:
      return "AUTH";
    case Opcode::kPing:
      return "PING";
    case Opcode::kGet:
      return "GET";
    case Opcode::kSet:
      return "SET";
    case Opcode::kDel:
      return "DEL";
    case Opcode::kContains:
      return "CONTAINS";
    case Opcode::kStats:
      return "STATS";
    case Opcode::kCompact:
      return "COMPACT";
    case Opcode::kGossipSyn:
      return "GOSSIP_SYN";
    case Opcode::kGossipAck2:
      return "GOSSIP_ACK2";
    case Opcode::kForward:
      return "FORWARD";
    case Opcode::kClusterInfo:
      return "CLUSTER_INFO";
    case Opcode::kGetCl:
      return "GET_CL";
    case Opcode::kSetCl:
      return "SET_CL";
    case Opcode::kDelCl:
      return "DEL_CL";
    case Opcode::kContainsCl:
      return "CONTAINS_CL";
    case Opcode::kReplicaWrite:
      return "REPLICA_WRITE";
    case Opcode::kReplicaRead:
      return "REPLICA_READ";
    case Opcode::kCatchupRead:
      return "CATCHUP_READ";
    case Opcode::kMerkleTree:
      return "MERKLE_TREE";
    case Opcode::kRangeEntries:
      return "RANGE_ENTRIES";
    case Opcode::kRepair:
      return "REPAIR";
  }
  return std::string_view(kHexNames[opcode].data(), kHexNames[opcode].size());
}

}  // namespace memdb::protocol
