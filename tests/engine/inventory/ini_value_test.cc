#include "engine/inventory/ini_value.h"

#include <doctest/doctest.h>

namespace hostprep {

TEST_CASE("ini values are typed as Python literals") {
  struct Case {
    const char* text;
    Value value;
  };
  const Case cases[] = {
      {"22", 22},
      {"-3", -3},
      {"0x1F", 31},
      {"0o17", 15},
      {"1_000", 1000},
      {"1.5", 1.5},
      {"1e3", 1000.0},
      {"True", true},
      {"False", false},
      {"None", nullptr},
      {"'a b'", "a b"},
      {"\"x\\ty\"", "x\ty"},
      {"'a' 'b'", "ab"},
      {"[1, 'x']", Value::array({1, "x"})},
      {"(1, 2)", Value::array({1, 2})},
      {"(7)", 7},
      {"{'k': 1, 'l': [True]}", Value({{"k", 1}, {"l", Value::array({true})}})},
      {"{}", Value::object()},
      {"1 # a comment", 1},
      // literal_eval rejects these: they stay the text they were.
      {"true", "true"},
      {"yes", "yes"},
      {"0644", "0644"},
      {"1+2", "1+2"},
      {"10.0.0.1", "10.0.0.1"},
      {"/usr/local/bin", "/usr/local/bin"},
      {"foo # not a comment here", "foo # not a comment here"},
      {"'unclosed", "'unclosed"},
      {"[1, 2", "[1, 2"},
      {"", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(ParsePythonLiteral(c.text) == c.value);
  }
}

TEST_CASE("ini host lines split like shlex with comments") {
  struct Case {
    const char* line;
    std::vector<std::string> words;
  };
  const Case cases[] = {
      {"node1 a=1 b=2", {"node1", "a=1", "b=2"}},
      {"  node1   a='x y'  ", {"node1", "a=x y"}},
      {"node1 a=\"say \\\"hi\\\"\" b=\"c\\d\"", {"node1", "a=say \"hi\"", "b=c\\d"}},
      {"node1 a=b\\ c", {"node1", "a=b c"}},
      {"node1 ansible_host=192.0.2.1  # ip=10.3.0.1", {"node1", "ansible_host=192.0.2.1"}},
      {"node1 pass=ab#cd", {"node1", "pass=ab"}},
      {"node1 pass='ab#cd'", {"node1", "pass=ab#cd"}},
      {"node1 empty=''", {"node1", "empty="}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    Result<std::vector<ShellWord>> got = ShlexSplit(c.line);
    REQUIRE(got.ok());
    std::vector<std::string> words;
    for (const ShellWord& w : *got) words.push_back(w.text);
    CHECK(words == c.words);
  }
  Result<std::vector<ShellWord>> cols = ShlexSplit("  web1  x=1");
  REQUIRE(cols.ok());
  CHECK((*cols)[0].column == 2);
  CHECK((*cols)[1].column == 8);
  CHECK(ShlexSplit("node1 a='x").message() == "no closing quotation");
  CHECK(ShlexSplit("node1 a=x\\").message() == "no escaped character");
}

}  // namespace hostprep
