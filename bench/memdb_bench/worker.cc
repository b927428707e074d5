#include "memdb_bench/worker.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "memdb_bench/socket.h"

namespace memdb::bench {

namespace {

constexpr size_t kMinReceiveBuffer = 16 * 1024;
constexpr size_t kMaxInitialReceiveBuffer = 1024 * 1024;
constexpr size_t kMaxReceiveBuffer = size_t{1} << 30;
constexpr size_t kReplyOverhead = 64;  // generous per-reply framing estimate
constexpr int kMaxEvents = 256;
constexpr int kMaxPollMs = 100;  // the loop wakes at least this often (deadline, abort)

}  // namespace

// ---------------------------------------------------------------------------------------------
// Connection state
// ---------------------------------------------------------------------------------------------

struct Worker::Connection {
  int fd = -1;
  uint32_t number = 0;  // 0-based over the whole run, for messages
  std::unique_ptr<ProtocolClient> client;

  // Received bytes not yet parsed: in[in_begin, in_end).
  std::unique_ptr<char[]> in;
  size_t in_capacity = 0;
  size_t in_begin = 0;
  size_t in_end = 0;

  // Encoded requests not yet sent: out[out_sent, size).
  std::string out;
  size_t out_sent = 0;
  bool want_write = false;  // EPOLLOUT registered

  // In-flight requests in send order: ring[head & mask] .. ring[(tail - 1) & mask].
  std::vector<InFlight> ring;
  uint32_t mask = 0;
  uint32_t head = 0;
  uint32_t tail = 0;
  uint32_t next_id = 1;  // 0 is reserved

  uint32_t in_flight() const { return tail - head; }

  ~Connection() {
    if (fd >= 0) ::close(fd);
  }
};

Worker::Worker(const Options& options, ProtocolFactory factory, uint32_t index)
    : options_(options),
      factory_(std::move(factory)),
      index_(index),
      remaining_(options.bounded_by_time()
                     ? UINT64_MAX
                     : SplitEvenly(options.requests, options.threads, index).size()) {}

Worker::~Worker() {
  connections_.clear();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

Status Worker::Broken(const Connection* c, const std::string& what) const {
  return Status(Code::kConnectionFailed, "connection " + std::to_string(c->number) + " to " +
                                             options_.host + ":" + std::to_string(options_.port) +
                                             ": " + what);
}

// ---------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------

Status Worker::Connect(uint32_t connection_count) {
  const uint64_t span = options_.bounded_by_time() ? options_.workload.keyspace : options_.requests;
  auto workload = Workload::Create(options_.workload, index_, options_.threads, span);
  if (!workload.ok()) return workload.status();
  workload_ = std::make_unique<Workload>(std::move(workload).value());

  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Status(Code::kIoError, std::string("epoll: ") + std::strerror(errno));

  const uint32_t first =
      static_cast<uint32_t>(SplitEvenly(options_.connections, options_.threads, index_).begin);
  const size_t request_bytes =
      workload_->key_size() + options_.workload.value_size + kReplyOverhead;
  const size_t in_capacity =
      std::clamp<size_t>(2 * options_.pipeline * request_bytes, kMinReceiveBuffer,
                         std::max(kMaxInitialReceiveBuffer, 2 * request_bytes));
  const uint32_t ring_size = std::bit_ceil(options_.pipeline);
  const uint64_t timeout_ns = static_cast<uint64_t>(options_.timeout_s * 1e9);

  for (uint32_t i = 0; i < connection_count; ++i) {
    auto c = std::make_unique<Connection>();
    c->number = first + i;
    const uint64_t deadline = NowNs() + timeout_ns;
    auto fd = ConnectTcp(options_.host, options_.port, deadline);
    if (!fd.ok()) return fd.status();
    c->fd = fd.value();
    c->client = factory_();
    std::string leftover;
    if (Status s = RunHandshake(c->fd, c->client.get(), deadline, &leftover); !s.ok()) {
      return Status(s.code(),
                    options_.host + ":" + std::to_string(options_.port) + ": " + s.message());
    }
    c->in_capacity = std::max(in_capacity, leftover.size());
    c->in = std::make_unique<char[]>(c->in_capacity);
    std::memcpy(c->in.get(), leftover.data(), leftover.size());
    c->in_end = leftover.size();
    c->out.reserve(options_.pipeline * request_bytes);
    c->ring.assign(ring_size, InFlight{});
    c->mask = ring_size - 1;

    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = c.get();
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
      return Status(Code::kIoError, std::string("epoll_ctl: ") + std::strerror(errno));
    }
    connections_.push_back(std::move(c));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Event loop
// ---------------------------------------------------------------------------------------------

Status Worker::Run(uint64_t deadline_ns, const RunControl* control) {
  const uint64_t timeout_ns = static_cast<uint64_t>(options_.timeout_s * 1e9);
  for (auto& c : connections_) {
    if (Status s = Refill(c.get()); !s.ok()) return s;
  }
  epoll_event events[kMaxEvents];
  uint64_t now = NowNs();
  uint64_t last_progress = now;
  uint64_t completed_before = completed_local_;
  Status status;
  while (true) {
    if (control->abort.load(std::memory_order_relaxed)) break;
    if (issuing_ && ((deadline_ns != 0 && now >= deadline_ns) ||
                     control->stop_issuing.load(std::memory_order_relaxed))) {
      issuing_ = false;
    }
    if ((!issuing_ || remaining_ == 0) && in_flight_ == 0) break;

    int wait_ms = kMaxPollMs;
    if (issuing_ && deadline_ns != 0) {
      const uint64_t left_ms = (deadline_ns - now + 999999) / 1000000;
      wait_ms = static_cast<int>(std::min<uint64_t>(left_ms, kMaxPollMs));
    }
    // --busy-poll: never sleep while replies are due (no wake-up latency on this side).
    if (options_.busy_poll && in_flight_ > 0) wait_ms = 0;
    const int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, wait_ms);
    if (n < 0 && errno != EINTR) {
      status = Status(Code::kIoError, std::string("epoll_wait: ") + std::strerror(errno));
      break;
    }
    for (int i = 0; i < n && status.ok(); ++i) {
      auto* c = static_cast<Connection*>(events[i].data.ptr);
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) status = HandleReadable(c);
      if (status.ok() && (events[i].events & EPOLLOUT)) status = HandleWritable(c);
    }
    if (!status.ok()) break;

    now = NowNs();
    if (completed_local_ != completed_before) {
      completed_before = completed_local_;
      last_progress = now;
      completed_.store(completed_local_, std::memory_order_relaxed);
      errors_.store(errors_local_, std::memory_order_relaxed);
    } else if (in_flight_ > 0 && now - last_progress > timeout_ns) {
      status = Status(Code::kConnectionFailed,
                      "no reply from " + options_.host + ":" + std::to_string(options_.port) +
                          " for " + std::to_string(options_.timeout_s) + " s (" +
                          std::to_string(in_flight_) + " requests in flight)");
      break;
    }
  }
  finish_ns_ = NowNs();
  completed_.store(completed_local_, std::memory_order_relaxed);
  errors_.store(errors_local_, std::memory_order_relaxed);
  return status;
}

Status Worker::HandleReadable(Connection* c) {
  if (c->in_end == c->in_capacity) {
    if (c->in_begin > 0) {
      std::memmove(c->in.get(), c->in.get() + c->in_begin, c->in_end - c->in_begin);
      c->in_end -= c->in_begin;
      c->in_begin = 0;
    } else {
      // One reply larger than the buffer: grow it.
      if (c->in_capacity >= kMaxReceiveBuffer) return Broken(c, "reply too large");
      const size_t capacity = c->in_capacity * 2;
      auto bigger = std::make_unique<char[]>(capacity);
      std::memcpy(bigger.get(), c->in.get(), c->in_end);
      c->in = std::move(bigger);
      c->in_capacity = capacity;
    }
  }
  const ssize_t n = ::recv(c->fd, c->in.get() + c->in_end, c->in_capacity - c->in_end, 0);
  if (n == 0) return Broken(c, "the server closed the connection");
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return Status::Ok();
    return Broken(c, std::string("recv: ") + std::strerror(errno));
  }
  const uint64_t now = NowNs();
  c->in_end += static_cast<size_t>(n);

  while (c->in_begin < c->in_end) {
    const ParseResult r =
        c->client->ParseReply(std::string_view(c->in.get() + c->in_begin, c->in_end - c->in_begin));
    if (r.status == ParseResult::Status::kNeedMore) break;
    if (r.status == ParseResult::Status::kFatal) {
      return Broken(c, "bad reply: " + std::string(r.message));
    }
    if (Status s = Complete(c, r, now); !s.ok()) return s;
    c->in_begin += r.consumed;
  }
  if (c->in_begin == c->in_end) {
    c->in_begin = c->in_end = 0;
  } else if (c->in_capacity - c->in_end < c->in_capacity / 4) {
    // Little room left behind a partial reply: move it to the front.
    std::memmove(c->in.get(), c->in.get() + c->in_begin, c->in_end - c->in_begin);
    c->in_end -= c->in_begin;
    c->in_begin = 0;
  }
  return Refill(c);
}

Status Worker::HandleWritable(Connection* c) {
  if (Status s = Flush(c); !s.ok()) return s;
  return Refill(c);
}

Status Worker::Complete(Connection* c, const ParseResult& reply, uint64_t now_ns) {
  if (c->in_flight() == 0) return Broken(c, "reply with no request outstanding");
  InFlight* entry = &c->ring[c->head & c->mask];
  if (reply.has_request_id && entry->id != reply.request_id) {
    // Out of order: find it among the younger requests.
    entry = nullptr;
    for (uint32_t i = c->head + 1; i != c->tail; ++i) {
      InFlight& e = c->ring[i & c->mask];
      if (e.id == reply.request_id && !e.done) {
        entry = &e;
        break;
      }
    }
    if (entry == nullptr) {
      return Broken(c, "reply to unknown request id " + std::to_string(reply.request_id));
    }
  }
  CommandStats& stats = stats_.commands[static_cast<size_t>(entry->command)];
  stats.latency.Record(now_ns - entry->sent_ns);
  ++stats.replies;
  if (reply.kind == ReplyKind::kNil) {
    ++stats.misses;
  } else if (reply.kind == ReplyKind::kError) {
    ++stats.errors;
    ++errors_local_;
    if (stats_.first_error.empty()) {
      stats_.first_error = std::string(CommandName(entry->command)) + ": " +
                           (reply.message.empty() ? "error" : std::string(reply.message));
    }
  }
  entry->done = true;
  while (c->head != c->tail && c->ring[c->head & c->mask].done) ++c->head;
  --in_flight_;
  ++completed_local_;
  return Status::Ok();
}

Status Worker::Refill(Connection* c) {
  if (!issuing_ || c->out_sent < c->out.size()) return Status::Ok();  // still flushing
  const uint64_t room = options_.pipeline - c->in_flight();
  const uint32_t count = static_cast<uint32_t>(std::min(room, remaining_));
  if (count == 0) return Status::Ok();
  c->out.clear();
  c->out_sent = 0;
  const std::string_view value = workload_->value();
  const uint32_t first = c->tail;
  for (uint32_t i = 0; i < count; ++i) {
    const Workload::Request request = workload_->Next();
    const uint32_t id = c->next_id;
    c->next_id = id == UINT32_MAX ? 1 : id + 1;
    c->ring[c->tail & c->mask] = InFlight{0, id, request.command, false};
    ++c->tail;
    c->client->AppendRequest(&c->out, request.command, id, request.key, value);
  }
  remaining_ -= count;
  in_flight_ += count;
  const uint64_t now = NowNs();
  for (uint32_t i = first; i != c->tail; ++i) c->ring[i & c->mask].sent_ns = now;
  return Flush(c);
}

Status Worker::Flush(Connection* c) {
  while (c->out_sent < c->out.size()) {
    const ssize_t n =
        ::send(c->fd, c->out.data() + c->out_sent, c->out.size() - c->out_sent, MSG_NOSIGNAL);
    if (n >= 0) {
      c->out_sent += static_cast<size_t>(n);
    } else if (errno == EAGAIN) {
      return SetWantWrite(c, true);
    } else if (errno != EINTR) {
      return Broken(c, std::string("send: ") + std::strerror(errno));
    }
  }
  c->out.clear();
  c->out_sent = 0;
  return SetWantWrite(c, false);
}

Status Worker::SetWantWrite(Connection* c, bool want) {
  if (c->want_write == want) return Status::Ok();
  epoll_event ev{};
  ev.events = want ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
  ev.data.ptr = c;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
    return Status(Code::kIoError, std::string("epoll_ctl: ") + std::strerror(errno));
  }
  c->want_write = want;
  return Status::Ok();
}

}  // namespace memdb::bench
