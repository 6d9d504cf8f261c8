#include "modules/swap.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "modules/fstab.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr char kProcSwaps[] = "/proc/swaps";
constexpr char kEtcUnit[] = "/etc/systemd/system/swap.target";
constexpr char kRunUnit[] = "/run/systemd/system/swap.target";
constexpr const char* kSystemctlPaths[] = {"/usr/bin/systemctl", "/bin/systemctl"};

ArgSpec SwapSpec() {
  ArgSpec spec;
  spec.name = "swap";
  spec.summary = "turn swap off now and at boot";
  spec.description =
      "With `state: absent`, turns off every swap device and file listed in /proc/swaps "
      "(`swapoff` per device), comments out the swap lines of the fstab (lines whose type "
      "field is `swap` get a leading \"# \"; every other line, including swap lines already "
      "commented out, stays byte for byte) and, with `mask: true`, masks swap.target so "
      "systemd does not turn swap on again. swap.target counts as masked when "
      "/etc/systemd/system/swap.target (or, for a runtime mask, "
      "/run/systemd/system/swap.target) is a symlink to /dev/null or an empty file, read "
      "with the shell's own tests, no systemctl query. Another unit file there is an error "
      "(`systemctl mask` "
      "would refuse to replace it). Reports changed only when swap was on, the fstab was "
      "edited or swap.target was masked.";
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
       "Also mask swap.target (`systemctl mask swap.target`). Needs systemctl on the "
       "target, not a running systemd."},
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
      "swap, masks swap.target only when it is not masked (read from the unit files, not "
      "from `systemctl is-enabled`) and reports ok when there is nothing to do. The diff "
      "shows the fstab change, one line per active swap and swap.target's state "
      "(\"swap.target: unmasked -> masked\"). On a host whose facts name another service "
      "manager than systemd, masking fails at plan time when there is no systemctl.";
  return spec;
}

std::string FstabPath(const Value& args) {
  return args.contains("fstab") ? StringArg(args, "fstab") : kDefaultFstab;
}

// `systemctl mask` links the unit to /dev/null; systemd also takes an empty
// unit file for a mask.
bool IsMask(const FileInfo& info) {
  return (info.type == FileType::kSymlink && info.link_target == "/dev/null") ||
         (info.type == FileType::kFile && info.size == 0);
}

std::string Describe(const FileInfo& info) {
  switch (info.type) {
    case FileType::kSymlink:
      return fmt::format("a symlink to {} (not /dev/null)", info.link_target);
    case FileType::kFile:
      return fmt::format("a unit file of {} bytes (not a link to /dev/null)", info.size);
    case FileType::kDirectory:
      return "a directory";
    case FileType::kMissing:
    case FileType::kOther:
      break;
  }
  return "a special file";
}

// The answer of scripts/swap_units.sh, as the lstat of each unit file (/etc,
// then /run).
Result<std::vector<ReadResult>> UnitFiles(const ReadResult& read) {
  if (!read.status.ok()) return read.status.WithContext("read swap.target's unit files");
  const ExecResult& r = read.exec;
  std::vector<ReadResult> out;
  for (const std::string& line : SplitLinesKeepEnds(r.stdout_data)) {
    const std::string body(LineBody(line));
    const std::string word = body.substr(0, body.find(' '));
    const std::string rest = body.size() > word.size() ? body.substr(word.size() + 1) : "";
    FileInfo& info = out.emplace_back().stat;
    if (word == "null" || word == "link") {
      info.type = FileType::kSymlink;
      info.link_target = word == "null" ? "/dev/null" : rest;
    } else if (word == "file") {
      info.type = FileType::kFile;
      info.size = std::strtoull(rest.c_str(), nullptr, 10);
    } else if (word == "dir" || word == "other" || word == "missing") {
      info.type = word == "dir"     ? FileType::kDirectory
                  : word == "other" ? FileType::kOther
                                    : FileType::kMissing;
    } else {
      out.clear();
      break;
    }
  }
  if (r.exit_code != 0 || out.size() != 2) {
    return Status::Error(
        fmt::format("read swap.target's unit files: unexpected answer (exit code {}): {}",
                    r.exit_code, Trim(r.stdout_data + r.stderr_data)));
  }
  return out;
}

// "masked" (/etc), "masked-runtime" (/run only) or "unmasked". /etc comes
// before /run in systemd's unit search path, so a unit file in /etc hides a
// runtime mask, and `systemctl mask` refuses to replace it ("File ... already
// exists"): that is an error here, so that check mode says so too.
Result<std::string> UnitState(const ReadResult& etc, const ReadResult& run) {
  if (IsMask(etc.stat)) return std::string("masked");
  if (etc.stat.exists()) {
    return Status::Error(
        fmt::format("swap.target cannot be masked: {} is {}: remove it or set mask: false",
                    kEtcUnit, Describe(etc.stat)));
  }
  return std::string(IsMask(run.stat) ? "masked-runtime" : "unmasked");
}

// The service manager the facts name, or "" when they name none (no facts
// gathered, unit tests).
std::string ServiceManager(const Value& facts) {
  if (!facts.is_object() || !facts.contains("service_mgr")) return "";
  return facts["service_mgr"].is_string() ? facts["service_mgr"].get<std::string>() : "unknown";
}

// Whether Probe stats the systemctl binary: only when the facts name another
// service manager than systemd. `systemctl mask` works without a running
// systemd (it writes the link itself in containers and chroots), so what
// decides is whether systemctl is installed.
bool ChecksSystemctl(const Value& facts) {
  const std::string manager = ServiceManager(facts);
  return !manager.empty() && manager != "systemd";
}

// Fails when no systemctl was found where ChecksSystemctl looked; `stats`
// answers kSystemctlPaths in order.
Status CheckSystemctl(const Value& facts, const ReadResult* stats) {
  bool found = false;
  for (size_t i = 0; i < std::size(kSystemctlPaths); ++i) {
    if (!stats[i].status.ok()) {
      return stats[i].status.WithContext(std::string("stat ") + kSystemctlPaths[i]);
    }
    found = found || stats[i].stat.exists();
  }
  if (found) return Status::Ok();
  return Status::Error(fmt::format(
      "mask: true needs systemd, and this host's service manager is '{}' with no systemctl "
      "({}): set mask: false",
      ServiceManager(facts), fmt::join(kSystemctlPaths, ", ")));
}

// What Plan gathers before it becomes the Change.
struct SwapDraft {
  Change change;
  std::string file_diff;
  std::vector<std::string> lines;  // diff lines after the fstab's diff
  std::vector<std::string> what;   // the parts of the message
};

void AddSwapoff(const std::vector<std::string>& active, SwapDraft* d) {
  for (const std::string& device : active) {
    d->change.actions.push_back(ExecAction({"swapoff", device}));
    d->lines.push_back(fmt::format("swap: {} (active) -> off", device));
  }
  if (!active.empty())
    d->what.push_back(fmt::format("turn off swap on {}", fmt::join(active, ", ")));
}

void AddFstabEdit(const std::string& fstab, const std::string& content,
                  std::vector<std::string>* commented, SwapDraft* d) {
  std::string after = CommentOutSwapLines(content, commented);
  if (commented->empty()) return;
  d->file_diff = FileDiff(fstab, content, after);
  d->change.actions.push_back(WriteFileAction(fstab, std::move(after)));
  d->what.push_back(fmt::format("comment out {} swap line{} in {}", commented->size(),
                                commented->size() == 1 ? "" : "s", fstab));
}

Change FinishSwap(SwapDraft d) {
  Change change = std::move(d.change);
  change.changed = !change.actions.empty();
  change.diff = std::move(d.file_diff);
  for (const std::string& line : d.lines) change.diff += line + "\n";
  if (change.changed) change.message = fmt::format("would {}", fmt::join(d.what, ", "));
  return change;
}

}  // namespace

std::vector<std::string> ParseProcSwaps(const std::string& content) {
  std::vector<std::string> devices;
  bool header = true;
  for (const std::string& line : SplitLinesKeepEnds(content)) {
    const std::vector<std::string> fields = PySplit(line);
    if (header) {
      header = false;
      if (!fields.empty() && fields[0] == "Filename") continue;
    }
    if (!fields.empty()) devices.push_back(DecodeOctal(fields[0]));
  }
  return devices;
}

std::string CommentOutSwapLines(const std::string& fstab, std::vector<std::string>* commented) {
  std::vector<FstabLine> lines = ReadFstab(fstab);
  for (FstabLine& line : lines) {
    if (line.entry() && line.fields.size() >= 3 && line.fields[2] == "swap") {
      commented->emplace_back(LineBody(line.text));
      line.text = "# " + line.text;
    }
  }
  return WriteFstab(lines);
}

SwapModule::SwapModule() : spec_(SwapSpec()) {}

std::vector<Read> SwapModule::Probe(const Value& args, const Value& facts) const {
  std::vector<Read> reads = {Read::File(kProcSwaps), Read::File(FstabPath(args))};
  if (args.value("mask", false)) {
    // The unit files instead of `systemctl is-enabled` (swap_units.sh): this
    // runs on every re-run, and costs no process when nothing is wrong.
    reads.push_back(Read::Query({"/bin/sh", "-c", scripts::kSwapUnits, "sh", kEtcUnit, kRunUnit}));
    if (ChecksSystemctl(facts)) {
      for (const char* path : kSystemctlPaths) reads.push_back(Read::Stat(path));
    }
  }
  return reads;
}

Result<Change> SwapModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                const Value& facts) const {
  const bool mask = args.value("mask", false);
  const std::string fstab = FstabPath(args);
  size_t want = 2;
  if (mask) want += 1 + (ChecksSystemctl(facts) ? std::size(kSystemctlPaths) : 0);
  if (reads.size() < want) return Status::Error("internal error: swap planned without its reads");
  if (!reads[0].status.ok()) return reads[0].status.WithContext(std::string("read ") + kProcSwaps);
  if (!reads[0].content) {
    return Status::Error("read /proc/swaps: it does not exist: is /proc mounted on the target?");
  }
  if (!reads[1].status.ok()) return reads[1].status.WithContext("read " + fstab);
  std::string unit_state;
  if (mask) {
    Result<std::vector<ReadResult>> units = UnitFiles(reads[2]);
    if (!units.ok()) return units.status();
    Result<std::string> state = UnitState((*units)[0], (*units)[1]);
    if (!state.ok()) return state.status();
    unit_state = *state;
  }

  SwapDraft d;
  const std::vector<std::string> active = ParseProcSwaps(*reads[0].content);
  AddSwapoff(active, &d);
  std::vector<std::string> commented;
  if (reads[1].content) AddFstabEdit(fstab, *reads[1].content, &commented, &d);
  const bool masked = StartsWith(unit_state, "masked");
  if (mask && !masked) {
    // Only now: a host without systemctl whose swap.target is masked
    // already has nothing to run.
    if (ChecksSystemctl(facts)) {
      Status found = CheckSystemctl(facts, &reads[3]);
      if (!found.ok()) return found;
    }
    d.change.actions.push_back(ExecAction({"systemctl", "mask", "swap.target"}));
    d.lines.push_back(fmt::format("swap.target: {} -> masked", unit_state));
    d.what.push_back("mask swap.target");
  }

  Change change = FinishSwap(std::move(d));
  change.result["state"] = "absent";
  change.result["active"] = active;
  change.result["fstab"] = fstab;
  change.result["commented"] = commented;
  if (mask) change.result["swap_target"] = masked ? unit_state : std::string("masked");
  return change;
}

Resources SwapModule::Declare(const Value& args) const {
  Resources r;
  const std::string fstab = FstabPath(args);
  if (!IsPendingTemplate(Value(fstab))) r.needs.push_back("path:" + fstab);
  return r;
}

}  // namespace hostprep::modules
