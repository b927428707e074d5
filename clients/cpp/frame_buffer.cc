#include "clients/cpp/frame_buffer.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace memdb::client_internal {

namespace {
constexpr size_t kReadChunk = 64 << 10;
}  // namespace

char* FrameBuffer::WritableSpace(size_t min_free, size_t* available) {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    // Give back the memory of an occasional huge frame.
    if (buf_.size() > 4 * min_free && buf_.size() > (1u << 20)) std::string().swap(buf_);
  } else if (begin_ > 0 && buf_.size() - end_ < min_free) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - end_ < min_free) buf_.resize(end_ + min_free);
  *available = buf_.size() - end_;
  return buf_.data() + end_;
}

void FrameBuffer::Commit(size_t n) {
  n = std::min(n, buf_.size() - end_);
  // Drop the unread tail of a frame a non-fatal error told us to skip.
  size_t skipped = std::min(n, skip_);
  skip_ -= skipped;
  if (skipped > 0 && skipped < n) {
    std::memmove(buf_.data() + end_, buf_.data() + end_ + skipped, n - skipped);
  }
  end_ += n - skipped;
}

protocol::DecodeResult FrameBuffer::Next() {
  std::string_view input(buf_.data() + begin_, end_ - begin_);
  protocol::DecodeResult r = protocol::DecodeFrame(input, limits_, /*expect_response=*/true);
  switch (r.status) {
    case protocol::DecodeStatus::kFrame:
      begin_ += r.consumed;
      missing_ = 0;
      break;
    case protocol::DecodeStatus::kNeedMore:
      missing_ = r.needed > input.size() ? r.needed - input.size() : 1;
      break;
    case protocol::DecodeStatus::kError:
      if (!r.fatal) {
        // The frame may not be fully buffered yet: skip what is here, drop the rest on arrival.
        size_t here = std::min(r.consumed, input.size());
        begin_ += here;
        skip_ = r.consumed - here;
      }
      missing_ = skip_;
      break;
  }
  return r;
}

Status ReadFrame(Socket* socket, FrameBuffer* buffer, Deadline deadline, protocol::Frame* frame) {
  for (;;) {
    protocol::DecodeResult r = buffer->Next();
    switch (r.status) {
      case protocol::DecodeStatus::kFrame:
        *frame = r.frame;
        return Status::Ok();
      case protocol::DecodeStatus::kError:
        if (r.fatal) {
          return Status(Code::kConnectionFailed,
                        "undecodable frame from server: " + CodeName(r.error) + ": " +
                            std::string(r.error_message));
        }
        continue;  // skipped (e.g. an opcode this build does not know)
      case protocol::DecodeStatus::kNeedMore:
        break;
    }
    size_t available = 0;
    char* space = buffer->WritableSpace(std::max(buffer->MissingBytes(), kReadChunk), &available);
    Result<size_t> n = socket->Read(space, available, deadline);
    if (!n.ok()) return n.status();
    if (*n == 0) return Status(Code::kConnectionFailed, "connection closed by server");
    buffer->Commit(*n);
  }
}

}  // namespace memdb::client_internal
