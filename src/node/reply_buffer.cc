#include "node/reply_buffer.h"

#include <cassert>

namespace memdb {

void ReplyBuffer::HoldFrom(size_t from, oplog::Lsn lsn) {
  if (lsn == 0) return;
  assert(from <= bytes_.size());
  const uint64_t offset = base_ + from;
  if (!barriers_.empty()) {
    Barrier& last = barriers_.back();
    // Everything after last.offset already waits for last.lsn.
    if (lsn <= last.lsn) return;
    // Two barriers at the same byte: the later, higher one decides.
    if (offset <= last.offset) {
      last.lsn = lsn;
      return;
    }
  }
  barriers_.push_back(Barrier{offset, lsn});
}

size_t ReplyBuffer::Releasable(oplog::Lsn acked_lsn) {
  while (!barriers_.empty() && barriers_.front().lsn <= acked_lsn) barriers_.pop_front();
  if (barriers_.empty()) return bytes_.size();
  return static_cast<size_t>(barriers_.front().offset - base_);
}

void ReplyBuffer::TakeFront(size_t n, std::string* out) {
  assert(n <= bytes_.size());
  if (n == bytes_.size()) {
    // The common case (nothing held): hand the buffer over without copying.
    out->clear();
    out->swap(bytes_);
  } else {
    out->assign(bytes_, 0, n);
    bytes_.erase(0, n);
  }
  base_ += n;
}

}  // namespace memdb
