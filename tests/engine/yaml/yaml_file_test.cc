#include "engine/yaml/yaml_file.h"

#include <doctest/doctest.h>

#include <string>

namespace hostprep {
namespace {

// "loc: message" per diagnostic.
std::string Messages(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.items()) out += d.location.ToString() + ": " + d.message + "\n";
  return out;
}

// Found by tests/fuzz: yaml-cpp takes any bytes, and a value that is not
// UTF-8 made nlohmann throw out of the first dump() that printed it.
TEST_CASE("yaml refuses a file that is not UTF-8 text, at the first bad byte") {
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"a: 1\nb: caf\xe9\n",
       "x.yml:2:7: invalid UTF-8 (byte 0xe9): YAML files must be UTF-8 text\n"},
      {"\x91", "x.yml:1:1: invalid UTF-8 (byte 0x91): YAML files must be UTF-8 text\n"},
      {"# a comment \xff\nk: v\n",
       "x.yml:1:13: invalid UTF-8 (byte 0xff): YAML files must be UTF-8 text\n"},
      // A NUL byte: yaml-cpp read this as UTF-32 into a string that is not
      // UTF-8 (tests/fuzz/yaml_inventory_fuzz, minimised).
      {std::string("!\0\0\0\0\0~\0\0", 9),
       "x.yml:1:2: a NUL byte: YAML files must be UTF-8 text\n"},
      {std::string("a: b\0c\n", 7), "x.yml:1:5: a NUL byte: YAML files must be UTF-8 text\n"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    YamlDocument doc;
    Diagnostics diags;
    CHECK(!LoadYamlString(c.text, "x.yml", &doc, &diags));
    CHECK(Messages(diags) == c.message);
    CHECK(doc.root.IsNull());
  }
}

TEST_CASE("yaml takes UTF-8 text, escapes included") {
  YamlDocument doc;
  Diagnostics diags;
  REQUIRE(LoadYamlString("a: caf\xc3\xa9\nb: \"\\xe9\\U0001F600\"\n", "x.yml", &doc, &diags));
  CHECK(Messages(diags) == "");
  CHECK(ToValue(doc.root).dump() == "{\"a\":\"caf\xc3\xa9\",\"b\":\"\xc3\xa9\xf0\x9f\x98\x80\"}");
}

}  // namespace
}  // namespace hostprep
