#include "modules/swap.h"

#include <doctest/doctest.h>

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

ReadResult Query(std::string stdout_data, int exit_code = 0, std::string stderr_data = "") {
  ReadResult r;
  r.exec = {exit_code, std::move(stdout_data), std::move(stderr_data)};
  return r;
}

Result<Change> PlanWith(const Value& args, const std::vector<ReadResult>& reads) {
  return SwapModule().Plan(args, reads, Value::object());
}

TEST_CASE("swap probes /proc/swaps, the fstab and swap.target only when masking") {
  auto probed = [](const Value& args) {
    std::vector<std::string> out;
    for (const Read& r : SwapModule().Probe(args, Value::object())) {
      if (r.kind == Read::Kind::kReadFile) {
        out.push_back("read:" + r.path);
      } else {
        std::string q = "query:";
        for (const std::string& a : r.argv) q += (q.size() > 6 ? " " : "") + a;
        out.push_back(q);
      }
    }
    return out;
  };
  CHECK(probed(Args({{"state", "absent"}})) ==
        std::vector<std::string>{"read:/proc/swaps", "read:/etc/fstab"});
  CHECK(probed(Args({{"state", "absent"}, {"mask", true}, {"fstab", "/tmp/x/fstab"}})) ==
        std::vector<std::string>{"read:/proc/swaps", "read:/tmp/x/fstab",
                                 "query:systemctl is-enabled swap.target"});
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
                FileRead(fstab), Query("static\n")});
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
        "swap.target: static -> masked\n");
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
  Result<Change> c = PlanWith(
      Args({{"state", "absent"}, {"mask", true}}),
      {FileRead(kHeader), FileRead("# /dev/sda2 none swap sw 0 0\n"), Query("masked\n", 1)});
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
  ReadResult denied;
  denied.status = Status::Error("permission denied");
  struct Case {
    std::vector<ReadResult> reads;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{FileRead(std::nullopt), FileRead(""), Query("static\n")},
            "read /proc/swaps: it does not exist: is /proc mounted on the target?"},
           {{denied, FileRead(""), Query("static\n")}, "read /proc/swaps: permission denied"},
           {{FileRead(kHeader), denied, Query("static\n")}, "read /etc/fstab: permission denied"},
           {{FileRead(kHeader), FileRead(""), Query("", 127, "sh: systemctl: not found\n")},
            "query swap.target: systemctl is-enabled exited 127 without a state: sh: systemctl: "
            "not found"},
           {{FileRead(kHeader), FileRead("")}, "internal error: swap planned without its reads"},
       }) {
    CAPTURE(c.message);
    Result<Change> r = PlanWith(Args({{"state", "absent"}, {"mask", true}}), c.reads);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message() == c.message);
  }
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
