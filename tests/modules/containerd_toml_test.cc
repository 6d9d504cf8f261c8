#include "modules/containerd_toml.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace hostprep::modules {
namespace {

toml::table Parse(const std::string& text) {
  Result<toml::table> t = ParseToml(text, "test.toml");
  REQUIRE(t.ok());
  return *t;
}

TEST_CASE("toml strings and key paths are quoted only where TOML needs it") {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case strings[] = {
      {"plain", "\"plain\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"C:\\dir", "\"C:\\\\dir\""},
      {"a\nb\tc", "\"a\\nb\\tc\""},
      {std::string("x\x01y"), "\"x\\u0001y\""},
  };
  for (const Case& c : strings) {
    CAPTURE(c.in);
    CHECK(TomlString(c.in) == c.out);
  }
  CHECK(TomlKeyPath({"plugins", "io.containerd.grpc.v1.cri", "sandbox_image"}) ==
        "plugins.\"io.containerd.grpc.v1.cri\".sandbox_image");
  CHECK(TomlKeyPath({"a-b_C9", "with space", ""}) == "a-b_C9.\"with space\".\"\"");
}

TEST_CASE("toml values are set by path, creating tables, and null removes them") {
  toml::table t = Parse("[a]\nkeep = 1\nold = \"x\"\n");
  REQUIRE(SetTomlValue(&t, {"a", "b", "c"}, Value({1, 2})).ok());
  REQUIRE(SetTomlValue(&t, {"a", "old"}, nullptr).ok());
  REQUIRE(SetTomlValue(&t, {"gone", "x"}, nullptr).ok());  // nothing to remove, nothing made
  REQUIRE(SetTomlValue(&t, {"f"}, 1.5).ok());
  REQUIRE(SetTomlValue(&t, {"tables"}, Value::array({{{"name", "n"}}})).ok());
  CHECK(FormatToml(t) ==
        "f = 1.5\n\n[a]\nkeep = 1\n\n[a.b]\nc = [ 1, 2 ]\n\n[[tables]]\nname = \"n\"\n");
  REQUIRE(FindToml(t, {"a", "keep"}) != nullptr);
  CHECK(FindToml(t, {"a", "keep"})->value<int64_t>() == 1);
  CHECK(FindToml(t, {"a", "keep", "deeper"}) == nullptr);
  CHECK(FindToml(t, {"gone"}) == nullptr);

  CHECK(SetTomlValue(&t, {"a", "keep", "x"}, true).message() ==
        "cannot set a.keep.x: a.keep is an integer, not a table");
  CHECK(SetTomlValue(&t, {"list"}, Value({1, nullptr})).message() ==
        "cannot set list: an array cannot hold null");
}

TEST_CASE("toml settings merge into existing tables key by key") {
  toml::table t = Parse("[debug]\nlevel = \"warn\"\nformat = \"json\"\n[ttrpc]\naddress = \"\"\n");
  REQUIRE(MergeTomlSettings(&t, {{"debug", {{"level", "info"}}}, {"ttrpc", nullptr}}).ok());
  CHECK(FormatToml(t) == "[debug]\nformat = \"json\"\nlevel = \"info\"\n");
  CHECK(MergeTomlSettings(&t, {{"debug", {{"level", {{"x", 1}}}}}}).message() ==
        "cannot merge a mapping into debug.level: it is a string, not a table");
  CHECK(MergeTomlSettings(&t, {{"debug", {{"bad", {nullptr}}}}}).message() ==
        "cannot set debug.bad: an array cannot hold null");
}

TEST_CASE("toml parse errors name the file, line and column") {
  Result<toml::table> t = ParseToml("a = 1\nb = [\n", "/etc/containerd/config.toml");
  CHECK(t.message() ==
        "/etc/containerd/config.toml:2:7: invalid TOML: Error while parsing array: encountered "
        "end-of-file (fix or remove the file)");
  t = ParseToml("a = 1\na = 2\n", "x.toml");
  CHECK(t.message() ==
        "x.toml:2:5: invalid TOML: Error while parsing key-value pair: cannot redefine existing "
        "integer 'a' (fix or remove the file)");
}

}  // namespace
}  // namespace hostprep::modules
