// A temporary directory under /tmp for a test's files, removed with
// everything in it when the test ends, also when a check fails.
#ifndef HOSTPREP_TESTS_TEMP_TREE_H_
#define HOSTPREP_TESTS_TEMP_TREE_H_

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace hostprep::testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "hostprep-test.XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
  }
  ~TempTree() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& dir() const { return dir_; }
  // Writes `text` to `name` (relative to dir()), making its directories.
  void Write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    std::ofstream(dir_ + "/" + name) << text;
  }

 private:
  std::string dir_;
};

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_TEMP_TREE_H_
