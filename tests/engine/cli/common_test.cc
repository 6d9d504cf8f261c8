#include "engine/cli/common.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace hostprep {
namespace {

TEST_CASE("extra vars accept key=value pairs, quoted values and mappings") {
  Result<Value> v = ParseExtraVars({"a=1 b='two words'", "{c: [1, 2]}", "a=3"});
  REQUIRE(v.ok());
  CHECK((*v)["a"] == "3");
  CHECK((*v)["b"] == "two words");
  CHECK((*v)["c"] == Value::array({1, 2}));
}

TEST_CASE("extra vars load @file.yml") {
  char dir[] = "/tmp/hostprep-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string path = std::string(dir) + "/vars.yml";
  std::ofstream(path) << "sandbox_image: registry.k8s.io/pause:3.10\nmirrors: [a, b]\n";
  Result<Value> v = ParseExtraVars({"@" + path});
  std::remove(path.c_str());
  rmdir(dir);
  REQUIRE(v.ok());
  CHECK((*v)["sandbox_image"] == "registry.k8s.io/pause:3.10");
  CHECK((*v)["mirrors"].size() == 2);
}

TEST_CASE("extra vars explain what they expected") {
  CHECK(ParseExtraVars({"novalue"}).message() ==
        "-e 'novalue': expected key=value, @file.yml or a {...} mapping");
  CHECK(ParseExtraVars({"a='open"}).message() == "-e 'a='open': unterminated quote");
  CHECK(ParseExtraVars({"@/nonexistent/vars.yml"}).message() ==
        "-e @/nonexistent/vars.yml: /nonexistent/vars.yml: cannot read file: No such file or "
        "directory");
}

TEST_CASE("tag lists split on commas and repeat") {
  CHECK(SplitList({"a,b", " c ", ",d,"}) == std::vector<std::string>{"a", "b", "c", "d"});
}

}  // namespace
}  // namespace hostprep
