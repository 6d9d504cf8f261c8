// A role's argument spec through the whole run: the check Ansible puts at
// the role's start reads the role's parameters and the variables named as
// its options (defaults, inventory, play vars), passes or fails the host.
#include <doctest/doctest.h>

#include "modules/validate_argument_spec.h"
#include "tests/engine/run/scheduler_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Recorder;

struct SpecFixture : testing::SchedulerFixture {
  SpecFixture() {
    modules.Register(std::make_unique<modules::ValidateArgumentSpecModule>());
    path = tree.dir() + "/site.yml";
    tree.Write("roles/web/meta/argument_specs.yml",
               "argument_specs:\n  main:\n    options:\n"
               "      web_port: {type: int, required: true}\n"
               "      web_mode: {choices: [prod, dev]}\n");
    tree.Write("roles/web/defaults/main.yml", "web_mode: prod\n");
    tree.Write(
        "roles/web/tasks/main.yml",
        "- {name: conf, put: {path: /etc/web, content: \"{{ web_port }} {{ web_mode }}\"}}\n");
  }
  testing::TempTree tree;
};

TEST_CASE("a role's argument check passes with parameters, vars and defaults, and fails a host") {
  SpecFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - import_role: {name: web}
      vars:
        web_port: "{{ port }}"
)",
                       "h1,h2,", &rec);
  (void)s;
  // No `port` anywhere: web_port has no value, and it is required.
  CHECK(rec.Joined("h1") == "failed validating-arguments-against-arg-spec-main");
  Recorder ok;
  f.options.extra_vars = Value::object({{"port", "8080"}});
  CHECK(f.Run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - import_role: {name: web}
      vars:
        web_port: "{{ port }}"
)",
              "h1,", &ok)
            .exit_code() == 0);
  CHECK(ok.Joined("h1") == "ok validating-arguments-against-arg-spec-main, changed conf");
  CHECK(f.hosts["h1"].Content("/etc/web") == "8080 prod");
}

TEST_CASE("a role's argument check fails a host whose values do not pass, with Ansible's words") {
  SpecFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  roles:
    - role: web
      web_mode: "{{ 'test' if inventory_hostname == 'h2' else 'dev' }}"
      web_port: 80
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Joined("h1") == "ok validating-arguments-against-arg-spec-main, changed conf");
  CHECK(rec.Joined("h2") == "failed validating-arguments-against-arg-spec-main");
  for (const TaskEvent& e : rec.events) {
    if (e.host == "h2")
      CHECK(e.message ==
            "Validation of arguments failed: value of web_mode must be one of: prod, dev, got: "
            "test");
  }
  CHECK(f.hosts["h2"].Content("/etc/web") == std::nullopt);
}

// Called directly, as Ansible's: the variables named as the options are
// checked too, provided_arguments winning over them.
TEST_CASE("validate_argument_spec called directly reads the variables named as its options") {
  SpecFixture f;
  Recorder rec;
  RunSummary s = f.Run(R"(
- hosts: all
  gather_facts: false
  vars:
    app_port: "{{ 8080 if inventory_hostname == 'h1' else 'eighty' }}"
    app_mode: staging
  tasks:
    - name: inputs
      validate_argument_spec:
        argument_spec:
          app_port: {type: int, required: true}
          app_mode: {choices: [prod, dev]}
          app_user: {type: str, required: true}
        provided_arguments:
          app_mode: dev
          app_user: "{{ inventory_hostname }}"
)",
                       "h1,h2,", &rec);
  CHECK(s.exit_code() == 2);
  CHECK(rec.Joined("h1") == "ok inputs");
  REQUIRE(rec.Joined("h2") == "failed inputs");
  for (const TaskEvent& e : rec.events) {
    if (e.host == "h2")
      CHECK(e.message ==
            "Validation of arguments failed: argument 'app_port' is of type <class 'str'> and we "
            "were unable to convert to int: <class 'str'> cannot be converted to an int");
  }
}

}  // namespace
}  // namespace hostprep
