#include "modules/swap.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Kind = Action::Kind;

constexpr char kHeader[] = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

Value Args(const Value& raw) { return testing::NormalizedArgs(SwapModule(), raw); }

ReadResult FileRead(std::optional<std::string> content) {
  return testing::FileContent(std::move(content));
}

// A kStat answer.
ReadResult Stat(FileType type, uint64_t size = 0, std::string link_target = "") {
  ReadResult r;
  r.stat.type = type;
  r.stat.size = size;
  r.stat.link_target = std::move(link_target);
  return r;
}
ReadResult Missing() { return Stat(FileType::kMissing); }
ReadResult LinkTo(std::string target) { return Stat(FileType::kSymlink, 9, std::move(target)); }
ReadResult Denied() {
  ReadResult r;
  r.status = Status::Error("permission denied");
  return r;
}

// The unit script's answer for swap.target's unit files in /etc and /run,
// from the lstat each stands for.
std::string UnitLine(const ReadResult& r) {
  switch (r.stat.type) {
    case FileType::kMissing:
      return "missing";
    case FileType::kSymlink:
      return r.stat.link_target == "/dev/null" ? "null" : "link " + r.stat.link_target;
    case FileType::kFile:
      return "file " + std::to_string(r.stat.size);
    case FileType::kDirectory:
      return "dir";
    case FileType::kOther:
      break;
  }
  return "other";
}
ReadResult Query(std::string out, int exit_code, std::string err = "") {
  ReadResult r;
  r.exec = {exit_code, std::move(out), std::move(err)};
  return r;
}
ReadResult Units(const ReadResult& etc, const ReadResult& run) {
  ReadResult r;
  r.exec = {0, UnitLine(etc) + "\n" + UnitLine(run) + "\n", ""};
  return r;
}

Result<Change> PlanWith(const Value& args, const std::vector<ReadResult>& reads,
                        const Value& facts = Value::object()) {
  return SwapModule().Plan(args, reads, facts);
}

// The reads Probe asks for, one string each ("read:PATH", "stat:PATH").
std::vector<std::string> Probed(const Value& args, const Value& facts) {
  std::vector<std::string> out;
  for (const Read& r : SwapModule().Probe(args, facts)) {
    if (r.kind == Read::Kind::kReadFile) {
      out.push_back("read:" + r.path);
    } else if (r.kind == Read::Kind::kStat) {
      out.push_back("stat:" + r.path);
    } else if (r.argv.size() == 6 && r.argv[0] == "/bin/sh") {
      out.push_back("units:" + r.argv[4] + " " + r.argv[5]);
    } else {
      out.push_back("other");
    }
  }
  return out;
}

TEST_CASE("swap probes /proc/swaps, the fstab and swap.target's unit files only when masking") {
  struct Case {
    Value raw;
    Value facts;
    std::vector<std::string> reads;
  };
  const std::vector<std::string> mask_reads = {"read:/proc/swaps", "read:/tmp/x/fstab",
                                               "units:/etc/systemd/system/swap.target "
                                               "/run/systemd/system/swap.target"};
  std::vector<std::string> with_systemctl = mask_reads;
  with_systemctl.push_back("stat:/usr/bin/systemctl");
  with_systemctl.push_back("stat:/bin/systemctl");
  const Value masking = {{"state", "absent"}, {"mask", true}, {"fstab", "/tmp/x/fstab"}};
  for (const Case& c : std::vector<Case>{
           {{{"state", "absent"}}, Value::object(), {"read:/proc/swaps", "read:/etc/fstab"}},
           {{{"state", "absent"}},
            {{"service_mgr", "openrc"}},
            {"read:/proc/swaps", "read:/etc/fstab"}},
           {masking, Value::object(), mask_reads},
           {masking, {{"service_mgr", "systemd"}}, mask_reads},
           {masking, {{"service_mgr", "openrc"}}, with_systemctl},
           {masking, {{"service_mgr", "service"}}, with_systemctl},
       }) {
    CAPTURE(c.raw.dump());
    CAPTURE(c.facts.dump());
    CHECK(Probed(Args(c.raw), c.facts) == c.reads);
  }
}

TEST_CASE("swap reads the active devices from /proc/swaps") {
  struct Case {
    std::string content;
    std::vector<std::string> devices;
  };
  for (const Case& c : std::vector<Case>{
           {"", {}},
           {kHeader, {}},
           {std::string(kHeader) +
                "/dev/sda2                               partition\t8388604\t\t0\t\t-2\n"
                "/swap\\040file                           file\t\t1048572\t\t0\t\t-3\n",
            {"/dev/sda2", "/swap file"}},
           {"/dev/zram0 partition 100 0 100\n", {"/dev/zram0"}},
       }) {
    CAPTURE(c.content);
    CHECK(ParseProcSwaps(c.content) == c.devices);
  }
}

TEST_CASE("swap comments out only uncommented lines of type swap") {
  const std::string fstab =
      "# /etc/fstab: static file system information.\n"
      "UUID=1234 /               ext4    errors=remount-ro 0       1\n"
      "UUID=5678 none            swap    sw              0       0\n"
      "#/dev/sdb1 none swap sw 0 0\n"
      "  # /dev/sdc1 none swap sw 0 0\n"
      "/swapfile\tnone\tswap\tsw,pri=5\t0\t0 # the swap file\n"
      "/dev/sdd1 /mnt/swap ext4 defaults 0 2\n"
      "\n"
      "tmpfs /tmp tmpfs defaults 0 0";
  std::vector<std::string> commented;
  CHECK(CommentOutSwapLines(fstab, &commented) ==
        "# /etc/fstab: static file system information.\n"
        "UUID=1234 /               ext4    errors=remount-ro 0       1\n"
        "# UUID=5678 none            swap    sw              0       0\n"
        "#/dev/sdb1 none swap sw 0 0\n"
        "  # /dev/sdc1 none swap sw 0 0\n"
        "# /swapfile\tnone\tswap\tsw,pri=5\t0\t0 # the swap file\n"
        "/dev/sdd1 /mnt/swap ext4 defaults 0 2\n"
        "\n"
        "tmpfs /tmp tmpfs defaults 0 0");
  CHECK(commented ==
        std::vector<std::string>{"UUID=5678 none            swap    sw              0       0",
                                 "/swapfile\tnone\tswap\tsw,pri=5\t0\t0 # the swap file"});
}

TEST_CASE("swap turns off active swap, comments out the fstab line and masks swap.target") {
  const std::string fstab = "UUID=1 / ext4 defaults 0 1\n/dev/sda2 none swap sw 0 0\n";
  Result<Change> c =
      PlanWith(Args({{"state", "absent"}, {"mask", true}}),
               {FileRead(std::string(kHeader) +
                         "/dev/sda2 partition 8388604 0 -2\n/swapfile file 1024 0 -3\n"),
                FileRead(fstab), Units(Missing(), Missing())});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 4);
  CHECK(c->actions[0].kind == Kind::kExec);
  CHECK(c->actions[0].argv == std::vector<std::string>{"swapoff", "/dev/sda2"});
  CHECK(c->actions[1].argv == std::vector<std::string>{"swapoff", "/swapfile"});
  CHECK(c->actions[2].kind == Kind::kWriteFile);
  CHECK(c->actions[2].path == "/etc/fstab");
  CHECK_FALSE(c->actions[2].mode.has_value());
  CHECK(c->actions[2].content == "UUID=1 / ext4 defaults 0 1\n# /dev/sda2 none swap sw 0 0\n");
  CHECK(c->actions[3].argv == std::vector<std::string>{"systemctl", "mask", "swap.target"});
  CHECK(c->diff ==
        "--- before: /etc/fstab\n"
        "+++ after: /etc/fstab\n"
        "@@ -1,2 +1,2 @@\n"
        " UUID=1 / ext4 defaults 0 1\n"
        "-/dev/sda2 none swap sw 0 0\n"
        "+# /dev/sda2 none swap sw 0 0\n"
        "swap: /dev/sda2 (active) -> off\n"
        "swap: /swapfile (active) -> off\n"
        "swap.target: unmasked -> masked\n");
  CHECK(c->message ==
        "would turn off swap on /dev/sda2, /swapfile, comment out 1 swap line in /etc/fstab, "
        "mask swap.target");
  CHECK(c->result == Value({{"state", "absent"},
                            {"active", {"/dev/sda2", "/swapfile"}},
                            {"fstab", "/etc/fstab"},
                            {"commented", {"/dev/sda2 none swap sw 0 0"}},
                            {"swap_target", "masked"}}));
}

TEST_CASE("swap with nothing active, nothing to comment and swap.target masked is ok") {
  Result<Change> c = PlanWith(Args({{"state", "absent"}, {"mask", true}}),
                              {FileRead(kHeader), FileRead("# /dev/sda2 none swap sw 0 0\n"),
                               Units(LinkTo("/dev/null"), Missing())});
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->actions.empty());
  CHECK(c->diff == "");
  CHECK(c->message == "");
  CHECK(c->result["swap_target"] == "masked");
}

TEST_CASE("swap without active swap still comments out the fstab line") {
  Result<Change> c = PlanWith(Args({{"state", "absent"}}),
                              {FileRead(kHeader), FileRead("/swap.img\tnone\tswap\tsw\t0\t0\n")});
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->diff ==
        "--- before: /etc/fstab\n"
        "+++ after: /etc/fstab\n"
        "@@ -1 +1 @@\n"
        "-/swap.img\tnone\tswap\tsw\t0\t0\n"
        "+# /swap.img\tnone\tswap\tsw\t0\t0\n");
  CHECK(c->message == "would comment out 1 swap line in /etc/fstab");
}

TEST_CASE("swap turns off active swap that the fstab does not list") {
  Result<Change> c = PlanWith(Args({{"state", "absent"}}),
                              {FileRead(std::string(kHeader) + "/dev/zram0 partition 100 0 100\n"),
                               FileRead(std::nullopt)});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].argv == std::vector<std::string>{"swapoff", "/dev/zram0"});
  CHECK(c->diff == "swap: /dev/zram0 (active) -> off\n");
  CHECK(c->message == "would turn off swap on /dev/zram0");
}

TEST_CASE("swap reports reads that fail with what to do") {
  struct Case {
    std::vector<ReadResult> reads;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{FileRead(std::nullopt), FileRead(""), Units(Missing(), Missing())},
            "read /proc/swaps: it does not exist: is /proc mounted on the target?"},
           {{Denied(), FileRead(""), Units(Missing(), Missing())},
            "read /proc/swaps: permission denied"},
           {{FileRead(kHeader), Denied(), Units(Missing(), Missing())},
            "read /etc/fstab: permission denied"},
           {{FileRead(kHeader), FileRead(""), Denied()},
            "read swap.target's unit files: permission denied"},
           {{FileRead(kHeader), FileRead(""), Query("missing\n", 0)},
            "read swap.target's unit files: unexpected answer (exit code 0): missing"},
           {{FileRead(kHeader), FileRead(""), Query("", 127, "sh: 1: [: not found\n")},
            "read swap.target's unit files: unexpected answer (exit code 127): sh: 1: [: not "
            "found"},
           {{FileRead(kHeader), FileRead("")}, "internal error: swap planned without its reads"},
       }) {
    CAPTURE(c.message);
    Result<Change> r = PlanWith(Args({{"state", "absent"}, {"mask", true}}), c.reads);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message() == c.message);
  }
}

TEST_CASE("swap reads swap.target's mask from its unit files in /etc and /run") {
  struct Case {
    std::string name;
    ReadResult etc;
    ReadResult run;
    std::string diff;   // "" = nothing to do
    std::string state;  // result["swap_target"]
  };
  const std::string to_mask = "swap.target: unmasked -> masked\n";
  for (const Case& c : std::vector<Case>{
           {"neither exists", Missing(), Missing(), to_mask, "masked"},
           {"/etc links to /dev/null", LinkTo("/dev/null"), Missing(), "", "masked"},
           {"/etc is empty", Stat(FileType::kFile, 0), Missing(), "", "masked"},
           {"both masked", LinkTo("/dev/null"), LinkTo("/dev/null"), "", "masked"},
           {"only /run links to /dev/null", Missing(), LinkTo("/dev/null"), "", "masked-runtime"},
           {"only /run is empty", Missing(), Stat(FileType::kFile, 0), "", "masked-runtime"},
           {"/run has a unit file", Missing(), Stat(FileType::kFile, 120), to_mask, "masked"},
           {"/run links elsewhere", Missing(), LinkTo("/lib/systemd/system/swap.target"), to_mask,
            "masked"},
       }) {
    CAPTURE(c.name);
    Result<Change> r = PlanWith(Args({{"state", "absent"}, {"mask", true}}),
                                {FileRead(kHeader), FileRead(""), Units(c.etc, c.run)});
    REQUIRE(r.ok());
    CHECK(r->diff == c.diff);
    CHECK(r->changed == !c.diff.empty());
    CHECK(r->message == (c.diff.empty() ? "" : "would mask swap.target"));
    if (!c.diff.empty()) {
      REQUIRE(r->actions.size() == 1);
      CHECK(r->actions[0].argv == std::vector<std::string>{"systemctl", "mask", "swap.target"});
    }
    CHECK(r->result["swap_target"] == c.state);
  }
}

TEST_CASE("swap's unit script tells a mask from anything else with the shell's own tests") {
  std::string script;
  for (const Read& r :
       SwapModule().Probe(Args({{"state", "absent"}, {"mask", true}}), Value::object())) {
    if (r.kind == Read::Kind::kExec) script = r.argv[2];
  }
  REQUIRE(!script.empty());
  const testing::ScriptRun r = testing::RunScript(
      script,
      "printf '[Unit]\\n' >unit && ln -s /dev/null null && : >empty && ln -s /lib/x.target "
      "elsewhere && mkdir d && sh script.sh null empty unit elsewhere d missing");
  CHECK(r.status == 0);
  CHECK(r.out == "null\nfile 0\nfile 7\nlink /lib/x.target\ndir\nmissing\n");
}

TEST_CASE("swap refuses to mask over another unit file in /etc/systemd/system") {
  struct Case {
    ReadResult etc;
    ReadResult run;
    std::string message;
  };
  const std::string prefix = "swap.target cannot be masked: /etc/systemd/system/swap.target is ";
  for (const Case& c : std::vector<Case>{
           {Stat(FileType::kFile, 312), Missing(),
            prefix +
                "a unit file of 312 bytes (not a link to /dev/null): remove it or set mask: false"},
           {LinkTo("/lib/systemd/system/swap.target"), Missing(),
            prefix + "a symlink to /lib/systemd/system/swap.target (not /dev/null): remove it "
                     "or set mask: false"},
           {LinkTo("/lib/systemd/system/swap.target"), LinkTo("/dev/null"),
            prefix + "a symlink to /lib/systemd/system/swap.target (not /dev/null): remove it "
                     "or set mask: false"},
           {Stat(FileType::kDirectory, 4096), Missing(),
            prefix + "a directory: remove it or set mask: false"},
       }) {
    CAPTURE(c.message);
    Result<Change> r = PlanWith(Args({{"state", "absent"}, {"mask", true}}),
                                {FileRead(kHeader), FileRead(""), Units(c.etc, c.run)});
    REQUIRE_FALSE(r.ok());
    CHECK(r.message() == c.message);
  }
}

TEST_CASE("swap masks on a host without systemd only when it has systemctl") {
  struct Case {
    std::string name;
    Value facts;
    std::vector<ReadResult> reads;  // after /proc/swaps and the fstab
    std::string error;              // "" = planned
    bool changed = false;
  };
  auto no_systemctl = [](const std::string& manager) {
    return "mask: true needs systemd, and this host's service manager is '" + manager +
           "' with no systemctl (/usr/bin/systemctl, /bin/systemctl): set mask: false";
  };
  for (const Case& c : std::vector<Case>{
           {"no facts", Value::object(), {Units(Missing(), Missing())}, "", true},
           {"systemd", {{"service_mgr", "systemd"}}, {Units(Missing(), Missing())}, "", true},
           {"openrc without systemctl",
            {{"service_mgr", "openrc"}},
            {Units(Missing(), Missing()), Missing(), Missing()},
            no_systemctl("openrc")},
           {"service without systemctl",
            {{"service_mgr", "service"}},
            {Units(Missing(), Missing()), Missing(), Missing()},
            no_systemctl("service")},
           {"openrc without systemctl, already masked",
            {{"service_mgr", "openrc"}},
            {Units(LinkTo("/dev/null"), Missing()), Missing(), Missing()},
            ""},
           {"service with /usr/bin/systemctl",
            {{"service_mgr", "service"}},
            {Units(Missing(), Missing()), Stat(FileType::kFile, 1024), Missing()},
            "",
            true},
           {"service with /bin/systemctl",
            {{"service_mgr", "service"}},
            {Units(Missing(), Missing()), Missing(), Stat(FileType::kFile, 1024)},
            "",
            true},
           {"systemctl stat denied",
            {{"service_mgr", "openrc"}},
            {Units(Missing(), Missing()), Denied(), Missing()},
            "stat /usr/bin/systemctl: permission denied"},
           {"systemctl stats missing",
            {{"service_mgr", "openrc"}},
            {Units(Missing(), Missing())},
            "internal error: swap planned without its reads"},
       }) {
    CAPTURE(c.name);
    std::vector<ReadResult> reads = {FileRead(kHeader), FileRead("")};
    reads.insert(reads.end(), c.reads.begin(), c.reads.end());
    Result<Change> r = PlanWith(Args({{"state", "absent"}, {"mask", true}}), reads, c.facts);
    if (!c.error.empty()) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.message() == c.error);
      continue;
    }
    REQUIRE(r.ok());
    CHECK(r->changed == c.changed);
    CHECK(r->diff == (c.changed ? "swap.target: unmasked -> masked\n" : ""));
  }
}

TEST_CASE("swap without mask ignores the service manager") {
  Result<Change> r = PlanWith(Args({{"state", "absent"}}), {FileRead(kHeader), FileRead("")},
                              {{"service_mgr", "openrc"}});
  REQUIRE(r.ok());
  CHECK_FALSE(r->changed);
  CHECK_FALSE(r->result.contains("swap_target"));
}

TEST_CASE("swap needs its state and accepts only absent") {
  SwapModule module;
  struct Case {
    Value raw;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {Value::object(), ": missing required argument 'state' for module 'swap'"},
           {{{"state", "present"}}, "state: argument 'state' must be one of absent, not 'present'"},
       }) {
    CAPTURE(c.raw.dump());
    std::vector<ArgError> errors;
    (void)NormalizeArgs(module.spec(), c.raw, false, &errors);
    std::vector<std::string> messages;
    for (const ArgError& e : errors) messages.push_back(e.key + ": " + e.message);
    REQUIRE_FALSE(messages.empty());
    CHECK(messages[0] == c.error);
  }
}

TEST_CASE("swap needs the fstab it edits") {
  SwapModule module;
  CHECK(module.Declare(Args({{"state", "absent"}})).needs ==
        std::vector<std::string>{"path:/etc/fstab"});
  CHECK(module.Declare(Args({{"state", "absent"}, {"fstab", "/mnt/etc/fstab"}})).needs ==
        std::vector<std::string>{"path:/mnt/etc/fstab"});
  CHECK(module.Declare(Args({{"state", "absent"}})).provides.empty());
}

}  // namespace
}  // namespace hostprep::modules
