#include "modules/sysctl.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Kind = Action::Kind;

constexpr char kFile[] = "/etc/sysctl.d/99-hostprep.conf";

Value Args(const Value& raw) { return testing::NormalizedArgs(SysctlModule(), raw); }

std::vector<std::string> Errors(const Value& raw) {
  return testing::ArgErrors(SysctlModule(), raw);
}

ReadResult FileRead(std::optional<std::string> content) {
  return testing::FileContent(std::move(content));
}

ReadResult Live(std::string stdout_data, int exit_code = 0, std::string stderr_data = "") {
  ReadResult r;
  r.exec = {exit_code, std::move(stdout_data), std::move(stderr_data)};
  return r;
}

// The resolve query's answers: not a symlink, or a symlink that leads to
// `resolved`.
ReadResult NoLink() { return Live("file\n"); }

ReadResult Link(const std::string& resolved) { return Live("link\n" + resolved + "\n"); }

// What Probe asks for, as "read:PATH" and "query:ARGS AFTER THE SCRIPT".
std::vector<std::string> Probed(const Value& args) {
  std::vector<std::string> out;
  for (const Read& r : SysctlModule().Probe(args, Value::object())) {
    if (r.kind == Read::Kind::kReadFile) {
      out.push_back("read:" + r.path);
    } else if (r.kind == Read::Kind::kStat) {
      out.push_back("stat:" + r.path);
    } else if (r.argv.size() == 5 && r.argv[2].find("readlink -f") != std::string::npos) {
      out.push_back("resolve:" + r.argv[4]);
    } else {
      REQUIRE(r.argv.size() >= 4);
      CHECK(r.argv[0] == "/bin/sh");
      CHECK(r.argv[1] == "-c");
      std::string q = "query:";
      for (size_t i = 3; i < r.argv.size(); ++i) q += (i > 3 ? " " : "") + r.argv[i];
      out.push_back(q);
    }
  }
  return out;
}

Result<Change> PlanWith(const Value& args, const std::vector<ReadResult>& reads) {
  return SysctlModule().Plan(args, reads, Value::object());
}

TEST_CASE("sysctl probes the file and the live values of all keys in one query") {
  Value args =
      Args({{"values", {{"net.ipv4.ip_forward", 1}, {"net.ipv4.conf.eth0/100.rp_filter", 0}}}});
  CHECK(Probed(args) ==
        std::vector<std::string>{"read:/etc/sysctl.d/99-hostprep.conf",
                                 "query:sh net/ipv4/ip_forward net/ipv4/conf/eth0.100/rp_filter",
                                 "resolve:/etc/sysctl.d/99-hostprep.conf"});
  CHECK(Probed(Args({{"name", "vm.swappiness"}, {"value", "10"}, {"runtime", false}})) ==
        std::vector<std::string>{"read:/etc/sysctl.d/99-hostprep.conf",
                                 "resolve:/etc/sysctl.d/99-hostprep.conf"});
  CHECK(Probed(Args({{"name", "vm.swappiness"}, {"value", "10"}, {"persist", false}})) ==
        std::vector<std::string>{"query:sh vm/swappiness"});
  CHECK(Probed(Args({{"name", "vm.swappiness"}, {"state", "absent"}, {"file", "/etc/s.conf"}})) ==
        std::vector<std::string>{"read:/etc/s.conf", "resolve:/etc/s.conf"});
}

TEST_CASE("sysctl maps keys to /proc/sys paths as sysctl does") {
  struct Case {
    std::string key, path;
  };
  for (const Case& c : std::vector<Case>{
           {"net.ipv4.ip_forward", "net/ipv4/ip_forward"},
           {"net.ipv4.conf.eth0/100.rp_filter", "net/ipv4/conf/eth0.100/rp_filter"},
           {"net/ipv4/conf/eth0.100/rp_filter", "net/ipv4/conf/eth0.100/rp_filter"},
           {"kernel", "kernel"},
       }) {
    CAPTURE(c.key);
    CHECK(SysctlProcPath(c.key) == c.path);
  }
}

TEST_CASE("sysctl compares values as the kernel prints them") {
  struct Case {
    std::string value, form;
  };
  for (const Case& c : std::vector<Case>{{"1", "1"},
                                         {" 32768\t60999\n", "32768 60999"},
                                         {"4096   87380 6291456", "4096 87380 6291456"},
                                         {"yes", "1"},
                                         {"True", "1"},
                                         {"on", "1"},
                                         {"no", "0"},
                                         {"FALSE", "0"},
                                         {"off", "0"},
                                         {"", ""}}) {
    CAPTURE(c.value);
    CHECK(SysctlCompareForm(c.value) == c.form);
  }
}

TEST_CASE("sysctl with runtime and file as wanted changes nothing") {
  Value args =
      Args({{"values",
             {{"net.ipv4.ip_forward", true}, {"net.ipv4.ip_local_port_range", "32768 60999"}}}});
  Result<Change> c = PlanWith(
      args,
      {FileRead(
           "# forwarding\nnet.ipv4.ip_forward=1\nnet.ipv4.ip_local_port_range = 32768   60999\n"),
       Live("value\tnet/ipv4/ip_forward\t1 \nvalue\tnet/ipv4/ip_local_port_range\t32768\t60999 "
            "\n"),
       NoLink()});
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->actions.empty());
  CHECK(c->diff == "");
  CHECK(c->message == "");
  CHECK(c->result["changed_keys"] == Value::array());
  CHECK(c->result["keys"] ==
        Value({{"net.ipv4.ip_forward", "1"}, {"net.ipv4.ip_local_port_range", "32768 60999"}}));
}

TEST_CASE("sysctl sets only the differing keys live and edits only their lines") {
  Value args = Args({{"values",
                      {{"net.ipv4.ip_forward", 1},
                       {"net.bridge.bridge-nf-call-iptables", "yes"},
                       {"fs.inotify.max_user_watches", 524288}}}});
  const std::string before =
      "# kept as it is\n"
      "net.ipv4.ip_forward =  0\n"
      "; another comment\n"
      "vm.swappiness=10\n"
      "fs.inotify.max_user_watches=524288\n";
  Result<Change> c = PlanWith(args, {FileRead(before),
                                     Live("value\tnet/ipv4/ip_forward\t0 \n"
                                          "value\tnet/bridge/bridge-nf-call-iptables\t1 \n"
                                          "value\tfs/inotify/max_user_watches\t8192 \n"),
                                     NoLink()});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].kind == Kind::kExec);
  CHECK(c->actions[0].argv == std::vector<std::string>{"sysctl", "-w", "net.ipv4.ip_forward=1",
                                                       "fs.inotify.max_user_watches=524288"});
  CHECK(c->actions[1].kind == Kind::kWriteFile);
  CHECK(c->actions[1].path == kFile);
  CHECK_FALSE(c->actions[1].mode.has_value());
  CHECK(c->actions[1].content ==
        "# kept as it is\n"
        "net.ipv4.ip_forward =  1\n"
        "; another comment\n"
        "vm.swappiness=10\n"
        "fs.inotify.max_user_watches=524288\n"
        "net.bridge.bridge-nf-call-iptables = 1\n");
  CHECK(c->diff ==
        "net.ipv4.ip_forward (runtime): 0 -> 1\n"
        "net.ipv4.ip_forward (/etc/sysctl.d/99-hostprep.conf): 0 -> 1\n"
        "net.bridge.bridge-nf-call-iptables (/etc/sysctl.d/99-hostprep.conf): (unset) -> 1\n"
        "fs.inotify.max_user_watches (runtime): 8192 -> 524288\n"
        "--- before: /etc/sysctl.d/99-hostprep.conf\n"
        "+++ after: /etc/sysctl.d/99-hostprep.conf\n"
        "@@ -1,5 +1,6 @@\n"
        " # kept as it is\n"
        "-net.ipv4.ip_forward =  0\n"
        "+net.ipv4.ip_forward =  1\n"
        " ; another comment\n"
        " vm.swappiness=10\n"
        " fs.inotify.max_user_watches=524288\n"
        "+net.bridge.bridge-nf-call-iptables = 1\n");
  CHECK(c->message ==
        "would set net.ipv4.ip_forward, net.bridge.bridge-nf-call-iptables, "
        "fs.inotify.max_user_watches");
  CHECK(c->result["changed_keys"] ==
        Value({"net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables",
               "fs.inotify.max_user_watches"}));
}

TEST_CASE("sysctl creates a missing file with the keys") {
  Value args = Args({{"name", "net.ipv4.ip_forward"}, {"value", "1"}});
  Result<Change> c =
      PlanWith(args, {FileRead(std::nullopt), Live("value\tnet/ipv4/ip_forward\t1 \n"), NoLink()});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->actions[0].content == "net.ipv4.ip_forward = 1\n");
  CHECK(c->diff ==
        "net.ipv4.ip_forward (/etc/sysctl.d/99-hostprep.conf): (unset) -> 1\n"
        "--- before: /etc/sysctl.d/99-hostprep.conf\n"
        "+++ after: /etc/sysctl.d/99-hostprep.conf\n"
        "@@ -0,0 +1 @@\n"
        "+net.ipv4.ip_forward = 1\n");
  CHECK(c->message == "would set net.ipv4.ip_forward");
}

TEST_CASE("sysctl appends after a last line without a newline and keeps CRLF endings") {
  Value args = Args({{"values", {{"a.b", 2}, {"c.d", 3}}}, {"runtime", false}});
  Result<Change> c = PlanWith(args, {FileRead("a.b = 1\r\nx.y = 5"), NoLink()});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content == "a.b = 2\r\nx.y = 5\nc.d = 3\n");
}

TEST_CASE("sysctl takes a duplicate key's value from its last line") {
  const std::string file = "a.b = 0\n# middle\n-a.b=1\nc.d = 7\n";
  SUBCASE("the last line as wanted is no change, earlier lines stay") {
    Result<Change> c = PlanWith(Args({{"name", "a.b"}, {"value", 1}, {"runtime", false}}),
                                {FileRead(file), NoLink()});
    REQUIRE(c.ok());
    CHECK_FALSE(c->changed);
    CHECK(c->diff == "");
  }
  SUBCASE("a change rewrites the first line and removes the later ones") {
    Result<Change> c = PlanWith(Args({{"name", "a.b"}, {"value", 2}, {"runtime", false}}),
                                {FileRead(file), NoLink()});
    REQUIRE(c.ok());
    REQUIRE(c->actions.size() == 1);
    CHECK(c->actions[0].content == "a.b = 2\n# middle\nc.d = 7\n");
    CHECK(c->diff ==
          "a.b (/etc/sysctl.d/99-hostprep.conf): 1 -> 2\n"
          "--- before: /etc/sysctl.d/99-hostprep.conf\n"
          "+++ after: /etc/sysctl.d/99-hostprep.conf\n"
          "@@ -1,4 +1,3 @@\n"
          "-a.b = 0\n"
          "+a.b = 2\n"
          " # middle\n"
          "--a.b=1\n"
          " c.d = 7\n");
  }
}

TEST_CASE("sysctl matches file keys written with slashes") {
  Result<Change> c = PlanWith(
      Args({{"name", "net.ipv4.conf.eth0/100.rp_filter"}, {"value", 2}, {"runtime", false}}),
      {FileRead("net/ipv4/conf/eth0.100/rp_filter = 1\n"), NoLink()});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content == "net/ipv4/conf/eth0.100/rp_filter = 2\n");
}

TEST_CASE("sysctl absent removes every line of the keys and leaves the live value") {
  Value args = Args({{"values", {{"a.b", nullptr}, {"e.f", nullptr}}}, {"state", "absent"}});
  const std::string file = "# keep\na.b = 1\nc.d = 2\na.b=3\n";
  CHECK(Probed(args) == std::vector<std::string>{"read:/etc/sysctl.d/99-hostprep.conf",
                                                 "resolve:/etc/sysctl.d/99-hostprep.conf"});
  Result<Change> c = PlanWith(args, {FileRead(file), NoLink()});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->actions[0].content == "# keep\nc.d = 2\n");
  CHECK(c->diff ==
        "a.b (/etc/sysctl.d/99-hostprep.conf): 3 -> (unset)\n"
        "--- before: /etc/sysctl.d/99-hostprep.conf\n"
        "+++ after: /etc/sysctl.d/99-hostprep.conf\n"
        "@@ -1,4 +1,2 @@\n"
        " # keep\n"
        "-a.b = 1\n"
        " c.d = 2\n"
        "-a.b=3\n");
  CHECK(c->message == "would remove a.b from /etc/sysctl.d/99-hostprep.conf");

  Result<Change> none = PlanWith(args, {FileRead(std::nullopt), NoLink()});
  REQUIRE(none.ok());
  CHECK_FALSE(none->changed);
  CHECK(none->actions.empty());
}

TEST_CASE("sysctl refuses unknown keys before changing anything") {
  Value args = Args({{"values", {{"net.bridge.bridge-nf-call-iptables", 1}, {"a.b", 1}}}});
  Result<Change> one = PlanWith(
      args, {FileRead(""), Live("missing\tnet/bridge/bridge-nf-call-iptables\nvalue\ta/b\t0\n"),
             NoLink()});
  REQUIRE_FALSE(one.ok());
  CHECK(one.message() ==
        "sysctl key 'net.bridge.bridge-nf-call-iptables' is not known to this host's kernel (no "
        "/proc/sys/net/bridge/bridge-nf-call-iptables): check the name, load the kernel module "
        "that provides it first, or set 'ignore_unknown: true'");
  Result<Change> two = PlanWith(
      args, {FileRead(""), Live("missing\tnet/bridge/bridge-nf-call-iptables\nmissing\ta/b\n"),
             NoLink()});
  REQUIRE_FALSE(two.ok());
  CHECK(two.message() ==
        "sysctl keys 'net.bridge.bridge-nf-call-iptables', 'a.b' are not known to this host's "
        "kernel (not in /proc/sys): check the names, load the kernel modules that provide them "
        "first, or set 'ignore_unknown: true'");
}

TEST_CASE("sysctl with ignore_unknown only persists an unknown key") {
  Value args = Args({{"values", {{"net.bridge.bridge-nf-call-iptables", 1}, {"a.b", 1}}},
                     {"ignore_unknown", true}});
  Result<Change> c = PlanWith(
      args, {FileRead(""), Live("missing\tnet/bridge/bridge-nf-call-iptables\nvalue\ta/b\t0\n"),
             NoLink()});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].argv == std::vector<std::string>{"sysctl", "-w", "a.b=1"});
  CHECK(c->actions[1].content == "net.bridge.bridge-nf-call-iptables = 1\na.b = 1\n");
  CHECK(c->result["unknown_keys"] == Value({"net.bridge.bridge-nf-call-iptables"}));
}

TEST_CASE("sysctl reports reads that fail with what to do") {
  Value args = Args({{"name", "vm.drop_caches"}, {"value", 3}});
  struct Case {
    std::vector<ReadResult> reads;
    std::string message;
  };
  ReadResult denied;
  denied.status = Status::Error("permission denied");
  for (const Case& c : std::vector<Case>{
           {{denied, Live(""), NoLink()}, "read /etc/sysctl.d/99-hostprep.conf: permission denied"},
           {{FileRead(""), denied, NoLink()}, "read the live sysctl values: permission denied"},
           {{FileRead(""), Live("", 127, "sh: tr: not found\n"), NoLink()},
            "read the live sysctl values: exit 127: sh: tr: not found"},
           {{FileRead(""), Live(""), NoLink()},
            "read the live sysctl values: no answer for key 'vm.drop_caches'"},
           {{FileRead(""), Live("unreadable\tvm/drop_caches\n"), NoLink()},
            "sysctl key 'vm.drop_caches' cannot be read from /proc/sys/vm/drop_caches: set "
            "'runtime: false' to only keep it in the file"},
           {{}, "internal error: sysctl planned without its reads"},
       }) {
    CAPTURE(c.message);
    Result<Change> r = PlanWith(args, c.reads);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message() == c.message);
  }
}

TEST_CASE("sysctl with persist false sets the live value only") {
  Result<Change> c =
      PlanWith(Args({{"name", "vm.swappiness"}, {"value", "yes"}, {"persist", false}}),
               {Live("value\tvm/swappiness\t60 \n")});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].argv == std::vector<std::string>{"sysctl", "-w", "vm.swappiness=1"});
  CHECK(c->diff == "vm.swappiness (runtime): 60 -> 1\n");
  CHECK(c->result["file"].is_null());
}

TEST_CASE("sysctl writes the target of a symlinked file and keeps the link") {
  Value args = Args({{"name", "net.core.somaxconn"},
                     {"value", 2048},
                     {"runtime", false},
                     {"file", "/etc/sysctl.d/99-sysctl.conf"}});
  Result<Change> c =
      PlanWith(args, {FileRead("# real\nnet.core.somaxconn = 1024\n"), Link("/etc/sysctl.conf")});
  REQUIRE(c.ok());
  CHECK(c->more_reads.empty());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->actions[0].path == "/etc/sysctl.conf");
  CHECK(c->actions[0].content == "# real\nnet.core.somaxconn = 2048\n");
  CHECK(c->diff ==
        "net.core.somaxconn (/etc/sysctl.conf): 1024 -> 2048\n"
        "--- before: /etc/sysctl.conf\n"
        "+++ after: /etc/sysctl.conf\n"
        "@@ -1,2 +1,2 @@\n"
        " # real\n"
        "-net.core.somaxconn = 1024\n"
        "+net.core.somaxconn = 2048\n");
  CHECK(c->result["file"] == "/etc/sysctl.conf");
  CHECK(c->result["link"] == "/etc/sysctl.d/99-sysctl.conf");
}

TEST_CASE("sysctl through a symlink that already holds the value changes nothing") {
  Value args = Args({{"name", "net.core.somaxconn"}, {"value", 1024}, {"runtime", false}});
  Result<Change> c =
      PlanWith(args, {FileRead("net.core.somaxconn = 1024\n"), Link("/etc/sysctl.conf")});
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->diff == "");
}

TEST_CASE("sysctl resolves its file with a script that starts readlink only for a symlink") {
  std::string script;
  for (const Read& r :
       SysctlModule().Probe(Args({{"name", "a.b"}, {"value", 1}}), Value::object())) {
    if (r.kind == Read::Kind::kExec && r.argv.size() == 5) script = r.argv[2];
  }
  REQUIRE(!script.empty());
  const testing::ScriptRun r = testing::RunScript(
      script,
      "touch real && ln -s real link && ln -s gone/x dangling && for f in real link dangling "
      "missing; do o=$(sh script.sh \"$f\" 2>&1); r=$?; echo $o rc=$r; done");
  CHECK(r.out == "file rc=0\nlink " + r.dir + "/real rc=0\nlink gone/x rc=3\nfile rc=0\n");
}

TEST_CASE("sysctl refuses a symlinked file it cannot resolve") {
  Value args = Args({{"name", "net.core.somaxconn"}, {"value", 1}, {"runtime", false}});
  ReadResult denied;
  denied.status = Status::Error("permission denied");
  struct Case {
    std::vector<ReadResult> reads;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{FileRead(std::nullopt), Live("link\n/gone/x.conf\n", 3,
                                          "readlink: /gone/x.conf: No such file or directory\n")},
            "/etc/sysctl.d/99-hostprep.conf is a symlink to /gone/x.conf that cannot be resolved "
            "(readlink: /gone/x.conf: No such file or directory): fix or remove the link"},
           {{FileRead(std::nullopt), Live("link\nx.conf\n", 3)},
            "/etc/sysctl.d/99-hostprep.conf is a symlink to x.conf that cannot be resolved: fix or "
            "remove the link"},
           {{FileRead(std::nullopt), denied},
            "resolve /etc/sysctl.d/99-hostprep.conf: permission denied"},
           {{FileRead(std::nullopt), Live("", 127, "sh: 1: readlink: not found\n")},
            "resolve /etc/sysctl.d/99-hostprep.conf: unexpected answer (exit code 127): sh: 1: "
            "readlink: not found"},
       }) {
    CAPTURE(c.message);
    Result<Change> r = PlanWith(args, c.reads);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message() == c.message);
  }
}

TEST_CASE("sysctl shows an empty live value as \"\"") {
  Result<Change> c = PlanWith(Args({{"name", "net.ipv4.ip_local_reserved_ports"},
                                    {"value", "30000-30010"},
                                    {"persist", false}}),
                              {Live("value\tnet/ipv4/ip_local_reserved_ports\t\n")});
  REQUIRE(c.ok());
  CHECK(c->diff == "net.ipv4.ip_local_reserved_ports (runtime): \"\" -> 30000-30010\n");
}

TEST_CASE("sysctl rejects bad argument combinations and key names") {
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", "a.b"}},
            {"value: argument 'value' is required with 'name' when state is present: give the "
             "value to set"}},
           {{{"name", "a.b"}, {"value", "  "}},
            {"value: argument 'value' is required with 'name' when state is present: give the "
             "value to set"}},
           {{{"name", "a b"}, {"value", 1}},
            {"name: sysctl key 'a b' is not a valid name: use a dotted name without spaces or '=', "
             "like net.ipv4.ip_forward"}},
           {{{"values", {{"a=b", 1}, {"../x", 2}}}},
            {"values: sysctl key 'a=b' is not a valid name: use a dotted name without spaces or "
             "'=', "
             "like net.ipv4.ip_forward",
             "values: sysctl key '../x' is not a valid name: use a dotted name without spaces or "
             "'=', "
             "like net.ipv4.ip_forward"}},
           {{{"values", Value::object()}},
            {"values: argument 'values' is empty: give at least one key: value"}},
           {{{"values", {{"a.b", {1, 2}}}}},
            {"values: the value of sysctl key 'a.b' must be a scalar, not a list"}},
           {{{"name", "a.b"}, {"state", "absent"}, {"persist", false}},
            {"persist: state: absent removes keys from 'file' and 'persist: false' forbids "
             "touching it: drop one of them"}},
           {{{"name", "a.b"}, {"value", 1}, {"persist", false}, {"runtime", false}},
            {"runtime: 'runtime: false' with 'persist: false' leaves nothing to do: drop one"}},
           {{{"name", "a.b"}, {"state", "absent"}}, {}},
       }) {
    CAPTURE(c.raw.dump());
    CHECK(Errors(c.raw) == c.errors);
  }
}

TEST_CASE("sysctl refuses a value that would add a line to the file") {
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  for (const Case& c : std::vector<Case>{
           {{{"values", {{"net.ipv4.tcp_keepalive_time", "600\nkernel.panic = 1"}}}},
            {"values: the value of sysctl key 'net.ipv4.tcp_keepalive_time' is "
             "\"600\\nkernel.panic = 1\": it holds a newline (\\n) at byte 3, and a line of a "
             "sysctl.d file cannot: give the value on one line"}},
           {{{"name", "net.ipv4.ip_forward"}, {"value", "1\rvm.swappiness=0"}},
            {"value: the value of sysctl key 'net.ipv4.ip_forward' is \"1\\rvm.swappiness=0\": "
             "it holds a carriage return (\\r) at byte 1, and a line of a sysctl.d file cannot: "
             "give the value on one line"}},
           {{{"name", "kernel.domainname"}, {"value", std::string("a\x1b[2Jb")}},
            {"value: the value of sysctl key 'kernel.domainname' is \"a\\x1b[2Jb\": it holds an "
             "escape character (\\x1b) at byte 1, and a line of a sysctl.d file cannot: give the "
             "value on one line"}},
           // Fields separated by tabs are one line: fine.
           {{{"name", "net.ipv4.ip_local_port_range"}, {"value", "1024\t65000"}}, {}},
           // Still a template at validate time: checked once rendered.
           {{{"name", "net.ipv4.ip_forward"}, {"value", "{{ forward }}"}}, {}},
       }) {
    CAPTURE(c.raw.dump());
    CHECK(Errors(c.raw) == c.errors);
  }
}

TEST_CASE("sysctl needs br_netfilter for bridge keys and the file it writes") {
  SysctlModule module;
  struct Case {
    Value raw;
    std::vector<std::string> needs;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", "net.ipv4.ip_forward"}, {"value", 1}},
            {"path:/etc/sysctl.d/99-hostprep.conf"}},
           {{{"values", {{"net.bridge.bridge-nf-call-iptables", 1}, {"net.bridge.x", 1}}},
             {"file", "/etc/sysctl.d/k8s.conf"}},
            {"kmod:br_netfilter", "path:/etc/sysctl.d/k8s.conf"}},
           {{{"name", "net.bridge.bridge-nf-call-iptables"}, {"value", 1}, {"persist", false}},
            {"kmod:br_netfilter"}},
       }) {
    CAPTURE(c.raw.dump());
    Resources r = module.Declare(Args(c.raw));
    CHECK(r.provides.empty());
    CHECK(r.needs == c.needs);
  }
}

}  // namespace
}  // namespace hostprep::modules

namespace hostprep::modules {
namespace {

// Kubespray raises fs.inotify.max_user_instances only when the kernel's
// value is lower; `minimum` does that without a separate read task.
TEST_CASE("sysctl with minimum leaves a key whose live value is already high enough") {
  struct Case {
    std::string live;
    bool runtime;
    std::string diff;
  };
  for (const Case& c : std::vector<Case>{
           {"65536", true, ""},
           {"8192", true, ""},
           {"128", true,
            "fs.inotify.max_user_instances (runtime): 128 -> 8192\n"
            "fs.inotify.max_user_instances (/etc/sysctl.d/99-hostprep.conf): (unset) -> 8192\n"},
           {"128", false,
            "fs.inotify.max_user_instances (/etc/sysctl.d/99-hostprep.conf): (unset) -> 8192\n"},
       }) {
    CAPTURE(c.live);
    CAPTURE(c.runtime);
    Value args = Args({{"name", "fs.inotify.max_user_instances"},
                       {"value", 8192},
                       {"minimum", true},
                       {"runtime", c.runtime}});
    CHECK(Probed(args) == std::vector<std::string>{"read:/etc/sysctl.d/99-hostprep.conf",
                                                   "query:sh fs/inotify/max_user_instances",
                                                   "resolve:/etc/sysctl.d/99-hostprep.conf"});
    Result<Change> r =
        PlanWith(args, {FileRead(std::nullopt),
                        Live("value\tfs/inotify/max_user_instances\t" + c.live + " \n"), NoLink()});
    REQUIRE(r.ok());
    CHECK(r->changed == !c.diff.empty());
    CHECK(r->diff.substr(0, r->diff.find("---")) == c.diff);
    const bool sets_live = !r->actions.empty() && r->actions[0].kind == Action::Kind::kExec;
    CHECK(sets_live == (c.runtime && !c.diff.empty()));
  }
}

TEST_CASE("sysctl minimum needs whole-number values") {
  CHECK(testing::ArgErrors(SysctlModule(), Value({{"name", "net.ipv4.ip_local_port_range"},
                                                  {"value", "1024 65000"},
                                                  {"minimum", true}})) ==
        std::vector<std::string>{
            "value: 'minimum: true' compares whole numbers, and the value of "
            "'net.ipv4.ip_local_port_range' is '1024 65000': give a number or drop 'minimum'"});
}

}  // namespace
}  // namespace hostprep::modules
