// --retry-failed against Ansible's retry files: the same playbook over six
// aliases of one host each (a fails nothing, b fails, c's failure is
// rescued, d's ignored, e is unreachable, f fails in the second play), with
// ansible-playbook on node1 (retry files on) and hostprep on node2
// (--results); the hosts Ansible's retry file names are the hosts
// hostprep's --retry-failed takes.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/compat/compat_test_util.h"

namespace hostprep::testing::compat {
namespace {

// An inventory of the aliases a..f of `node`, e on a port nothing listens on.
std::string AliasInventory(const std::string& dir, const std::string& node,
                           const std::string& path) {
  return "vars=$(grep '^" + node + " ' " + dir + "/inventory.ini | cut -d' ' -f2-)\n" +
         "for h in a b c d f; do echo \"$h $vars\"; done > " + path + "\n" +
         "echo \"e $vars ansible_port=2\" >> " + path + "\n";
}

TEST_CASE("compat: --retry-failed takes the hosts of Ansible's retry file") {
  TempDir tmp;
  const std::string t = tmp.path().string();
  const std::string dir = HostsDir();
  Node ansible = NetnsNode(kAnsibleNode);
  ansible.inventory = t + "/a.ini";
  Node hostprep = NetnsNode(kHostprepNode);
  hostprep.inventory = t + "/h.ini";
  const std::string ansible_run =
      ReplaceAll(AnsiblePlaybook(ansible, tmp.path()), "ANSIBLE_RETRY_FILES_ENABLED=False",
                 "ANSIBLE_RETRY_FILES_ENABLED=True ANSIBLE_RETRY_FILES_SAVE_PATH=" + t);
  const Output out = RunCommand(
      "cd " + t + " && " + AliasInventory(dir, kAnsibleNode, t + "/a.ini") +
      AliasInventory(dir, kHostprepNode, t + "/h.ini") + ansible_run + " " +
      PlaybookPath("retry.yml") + " >a.out 2>a.err; echo \"ansible exit $?\" >&2\n" +
      HostprepRun(hostprep) + " " + PlaybookPath("retry.yml") + " --results " + t +
      "/r.json >h.out 2>h.err; echo \"hostprep exit $?\" >&2\n" + "echo '== ansible retry'; cat " +
      t + "/retry.retry\n" +
      "echo '== hostprep retry'; jq -r '.hosts[] | select(.state != \"ok\") | .host' r.json | "
      "sort\n" +
      "echo '== hostprep retry list'; " + HostprepRun(hostprep) + " " + PlaybookPath("retry.yml") +
      " --retry-failed r.json --list-hosts | grep '^      '\n" + "echo '== end'\n");
  INFO(out.text);
  INFO(ReadFile(tmp.path() / "a.out"));
  INFO(ReadFile(tmp.path() / "h.out"));
  CHECK(Section(out.text, "ansible retry") == "b\ne\nf\n");
  CHECK(Section(out.text, "hostprep retry") == Section(out.text, "ansible retry"));
  // Each play lists the hosts it would run, in inventory order (e is last).
  CHECK(Section(out.text, "hostprep retry list") ==
        "      b\n      f\n      e\n"
        "      b\n      f\n      e\n");
}

}  // namespace
}  // namespace hostprep::testing::compat
