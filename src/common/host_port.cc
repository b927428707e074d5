#include "common/host_port.h"

namespace memdb {

namespace {

bool IsNameChar(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '.' || ch == '-' || ch == '_';
}

bool IsV6Char(char ch) {
  return (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || (ch >= '0' && ch <= '9') ||
         ch == ':' || ch == '.';
}

}  // namespace

bool ParseHostPort(std::string_view text, HostPort* out) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.empty() || host.size() > 45) return false;
    for (char ch : host) {
      if (!IsV6Char(ch)) return false;
    }
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.empty() || host.size() > 253) return false;
    for (char ch : host) {
      if (!IsNameChar(ch)) return false;
    }
  }
  if (port.empty() || port.size() > 5) return false;
  uint32_t n = 0;
  for (char ch : port) {
    if (ch < '0' || ch > '9') return false;
    n = n * 10 + static_cast<uint32_t>(ch - '0');
  }
  if (n == 0 || n > 65535) return false;
  out->host.assign(host);
  out->port = static_cast<uint16_t>(n);
  return true;
}

std::string FormatHostPort(std::string_view host, uint16_t port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out = "[" + std::string(host) + "]";
  } else {
    out = std::string(host);
  }
  return out + ":" + std::to_string(port);
}

bool IsWildcardAddress(std::string_view host) {
  return host == "0.0.0.0" || host == "::" || host == "[::]" || host == "0:0:0:0:0:0:0:0";
}

}  // namespace memdb
