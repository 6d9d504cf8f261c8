// The planning pieces shared by the modules that manage one path's content
// and attributes (file, copy, template): the diff of content and attributes
// in one block, the actions, and the result fields. Pure functions,
// thread-safe; no I/O.
#ifndef HOSTPREP_MODULES_FILE_PLAN_H_
#define HOSTPREP_MODULES_FILE_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The mode, owner and group a task asks for; unset = left as they are.
struct Attrs {
  std::optional<unsigned> mode;
  std::string owner;
  std::string group;
  bool any() const { return mode || !owner.empty() || !group.empty(); }
};

// The numeric uid and gid of a path, for an owner or group given as a
// number: a stat names the owner, so "4321" would never equal "hpuser" and
// every run would report a change. Empty = unknown.
struct Ids {
  std::string uid;
  std::string gid;
};

// The parts of a change that a plan builds up; turned into a Change by
// Finish.
struct Draft {
  explicit Draft(std::string p) : path(std::move(p)) {}
  std::string path;
  std::vector<std::string> fields;  // what changes: state, content, target, mode, ...
  std::vector<std::string> lines;   // attribute lines of the diff
  std::string content_diff;
  std::vector<Action> actions;
  std::string verb;  // "create file", "remove", ... for the message
};

// "absent", "file", "directory", "link", "special file".
std::string FileTypeName(FileType type);
bool IsNumericId(const std::string& s);
// The numeric ids of what `info` describes; empty for a missing path (a
// path being created has no ids to compare).
Ids IdsOf(const FileInfo& info);
// Whether the owner or group `have` (a name, or a number for an unknown
// one; `id` its number when known) differs from `want` (a name or number).
bool Differs(const std::string& want, const std::string& have, const std::string& id);

// A diff line "field: text", and the field among those that change.
void AddLine(Draft* d, const std::string& field, const std::string& text);
// "state: absent -> file".
void StateLine(Draft* d, FileType from, const std::string& to);
// Attribute lines for a path that exists: only what differs.
void CompareAttrs(const FileInfo& have, const Ids& ids, const Attrs& want, Draft* d);
// Attribute lines for a path being created: what was asked for.
void NewAttrs(const Attrs& want, Draft* d);
// The unified diff of the content (a note instead for binary or big content).
void ContentDiff(const std::string& before, const std::string& after, Draft* d);
Action MakeAction(Action::Kind kind, const std::string& path, const Attrs& attrs);
// The Change: changed when there are actions, the diff, the message, and
// the result fields path, state, mode/owner/group (from `final_info`) and
// changed_fields.
Change Finish(Draft d, const std::string& state, const FileInfo& final_info);
// The attributes a path will have after the change, for the result.
FileInfo After(FileInfo info, const Attrs& want);

// The arguments every module that writes a file's content shares, with
// Ansible's names and defaults: backup, validate, mode, owner, group,
// unsafe_writes (accepted; writes are always atomic).
std::vector<ArgDef> WriteArgs();

// Checks what WriteArgs and the path argument `path_key` ("path", "dest")
// can be checked for: the path absolute, validate holding %s.
void ValidateWriteArgs(const Value& args, const char* path_key, std::vector<ArgError>* errors);

// mode (a kMode argument, already an integer), owner and group from a
// task's arguments.
Attrs AttrsFrom(const Value& args);

// Whether a plan from PlanContent changes mode, owner or group.
bool ChangesAttrs(const Change& change);

// Ansible's message for a file edit (lineinfile, replace): `msg`, then
// "ownership, perms or SE linux context changed" when `attrs` changed.
std::string EditMessage(std::string msg, bool attrs);

// What a symlink at `path` resolves to, one level, as the writer follows
// it. Not a symlink: `path` and `lstat` themselves. A symlink: its target's
// path, and its stat from reads[probed] once read; until then `more` holds
// the one read to ask for (Change::more_reads). `what` names the argument
// in the error for a link to a link ("path", "dest").
struct Followed {
  std::string real_path;
  FileInfo real;
  std::vector<Read> more;
};
Result<Followed> FollowLink(const std::string& what, const std::string& path, const FileInfo& lstat,
                            const std::vector<ReadResult>& reads, size_t probed);

// A `validate` command ("visudo -cf %s") as the argv the writer runs: split
// on whitespace, never through a shell.
std::vector<std::string> ValidateArgv(const std::string& command);

// A regular file's content written atomically, with its attributes.
struct ContentTarget {
  std::string path;                 // as the task names it: diff labels, messages, the write
  std::string real_path;            // what it resolves to (== path unless a symlink)
  FileInfo real;                    // the stat of real_path
  Ids ids;                          // real_path's numeric ids, when known
  const ReadResult* old = nullptr;  // real_path's content, when it exists
};
struct ContentWrite {
  std::string content;
  Attrs want;
  bool backup = false;  // keep the replaced file (PATH.<timestamp>~)
  std::vector<std::string> validate_argv;
};
// Creates the file, rewrites it when its content differs, or only sets the
// attributes that differ; an error for a directory or special file there.
Result<Change> PlanContent(const ContentTarget& target, const ContentWrite& write);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_FILE_PLAN_H_
