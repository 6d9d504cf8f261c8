// Small helpers shared by the modules: arguments, paths, lines, actions.
// Pure functions, thread-safe.
#ifndef HOSTPREP_MODULES_MODULE_UTIL_H_
#define HOSTPREP_MODULES_MODULE_UTIL_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/value.h"
#include "engine/module/module.h"

namespace hostprep::modules {

// args[key] as a string, or "" when it is missing or not a string.
std::string StringArg(const Value& args, const char* key);

// The strings of args[key], a list (kList); empty when it is missing or
// not a list yet.
std::vector<std::string> ListArg(const Value& args, const char* key);

// args[key] as a boolean, or `fallback` when it is missing or not a boolean
// yet: at validate time a templated one is still "{{ ... }}" (nlohmann's
// value() would throw on it).
bool BoolArg(const Value& args, const char* key, bool fallback);

// Whether args[key] is given and its value known (not null, not a template
// still to render): what Validate may check.
bool ArgReady(const Value& args, const char* key);

// args[key] when it is a string, else nullopt (missing, or not a string).
std::optional<std::string> OptArg(const Value& args, const char* key);

// args[key] when it is an integer, else nullopt (missing, or not an integer).
std::optional<long long> OptIntArg(const Value& args, const char* key);

// Whether args' `state` is "absent".
bool StateAbsent(const Value& args);

// The integer in `text` (spaces around it allowed), or -1 when there is none.
long long ToNumber(const std::string& text);

// `head` followed by `tail`: an argv and the names it ends with.
std::vector<std::string> Concat(std::vector<std::string> head,
                                const std::vector<std::string>& tail);

// Where mounts and swap are configured, unless the task names another file.
inline constexpr char kDefaultFstab[] = "/etc/fstab";

// The last component of a path: "files/bin/helm" -> "helm".
std::string BaseName(const std::string& path);

// The directory of a path: "/etc/app.conf" -> "/etc", "/x" -> "/",
// "x" -> ".".
std::string Parent(const std::string& path);

// What a module editing the file named by args["path"] declares: it needs
// that path (an earlier task may make it); nothing while path is templated.
Resources DeclarePath(const Value& args);

// Splits text into lines, each keeping its "\n" (the last one may lack it),
// so that joining them gives the text back byte for byte.
std::vector<std::string> SplitLinesKeepEnds(std::string_view text);

// The line without its trailing "\n" (and "\r" before it).
std::string_view LineBody(std::string_view line);

// An atomic write of `content` to `path`; the mode of an existing file is
// kept, a new file gets 0644 (the transport's default).
Action WriteFileAction(const std::string& path, std::string content);

// A kExec action running `argv`.
Action ExecAction(std::vector<std::string> argv);

// A kRemove action for `path`.
Action RemoveAction(const std::string& path);

// The unified diff of a file the module rewrites, labelled as the file
// module labels it ("before: PATH" / "after: PATH"); a missing file is "".
std::string FileDiff(const std::string& path, const std::optional<std::string>& before,
                     const std::string& after);

// Regular files a probe script printed as "F SIZE PATH" followed by exactly
// SIZE bytes of the file, and directories it found missing as "N DIR"
// (modules/scripts/modprobe_conf.sh, apt_sources.sh). An answer in any other
// shape is an error naming `what` was read.
struct FileListing {
  std::map<std::string, std::string> files;  // path -> content
  std::vector<std::string> missing_dirs;
};
Result<FileListing> ParseFileListing(const std::string& out, const std::string& what);

// Ansible's add_path_info (module_utils/basic.py), which modules returning
// a `path` or `dest` get: uid, gid, owner and group (the ids when they have
// no name), mode ("0755"), state (link, directory, hard for a file with
// more links, file) and size, from the line `stat -c '%u %g %U %G %a %h %s
// %F' -- PATH` prints (lstat; the type last, as it may hold blanks).
// Adds nothing for a line it cannot read (the path did not exist).
void AddPathInfo(const std::string& stat_line, Value* result);

// The lines `KEY VALUE` a module's script prints on the target, each split
// at its first blank (VALUE "" when there is none), in order.
std::vector<std::pair<std::string, std::string>> KeyValueLines(const std::string& text);

// Module::Report for a module whose one command either did the change or
// failed: changed when it exited 0; otherwise failed, `failure` as the
// message and the registered msg.
Change ChangedUnlessFailed(const ExecResult& output, const std::string& failure);

// The names of `args` (normalised against `spec`) that are not in `taken`
// and are set away from their defaults (null and an empty list count as
// unset), in order: what a module handing its work to another engine must
// refuse, since that engine would not honour them.
std::vector<std::string> SetAwayFromDefaults(const ArgSpec& spec, const Value& args,
                                             const std::vector<std::string>& taken);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_MODULE_UTIL_H_
