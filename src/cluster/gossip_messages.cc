#include "cluster/gossip_messages.h"

#include <cassert>
#include <utility>

#include "common/endian.h"
#include "protocol/codec.h"

namespace memdb::cluster {

namespace {

using protocol::BodyReader;

// Field mask bits of a Delta, in wire order.
constexpr uint8_t kFieldAddress = 1u << 0;
constexpr uint8_t kFieldStatus = 1u << 1;
constexpr uint8_t kFieldTokens = 1u << 2;
constexpr uint8_t kFieldKeysHeld = 1u << 3;
constexpr uint8_t kFieldCatchup = 1u << 4;  // format 2
constexpr uint8_t kFormat1Fields = kFieldAddress | kFieldStatus | kFieldTokens | kFieldKeysHeld;
constexpr uint8_t kFormat2Fields = kFormat1Fields | kFieldCatchup;

// Smallest encodings, used to bound counts by the bytes that remain before allocating.
constexpr size_t kDigestSize = 4 + 8 + 8;
constexpr size_t kMinDeltaSize = 4 + 8 + 8 + 1;  // no field present

Status Bad(std::string_view message, std::string_view what) {
  std::string m(message);
  m.append(": ");
  m.append(what);
  return Status(Code::kBadRequest, std::move(m));
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

void PutBytes(std::string* out, std::string_view bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes);
}

void PutDigests(const std::vector<GossipDigest>& digests, std::string* out) {
  assert(digests.size() <= kMaxMembers);
  PutU32(out, static_cast<uint32_t>(digests.size()));
  for (const GossipDigest& d : digests) {
    PutU32(out, d.id);
    PutU64(out, d.generation);
    PutU64(out, d.max_version);
  }
}

void PutDelta(const MemberState& m, std::string* out) {
  uint8_t mask = 0;
  if (m.address.version != 0) mask |= kFieldAddress;
  if (m.status.version != 0) mask |= kFieldStatus;
  if (m.tokens.version != 0) mask |= kFieldTokens;
  if (m.keys_held.version != 0) mask |= kFieldKeysHeld;
  if (m.catchup.version != 0) mask |= kFieldCatchup;
  PutU32(out, m.id);
  PutU64(out, m.generation);
  PutU64(out, m.heartbeat);
  PutU8(out, mask);
  if (mask & kFieldAddress) {
    assert(m.address.value.size() <= kMaxAddressBytes);
    PutU64(out, m.address.version);
    PutBytes(out, m.address.value);
  }
  if (mask & kFieldStatus) {
    PutU64(out, m.status.version);
    PutU8(out, static_cast<uint8_t>(m.status.value));
  }
  if (mask & kFieldTokens) {
    assert(m.tokens.value.size() <= kMaxTokensPerNode);
    PutU64(out, m.tokens.version);
    PutU32(out, static_cast<uint32_t>(m.tokens.value.size()));
    for (Token t : m.tokens.value) PutU64(out, t);
  }
  if (mask & kFieldKeysHeld) {
    PutU64(out, m.keys_held.version);
    PutU64(out, m.keys_held.value);
  }
  if (mask & kFieldCatchup) {
    PutU64(out, m.catchup.version);
    PutU8(out, static_cast<uint8_t>(m.catchup.value.phase));
    PutU32(out, m.catchup.value.ranges_done);
    PutU32(out, m.catchup.value.ranges_total);
    PutU64(out, m.catchup.value.records_applied);
  }
}

// The oldest format that can carry `deltas` (gossip_messages.h, "Formats").
uint8_t FormatFor(const std::vector<MemberState>& deltas) {
  for (const MemberState& m : deltas) {
    if (m.catchup.version != 0) return kGossipFormatWithCatchup;
  }
  return kGossipFormatVersion;
}

void PutDeltas(const std::vector<MemberState>& deltas, std::string* out) {
  assert(deltas.size() <= kMaxMembers);
  PutU32(out, static_cast<uint32_t>(deltas.size()));
  for (const MemberState& m : deltas) PutDelta(m, out);
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

// Every Get* below is bounds-checked by BodyReader; a count is checked against its limit and
// against what the body can still hold (count x smallest element) before anything is reserved.

// Reads the format byte; `*fields` is the delta field mask bits that format allows.
Status GetFormat(BodyReader& r, std::string_view msg, uint8_t* fields) {
  uint8_t format;
  if (!r.GetU8(&format)) return Bad(msg, "empty body");
  if (format == kGossipFormatVersion) {
    *fields = kFormat1Fields;
  } else if (format == kGossipFormatWithCatchup) {
    *fields = kFormat2Fields;
  } else {
    return Bad(msg, "unsupported gossip format version");
  }
  return Status::Ok();
}

Status GetCount(BodyReader& r, uint32_t limit, size_t min_element, std::string_view msg,
                std::string_view what, uint32_t* count) {
  if (!r.GetU32(count)) return Bad(msg, std::string(what) + " count truncated");
  if (*count > limit) return Bad(msg, std::string(what) + " count over the limit");
  if (static_cast<uint64_t>(*count) * min_element > r.remaining()) {
    return Bad(msg, std::string(what) + " count exceeds the body");
  }
  return Status::Ok();
}

Status GetDigests(BodyReader& r, std::string_view msg, std::vector<GossipDigest>* out) {
  uint32_t n;
  if (Status s = GetCount(r, kMaxMembers, kDigestSize, msg, "digest", &n); !s.ok()) return s;
  out->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    GossipDigest d;
    // The count check above guarantees the bytes; checked again for safety.
    if (!r.GetU32(&d.id) || !r.GetU64(&d.generation) || !r.GetU64(&d.max_version)) {
      return Bad(msg, "digest truncated");
    }
    out->push_back(d);
  }
  return Status::Ok();
}

Status GetFieldVersion(BodyReader& r, std::string_view msg, std::string_view field,
                       uint64_t* version) {
  if (!r.GetU64(version)) return Bad(msg, std::string(field) + " truncated");
  // Version 0 means "absent" in a MemberState: a present field must carry a real version.
  if (*version == 0) return Bad(msg, std::string(field) + " present with version 0");
  return Status::Ok();
}

Status GetDelta(BodyReader& r, std::string_view msg, uint8_t fields, MemberState* m) {
  uint8_t mask;
  if (!r.GetU32(&m->id) || !r.GetU64(&m->generation) || !r.GetU64(&m->heartbeat) ||
      !r.GetU8(&mask)) {
    return Bad(msg, "delta truncated");
  }
  if ((mask & ~fields) != 0) return Bad(msg, "unknown delta field mask bits");
  if (mask & kFieldAddress) {
    if (Status s = GetFieldVersion(r, msg, "address", &m->address.version); !s.ok()) return s;
    uint32_t len;
    std::string_view bytes;
    if (!r.GetU32(&len)) return Bad(msg, "address truncated");
    if (len > kMaxAddressBytes) return Bad(msg, "address over the limit");
    if (!r.GetRaw(len, &bytes)) return Bad(msg, "address truncated");
    m->address.value.assign(bytes);
  }
  if (mask & kFieldStatus) {
    if (Status s = GetFieldVersion(r, msg, "status", &m->status.version); !s.ok()) return s;
    uint8_t status;
    if (!r.GetU8(&status)) return Bad(msg, "status truncated");
    if (status < 1 || status > kMaxMemberStatus) return Bad(msg, "unknown member status");
    m->status.value = static_cast<MemberStatus>(status);
  }
  if (mask & kFieldTokens) {
    if (Status s = GetFieldVersion(r, msg, "tokens", &m->tokens.version); !s.ok()) return s;
    uint32_t n;
    if (Status s = GetCount(r, kMaxTokensPerNode, 8, msg, "token", &n); !s.ok()) return s;
    m->tokens.value.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Token t;
      if (!r.GetU64(&t)) return Bad(msg, "tokens truncated");
      m->tokens.value.push_back(t);
    }
  }
  if (mask & kFieldKeysHeld) {
    if (Status s = GetFieldVersion(r, msg, "keys_held", &m->keys_held.version); !s.ok()) {
      return s;
    }
    if (!r.GetU64(&m->keys_held.value)) return Bad(msg, "keys_held truncated");
  }
  if (mask & kFieldCatchup) {
    if (Status s = GetFieldVersion(r, msg, "catchup", &m->catchup.version); !s.ok()) return s;
    CatchupProgress& c = m->catchup.value;
    uint8_t phase;
    if (!r.GetU8(&phase) || !r.GetU32(&c.ranges_done) || !r.GetU32(&c.ranges_total) ||
        !r.GetU64(&c.records_applied)) {
      return Bad(msg, "catchup truncated");
    }
    if (phase < 1 || phase > kMaxCatchupPhase) return Bad(msg, "unknown catch-up phase");
    c.phase = static_cast<CatchupPhase>(phase);
    if (c.ranges_done > c.ranges_total) return Bad(msg, "catch-up ranges done over the total");
  }
  return Status::Ok();
}

Status GetDeltas(BodyReader& r, std::string_view msg, uint8_t fields,
                 std::vector<MemberState>* out) {
  uint32_t n;
  if (Status s = GetCount(r, kMaxMembers, kMinDeltaSize, msg, "delta", &n); !s.ok()) return s;
  out->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    MemberState m;
    if (Status s = GetDelta(r, msg, fields, &m); !s.ok()) return s;
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

Status CheckEnd(const BodyReader& r, std::string_view msg) {
  return r.AtEnd() ? Status::Ok() : Bad(msg, "trailing bytes after the message");
}

}  // namespace

void EncodeGossipSyn(const GossipSyn& syn, std::string* out) {
  assert(syn.cluster_name.size() <= kMaxClusterNameBytes);
  PutU8(out, kGossipFormatVersion);
  PutBytes(out, syn.cluster_name);
  PutDigests(syn.digests, out);
}

void EncodeGossipAck(const GossipAck& ack, std::string* out) {
  PutU8(out, FormatFor(ack.deltas));
  PutDigests(ack.requests, out);
  PutDeltas(ack.deltas, out);
}

void EncodeGossipAck2(const GossipAck2& ack2, std::string* out) {
  PutU8(out, FormatFor(ack2.deltas));
  PutDeltas(ack2.deltas, out);
}

Status DecodeGossipSyn(std::string_view body, GossipSyn* out) {
  constexpr std::string_view kMsg = "gossip syn";
  BodyReader r(body);
  GossipSyn syn;
  uint8_t fields;  // a Syn carries no deltas: any known format will do
  if (Status s = GetFormat(r, kMsg, &fields); !s.ok()) return s;
  uint32_t len;
  std::string_view name;
  if (!r.GetU32(&len)) return Bad(kMsg, "cluster name truncated");
  if (len > kMaxClusterNameBytes) return Bad(kMsg, "cluster name over the limit");
  if (!r.GetRaw(len, &name)) return Bad(kMsg, "cluster name truncated");
  syn.cluster_name.assign(name);
  if (Status s = GetDigests(r, kMsg, &syn.digests); !s.ok()) return s;
  if (Status s = CheckEnd(r, kMsg); !s.ok()) return s;
  *out = std::move(syn);
  return Status::Ok();
}

Status DecodeGossipAck(std::string_view body, GossipAck* out) {
  constexpr std::string_view kMsg = "gossip ack";
  BodyReader r(body);
  GossipAck ack;
  uint8_t fields;
  if (Status s = GetFormat(r, kMsg, &fields); !s.ok()) return s;
  if (Status s = GetDigests(r, kMsg, &ack.requests); !s.ok()) return s;
  if (Status s = GetDeltas(r, kMsg, fields, &ack.deltas); !s.ok()) return s;
  if (Status s = CheckEnd(r, kMsg); !s.ok()) return s;
  *out = std::move(ack);
  return Status::Ok();
}

Status DecodeGossipAck2(std::string_view body, GossipAck2* out) {
  constexpr std::string_view kMsg = "gossip ack2";
  BodyReader r(body);
  GossipAck2 ack2;
  uint8_t fields;
  if (Status s = GetFormat(r, kMsg, &fields); !s.ok()) return s;
  if (Status s = GetDeltas(r, kMsg, fields, &ack2.deltas); !s.ok()) return s;
  if (Status s = CheckEnd(r, kMsg); !s.ok()) return s;
  *out = std::move(ack2);
  return Status::Ok();
}

}  // namespace memdb::cluster
