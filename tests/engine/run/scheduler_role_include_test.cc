// include_role and import_role through the whole run: the role's tasks run
// where the task stands, per host and per item, read ahead in the first
// round trip, with each include's own handlers and variables.
#include <doctest/doctest.h>

#include "tests/engine/run/scheduler_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Recorder;
using testing::RoundTrips;

// A scheduler fixture whose playbook lives in a temp dir, beside its roles.
struct RoleFixture : testing::SchedulerFixture {
  RoleFixture() : dir(tree.dir()) {
    path = dir + "/site.yml";
    tree.Write("roles/base/tasks/main.yml",
               "- {name: base, put: {path: /etc/base, content: \"b\\n\"}}\n");
    tree.Write("roles/svc/meta/main.yml", "dependencies: [base]\n");
    tree.Write("roles/svc/defaults/main.yml", "svc: default\n");
    tree.Write("roles/svc/tasks/main.yml",
               "- name: conf\n"
               "  put: {path: \"/etc/{{ svc }}.conf\", content: \"{{ svc }} {{ "
               "ansible_parent_role_names | default(['none']) | join(',') }}\\n\"}\n"
               "  notify: restart\n");
    tree.Write("roles/svc/handlers/main.yml",
               "- {name: restart, put: {path: \"/etc/{{ svc }}.restarted\", content: r}}\n");
    tree.Write("roles/node/tasks/main.yml", "- include_role: {name: svc}\n  vars: {svc: node}\n");
  }
  testing::TempTree tree;
  const std::string& dir;
};

TEST_CASE("include_role runs its role where it stands, per item, its dependency once") {
  RoleFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - include_role: {name: svc}
      loop: [a, b]
      loop_control: {loop_var: svc}
    - {name: after, put: {path: /etc/after, content: "a\n"}}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(rec.Joined("h1") ==
        "ok include_role, ok include_role, changed include_role/base, changed "
        "include_role/conf, changed include_role/conf, changed after, changed restart");
  CHECK(f.hosts["h1"].Content("/etc/a.conf") == "a none\n");
  CHECK(f.hosts["h1"].Content("/etc/b.conf") == "b none\n");
  // One role, loaded once for both items: one handler, run with the
  // variables of its role (Ansible notifies the same handler twice).
  CHECK(f.hosts["h1"].Content("/etc/default.restarted") == "r");
  // As Ansible counts them: the include_role results are not in the recap.
  CHECK(s.stats["h1"].ok == 5);
}

TEST_CASE("a role included twice with other vars runs its own handler for each") {
  RoleFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  roles: [node]
  tasks:
    - include_role: {name: svc}
      vars: {svc: web}
)",
                       "h1,", &rec);
  CHECK(s.exit_code() == 0);
  // The role a role includes sees who included it.
  CHECK(f.hosts["h1"].Content("/etc/node.conf") == "node node\n");
  CHECK(f.hosts["h1"].Content("/etc/web.conf") == "web none\n");
  CHECK(f.hosts["h1"].Content("/etc/node.restarted") == "r");
  CHECK(f.hosts["h1"].Content("/etc/web.restarted") == "r");
}

TEST_CASE("a public include_role shares its role's variables with the host's later tasks") {
  RoleFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - {name: before, put: {path: /etc/before, content: "{{ svc | default('none') }} {{ role_names }}"}}
    - include_role: {name: svc, public: true}
      when: inventory_hostname == 'h1'
    - {name: later, put: {path: /etc/later, content: "{{ svc | default('none') }} {{ role_names }}"}}
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 0);
  CHECK(f.hosts["h1"].Content("/etc/before") == "none []");
  CHECK(f.hosts["h1"].Content("/etc/later") == "default ['svc']");
  CHECK(f.hosts["h2"].Content("/etc/later") == "none []");
}

TEST_CASE("an unchanged re-run through include_role and import_role costs one round trip") {
  RoleFixture f;
  const char* play = R"(
- hosts: all
  gather_facts: false
  tasks:
    - import_role: {name: svc}
      vars: {svc: imported}
    - include_role: {name: node}
    - include_role: {name: svc}
      loop: [x, y]
      loop_control: {loop_var: svc}
)";
  Recorder first;
  f.Run(play, "h1,", &first);
  CHECK(f.hosts["h1"].Content("/etc/y.conf") == "y none\n");
  Recorder second;
  CHECK(RoundTrips(f.hosts["h1"], [&] { f.Run(play, "h1,", &second); }) == 1);
  for (const std::string& line : second.Lines("h1")) CHECK(line.rfind("ok ", 0) == 0);
}

}  // namespace
}  // namespace hostprep
