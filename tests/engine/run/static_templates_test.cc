#include "engine/run/static_templates.h"

#include <doctest/doctest.h>

#include <string>

#include "modules/builtin.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

// The diagnostics CheckStaticTemplates gives for a playbook in `tree`.
std::string Check(const testing::TempTree& tree, const std::string& playbook) {
  ModuleRegistry registry;
  modules::RegisterBuiltinModules(&registry);
  tree.Write("site.yml", playbook);
  Diagnostics diags;
  std::unique_ptr<Playbook> pb = ParsePlaybook(tree.dir() + "/site.yml", registry, &diags);
  REQUIRE_MESSAGE(pb != nullptr, diags.Format());
  for (const Play& play : pb->plays) CheckStaticTemplates(play, registry, &diags);
  std::string out;
  for (const Diagnostic& d : diags.items()) out += d.location.ToString() + ": " + d.message + "\n";
  return out;
}

TEST_CASE("a role's template with an unknown filter fails before any host is contacted") {
  testing::TempTree tree;
  tree.Write("roles/sshd/templates/sshd_config.j2",
             "Port {{ sshd_port }}\n{% for u in users %}\nAllowUsers {{ u | lowr }}\n"
             "{% endfor %}\n");
  tree.Write("roles/sshd/tasks/main.yml",
             "- name: sshd config\n  file: {path: /etc/ssh/sshd_config, template: "
             "sshd_config.j2}\n");
  tree.Write("templates/broken.j2", "{% if a %}\nno end\n");
  tree.Write("templates/fine.j2", "{{ a | default('x') }}\n");
  const std::string pb =
      "- hosts: all\n"
      "  roles: [sshd]\n"
      "  tasks:\n"
      "    - name: broken\n"
      "      file: {path: /etc/b, template: broken.j2}\n"
      "    - name: fine\n"
      "      file: {path: /etc/f, template: fine.j2}\n"
      "    - name: chosen per host, checked when it runs\n"
      "      file: {path: /etc/c, template: \"{{ os }}.j2\"}\n"
      "    - name: missing, the module says so per host\n"
      "      file: {path: /etc/m, template: nothing.j2}\n";
  CHECK(Check(tree, pb) ==
        tree.dir() +
            "/roles/sshd/templates/sshd_config.j2:3:19: unknown filter 'lowr' (did you mean "
            "'lower'?) (the template of task 'sshd : sshd config' at " +
            tree.dir() + "/roles/sshd/tasks/main.yml:1:3)\n" + tree.dir() +
            "/templates/broken.j2:2:7: syntax error: unexpected end of template; expected 'elif' "
            "or 'else' or 'endif' (the template of task 'broken' at " +
            tree.dir() + "/site.yml:4:7)\n");
}

}  // namespace
}  // namespace hostprep
