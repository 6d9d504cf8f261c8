#include "modules/kernel_module.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec KernelModuleSpec() {
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
      "files are removed. With `file: FILE` every name of the task goes into the one file "
      "/etc/modules-load.d/FILE.conf (one name per line, in the order given) and the params "
      "into /etc/modprobe.d/FILE.conf, as Kubespray writes kubespray-br_netfilter.conf. Files "
      "are written only when their content differs.\n\n"
      "`runtime: false` leaves the running kernel alone: nothing is loaded or unloaded and "
      "neither /proc/modules nor modules.builtin is read, so only the persistence files are "
      "managed (it needs `persist: true`). Use it for image builds and for containers that "
      "share their host's kernel.";
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
      {"file",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "With persist: one file name (without .conf) for all the names of the task: "
       "/etc/modules-load.d/FILE.conf and /etc/modprobe.d/FILE.conf instead of one NAME.conf "
       "per module, e.g. kubespray-br_netfilter."},
      {"runtime",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Load or unload the modules in the running kernel now. false: only the persistence "
       "files are managed (image builds, containers without a kernel of their own)."},
  };
  spec.examples =
      "- name: modules for Kubernetes networking\n"
      "  kernel_module:\n"
      "    name: [br_netfilter, overlay]\n"
      "    persist: true\n"
      "- name: dummy interfaces without the default two\n"
      "  kernel_module:\n"
      "    name: dummy\n"
      "    params: numdummies=0\n"
      "- name: br_netfilter at boot, in Kubespray's file, without loading it now\n"
      "  kernel_module:\n"
      "    name: br_netfilter\n"
      "    persist: true\n"
      "    file: kubespray-br_netfilter\n"
      "    runtime: false\n";
  spec.notes =
      "Like community.general.modprobe: loaded means in /proc/modules or built in, params are "
      "not re-applied to a module that is already loaded (unload it first to change them), and "
      "persistence uses /etc/modules-load.d/NAME.conf and /etc/modprobe.d/NAME.conf. "
      "Differences: `name` takes a list; `persist` is a boolean (Ansible's "
      "`persistent: present/absent` follows `state` here); without `params` an existing "
      "/etc/modprobe.d/NAME.conf is left alone; hostprep owns NAME.conf outright instead of "
      "commenting out `options` lines in other files. Unloading a built-in module is an "
      "error. `file` writes what Kubespray's copy task writes for br_netfilter; `runtime: false` "
      "is hostprep's (like sysctl's `runtime`). The diff shows each module's state and the "
      "persistence files' changes.";
  return spec;
}

std::vector<std::string> ModuleNames(const Value& args) {
  if (!args.contains("name") || !args["name"].is_array()) return {};
  std::vector<std::string> names;
  for (const Value& v : args["name"]) names.push_back(v.is_string() ? v.get<std::string>() : "");
  return names;
}

bool ModulesAbsent(const Value& args) {
  return args.value("state", "present") == std::string("absent");
}
// False for certain: a template ("{{ x }}") may still turn out true.
bool KnownFalse(const Value& args, const char* key) {
  return args.contains(key) && args[key].is_boolean() && !args[key].get<bool>();
}
bool Runtime(const Value& args) { return BoolArg(args, "runtime", true); }
bool PersistModules(const Value& args) { return BoolArg(args, "persist", false); }
std::string ModuleParams(const Value& args) { return Trim(StringArg(args, "params")); }

std::string LoadFile(const std::string& name) { return "/etc/modules-load.d/" + name + ".conf"; }
std::string OptionsFile(const std::string& name) { return "/etc/modprobe.d/" + name + ".conf"; }

// One pair of persistence files and the module names it holds: one pair per
// name, or a single pair for all names when `file` is given.
struct PersistUnit {
  std::string conf;  // FILE or NAME, without .conf
  std::vector<std::string> names;
};

std::vector<PersistUnit> PersistUnits(const Value& args) {
  const std::vector<std::string> names = ModuleNames(args);
  const std::string file = StringArg(args, "file");
  if (!file.empty()) return {{file, names}};
  std::vector<PersistUnit> units;
  for (const std::string& name : names) units.push_back({name, {name}});
  return units;
}

std::string FileProblem(const std::string& file) {
  if (file.empty()) return "argument 'file' is empty: give a file name like kubespray-br_netfilter";
  bool bad = file.front() == '.' || file.front() == '-';
  for (char c : file) bad = bad || c == '/' || static_cast<unsigned char>(c) <= ' ';
  if (bad) {
    return fmt::format(
        "argument 'file' is '{}': give a file name like kubespray-br_netfilter (no spaces, "
        "'/', or leading '.' or '-')",
        file);
  }
  if (EndsWith(file, ".conf")) {
    return fmt::format("argument 'file' is '{}': leave out .conf, hostprep adds it", file);
  }
  return "";
}

}  // namespace

std::string ModulesBuiltinPath(const Value& facts) {
  const std::string kernel = facts.contains("kernel") && facts["kernel"].is_string()
                                 ? facts["kernel"].get<std::string>()
                                 : "";
  return kernel.empty() ? "" : "/lib/modules/" + kernel + "/modules.builtin";
}

// Module names are letters, digits, '_' and '-' (modprobe treats the last
// two alike): nothing else can name a module, and the name becomes a file
// name under /etc/modules-load.d and /etc/modprobe.d and a word of modprobe's
// command line.
std::string KernelModuleNameProblem(const std::string& name) {
  bool bad = name.empty() || name.front() == '-';
  for (char c : name) {
    bad = bad || !(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
  }
  if (!bad) return "";
  return fmt::format(
      "kernel module name {} is not valid: give a module name like br_netfilter (letters, "
      "digits, '_' and '-', not starting with '-')",
      Escaped(name));
}

namespace {

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
struct KernelModuleDraft {
  std::vector<Action> actions;
  std::vector<std::string> lines;  // "module x: not loaded -> loaded"
  std::string file_diffs;
  std::vector<std::string> what;  // for the message
};

void WriteIfDifferent(const std::string& path, const std::optional<std::string>& old,
                      const std::string& content, KernelModuleDraft* d) {
  if (old && *old == content) return;
  d->file_diffs += FileDiff(path, old, content);
  d->actions.push_back(WriteFileAction(path, content));
  d->what.push_back("write " + path);
}

void RemoveIfPresent(const std::string& path, const std::optional<std::string>& old,
                     KernelModuleDraft* d) {
  if (!old) return;
  d->file_diffs += FileDiff(path, old, "");
  d->actions.push_back(RemoveAction(path));
  d->what.push_back("remove " + path);
}

}  // namespace

void ProvideKernelModule(const std::string& name, Resources* r) {
  r->provides.push_back("kmod:" + name);
  const std::string canonical = KernelModuleCanonicalName(name);
  if (canonical != name) r->provides.push_back("kmod:" + canonical);
}

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
    const std::vector<std::string> fields = PySplit(line);
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

KernelModuleModule::KernelModuleModule() : spec_(KernelModuleSpec()) {}

void KernelModuleModule::Validate(const Value& args, bool templates_pending,
                                  std::vector<ArgError>* errors) const {
  (void)templates_pending;
  const std::vector<std::string> names = ModuleNames(args);
  if (args.contains("name") && args["name"].is_array() && names.empty()) {
    errors->push_back({"name", "argument 'name' is empty: give at least one module name"});
  }
  for (const std::string& name : names) {
    if (IsPendingTemplate(Value(name))) continue;
    const std::string problem = KernelModuleNameProblem(name);
    if (!problem.empty()) errors->push_back({"name", problem});
  }
  if (!ModuleParams(args).empty() && names.size() > 1) {
    errors->push_back(
        {"params", "'params' apply to one module: give one name per task when giving params"});
  }
  if (!ModuleParams(args).empty() && ModulesAbsent(args)) {
    errors->push_back({"params", "'params' have no meaning with state: absent: drop them"});
  }
  if (const std::string params = ModuleParams(args);
      !IsPendingTemplate(Value(params)) && !LineBreakProblem(params).empty()) {
    // The options line of /etc/modprobe.d/NAME.conf: one line, its words
    // separated by blanks.
    errors->push_back({"params", fmt::format("'params' {} holds {}: an options line of "
                                             "modprobe.d cannot; give the parameters on one "
                                             "line, separated by spaces",
                                             Escaped(params), LineBreakProblem(params))});
  }
  if (args.contains("file") && !IsPendingTemplate(args["file"])) {
    const std::string problem = FileProblem(StringArg(args, "file"));
    if (!problem.empty()) errors->push_back({"file", problem});
  }
  if (args.contains("file") && KnownFalse(args, "persist")) {
    errors->push_back(
        {"file", "'file' names the persistence files: set persist: true too, or drop 'file'"});
  }
  if (KnownFalse(args, "runtime") && KnownFalse(args, "persist")) {
    errors->push_back({"runtime",
                       "with runtime: false and persist: false there is nothing to do: set "
                       "persist: true to manage the files that load the modules at boot"});
  }
}

std::vector<Read> KernelModuleModule::Probe(const Value& args, const Value& facts) const {
  std::vector<Read> reads;
  if (Runtime(args)) {
    reads.push_back(Read::File("/proc/modules"));
    const std::string builtin = ModulesBuiltinPath(facts);
    if (!builtin.empty()) reads.push_back(Read::File(builtin));
  }
  if (PersistModules(args)) {
    for (const PersistUnit& unit : PersistUnits(args)) {
      reads.push_back(Read::File(LoadFile(unit.conf)));
      reads.push_back(Read::File(OptionsFile(unit.conf)));
    }
  }
  return reads;
}

namespace {

// Plans one module's load state; fails for unloading a built-in module.
Status PlanLoad(const std::string& name, bool absent, const std::string& params, bool loaded,
                bool builtin, KernelModuleDraft* d) {
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
  for (std::string& p : PySplit(params)) argv.push_back(std::move(p));
  d->actions.push_back(ExecAction(std::move(argv)));
  d->lines.push_back(fmt::format("module {}: not loaded -> loaded", name));
  d->what.push_back("load " + name);
  return Status::Ok();
}

}  // namespace

namespace {

// Plans loading or unloading every module of the task, from /proc/modules
// and modules.builtin; records each module's state in `state`.
Status PlanRuntime(const Value& args, const std::vector<ReadResult>& reads, const Value& facts,
                   size_t* next, KernelModuleDraft* d, Value* state) {
  Result<std::optional<std::string>> proc = TakeFile(reads, next, "/proc/modules");
  if (!proc.ok()) return proc.status();
  if (!*proc) return Status::Error("read /proc/modules: it does not exist: is /proc mounted?");
  const std::set<std::string> loaded = ParseProcModules(**proc);
  std::set<std::string> builtin;
  const std::string builtin_path = ModulesBuiltinPath(facts);
  if (!builtin_path.empty()) {
    Result<std::optional<std::string>> list = TakeFile(reads, next, builtin_path);
    if (!list.ok()) return list.status();
    if (*list) builtin = ParseModulesBuiltin(**list);
  }
  for (const std::string& name : ModuleNames(args)) {
    const std::string canonical = KernelModuleCanonicalName(name);
    const bool is_loaded = loaded.count(canonical) > 0, is_builtin = builtin.count(canonical) > 0;
    Status s = PlanLoad(name, ModulesAbsent(args), ModuleParams(args), is_loaded, is_builtin, d);
    if (!s.ok()) return s;
    (*state)[name] = is_builtin ? "builtin" : is_loaded ? "loaded" : "not loaded";
  }
  return Status::Ok();
}

// Plans the files that load the modules at boot (or their removal).
Status PlanPersist(const Value& args, const std::vector<ReadResult>& reads, size_t* next,
                   KernelModuleDraft* d) {
  const std::string params = ModuleParams(args);
  for (const PersistUnit& unit : PersistUnits(args)) {
    Result<std::optional<std::string>> load = TakeFile(reads, next, LoadFile(unit.conf));
    if (!load.ok()) return load.status();
    Result<std::optional<std::string>> options = TakeFile(reads, next, OptionsFile(unit.conf));
    if (!options.ok()) return options.status();
    if (ModulesAbsent(args)) {
      RemoveIfPresent(LoadFile(unit.conf), *load, d);
      RemoveIfPresent(OptionsFile(unit.conf), *options, d);
      continue;
    }
    WriteIfDifferent(LoadFile(unit.conf), *load, fmt::format("{}\n", fmt::join(unit.names, "\n")),
                     d);
    if (!params.empty()) {
      // Validate allows params with one name only, so the unit holds one.
      WriteIfDifferent(
          OptionsFile(unit.conf), *options,
          fmt::format("options {} {}\n", unit.names.front(), fmt::join(PySplit(params), " ")), d);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Change> KernelModuleModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                        const Value& facts) const {
  size_t next = 0;
  KernelModuleDraft d;
  Value state = Value::object();
  if (Runtime(args)) {
    Status s = PlanRuntime(args, reads, facts, &next, &d, &state);
    if (!s.ok()) return s;
  }
  if (PersistModules(args)) {
    Status s = PlanPersist(args, reads, &next, &d);
    if (!s.ok()) return s;
  }

  Change change;
  change.changed = !d.actions.empty();
  change.actions = std::move(d.actions);
  change.diff = d.file_diffs;
  for (const std::string& line : d.lines) change.diff += line + "\n";
  if (change.changed) change.message = fmt::format("would {}", fmt::join(d.what, ", "));
  change.result["name"] = ModuleNames(args);
  change.result["state"] = ModulesAbsent(args) ? "absent" : "present";
  change.result["params"] = ModuleParams(args);
  change.result["runtime"] = Runtime(args);
  // Without runtime the kernel was not asked: there is no "before" to show.
  if (Runtime(args)) change.result["before"] = state;
  if (PersistModules(args)) {
    Value files = Value::array();
    for (const PersistUnit& unit : PersistUnits(args)) files.push_back(LoadFile(unit.conf));
    change.result["files"] = files;
  }
  return change;
}

Resources KernelModuleModule::Declare(const Value& args) const {
  Resources r;
  const bool absent = ModulesAbsent(args);
  // The module is provided by the boot files too, so a net.bridge.* sysctl
  // keeps its edge when only the files are managed (runtime: false).
  for (const std::string& name : ModuleNames(args)) {
    if (absent || IsPendingTemplate(Value(name))) continue;
    ProvideKernelModule(name, &r);
  }
  if (!PersistModules(args) || (args.contains("file") && IsPendingTemplate(args["file"]))) return r;
  for (const PersistUnit& unit : PersistUnits(args)) {
    if (IsPendingTemplate(Value(unit.conf))) continue;
    r.needs.push_back("path:" + LoadFile(unit.conf));
    if (absent || !ModuleParams(args).empty()) r.needs.push_back("path:" + OptionsFile(unit.conf));
  }
  return r;
}

}  // namespace hostprep::modules
