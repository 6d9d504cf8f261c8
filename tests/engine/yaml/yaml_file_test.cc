#include "engine/yaml/yaml_file.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/temp_tree.h"

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

TEST_CASE("yaml reads a file whole, across read pieces, and refuses one past the bound") {
  testing::TempTree tree;
  // Longer than one read piece (64 KiB), shorter than the bound.
  std::string big = "items:\n";
  while (big.size() < 200 * 1024) big += "  - a fairly long list item to fill the file\n";
  big += "last: true\n";
  tree.Write("big.yml", big);
  YamlDocument doc;
  Diagnostics diags;
  REQUIRE(LoadYamlFile(tree.dir() + "/big.yml", &doc, &diags));
  CHECK(Messages(diags) == "");
  CHECK(doc.root["last"].as<std::string>() == "true");

  {
    std::ofstream huge(tree.dir() + "/huge.yml", std::ios::binary);
    const std::string line = "# " + std::string(1021, 'x') + "\n";
    for (size_t n = 0; n <= kMaxYamlBytes / line.size(); ++n) huge << line;
  }
  YamlDocument refused;
  Diagnostics why;
  CHECK_FALSE(LoadYamlFile(tree.dir() + "/huge.yml", &refused, &why));
  REQUIRE(why.items().size() == 1);
  CHECK(why.items()[0].message ==
        "the file is larger than 32 MiB, the most hostprep reads as YAML: split it, or keep "
        "large data in files that tasks copy");
}

}  // namespace
}  // namespace hostprep
