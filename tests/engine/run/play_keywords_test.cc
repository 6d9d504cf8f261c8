// Play keywords written as templates, rendered as Ansible renders them:
// with the play's variables before any host, or (become) with each host's.
#include "engine/run/play_keywords.h"

#include <doctest/doctest.h>

#include <memory>

#include "engine/playbook/playbook.h"
#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;

// The settings of the first play of `text`, with `extra` as -e; errors with
// the temp dir written as DIR.
Result<PlaySettings> Settings(const std::string& text, const Value& extra = Value::object()) {
  PlaybookFixture fx;
  auto out = fx.Parse(text);
  REQUIRE_MESSAGE(out.playbook != nullptr, out.messages);
  RunOptions options;
  options.extra_vars = extra;
  const Play& play = out.playbook->plays[0];
  const PlayScope scope(play, Value::object({{"all", Value::array({"h1"})}}), options);
  Result<PlaySettings> s = ResolvePlaySettings(play, scope.vars());
  if (!s.ok()) return Status::Error(fx.WithoutDir(s.message()));
  return s;
}

TEST_CASE("templated play keywords render with the play's vars and -e before any host") {
  const std::string play = R"(- hosts: all
  gather_facts: "{{ want_facts | default(false) }}"
  any_errors_fatal: "{{ fatal | default(true) }}"
  serial: "{{ batches }}"
  max_fail_percentage: "{{ pct }}%"
  vars:
    batches: ["30%", 2]
    pct: 20
  tasks: []
)";
  Result<PlaySettings> s = Settings(play);
  REQUIRE(s.ok());
  CHECK_FALSE(s->gather_facts);
  CHECK(s->any_errors_fatal);
  CHECK(s->serial == std::vector<Value>{"30%", 2});
  CHECK(s->max_fail_percentage == 20);
  Result<PlaySettings> e =
      Settings(play, Value::object({{"want_facts", "yes"}, {"fatal", false}, {"batches", 0}}));
  REQUIRE(e.ok());
  CHECK(e->gather_facts);
  CHECK_FALSE(e->any_errors_fatal);
  CHECK(e->serial.empty());  // 0: every host at once
  // Written out, they are as before.
  Result<PlaySettings> plain = Settings("- hosts: all\n  serial: 3\n  gather_facts: false\n");
  REQUIRE(plain.ok());
  CHECK(plain->serial == std::vector<Value>{3});
  CHECK_FALSE(plain->gather_facts);
}

TEST_CASE("a play's strategy is its own, written or templated, else the run's default") {
  PlaybookFixture fx;
  auto out = fx.Parse(R"(- hosts: all
  tasks: []
- hosts: all
  strategy: ansible.builtin.linear
  tasks: []
- hosts: all
  strategy: free
  tasks: []
- hosts: all
  strategy: "{{ pace }}"
  vars: {pace: linear}
  tasks: []
)");
  REQUIRE_MESSAGE(out.playbook != nullptr, out.messages);
  const std::vector<Play>& plays = out.playbook->plays;
  auto linear = [&](size_t play, const std::string& default_strategy) {
    const PlayScope scope(plays[play], Value::object(), RunOptions{});
    Result<PlaySettings> s = ResolvePlaySettings(plays[play], scope.vars(), default_strategy);
    REQUIRE(s.ok());
    return s->linear;
  };
  CHECK_FALSE(linear(0, "free"));
  CHECK(linear(0, "linear"));
  CHECK(linear(1, "free"));
  CHECK_FALSE(linear(2, "linear"));
  CHECK(linear(3, "free"));
}

TEST_CASE("play keywords may use lookups, with files found from the play's directory") {
  PlaybookFixture fx;
  fx.Write("targets.txt", "web\n");
  auto out = fx.Parse(
      "- hosts: \"{{ lookup('file', 'targets.txt') }}\"\n"
      "  serial: \"{{ query('items', [1, 2]) }}\"\n  tasks: []\n");
  REQUIRE_MESSAGE(out.playbook != nullptr, out.messages);
  const Play& play = out.playbook->plays[0];
  const PlayScope scope(play, Value::object(), RunOptions{});
  Result<PlaySettings> s = ResolvePlaySettings(play, scope.vars());
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(s->hosts == "web");
  CHECK(s->serial == std::vector<Value>{1, 2});
}

TEST_CASE("a templated hosts pattern renders from -e and vars, a list as a union") {
  const std::string play =
      "- hosts: \"{{ target | default(fallback) }}\"\n"
      "  vars: {fallback: [web, db]}\n  tasks: []\n";
  Result<PlaySettings> s = Settings(play);
  REQUIRE(s.ok());
  CHECK(s->hosts == "web:db");
  Result<PlaySettings> e = Settings(play, Value::object({{"target", "node2"}}));
  REQUIRE(e.ok());
  CHECK(e->hosts == "node2");
  Result<PlaySettings> empty = Settings(play, Value::object({{"target", " "}}));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.message() ==
        "DIR/site.yml:1:10: hosts rendered to ' ', which is not a host pattern (give a host, a "
        "group or 'all')");
}

TEST_CASE("a templated play keyword that cannot be used says where and why") {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const Case cases[] = {
      {"gather_facts: \"{{ from_inventory }}\"",
       "DIR/site.yml:2:17: gather_facts: undefined variable 'from_inventory'"},
      {"gather_facts: \"{{ 'maybe' }}\"",
       "DIR/site.yml:2:17: gather_facts rendered to 'maybe', which is not a boolean (true/false, "
       "yes/no, on/off, 1/0)"},
      {"serial: \"{{ 'half' }}\"",
       "DIR/site.yml:2:11: serial rendered to 'half', which is not a number of hosts, a "
       "percentage such as '30%', or a list of them"},
      {"strategy: \"{{ 'debug' }}\"",
       "DIR/site.yml:2:13: strategy rendered to 'debug', which is not a strategy hostprep has "
       "(linear or free)"},
      {"max_fail_percentage: \"{{ 150 }}\"",
       "DIR/site.yml:2:24: max_fail_percentage rendered to 150, which is not a percentage from 0 "
       "to 100"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.yaml);
    Result<PlaySettings> s = Settings("- hosts: all\n  " + c.yaml + "\n  tasks: []\n");
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().rfind(c.message, 0) == 0);
  }
}

TEST_CASE("a play's templated become renders with each host's variables") {
  PlaybookFixture fx;
  auto out = fx.Parse(
      "- hosts: all\n  become: \"{{ needs_root }}\"\n  become_user: \"{{ admin }}\"\n"
      "  tasks: []\n");
  REQUIRE_MESSAGE(out.playbook != nullptr, out.messages);
  const Play& play = out.playbook->plays[0];
  Variables host;
  host.Set("needs_root", "yes", "inventory");
  host.Set("admin", "ops", "inventory");
  Result<PlayBecome> b = ResolvePlayBecome(play, host);
  REQUIRE(b.ok());
  CHECK(b->become == true);
  CHECK(b->user == "ops");
  host.Set("admin", "ops -s", "inventory");
  Result<PlayBecome> bad = ResolvePlayBecome(play, host);
  REQUIRE_FALSE(bad.ok());
  CHECK(fx.WithoutDir(bad.message()) ==
        "DIR/site.yml:3:16: become_user rendered to 'ops -s', which is not a user name");
}

}  // namespace
}  // namespace hostprep
