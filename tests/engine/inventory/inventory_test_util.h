// Helpers shared by the inventory tests: a temporary directory that removes
// itself, and diagnostics flattened to "file:line:col: message" lines.
#ifndef HOSTPREP_TESTS_ENGINE_INVENTORY_INVENTORY_TEST_UTIL_H_
#define HOSTPREP_TESTS_ENGINE_INVENTORY_INVENTORY_TEST_UTIL_H_

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/base/source.h"

namespace hostprep {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/hostprep-inventory-test-XXXXXX";
    char* made = mkdtemp(tmpl);
    if (made == nullptr) std::abort();
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `text` to path()/relative (creating directories); returns the path.
  std::string Write(const std::string& relative, const std::string& text,
                    bool executable = false) const {
    std::string full = path_ + "/" + relative;
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream(full, std::ios::binary) << text;
    if (executable) chmod(full.c_str(), 0755);
    return full;
  }

 private:
  std::string path_;
};

// "loc: message\n" per diagnostic, without the quoted source lines.
inline std::string Messages(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    std::string where = d.location.ToString();
    out += (where.empty() ? "" : where + ": ") + d.message + "\n";
  }
  return out;
}

inline std::string SourcePath(const std::string& relative) {
  return std::string(HOSTPREP_SOURCE_DIR) + "/" + relative;
}

}  // namespace hostprep

#endif  // HOSTPREP_TESTS_ENGINE_INVENTORY_INVENTORY_TEST_UTIL_H_
