#include "modules/swap.h"

#include <fmt/format.h>

#include <optional>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

constexpr char kProcSwaps[] = "/proc/swaps";
constexpr char kDefaultFstab[] = "/etc/fstab";

ArgSpec MakeSpec() {
  ArgSpec spec;
  spec.name = "swap";
  spec.summary = "turn swap off now and at boot";
  spec.description =
      "With `state: absent`, turns off every swap device and file listed in /proc/swaps "
      "(`swapoff` per device), comments out the swap lines of the fstab (lines whose type "
      "field is `swap` get a leading \"# \"; every other line, including swap lines already "
      "commented out, stays byte for byte) and, with `mask: true`, masks swap.target so "
      "systemd does not turn swap on again. Reports changed only when swap was on, the fstab "
      "was edited or swap.target was masked.";
  spec.args = {
      {"state",
       ArgType::kString,
       true,
       nullptr,
       {"absent"},
       {},
       "absent: no swap is active and none is turned on at boot."},
      {"mask",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Also mask swap.target (`systemctl mask swap.target`)."},
      {"fstab", ArgType::kString, false, kDefaultFstab, {}, {}, "The fstab file to edit."},
  };
  spec.examples =
      "- name: no swap on Kubernetes nodes\n"
      "  swap:\n"
      "    state: absent\n"
      "    mask: true\n";
  spec.notes =
      "Ansible has no swap module. Kubespray removes fstab lines whose mount point is `swap` "
      "or `none` (ansible.posix.mount state=absent), masks swap.target and runs `swapoff -a` "
      "on every run, reporting changed each time. hostprep keeps the lines (commented out, so "
      "they can be restored), selects them by their type field, runs swapoff only for active "
      "swap and reports ok when there is nothing to do. The diff shows the fstab change and "
      "one line per active swap.";
  return spec;
}

std::string FstabPath(const Value& args) {
  return args.contains("fstab") ? StringArg(args, "fstab") : kDefaultFstab;
}

// /proc/swaps escapes space, tab, newline and backslash as \ooo.
std::string DecodeOctal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "masked" (or "masked-runtime") from `systemctl is-enabled`, which exits
// non-zero for masked and disabled units but still prints the state.
Result<std::string> UnitState(const ReadResult& read) {
  if (!read.status.ok()) return read.status.WithContext("query swap.target");
  const std::string state = Trim(read.exec.stdout_data);
  if (state.empty()) {
    return Status::Error(
        fmt::format("query swap.target: systemctl is-enabled exited {} without a state: {}",
                    read.exec.exit_code, Trim(read.exec.stderr_data)));
  }
  return state;
}

}  // namespace

std::vector<std::string> ParseProcSwaps(const std::string& content) {
  std::vector<std::string> devices;
  bool header = true;
  for (const std::string& line : SplitLinesKeepEnds(content)) {
    const std::vector<std::string> fields = Fields(line);
    if (header) {
      header = false;
      if (!fields.empty() && fields[0] == "Filename") continue;
    }
    if (!fields.empty()) devices.push_back(DecodeOctal(fields[0]));
  }
  return devices;
}

std::string CommentOutSwapLines(const std::string& fstab, std::vector<std::string>* commented) {
  std::string out;
  for (const std::string& line : SplitLinesKeepEnds(fstab)) {
    const std::vector<std::string> fields = Fields(line);
    if (fields.size() >= 3 && fields[0][0] != '#' && fields[2] == "swap") {
      out += "# " + line;
      commented->emplace_back(LineBody(line));
    } else {
      out += line;
    }
  }
  return out;
}

SwapModule::SwapModule() : spec_(MakeSpec()) {}

std::vector<Read> SwapModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads = {Read::File(kProcSwaps), Read::File(FstabPath(args))};
  if (args.value("mask", false)) {
    reads.push_back(Read::Query({"systemctl", "is-enabled", "swap.target"}));
  }
  return reads;
}

Result<Change> SwapModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                const Value& facts) const {
  (void)facts;
  const bool mask = args.value("mask", false);
  const std::string fstab = FstabPath(args);
  if (reads.size() < (mask ? 3u : 2u)) {
    return Status::Error("internal error: swap planned without its reads");
  }
  if (!reads[0].status.ok()) return reads[0].status.WithContext(std::string("read ") + kProcSwaps);
  if (!reads[0].content) {
    return Status::Error("read /proc/swaps: it does not exist: is /proc mounted on the target?");
  }
  if (!reads[1].status.ok()) return reads[1].status.WithContext("read " + fstab);
  std::optional<std::string> unit_state;
  if (mask) {
    Result<std::string> state = UnitState(reads[2]);
    if (!state.ok()) return state.status();
    unit_state = *state;
  }

  Change change;
  std::vector<std::string> lines, what;
  const std::vector<std::string> active = ParseProcSwaps(*reads[0].content);
  for (const std::string& device : active) {
    change.actions.push_back(ExecAction({"swapoff", device}));
    lines.push_back(fmt::format("swap: {} (active) -> off", device));
  }
  if (!active.empty())
    what.push_back("turn off swap on " + fmt::format("{}", fmt::join(active, ", ")));

  std::vector<std::string> commented;
  std::string file_diff;
  if (reads[1].content) {
    std::string after = CommentOutSwapLines(*reads[1].content, &commented);
    if (!commented.empty()) {
      file_diff = FileDiff(fstab, reads[1].content, after);
      change.actions.push_back(WriteFileAction(fstab, std::move(after)));
      what.push_back(fmt::format("comment out {} swap line{} in {}", commented.size(),
                                 commented.size() == 1 ? "" : "s", fstab));
    }
  }
  const bool masked = unit_state && StartsWith(*unit_state, "masked");
  if (mask && !masked) {
    change.actions.push_back(ExecAction({"systemctl", "mask", "swap.target"}));
    lines.push_back(fmt::format("swap.target: {} -> masked", *unit_state));
    what.push_back("mask swap.target");
  }

  change.changed = !change.actions.empty();
  change.diff = file_diff;
  for (const std::string& line : lines) change.diff += line + "\n";
  if (change.changed) change.message = "would " + fmt::format("{}", fmt::join(what, ", "));
  change.result["state"] = "absent";
  change.result["active"] = active;
  change.result["fstab"] = fstab;
  change.result["commented"] = commented;
  if (mask) change.result["swap_target"] = masked ? *unit_state : std::string("masked");
  return change;
}

Resources SwapModule::Declare(const Value& args) const {
  Resources r;
  const std::string fstab = FstabPath(args);
  if (!IsPendingTemplate(Value(fstab))) r.needs.push_back("path:" + fstab);
  return r;
}

}  // namespace hostprep::modules
