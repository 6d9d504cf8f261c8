#include "engine/output/atomic_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace hostprep {

Status WriteFileAtomically(const std::string& option, const std::string& path,
                           std::string_view content) {
  const std::string tmp = fmt::format("{}.{}.tmp", path, getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return Status::Error(fmt::format("{} {}: {}", option, path, std::strerror(errno)));
  }
  // The first error is the one to report (a full disk shows at write or sync).
  int error = 0;
  if (std::fwrite(content.data(), 1, content.size(), f) != content.size()) error = errno;
  if (std::fflush(f) != 0 && error == 0) error = errno;
  if (fsync(fileno(f)) != 0 && error == 0) error = errno;
  if (std::fclose(f) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    std::remove(tmp.c_str());
    return Status::Error(fmt::format("{} {}: {}", option, path, std::strerror(error)));
  }
  return Status::Ok();
}

Status CheckWritablePath(const std::string& option, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  if (!fs::is_directory(dir, ec)) {
    return Status::Error(fmt::format("{} {}: the directory {} does not exist (create it first)",
                                     option, path, dir.string()));
  }
  if (fs::is_directory(path, ec)) {
    return Status::Error(
        fmt::format("{} {}: is a directory (give the file to write in it)", option, path));
  }
  if (access(dir.c_str(), W_OK) != 0) {
    return Status::Error(fmt::format("{} {}: cannot write in the directory {}: {}", option, path,
                                     dir.string(), std::strerror(errno)));
  }
  return Status::Ok();
}

}  // namespace hostprep
