// Role argument specs checked as Ansible's ArgumentSpecValidator checks
// them. The expected messages are Ansible's own: each case was run through
// ansible.module_utils.common.arg_spec.ArgumentSpecValidator (ansible-core
// 2.14, Debian 12) with the same spec and values.
#include "engine/module/role_arg_spec.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace hostprep {
namespace {

TEST_CASE("role argument specs fail and pass values as Ansible's validator does") {
  struct Case {
    const char* spec;
    const char* params;
    std::vector<std::string> errors;
  };
  const Case cases[] = {
      {R"({"port":{"type":"int","required":true}})", R"({})", {"missing required arguments: port"}},
      {R"({"port":{"type":"int","required":true},"name":{"required":true}})",
       R"({})",
       {"missing required arguments: name, port"}},
      {R"({"port":{"type":"int"}})", R"({"port":"8080"})", {}},
      {R"({"port":{"type":"int"}})",
       R"({"port":"eighty"})",
       {"argument 'port' is of type <class 'str'> and we were unable to convert to int: <class "
        "'str'> cannot be converted to an int"}},
      {R"({"port":{"type":"int"}})",
       R"({"port":[1]})",
       {"argument 'port' is of type <class 'list'> and we were unable to convert to int: <class "
        "'list'> cannot be converted to an int"}},
      {R"({"flag":{"type":"bool"}})", R"({"flag":"yes"})", {}},
      {R"({"flag":{"type":"bool"}})",
       R"({"flag":[1]})",
       {"argument 'flag' is of type <class 'list'> and we were unable to convert to bool: <class "
        "'list'> cannot be converted to a bool"}},
      {R"({"ratio":{"type":"float"}})",
       R"({"ratio":"x"})",
       {"argument 'ratio' is of type <class 'str'> and we were unable to convert to float: <class "
        "'str'> cannot be converted to a float"}},
      {R"({"items":{"type":"list"}})",
       R"({"items":{"a":1}})",
       {"argument 'items' is of type <class 'dict'> and we were unable to convert to list: <class "
        "'dict'> cannot be converted to a list"}},
      {R"({"items":{"type":"list","elements":"int"}})",
       R"({"items":["1","x"]})",
       {"Elements value for option 'items' is of type <class 'str'> and we were unable to convert "
        "to int: <class 'str'> cannot be converted to an int"}},
      {R"({"conf":{"type":"dict"}})",
       R"({"conf":"nope"})",
       {"argument 'conf' is of type <class 'str'> and we were unable to convert to dict: "
        "dictionary requested, could not parse JSON or key=value"}},
      {R"({"conf":{"type":"dict"}})",
       R"({"conf":3})",
       {"argument 'conf' is of type <class 'int'> and we were unable to convert to dict: <class "
        "'int'> cannot be converted to a dict"}},
      {R"({"mode":{"choices":["prod","dev"]}})",
       R"({"mode":"test"})",
       {"value of mode must be one of: prod, dev, got: test"}},
      {R"({"modes":{"type":"list","choices":["a","b"]}})",
       R"({"modes":["a","c","d"]})",
       {"value of modes must be one or more of: a, b. Got no match for: c, d"}},
      {R"({"port":{"type":"int"}})",
       R"({"port":1,"extra":2,"other":3})",
       {"extra, other. Supported parameters include: port."}},
      {R"({"tls":{"type":"dict","options":{"cert":{"required":true},"port":{"type":"int"}}}})",
       R"({"tls":{"port":"x","bogus":1}})",
       {"missing required arguments: cert found in tls",
        "argument 'port' is of type <class 'str'> found in 'tls'. and we were unable to convert to "
        "int: <class 'str'> cannot be converted to an int",
        "tls.bogus. Supported parameters include: cert, port."}},
      {R"({"users":{"type":"list","elements":"dict","options":{"name":{"required":true}}}})",
       R"({"users":[{"name":"a"},{"uid":1}]})",
       {"missing required arguments: name found in users",
        "users.uid. Supported parameters include: name."}},
      {R"({"name":{"aliases":["n"]}})", R"({"n":"x"})", {}},
      {R"({"level":{"type":"int","default":3,"choices":[1,2,3]}})", R"({})", {}},
      {R"({"name":{"type":"str"}})", R"({"name":5})", {}},
      {R"({"port":{"type":"int"}})", R"({"port":null})", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.spec);
    CAPTURE(c.params);
    CHECK(ValidateRoleArgs(Value::parse(c.spec), Value::parse(c.params)) == c.errors);
  }
}

TEST_CASE("role argument specs themselves are checked, each problem named by its option") {
  const Value spec = Value::parse(R"({
    "port": {"type": "integer", "required": true, "default": 80},
    "tls": {"type": "dict", "options": {"cert": {"requried": true}}},
    "names": {"type": "str", "elements": "str", "choices": "a"},
    "plain": null
  })");
  std::string problems;
  for (const std::string& p : CheckRoleArgSpec(spec)) problems += p + "\n";
  CHECK(problems ==
        std::string{
            "option 'port': type 'integer' is not supported (supported: str, int, float, bool, "
            "list, dict, path, raw, jsonarg, json)\n"
            "option 'port': required and default are mutually exclusive\n"
            "option 'tls -> cert': unknown attribute 'requried' (known: type, required, default, "
            "choices, elements, options, aliases, description, no_log, version_added, "
            "apply_defaults, deprecated_aliases, removed_in_version, removed_at_date, "
            "removed_from_collection)\n"
            "option 'names': 'elements' is for options of type list\n"
            "option 'names': 'choices' must be a list\n"});
  CHECK(CheckRoleArgSpec(Value::parse(R"({"a": {"type": "int"}})")).empty());
}

}  // namespace
}  // namespace hostprep
