#include "engine/module/arg_spec.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

ArgSpec Spec() {
  ArgSpec s;
  s.name = "demo";
  s.free_form_arg = "cmd";
  s.args = {
      {"cmd", ArgType::kString, false, nullptr, {}, {}, ""},
      {"path", ArgType::kString, true, nullptr, {}, {"dest"}, ""},
      {"state", ArgType::kString, false, "file", {"file", "absent"}, {}, ""},
      {"count", ArgType::kInt, false, nullptr, {}, {}, ""},
      {"force", ArgType::kBool, false, false, {}, {}, ""},
      {"names", ArgType::kList, false, nullptr, {}, {}, ""},
      {"mode", ArgType::kMode, false, nullptr, {}, {}, ""},
      {"content", ArgType::kString, false, nullptr, {}, {}, ""},
      {"src", ArgType::kString, false, nullptr, {}, {}, ""},
  };
  s.mutually_exclusive = {{"content", "src"}};
  return s;
}

std::vector<std::string> Messages(const std::vector<ArgError>& errors) {
  std::vector<std::string> out;
  for (const ArgError& e : errors) out.push_back(e.key + ": " + e.message);
  return out;
}

TEST_CASE("arguments are normalised to their declared types, with defaults and aliases") {
  std::vector<ArgError> errors;
  Value out = NormalizeArgs(Spec(),
                            {{"dest", "/etc/x"},
                             {"count", "3"},
                             {"force", "yes"},
                             {"names", "overlay"},
                             {"mode", "0640"}},
                            false, &errors);
  CHECK(errors.empty());
  CHECK(out == Value({{"path", "/etc/x"},
                      {"count", 3},
                      {"force", true},
                      {"names", Value::array({"overlay"})},
                      {"mode", 0640},
                      {"state", "file"}}));
}

TEST_CASE("a free-form string becomes the free-form argument") {
  std::vector<ArgError> errors;
  Value out = NormalizeArgs(Spec(), Value("ls -l"), false, &errors);
  CHECK(out["cmd"] == "ls -l");
  CHECK(Messages(errors) == std::vector<std::string>{": missing required argument 'path' for "
                                                     "module 'demo'"});
}

TEST_CASE("argument errors are all reported, each naming the argument") {
  std::vector<ArgError> errors;
  NormalizeArgs(Spec(),
                {{"path", "/x"},
                 {"mdoe", "0644"},
                 {"state", "abset"},
                 {"count", "many"},
                 {"force", "perhaps"},
                 {"content", "a"},
                 {"src", "b"}},
                false, &errors);
  CHECK(Messages(errors) ==
        std::vector<std::string>{
            "mdoe: unknown argument 'mdoe' for module 'demo' (did you mean 'mode'?)",
            "state: argument 'state' must be one of file, absent, not 'abset' (did you mean "
            "'absent'?)",
            "count: argument 'count' must be an integer, not 'many'",
            "force: argument 'force' must be a boolean (true or false), not 'perhaps'",
            "src: arguments 'content' and 'src' cannot be used together",
        });
}

TEST_CASE("an invalid required argument is reported once, not also as missing") {
  ArgSpec s = Spec();
  s.args[2].required = true;
  std::vector<ArgError> errors;
  NormalizeArgs(s, {{"path", "/x"}, {"state", "present"}}, false, &errors);
  CHECK(Messages(errors) ==
        std::vector<std::string>{"state: argument 'state' must be one of file, absent, not "
                                 "'present'"});
}

TEST_CASE("template strings wait for rendering when templates are pending") {
  std::vector<ArgError> errors;
  Value out = NormalizeArgs(Spec(), {{"path", "/x"}, {"count", "{{ n }}"}}, true, &errors);
  CHECK(errors.empty());
  CHECK(out["count"] == "{{ n }}");
  NormalizeArgs(Spec(), {{"path", "/x"}, {"count", "{{ n }}"}}, false, &errors);
  CHECK(Messages(errors) ==
        std::vector<std::string>{"count: argument 'count' must be an integer, not '{{ n }}'"});
}

TEST_CASE("file modes accept octal strings, symbolic modes and YAML octal integers") {
  struct Row {
    Value in;
    unsigned mode;
    const char* error;
  };
  for (const Row& row : std::vector<Row>{
           {"0644", 0644, ""},
           {"755", 0755, ""},
           {"u=rw,g=r,o=r", 0644, ""},
           {"a=rx,u+w", 0755, ""},
           {420, 0644, ""},  // YAML's unquoted 0644
           {644, 0,
            "mode 644 is ambiguous: it reads as a decimal number; write it quoted as "
            "'0644'"},
           {"rwx", 0,
            "'rwx' is not a file mode (use an octal string such as '0644' or a "
            "symbolic mode such as 'u=rw,g=r,o=r')"},
       }) {
    unsigned mode = 0;
    std::string error;
    bool ok = ParseMode(row.in, &mode, &error);
    CHECK_MESSAGE(ok == (std::string(row.error).empty()), row.in.dump());
    if (ok) CHECK(mode == row.mode);
    if (!ok) CHECK(error == row.error);
  }
  CHECK(FormatMode(0640) == "0640");
}

TEST_CASE("a free form gives up the key=value words of its keys, as Ansible reads them") {
  const std::vector<std::string> keys = {"creates", "chdir"};
  struct Case {
    std::string text;
    Value want;
  };
  const std::vector<Case> cases = {
      {"kubeadm init creates=/etc/kubernetes/admin.conf",
       {{"cmd", "kubeadm init"}, {"creates", "/etc/kubernetes/admin.conf"}}},
      {"chdir=/srv  make   install", {{"cmd", "make   install"}, {"chdir", "/srv"}}},
      {"touch 'a b' creates=\"/x y\"", {{"cmd", "touch 'a b'"}, {"creates", "/x y"}}},
      // Only the module's keys; quoted and templated words stay whole.
      {"curl --output=/x creates=/x", {{"cmd", "curl --output=/x"}, {"creates", "/x"}}},
      {"echo 'creates=/x'", {{"cmd", "echo 'creates=/x'"}}},
      {"echo {{ 'a creates=/b' }}", {{"cmd", "echo {{ 'a creates=/b' }}"}}},
      {"touch {{ f }} creates={{ f }}", {{"cmd", "touch {{ f }}"}, {"creates", "{{ f }}"}}},
      {"ls\n  -l", {{"cmd", "ls\n  -l"}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(SplitFreeForm(c.text, "cmd", keys) == c.want);
  }
}

}  // namespace
}  // namespace hostprep
