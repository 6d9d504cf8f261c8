#include "modules/file_plan.h"

#include <fmt/format.h>

#include "engine/base/text.h"
#include "engine/base/unified_diff.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

// Bigger contents are written but not shown: a diff of them helps nobody.
constexpr size_t kMaxDiffBytes = 1 << 20;

}  // namespace

std::string FileTypeName(FileType type) {
  switch (type) {
    case FileType::kMissing:
      return "absent";
    case FileType::kFile:
      return "file";
    case FileType::kDirectory:
      return "directory";
    case FileType::kSymlink:
      return "link";
    case FileType::kOther:
      return "special file";
  }
  return "unknown";
}

bool IsNumericId(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

Ids IdsOf(const FileInfo& info) {
  if (!info.exists()) return {};
  return {std::to_string(info.uid), std::to_string(info.gid)};
}

// Whether the owner or group `have` (a name, or a number for an unknown
// one; `id` its number when known) differs from `want` (a name or number).
bool Differs(const std::string& want, const std::string& have, const std::string& id) {
  if (want.empty() || want == have) return false;
  return !(IsNumericId(want) && want == id);
}

void AddLine(Draft* d, const std::string& field, const std::string& text) {
  d->fields.push_back(field);
  d->lines.push_back(field + ": " + text);
}

void StateLine(Draft* d, FileType from, const std::string& to) {
  AddLine(d, "state", FileTypeName(from) + " -> " + to);
}

// Attribute lines for a path that exists: only what differs.
void CompareAttrs(const FileInfo& have, const Ids& ids, const Attrs& want, Draft* d) {
  if (want.mode && *want.mode != have.mode) {
    AddLine(d, "mode", FormatMode(have.mode) + " -> " + FormatMode(*want.mode));
  }
  if (Differs(want.owner, have.owner, ids.uid)) {
    AddLine(d, "owner", have.owner + " -> " + want.owner);
  }
  if (Differs(want.group, have.group, ids.gid)) {
    AddLine(d, "group", have.group + " -> " + want.group);
  }
}

// Attribute lines for a path being created: what was asked for.
void NewAttrs(const Attrs& want, Draft* d) {
  if (want.mode) AddLine(d, "mode", FormatMode(*want.mode));
  if (!want.owner.empty()) AddLine(d, "owner", want.owner);
  if (!want.group.empty()) AddLine(d, "group", want.group);
}

void ContentDiff(const std::string& before, const std::string& after, Draft* d) {
  d->fields.push_back("content");
  const std::string before_label = "before: " + d->path;
  const std::string after_label = "after: " + d->path;
  const bool binary =
      before.find('\0') != std::string::npos || after.find('\0') != std::string::npos;
  if (binary || before.size() > kMaxDiffBytes || after.size() > kMaxDiffBytes) {
    d->content_diff = fmt::format("--- {}\n+++ {}\ndiff skipped: {}\n", before_label, after_label,
                                  binary ? "the content is binary" : "the content is over 1 MiB");
    return;
  }
  d->content_diff = UnifiedDiff(before, after, before_label, after_label);
}

Action MakeAction(Action::Kind kind, const std::string& path, const Attrs& attrs) {
  Action a;
  a.kind = kind;
  a.path = path;
  a.mode = attrs.mode;
  a.owner = attrs.owner;
  a.group = attrs.group;
  return a;
}

Change Finish(Draft d, const std::string& state, const FileInfo& final_info) {
  Change change;
  change.changed = !d.actions.empty();
  change.actions = std::move(d.actions);
  if (!d.content_diff.empty() || !d.lines.empty()) {
    change.diff = d.content_diff.empty()
                      ? fmt::format("--- before: {}\n+++ after: {}\n", d.path, d.path)
                      : d.content_diff;
    for (const std::string& line : d.lines) change.diff += line + "\n";
  }
  if (change.changed) {
    change.message = d.verb.empty()
                         ? fmt::format("would change {}: {}", d.path, fmt::join(d.fields, ", "))
                         : fmt::format("would {} {}", d.verb, d.path);
  }
  change.result["path"] = d.path;
  change.result["state"] = state;
  if (final_info.exists() && state != "absent" && state != "link") {
    change.result["mode"] = FormatMode(final_info.mode);
    change.result["owner"] = final_info.owner;
    change.result["group"] = final_info.group;
  }
  change.result["changed_fields"] = d.fields;
  return change;
}

// The attributes a path will have after the change, for the result.
FileInfo After(FileInfo info, const Attrs& want) {
  if (want.mode) info.mode = *want.mode;
  if (!want.owner.empty()) info.owner = want.owner;
  if (!want.group.empty()) info.group = want.group;
  return info;
}

// Everything Plan knows, with a symlink at `path` already followed.

std::vector<ArgDef> WriteArgs() {
  return {
      {"backup",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Keep the replaced file as PATH.<timestamp>~ (registered as backup_file)."},
      {"validate",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A command that checks the new content before it replaces the file; %s is the path "
       "of the new content. Split on whitespace and run without a shell."},
      {"mode",
       ArgType::kMode,
       false,
       nullptr,
       {},
       {},
       "Permission bits ('0644', quoted, or 'u=rw,g=r,o=r'). A new file gets 0644 and a "
       "replaced one keeps its mode when this is not given."},
      {"owner", ArgType::kString, false, nullptr, {}, {}, "The owning user (name or id)."},
      {"group", ArgType::kString, false, nullptr, {}, {}, "The owning group (name or id)."},
      {"unsafe_writes",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Accepted for Ansible's playbooks; the write is always atomic."},
  };
}

void ValidateWriteArgs(const Value& args, const char* path_key, std::vector<ArgError>* errors) {
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  if (ready(path_key) &&
      !(args[path_key].is_string() && StartsWith(args[path_key].get<std::string>(), "/"))) {
    errors->push_back(
        {path_key, fmt::format("argument '{}' must be an absolute path, not {}", path_key,
                               Quoted(args[path_key].is_string() ? args[path_key].get<std::string>()
                                                                 : args[path_key].dump()))});
  }
  if (ready("validate") && !(args["validate"].is_string() &&
                             args["validate"].get<std::string>().find("%s") != std::string::npos)) {
    errors->push_back(
        {"validate", "argument 'validate' must contain %s, the path of the new content"});
  }
}

Attrs AttrsFrom(const Value& args) {
  Attrs want;
  if (args.contains("mode") && args["mode"].is_number_integer()) {
    want.mode = args["mode"].get<unsigned>();
  }
  if (args.contains("owner") && args["owner"].is_string()) want.owner = args["owner"];
  if (args.contains("group") && args["group"].is_string()) want.group = args["group"];
  return want;
}

bool ChangesAttrs(const Change& change) {
  if (!change.result.contains("changed_fields")) return false;
  for (const Value& field : change.result["changed_fields"]) {
    if (field == "mode" || field == "owner" || field == "group") return true;
  }
  return false;
}

std::string EditMessage(std::string msg, bool attrs) {
  if (!attrs) return msg;
  return msg + (msg.empty() ? "" : " and ") + "ownership, perms or SE linux context changed";
}

Result<Followed> FollowLink(const std::string& what, const std::string& path, const FileInfo& lstat,
                            const std::vector<ReadResult>& reads, size_t probed) {
  if (lstat.type != FileType::kSymlink) return Followed{path, lstat, {}};
  std::string real_path = lstat.link_target;
  if (!StartsWith(real_path, "/")) {
    const std::string dir = Parent(path);
    real_path = dir == "/" ? "/" + real_path : dir + "/" + real_path;
  }
  if (reads.size() <= probed) return Followed{real_path, lstat, {Read::Stat(real_path)}};
  const ReadResult& target = reads[probed];
  if (!target.status.ok()) return target.status;
  if (target.stat.type == FileType::kSymlink) {
    return Status::Error(
        fmt::format("{} {} is a link to another link ({}): give the final path instead", what, path,
                    real_path));
  }
  return Followed{real_path, target.stat, {}};
}

std::vector<std::string> ValidateArgv(const std::string& command) {
  std::vector<std::string> argv;
  for (const std::string& word : PySplit(command)) argv.push_back(word);
  return argv;
}

Result<Change> PlanContent(const ContentTarget& target, const ContentWrite& write) {
  if (target.real.type == FileType::kDirectory || target.real.type == FileType::kOther) {
    return Status::Error(fmt::format("cannot write file {}: it is a {}", target.path,
                                     FileTypeName(target.real.type)));
  }
  Draft d{target.path};
  Action action = MakeAction(Action::Kind::kWriteFile, target.path, write.want);
  action.content = write.content;
  action.validate_argv = write.validate_argv;
  if (!target.real.exists()) {
    ContentDiff("", write.content, &d);
    StateLine(&d, FileType::kMissing, "file");
    NewAttrs(write.want, &d);
    d.actions.push_back(action);
    d.verb = "create file";
    return Finish(d, "file",
                  After({FileType::kFile, 0644, "", "", write.content.size(), ""}, write.want));
  }
  if (target.old == nullptr) {
    return Status::Error(fmt::format("internal error: no content read for {}", target.path));
  }
  if (!target.old->status.ok()) return target.old->status;
  const std::string before = target.old->content.value_or("");
  const bool differs = before != write.content;
  if (differs) ContentDiff(before, write.content, &d);
  CompareAttrs(target.real, target.ids, write.want, &d);
  if (differs) {
    action.backup = write.backup;
    d.actions.push_back(action);
  } else if (!d.fields.empty()) {
    d.actions.push_back(MakeAction(Action::Kind::kSetAttributes, target.real_path, write.want));
  }
  FileInfo after = After(target.real, write.want);
  after.size = write.content.size();
  return Finish(d, "file", after);
}

}  // namespace hostprep::modules
