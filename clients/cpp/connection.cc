#include "clients/cpp/connection.h"

#include <utility>

namespace memdb::client_internal {

namespace {
// A write buffer kept for reuse is dropped above this size.
constexpr size_t kMaxSpareBytes = 1u << 20;
}  // namespace

Connection::Connection(uint64_t id, Socket socket, FrameBuffer buffer, ConnectionListener* listener,
                       std::chrono::milliseconds write_stall_timeout)
    : id_(id),
      socket_(std::move(socket)),
      buffer_(std::move(buffer)),
      listener_(listener),
      write_stall_timeout_(write_stall_timeout) {}

Connection::~Connection() { Close(Status(Code::kConnectionFailed, "connection released")); }

void Connection::Start() {
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (!reader_.joinable()) reader_ = std::thread([this] { ReadLoop(); });
}

Status Connection::Send(std::string_view frame) {
  std::unique_lock<std::mutex> lock(write_mu_);
  if (failed_.load(std::memory_order_acquire)) {
    return Status(Code::kConnectionFailed, "connection is closed");
  }
  if (writing_) {
    queued_.append(frame);  // the thread writing now sends these bytes with its next batch
    return Status::Ok();
  }

  // This thread becomes the writer: first its own frame (no copy), then, until the queue is
  // empty, whatever other threads queued meanwhile, each time all of it in one write.
  writing_ = true;
  lock.unlock();
  Status status = socket_.WriteAll(frame, write_stall_timeout_);
  lock.lock();
  while (status.ok() && !queued_.empty()) {
    std::string batch = std::move(queued_);
    queued_ = std::move(spare_);
    queued_.clear();
    lock.unlock();
    status = socket_.WriteAll(batch, write_stall_timeout_);
    lock.lock();
    if (batch.capacity() <= kMaxSpareBytes) {
      batch.clear();
      spare_ = std::move(batch);
    }
  }
  writing_ = false;
  if (!status.ok()) {
    queued_.clear();
    lock.unlock();
    Fail(status);
  }
  return status;
}

void Connection::Close(const Status& why) {
  Fail(why);
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (reader_.joinable()) reader_.join();
}

void Connection::ReadLoop() {
  protocol::Frame frame;
  for (;;) {
    Status status = ReadFrame(&socket_, &buffer_, kNoDeadline, &frame);
    if (!status.ok()) {
      Fail(status);
      return;
    }
    if (failed_.load(std::memory_order_acquire)) return;
    listener_->OnResponse(this, frame);
  }
}

void Connection::Fail(const Status& why) {
  if (failed_.exchange(true, std::memory_order_acq_rel)) return;
  socket_.Shutdown();
  listener_->OnClosed(this, why);
}

}  // namespace memdb::client_internal
