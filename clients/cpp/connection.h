// Connection — one authenticated TCP connection: a reader thread that decodes replies, and a
// write path that coalesces frames from concurrent senders into one write.
//
// Threads: Send may be called from any thread; the reader thread is owned by the connection
// (started by Start, joined by Close or the destructor). The listener is called on the reader
// thread (OnResponse, OnClosed) or on a sender's thread (OnClosed after a failed write, or in
// Close) — never with a connection lock held, so it may take its own locks. The listener must
// outlive the connection.
//
// Lifetime: shared by the client and the threads sending on it (std::shared_ptr). The socket
// descriptor is closed only in the destructor, so a late Send on a closed connection fails
// cleanly instead of writing to a reused descriptor.
#ifndef MEMDB_CLIENTS_CPP_CONNECTION_H_
#define MEMDB_CLIENTS_CPP_CONNECTION_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "clients/cpp/frame_buffer.h"
#include "clients/cpp/socket.h"
#include "memdb/status.h"
#include "protocol/frame.h"

namespace memdb::client_internal {

class Connection;

class ConnectionListener {
 public:
  virtual ~ConnectionListener() = default;
  // A reply arrived. `frame.body` is valid only during the call. Reader thread.
  virtual void OnResponse(Connection* connection, const protocol::Frame& frame) = 0;
  // The connection broke or was closed; called exactly once per connection. Afterwards no
  // OnResponse call starts (one already running may finish). `why` is kConnectionFailed.
  virtual void OnClosed(Connection* connection, const Status& why) = 0;
};

class Connection {
 public:
  // Takes an authenticated socket and the bytes already read past the handshake.
  // `write_stall_timeout`: a write blocked this long on a full socket breaks the connection.
  Connection(uint64_t id, Socket socket, FrameBuffer buffer, ConnectionListener* listener,
             std::chrono::milliseconds write_stall_timeout);
  // Close(), then releases the descriptor. Must not run on the reader thread.
  ~Connection();

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  uint64_t id() const { return id_; }

  // Starts the reader thread. Once.
  void Start();

  // Writes `frame` (one or more whole frames). When another thread is already writing, the
  // bytes are queued and that thread writes them with its own, and Send returns at once.
  // A write failure breaks the connection (listener->OnClosed) and is returned; a queued
  // frame's failure is reported only through OnClosed.
  Status Send(std::string_view frame);

  // Breaks the connection with `why`: shuts the socket down and calls listener->OnClosed,
  // unless already broken. Does not wait for the reader; callable from any thread, including
  // the reader (e.g. from OnResponse, after an error reply that ends the connection).
  void Break(const Status& why) { Fail(why); }

  // Break(why), then joins the reader thread. Idempotent. Not on the reader thread.
  void Close(const Status& why);

 private:
  void ReadLoop();
  // First call wins: shuts the socket down and tells the listener.
  void Fail(const Status& why);

  const uint64_t id_;
  Socket socket_;
  FrameBuffer buffer_;  // reader thread only
  ConnectionListener* const listener_;
  const std::chrono::milliseconds write_stall_timeout_;

  std::atomic<bool> failed_{false};

  std::mutex write_mu_;
  std::string queued_;    // guarded by write_mu_: frames waiting for the writer
  std::string spare_;     // guarded by write_mu_: recycled write buffer
  bool writing_ = false;  // guarded by write_mu_: a thread is in socket_.WriteAll

  std::mutex thread_mu_;  // guards reader_ (Start / Close / destructor)
  std::thread reader_;
};

}  // namespace memdb::client_internal

#endif  // MEMDB_CLIENTS_CPP_CONNECTION_H_
