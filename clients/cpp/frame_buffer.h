// FrameBuffer — the receive side of a connection: bytes read from the socket go in, decoded
// response frames come out (protocol::DecodeFrame, client side).
//
// Not thread-safe: owned by whichever thread reads the socket (the handshake, then the
// connection's reader thread; ownership moves with the object).
#ifndef MEMDB_CLIENTS_CPP_FRAME_BUFFER_H_
#define MEMDB_CLIENTS_CPP_FRAME_BUFFER_H_

#include <cstddef>
#include <string>

#include "clients/cpp/socket.h"
#include "memdb/status.h"
#include "protocol/codec.h"
#include "protocol/frame.h"

namespace memdb::client_internal {

class FrameBuffer {
 public:
  explicit FrameBuffer(protocol::Limits limits) : limits_(limits) {}

  // Where to read the next bytes: at least `min_free` writable bytes at the end of the
  // buffered data (the buffer compacts or grows). Invalidates frames returned by Next.
  char* WritableSpace(size_t min_free, size_t* available);
  // Marks `n` bytes of the space returned by WritableSpace as filled.
  void Commit(size_t n);

  // Decodes the next buffered frame. kFrame: `frame.body` points into this buffer and stays
  // valid until the next WritableSpace call. kNeedMore: `needed` is the total size the
  // pending frame requires. kError: as protocol::DecodeFrame (fatal errors poison the
  // stream; non-fatal ones have skipped the frame).
  protocol::DecodeResult Next();

  // Bytes still to be read before the frame in progress is complete; a sensible read size.
  size_t MissingBytes() const { return missing_; }
  size_t buffered() const { return end_ - begin_; }

 private:
  protocol::Limits limits_;
  std::string buf_;
  size_t begin_ = 0;    // first unconsumed byte
  size_t end_ = 0;      // one past the last filled byte
  size_t missing_ = 0;  // from the last kNeedMore
  size_t skip_ = 0;     // bytes of a skipped frame still to arrive, dropped by Commit
};

// Reads from `socket` into `buffer` until a whole response frame is there, and returns it in
// `frame` (a view into `buffer`). Waits until `deadline`. Non-fatal decode errors skip the
// frame. kConnectionFailed on EOF, I/O error, timeout or an undecodable stream.
Status ReadFrame(Socket* socket, FrameBuffer* buffer, Deadline deadline, protocol::Frame* frame);

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_FRAME_BUFFER_H_
