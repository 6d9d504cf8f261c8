#include "modules/kernel_module.h"

#include <fmt/format.h>

#include <optional>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec MakeSpec() {
  ArgSpec spec;
  spec.name = "kernel_module";
  spec.summary = "load or unload kernel modules, now and at boot";
  spec.description =
      "Loads each named kernel module with modprobe unless it is already loaded (listed in "
      "/proc/modules) or built into the running kernel (listed in modules.builtin); "
      "`state: absent` unloads loaded ones with `modprobe -r`. Names with '-' and '_' are the "
      "same module. With `persist: true` the module is also loaded at boot: "
      "/etc/modules-load.d/NAME.conf holds its name and, when `params` are given, "
      "/etc/modprobe.d/NAME.conf holds `options NAME PARAMS`; with `state: absent` those two "
      "files are removed. Files are written only when their content differs.";
  spec.args = {
      {"name", ArgType::kList, true, nullptr, {}, {}, "The module names, e.g. br_netfilter."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"present", "absent"},
       {},
       "present: loaded; absent: not loaded."},
      {"params",
       ArgType::kString,
       false,
       "",
       {},
       {},
       "Module parameters, e.g. \"numdummies=0\", given to modprobe when the module is "
       "loaded (only with one name)."},
      {"persist",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Also load the module at boot (/etc/modules-load.d, /etc/modprobe.d)."},
  };
  spec.examples =
      "- name: modules for Kubernetes networking\n"
      "  kernel_module:\n"
      "    name: [br_netfilter, overlay]\n"
      "    persist: true\n"
      "- name: dummy interfaces without the default two\n"
      "  kernel_module:\n"
      "    name: dummy\n"
      "    params: numdummies=0\n";
  spec.notes =
      "Like community.general.modprobe: loaded means in /proc/modules or built in, params are "
      "not re-applied to a module that is already loaded (unload it first to change them), and "
      "persistence uses /etc/modules-load.d/NAME.conf and /etc/modprobe.d/NAME.conf. "
      "Differences: `name` takes a list; `persist` is a boolean (Ansible's "
      "`persistent: present/absent` follows `state` here); without `params` an existing "
      "/etc/modprobe.d/NAME.conf is left alone; hostprep owns NAME.conf outright instead of "
      "commenting out `options` lines in other files. Unloading a built-in module is an "
      "error. The diff shows each module's state and the persistence files' changes.";
  return spec;
}

std::vector<std::string> Names(const Value& args) {
  if (!args.contains("name") || !args["name"].is_array()) return {};
  std::vector<std::string> names;
  for (const Value& v : args["name"]) names.push_back(v.is_string() ? v.get<std::string>() : "");
  return names;
}

bool Absent(const Value& args) { return args.value("state", "present") == std::string("absent"); }
std::string Params(const Value& args) { return Trim(StringArg(args, "params")); }

std::string LoadFile(const std::string& name) { return "/etc/modules-load.d/" + name + ".conf"; }
std::string OptionsFile(const std::string& name) { return "/etc/modprobe.d/" + name + ".conf"; }

std::string BuiltinPath(const Value& facts) {
  const std::string kernel = facts.contains("kernel") && facts["kernel"].is_string()
                                 ? facts["kernel"].get<std::string>()
                                 : "";
  return kernel.empty() ? "" : "/lib/modules/" + kernel + "/modules.builtin";
}

std::string NameProblem(const std::string& name) {
  bool bad = name.empty() || name.front() == '-';
  for (char c : name) bad = bad || c == '/' || static_cast<unsigned char>(c) <= ' ';
  if (!bad) return "";
  return fmt::format(
      "kernel module name '{}' is not valid: give a module name like br_netfilter (no "
      "spaces, '/', or leading '-')",
      name);
}

// Reads the file at reads[*next] (missing = nullopt).
Result<std::optional<std::string>> TakeFile(const std::vector<ReadResult>& reads, size_t* next,
                                            const std::string& path) {
  if (*next >= reads.size()) {
    return Status::Error("internal error: kernel_module planned without its reads");
  }
  const ReadResult& read = reads[(*next)++];
  if (!read.status.ok()) return read.status.WithContext("read " + path);
  return read.content;
}

// Collects actions, diff lines and file diffs while planning.
struct Draft {
  std::vector<Action> actions;
  std::vector<std::string> lines;  // "module x: not loaded -> loaded"
  std::string file_diffs;
  std::vector<std::string> what;  // for the message
};

void WriteIfDifferent(const std::string& path, const std::optional<std::string>& old,
                      const std::string& content, Draft* d) {
  if (old && *old == content) return;
  d->file_diffs += FileDiff(path, old, content);
  d->actions.push_back(WriteFileAction(path, content));
  d->what.push_back("write " + path);
}

void RemoveIfPresent(const std::string& path, const std::optional<std::string>& old, Draft* d) {
  if (!old) return;
  d->file_diffs += FileDiff(path, old, "");
  d->actions.push_back(RemoveAction(path));
  d->what.push_back("remove " + path);
}

}  // namespace

std::string KernelModuleCanonicalName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

std::set<std::string> ParseProcModules(const std::string& content) {
  std::set<std::string> names;
  for (const std::string& line : SplitLinesKeepEnds(content)) {
    const std::vector<std::string> fields = Fields(line);
    if (!fields.empty()) names.insert(KernelModuleCanonicalName(fields[0]));
  }
  return names;
}

std::set<std::string> ParseModulesBuiltin(const std::string& content) {
  std::set<std::string> names;
  for (const std::string& line : SplitLinesKeepEnds(content)) {
    std::string path = Trim(LineBody(line));
    if (path.empty()) continue;
    const size_t slash = path.rfind('/');
    if (slash != std::string::npos) path = path.substr(slash + 1);
    const size_t ko = path.find(".ko");
    if (ko != std::string::npos) path = path.substr(0, ko);
    names.insert(KernelModuleCanonicalName(path));
  }
  return names;
}

KernelModuleModule::KernelModuleModule() : spec_(MakeSpec()) {}

void KernelModuleModule::Validate(const Value& args, bool templates_pending,
                                  std::vector<ArgError>* errors) const {
  (void)templates_pending;
  const std::vector<std::string> names = Names(args);
  if (args.contains("name") && args["name"].is_array() && names.empty()) {
    errors->push_back({"name", "argument 'name' is empty: give at least one module name"});
  }
  for (const std::string& name : names) {
    if (IsPendingTemplate(Value(name))) continue;
    const std::string problem = NameProblem(name);
    if (!problem.empty()) errors->push_back({"name", problem});
  }
  if (!Params(args).empty() && names.size() > 1) {
    errors->push_back(
        {"params", "'params' apply to one module: give one name per task when giving params"});
  }
  if (!Params(args).empty() && Absent(args)) {
    errors->push_back({"params", "'params' have no meaning with state: absent: drop them"});
  }
}

std::vector<Read> KernelModuleModule::Probe(const Value& args, const Value& facts) const {
  std::vector<Read> reads = {Read::File("/proc/modules")};
  const std::string builtin = BuiltinPath(facts);
  if (!builtin.empty()) reads.push_back(Read::File(builtin));
  if (args.value("persist", false)) {
    for (const std::string& name : Names(args)) {
      reads.push_back(Read::File(LoadFile(name)));
      reads.push_back(Read::File(OptionsFile(name)));
    }
  }
  return reads;
}

namespace {

// Plans one module's load state; fails for unloading a built-in module.
Status PlanLoad(const std::string& name, bool absent, const std::string& params, bool loaded,
                bool builtin, Draft* d) {
  if (absent) {
    if (builtin) {
      return Status::Error(fmt::format(
          "kernel module '{}' is built into the running kernel and cannot be unloaded: drop it "
          "from the task or boot a kernel that has it as a module",
          name));
    }
    if (!loaded) return Status::Ok();
    d->actions.push_back(ExecAction({"modprobe", "-r", name}));
    d->lines.push_back(fmt::format("module {}: loaded -> not loaded", name));
    d->what.push_back("unload " + name);
    return Status::Ok();
  }
  if (loaded || builtin) return Status::Ok();
  std::vector<std::string> argv = {"modprobe", name};
  for (std::string& p : Fields(params)) argv.push_back(std::move(p));
  d->actions.push_back(ExecAction(std::move(argv)));
  d->lines.push_back(fmt::format("module {}: not loaded -> loaded", name));
  d->what.push_back("load " + name);
  return Status::Ok();
}

}  // namespace

Result<Change> KernelModuleModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                        const Value& facts) const {
  const bool absent = Absent(args), persist = args.value("persist", false);
  const std::string params = Params(args);
  size_t next = 0;
  Result<std::optional<std::string>> proc = TakeFile(reads, &next, "/proc/modules");
  if (!proc.ok()) return proc.status();
  if (!*proc) return Status::Error("read /proc/modules: it does not exist: is /proc mounted?");
  const std::set<std::string> loaded = ParseProcModules(**proc);
  std::set<std::string> builtin;
  const std::string builtin_path = BuiltinPath(facts);
  if (!builtin_path.empty()) {
    Result<std::optional<std::string>> list = TakeFile(reads, &next, builtin_path);
    if (!list.ok()) return list.status();
    if (*list) builtin = ParseModulesBuiltin(**list);
  }

  Draft d;
  Value state = Value::object();
  for (const std::string& name : Names(args)) {
    const std::string canonical = KernelModuleCanonicalName(name);
    const bool is_loaded = loaded.count(canonical) > 0, is_builtin = builtin.count(canonical) > 0;
    Status s = PlanLoad(name, absent, params, is_loaded, is_builtin, &d);
    if (!s.ok()) return s;
    state[name] = is_builtin ? "builtin" : is_loaded ? "loaded" : "not loaded";
  }
  if (persist) {
    for (const std::string& name : Names(args)) {
      Result<std::optional<std::string>> load = TakeFile(reads, &next, LoadFile(name));
      if (!load.ok()) return load.status();
      Result<std::optional<std::string>> options = TakeFile(reads, &next, OptionsFile(name));
      if (!options.ok()) return options.status();
      if (absent) {
        RemoveIfPresent(LoadFile(name), *load, &d);
        RemoveIfPresent(OptionsFile(name), *options, &d);
        continue;
      }
      WriteIfDifferent(LoadFile(name), *load, name + "\n", &d);
      if (!params.empty()) {
        WriteIfDifferent(OptionsFile(name), *options,
                         fmt::format("options {} {}\n", name, fmt::join(Fields(params), " ")), &d);
      }
    }
  }

  Change change;
  change.changed = !d.actions.empty();
  change.actions = std::move(d.actions);
  change.diff = d.file_diffs;
  for (const std::string& line : d.lines) change.diff += line + "\n";
  if (change.changed) change.message = fmt::format("would {}", fmt::join(d.what, ", "));
  change.result["name"] = Names(args);
  change.result["state"] = absent ? "absent" : "present";
  change.result["params"] = params;
  change.result["before"] = state;
  return change;
}

Resources KernelModuleModule::Declare(const Value& args) const {
  Resources r;
  const bool absent = Absent(args), persist = args.value("persist", false);
  for (const std::string& name : Names(args)) {
    if (IsPendingTemplate(Value(name))) continue;
    if (!absent) {
      r.provides.push_back("kmod:" + name);
      const std::string canonical = KernelModuleCanonicalName(name);
      if (canonical != name) r.provides.push_back("kmod:" + canonical);
    }
    if (persist) {
      r.needs.push_back("path:" + LoadFile(name));
      if (absent || !Params(args).empty()) r.needs.push_back("path:" + OptionsFile(name));
    }
  }
  return r;
}

}  // namespace hostprep::modules
