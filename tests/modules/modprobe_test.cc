#include "modules/modprobe.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Files = std::map<std::string, std::string>;
using Kind = Action::Kind;
using testing::FileContent;

Value Args(const Value& raw) { return testing::NormalizedArgs(ModprobeModule(), raw); }

const Value kFacts = {{"kernel", "6.1.0-28-amd64"}};

// The probe script's answer for `files`.
ReadResult Conf(const Files& files) {
  ReadResult r;
  for (const auto& [path, content] : files) {
    r.exec.stdout_data += "F " + std::to_string(content.size()) + " " + path + "\n" + content;
  }
  return r;
}

ReadResult Ran(int exit_code, std::string err = "") {
  ReadResult r;
  r.exec = {exit_code, "", std::move(err)};
  return r;
}

TEST_CASE("modprobe keeps a module at boot as Ansible's module does") {
  // Expected from community.general's modprobe.py run on each set of files
  // (/etc/modules-load.d and /etc/modprobe.d on tmpfs): the files it wrote.
  struct Case {
    const char* label;
    Files before;
    std::string params;
    std::string persistent;
    Files written;
  };
  for (const Case& c : std::vector<Case>{
           {"no files, no params",
            {},
            "",
            "present",
            {{"/etc/modules-load.d/hpmod.conf", "hpmod\n"}}},
           {"no files, params",
            {},
            "a=1 b=2",
            "present",
            {{"/etc/modprobe.d/hpmod.conf", "options hpmod a=1\noptions hpmod b=2\n"},
             {"/etc/modules-load.d/hpmod.conf", "hpmod\n"}}},
           {"listed elsewhere, options set elsewhere",
            {{"/etc/modprobe.d/k8s.conf", "options hpmod a=1 ; x\nblacklist foo\n"},
             {"/etc/modules-load.d/k8s.conf", "overlay\n  hpmod # why\n"}},
            "a=1",
            "present",
            {}},
           {"listed, options differ",
            {{"/etc/modprobe.d/hpmod.conf", "options hpmod c=3\n"},
             {"/etc/modprobe.d/other.conf",
              "options hpmod a=0\nblacklist foo\noptions hpmod b=2\n"},
             {"/etc/modules-load.d/hpmod.conf", "hpmod\n"}},
            "a=1 b=2",
            "present",
            {{"/etc/modprobe.d/hpmod.conf", "options hpmod a=1\noptions hpmod b=2\n"},
             {"/etc/modprobe.d/other.conf",
              "#options hpmod a=0\n\nblacklist foo\n\n#options hpmod b=2\n"}}},
           {"no params, old options",
            {{"/etc/modprobe.d/old.conf", "options hpmod a=0\n"},
             {"/etc/modules-load.d/hpmod.conf", "hpmod\n"}},
            "",
            "present",
            {{"/etc/modprobe.d/hpmod.conf", "\n"},
             {"/etc/modprobe.d/old.conf", "#options hpmod a=0\n"}}},
           {"not listed: a comment only",
            {{"/etc/modules-load.d/hpmod.conf", "# hpmod\n"}},
            "",
            "present",
            {{"/etc/modules-load.d/hpmod.conf", "hpmod\n"}}},
           {"absent: listed and options",
            {{"/etc/modprobe.d/c.conf", "options hpmod a=1\noptions other a=1\n"},
             {"/etc/modules-load.d/a.conf", "hpmod\nother\n"},
             {"/etc/modules-load.d/b.conf", "x\n;hpmod\n  hpmod\n"}},
            "",
            "absent",
            {{"/etc/modprobe.d/c.conf", "#options hpmod a=1\n\noptions other a=1\n"},
             {"/etc/modules-load.d/a.conf", "#hpmod\n\nother\n"},
             {"/etc/modules-load.d/b.conf", "x\n\n;hpmod\n\n#  hpmod\n"}}},
           {"absent: nothing kept",
            {{"/etc/modprobe.d/c.conf", "options other a=1"},
             {"/etc/modules-load.d/a.conf", "other\n"}},
            "",
            "absent",
            {}},
           {"absent: no final newline",
            {{"/etc/modules-load.d/a.conf", "x\nhpmod"}},
            "",
            "absent",
            {{"/etc/modules-load.d/a.conf", "x\n\n#hpmod"}}},
           {"option word oddities",
            {{"/etc/modprobe.d/o.conf",
              "options hpmod a=1#c\noptions hpmod  b=2\noptions hpmod c=3 d=4\n"},
             {"/etc/modules-load.d/hpmod.conf", "hpmod\n"}},
            "a=1#c",
            "present",
            {}},
       }) {
    CAPTURE(c.label);
    ModprobeConf conf;
    conf.files = c.before;
    CHECK(ModprobePersistence("hpmod", c.params, c.persistent, conf) == c.written);
  }
}

TEST_CASE("modprobe tells a loaded module as Ansible's module does") {
  const std::string proc = "br_netfilter 32768 0 - Live 0x0\nnf_conntrack 172032 1 - Live 0x0\n";
  CHECK(ModprobeLoaded("br_netfilter", proc, std::nullopt));
  CHECK(ModprobeLoaded("nf-conntrack", proc, std::nullopt));
  CHECK_FALSE(ModprobeLoaded("br", proc, std::nullopt));
  CHECK(ModprobeLoaded("overlay", proc, "kernel/fs/overlayfs/overlay.ko  \n"));
  CHECK_FALSE(ModprobeLoaded("lay", proc, "kernel/fs/overlayfs/overlay.ko\n"));
}

TEST_CASE("modprobe asks modprobe -n before it loads, then loads with the params") {
  ModprobeModule module;
  Value args = Args({{"name", "dummy"}, {"params", "numdummies=2"}, {"persistent", "present"}});
  const std::vector<Read> probe = module.Probe(args, kFacts);
  REQUIRE(probe.size() == 3);
  CHECK(probe[0].path == "/proc/modules");
  CHECK(probe[1].path == "/lib/modules/6.1.0-28-amd64/modules.builtin");
  std::vector<ReadResult> reads = {FileContent("br_netfilter 1 0 - Live 0x0\n"), FileContent(""),
                                   Conf({{"/etc/modules-load.d/k8s.conf", "overlay\n"}})};
  Result<Change> first = module.Plan(args, reads, kFacts);
  REQUIRE(first.ok());
  REQUIRE(first->more_reads.size() == 1);
  CHECK(first->more_reads[0].argv ==
        std::vector<std::string>{"modprobe", "-n", "dummy", "numdummies=2"});

  reads.push_back(Ran(1, "modprobe: FATAL: Module dummy not found in directory /lib/modules\n"));
  CHECK(module.Plan(args, reads, kFacts).message() ==
        "modprobe: FATAL: Module dummy not found in directory /lib/modules");

  reads.back() = Ran(0);
  Result<Change> change = module.Plan(args, reads, kFacts);
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 3);
  CHECK(change->actions[0].argv == std::vector<std::string>{"modprobe", "dummy", "numdummies=2"});
  CHECK(change->actions[1].path == "/etc/modprobe.d/dummy.conf");
  CHECK(change->actions[1].content == "options dummy numdummies=2\n");
  CHECK(change->actions[2].path == "/etc/modules-load.d/dummy.conf");
  CHECK(change->result ==
        Value{{"name", "dummy"}, {"params", "numdummies=2"}, {"state", "present"}});
}

TEST_CASE("modprobe changes nothing for a module loaded and kept, and unloads with -r") {
  ModprobeModule module;
  const Files kept = {{"/etc/modules-load.d/dummy.conf", "dummy\n"},
                      {"/etc/modprobe.d/dummy.conf", "options dummy numdummies=2\n"}};
  Value args = Args({{"name", "dummy"}, {"params", "numdummies=2"}, {"persistent", "present"}});
  Result<Change> same = module.Plan(
      args, {FileContent("dummy 16384 0 - Live 0x0\n"), FileContent(""), Conf(kept)}, kFacts);
  REQUIRE(same.ok());
  CHECK_FALSE(same->changed);
  CHECK(same->more_reads.empty());

  Value absent = Args({{"name", "dummy"}, {"state", "absent"}});
  REQUIRE(module.Probe(absent, kFacts).size() == 2);  // no files read: persistent disabled
  Result<Change> gone =
      module.Plan(absent, {FileContent("dummy 16384 0 - Live 0x0\n"), FileContent("")}, kFacts);
  REQUIRE(gone.ok());
  REQUIRE(gone->actions.size() == 1);
  CHECK(gone->actions[0].argv == std::vector<std::string>{"modprobe", "-r", "dummy"});
}

TEST_CASE("modprobe makes a missing directory before the file in it") {
  ModprobeModule module;
  Value args = Args({{"name", "overlay"}, {"persistent", "present"}});
  ReadResult conf = Conf({});
  conf.exec.stdout_data = "N /etc/modules-load.d\n";
  Result<Change> change =
      module.Plan(args, {FileContent("overlay 1 0 - Live 0x0\n"), FileContent(""), conf}, kFacts);
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].kind == Kind::kMakeDirectory);
  CHECK(change->actions[0].path == "/etc/modules-load.d");
  CHECK(change->actions[1].path == "/etc/modules-load.d/overlay.conf");
}

TEST_CASE("modprobe refuses an answer that is not its script's") {
  CHECK_FALSE(ParseModprobeConf("F 100 /etc/modprobe.d/x.conf\nshort").ok());
  CHECK_FALSE(ParseModprobeConf("F x /etc/modprobe.d/x.conf\n").ok());
  CHECK_FALSE(ParseModprobeConf("garbage\n").ok());
  CHECK_FALSE(ParseModprobeConf("F 99999999999999999999999 /a\n").ok());
  Result<ModprobeConf> ok =
      ParseModprobeConf("F 3 /etc/modprobe.d/a b.conf\nx\nyN /etc/modules-load.d\n");
  REQUIRE(ok.ok());
  CHECK(ok->files == Files{{"/etc/modprobe.d/a b.conf", "x\ny"}});
  CHECK(ok->missing_dirs == std::vector<std::string>{"/etc/modules-load.d"});
}

TEST_CASE("modprobe arguments are checked when the playbook is read") {
  ModprobeModule module;
  using Words = std::vector<std::string>;
  CHECK(testing::ArgErrors(module, {{"name", "br_netfilter"}, {"persistent", "present"}}).empty());
  CHECK(testing::ArgErrors(module, {{"name", "br netfilter"}}).size() == 1);
  CHECK(testing::ArgErrors(module, {{"name", "dummy"}, {"params", "numdummies"}}) ==
        Words{"params: params word 'numdummies' is not KEY=VALUE: give words like numdummies=2, "
              "without quotes"});
  CHECK(testing::ArgErrors(module, {{"name", "dummy"}, {"params", "a=\"x y\""}}).size() == 2);
  CHECK(testing::ArgErrors(module, {{"name", "dummy"}, {"persistent", "yes"}}).size() == 1);
}

}  // namespace
}  // namespace hostprep::modules
