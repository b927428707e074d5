#include "config/read_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace memdb::config {

bool ReadTextFile(const std::string& path, std::string* out, std::string* error) {
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (file == nullptr) {
    *error = std::strerror(errno);
    return false;
  }
  struct stat st;
  if (::fstat(::fileno(file.get()), &st) == 0 && S_ISDIR(st.st_mode)) {
    *error = "is a directory";
    return false;
  }
  out->clear();
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), file.get())) > 0) out->append(buf, n);
  if (std::ferror(file.get())) {
    *error = std::strerror(errno);
    return false;
  }
  return true;
}

bool IsReadableByOthers(const std::string& path, unsigned* mode) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  unsigned bits = static_cast<unsigned>(st.st_mode) & 0777u;
  if ((bits & 0077u) == 0) return false;  // a secret file should be 0600: any group/other bit
  *mode = bits;
  return true;
}

}  // namespace memdb::config
