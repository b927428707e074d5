// NodeIdentity — who this node is across restarts: its id, its tokens and its generation,
// kept in `<data_dir>/cluster/identity` (docs/cluster.md, "What is persisted").
//
// At first start the id is drawn from the injected Random (never 0; or taken from a legacy
// `<data_dir>/node_id` file, or from `requested_id` when the operator set one) and the tokens
// are chosen with Ring::ChooseTokens. At every start the generation is bumped and the file
// rewritten durably (written to a temporary, synced, renamed, directory synced) BEFORE the
// node talks to anyone: a generation is never reused, so peers can tell a restart from an old
// message.
//
// File format (text, one "key value" per line, so an operator can read it):
//   memdb-identity 1
//   id <u32>
//   generation <u64>
//   tokens <count> <t1> <t2> ...
//   crc32c <hex of the CRC32C of every byte before this line>
// A file that does not parse or whose CRC does not match is kCorruption naming the file: the
// node refuses to start rather than invent a new identity (it would own other ranges).
// Only through the FileSystem: no other IO.
#ifndef MEMDB_CLUSTER_NODE_IDENTITY_H_
#define MEMDB_CLUSTER_NODE_IDENTITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cluster/ring.h"
#include "common/file_system.h"
#include "common/random.h"
#include "memdb/result.h"

namespace memdb::cluster {

struct NodeIdentity {
  NodeId id = 0;
  uint64_t generation = 0;
  std::vector<Token> tokens;
  bool first_start = false;  // the identity was created by this start
};

struct IdentityOptions {
  std::string data_dir;
  uint32_t tokens_per_node = 256;  // used at first start only
  NodeId requested_id = 0;         // 0 = random; else must match a stored id
};

// Loads (or creates) the identity, bumps the generation and persists it.
// Errors: kIoError, kCorruption (file unreadable/garbled), kInvalidArgument (requested_id
// differs from the stored id).
Result<NodeIdentity> LoadOrCreateIdentity(FileSystem* fs, const IdentityOptions& options,
                                          Random& random);

// The file path, for messages and tests.
std::string IdentityPath(const std::string& data_dir);

}  // namespace memdb::cluster

#endif  // MEMDB_CLUSTER_NODE_IDENTITY_H_
