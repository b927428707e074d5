// memdb::ReadSecretFile — loads a client secret from a file, the way every memdb tool does.
#ifndef MEMDB_SECRET_FILE_H_
#define MEMDB_SECRET_FILE_H_

#include <string>

#include "memdb/result.h"

namespace memdb {

// Reads the secret stored in `path`: the whole file without trailing whitespace (the final
// newline). Refuses, with kInvalidArgument, a file that is missing, not a regular file, over
// 64 KiB, empty, or of more than one line. The secret never appears in an error message.
// `*mode` (if given) receives the file's permission bits (e.g. 0600), so the caller can warn
// when group or other users may read it (mode & 077).
Result<std::string> ReadSecretFile(const std::string& path, unsigned* mode = nullptr);

}  // namespace memdb

#endif  // MEMDB_SECRET_FILE_H_
