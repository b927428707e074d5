#include "memdb/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace memdb {

namespace {
constexpr off_t kMaxSecretFileBytes = 64 * 1024;

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }
}  // namespace

Result<std::string> ReadSecretFile(const std::string& path, unsigned* mode) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Invalid("cannot read secret file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Invalid("secret file " + path + " is not a regular file");
  }
  if (st.st_size > kMaxSecretFileBytes) {
    ::close(fd);
    return Invalid("secret file " + path + " is larger than 64 KiB: is it the right file?");
  }
  std::string content(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < content.size()) {
    const ssize_t n = ::read(fd, content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Invalid("cannot read secret file " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  content.resize(got);
  while (!content.empty() && std::strchr(" \t\r\n", content.back()) != nullptr) {
    content.pop_back();
  }
  if (content.empty()) return Invalid("secret file " + path + " is empty");
  if (content.find('\n') != std::string::npos) {
    explicit_bzero(content.data(), content.size());
    return Invalid("secret file " + path +
                   " has more than one line: it should hold the secret alone");
  }
  if (mode != nullptr) *mode = static_cast<unsigned>(st.st_mode & 07777);
  return content;
}

}  // namespace memdb
