#include "config/client_keys.h"

#include "config/read_file.h"
#include "protocol/messages.h"

namespace memdb::config {

namespace {

bool IsSpace(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string KeyName(std::string_view id) { return "auth.client_keys[" + std::string(id) + "]"; }

}  // namespace

bool IsValidKeyId(std::string_view id) {
  if (id.empty() || id.size() > protocol::kMaxNameBytes) return false;
  for (char ch : id) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

std::string KeyIdRule() {
  return "1-" + std::to_string(protocol::kMaxNameBytes) + " characters of A-Z a-z 0-9 . _ -";
}

void CheckSecret(std::string_view name, std::string_view secret, std::string_view origin,
                 Errors* errors) {
  std::string problem;
  if (secret.empty()) {
    problem = "the secret is empty";
  } else if (secret == kRedacted) {
    problem = "the secret is the placeholder \"" + std::string(kRedacted) +
              "\" printed by --print-config; put the real secret back";
  } else if (IsSpace(secret.front()) || IsSpace(secret.back())) {
    problem = "the secret starts or ends with whitespace";
  } else {
    return;
  }
  std::string message = std::string(name) + ": " + problem;
  if (!origin.empty()) message += " (from " + std::string(origin) + ")";
  errors->Add(std::move(message));
}

void AddClientKey(std::string_view id, std::string_view secret, std::string_view where,
                  ClientKeys* keys, Errors* errors) {
  if (!IsValidKeyId(id)) {
    // Not shown: a swapped "secret:id" would otherwise print the secret.
    errors->Add("auth.client_keys: invalid key id at " + std::string(where) +
                " (allowed: " + KeyIdRule() + "; the id is not shown in case it is a secret)");
    return;
  }
  if (keys->contains(std::string(id))) {
    errors->Add(KeyName(id) + " is given more than once (again at " + std::string(where) +
                "); each key id may appear once across auth.client_keys and "
                "auth.client_keys_file");
    return;
  }
  size_t before = errors->size();
  CheckSecret(KeyName(id), secret, where, errors);
  if (errors->size() == before) keys->emplace(id, secret);
}

void AddClientKeyEntry(std::string_view entry, std::string_view where, ClientKeys* keys,
                       Errors* errors) {
  size_t colon = entry.find(':');
  if (colon == std::string_view::npos) {
    errors->Add(std::string(where) +
                ": expected ID:SECRET (the entry is not shown in case it is a secret)");
    return;
  }
  AddClientKey(Trim(entry.substr(0, colon)), entry.substr(colon + 1), where, keys, errors);
}

void AddClientKeyList(std::string_view list, std::string_view origin, ClientKeys* keys,
                      Errors* errors) {
  size_t index = 0;
  while (true) {
    size_t comma = list.find(',');
    std::string_view entry = Trim(list.substr(0, comma));
    ++index;
    if (!entry.empty()) {
      AddClientKeyEntry(entry, std::string(origin) + " entry " + std::to_string(index), keys,
                        errors);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

void AddClientKeysText(std::string_view text, std::string_view path, ClientKeys* keys,
                       Errors* errors) {
  size_t line_number = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view content = Trim(line);
    if (content.empty() || content.front() == '#') continue;
    AddClientKeyEntry(line, std::string(path) + ":" + std::to_string(line_number), keys, errors);
  }
}

void AddClientKeysFile(const std::string& path, std::string_view origin, ClientKeys* keys,
                       Errors* errors) {
  std::string text;
  std::string error;
  if (!ReadTextFile(path, &text, &error)) {
    errors->Add("auth.client_keys_file: cannot read " + Quote(path) + ": " + error + " (from " +
                std::string(origin) + ")");
    return;
  }
  AddClientKeysText(text, path, keys, errors);
}

}  // namespace memdb::config
