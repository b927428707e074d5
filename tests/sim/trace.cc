#include "trace.h"

namespace memdb::sim {

uint64_t Fnv1a64(std::string_view data, uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void Trace::Add(uint64_t now_ms, std::string_view line) {
  buffer_.clear();
  buffer_ += "t=";
  buffer_ += std::to_string(now_ms);
  buffer_ += ' ';
  buffer_ += line;
  buffer_ += '\n';
  hash_ = Fnv1a64(buffer_, hash_);
  ++lines_;
  if (sink_ != nullptr) *sink_ << buffer_;
}

}  // namespace memdb::sim
