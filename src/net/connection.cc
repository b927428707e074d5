#include "net/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "net/oplog_runtime.h"

namespace memdb::net {

namespace {
constexpr size_t kInitialReadBuffer = 16 * 1024;
constexpr size_t kShrinkAbove = 1 << 20;  // release big buffers once a large frame is done
}  // namespace

Connection::Connection(uint64_t id, asio::ip::tcp::socket socket, Node* node,
                       const ServerConfig& config, OplogRuntime* oplog, ClosedCallback on_closed)
    : id_(id),
      socket_(std::move(socket)),
      config_(config),
      oplog_(oplog),
      session_(node),
      on_closed_(std::move(on_closed)),
      in_(kInitialReadBuffer) {
  asio::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  peer_ = ec ? "unknown" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // Reads are done by hand after a readiness wait (see DoRead); they must never block.
  socket_.non_blocking(true, ec);
}

void Connection::Start(uint64_t now_ms) {
  started_ms_ = now_ms;
  last_activity_ms_ = now_ms;
  spdlog::debug("conn {} from {}: open", id_, peer_);
  // A forwarded request's reply arrived (reply_buffer.h): write what is now in order.
  out_.SetOnFilled([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->MaybeWrite();
  });
  DoRead();
}

bool Connection::OutputBacklogged() const { return out_.size() > config_.max_output_buffer_bytes; }

// Reading: wait for readability, then one non-blocking read.
//
// asio's async_read_some tries the read first, which at pipeline depth 1 returns EAGAIN after
// nearly every request — one wasted recv per request. Waiting first costs nothing extra: the
// epoll wakeup is needed anyway. The socket is registered edge-triggered, so a read is also
// tried straight away whenever data may be waiting that no new event will announce: at the
// start, after a pause (events that arrived with no wait queued were consumed), and after a
// read that filled the buffer.
void Connection::DoRead() {
  if (reading_ || closed_ || draining_ || session_.closing()) return;
  if (OutputBacklogged()) {
    maybe_unannounced_data_ = true;
    return;
  }
  if (oplog_ != nullptr && oplog_->Backpressured()) {
    maybe_unannounced_data_ = true;
    if (!paused_for_log_) {
      paused_for_log_ = true;
      oplog_->PauseReading(shared_from_this());
    }
    return;
  }
  // Make room for at least the rest of the next frame (the decoder has bounded it).
  const size_t needed = std::max(session_.bytes_needed(), in_len_ + 1);
  if (in_.size() < needed) in_.resize(needed);
  if (in_.size() - in_len_ < kInitialReadBuffer / 4 && in_.size() < needed + kInitialReadBuffer) {
    in_.resize(in_.size() + kInitialReadBuffer);
  }
  reading_ = true;
  if (maybe_unannounced_data_) {
    // Posted rather than called: reading inline could recurse through OnRead.
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->ReadNow(); });
  } else {
    WaitReadable();
  }
}

void Connection::WaitReadable() {
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const asio::error_code& ec) {
                       if (ec) {
                         self->OnRead(ec, 0);
                       } else {
                         self->ReadNow();
                       }
                     });
}

void Connection::ReadNow() {
  if (closed_) {
    reading_ = false;
    return;
  }
  const size_t space = in_.size() - in_len_;
  asio::error_code ec;
  const size_t n = socket_.read_some(asio::buffer(in_.data() + in_len_, space), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    maybe_unannounced_data_ = false;
    WaitReadable();  // still reading_
    return;
  }
  // A short read emptied the socket; a full one may have left bytes behind.
  maybe_unannounced_data_ = !ec && n == space;
  OnRead(ec, n);
}

void Connection::OnRead(const asio::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    Close(ec == asio::error::eof ? "client closed" : "read error: " + ec.message());
    return;
  }
  last_activity_ms_ = now_ms_;
  in_len_ += n;
  const size_t consumed = session_.Consume(std::string_view(in_.data(), in_len_), &out_);
  if (oplog_ != nullptr) oplog_->AfterRequests();
  if (consumed > 0) {
    in_len_ -= consumed;
    if (in_len_ > 0) std::memmove(in_.data(), in_.data() + consumed, in_len_);
    if (in_.size() > kShrinkAbove && in_len_ < kInitialReadBuffer) {
      in_.resize(kInitialReadBuffer);
      in_.shrink_to_fit();
    }
  }
  if (session_.closing()) {
    if (session_.peer_auth_failed()) {
      spdlog::warn("conn {} from {}: refused: {}", id_, peer_, session_.close_reason());
    } else {
      spdlog::info("conn {} from {}: closing: {}", id_, peer_, session_.close_reason());
    }
    draining_ = true;
  }
  MaybeWrite();
  DoRead();
}

void Connection::MaybeWrite() {
  if (writing_ || closed_) return;
  // Releasable() also splices in forwarded replies that arrived (reply_buffer.h).
  size_t releasable = out_.size();
  if (oplog_ != nullptr || out_.has_deferred()) {
    releasable = out_.Releasable(oplog_ != nullptr ? oplog_->acked_lsn() : ~oplog::Lsn{0});
  }
  if (out_.empty()) {
    if (draining_ && !out_.has_deferred()) {
      Close(session_.closing() ? session_.close_reason() : "server shutting down");
    }
    return;
  }
  if (oplog_ != nullptr && releasable < out_.size()) {
    const uint64_t blocking = out_.blocking_lsn();
    if (blocking != 0 && blocking != waiting_lsn_) {
      waiting_lsn_ = blocking;
      oplog_->WaitFor(blocking, shared_from_this());
      if (closed_) return;  // the log has failed
    }
  }
  if (releasable == 0) return;
  out_.TakeFront(releasable, &out_writing_);
  writing_ = true;
  asio::async_write(
      socket_, asio::buffer(out_writing_),
      [self = shared_from_this()](const asio::error_code& ec, size_t) { self->OnWrite(ec); });
}

void Connection::OnWrite(const asio::error_code& ec) {
  writing_ = false;
  if (closed_) return;
  if (ec) {
    Close("write error: " + ec.message());
    return;
  }
  out_writing_.clear();
  if (out_writing_.capacity() > kShrinkAbove) out_writing_.shrink_to_fit();
  MaybeWrite();
  DoRead();  // resumes reading if it was paused on backlog
}

void Connection::OnLogAcked(uint64_t lsn) {
  if (closed_) return;
  if (lsn == waiting_lsn_) waiting_lsn_ = 0;
  MaybeWrite();
}

void Connection::ResumeReading() {
  paused_for_log_ = false;
  DoRead();
}

void Connection::Drain() {
  if (closed_) return;
  draining_ = true;
  MaybeWrite();
}

void Connection::Close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  spdlog::debug("conn {} from {}: closed ({}), {} requests", id_, peer_, reason,
                session_.requests_handled());
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (on_closed_) on_closed_(id_);
}

}  // namespace memdb::net
