#include "engine/template/value_ops.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

Value J(const char* json) { return Value::parse(json); }

TEST_CASE("PyTruthy follows Python rather than Ansible strings") {
  CHECK(PyTruthy(Value("false")));
  CHECK(PyTruthy(Value("0")));
  CHECK_FALSE(PyTruthy(Value("")));
  CHECK_FALSE(PyTruthy(Value(0)));
  CHECK_FALSE(PyTruthy(Value(0.0)));
  CHECK_FALSE(PyTruthy(Value()));
  CHECK_FALSE(PyTruthy(J("[]")));
  CHECK_FALSE(PyTruthy(J("{}")));
  CHECK(PyTruthy(J("[0]")));
}

TEST_CASE("ValuesEqual compares numbers across types and containers deeply") {
  CHECK(ValuesEqual(Value(1), Value(1.0)));
  CHECK(ValuesEqual(Value(true), Value(1)));
  CHECK_FALSE(ValuesEqual(Value(1), Value("1")));
  CHECK(ValuesEqual(J("[1, {\"a\": 2}]"), J("[1.0, {\"a\": 2}]")));
  CHECK(ValuesEqual(J("{\"a\": 1, \"b\": 2}"), J("{\"b\": 2, \"a\": 1}")));
  CHECK_FALSE(ValuesEqual(J("{\"a\": 1}"), J("{\"a\": 1, \"b\": 2}")));
  CHECK_FALSE(ValuesEqual(J("[1]"), J("[1, 2]")));
}

TEST_CASE("CompareValues orders numbers strings and lists") {
  CHECK(*CompareValues(Value(1), Value(2.5), "<") < 0);
  CHECK(*CompareValues(Value("b"), Value("a"), "<") > 0);
  CHECK(*CompareValues(J("[1, 2]"), J("[1]"), "<") > 0);
  CHECK(*CompareValues(J("[1, 2]"), J("[1, 2]"), "<") == 0);
  CHECK(CompareValues(Value("a"), Value(1), ">=").message() ==
        "'>=' is not supported between string and integer");
  CHECK(CompareValues(J("{}"), J("{}"), "<").message() ==
        "'<' is not supported between mapping and mapping");
}

TEST_CASE("Arithmetic follows Python") {
  struct Case {
    const char* op;
    Value a, b;
    const char* want;
  } cases[] = {
      {"+", 2, 3, "5"},
      {"+", 2, 0.5, "2.5"},
      {"+", true, true, "2"},
      {"-", 2, 5, "-3"},
      {"*", 4, 2.5, "10.0"},
      {"/", 1, 4, "0.25"},
      {"//", 7, -2, "-4"},
      {"//", 7.5, 2, "3.0"},
      {"%", -7, 3, "2"},
      {"%", 7, -3, "-2"},
      {"%", 5.5, 2, "1.5"},
      {"%", -5.5, 2, "0.5"},
      {"**", 2, 10, "1024"},
      {"**", 2, -1, "0.5"},
      {"**", -1, 1000000000001LL, "-1"},
      {"**", 0, 0, "1"},
      {"**", 2.0, 0.5, "1.4142135623730951"},
      {"**", 0.0, -1, "error: 0.0 cannot be raised to a negative power"},
      {"~", 1, Value("x"), "\"1x\""},
      {"+", Value("a"), Value("b"), "\"ab\""},
      {"*", 3, Value("ab"), "\"ababab\""},
      {"*", Value("ab"), -1, "\"\""},
      {"*", J("[1]"), 2, "[1,1]"},
      {"+", J("[1]"), J("[2]"), "[1,2]"},
      {"-", Value("a"), Value("b"), "error: unsupported operand types for -: string and string"},
      {"//", -9223372036854775807LL - 1, -1, "error: integer overflow in '//'"},
      {"%", -9223372036854775807LL - 1, -1, "0"},
      {"*", 9223372036854775807LL, 2, "error: integer overflow in '*'"},
      {"-", -9223372036854775807LL - 1, 1, "error: integer overflow in '-'"},
      {"/", 1, 0.0, "error: division by zero"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.op);
    CAPTURE(c.a.dump());
    Result<Value> r = Arithmetic(c.op, c.a, c.b);
    CHECK((r.ok() ? r->dump() : "error: " + r.message()) == c.want);
  }
}

TEST_CASE("Contains handles lists strings and mappings") {
  CHECK(*Contains(J("[1, 2]"), Value(2.0)));
  CHECK_FALSE(*Contains(J("[1, 2]"), Value("2")));
  CHECK(*Contains(Value("hello"), Value("ell")));
  CHECK(*Contains(J("{\"1\": 0}"), Value(1)));
  CHECK_FALSE(*Contains(J("{\"a\": 0}"), J("[\"a\"]")));
  CHECK(Contains(Value("x"), Value(1)).message() ==
        "'in <string>' needs a string on the left, got integer");
  CHECK(Contains(Value(true), Value(1)).message() ==
        "'in' needs a list, string or mapping on the right, got boolean");
}

TEST_CASE("Utf8Chars splits code points and keeps stray bytes") {
  CHECK(Utf8Chars("aé€😀") == std::vector<std::string>{"a", "é", "€", "😀"});
  CHECK(Utf8Chars("\xff"
                  "a") == std::vector<std::string>{"\xff", "a"});
  CHECK(Utf8Chars("\xe2\x82") == std::vector<std::string>{"\xe2", "\x82"});
  CHECK(Utf8Length("héllo") == 5);
  CHECK(Utf8Length("") == 0);
}

}  // namespace
}  // namespace hostprep
