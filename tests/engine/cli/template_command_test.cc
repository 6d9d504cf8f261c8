// hostprep template, run as a user runs it.
#include <doctest/doctest.h>

#include <string>

#include "tests/shell_test_util.h"
#include "tests/temp_tree.h"

namespace hostprep {
namespace {

using testing::Has;
using testing::RunCommand;
using testing::SingleQuoted;

const std::string kHostprep = HOSTPREP_BINARY;
const std::string kBench = std::string(HOSTPREP_SOURCE_DIR) + "/bench/template";

TEST_CASE("hostprep template renders the benchmark's containerd config as Ansible's Templar does") {
  testing::TempTree tree;
  const testing::Output ours =
      RunCommand("cd " + kBench + " && " + kHostprep +
                 " template containerd.toml.j2 -e @vars.yml > " + tree.dir() + "/ours.toml");
  REQUIRE_MESSAGE(ours.exit_code == 0, ours.text);
  const testing::Output theirs =
      RunCommand("(/usr/bin/python3 " + kBench + "/ansible_render.py > " + tree.dir() +
                 "/theirs.toml 2>/dev/null)");
  REQUIRE_MESSAGE(theirs.exit_code == 0, theirs.text);
  const testing::Output same =
      RunCommand("diff -u " + tree.dir() + "/theirs.toml " + tree.dir() + "/ours.toml");
  CHECK_MESSAGE(same.exit_code == 0, same.text);
}

TEST_CASE("hostprep template says where a template is wrong and reads lookups beside it") {
  testing::TempTree tree;
  tree.Write("files/motd", "hello\n");
  tree.Write("ok.j2", "{{ lookup('file', 'motd') }} {{ who }}\n");
  tree.Write("bad.j2", "line\n{{ who | lowr }}\n");
  const std::string cd = "cd " + SingleQuoted(tree.dir()) + " && " + kHostprep;
  testing::Output ok = RunCommand(cd + " template ok.j2 -e who=me");
  CHECK(ok.exit_code == 0);
  CHECK(ok.text == "hello me\n");
  testing::Output bad = RunCommand(cd + " template bad.j2 -e who=me");
  CHECK(bad.exit_code == 4);
  CHECK(Has(bad.text, "bad.j2:2:10: unknown filter 'lowr' (did you mean 'lower'?)"));
  testing::Output missing = RunCommand(cd + " template nothing.j2");
  CHECK(missing.exit_code == 4);
  CHECK(missing.text == "hostprep template: cannot read nothing.j2\n");
}

}  // namespace
}  // namespace hostprep
