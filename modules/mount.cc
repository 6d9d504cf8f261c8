#include "modules/mount.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "engine/base/text.h"
#include "modules/fstab.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr char kMountInfo[] = "/proc/self/mountinfo";

ArgSpec MountSpec() {
  ArgSpec spec;
  spec.name = "mount";
  spec.ansible_names = {"ansible.posix.mount"};
  spec.summary = "mount points, active and in the fstab (ansible.posix.mount)";
  spec.description =
      "Ansible's mount module (ansible.posix.mount) on Linux. `mounted`: the fstab line is "
      "added or updated, the mount point created and mounted; when the line changed and the "
      "path is mounted it is remounted (`mount -o remount`, else umount and mount). "
      "`present`: the fstab line only. `unmounted`: unmounts, the fstab untouched. `absent`: "
      "removes the fstab line and, when there was one, unmounts the path and removes its "
      "directory (rmdir). `absent_from_fstab`: the fstab line only. `remounted`: remounts, "
      "always changed. `ephemeral`: mounts without the fstab (remounts when the same src is "
      "mounted there, fails when another is). Lines are matched by their mount point (a "
      "swap line with mount point `none` also by its src when src is given); blanks, `\\` "
      "and `&` in the fields are written as \\040, \\134 and \\046, as Ansible writes them; "
      "comments and other lines are kept byte for byte. Registers Ansible's name, src, "
      "fstype, opts, dump, passno, fstab, boot, backup_file (and warnings). The fstab, "
      "/proc/self/mountinfo and the path's state are read in the probe round trip.";
  spec.args = {
      {"path",
       ArgType::kString,
       true,
       nullptr,
       {},
       {"name"},
       "The mount point (`/mnt/data`); also the fstab line's mount point (`swap`, `none`)."},
      {"src",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "What is mounted: a device, `UUID=...`, `host:/export`, a directory for a bind "
       "mount. Required for present, mounted and ephemeral."},
      {"fstype",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The file system type. Required for present, mounted and ephemeral."},
      {"opts", ArgType::kString, false, nullptr, {}, {}, "Mount options (`defaults` when unset)."},
      {"dump", ArgType::kString, false, "0", {}, {}, "The fstab's dump field."},
      {"passno", ArgType::kString, false, "0", {}, {}, "The fstab's pass field."},
      {"state",
       ArgType::kString,
       true,
       nullptr,
       {"absent", "absent_from_fstab", "mounted", "present", "unmounted", "remounted", "ephemeral"},
       {},
       "What the mount point should be (see above)."},
      {"fstab",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The fstab file (/etc/fstab when unset); another one is given to mount with -T."},
      {"boot",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "false adds `noauto` to opts, unless opts holds `defaults` or `noauto` (a warning "
       "says so)."},
      {"backup",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Keep the old fstab as FSTAB.<timestamp>~ (registered as backup_file)."},
  };
  spec.examples =
      "- name: a tmpfs for scratch data\n"
      "  ansible.posix.mount:\n"
      "    path: /var/lib/scratch\n"
      "    src: tmpfs\n"
      "    fstype: tmpfs\n"
      "    opts: size=512m,mode=0755\n"
      "    state: mounted\n"
      "\n"
      "- name: no swap lines in the fstab (Kubespray's idiom)\n"
      "  mount:\n"
      "    name: \"{{ item }}\"\n"
      "    fstype: swap\n"
      "    state: absent\n"
      "  loop: [swap, none]\n";
  spec.notes =
      "Differences from Ansible: --diff shows the fstab's change (Ansible's module has no "
      "diff). The fstab is replaced atomically (a temp file renamed over it, its mode kept) "
      "where Ansible rewrites it in place. A missing fstab is created only by a state that "
      "writes a line to it (present, mounted), with its directory; Ansible creates an empty "
      "one for every state but ephemeral, in check mode too. With backup, absent and "
      "absent_from_fstab register the backup they made (Ansible registers \"\" there); the "
      "backup is named FSTAB.<timestamp>~ (Ansible's name also holds a PID). Refused at "
      "validate time: a path or src starting with `~` or holding `$NAME` (Ansible expands "
      "them on the target: write the path out), control characters or tabs in a field, and "
      "empty fields (either would break the fstab line); at plan time, an fstab that is not "
      "UTF-8 text. Linux only: Solaris's vfstab and the BSDs' mount flags are not supported. "
      "What is mounted is read as Ansible's module reads it: its ismount() from the path's "
      "and its parent's device and inode, its bind-mount test from /proc/self/mountinfo "
      "(ephemeral's `mount -v` comparison from mountinfo's source field too), but with "
      "mountinfo's escapes (\\040) decoded: Ansible's module does not find a bind mount "
      "whose path holds a blank and mounts it once more on every run. mount, umount "
      "and rmdir get the values as arguments (after `--`), never in a shell line; a failed "
      "mount puts the old fstab back and removes the directories it made, as Ansible does.";
  return spec;
}

bool NeedsFstab(const std::string& state) {
  return state == "present" || state == "mounted" || state == "absent" ||
         state == "absent_from_fstab";
}

bool NeedsMounts(const std::string& state) {
  return state == "mounted" || state == "unmounted" || state == "absent" || state == "ephemeral";
}

// The fstab as Python's text mode reads it: "\r\n" and "\r" end lines as
// "\n" does.
std::string UniversalNewlines(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// An fstab entry as Ansible's set_mount reads it: dump and passno missing
// from a 4- or 5-field line are Python's int 0, which no string equals.
struct FstabEntry {
  std::string src, name, fstype, opts;
  std::optional<std::string> dump, passno;
};

FstabEntry EntryOf(const std::vector<std::string>& f) {
  FstabEntry e{f[0], f[1], f[2], f[3], std::nullopt, std::nullopt};
  if (f.size() > 4) e.dump = f[4];
  if (f.size() > 5) e.passno = f[5];
  return e;
}

std::string LineOf(const FstabEntry& e) {
  return fmt::format("{} {} {} {} {} {}\n", e.src, e.name, e.fstype, e.opts, e.dump.value_or("0"),
                     e.passno.value_or("0"));
}

// The line is not the one for `a`: another mount point, or a swap line
// ("none") of another src when src is given.
bool OtherLine(const FstabEntry& e, const MountArgs& a) {
  return e.name != EscapeFstabField(a.name) ||
         (a.src && e.name == "none" && e.fstype == "swap" && e.src != *a.src);
}

// Ansible's args dict as the module registers it.
Value ResultOf(const MountArgs& a) {
  Value r = Value::object();
  r["name"] = a.name;
  r["opts"] = a.opts;
  r["dump"] = a.dump;
  r["passno"] = a.passno;
  r["fstab"] = a.fstab;
  r["boot"] = a.boot;
  r["backup_file"] = "";
  if (a.src) r["src"] = *a.src;
  if (a.fstype) r["fstype"] = *a.fstype;
  if (!a.warnings.empty()) r["warnings"] = a.warnings;
  return r;
}

// What scripts/mount_path.sh says of the path.
struct PathState {
  bool exists = false;
  bool ismount = false;
};

Result<PathState> ParsePathState(const ReadResult& read, const std::string& name) {
  if (!read.status.ok()) return read.status.WithContext("read what is at " + name);
  PathState p;
  int seen = 0;
  for (const std::string& line : SplitLinesKeepEnds(read.exec.stdout_data)) {
    const std::string body(LineBody(line));
    if (body == "exists yes" || body == "exists no") {
      p.exists = body == "exists yes";
      ++seen;
    } else if (body == "ismount yes" || body == "ismount no") {
      p.ismount = body == "ismount yes";
      ++seen;
    }
  }
  if (read.exec.exit_code != 0 || seen != 2) {
    return Status::Error(fmt::format("read what is at {}: unexpected answer (exit code {}): {}",
                                     name, read.exec.exit_code,
                                     Trim(read.exec.stdout_data + read.exec.stderr_data)));
  }
  return p;
}

// Ansible's is_bind_mounted on Linux: something is mounted at `dest`, from
// `src` when given.
bool BindMounted(const std::map<std::string, LinuxMount>& mounts, const std::string& dest,
                 const std::optional<std::string>& src) {
  const auto it = mounts.find(dest);
  if (it == mounts.end()) return false;
  return !src || it->second.src == *src;
}

// Ansible's _is_same_mount_src for ephemeral, `mount -v`'s "SRC on DEST"
// read from mountinfo's source and mount point.
bool SameMountSrc(const std::map<std::string, LinuxMount>& mounts, const PathState& path,
                  const MountArgs& a) {
  if (!path.ismount && !BindMounted(mounts, a.name, std::nullopt)) return false;
  if (BindMounted(mounts, a.name, a.src)) return true;
  for (const auto& [dst, m] : mounts) {
    if (dst == a.name && m.source == a.src) return true;
  }
  return false;
}

struct MountProbed {
  std::optional<std::string> fstab;  // the fstab as read (nullopt: missing)
  std::map<std::string, LinuxMount> mounts;
  PathState path;
};

// The arguments of `mount` after its options: -T FSTAB for another fstab,
// or ephemeral's -t FSTYPE [-o OPTS], then "--" and ephemeral's src.
std::vector<std::string> MountArgv(const MountArgs& a) {
  std::vector<std::string> argv;
  if (a.state == "ephemeral") {
    argv = {"-t", a.fstype.value_or("")};
    if (a.opts != "defaults") {
      argv.push_back("-o");
      argv.push_back(a.opts);
    }
    argv.push_back("--");
    argv.push_back(a.src.value_or(""));
    return argv;
  }
  if (a.fstab != kDefaultFstab) argv = {"-T", a.fstab};
  argv.push_back("--");
  return argv;
}

// scripts/mount_apply.sh OP NAME ARGS...
Action ApplyAction(const std::string& op, const MountArgs& a, std::vector<std::string> args) {
  std::vector<std::string> argv = {"/bin/sh", "-c", scripts::kMountApply, "sh", op, a.name};
  argv.insert(argv.end(), args.begin(), args.end());
  return ExecAction(std::move(argv));
}

// mount_apply.sh mount|remount|remounted: `restore` is the fstab's old
// content when this task writes it.
Action MountAction(const std::string& op, const MountArgs& a, bool mkdir,
                   const std::optional<std::string>& restore) {
  std::string ropts = "remount";
  if (op == "remounted" && a.opts != "defaults") ropts += "," + a.opts;
  std::vector<std::string> args = {a.fstab, restore ? "1" : "0", mkdir ? "1" : "0", ropts};
  for (std::string& arg : MountArgv(a)) args.push_back(std::move(arg));
  Action action = ApplyAction(op, a, std::move(args));
  if (restore) action.stdin_data = *restore;
  return action;
}

// What Plan gathers before it becomes the Change.
struct MountDraft {
  Change change;
  std::vector<std::string> what;
  bool runs_script = false;
};

void AddWrite(const MountArgs& a, const std::optional<std::string>& before, const FstabEdit& edit,
              MountDraft* d) {
  if (!before) {
    Action mkdir;
    mkdir.kind = Action::Kind::kMakeDirectory;
    mkdir.path = Parent(a.fstab);
    d->change.actions.push_back(std::move(mkdir));
  }
  Action write = WriteFileAction(a.fstab, edit.after);
  write.backup = a.backup;
  d->change.actions.push_back(std::move(write));
  d->change.diff = FileDiff(a.fstab, before, edit.after);
}

void AddScript(Action action, std::string what, MountDraft* d) {
  d->change.actions.push_back(std::move(action));
  d->what.push_back(std::move(what));
  d->runs_script = true;
}

// mounted and ephemeral.
Result<MountDraft> PlanMounted(const MountArgs& a, const MountProbed& p) {
  MountDraft d;
  const bool ephemeral = a.state == "ephemeral";
  FstabEdit edit;
  if (!ephemeral) {
    edit = SetMountLine(p.fstab.value_or(""), a);
    if (edit.changed) {
      AddWrite(a, p.fstab, edit, &d);
      d.what.push_back(fmt::format("set {}'s line in {}", a.name, a.fstab));
    }
  }
  const std::optional<std::string> restore =
      edit.changed ? std::optional<std::string>(edit.restore) : std::nullopt;
  const bool mkdir = !p.path.exists;
  const bool mounted = p.path.ismount || BindMounted(p.mounts, a.name, a.src);
  d.change.changed = edit.changed;
  if (!mounted) {
    AddScript(MountAction("mount", a, mkdir, restore), "mount " + a.name, &d);
    d.change.changed = true;
  } else if (ephemeral) {
    if (!SameMountSrc(p.mounts, p.path, a)) {
      return Status::Error(
          "Ephemeral mount point is already mounted with a different source than the "
          "specified one. Failing in order to prevent an unwanted unmount or override "
          "operation. Try replacing this command with a \"state: unmounted\" followed by a "
          "\"state: ephemeral\", or use a different destination path.");
    }
    AddScript(MountAction("remount", a, mkdir, std::nullopt), "remount " + a.name, &d);
    d.change.changed = true;
  } else if (edit.changed) {
    AddScript(MountAction("remount", a, mkdir, restore), "remount " + a.name, &d);
  }
  return d;
}

Result<MountDraft> PlanMountState(const MountArgs& a, const MountProbed& p) {
  MountDraft d;
  const std::string content = p.fstab.value_or("");
  if (a.state == "present") {
    const FstabEdit edit = SetMountLine(content, a);
    d.change.changed = edit.changed;
    if (edit.changed) {
      AddWrite(a, p.fstab, edit, &d);
      d.what.push_back(fmt::format("set {}'s line in {}", a.name, a.fstab));
    }
  } else if (a.state == "absent" || a.state == "absent_from_fstab") {
    const FstabEdit edit = UnsetMountLine(content, a);
    d.change.changed = edit.changed;
    if (!edit.changed) return d;
    AddWrite(a, p.fstab, edit, &d);
    d.what.push_back(fmt::format("remove {}'s line from {}", a.name, a.fstab));
    if (a.state == "absent") {
      const bool umount = p.path.ismount || BindMounted(p.mounts, a.name, std::nullopt);
      if (umount || p.path.exists) {
        AddScript(ApplyAction("absent", a, {umount ? "1" : "0", p.path.exists ? "1" : "0"}),
                  (umount ? "unmount and remove " : "remove ") + a.name, &d);
      }
    }
  } else if (a.state == "unmounted") {
    if (p.path.ismount || BindMounted(p.mounts, a.name, std::nullopt)) {
      d.change.changed = true;
      AddScript(ApplyAction("umount", a, {}), "unmount " + a.name, &d);
    }
  } else if (a.state == "remounted") {
    d.change.changed = true;
    AddScript(MountAction("remounted", a, false, std::nullopt), "remount " + a.name, &d);
  } else {
    return PlanMounted(a, p);
  }
  return d;
}

// Reads the probe's answers, in Probe's order.
Result<MountProbed> ReadMountProbe(const MountArgs& a, const std::vector<ReadResult>& reads) {
  MountProbed p;
  size_t at = 0;
  const size_t want = (NeedsFstab(a.state) ? 1 : 0) + (NeedsMounts(a.state) ? 2 : 0);
  if (reads.size() < want) return Status::Error("internal error: mount planned without its reads");
  if (NeedsFstab(a.state)) {
    const ReadResult& r = reads[at++];
    if (!r.status.ok()) return r.status.WithContext("read " + a.fstab);
    if (r.content) {
      if (FindInvalidUtf8(*r.content) != std::string::npos) {
        return Status::Error(fmt::format(
            "{} is not UTF-8 text: hostprep does not edit it (Ansible's module fails on it too)",
            a.fstab));
      }
      p.fstab = UniversalNewlines(*r.content);
    }
  }
  if (NeedsMounts(a.state)) {
    const ReadResult& r = reads[at++];
    if (!r.status.ok()) return r.status.WithContext(std::string("read ") + kMountInfo);
    if (!r.content) {
      return Status::Error(
          "read /proc/self/mountinfo: it does not exist: is /proc mounted on the target?");
    }
    Result<std::map<std::string, LinuxMount>> mounts = ParseLinuxMounts(*r.content);
    if (!mounts.ok()) return mounts.status();
    p.mounts = std::move(*mounts);
    Result<PathState> path = ParsePathState(reads[at++], a.name);
    if (!path.ok()) return path.status();
    p.path = *path;
  }
  return p;
}

// A value that Ansible's `path` type would expand on the target.
bool Expands(const std::string& s) {
  if (StartsWith(s, "~")) return true;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const char c = s[i + 1];
    if (s[i] == '$' && (c == '{' || c == '_' || std::isalpha(static_cast<unsigned char>(c)))) {
      return true;
    }
  }
  return false;
}

}  // namespace

MountArgs ResolveMountArgs(const Value& args) {
  MountArgs a;
  a.state = StringArg(args, "state");
  a.name = StringArg(args, "path");
  a.src = OptArg(args, "src");
  a.fstype = OptArg(args, "fstype");
  if (std::optional<std::string> v = OptArg(args, "opts")) a.opts = *v;
  if (std::optional<std::string> v = OptArg(args, "dump")) a.dump = *v;
  if (std::optional<std::string> v = OptArg(args, "passno")) a.passno = *v;
  if (std::optional<std::string> v = OptArg(args, "fstab")) a.fstab = *v;
  a.backup = BoolArg(args, "backup", false);
  // Ansible's boot handling: noauto in opts wins over boot (with a warning
  // whatever boot is), and boot: false adds noauto unless opts holds
  // defaults.
  const std::vector<std::string> opts = Split(a.opts, ',');
  const auto has = [&](const char* o) {
    return std::find(opts.begin(), opts.end(), o) != opts.end();
  };
  if (has("noauto")) {
    a.warnings.push_back("Ignore the 'boot' due to 'opts' contains 'noauto'.");
  } else if (!BoolArg(args, "boot", true)) {
    a.boot = "no";
    if (has("defaults")) {
      a.warnings.push_back("Ignore the 'boot' due to 'opts' contains 'defaults'.");
    } else {
      a.opts += ",noauto";
    }
  }
  return a;
}

FstabEdit SetMountLine(const std::string& fstab, const MountArgs& a) {
  FstabEdit edit;
  const FstabEntry want{EscapeFstabField(a.src.value_or("")),
                        EscapeFstabField(a.name),
                        EscapeFstabField(a.fstype.value_or("")),
                        EscapeFstabField(a.opts),
                        EscapeFstabField(a.dump),
                        EscapeFstabField(a.passno)};
  bool exists = false;
  for (FstabLine& line : ReadFstab(fstab)) {
    if (!EndsWith(line.text, "\n")) line.text += "\n";
    edit.restore += line.text;
    if (!line.entry() || line.fields.size() < 4 || line.fields.size() > 6) {
      edit.after += line.text;
      continue;
    }
    FstabEntry e = EntryOf(line.fields);
    if (OtherLine(e, a)) {
      edit.after += line.text;
      continue;
    }
    exists = true;
    const auto update = [&](auto& field, const auto& value) {
      if (field != value) {
        field = value;
        edit.changed = true;
      }
    };
    update(e.src, want.src);
    update(e.fstype, want.fstype);
    update(e.opts, want.opts);
    update(e.dump, want.dump);
    update(e.passno, want.passno);
    // Once anything changed, Ansible writes every later matching line anew.
    edit.after += edit.changed ? LineOf(e) : line.text;
  }
  if (!exists) {
    edit.after += LineOf(want);
    edit.changed = true;
  }
  return edit;
}

FstabEdit UnsetMountLine(const std::string& fstab, const MountArgs& a) {
  FstabEdit edit;
  for (const FstabLine& line : ReadFstab(fstab)) {
    edit.restore += line.text;
    if (!line.entry() || line.fields.size() != 6 || OtherLine(EntryOf(line.fields), a)) {
      edit.after += line.text;
    } else {
      edit.changed = true;
    }
  }
  return edit;
}

Result<std::map<std::string, LinuxMount>> ParseLinuxMounts(const std::string& mountinfo) {
  struct Record {
    long id, parent;
    std::string root, dst, opts, fs, src;
  };
  std::vector<Record> records;
  std::map<long, size_t> by_id;
  for (const std::string& line : SplitLinesKeepEnds(mountinfo)) {
    const std::vector<std::string> f = PySplit(line);
    if (f.empty()) continue;
    char* end1 = nullptr;
    char* end2 = nullptr;
    const long id = f.size() >= 6 ? std::strtol(f[0].c_str(), &end1, 10) : 0;
    const long parent = f.size() >= 6 ? std::strtol(f[1].c_str(), &end2, 10) : 0;
    if (f.size() < 6 || end1 == f[0].c_str() || *end1 != '\0' || end2 == f[1].c_str() ||
        *end2 != '\0') {
      return Status::Error(
          fmt::format("read {}: a line it cannot read: {}", kMountInfo, Quoted(LineBody(line))));
    }
    by_id[id] = records.size();
    // Decoded, unlike Ansible's module, which compares "/mnt/a\040b" with
    // "/mnt/a b", finds a bind mount there never mounted and mounts it again
    // on every run.
    records.push_back({id, parent, DecodeOctal(f[3]), DecodeOctal(f[4]), f[5],
                       DecodeOctal(f[f.size() - 3]), DecodeOctal(f[f.size() - 2])});
  }
  // As get_linux_mounts: a mount below another gets, as its src, the path
  // its root stands for under the parent's mount point. The roots it
  // rewrites are what later children see, in file order.
  std::map<std::string, LinuxMount> mounts;
  for (Record& m : records) {
    std::string src = m.src;
    const auto parent = by_id.find(m.parent);
    if (m.parent != 1 && parent != by_id.end()) {
      const Record& p = records[parent->second];
      if (p.root.size() > 1 && StartsWith(m.root, p.root + "/"))
        m.root = m.root.substr(p.root.size());
      if (p.dst != "/") m.root = p.dst + m.root;
      src = m.root;
    }
    mounts[m.dst] = {m.dst, src, m.opts, m.fs, m.src};
  }
  return mounts;
}

MountModule::MountModule() : spec_(MountSpec()) {}

void MountModule::Validate(const Value& args, bool templates_pending,
                           std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (ArgReady(args, "state")) {
    const std::string state = StringArg(args, "state");
    if (state == "mounted" || state == "present" || state == "ephemeral") {
      std::vector<std::string> missing;
      for (const char* key : {"src", "fstype"}) {
        if (!args.contains(key) || args[key].is_null()) missing.push_back(key);
      }
      if (!missing.empty()) {
        errors->push_back({"state", fmt::format("state is {} but all of the following are "
                                                "missing: {}",
                                                state, fmt::join(missing, ", "))});
      }
    }
  }
  for (const char* key : {"path", "src"}) {
    if (ArgReady(args, key) && Expands(StringArg(args, key))) {
      errors->push_back(
          {key, fmt::format("{} would be expanded on the target by Ansible ('~' or an "
                            "environment variable): hostprep does not expand it; write the "
                            "path out",
                            Quoted(StringArg(args, key)))});
    }
  }
  for (const char* key : {"path", "src", "fstype", "opts", "dump", "passno"}) {
    if (!ArgReady(args, key)) continue;
    const std::string value = StringArg(args, key);
    std::string problem = LineBreakProblem(value);
    if (problem.empty() && value.find('\t') != std::string::npos) problem = "a tab";
    if (problem.empty() && value.empty()) problem = "nothing (an empty field)";
    if (!problem.empty()) {
      errors->push_back({key, fmt::format("{} holds {}, which would break its fstab line: give "
                                          "a value without it",
                                          Quoted(value), problem)});
    }
  }
}

std::vector<Read> MountModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const MountArgs a = ResolveMountArgs(args);
  std::vector<Read> reads;
  if (NeedsFstab(a.state)) reads.push_back(Read::File(a.fstab));
  if (NeedsMounts(a.state)) {
    reads.push_back(Read::File(kMountInfo));
    reads.push_back(Read::Query({"/bin/sh", "-c", scripts::kMountPath, "sh", a.name}));
  }
  return reads;
}

Result<Change> MountModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                 const Value& facts) const {
  (void)facts;
  const MountArgs a = ResolveMountArgs(args);
  Result<MountProbed> probed = ReadMountProbe(a, reads);
  if (!probed.ok()) return probed.status();
  Result<MountDraft> draft = PlanMountState(a, *probed);
  if (!draft.ok()) return draft.status();
  Change change = std::move(draft->change);
  change.result = ResultOf(a);
  change.command_output = false;
  if (draft->runs_script) {
    change.reports = true;
    change.predictable = true;
  }
  if (change.changed && !draft->what.empty()) {
    change.message = fmt::format("would {}", fmt::join(draft->what, ", "));
  }
  return change;
}

Result<Change> MountModule::Report(const Value& args, const ExecResult& output) const {
  (void)args;
  Change change;
  const std::string& out = output.stdout_data;
  if (output.exit_code == 0 && out == "ok\n") {
    change.changed = true;
    return change;
  }
  // A failure leaves the task unchanged, as Ansible's fail_json does.
  change.failed = true;
  if (output.exit_code == 0 && StartsWith(out, "failed\n")) {
    change.message = out.substr(7);
  } else {
    change.message = fmt::format("the mount script gave no answer (exit code {}): {}",
                                 output.exit_code, Trim(out + output.stderr_data));
  }
  return change;
}

Resources MountModule::Declare(const Value& args) const {
  Resources r;
  if (ArgReady(args, "fstab")) r.needs.push_back("path:" + StringArg(args, "fstab"));
  if (!args.contains("fstab") || args["fstab"].is_null()) {
    r.needs.push_back(std::string("path:") + kDefaultFstab);
  }
  if (ArgReady(args, "path") && StartsWith(StringArg(args, "path"), "/")) {
    r.needs.push_back("path:" + StringArg(args, "path"));
  }
  return r;
}

}  // namespace hostprep::modules
