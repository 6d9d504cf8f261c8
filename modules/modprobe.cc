#include "modules/modprobe.h"

#include <fmt/format.h>

#include <cctype>
#include <set>

#include "engine/base/text.h"
#include "modules/file_plan.h"
#include "modules/kernel_module.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr char kLoadDir[] = "/etc/modules-load.d";
constexpr char kOptionsDir[] = "/etc/modprobe.d";

ArgSpec ModprobeSpec() {
  ArgSpec spec;
  spec.name = "modprobe";
  spec.ansible_names = {"community.general.modprobe"};
  spec.summary = "Ansible's modprobe: load or unload one kernel module, and keep it at boot";
  spec.description =
      "Ansible's modprobe module (community.general.modprobe). `state: present` loads the "
      "module with `modprobe NAME PARAMS` unless it is loaded (in /proc/modules) or built into "
      "the running kernel (in modules.builtin); params are not applied to a module already "
      "loaded. `state: absent` unloads it with `modprobe -r`. `persistent: present` keeps it "
      "loaded at boot as Ansible's module does: /etc/modules-load.d/NAME.conf holds its name "
      "unless a file there already lists it, and when the `options NAME KEY=VALUE` lines of "
      "/etc/modprobe.d differ from `params`, those lines are commented out and "
      "/etc/modprobe.d/NAME.conf is written with one options line per param. "
      "`persistent: absent` comments out the module's lines in both directories. Registers "
      "name, params and state.";
  spec.args = {
      {"name", ArgType::kString, true, nullptr, {}, {}, "The kernel module, e.g. br_netfilter."},
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
       "KEY=VALUE words given to modprobe when it loads the module, and kept in its options "
       "file with persistent: present."},
      {"persistent",
       ArgType::kString,
       false,
       "disabled",
       {"disabled", "present", "absent"},
       {},
       "present: loaded at boot with its params; absent: not loaded at boot; disabled: the "
       "boot files are left alone."},
  };
  spec.examples =
      "- name: bridge traffic seen by iptables, now and at boot\n"
      "  community.general.modprobe:\n"
      "    name: br_netfilter\n"
      "    persistent: present\n"
      "- name: two dummy interfaces\n"
      "  modprobe: name=dummy params='numdummies=2' persistent=present\n";
  spec.notes =
      "Differences from Ansible: `params` must be KEY=VALUE words without quotes (Ansible's "
      "module splits them one way for modprobe and another for the options file, and rewrites "
      "the file on every run for a word without '='). Before a module is loaded, `modprobe -n` "
      "is asked whether it can be, in check mode too (Ansible's check mode asks the same). "
      "Files are written atomically; a missing directory is created (Ansible's module fails). "
      "Commented-out files are written as Ansible's module writes them, with a blank line "
      "after each line. hostprep's own `kernel_module` loads several modules per task and "
      "removes its boot files on state: absent.";
  return spec;
}

std::string Params(const Value& args) { return StringArg(args, "params"); }

// re.match(r'^ *NAME *(?:[#;].*)?\n?\Z', line): the module listed on its own.
bool ListsModule(const std::string& line, const std::string& name) {
  const std::string body = EndsWith(line, "\n") ? line.substr(0, line.size() - 1) : line;
  size_t at = body.find_first_not_of(' ');
  if (at == std::string::npos || body.compare(at, name.size(), name) != 0) return false;
  at = body.find_first_not_of(' ', at + name.size());
  return at == std::string::npos || body[at] == '#' || body[at] == ';';
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// re.match(r'^options NAME (\w+=\S+) *(?:[#;].*)?\n?\Z', line): its KEY=VALUE.
std::optional<std::string> OptionsParam(const std::string& line, const std::string& name) {
  const std::string body = EndsWith(line, "\n") ? line.substr(0, line.size() - 1) : line;
  const std::string head = "options " + name + " ";
  if (!StartsWith(body, head)) return std::nullopt;
  size_t at = head.size(), key_end = at;
  while (key_end < body.size() && IsWordChar(body[key_end])) ++key_end;
  if (key_end == at || key_end >= body.size() || body[key_end] != '=') return std::nullopt;
  size_t value_end = key_end + 1;
  while (value_end < body.size() && body[value_end] != ' ' && body[value_end] != '\t' &&
         body[value_end] != '\n' && body[value_end] != '\r' && body[value_end] != '\f' &&
         body[value_end] != '\v') {
    ++value_end;
  }
  if (value_end == key_end + 1) return std::nullopt;
  const size_t rest = body.find_first_not_of(' ', value_end);
  if (rest != std::string::npos && body[rest] != '#' && body[rest] != ';') return std::nullopt;
  return body.substr(at, value_end - at);
}

bool InDir(const std::string& path, const char* dir) {
  return StartsWith(path, std::string(dir) + "/");
}

// Comments out the lines `matches` picks in every file of `dir`, writing a
// changed file as Ansible's module does: its lines joined with "\n".
template <typename Matches>
void CommentOut(const char* dir, const Matches& matches, std::map<std::string, std::string>* files,
                std::set<std::string>* touched) {
  for (auto& [path, content] : *files) {
    if (!InDir(path, dir)) continue;
    std::vector<std::string> lines = SplitLinesKeepEnds(content);
    bool changed = false;
    for (std::string& line : lines) {
      if (matches(line)) {
        line = "#" + line;
        changed = true;
      }
    }
    if (!changed) continue;
    std::string joined;
    for (size_t i = 0; i < lines.size(); ++i) joined += (i == 0 ? "" : "\n") + lines[i];
    content = joined;
    touched->insert(path);
  }
}

}  // namespace

Result<ModprobeConf> ParseModprobeConf(const std::string& out) {
  return ParseFileListing(out, fmt::format("{} and {}", kLoadDir, kOptionsDir));
}

std::map<std::string, std::string> ModprobePersistence(const std::string& name,
                                                       const std::string& params,
                                                       const std::string& persistent,
                                                       const ModprobeConf& conf) {
  std::map<std::string, std::string> files = conf.files;
  bool persisted = false;
  std::set<std::string> permanent;
  for (const auto& [path, content] : files) {
    for (const std::string& line : SplitLinesKeepEnds(content)) {
      if (InDir(path, kLoadDir) && ListsModule(line, name)) persisted = true;
      if (InDir(path, kOptionsDir)) {
        if (std::optional<std::string> param = OptionsParam(line, name)) permanent.insert(*param);
      }
    }
  }
  const std::vector<std::string> words = PySplit(params);
  const bool params_set = std::set<std::string>(words.begin(), words.end()) == permanent;
  auto lists = [&](const std::string& line) { return ListsModule(line, name); };
  auto options = [&](const std::string& line) { return OptionsParam(line, name).has_value(); };

  std::set<std::string> touched;
  if (persistent == "present" && !(persisted && params_set)) {
    if (!persisted) {
      const std::string path = fmt::format("{}/{}.conf", kLoadDir, name);
      files[path] = name + "\n";
      touched.insert(path);
    }
    if (!params_set) {
      CommentOut(kOptionsDir, options, &files, &touched);
      std::string content;
      for (const std::string& word : words) {
        content += (content.empty() ? "" : "\n") + fmt::format("options {} {}", name, word);
      }
      const std::string path = fmt::format("{}/{}.conf", kOptionsDir, name);
      files[path] = content + "\n";
      touched.insert(path);
    }
  } else if (persistent == "absent" && (persisted || !permanent.empty())) {
    if (persisted) CommentOut(kLoadDir, lists, &files, &touched);
    if (!permanent.empty()) CommentOut(kOptionsDir, options, &files, &touched);
  }
  // Ansible counts every file it writes as a change.
  std::map<std::string, std::string> changed;
  for (const std::string& path : touched) changed[path] = files[path];
  return changed;
}

bool ModprobeLoaded(const std::string& name, const std::string& proc_modules,
                    const std::optional<std::string>& builtin) {
  const std::string listed = KernelModuleCanonicalName(name) + " ";
  for (const std::string& line : SplitLinesKeepEnds(proc_modules)) {
    if (StartsWith(line, listed)) return true;
  }
  if (!builtin) return false;
  const std::string file = "/" + name + ".ko";
  for (const std::string& line : SplitLinesKeepEnds(*builtin)) {
    if (EndsWith(Trim(line), file)) return true;  // line.rstrip().endswith(), as Ansible
  }
  return false;
}

ModprobeModule::ModprobeModule() : spec_(ModprobeSpec()) {}

void ModprobeModule::Validate(const Value& args, bool templates_pending,
                              std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  if (ready("name")) {
    const std::string problem = KernelModuleNameProblem(StringArg(args, "name"));
    if (!problem.empty()) errors->push_back({"name", problem});
  }
  if (!ready("params")) return;
  const std::string params = Params(args);
  const std::string broken = LineBreakProblem(params);
  if (!broken.empty()) {
    errors->push_back({"params", fmt::format("params {} holds {}: give KEY=VALUE words on one line",
                                             Escaped(params), broken)});
    return;
  }
  for (const std::string& word : PySplit(params)) {
    const size_t eq = word.find('=');
    bool key_ok = eq != std::string::npos && eq > 0 && eq + 1 < word.size();
    for (size_t i = 0; key_ok && i < eq; ++i) key_ok = IsWordChar(word[i]);
    if (!key_ok || word.find_first_of("\"'\\") != std::string::npos) {
      errors->push_back({"params", fmt::format("params word {} is not KEY=VALUE: give words like "
                                               "numdummies=2, without quotes",
                                               Quoted(word))});
    }
  }
}

std::vector<Read> ModprobeModule::Probe(const Value& args, const Value& facts) const {
  std::vector<Read> reads = {Read::File("/proc/modules")};
  const std::string builtin = ModulesBuiltinPath(facts);
  if (!builtin.empty()) reads.push_back(Read::File(builtin));
  if (StringArg(args, "persistent") != "disabled") {
    reads.push_back(Read::Query({"/bin/sh", "-c", scripts::kModprobeConf, "sh"}));
  }
  return reads;
}

Result<Change> ModprobeModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                    const Value& facts) const {
  const size_t probed = Probe(args, facts).size();
  if (reads.size() < probed) return Status::Error("internal error: modprobe planned without reads");
  const std::string name = StringArg(args, "name"), params = Params(args);
  const std::string state = StringArg(args, "state"), persistent = StringArg(args, "persistent");
  for (size_t i = 0; i < probed; ++i) {
    if (!reads[i].status.ok()) return reads[i].status;
  }
  if (!reads[0].content) return Status::Error("/proc/modules cannot be read on this host");
  const bool has_builtin = !ModulesBuiltinPath(facts).empty();
  const bool loaded =
      ModprobeLoaded(name, *reads[0].content, has_builtin ? reads[1].content : std::nullopt);
  Change change;
  change.result = {{"name", name}, {"params", params}, {"state", state}};
  change.command_output = false;  // Ansible registers no rc or stdout
  std::vector<std::string> argv = {"modprobe", name};
  for (const std::string& word : PySplit(params)) argv.push_back(word);
  if (state == "present" && !loaded) {
    // Can it be loaded? Asked before anything changes, in check mode too.
    if (reads.size() == probed) {
      std::vector<std::string> dry = {"modprobe", "-n"};
      dry.insert(dry.end(), argv.begin() + 1, argv.end());
      change.more_reads = {Read::Query(std::move(dry))};
      return change;
    }
    const ExecResult& dry = reads[probed].exec;
    if (!reads[probed].status.ok()) return reads[probed].status;
    if (dry.exit_code != 0) {
      return Status::Error(Trim(dry.stderr_data).empty()
                               ? fmt::format("modprobe -n {} failed (exit {})", name, dry.exit_code)
                               : Trim(dry.stderr_data));
    }
    change.actions.push_back(ExecAction(argv));
    change.diff +=
        fmt::format("{}: not loaded -> loaded{}\n", name, params.empty() ? "" : " with " + params);
  } else if (state == "absent" && loaded) {
    change.actions.push_back(ExecAction({"modprobe", "-r", name}));
    change.diff += fmt::format("{}: loaded -> not loaded\n", name);
  }
  if (persistent != "disabled") {
    Result<ModprobeConf> conf = ParseModprobeConf(reads[probed - 1].exec.stdout_data);
    if (reads[probed - 1].exec.exit_code != 0) {
      return Status::Error(fmt::format("read {} and {}: exit {}: {}", kLoadDir, kOptionsDir,
                                       reads[probed - 1].exec.exit_code,
                                       Trim(reads[probed - 1].exec.stderr_data)));
    }
    if (!conf.ok()) return conf.status();
    std::set<std::string> missing(conf->missing_dirs.begin(), conf->missing_dirs.end());
    for (const auto& [path, content] : ModprobePersistence(name, params, persistent, *conf)) {
      // A missing directory is made once, before the first file in it.
      if (missing.erase(Parent(path)) != 0) {
        change.actions.push_back(MakeAction(Action::Kind::kMakeDirectory, Parent(path), Attrs{}));
      }
      auto old = conf->files.find(path);
      change.diff += FileDiff(
          path, old == conf->files.end() ? std::nullopt : std::optional<std::string>(old->second),
          content);
      change.actions.push_back(WriteFileAction(path, content));
    }
  }
  change.changed = !change.actions.empty();
  if (change.changed)
    change.message = fmt::format("would {} {}", state == "present" ? "load" : "unload", name);
  return change;
}

Resources ModprobeModule::Declare(const Value& args) const {
  Resources r;
  if (!args.contains("name") || IsPendingTemplate(args["name"])) return r;
  const std::string name = StringArg(args, "name");
  if (StringArg(args, "state") != "absent") ProvideKernelModule(name, &r);
  return r;
}

}  // namespace hostprep::modules
