// Small file helpers for the config loader (an edge module: it may touch the filesystem).
#ifndef MEMDB_CONFIG_READ_FILE_H_
#define MEMDB_CONFIG_READ_FILE_H_

#include <string>

namespace memdb::config {

// Reads the whole file. On failure returns false and sets *error to the reason
// ("No such file or directory"); the file's contents never appear in *error.
bool ReadTextFile(const std::string& path, std::string* out, std::string* error);

// True when the file exists and grants group or other users any permission (mode & 077 != 0):
// a file of secrets should be 0600.
// Sets *mode to the permission bits (e.g. 0644) when it returns true.
bool IsReadableByOthers(const std::string& path, unsigned* mode);

}  // namespace memdb::config

#endif  // MEMDB_CONFIG_READ_FILE_H_
