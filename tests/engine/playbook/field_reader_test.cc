#include "engine/playbook/field_reader.h"

#include <doctest/doctest.h>

#include "engine/yaml/yaml_file.h"

namespace hostprep {
namespace {

// The value of key `v` in a one-line YAML mapping.
YAML::Node Field(const std::string& yaml) { return YAML::Load("v: " + yaml)["v"]; }

std::string Messages(const FieldReader& reader_in) {
  FieldReader reader = reader_in;
  Diagnostics diags;
  reader.Flush(&diags);
  std::string out;
  for (const Diagnostic& d : diags.items()) out += d.location.ToString() + ": " + d.message + "\n";
  return out;
}

TEST_CASE("field reader reads YAML booleans and their quoted spellings") {
  struct Case {
    std::string yaml;
    bool expected;
  };
  for (const Case& c : std::vector<Case>{{"true", true},
                                         {"yes", true},
                                         {"On", true},
                                         {"\"yes\"", true},
                                         {"false", false},
                                         {"no", false},
                                         {"'False'", false}}) {
    CAPTURE(c.yaml);
    FieldReader reader("pb.yml", "");
    bool out = !c.expected;
    CHECK(reader.ReadBool("become", Field(c.yaml), &out));
    CHECK(out == c.expected);
    CHECK(reader.error_count() == 0);
  }
}

TEST_CASE("field reader describes what it found when a type is wrong") {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"three", "pb.yml:1:4: 'retries' must be an integer, not 'three'\n"},
      {"[1]", "pb.yml:1:4: 'retries' must be an integer, not a list\n"},
      {"", "pb.yml:1:1: 'retries' must be an integer, not nothing\n"},
      {"1.5", "pb.yml:1:4: 'retries' must be an integer, not 1.5\n"},
      {"70000000000", "pb.yml:1:4: 'retries' must be 0 or more, not 70000000000\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.yaml);
    FieldReader reader("pb.yml", "");
    int out = 7;
    CHECK(!reader.ReadInt("retries", Field(c.yaml), 0, INT32_MAX, &out));
    CHECK(out == 7);
    CHECK(Messages(reader) == c.message);
  }
}

TEST_CASE("field reader reads an integer written as a quoted string of digits") {
  FieldReader reader("pb.yml", "");
  int out = 0;
  CHECK(reader.ReadInt("retries", Field("'3'"), 0, 10, &out));
  CHECK(out == 3);
  CHECK(!reader.ReadInt("retries", Field("11"), 0, 10, &out));
  CHECK(Messages(reader) == "pb.yml:1:4: 'retries' must be between 0 and 10, not 11\n");
}

TEST_CASE("field reader reads a string or a list of strings with their locations") {
  FieldReader reader("pb.yml", "");
  std::vector<std::string> out;
  std::vector<SourceLocation> at;
  CHECK(reader.ReadStringList("after", Field("[a, 2, c]"), &out, &at));
  CHECK(out == std::vector<std::string>{"a", "2", "c"});
  REQUIRE(at.size() == 3);
  CHECK(at[1].column == 8);
  out.clear();
  CHECK(reader.ReadStringList("after", Field("one"), &out));
  CHECK(out == std::vector<std::string>{"one"});
}

TEST_CASE("field reader reads conditions as expressions with locations") {
  FieldReader reader("pb.yml", "");
  std::vector<Expression> out;
  CHECK(reader.ReadConditions("when", Field("[x is defined, false]"), "task 't'", &out));
  REQUIRE(out.size() == 2);
  CHECK(out[0].text == "x is defined");
  CHECK(out[0].location.ToString() == "pb.yml:1:5");
  CHECK(out[1].text == "false");
}

TEST_CASE("field reader hands diagnostics over in file order, vars file errors at their anchor") {
  FieldReader reader("pb.yml", "");
  reader.Error(SourceLocation{"pb.yml", 9, 3}, "late");
  reader.Error(SourceLocation{"pb.yml", 2, 5}, "early");
  Diagnostics other;
  other.Add(SourceLocation{"vars.yml", 1, 1}, "in the vars file");
  reader.Adopt(other, SourceLocation{"pb.yml", 4, 7});
  reader.Error(SourceLocation{"pb.yml", 2, 5}, "early, second");
  CHECK(Messages(reader) ==
        "pb.yml:2:5: early\n"
        "pb.yml:2:5: early, second\n"
        "vars.yml:1:1: in the vars file\n"
        "pb.yml:9:3: late\n");
}

TEST_CASE("field reader resolves paths against the playbook directory") {
  CHECK(FieldReader("pb.yml", "").Resolve("vars.yml") == "vars.yml");
  CHECK(FieldReader("p/pb.yml", "p").Resolve("vars/a.yml") == "p/vars/a.yml");
  CHECK(FieldReader("p/pb.yml", "p").Resolve("/etc/a.yml") == "/etc/a.yml");
}

}  // namespace
}  // namespace hostprep
