#include "node/reply_buffer.h"

#include <algorithm>
#include <cassert>

namespace memdb {

void ReplyBuffer::HoldFrom(size_t from, oplog::Lsn lsn) {
  if (lsn == 0) return;
  assert(from <= bytes_.size());
  const uint64_t offset = base_ + from;
  // Nothing appended since the last Defer(): the reply this barrier is for is that deferred one.
  const bool holds_deferred =
      from == bytes_.size() && !deferred_.empty() && deferred_.back().offset == offset;
  if (!barriers_.empty()) {
    Barrier& last = barriers_.back();
    // Everything after last.offset already waits for last.lsn.
    if (lsn <= last.lsn) {
      if (offset == last.offset) last.holds_deferred |= holds_deferred;
      return;
    }
    // Two barriers at the same byte: the later, higher one decides (and holds what either held).
    if (offset <= last.offset) {
      last.lsn = lsn;
      last.holds_deferred |= holds_deferred;
      return;
    }
  }
  barriers_.push_back(Barrier{offset, lsn, holds_deferred});
}

DeferredReply ReplyBuffer::Defer() {
  const uint64_t id = slots_->next_id++;
  slots_->waiting.insert(id);
  deferred_.push_back(Place{base_ + bytes_.size(), id});
  return DeferredReply(slots_, id);
}

void DeferredReply::Fill(std::string frame) {
  auto slots = slots_.lock();
  if (!slots || slots->waiting.erase(id_) == 0) return;
  slots->filled.emplace(id_, std::move(frame));
  if (slots->on_filled) slots->on_filled();
}

void ReplyBuffer::SpliceFilled() {
  if (slots_->filled.empty()) return;
  uint64_t shift = 0;  // bytes inserted so far, before the places still to visit
  std::deque<Place> still_deferred;
  size_t barrier = 0;
  for (Place& place : deferred_) {
    place.offset += shift;
    auto it = slots_->filled.find(place.id);
    if (it == slots_->filled.end()) {
      still_deferred.push_back(place);
      continue;
    }
    // Barriers recorded after this place was reserved start at or after it: they move too,
    // except one that holds this deferred reply itself.
    for (; barrier < barriers_.size() &&
           (barriers_[barrier].offset < place.offset ||
            (barriers_[barrier].offset == place.offset && barriers_[barrier].holds_deferred));
         ++barrier) {
    }
    for (size_t b = barrier; b < barriers_.size(); ++b) barriers_[b].offset += it->second.size();
    bytes_.insert(static_cast<size_t>(place.offset - base_), it->second);
    shift += it->second.size();
    slots_->filled.erase(it);
  }
  deferred_.swap(still_deferred);
}

size_t ReplyBuffer::Releasable(oplog::Lsn acked_lsn) {
  SpliceFilled();
  while (!barriers_.empty() && barriers_.front().lsn <= acked_lsn) barriers_.pop_front();
  size_t releasable = bytes_.size();
  if (!barriers_.empty()) releasable = static_cast<size_t>(barriers_.front().offset - base_);
  if (!deferred_.empty()) {
    releasable = std::min(releasable, static_cast<size_t>(deferred_.front().offset - base_));
  }
  return releasable;
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
