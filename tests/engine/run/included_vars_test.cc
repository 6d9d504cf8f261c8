#include "engine/run/included_vars.h"

#include <doctest/doctest.h>

#include "tests/temp_tree.h"

namespace hostprep {
namespace {

struct VarsTree {
  VarsTree() : dir(tree.dir()) {
    where.search_paths = {dir + "/roles/r", dir + "/roles/r/tasks"};
    where.role_path = dir + "/roles/r";
    where.task_dir = dir + "/roles/r/tasks";
    where.playbook_dir = dir;
  }
  void Write(const std::string& name, const std::string& text) { tree.Write(name, text); }
  std::string Load(const char* args) {
    Result<IncludedVars> r = LoadIncludedVars(Value::parse(args), where);
    if (!r.ok()) return "error: " + r.message();
    std::string files;
    for (const std::string& f : r->files) files += " " + f.substr(dir.size() + 1);
    return r->vars.dump() + files;
  }
  testing::TempTree tree;
  std::string dir;
  IncludeVarsContext where;
};

TEST_CASE("include_vars reads one file from the role's vars/, or beside the playbook") {
  VarsTree t;
  t.Write("roles/r/vars/Debian.yml", "pkg: apt\nsvc: \"{{ name }}\"\n");
  t.Write("vars/site.yml", "site: 1\n");
  t.Write("roles/r/vars/empty.yml", "");
  CHECK(t.Load(R"({"_raw_params": "Debian.yml"})") ==
        R"({"pkg":"apt","svc":"{{ name }}"} roles/r/vars/Debian.yml)");
  CHECK(t.Load(R"({"file": "site.yml", "name": "ns"})") == R"({"ns":{"site":1}} vars/site.yml)");
  CHECK(t.Load(R"({"file": "empty.yml"})") == R"({} roles/r/vars/empty.yml)");
}

TEST_CASE("include_vars reads a directory in sorted order, filtered as Ansible filters it") {
  VarsTree t;
  t.Write("roles/r/vars/conf.d/20-b.yml", "x: b\n");
  t.Write("roles/r/vars/conf.d/10-a.yaml", "x: a\ny: a\n");
  t.Write("roles/r/vars/conf.d/sub/30-c.json", "{\"z\": \"c\"}");
  t.Write("roles/r/vars/conf.d/README.md", "not vars\n");
  CHECK(t.Load(R"({"dir": "conf.d", "ignore_unknown_extensions": true})") ==
        R"({"x":"b","y":"a","z":"c"} roles/r/vars/conf.d/10-a.yaml roles/r/vars/conf.d/20-b.yml )"
        R"(roles/r/vars/conf.d/sub/30-c.json)");
  CHECK(t.Load(R"({"dir": "conf.d", "depth": 1, "files_matching": "^[0-9]"})") ==
        R"({"x":"b","y":"a"} roles/r/vars/conf.d/10-a.yaml roles/r/vars/conf.d/20-b.yml)");
  CHECK(t.Load(R"({"dir": "conf.d", "ignore_files": ["\\.md", "b.yml"], "depth": 1})") ==
        R"({"x":"a","y":"a"} roles/r/vars/conf.d/10-a.yaml)");
  CHECK(t.Load(R"({"dir": "conf.d"})") ==
        "error: " + t.dir +
            "/roles/r/vars/conf.d/README.md does not have a valid extension: json, yaml, yml");
}

TEST_CASE("include_vars errors say which file and what is wrong") {
  VarsTree t;
  t.Write("roles/r/vars/list.yml", "- a\n- b\n");
  t.Write("roles/r/vars/secret.yml", "$ANSIBLE_VAULT;1.1;AES256\n6162\n");
  CHECK(t.Load(R"({"file": "list.yml"})") ==
        "error: " + t.dir +
            "/roles/r/vars/list.yml must be a mapping of variable names to "
            "values, not a list");
  CHECK(t.Load(R"({"file": "secret.yml"})") ==
        "error: " + t.dir +
            "/roles/r/vars/secret.yml is encrypted with Ansible Vault, which "
            "hostprep cannot read yet: decrypt it, or pass its values with -e "
            "@file");
  const std::string missing = t.Load(R"({"file": "nope.yml"})");
  CHECK(missing.rfind("error: could not find or access 'nope.yml' (searched in " + t.dir +
                          "/roles/r/vars/nope.yml, ",
                      0) == 0);
  CHECK(t.Load(R"({"dir": "nodir"})") ==
        "error: " + t.dir + "/roles/r/vars/nodir directory does not exist");
}

}  // namespace
}  // namespace hostprep
