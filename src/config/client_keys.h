// Client keys (auth.client_keys): parsing "id:secret" entries from the environment, flags and
// key files, and checking ids and secrets. Every error names the key id, or the entry's
// position when the id itself is unusable; a secret never appears in a message.
//
// Entry syntax: ID:SECRET, split at the first ':' (so the secret may contain ':'). An id is
// 1-256 characters of A-Z a-z 0-9 . _ - ; a secret is non-empty, has no whitespace at either
// end and is not the "<redacted>" placeholder.
//
// Key file syntax (auth.client_keys_file): one entry per line; blank lines and lines whose
// first non-blank character is '#' are skipped; a trailing '\r' is ignored (CRLF files).
#ifndef MEMDB_CONFIG_CLIENT_KEYS_H_
#define MEMDB_CONFIG_CLIENT_KEYS_H_

#include <string>
#include <string_view>

#include "config/settings.h"

namespace memdb::config {

bool IsValidKeyId(std::string_view id);
// What a key id may be, for messages: "1-256 characters of A-Z a-z 0-9 . _ -".
std::string KeyIdRule();

// Checks a secret held by `name` ("auth.client_keys[ops]", "auth.cluster_key").
void CheckSecret(std::string_view name, std::string_view secret, std::string_view origin,
                 Errors* errors);

// Checks `id` and `secret` and adds them to *keys. `where` locates the entry for messages
// ("/etc/memdb/keys:3", "env MEMDB_AUTH_CLIENT_KEYS entry 2"). An id already in *keys is an
// error: each id may be given once across auth.client_keys and auth.client_keys_file.
void AddClientKey(std::string_view id, std::string_view secret, std::string_view where,
                  ClientKeys* keys, Errors* errors);

// One "id:secret" entry.
void AddClientKeyEntry(std::string_view entry, std::string_view where, ClientKeys* keys,
                       Errors* errors);

// MEMDB_AUTH_CLIENT_KEYS: entries separated by ',' (so secrets given this way cannot contain
// ','), whitespace around entries ignored, empty entries skipped.
void AddClientKeyList(std::string_view list, std::string_view origin, ClientKeys* keys,
                      Errors* errors);

// The text of a key file; `path` is used in messages as "path:line".
void AddClientKeysText(std::string_view text, std::string_view path, ClientKeys* keys,
                       Errors* errors);

// Reads and parses the key file at `path`. `origin` says where the path came from.
void AddClientKeysFile(const std::string& path, std::string_view origin, ClientKeys* keys,
                       Errors* errors);

}  // namespace memdb::config

#endif  // MEMDB_CONFIG_CLIENT_KEYS_H_
