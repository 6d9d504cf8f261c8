// Hostile values over real SSH (label `faults`): values that would become a
// second line of a config file, an option of a tool or shell code are
// refused before anything is written, or arrive on the host as inert data.
// Asserted on the host itself. Runs on the `fault_hosts` fixture's nodes.
//
// sysctl: ONLY net.* keys, which are per network namespace; no other key is
// ever written, not even as the payload of a refused value.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/ssh_test_util.h"

namespace {

using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::Section;
using hostprep::testing::Shell;

struct Hostile {
  std::string id;
  std::string v;
};

// Values that are shell code, options, globs, format strings, line breaks,
// escapes or paths in disguise.
const std::vector<Hostile> kHostile = {
    {"h01", "a b"},
    {"h02", "it's"},
    {"h03", "\"dq\""},
    {"h04", "; touch /tmp/hphostile-pwned"},
    {"h05", "$(touch /tmp/hphostile-pwned)"},
    {"h06", "`touch /tmp/hphostile-pwned`"},
    {"h07", "x\ny"},
    {"h08", "-rf"},
    {"h09", "--help"},
    {"h10", "*"},
    {"h11", "\\"},
    {"h12", "%s%n%x"},
    {"h13", "\x1b[31mred"},
    {"h14", "a\tb"},
    {"h15", "ünïcödé \u202e"},
    {"h16", "$HOME"},
    {"h17", "&& touch /tmp/hphostile-pwned"},
    {"h18", "| touch /tmp/hphostile-pwned"},
    {"h19", "> /tmp/hphostile-pwned"},
    {"h20", "line1\r\nline2"},
    {"h21", "~root"},
    {"h22", "a'b\"c$d`e\\f"},
    {"h23", "../../../../tmp/hphostile/escaped"},
    {"h24", "x\nkernel.panic = 1"},
};

// Names for files: the values above without '/'.
const std::vector<Hostile> kHostileNames = {
    {"n01", "a b"},   {"n02", "it's"},        {"n03", "\"dq\""}, {"n04", "$(id)"},  {"n05", "`id`"},
    {"n06", "x\ny"},  {"n07", "-rf"},         {"n08", "--help"}, {"n09", "*"},      {"n10", "\\"},
    {"n11", "%s%n"},  {"n12", "\x1b[31mred"}, {"n13", "a\tb"},   {"n14", "~root"},  {"n15", ";id"},
    {"n16", "&& id"}, {"n17", "| id"},        {"n18", "$HOME"},  {"n19", "\u202e"},
};

std::string Hex(const std::string& s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

nlohmann::json AsJson(const std::vector<Hostile>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const Hostile& h : values) out.push_back({{"id", h.id}, {"v", h.v}});
  return out;
}

constexpr const char* kFunctions = R"SH(
play() { f=$1; shift
  $HP run tests/integration/testdata/faults/$f -i $D/inventory.ini --limit node1 $SSH "$@"
  echo "exit $?"; }
on() { $TH exec $D "$@"; }
)SH";

TEST_CASE("hostile: a sysctl value with a newline is refused before anything is written") {
  Output out = Shell(std::string(kFunctions) + R"SH(
trap 'on node1 rm -f /etc/sysctl.d/90-hpfault.conf' EXIT
before=$(on node1 sysctl -n net.ipv4.tcp_keepalive_time)
echo "== templated"; play sysctl.yml -e '{"value": "600\nnet.ipv4.ip_forward = 1"}'
echo "== literal"; play sysctl-literal.yml
echo "== host"
on node1 sh -c 'test -e /etc/sysctl.d/90-hpfault.conf && echo written || echo "no file"'
[ "$(on node1 sysctl -n net.ipv4.tcp_keepalive_time)" = "$before" ] && echo "live value unchanged"
echo "== end"
)SH");
  INFO(out.text);
  CHECK(Has(Section(out.text, "templated"),
            "failed: [node1] keepalive time => tests/integration/testdata/faults/sysctl.yml:10:9: "
            "the value of sysctl key 'net.ipv4.tcp_keepalive_time' is \"600\\nnet.ipv4.ip_forward "
            "= 1\": it holds a newline (\\n) at byte 3, and a line of a sysctl.d file cannot: give "
            "the value on one line\n"));
  CHECK(Has(Section(out.text, "templated"), "exit 2\n"));
  // Written in the playbook: refused at validate time, before any host is contacted.
  CHECK(Section(out.text, "literal") ==
        "tests/integration/testdata/faults/sysctl-literal.yml:8:9: task 'keepalive time': the "
        "value of sysctl key 'net.ipv4.tcp_keepalive_time' is \"600\\nnet.ipv4.ip_forward = 1\": "
        "it holds a newline (\\n) at byte 3, and a line of a sysctl.d file cannot: give the value "
        "on one line\n"
        "            values:\n"
        "            ^\n"
        "exit 4\n");
  CHECK(Section(out.text, "host") == "no file\nlive value unchanged\n");
}

TEST_CASE("hostile: values through every module argument arrive inert or are refused") {
  char dir[] = "/tmp/hostprep-hostile-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string vars = std::string(dir) + "/hostile.json";
  std::ofstream(vars) << nlohmann::json{{"hostile", AsJson(kHostile)},
                                        {"hostile_names", AsJson(kHostileNames)}}
                             .dump();
  // On the host: each file's name and its content in hex, the kernel module
  // files, the containerd files parsed by Python's TOML reader.
  Output out = Shell(std::string(kFunctions) + "V=" + vars + "; T=" + dir + R"SH(
trap 'rm -rf $T; on node1 sh -c "rm -rf /tmp/hphostile /etc/sysctl.d/90-hphostile.conf /etc/modprobe.d/hphostile-*; find /etc/modules-load.d -newer /etc/hphostile-start -type f -delete; rm -f /etc/hphostile-start"' EXIT
on node1 sh -c 'mkdir -p /etc/modprobe.d /etc/modules-load.d; touch /etc/hphostile-start; sleep 1'
before=$(on node1 sysctl -n net.ipv4.tcp_keepalive_time)
play hostile-modules.yml -e @$V >$T/run 2>&1
echo "== files"
on node1 sh -c 'cd /tmp/hphostile && for f in *; do [ -f "$f" ] && printf "%s %s\n" "$f" "$(od -An -tx1 -v "$f" | tr -d " \n")"; done'
echo "== names"
on node1 sh -c 'cd /tmp/hphostile/names && for f in *; do printf "%s %s\n" "$(cat "./$f")" "$(printf "%s" "$f" | od -An -tx1 -v | tr -d " \n")"; done' | sort
echo "== toml"
for f in $(on node1 sh -c 'cd /tmp/hphostile && ls containerd-*.toml'); do
  on node1 cat /tmp/hphostile/$f | /usr/bin/python3 -c "import sys, tomllib; d = tomllib.loads(sys.stdin.read()); print(sys.argv[1], d['plugins']['io.containerd.grpc.v1.cri']['sandbox_image'].encode().hex())" $f
done
echo "== modules"
on node1 sh -c 'cd /etc/modules-load.d && find . -newer /etc/hphostile-start -type f | sort'
echo "== options"
on node1 sh -c 'cd /etc/modprobe.d && for f in hphostile-*; do printf "%s %s\n" "$f" "$(wc -l <"$f")"; done'
echo "== sysctl"
on node1 sh -c 'cat /etc/sysctl.d/90-hphostile.conf 2>/dev/null || echo "no file"'
[ "$(on node1 sysctl -n net.ipv4.tcp_keepalive_time)" = "$before" ] && echo "live value unchanged"
echo "== escaped"
on node1 sh -c 'ls -d /tmp/hphostile/escaped* /tmp/hphostile-pwned 2>&1; find /tmp/hphostile -name hosts.toml'
ls /tmp/hphostile-pwned 2>&1
echo "== recap"
sed -n '/PLAY RECAP/,$p' $T/run
echo "== run"
cat $T/run
echo "== end"
)SH");
  INFO(out.text);
  // Every value arrived byte for byte as a word, as standard input, as
  // content, and as a file name.
  const std::string files = Section(out.text, "files");
  for (const Hostile& h : kHostile) {
    CAPTURE(h.id);
    CHECK(Has(files, "argv-" + h.id + " " + Hex(h.v) + "\n"));
    // Standard input ends with the newline Ansible's stdin_add_newline adds.
    CHECK(Has(files, "stdin-" + h.id + " " + Hex(h.v + "\n") + "\n"));
    CHECK(Has(files, "content-" + h.id + " " + Hex(h.v) + "\n"));
    // Refused or failed: no file, and nothing ran.
    for (const char* kind : {"owner-", "group-", "mode-", "validate-", "ran-"}) {
      CHECK_FALSE(Has(files, kind + h.id + " "));
    }
  }
  const std::string names = Section(out.text, "names");
  for (const Hostile& h : kHostileNames) {
    CAPTURE(h.id);
    CHECK(Has(names, h.id + " " + Hex(h.v) + "\n"));
  }
  // TOML holds any string: each sandbox image reads back as it was given,
  // except those with a control character TOML basic strings escape.
  const std::string toml = Section(out.text, "toml");
  for (const Hostile& h : kHostile) {
    CAPTURE(h.id);
    CHECK(Has(toml, "containerd-" + h.id + ".toml " + Hex(h.v) + "\n"));
  }
  // Module names that are not names are refused: only the files named by
  // `file` were written, for each item whose parameters fit on one line (a
  // refused item writes neither file).
  std::string modules, options;
  for (const Hostile& h : kHostile) {
    if (h.v.find_first_of("\n\r\x1b") == std::string::npos) {
      modules += "./hphostile-" + h.id + ".conf\n";
      options += "hphostile-" + h.id + ".conf 1\n";
    }
  }
  CHECK(Section(out.text, "modules") == modules);
  CHECK(Section(out.text, "options") == options);
  CHECK(Section(out.text, "sysctl") == "no file\nlive value unchanged\n");
  // Nothing escaped its directory, nothing ran, and no registry name made a
  // directory: none of them is a host name.
  CHECK(Section(out.text, "escaped") ==
        "ls: cannot access '/tmp/hphostile/escaped*': No such file or directory\n"
        "ls: cannot access '/tmp/hphostile-pwned': No such file or directory\n"
        "ls: cannot access '/tmp/hphostile-pwned': No such file or directory\n");
  // Each refusal is that item's failure, ignored by the play: the run ends well.
  CHECK(Has(Section(out.text, "recap"), "failed=0 "));
  CHECK(Has(Section(out.text, "run"), "exit 0\n"));
}

}  // namespace
