// Sockets for memdb-bench: connect with a deadline, and run a protocol handshake before the
// connection joins a worker's event loop. Both are blocking-with-deadline helpers (poll on a
// non-blocking socket): connection setup is not part of what the bench measures.
//
// Threading: free functions; each call touches only the socket it is given.
#ifndef MEMDB_BENCH_SOCKET_H_
#define MEMDB_BENCH_SOCKET_H_

#include <cstdint>
#include <string>

#include "memdb/result.h"
#include "memdb_bench/protocol_client.h"

namespace memdb::bench {

// Monotonic clock in nanoseconds (CLOCK_MONOTONIC, the steady clock).
uint64_t NowNs();

// Opens a non-blocking TCP connection with TCP_NODELAY to host:port (name or numeric address;
// each resolved address is tried in turn) before `deadline_ns` (NowNs() time).
// Errors: kConnectionFailed, "cannot connect to host:port: <reason>".
Result<int> ConnectTcp(const std::string& host, uint16_t port, uint64_t deadline_ns);

// Runs `client`'s handshake on the connected non-blocking socket `fd` before `deadline_ns`.
// Bytes received after the handshake's last reply (none, with a well-behaved server) are
// appended to `leftover`. Errors: kConnectionFailed (I/O error, closed, timeout) or
// kAuthFailed (the server refused the handshake), the message saying which.
Status RunHandshake(int fd, ProtocolClient* client, uint64_t deadline_ns, std::string* leftover);

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_SOCKET_H_
