#include "modules/dest_file.h"

#include <fmt/format.h>

#include "engine/base/digest.h"
#include "engine/base/text.h"
#include "modules/file_plan.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

std::string WithoutSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

bool ToDirectory(const DestFile& d) { return d.dest.size() > 1 && EndsWith(d.dest, "/"); }

// Where the file goes and which reads answer for it.
struct Placed {
  std::string path;
  size_t stat_at = 0;        // its lstat
  size_t content_at = 0;     // its content
  bool make_parent = false;  // dest ends with '/' and does not exist
};

Result<Placed> Place(const DestFile& d, const std::vector<ReadResult>& reads, size_t first) {
  Placed p;
  if (ToDirectory(d)) {
    // [file stat, file content, dest dir stat]
    p.path = JoinPath(WithoutSlashes(d.dest), d.source_name);
    p.stat_at = first;
    p.content_at = first + 1;
    const ReadResult& dir = reads[first + 2];
    if (!dir.status.ok()) return dir.status;
    if (!dir.stat.exists()) {
      p.make_parent = true;
    } else if (dir.stat.type != FileType::kDirectory && dir.stat.type != FileType::kSymlink) {
      return Status::Error(
          fmt::format("dest {} is a {}, not a directory", d.dest, FileTypeName(dir.stat.type)));
    }
    return p;
  }
  // [dest stat, dest content] (+ [dest/NAME stat, content]).
  const ReadResult& dest = reads[first];
  if (!dest.status.ok()) return dest.status;
  if (dest.stat.type == FileType::kDirectory) {
    if (d.source_name.empty()) {
      return Status::Error(
          fmt::format("dest {} is a directory: content needs the path of a file as dest", d.dest));
    }
    p.path = JoinPath(d.dest, d.source_name);
    p.stat_at = first + 2;
    p.content_at = first + 3;
    return p;
  }
  p.path = d.dest;
  p.stat_at = first;
  p.content_at = first + 1;
  return p;
}

// The keys Ansible's copy registers, beside file_plan's path/state/mode/
// owner/group.
void AddResult(const std::string& path, const std::string& content, const FileInfo& real,
               bool written, Change* change) {
  Value& r = change->result;
  r["dest"] = path;
  r["checksum"] = Sha1Hex(content);
  if (written) r["md5sum"] = Md5Hex(content);
  r["size"] = content.size();
  for (const char* key : {"owner", "group"}) {
    if (r.contains(key) && r[key] == "") r.erase(key);
  }
  // The ids are known for a file that exists, or when given as numbers.
  const std::string owner = r.value("owner", std::string());
  const std::string group = r.value("group", std::string());
  const bool kept_owner = real.exists() && owner == real.owner;
  const bool kept_group = real.exists() && group == real.group;
  if (kept_owner)
    r["uid"] = real.uid;
  else if (IsNumericId(owner))
    r["uid"] = std::stoul(owner);
  if (kept_group)
    r["gid"] = real.gid;
  else if (IsNumericId(group))
    r["gid"] = std::stoul(group);
}

// A symlink where the file goes, with follow false: replaced by the file,
// as Ansible's copy replaces it (its stat of the link has no checksum, so
// it always writes).
Change ReplaceLink(const DestFile& d, const std::string& path, const std::string& content,
                   const ReadResult& old) {
  const Attrs want{d.mode, d.owner, d.group};
  Draft draft{path};
  const std::string before = old.status.ok() ? old.content.value_or("") : "";
  if (before != content) ContentDiff(before, content, &draft);
  StateLine(&draft, FileType::kSymlink, "file");
  NewAttrs(want, &draft);
  Action write = MakeAction(Action::Kind::kWriteFile, path, want);
  write.content = content;
  write.validate_argv = d.validate_argv;
  write.follow = false;
  draft.actions.push_back(std::move(write));
  draft.verb = "replace the link with a file";
  Change change =
      Finish(std::move(draft), "file", After({FileType::kFile, 0644, "", "", 0, ""}, want));
  AddResult(path, content, FileInfo{}, true, &change);
  return change;
}

bool WouldWrite(const FileInfo& real, const ReadResult& old, const std::string& content) {
  return !real.exists() || real.type == FileType::kSymlink || old.content != content;
}

}  // namespace

std::vector<ArgDef> DestArgs() {
  std::vector<ArgDef> args = {
      {"dest",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "The absolute path to write. Ending with '/', or naming an existing directory: the "
       "file goes in it under the source's name (a '/' at the end creates the directory)."},
      {"force",
       ArgType::kBool,
       false,
       true,
       {},
       {"thirsty"},
       "false: leave a file that exists alone, whatever it holds."},
      {"follow",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "A symlink at dest: false replaces the link with the file, as Ansible does; true writes "
       "to the file it points to."},
  };
  for (ArgDef& def : WriteArgs()) {
    if (def.name == "mode") {
      def.type = ArgType::kRaw;  // or preserve
      def.description += " preserve: the source's mode.";
    }
    args.push_back(std::move(def));
  }
  return args;
}

void ValidateDest(const Value& args, std::vector<ArgError>* errors) {
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  ValidateWriteArgs(args, "dest", errors);
  if (ready("mode") && args["mode"] != "preserve") {
    unsigned mode = 0;
    std::string error;
    if (!ParseMode(args["mode"], &mode, &error)) errors->push_back({"mode", error});
  }
}

DestFile DestFileFrom(const Value& args, std::string source_name,
                      std::optional<unsigned> source_mode) {
  DestFile d;
  d.dest = StringArg(args, "dest");
  d.source_name = std::move(source_name);
  d.force = BoolArg(args, "force", true);
  if (args.contains("mode")) {
    unsigned mode = 0;
    std::string error;
    if (args["mode"] == "preserve") {
      d.mode = source_mode;
    } else if (ParseMode(args["mode"], &mode, &error)) {
      d.mode = mode;
    }
  }
  if (args.contains("directory_mode") && args["directory_mode"].is_number_integer()) {
    d.dir_mode = args["directory_mode"].get<unsigned>();
  }
  d.owner = StringArg(args, "owner");
  d.group = StringArg(args, "group");
  d.backup = BoolArg(args, "backup", false);
  d.follow = BoolArg(args, "follow", false);
  d.validate_argv = ValidateArgv(StringArg(args, "validate"));
  d.checksum = StringArg(args, "checksum");
  return d;
}

Resources DeclareDest(const Value& args) {
  Resources r;
  if (!args.contains("dest") || IsPendingTemplate(args["dest"])) return r;
  const std::string dest = StringArg(args, "dest");
  r.needs.push_back("path:" + dest);
  if (!EndsWith(dest, "/")) r.provides.push_back("file:" + dest);
  return r;
}

std::vector<Read> ProbeDest(const DestFile& d) {
  if (ToDirectory(d)) {
    const std::string dir = WithoutSlashes(d.dest);
    const std::string file = JoinPath(dir, d.source_name);
    return {Read::Stat(file), Read::File(file), Read::Stat(dir)};
  }
  // A missing parent directory fails the write, as Ansible's copy fails;
  // check mode, like Ansible's, does not look for it (an earlier task of
  // the run may be the one that makes it).
  std::vector<Read> reads = {Read::Stat(d.dest), Read::File(d.dest)};
  if (!d.source_name.empty()) {
    // In case dest is a directory: read in the same round trip, not after.
    const std::string file = JoinPath(d.dest, d.source_name);
    reads.push_back(Read::Stat(file));
    reads.push_back(Read::File(file));
  }
  return reads;
}

Result<Change> PlanDest(const DestFile& d, const std::string& content,
                        const std::vector<ReadResult>& reads, size_t first) {
  const size_t probed = first + ProbeDest(d).size();
  if (reads.size() < probed) {
    return Status::Error(fmt::format("internal error: {} reads for {}", reads.size(), probed));
  }
  Result<Placed> placed = Place(d, reads, first);
  if (!placed.ok()) return placed.status();
  const ReadResult& stat = reads[placed->stat_at];
  if (!stat.status.ok()) return stat.status;
  FileInfo real = stat.stat;
  std::string real_path = placed->path;

  if (real.exists() && !d.force) {
    Change unchanged;
    unchanged.result["dest"] = d.dest;
    unchanged.result["src"] = d.source_name;
    return unchanged;
  }
  const ReadResult& old = reads[placed->content_at];
  if (!d.checksum.empty() && WouldWrite(real, old, content) &&
      Sha1Hex(content) != ToLower(d.checksum)) {
    return Status::Error(fmt::format(
        "the content to copy has SHA-1 checksum {}, not the expected {}: nothing was written",
        Sha1Hex(content), d.checksum));
  }
  if (real.type == FileType::kSymlink && !d.follow) {
    return ReplaceLink(d, placed->path, content, old);
  }
  // Written through a link to what it points to, whose stat is one more
  // read (the link's own stat names only the link).
  Result<Followed> followed = FollowLink("dest", placed->path, real, reads, probed);
  if (!followed.ok()) return followed.status();
  if (!followed->more.empty()) {
    Change more;
    more.more_reads = std::move(followed->more);
    return more;
  }
  real_path = followed->real_path;
  real = followed->real;

  Attrs want{d.mode, d.owner, d.group};
  ContentWrite write{content, want, d.backup, d.validate_argv};
  const ContentTarget target{placed->path, real_path, real, IdsOf(real),
                             real.exists() ? &old : nullptr};
  Result<Change> change = PlanContent(target, write);
  if (!change.ok()) return change;
  if (placed->make_parent) {
    Action mkdir = MakeAction(Action::Kind::kMakeDirectory, WithoutSlashes(d.dest),
                              Attrs{d.dir_mode, d.owner, d.group});
    change->actions.insert(change->actions.begin(), mkdir);
  }
  bool written = false;
  for (Action& a : change->actions) {
    if (a.kind != Action::Kind::kWriteFile) continue;
    a.follow = d.follow;
    written = true;
  }
  AddResult(placed->path, content, real, written, &*change);
  return change;
}

}  // namespace hostprep::modules
