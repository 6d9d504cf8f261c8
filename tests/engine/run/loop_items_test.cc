#include "engine/run/loop_items.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

Value Items(const std::string& lookup, const std::string& terms_json) {
  Result<Value> r = ApplyLoopLookup(lookup, Value::parse(terms_json));
  REQUIRE_MESSAGE(r.ok(), r.message());
  return *r;
}

std::string Error(const std::string& lookup, const std::string& terms_json) {
  Result<Value> r = ApplyLoopLookup(lookup, Value::parse(terms_json));
  return r.ok() ? "ok: " + r->dump() : r.message();
}

TEST_CASE("with_ lookups shape their items as Ansible's lookup plugins do") {
  struct Case {
    std::string lookup;
    std::string terms;
    std::string items;
  };
  const std::vector<Case> cases = {
      {"items", R"(["a", ["b", ["c"]], 1])", R"(["a", "b", ["c"], 1])"},
      {"items", R"("single")", R"(["single"])"},
      {"list", R"([["a", "b"], "c"])", R"([["a", "b"], "c"])"},
      {"flattened", R"([["a", ["b", ["c"]]], "d"])", R"(["a", "b", "c", "d"])"},
      {"indexed_items", R"(["x", ["y"]])", R"([[0, "x"], [1, "y"]])"},
      {"dict", R"({"b": 1, "a": 2})", R"([{"key": "b", "value": 1}, {"key": "a", "value": 2}])"},
      {"together", R"([[1, 2, 3], ["a", "b"]])", R"([[1, "a"], [2, "b"], [3, null]])"},
      {"nested", R"([["r", "b"], [1, 2]])", R"([["r", 1], ["r", 2], ["b", 1], ["b", 2]])"},
      {"nested", R"([["r"], [1], ["x", "y"]])", R"([["r", 1, "x"], ["r", 1, "y"]])"},
      {"sequence", R"("start=1 end=9 stride=4 format=n%02d")", R"(["n01", "n05", "n09"])"},
      {"sequence", R"("count=3")", R"(["1", "2", "3"])"},
      {"sequence", R"("start=0 count=3 stride=2")", R"(["0", "2", "4"])"},
      {"sequence", R"("4-8/2:host%d")", R"(["host4", "host6", "host8"])"},
      {"sequence", R"("start=0x0f00 count=2 format=%04x")", R"(["0f00", "0f01"])"},
      {"sequence", R"("start=5 end=1 stride=-2")", R"(["5", "3", "1"])"},
      {"sequence", R"("count=0")", R"([])"},
      // The sublist is taken out of each mapping, as Ansible pops it.
      {"subelements", R"([[{"n": "a", "g": [1, 2]}, {"n": "b", "g": []}], "g"])",
       R"([[{"n": "a"}, 1], [{"n": "a"}, 2]])"},
      {"subelements",
       R"([[{"n": "a", "u": {"k": [1]}}, {"n": "b"}], "u.k", {"skip_missing": true}])",
       R"([[{"n": "a", "u": {}}, 1]])"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.lookup);
    CAPTURE(c.terms);
    CHECK(Items(c.lookup, c.terms) == Value::parse(c.items));
  }
}

TEST_CASE("with_ lookups say what is wrong with their terms") {
  CHECK(Error("dict", R"(["a"])") == "with_dict needs a mapping, not string");
  CHECK(Error("sequence", R"("start=1")") == "must specify count or end in with_sequence");
  CHECK(Error("sequence", R"("count=2 end=3")") ==
        "can't specify both count and end in with_sequence");
  CHECK(Error("sequence", R"("start=9 end=1")") == "to count backwards make stride negative");
  CHECK(Error("sequence", R"("end=x")") == "with_sequence: can't parse end=x as integer");
  CHECK(Error("sequence", R"("end=3 colour=red")") ==
        "unrecognized argument to with_sequence: colour");
  CHECK(Error("sequence", R"("end=3 format=%s%s")") ==
        "with_sequence: bad format '%s%s' (one directive such as %d, %02d or %x)");
  CHECK(Error("sequence", R"("end=1000000")") == "with_sequence: more than 100000 items");
  CHECK(Error("subelements", R"([[{"n": "a"}], "g"])") ==
        "with_subelements: no key 'g' in {'n': 'a'}");
  CHECK(Error("subelements", R"([[{"g": 1}], "g"])") ==
        "with_subelements: 'g' must hold a list, not integer");
  CHECK(Error("lines", R"(["cat x"])") == "with_lines is not supported");
}

}  // namespace
}  // namespace hostprep
