// ReplyBuffer — one connection's reply bytes, with the durability barriers that hold them back.
//
// A reply that reports or depends on a write must not reach the client before that write is
// acknowledged by the operation log (docs/oplog.md, "What an acknowledgement promises"). The
// Session appends every reply here and, for each reply that depends on the log, records a
// barrier: "from this byte on, nothing may be sent before the log acknowledges LSN x". The
// runtime sends only the releasable prefix — the bytes before the first barrier whose LSN is
// not yet acknowledged — so replies leave in request order: a PING or a GET behind a pending
// SET waits for it (read-your-writes), one in front of it does not.
//
// Barriers are kept in stream offsets (bytes appended since the connection opened), so taking
// bytes off the front never rewrites them. Their LSNs never decrease (the node's LSNs only
// grow), so one barrier per distinct LSN suffices and a later barrier with the same LSN is
// merged into the one before.
//
// Without an operation log no barrier is ever recorded and the whole buffer is releasable:
// the cost is one empty-deque check per write.
//
// Deferred replies. A request this node coordinates across other nodes (coordinator.h) is
// answered later: Defer() reserves the reply's place in the stream and returns a DeferredReply
// handle. Everything appended after the place waits until the handle is filled, so replies still
// leave in request order; the filled bytes are spliced in at their place. The handle may
// outlive the buffer (the connection closed meanwhile): filling it then does nothing.
// SetOnFilled() tells the runtime when to try writing again.
//
// Threading: owned by one connection on the node's event-loop thread.
#ifndef MEMDB_NODE_REPLY_BUFFER_H_
#define MEMDB_NODE_REPLY_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "oplog/oplog_writer.h"

namespace memdb {

namespace internal {
// The deferred replies of one ReplyBuffer, shared with their handles (weakly).
struct DeferredSlots {
  uint64_t next_id = 1;
  std::set<uint64_t> waiting;              // reserved, not filled yet
  std::map<uint64_t, std::string> filled;  // id -> reply frame, not yet spliced in
  std::function<void()> on_filled;
};
}  // namespace internal

// A reply whose place in a connection's reply stream is reserved (ReplyBuffer::Defer).
class DeferredReply {
 public:
  DeferredReply() = default;
  // Fills the place with one complete reply frame; the first call (through any copy of the
  // handle) wins, later ones and calls after the buffer is gone do nothing. Runs the buffer's
  // on-filled callback.
  void Fill(std::string frame);
  bool pending() const {
    auto slots = slots_.lock();
    return slots && slots->waiting.count(id_) != 0;
  }

 private:
  friend class ReplyBuffer;
  DeferredReply(std::weak_ptr<internal::DeferredSlots> slots, uint64_t id)
      : slots_(std::move(slots)), id_(id) {}

  std::weak_ptr<internal::DeferredSlots> slots_;
  uint64_t id_ = 0;
};

class ReplyBuffer {
 public:
  // Where replies are appended (the protocol's Append* functions).
  std::string* bytes() { return &bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // The bytes from `from` (an index into bytes(), normally where the reply that needs the LSN
  // starts) to the end, and everything appended later, wait until the log acknowledges `lsn`.
  // `lsn` 0 is no barrier. When `from` is the end of the buffer and a deferred reply was just
  // reserved there (the request's reply is that deferred reply: a coordinated write whose local
  // copy must be durable before the answer leaves), the barrier holds the deferred reply too
  // once it is spliced in; a barrier for bytes appended after the place holds only those.
  void HoldFrom(size_t from, oplog::Lsn lsn);

  // Reserves the place of a reply produced later, at the current end of the buffer.
  DeferredReply Defer();
  // Called whenever a deferred reply is filled (on the loop thread, from Fill).
  void SetOnFilled(std::function<void()> on_filled) { slots_->on_filled = std::move(on_filled); }
  // Deferred replies not yet filled.
  size_t deferred_count() const { return slots_->waiting.size(); }
  // Deferred replies not yet spliced in (filled or not): Releasable() must run before writing.
  bool has_deferred() const { return !deferred_.empty(); }

  // Bytes at the front that may be sent now that the log has acknowledged `acked_lsn`: up to
  // the first unsatisfied barrier or unfilled deferred reply. Splices in filled deferred
  // replies and drops the barriers that are satisfied.
  size_t Releasable(oplog::Lsn acked_lsn);

  // Moves the first `n` bytes (n <= Releasable()) into `*out`, replacing its content.
  void TakeFront(size_t n, std::string* out);

  // The LSN the first held byte waits for; 0 when nothing is held.
  oplog::Lsn blocking_lsn() const { return barriers_.empty() ? 0 : barriers_.front().lsn; }
  size_t barrier_count() const { return barriers_.size(); }

 private:
  struct Barrier {
    uint64_t offset;  // stream offset of the first held byte
    oplog::Lsn lsn;
    // A deferred reply reserved at `offset` is held too: splicing it in does not move this
    // barrier past it.
    bool holds_deferred = false;
  };

  struct Place {
    uint64_t offset;  // stream offset where the deferred reply goes
    uint64_t id;
  };

  // Moves filled deferred replies into bytes_, shifting what follows them.
  void SpliceFilled();

  std::string bytes_;
  uint64_t base_ = 0;  // stream offset of bytes_[0]
  std::deque<Barrier> barriers_;
  std::deque<Place> deferred_;  // in stream order
  std::shared_ptr<internal::DeferredSlots> slots_ = std::make_shared<internal::DeferredSlots>();
};

}  // namespace memdb

#endif  // MEMDB_NODE_REPLY_BUFFER_H_
