#include "engine/template/evaluator.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

namespace hostprep {
namespace {

std::string Show(const Result<Value>& r) { return r.ok() ? r->dump() : "error: " + r.message(); }

TEST_CASE("evaluator renders text values and expressions") {
  Variables vars;
  vars.Set("a", 1, "vars");
  vars.Set("t", "{{ a + 1 }}", "vars");
  Evaluator e(vars);
  CHECK(Show(e.RenderText("plain")) == R"("plain")");
  CHECK(Show(e.RenderText("{{ t }}")) == "2");
  CHECK(Show(e.RenderText("n={{ t }}")) == R"("n=2")");
  CHECK(Show(e.EvaluateExpression("t * 2")) == "4");
  CHECK(Show(e.RenderValue(Value::parse(R"({"{{ a }}": ["{{ t }}"]})"))) == R"({"1":[2]})");
}

TEST_CASE("evaluator keeps undefined values until they are used") {
  Variables vars;
  vars.Set("m", Value::parse(R"({"k": "{{ nope }}", "ok": 1})"), "group_vars/all.yml");
  vars.Set("t", "pre {{ nope }} post", "group_vars/all.yml");
  Evaluator e(vars);
  struct Case {
    const char* expr;
    const char* want;
  } cases[] = {
      {"t | default('d')", R"("d")"},
      {"t is undefined", "true"},
      {"m.k | default('d')", R"("d")"},
      {"m.ok", "1"},
      {"m.k", "error: in variable 'm' (from group_vars/all.yml): undefined variable 'nope'"},
      {"m", "error: in variable 'm' (from group_vars/all.yml): undefined variable 'nope'"},
      {"t", "error: in variable 't' (from group_vars/all.yml): undefined variable 'nope'"},
      {"m.k.x.y | default(0)", "0"},
      {"m.k.x[:-1] | default(0)", "0"},
      {"nope[1:] | default('d')", R"("d")"},
      {"nope[1:]", "error: undefined variable 'nope'"},
      {"[t] | default(1)",
       "error: in variable 't' (from group_vars/all.yml): undefined variable 'nope'"},
      {"nope or 1", "error: undefined variable 'nope'"},
      {"1 if nope else 2", "error: undefined variable 'nope'"},
      {"'ok' if true else nope", R"("ok")"},
  };
  for (const auto& c : cases) {
    std::string expr = c.expr;
    CAPTURE(expr);
    CHECK(Show(e.EvaluateExpression(c.expr)) == c.want);
  }
}

TEST_CASE("evaluator renders lists of a variable lazily per element") {
  Variables vars;
  vars.Set("base", "/opt", "vars");
  vars.Set("paths", Value::parse(R"(["{{ base }}/a", "{{ broken.nope() }}"])"), "vars");
  Evaluator e(vars);
  CHECK(Show(e.EvaluateExpression("paths[0]")) == R"("/opt/a")");
  CHECK(Show(e.EvaluateExpression("paths | length"))
            .find("error: in variable 'paths' (from "
                  "vars): unknown method '.nope()'") == 0);
  CHECK(Show(e.EvaluateExpression("paths[1] is defined"))
            .find("error: in variable 'paths' (from vars): unknown method '.nope()' in "
                  "'{{ broken.nope() }}'") == 0);
}

TEST_CASE("evaluator does not render strings that came from literals or results") {
  Variables vars;
  vars.Set("x", 1, "vars");
  vars.Set("quoted", "{{ '{{ x }}' }}", "vars");
  Evaluator e(vars);
  CHECK(Show(e.EvaluateExpression("'{{ x }}'")) == R"("{{ x }}")");
  CHECK(Show(e.EvaluateExpression("quoted")) == R"("{{ x }}")");
  CHECK(Show(e.EvaluateExpression("['{{ x }}'][0]")) == R"("{{ x }}")");
}

TEST_CASE("evaluator renders each variable once per call") {
  // Each level reads the next one four times: without memoising this would
  // take 4^30 renderings.
  Variables vars;
  for (int i = 0; i < 30; ++i) {
    std::string next = "v" + std::to_string(i + 1);
    vars.Set("v" + std::to_string(i),
             "{{ (" + next + " ~ " + next + " ~ " + next + " ~ " + next + ") | length }}", "vars");
    vars.Set("l" + std::to_string(i), Value::parse("[\"{{ l" + std::to_string(i + 1) + " }}\"]"),
             "vars");
  }
  vars.Set("v30", "x", "vars");
  vars.Set("l30", "end", "vars");
  Evaluator e(vars);
  CHECK(Show(e.EvaluateExpression("v0")) == "4");
  CHECK(Show(e.EvaluateExpression("l28")) == R"([["end"]])");
  CHECK(Show(e.EvaluateExpression("v0 + v0")) == "8");
}

}  // namespace
// hostvars over two hosts whose variables are templates of their own.
class TwoHosts : public HostScopes {
 public:
  TwoHosts() {
    for (const char* name : {"node1", "node2"}) {
      auto vars = std::make_shared<Variables>();
      vars->Set("inventory_hostname", name, "inventory");
      vars->Set("domain", "example.org", "group_vars/all.yml");
      vars->Set("fqdn", "{{ inventory_hostname }}.{{ domain }}", "group_vars/all.yml");
      vars->Set("broken", "{{ nope }}", "group_vars/all.yml");
      scopes_[name] = vars;
    }
  }
  std::vector<std::string> Hosts() const override { return {"node1", "node2"}; }
  std::shared_ptr<const Variables> Scope(const std::string& host) const override {
    auto it = scopes_.find(host);
    return it == scopes_.end() ? nullptr : it->second;
  }
  std::string MissingHint(const std::string& host, const std::string& name) const override {
    return name == "ansible_hostname" ? host + " has no facts yet" : "";
  }

 private:
  std::map<std::string, std::shared_ptr<Variables>> scopes_;
};

TEST_CASE("evaluator reads hostvars in each host's own scope") {
  TwoHosts hosts;
  Variables vars;
  vars.SetHostScopes(&hosts);
  vars.Set("inventory_hostname", "node1", "inventory");
  vars.Set("domain", "reader.example", "play vars");
  vars.Set("peer", "node2", "play vars");
  Evaluator e(vars);
  struct Case {
    const char* expr;
    const char* want;
  } cases[] = {
      {"hostvars['node2'].fqdn", R"("node2.example.org")"},
      {"hostvars[peer]['fqdn']", R"("node2.example.org")"},
      {"hostvars.node1.inventory_hostname", R"("node1")"},
      {"'node2' in hostvars", "true"},
      {"'node9' in hostvars", "false"},
      {"hostvars.node9 | default('none')", R"("none")"},
      {"hostvars.node9 is defined", "false"},
      {"hostvars.node2.nothing is defined", "false"},
      {"hostvars.node2.broken | default('d')", R"("d")"},
      {"hostvars.node2.fqdn ~ '/' ~ domain", R"("node2.example.org/reader.example")"},
      {"hostvars['node9'].x", "error: 'hostvars' has no host 'node9' (it is not in the inventory)"},
      {"hostvars.node2.nothing", "error: 'hostvars.node2' has no attribute 'nothing'"},
      {"hostvars.node2.ansible_hostname",
       "error: 'hostvars.node2' has no attribute 'ansible_hostname' (node2 has no facts yet)"},
      {"hostvars.node2.broken",
       "error: hostvars['node2']: in variable 'broken' (from group_vars/all.yml): undefined "
       "variable 'nope'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expr);
    CHECK(Show(e.EvaluateExpression(c.expr)) == c.want);
  }
  // Whole: every variable rendered, one that fails kept as written.
  CHECK(Show(e.EvaluateExpression("hostvars.node2")) ==
        R"({"broken":"{{ nope }}","domain":"example.org","fqdn":"node2.example.org",)"
        R"("inventory_hostname":"node2"})");
  Result<Value> all = e.EvaluateExpression("hostvars");
  REQUIRE(all.ok());
  CHECK((*all)["node1"]["fqdn"] == "node1.example.org");
}

TEST_CASE("evaluator leaves hostvars undefined without host scopes") {
  Variables vars;
  CHECK(Show(Evaluator(vars).EvaluateExpression("hostvars")) ==
        "error: undefined variable 'hostvars'");
}

}  // namespace hostprep
