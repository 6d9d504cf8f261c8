#include "modules/file.h"

#include <fmt/format.h>

#include <optional>

#include "engine/base/text.h"
#include "modules/file_plan.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec FileSpec() {
  ArgSpec spec;
  spec.name = "file";
  spec.ansible_names = {"ansible.builtin.file", "ansible.legacy.file"};
  spec.summary = "manage a file, directory or symlink, its content and attributes";
  spec.description =
      "Makes `path` a file with the given content, a directory, a symlink, or absent, and "
      "sets its mode, owner and group. Content comes from `content`, from a file on the "
      "controller (`src`, relative to the playbook's directory) or from a template rendered "
      "with the task's variables (`template`). Files are written atomically: a temp file in "
      "the same directory, validated, synced and renamed over the old one, so a failure "
      "leaves the old file as it was. A symlink at `path` is written through to its target.";
  spec.args = {
      {"path",
       ArgType::kString,
       true,
       nullptr,
       {},
       {"dest", "name"},
       "The absolute path to manage."},
      {"state",
       ArgType::kString,
       false,
       nullptr,
       {"file", "directory", "absent", "link", "touch"},
       {},
       "file (default), directory, absent, link (to `src`) or touch."},
      {"content", ArgType::kString, false, nullptr, {}, {}, "The exact content of the file."},
      {"src",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "With state link: the link target. Otherwise: a file on the controller, relative to "
       "the playbook's directory, whose content is copied."},
      {"template",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A template on the controller, rendered with the task's variables."},
      {"force",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "With state link: replace a regular file at `path` with the link."},
  };
  for (ArgDef& def : WriteArgs()) spec.args.push_back(std::move(def));
  spec.mutually_exclusive = {{"content", "src", "template"}};
  spec.examples =
      "- name: containerd drop-in\n"
      "  file:\n"
      "    path: /etc/systemd/system/containerd.service.d/limits.conf\n"
      "    content: |\n"
      "      [Service]\n"
      "      LimitNOFILE=1048576\n"
      "    mode: '0644'\n"
      "- name: sudoers entry, checked before it is installed\n"
      "  file: {path: /etc/sudoers.d/deploy, src: files/deploy.sudoers, mode: '0440',\n"
      "         validate: visudo -cf %s}\n"
      "- name: data directory\n"
      "  file: {path: /var/lib/app, state: directory, owner: app, mode: '0750'}\n";
  spec.notes =
      "Differences from Ansible: `validate` is split on whitespace and run without a shell "
      "(no quoting, pipes or variables). `path` must be absolute. For a missing path "
      "without content the default state is an error, as in Ansible; use state: touch to "
      "create an empty file. mode, owner and group are not used with state link or absent. "
      "--diff shows the content diff and the attribute changes in one block; binary "
      "content and content over 1 MiB are not shown. Check mode reports exactly what a run "
      "would change.";
  return spec;
}

std::string CleanPath(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string StateOf(const Value& args) { return args.value("state", std::string("file")); }

bool HasContentSource(const Value& args) {
  return args.contains("content") || args.contains("template") ||
         (args.contains("src") && StateOf(args) != "link");
}

struct Input {
  const Value& args;
  const std::vector<ReadResult>& reads;
  std::string path;
  std::string state;
  Attrs want;
  FileInfo lstat;  // `path` itself
  FileInfo real;   // what it resolves to (== lstat unless a symlink)
  std::string real_path;
  size_t content_index;  // reads[] of the target's content, when compared
  size_t local_index;    // reads[] of src/template, when read
  Ids ids = {};          // of what `path` resolves to
};

Result<std::string> DesiredContent(const Input& in) {
  if (in.args.contains("content")) return StringArg(in.args, "content");
  const ReadResult& local = in.reads[in.local_index];
  const char* key = in.args.contains("template") ? "template" : "src";
  if (!local.status.ok()) return local.status;
  if (!local.content) {
    return Status::Error(
        fmt::format("{} '{}' does not exist on the controller", key, StringArg(in.args, key)));
  }
  return *local.content;
}

Result<Change> PlanFileContent(const Input& in) {
  Result<std::string> content = DesiredContent(in);
  if (!content.ok()) return content.status();
  ContentWrite write{std::move(*content), in.want, in.args.value("backup", false),
                     ValidateArgv(StringArg(in.args, "validate"))};
  const ContentTarget target{in.path, in.real_path, in.real, in.ids,
                             in.real.exists() ? &in.reads[in.content_index] : nullptr};
  return PlanContent(target, write);
}

Result<Change> PlanAttributesOnly(const Input& in) {
  if (!in.real.exists()) {
    return Status::Error(fmt::format(
        "file {} does not exist (use state: touch to create it, or give content)", in.path));
  }
  const bool is_dir = in.real.type == FileType::kDirectory;
  if (is_dir && in.args.contains("state")) {
    return Status::Error(
        fmt::format("path {} is a directory, not a file (use state: directory)", in.path));
  }
  Draft d{in.path};
  CompareAttrs(in.real, in.ids, in.want, &d);
  if (!d.fields.empty()) {
    d.actions.push_back(MakeAction(Action::Kind::kSetAttributes, in.real_path, in.want));
  }
  return Finish(d, is_dir ? "directory" : "file", After(in.real, in.want));
}

Result<Change> PlanDirectory(const Input& in) {
  Draft d{in.path};
  if (!in.real.exists()) {
    StateLine(&d, FileType::kMissing, "directory");
    NewAttrs(in.want, &d);
    d.actions.push_back(MakeAction(Action::Kind::kMakeDirectory, in.path, in.want));
    d.verb = "create directory";
    return Finish(d, "directory", After({FileType::kDirectory, 0755, "", "", 0, ""}, in.want));
  }
  if (in.real.type != FileType::kDirectory) {
    return Status::Error(fmt::format("path {} exists and is a {}, not a directory", in.path,
                                     FileTypeName(in.real.type)));
  }
  CompareAttrs(in.real, in.ids, in.want, &d);
  if (!d.fields.empty()) {
    d.actions.push_back(MakeAction(Action::Kind::kSetAttributes, in.real_path, in.want));
  }
  return Finish(d, "directory", After(in.real, in.want));
}

Result<Change> PlanAbsent(const Input& in) {
  Draft d{in.path};
  if (in.lstat.exists()) {
    StateLine(&d, in.lstat.type, "absent");
    d.actions.push_back(MakeAction(Action::Kind::kRemove, in.path, {}));
    d.verb = "remove";
  }
  return Finish(d, "absent", FileInfo{});
}

Result<Change> PlanLink(const Input& in) {
  const std::string src = StringArg(in.args, "src");
  Draft d{in.path};
  Action link = MakeAction(Action::Kind::kSymlink, in.path, {});
  link.target = src;
  switch (in.lstat.type) {
    case FileType::kMissing:
      StateLine(&d, FileType::kMissing, "link");
      AddLine(&d, "target", src);
      d.verb = "create link";
      break;
    case FileType::kSymlink:
      if (in.lstat.link_target != src) AddLine(&d, "target", in.lstat.link_target + " -> " + src);
      break;
    case FileType::kDirectory:
      return Status::Error(fmt::format(
          "path {} is a directory: remove it first (state: absent) to put a link there", in.path));
    default:
      if (!in.args.value("force", false)) {
        return Status::Error(
            fmt::format("path {} exists and is a {}: set force: true to replace it with a link",
                        in.path, FileTypeName(in.lstat.type)));
      }
      StateLine(&d, in.lstat.type, "link");
      AddLine(&d, "target", src);
      d.verb = "replace with a link";
  }
  if (!d.fields.empty()) d.actions.push_back(link);
  Change change = Finish(d, "link", FileInfo{});
  change.result["target"] = src;
  return change;
}

Result<Change> PlanTouch(const Input& in) {
  Draft d{in.path};
  Action touch = MakeAction(Action::Kind::kTouch, in.path, {});
  if (!in.real.exists()) {
    StateLine(&d, FileType::kMissing, "file");
    NewAttrs(in.want, &d);
    d.verb = "create file";
    d.actions.push_back(touch);
    if (in.want.any()) {
      d.actions.push_back(MakeAction(Action::Kind::kSetAttributes, in.path, in.want));
    }
    return Finish(d, "file", After({FileType::kFile, 0644, "", "", 0, ""}, in.want));
  }
  // Touching an existing path updates its times: a change, as in Ansible.
  CompareAttrs(in.real, in.ids, in.want, &d);
  d.actions.push_back(touch);
  if (!d.fields.empty()) {
    d.actions.push_back(MakeAction(Action::Kind::kSetAttributes, in.real_path, in.want));
  }
  d.fields.insert(d.fields.begin(), "times");
  d.verb = "touch";
  return Finish(d, in.real.type == FileType::kDirectory ? "directory" : "file",
                After(in.real, in.want));
}

}  // namespace

FileModule::FileModule() : spec_(FileSpec()) {}

void FileModule::Validate(const Value& args, bool templates_pending,
                          std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  if (ready("path") && !StartsWith(StringArg(args, "path"), "/")) {
    errors->push_back({"path", fmt::format("argument 'path' must be an absolute path, not {}",
                                           Quoted(StringArg(args, "path")))});
  }
  if (args.contains("state") && IsPendingTemplate(args["state"])) return;
  const std::string state = StateOf(args);
  if (state == "absent" && ready("path") && CleanPath(StringArg(args, "path")) == "/") {
    errors->push_back({"path", "refusing to remove /"});
  }
  if (state == "link" && !args.contains("src")) {
    errors->push_back({"src", "state: link needs 'src', the path the link points to"});
  }
  for (const char* key : {"content", "src", "template"}) {
    if (!args.contains(key) || (state == "link" && std::string(key) == "src")) continue;
    if (state != "file") {
      errors->push_back({key, fmt::format("argument '{}' is only used with state: file{}", key,
                                          state == "link" ? " (the link target is 'src')" : "")});
    }
  }
  if (state == "link" || state == "absent") {
    for (const char* key : {"mode", "owner", "group"}) {
      if (args.contains(key)) {
        errors->push_back(
            {key, fmt::format("argument '{}' is not used with state: {}", key, state)});
      }
    }
  }
  if (args.contains("validate")) {
    if (!HasContentSource(args)) {
      errors->push_back(
          {"validate", "argument 'validate' is only used with content, src or template"});
    } else if (ready("validate") && StringArg(args, "validate").find("%s") == std::string::npos) {
      errors->push_back(
          {"validate", "argument 'validate' must contain %s, the path of the new content"});
    }
  }
}

std::vector<Read> FileModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string path = CleanPath(StringArg(args, "path"));
  std::vector<Read> reads = {Read::Stat(path)};
  if (StateOf(args) == "file" && HasContentSource(args)) {
    reads.push_back(Read::File(path));
    if (args.contains("template")) reads.push_back(Read::Local(StringArg(args, "template"), true));
    if (args.contains("src")) reads.push_back(Read::Local(StringArg(args, "src"), false));
  }
  return reads;
}

Result<Change> FileModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                const Value& facts) const {
  const size_t probed = Probe(args, facts).size();
  if (reads.size() < probed) {
    return Status::Error(
        fmt::format("internal error: file got {} reads for {}", reads.size(), probed));
  }
  if (!reads[0].status.ok()) return reads[0].status;
  Input in{args,
           reads,
           CleanPath(StringArg(args, "path")),
           StateOf(args),
           {},
           reads[0].stat,
           reads[0].stat,
           "",
           1,
           2};
  in.real_path = in.path;
  if (args.contains("mode")) in.want.mode = args["mode"].get<unsigned>();
  in.want.owner = StringArg(args, "owner");
  in.want.group = StringArg(args, "group");
  // State file, directory and touch manage what a symlink points to.
  if (in.state != "absent" && in.state != "link") {
    Result<Followed> followed = FollowLink("path", in.path, in.lstat, reads, probed);
    if (!followed.ok()) return followed.status();
    if (!followed->more.empty()) {
      Change more;
      more.more_reads = std::move(followed->more);
      return more;
    }
    in.real_path = followed->real_path;
    in.real = followed->real;
  }
  in.ids = IdsOf(in.real);

  if (in.state == "directory") return PlanDirectory(in);
  if (in.state == "absent") return PlanAbsent(in);
  if (in.state == "link") return PlanLink(in);
  if (in.state == "touch") return PlanTouch(in);
  if (HasContentSource(args)) return PlanFileContent(in);
  return PlanAttributesOnly(in);
}

Resources FileModule::Declare(const Value& args) const {
  Resources r;
  if (!args.contains("path") || IsPendingTemplate(args["path"])) return r;
  const std::string path = CleanPath(StringArg(args, "path"));
  const Value state = args.contains("state") ? args["state"] : Value("file");
  r.needs.push_back("path:" + path);
  if (state == "directory") {
    r.provides.push_back("dir:" + path);
  } else if (state != "absent") {
    r.provides.push_back("file:" + path);
  }
  return r;
}

}  // namespace hostprep::modules
