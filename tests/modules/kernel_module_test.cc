#include "modules/kernel_module.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Kind = Action::Kind;

const Value kFacts = {{"kernel", "6.1.0-13-amd64"}};
constexpr char kBuiltin[] = "/lib/modules/6.1.0-13-amd64/modules.builtin";
constexpr char kProcModules[] =
    "overlay 151552 0 - Live 0x0000000000000000\n"
    "nf_conntrack 176128 1 nf_nat, Live 0x0000000000000000\n"
    "ip_vs_rr 16384 0 - Live 0x0000000000000000\n";
constexpr char kBuiltinList[] =
    "kernel/fs/ext4/ext4.ko\n"
    "kernel/drivers/net/dummy-irq.ko\n"
    "kernel/net/ipv4/tcp_bbr.ko\n";

Value Args(const Value& raw) { return testing::NormalizedArgs(KernelModuleModule(), raw); }

std::vector<std::string> Errors(const Value& raw) {
  return testing::ArgErrors(KernelModuleModule(), raw);
}

ReadResult FileRead(std::optional<std::string> content) {
  return testing::FileContent(std::move(content));
}

std::vector<std::string> Probed(const Value& args, const Value& facts = kFacts) {
  std::vector<std::string> out;
  for (const Read& r : KernelModuleModule().Probe(args, facts)) {
    CHECK(r.kind == Read::Kind::kReadFile);
    out.push_back(r.path);
  }
  return out;
}

Result<Change> PlanWith(const Value& args, const std::vector<ReadResult>& reads,
                        const Value& facts = kFacts) {
  return KernelModuleModule().Plan(args, reads, facts);
}

TEST_CASE("kernel_module probes loaded and built-in modules and its persistence files") {
  CHECK(Probed(Args({{"name", "br_netfilter"}})) ==
        std::vector<std::string>{"/proc/modules", kBuiltin});
  CHECK(Probed(Args({{"name", "br_netfilter"}}), Value::object()) ==
        std::vector<std::string>{"/proc/modules"});
  CHECK(Probed(Args({{"name", {"br_netfilter", "overlay"}}, {"persist", true}})) ==
        std::vector<std::string>{"/proc/modules", kBuiltin, "/etc/modules-load.d/br_netfilter.conf",
                                 "/etc/modprobe.d/br_netfilter.conf",
                                 "/etc/modules-load.d/overlay.conf",
                                 "/etc/modprobe.d/overlay.conf"});
}

TEST_CASE("kernel_module parses /proc/modules and modules.builtin with '-' as '_'") {
  CHECK(ParseProcModules(kProcModules) ==
        std::set<std::string>{"overlay", "nf_conntrack", "ip_vs_rr"});
  CHECK(ParseProcModules("") == std::set<std::string>{});
  CHECK(ParseModulesBuiltin(kBuiltinList) == std::set<std::string>{"ext4", "dummy_irq", "tcp_bbr"});
  CHECK(KernelModuleCanonicalName("nf-conntrack") == "nf_conntrack");
}

TEST_CASE("kernel_module with every module loaded or built in changes nothing") {
  struct Case {
    std::string name;
    std::string before;
  };
  for (const Case& c : std::vector<Case>{{"overlay", "loaded"},
                                         {"nf-conntrack", "loaded"},
                                         {"tcp_bbr", "builtin"},
                                         {"dummy-irq", "builtin"},
                                         {"dummy_irq", "builtin"}}) {
    CAPTURE(c.name);
    Result<Change> r =
        PlanWith(Args({{"name", c.name}}), {FileRead(kProcModules), FileRead(kBuiltinList)});
    REQUIRE(r.ok());
    CHECK_FALSE(r->changed);
    CHECK(r->actions.empty());
    CHECK(r->diff == "");
    CHECK(r->message == "");
    CHECK(r->result["before"][c.name] == c.before);
  }
}

TEST_CASE("kernel_module loads only the missing modules, with params split into words") {
  Result<Change> c = PlanWith(Args({{"name", {"overlay", "br_netfilter", "ip_vs"}}}),
                              {FileRead(kProcModules), FileRead(std::nullopt)});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].kind == Kind::kExec);
  CHECK(c->actions[0].argv == std::vector<std::string>{"modprobe", "br_netfilter"});
  CHECK(c->actions[1].argv == std::vector<std::string>{"modprobe", "ip_vs"});
  CHECK(c->diff ==
        "module br_netfilter: not loaded -> loaded\nmodule ip_vs: not loaded -> loaded\n");
  CHECK(c->message == "would load br_netfilter, load ip_vs");
  CHECK(
      c->result ==
      Value({{"name", {"overlay", "br_netfilter", "ip_vs"}},
             {"state", "present"},
             {"params", ""},
             {"runtime", true},
             {"before",
              {{"overlay", "loaded"}, {"br_netfilter", "not loaded"}, {"ip_vs", "not loaded"}}}}));

  Result<Change> p = PlanWith(Args({{"name", "dummy"}, {"params", " numdummies=0  foo=a,b "}}),
                              {FileRead(kProcModules), FileRead(kBuiltinList)});
  REQUIRE(p.ok());
  REQUIRE(p->actions.size() == 1);
  CHECK(p->actions[0].argv ==
        std::vector<std::string>{"modprobe", "dummy", "numdummies=0", "foo=a,b"});
}

TEST_CASE("kernel_module does not re-apply params to a loaded module") {
  Result<Change> c = PlanWith(Args({{"name", "overlay"}, {"params", "redirect_dir=on"}}),
                              {FileRead(kProcModules), FileRead(kBuiltinList)});
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
}

TEST_CASE("kernel_module persists the module and its options only when they differ") {
  Value args = Args({{"name", "dummy"}, {"params", "numdummies=0"}, {"persist", true}});
  SUBCASE("missing files are written") {
    Result<Change> c = PlanWith(args, {FileRead(kProcModules), FileRead(kBuiltinList),
                                       FileRead(std::nullopt), FileRead(std::nullopt)});
    REQUIRE(c.ok());
    REQUIRE(c->actions.size() == 3);
    CHECK(c->actions[0].argv == std::vector<std::string>{"modprobe", "dummy", "numdummies=0"});
    CHECK(c->actions[1].kind == Kind::kWriteFile);
    CHECK(c->actions[1].path == "/etc/modules-load.d/dummy.conf");
    CHECK(c->actions[1].content == "dummy\n");
    CHECK(c->actions[2].kind == Kind::kWriteFile);
    CHECK(c->actions[2].path == "/etc/modprobe.d/dummy.conf");
    CHECK(c->actions[2].content == "options dummy numdummies=0\n");
    CHECK(c->diff ==
          "--- before: /etc/modules-load.d/dummy.conf\n"
          "+++ after: /etc/modules-load.d/dummy.conf\n"
          "@@ -0,0 +1 @@\n"
          "+dummy\n"
          "--- before: /etc/modprobe.d/dummy.conf\n"
          "+++ after: /etc/modprobe.d/dummy.conf\n"
          "@@ -0,0 +1 @@\n"
          "+options dummy numdummies=0\n"
          "module dummy: not loaded -> loaded\n");
    CHECK(c->message ==
          "would load dummy, write /etc/modules-load.d/dummy.conf, write "
          "/etc/modprobe.d/dummy.conf");
  }
  SUBCASE("files as wanted are left alone") {
    Result<Change> c =
        PlanWith(args, {FileRead(std::string(kProcModules) + "dummy 16384 0 - Live 0x0\n"),
                        FileRead(kBuiltinList), FileRead("dummy\n"),
                        FileRead("options dummy numdummies=0\n")});
    REQUIRE(c.ok());
    CHECK_FALSE(c->changed);
    CHECK(c->diff == "");
  }
  SUBCASE("a different options file is rewritten") {
    Result<Change> c =
        PlanWith(args, {FileRead(std::string(kProcModules) + "dummy 16384 0 - Live 0x0\n"),
                        FileRead(kBuiltinList), FileRead("dummy\n"),
                        FileRead("options dummy numdummies=2\n")});
    REQUIRE(c.ok());
    REQUIRE(c->actions.size() == 1);
    CHECK(c->actions[0].path == "/etc/modprobe.d/dummy.conf");
    CHECK(c->diff ==
          "--- before: /etc/modprobe.d/dummy.conf\n"
          "+++ after: /etc/modprobe.d/dummy.conf\n"
          "@@ -1 +1 @@\n"
          "-options dummy numdummies=2\n"
          "+options dummy numdummies=0\n");
    CHECK(c->message == "would write /etc/modprobe.d/dummy.conf");
  }
}

TEST_CASE("kernel_module without params leaves an existing options file alone") {
  Result<Change> c = PlanWith(Args({{"name", "overlay"}, {"persist", true}}),
                              {FileRead(kProcModules), FileRead(kBuiltinList),
                               FileRead("overlay\n"), FileRead("options overlay x=1\n")});
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
}

TEST_CASE("kernel_module absent unloads loaded modules and removes its persistence files") {
  Value args =
      Args({{"name", {"ip-vs-rr", "br_netfilter"}}, {"state", "absent"}, {"persist", true}});
  Result<Change> c =
      PlanWith(args, {FileRead(kProcModules), FileRead(kBuiltinList), FileRead("ip-vs-rr\n"),
                      FileRead(std::nullopt), FileRead(std::nullopt),
                      FileRead("options br_netfilter x=1\n")});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 3);
  CHECK(c->actions[0].argv == std::vector<std::string>{"modprobe", "-r", "ip-vs-rr"});
  CHECK(c->actions[1].kind == Kind::kRemove);
  CHECK(c->actions[1].path == "/etc/modules-load.d/ip-vs-rr.conf");
  CHECK(c->actions[2].kind == Kind::kRemove);
  CHECK(c->actions[2].path == "/etc/modprobe.d/br_netfilter.conf");
  CHECK(c->diff ==
        "--- before: /etc/modules-load.d/ip-vs-rr.conf\n"
        "+++ after: /etc/modules-load.d/ip-vs-rr.conf\n"
        "@@ -1 +0,0 @@\n"
        "-ip-vs-rr\n"
        "--- before: /etc/modprobe.d/br_netfilter.conf\n"
        "+++ after: /etc/modprobe.d/br_netfilter.conf\n"
        "@@ -1 +0,0 @@\n"
        "-options br_netfilter x=1\n"
        "module ip-vs-rr: loaded -> not loaded\n");
  CHECK(c->message ==
        "would unload ip-vs-rr, remove /etc/modules-load.d/ip-vs-rr.conf, remove "
        "/etc/modprobe.d/br_netfilter.conf");

  Result<Change> none = PlanWith(Args({{"name", "br_netfilter"}, {"state", "absent"}}),
                                 {FileRead(kProcModules), FileRead(kBuiltinList)});
  REQUIRE(none.ok());
  CHECK_FALSE(none->changed);
}

TEST_CASE("kernel_module reports what it cannot do with what to do") {
  ReadResult denied;
  denied.status = Status::Error("permission denied");
  struct Case {
    Value raw;
    std::vector<ReadResult> reads;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", "tcp-bbr"}, {"state", "absent"}},
            {FileRead(kProcModules), FileRead(kBuiltinList)},
            "kernel module 'tcp-bbr' is built into the running kernel and cannot be unloaded: "
            "drop it from the task or boot a kernel that has it as a module"},
           {{{"name", "x"}},
            {FileRead(std::nullopt), FileRead("")},
            "read /proc/modules: it does not exist: is /proc mounted?"},
           {{{"name", "x"}}, {denied, FileRead("")}, "read /proc/modules: permission denied"},
           {{{"name", "x"}},
            {FileRead(""), denied},
            "read /lib/modules/6.1.0-13-amd64/modules.builtin: permission denied"},
           {{{"name", "x"}, {"persist", true}},
            {FileRead(""), FileRead(""), denied, FileRead("")},
            "read /etc/modules-load.d/x.conf: permission denied"},
           {{{"name", "x"}, {"persist", true}},
            {FileRead(""), FileRead("")},
            "internal error: kernel_module planned without its reads"},
       }) {
    CAPTURE(c.message);
    Result<Change> r = PlanWith(Args(c.raw), c.reads);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message() == c.message);
  }
}

TEST_CASE("kernel_module rejects bad names and params it cannot place") {
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", Value::array()}},
            {"name: argument 'name' is empty: give at least one module name"}},
           {{{"name", {"-r", "a b", "x/y", "it's", "$HOME", "\x1b[31m"}}},
            {"name: kernel module name \"-r\" is not valid: give a module name like "
             "br_netfilter (letters, digits, '_' and '-', not starting with '-')",
             "name: kernel module name \"a b\" is not valid: give a module name like "
             "br_netfilter (letters, digits, '_' and '-', not starting with '-')",
             "name: kernel module name \"x/y\" is not valid: give a module name like "
             "br_netfilter (letters, digits, '_' and '-', not starting with '-')",
             "name: kernel module name \"it's\" is not valid: give a module name like "
             "br_netfilter (letters, digits, '_' and '-', not starting with '-')",
             "name: kernel module name \"$HOME\" is not valid: give a module name like "
             "br_netfilter (letters, digits, '_' and '-', not starting with '-')",
             "name: kernel module name \"\\x1b[31m\" is not valid: give a module name like "
             "br_netfilter (letters, digits, '_' and '-', not starting with '-')"}},
           {{{"name", {"8021q", "dm-crypt", "nf_conntrack"}}}, {}},
           {{{"name", "dummy"}, {"params", "numdummies=0\ninstall dummy /bin/sh"}},
            {"params: 'params' \"numdummies=0\\ninstall dummy /bin/sh\" holds a newline (\\n) "
             "at byte 12: an options line of modprobe.d cannot; give the parameters on one line, "
             "separated by spaces"}},
           {{{"name", {"a", "b"}}, {"params", "x=1"}},
            {"params: 'params' apply to one module: give one name per task when giving params"}},
           {{{"name", "a"}, {"params", "x=1"}, {"state", "absent"}},
            {"params: 'params' have no meaning with state: absent: drop them"}},
           {{{"name", {"a", "b"}}, {"persist", true}}, {}},
       }) {
    CAPTURE(c.raw.dump());
    CHECK(Errors(c.raw) == c.errors);
  }
}

TEST_CASE("kernel_module provides its modules and needs the files it writes") {
  KernelModuleModule module;
  struct Case {
    Value raw;
    std::vector<std::string> provides, needs;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", {"br_netfilter", "overlay"}}}, {"kmod:br_netfilter", "kmod:overlay"}, {}},
           {{{"name", "br-netfilter"}, {"persist", true}},
            {"kmod:br-netfilter", "kmod:br_netfilter"},
            {"path:/etc/modules-load.d/br-netfilter.conf"}},
           {{{"name", "dummy"}, {"params", "numdummies=0"}, {"persist", true}},
            {"kmod:dummy"},
            {"path:/etc/modules-load.d/dummy.conf", "path:/etc/modprobe.d/dummy.conf"}},
           {{{"name", "dummy"}, {"state", "absent"}, {"persist", true}},
            {},
            {"path:/etc/modules-load.d/dummy.conf", "path:/etc/modprobe.d/dummy.conf"}},
           {{{"name", "dummy"}, {"state", "absent"}}, {}, {}},
       }) {
    CAPTURE(c.raw.dump());
    Resources r = module.Declare(Args(c.raw));
    CHECK(r.provides == c.provides);
    CHECK(r.needs == c.needs);
  }
}

TEST_CASE("kernel_module with runtime false reads only its persistence files") {
  struct Case {
    Value raw;
    std::vector<std::string> reads;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", {"br_netfilter", "overlay"}}, {"persist", true}, {"runtime", false}},
            {"/etc/modules-load.d/br_netfilter.conf", "/etc/modprobe.d/br_netfilter.conf",
             "/etc/modules-load.d/overlay.conf", "/etc/modprobe.d/overlay.conf"}},
           {{{"name", {"br_netfilter", "overlay"}},
             {"persist", true},
             {"runtime", false},
             {"file", "kubespray-br_netfilter"}},
            {"/etc/modules-load.d/kubespray-br_netfilter.conf",
             "/etc/modprobe.d/kubespray-br_netfilter.conf"}},
           {{{"name", {"ip_vs", "ip_vs_rr"}}, {"persist", true}, {"file", "kube_proxy-ipvs"}},
            {"/proc/modules", kBuiltin, "/etc/modules-load.d/kube_proxy-ipvs.conf",
             "/etc/modprobe.d/kube_proxy-ipvs.conf"}},
       }) {
    CAPTURE(c.raw.dump());
    CHECK(Probed(Args(c.raw)) == c.reads);
  }
}

TEST_CASE("kernel_module with runtime false writes the boot files and never loads or unloads") {
  Value args = Args({{"name", {"br_netfilter", "overlay"}}, {"persist", true}, {"runtime", false}});
  SUBCASE("missing files are written, nothing is loaded") {
    Result<Change> c = PlanWith(args, {FileRead(std::nullopt), FileRead(std::nullopt),
                                       FileRead(std::nullopt), FileRead(std::nullopt)});
    REQUIRE(c.ok());
    CHECK(c->changed);
    REQUIRE(c->actions.size() == 2);
    CHECK(c->actions[0].kind == Kind::kWriteFile);
    CHECK(c->actions[0].path == "/etc/modules-load.d/br_netfilter.conf");
    CHECK(c->actions[0].content == "br_netfilter\n");
    CHECK(c->actions[1].path == "/etc/modules-load.d/overlay.conf");
    CHECK(c->actions[1].content == "overlay\n");
    CHECK(c->message ==
          "would write /etc/modules-load.d/br_netfilter.conf, write "
          "/etc/modules-load.d/overlay.conf");
    CHECK(c->diff ==
          "--- before: /etc/modules-load.d/br_netfilter.conf\n"
          "+++ after: /etc/modules-load.d/br_netfilter.conf\n"
          "@@ -0,0 +1 @@\n"
          "+br_netfilter\n"
          "--- before: /etc/modules-load.d/overlay.conf\n"
          "+++ after: /etc/modules-load.d/overlay.conf\n"
          "@@ -0,0 +1 @@\n"
          "+overlay\n");
    CHECK(c->result ==
          Value({{"name", {"br_netfilter", "overlay"}},
                 {"state", "present"},
                 {"params", ""},
                 {"runtime", false},
                 {"files",
                  {"/etc/modules-load.d/br_netfilter.conf", "/etc/modules-load.d/overlay.conf"}}}));
  }
  SUBCASE("files as wanted: no change") {
    Result<Change> c = PlanWith(args, {FileRead("br_netfilter\n"), FileRead(std::nullopt),
                                       FileRead("overlay\n"), FileRead(std::nullopt)});
    REQUIRE(c.ok());
    CHECK_FALSE(c->changed);
    CHECK(c->actions.empty());
    CHECK(c->diff == "");
  }
  SUBCASE("absent removes the files and unloads nothing") {
    Value absent = Args({{"name", {"br_netfilter", "overlay"}},
                         {"persist", true},
                         {"runtime", false},
                         {"state", "absent"}});
    Result<Change> c = PlanWith(absent, {FileRead("br_netfilter\n"), FileRead(std::nullopt),
                                         FileRead(std::nullopt), FileRead(std::nullopt)});
    REQUIRE(c.ok());
    REQUIRE(c->actions.size() == 1);
    CHECK(c->actions[0].kind == Kind::kRemove);
    CHECK(c->actions[0].path == "/etc/modules-load.d/br_netfilter.conf");
    CHECK(c->message == "would remove /etc/modules-load.d/br_netfilter.conf");
  }
}

TEST_CASE("kernel_module with file keeps every name in one modules-load.d file") {
  Value args = Args({{"name", {"ip_vs", "ip_vs_rr", "ip_vs_wrr"}},
                     {"persist", true},
                     {"runtime", false},
                     {"file", "kube_proxy-ipvs"}});
  struct Case {
    std::optional<std::string> before;
    bool changed;
  };
  for (const Case& c : std::vector<Case>{{std::nullopt, true},
                                         {"ip_vs\nip_vs_rr\nip_vs_wrr\n", false},
                                         {"ip_vs\nip_vs_rr\n", true},
                                         {"ip_vs_wrr\nip_vs\nip_vs_rr\n", true}}) {
    CAPTURE(c.before.value_or("(missing)"));
    Result<Change> r = PlanWith(args, {FileRead(c.before), FileRead(std::nullopt)});
    REQUIRE(r.ok());
    CHECK(r->changed == c.changed);
    if (!c.changed) continue;
    REQUIRE(r->actions.size() == 1);
    CHECK(r->actions[0].kind == Kind::kWriteFile);
    CHECK(r->actions[0].path == "/etc/modules-load.d/kube_proxy-ipvs.conf");
    CHECK(r->actions[0].content == "ip_vs\nip_vs_rr\nip_vs_wrr\n");
    CHECK(r->message == "would write /etc/modules-load.d/kube_proxy-ipvs.conf");
  }
}

TEST_CASE("kernel_module with file and params writes the options into FILE.conf") {
  Value args = Args({{"name", "dummy"},
                     {"params", "numdummies=0"},
                     {"persist", true},
                     {"file", "kubespray-dummy"}});
  Result<Change> c = PlanWith(args, {FileRead(kProcModules), FileRead(kBuiltinList),
                                     FileRead(std::nullopt), FileRead("options dummy x=1\n")});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 3);
  CHECK(c->actions[0].argv == std::vector<std::string>{"modprobe", "dummy", "numdummies=0"});
  CHECK(c->actions[1].path == "/etc/modules-load.d/kubespray-dummy.conf");
  CHECK(c->actions[1].content == "dummy\n");
  CHECK(c->actions[2].path == "/etc/modprobe.d/kubespray-dummy.conf");
  CHECK(c->actions[2].content == "options dummy numdummies=0\n");
  CHECK(c->diff ==
        "--- before: /etc/modules-load.d/kubespray-dummy.conf\n"
        "+++ after: /etc/modules-load.d/kubespray-dummy.conf\n"
        "@@ -0,0 +1 @@\n"
        "+dummy\n"
        "--- before: /etc/modprobe.d/kubespray-dummy.conf\n"
        "+++ after: /etc/modprobe.d/kubespray-dummy.conf\n"
        "@@ -1 +1 @@\n"
        "-options dummy x=1\n"
        "+options dummy numdummies=0\n"
        "module dummy: not loaded -> loaded\n");

  Value absent =
      Args({{"name", {"a", "b"}}, {"persist", true}, {"file", "kubespray-x"}, {"state", "absent"}});
  Result<Change> r = PlanWith(absent, {FileRead(kProcModules), FileRead(kBuiltinList),
                                       FileRead("a\nb\n"), FileRead("options a y=2\n")});
  REQUIRE(r.ok());
  REQUIRE(r->actions.size() == 2);
  CHECK(r->actions[0].kind == Kind::kRemove);
  CHECK(r->actions[0].path == "/etc/modules-load.d/kubespray-x.conf");
  CHECK(r->actions[1].kind == Kind::kRemove);
  CHECK(r->actions[1].path == "/etc/modprobe.d/kubespray-x.conf");
}

TEST_CASE("kernel_module with runtime false does not need /proc/modules") {
  ReadResult denied;
  denied.status = Status::Error("permission denied");
  Value args = Args({{"name", "br_netfilter"},
                     {"persist", true},
                     {"runtime", false},
                     {"file", "kubespray-br_netfilter"}});
  Result<Change> r = PlanWith(args, {denied, FileRead(std::nullopt)});
  REQUIRE_FALSE(r.ok());
  CHECK(r.message() == "read /etc/modules-load.d/kubespray-br_netfilter.conf: permission denied");
  Result<Change> short_reads = PlanWith(args, {FileRead(std::nullopt)});
  REQUIRE_FALSE(short_reads.ok());
  CHECK(short_reads.message() == "internal error: kernel_module planned without its reads");
}

TEST_CASE("kernel_module rejects a bad file name and runtime false without persist") {
  const std::string hint =
      "file: argument 'file' is '{}': give a file name like kubespray-br_netfilter (no spaces, "
      "'/', or leading '.' or '-')";
  auto bad = [&](const std::string& file) {
    std::string out = hint;
    out.replace(out.find("{}"), 2, file);
    return out;
  };
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", "a"}, {"persist", true}, {"file", "x/y"}}, {bad("x/y")}},
           {{{"name", "a"}, {"persist", true}, {"file", "../x"}}, {bad("../x")}},
           {{{"name", "a"}, {"persist", true}, {"file", "a b"}}, {bad("a b")}},
           {{{"name", "a"}, {"persist", true}, {"file", ".hidden"}}, {bad(".hidden")}},
           {{{"name", "a"}, {"persist", true}, {"file", ""}},
            {"file: argument 'file' is empty: give a file name like kubespray-br_netfilter"}},
           {{{"name", "a"}, {"persist", true}, {"file", "k.conf"}},
            {"file: argument 'file' is 'k.conf': leave out .conf, hostprep adds it"}},
           {{{"name", "a"}, {"file", "k"}},
            {"file: 'file' names the persistence files: set persist: true too, or drop 'file'"}},
           {{{"name", "a"}, {"runtime", false}},
            {"runtime: with runtime: false and persist: false there is nothing to do: set "
             "persist: true to manage the files that load the modules at boot"}},
           {{{"name", "a"}, {"persist", true}, {"file", "{{ f }}"}}, {}},
           {{{"name", {"a", "b"}}, {"persist", true}, {"runtime", false}, {"file", "k8s"}}, {}},
       }) {
    CAPTURE(c.raw.dump());
    CHECK(Errors(c.raw) == c.errors);
  }
}

TEST_CASE("kernel_module with file needs its one pair of files and still provides its modules") {
  KernelModuleModule module;
  struct Case {
    Value raw;
    std::vector<std::string> provides, needs;
  };
  for (const Case& c : std::vector<Case>{
           {{{"name", {"br_netfilter", "overlay"}},
             {"persist", true},
             {"runtime", false},
             {"file", "kubespray-br_netfilter"}},
            {"kmod:br_netfilter", "kmod:overlay"},
            {"path:/etc/modules-load.d/kubespray-br_netfilter.conf"}},
           {{{"name", "dummy"}, {"params", "numdummies=0"}, {"persist", true}, {"file", "k"}},
            {"kmod:dummy"},
            {"path:/etc/modules-load.d/k.conf", "path:/etc/modprobe.d/k.conf"}},
           {{{"name", {"a", "b"}}, {"persist", true}, {"file", "k"}, {"state", "absent"}},
            {},
            {"path:/etc/modules-load.d/k.conf", "path:/etc/modprobe.d/k.conf"}},
       }) {
    CAPTURE(c.raw.dump());
    Resources r = module.Declare(Args(c.raw));
    CHECK(r.provides == c.provides);
    CHECK(r.needs == c.needs);
  }
}

TEST_CASE("kernel_module validates templated booleans only once they are rendered") {
  auto pending_errors = [](const Value& raw) {
    KernelModuleModule module;
    std::vector<ArgError> errors;
    Value args = NormalizeArgs(module.spec(), raw, true, &errors);
    module.Validate(args, true, &errors);
    std::vector<std::string> out;
    for (const ArgError& e : errors) out.push_back(e.key + ": " + e.message);
    return out;
  };
  for (const Value& raw : std::vector<Value>{
           {{"name", "a"}, {"persist", "{{ p }}"}, {"file", "k"}},
           {{"name", "a"}, {"persist", "{{ p }}"}, {"runtime", false}},
           {{"name", "a"}, {"persist", false}, {"runtime", "{{ r }}"}},
           {{"name", "a"}, {"persist", "{{ p }}"}, {"runtime", "{{ r }}"}, {"file", "{{ f }}"}},
       }) {
    CAPTURE(raw.dump());
    CHECK(pending_errors(raw) == std::vector<std::string>{});
  }
  CHECK(pending_errors({{"name", "a"}, {"persist", false}, {"file", "k"}}) ==
        std::vector<std::string>{
            "file: 'file' names the persistence files: set persist: true too, or drop 'file'"});
}

}  // namespace
}  // namespace hostprep::modules
