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
// Threading: owned by one connection on the node's event-loop thread.
#ifndef MEMDB_NODE_REPLY_BUFFER_H_
#define MEMDB_NODE_REPLY_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "oplog/oplog_writer.h"

namespace memdb {

class ReplyBuffer {
 public:
  // Where replies are appended (the protocol's Append* functions).
  std::string* bytes() { return &bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // The bytes from `from` (an index into bytes(), normally where the reply that needs the LSN
  // starts) to the end, and everything appended later, wait until the log acknowledges `lsn`.
  // `lsn` 0 is no barrier.
  void HoldFrom(size_t from, oplog::Lsn lsn);

  // Bytes at the front that may be sent now that the log has acknowledged `acked_lsn`; drops
  // the barriers that are satisfied.
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
  };

  std::string bytes_;
  uint64_t base_ = 0;  // stream offset of bytes_[0]
  std::deque<Barrier> barriers_;
};

}  // namespace memdb

#endif  // MEMDB_NODE_REPLY_BUFFER_H_
