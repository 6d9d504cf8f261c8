#include "engine/template/filters.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/template/templar.h"
#include "tests/engine/template/filter_test_util.h"

namespace hostprep {
namespace {

constexpr const char* kVars = R"({
    "words": ["b", "A", "c"], "nums": [3, 1, 2, 1], "mixed": [1, "a"],
    "users": [{"name": "x", "n": 2}, {"name": "y", "n": 5}],
    "m": {"k1": 1, "k2": {"a": 1}}, "s": "héllo", "text": "  pad  "
  })";

void CheckAll(std::initializer_list<testing::FilterCase> cases) {
  testing::CheckAllOver(kVars, cases);
}

TEST_CASE("filter default replaces undefined and optionally falsy values") {
  CheckAll({
      {"nope | default('x')", R"("x")"},
      {"nope | d('x')", R"("x")"},
      {"nope | default", R"("")"},
      {"0 | default(5)", "0"},
      {"0 | default(5, true)", "5"},
      {"'' | d(5, true)", "5"},
      {"[] | default([1], true)", "[1]"},
      {"'no' | default('yes', true)", R"("no")"},
      {"none | default(1)", "null"},
      {"none | default(1, true)", "1"},
      {"nope | default(also_nope)", "error: undefined variable 'also_nope'"},
  });
}

TEST_CASE("filter join lower upper trim") {
  CheckAll({
      {"words | join", R"("bAc")"},
      {"words | join(', ')", R"("b, A, c")"},
      {"words | join(d='-')", R"("b-A-c")"},
      {"nums | join(',')", R"("3,1,2,1")"},
      {"[true, none, 1.5] | join(' ')", R"("True None 1.5")"},
      {"'abc' | join('.')", R"("a.b.c")"},
      {"m | join(',')", R"("k1,k2")"},
      {"users | join(',', attribute='name')", R"("x,y")"},
      {"users | join(',', attribute='zz')", "error: join: an item has no attribute 'zz'"},
      {"5 | join", "error: join: expected a list, string or mapping, got integer"},
      {"'MiXed É' | lower", R"("mixed é")"},
      {"'MiXed é' | upper", R"("MIXED É")"},
      {"true | lower", R"("true")"},
      {"text | trim", R"("pad")"},
      {"'xxpadxx' | trim('x')", R"("pad")"},
      {"'xxxx' | trim('x')", R"("")"},
  });
}

TEST_CASE("filter int float and bool convert like Jinja and Ansible") {
  CheckAll({
      {"'42' | int", "42"},
      {"' -7 ' | int", "-7"},
      {"'3.9' | int", "3"},
      {"'-3.9' | int", "-3"},
      {"3.9 | int", "3"},
      {"true | int", "1"},
      {"'abc' | int", "0"},
      {"'abc' | int(7)", "7"},
      {"'' | int", "0"},
      {"none | int", "0"},
      {"[1] | int", "0"},
      {"'1e3' | int", "1000"},
      {"'inf' | int", "error: int: cannot convert float infinity to integer"},
      {"'ff' | int(base=16)", "255"},
      {"'0x1F' | int(0, 16)", "31"},
      {"'0b101' | int(base=2)", "5"},
      {"'777' | int(base=8)", "511"},
      {"'1_000' | int", "1000"},
      {"'99999999999999999999' | int",
       "error: int: '99999999999999999999' does not fit in 64 bits"},
      {"'z' | int(base=3)", "0"},
      {"'z' | int(base=1)", "error: int: base must be 0 or between 2 and 36, got 1"},
      {"'2.5' | float", "2.5"},
      {"3 | float", "3.0"},
      {"'x' | float", "0.0"},
      {"'x' | float(1.5)", "1.5"},
      {"'yes' | bool", "true"},
      {"'On' | bool", "true"},
      {"'TRUE' | bool", "true"},
      {"'1' | bool", "true"},
      {"1 | bool", "true"},
      {"2 | bool", "false"},
      {"'no' | bool", "false"},
      {"'off' | bool", "false"},
      {"'false' | bool", "false"},
      {"'0' | bool", "false"},
      {"'maybe' | bool", "false"},
      {"none | bool", "null"},
      {"true | bool", "true"},
  });
}

TEST_CASE("filter length and count measure strings lists and mappings") {
  CheckAll({
      {"words | length", "3"},
      {"words | count", "3"},
      {"s | length", "5"},
      {"m | length", "2"},
      {"'' | length", "0"},
      {"none | length", "error: length: expected a string, list or mapping, got null"},
  });
}

TEST_CASE("filter replace works like Python str.replace") {
  CheckAll({
      {"'a-b-c' | replace('-', '+')", R"("a+b+c")"},
      {"'a-b-c' | replace('-', '', 1)", R"("ab-c")"},
      {"'aaa' | replace('a', 'aa')", R"("aaaaaa")"},
      {"'ab' | replace('', '.')", R"(".a.b.")"},
      {"'abc' | replace('x', 'y')", R"("abc")"},
      {"123 | replace('2', '')", R"("13")"},
      {"'ab' | replace('a', 'b', 'x')", "error: replace: expected an integer count, got string"},
  });
}

TEST_CASE("filter first and last take an end of a sequence") {
  CheckAll({
      {"words | first", R"("b")"},
      {"words | last", R"("c")"},
      {"s | first", R"("h")"},
      {"s | last", R"("o")"},
      {"m | first", R"("k1")"},
      {"[] | first", "error: first: the list is empty"},
      {"'' | last", "error: last: the string is empty"},
      {"1 | first", "error: first: expected a list, string or mapping, got integer"},
  });
}

TEST_CASE("filter b64encode b64decode string and list") {
  CheckAll({
      {"'' | b64encode", R"("")"},
      {"'f' | b64encode", R"("Zg==")"},
      {"'fo' | b64encode", R"("Zm8=")"},
      {"'foo' | b64encode", R"("Zm9v")"},
      {"'hello world' | b64encode", R"("aGVsbG8gd29ybGQ=")"},
      {"'aGVsbG8gd29ybGQ=' | b64decode", R"("hello world")"},
      {"'a$b' | b64decode", "error: b64decode: incorrect padding"},
      {"5 | string", R"("5")"},
      {"true | string", R"("True")"},
      {"none | string", R"("None")"},
      {"[1, 'a'] | string", R"("[1, 'a']")"},
      {"'ab' | list", R"(["a","b"])"},
      {"m | list", R"(["k1","k2"])"},
      {"words | list", R"(["b","A","c"])"},
      {"1 | list", "error: list: expected a list, string or mapping, got integer"},
  });
}

TEST_CASE("filter unique sort reverse min max sum") {
  CheckAll({
      {"nums | unique", "[3,1,2]"},
      {"[1, 1.0, true] | unique", "[1]"},
      {"nums | sort", "[1,1,2,3]"},
      {"nums | sort(reverse=true)", "[3,2,1,1]"},
      {"words | sort", R"(["A","b","c"])"},
      {"['b', 'B', 'a'] | sort(case_sensitive=true)", R"(["B","a","b"])"},
      {"users | sort(attribute='n', reverse=true) | first", R"({"name":"y","n":5})"},
      {"mixed | sort", "error: sort: '<' is not supported between string and integer"},
      {"nums | reverse", "[1,2,1,3]"},
      {"'abc' | reverse", R"("cba")"},
      {"nums | min", "1"},
      {"nums | max", "3"},
      {"[] | max", "error: max: the list is empty"},
      {"mixed | max", "error: max: '<' is not supported between string and integer"},
      {"nums | sum", "7"},
      {"[1, 2.5] | sum", "3.5"},
      {"users | sum(attribute='n')", "7"},
      {"nums | sum(start=10)", "17"},
      {"words | sum", "error: sum: cannot add string to integer (use join for strings)"},
  });
}

TEST_CASE("filter abs round basename dirname quote to_json") {
  CheckAll({
      {"-3 | abs", "3"},
      {"-2.5 | abs", "2.5"},
      {"'x' | abs", "error: abs: expected a number, got string"},
      {"2.5 | round", "2.0"},
      {"2.4 | round", "2.0"},
      {"3.14159 | round(2)", "3.14"},
      {"2.1 | round(0, 'ceil')", "3.0"},
      {"2.9 | round(method='floor')", "2.0"},
      {"2.9 | round(method='up')",
       "error: round: method must be 'common', 'floor' or 'ceil', got 'up'"},
      {"'/etc/kube/config.yml' | basename", R"("config.yml")"},
      {"'/etc/kube/' | basename", R"("")"},
      {"'name' | basename", R"("name")"},
      {"'/etc/kube/config.yml' | dirname", R"("/etc/kube")"},
      {"'/etc' | dirname", R"("/")"},
      {"'name' | dirname", R"("")"},
      {"'//x' | dirname", R"("//")"},
      {"\"it's\" | quote", R"("'it'\"'\"'s'")"},
      {"'plain' | quote", R"("plain")"},
      {"'' | quote", R"("''")"},
      {"{'a': [1, 'x'], 'b': none} | to_json", R"("{\"a\": [1, \"x\"], \"b\": null}")"},
  });
}

TEST_CASE("filter combine dict2items items2dict") {
  CheckAll({
      {"m | combine({'k1': 9, 'k3': 3})", R"({"k1":9,"k2":{"a":1},"k3":3})"},
      {"m | combine({'k2': {'b': 2}})", R"({"k1":1,"k2":{"b":2}})"},
      {"m | combine({'k2': {'b': 2}}, recursive=true)", R"({"k1":1,"k2":{"a":1,"b":2}})"},
      {"m | combine(1)", "error: combine: expected a mapping to combine with, got integer"},
      {"words | combine({})", "error: combine: expected mappings, got string"},
      {"{'a': 1} | dict2items", R"([{"key":"a","value":1}])"},
      {"{'a': 1} | dict2items('k', 'v')", R"([{"k":"a","v":1}])"},
      {"[{'key': 'a', 'value': 1}] | items2dict", R"({"a":1})"},
      {"[{'key': 'a'}] | items2dict",
       "error: items2dict: every item needs the keys 'key' and 'value'"},
  });
}

TEST_CASE("filter lookup knows names and aliases") {
  REQUIRE(FindFilter("d") != nullptr);
  CHECK(FindFilter("d") == FindFilter("default"));
  CHECK(FindFilter("count") == FindFilter("length"));
  CHECK(FindFilter("regex_replace") != nullptr);
  CHECK(FindFilter("nope") == nullptr);
  const std::vector<std::string>& names = FilterNames();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(std::find(names.begin(), names.end(), "b64encode") != names.end());
  Result<Value> bad = ApplyFilter(*FindFilter("join"), Value("x"), {});
  CHECK(bad.message() == "internal error: bad call of filter 'join'");
}

}  // namespace
}  // namespace hostprep
