// Test support for the playbook parser tests: a temporary directory to write
// playbooks into (so diagnostics show the source line and caret), and a
// registry of small test modules shaped like the real ones.
#ifndef HOSTPREP_TESTS_ENGINE_PLAYBOOK_PLAYBOOK_FIXTURE_H_
#define HOSTPREP_TESTS_ENGINE_PLAYBOOK_PLAYBOOK_FIXTURE_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"
#include "engine/module/registry.h"
#include "engine/playbook/playbook.h"

namespace hostprep::testing {

// A module with a fixed spec and an optional Validate; the parser only ever
// calls spec() and Validate().
class SpecModule : public Module {
 public:
  using Validator = void (*)(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors);
  explicit SpecModule(ArgSpec spec, Validator validate = nullptr)
      : spec_(std::move(spec)), validate_(validate) {}
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override {
    if (validate_ != nullptr) validate_(args, templates_pending, errors);
  }
  std::vector<Read> Probe(const Value&, const Value&) const override { return {}; }
  Result<Change> Plan(const Value&, const std::vector<ReadResult>&, const Value&) const override {
    return Status::Error("test module: not planned in parser tests");
  }

 private:
  ArgSpec spec_;
  Validator validate_;
};

inline ArgDef Arg(std::string name, ArgType type, bool required = false,
                  std::vector<std::string> choices = {}, std::vector<std::string> aliases = {}) {
  ArgDef def;
  def.name = std::move(name);
  def.type = type;
  def.required = required;
  def.choices = std::move(choices);
  def.aliases = std::move(aliases);
  return def;
}

// "file" refuses content with state directory, as the real one will.
inline void ValidateFile(const Value& args, bool, std::vector<ArgError>* errors) {
  if (args.value("state", "") == "directory" && args.contains("content")) {
    errors->push_back({"content", "argument 'content' cannot be used with state 'directory'"});
  }
}

inline void RegisterTestModules(ModuleRegistry* registry) {
  ArgSpec file;
  file.name = "file";
  file.ansible_names = {"ansible.builtin.file"};
  file.args = {Arg("path", ArgType::kString, true, {}, {"dest"}),
               Arg("state", ArgType::kString, false, {"absent", "directory", "file", "touch"}),
               Arg("mode", ArgType::kMode), Arg("content", ArgType::kString)};
  registry->Register(std::make_unique<SpecModule>(file, &ValidateFile));

  ArgSpec command;
  command.name = "command";
  command.free_form_arg = "cmd";
  command.args = {Arg("cmd", ArgType::kString, true), Arg("creates", ArgType::kString),
                  Arg("removes", ArgType::kString), Arg("chdir", ArgType::kString)};
  registry->Register(std::make_unique<SpecModule>(command));

  ArgSpec service;
  service.name = "service";
  service.args = {Arg("name", ArgType::kString, true),
                  Arg("state", ArgType::kString, false, {"started", "stopped", "restarted"}),
                  Arg("enabled", ArgType::kBool)};
  registry->Register(std::make_unique<SpecModule>(service));

  ArgSpec sysctl;
  sysctl.name = "sysctl";
  sysctl.args = {Arg("file", ArgType::kString), Arg("values", ArgType::kMap),
                 Arg("name", ArgType::kString), Arg("value", ArgType::kString)};
  registry->Register(std::make_unique<SpecModule>(sysctl));

  // Ansible's, taking the short name `sysctl` unless hostprep's arguments are used.
  ArgSpec ansible_sysctl;
  ansible_sysctl.name = "ansible.posix.sysctl";
  ansible_sysctl.ansible_names = {"sysctl", "ansible.builtin.sysctl"};
  ansible_sysctl.args = {Arg("name", ArgType::kString, true, {}, {"key"}),
                         Arg("value", ArgType::kString, false, {}, {"val"}),
                         Arg("sysctl_file", ArgType::kString), Arg("sysctl_set", ArgType::kBool)};
  registry->Register(std::make_unique<SpecModule>(ansible_sysctl));

  ArgSpec kernel_module;
  kernel_module.name = "kernel_module";
  kernel_module.args = {Arg("name", ArgType::kList, true),
                        Arg("state", ArgType::kString, false, {"present", "absent"}),
                        Arg("persist", ArgType::kBool)};
  registry->Register(std::make_unique<SpecModule>(kernel_module));
}

// The display names of a play's tasks, a flush written as "FLUSH".
inline std::vector<std::string> TaskNames(const std::vector<TaskSpec>& tasks) {
  std::vector<std::string> out;
  for (const TaskSpec& t : tasks)
    out.push_back(t.kind == TaskKind::kFlushHandlers ? "FLUSH" : t.DisplayName());
  return out;
}

struct ParseOutcome {
  std::unique_ptr<Playbook> playbook;
  std::string errors;  // Diagnostics::Format() with the temp dir written as DIR
  // Each diagnostic's first line, "DIR/site.yml:5:7: message\n".
  std::string messages;
};

// Owns a temp dir under /tmp (removed on destruction) and the test modules.
// Roles are looked for in the playbook's directory only: ANSIBLE_ROLES_PATH
// names a directory that does not exist while the fixture lives.
class PlaybookFixture {
 public:
  PlaybookFixture() {
    char tmpl[] = "/tmp/hostprep-playbook-test-XXXXXX";
    char* made = mkdtemp(tmpl);
    dir_ = made != nullptr ? made : "";
    RegisterTestModules(&modules_);
    if (const char* old = getenv("ANSIBLE_ROLES_PATH")) old_roles_path_ = old;
    setenv("ANSIBLE_ROLES_PATH", "/nonexistent/roles", 1);
  }
  ~PlaybookFixture() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    if (old_roles_path_) {
      setenv("ANSIBLE_ROLES_PATH", old_roles_path_->c_str(), 1);
    } else {
      unsetenv("ANSIBLE_ROLES_PATH");
    }
  }
  PlaybookFixture(const PlaybookFixture&) = delete;
  PlaybookFixture& operator=(const PlaybookFixture&) = delete;

  const std::string& dir() const { return dir_; }
  const ModuleRegistry& modules() const { return modules_; }

  // Writes `text` to DIR/name (creating directories) and returns the path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::filesystem::path path = std::filesystem::path(dir_) / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  // Writes `text` as DIR/site.yml and parses it.
  ParseOutcome Parse(const std::string& text, const std::string& name = "site.yml") const {
    Diagnostics diags;
    ParseOutcome out;
    out.playbook = ParsePlaybook(Write(name, text), modules_, &diags);
    out.errors = WithoutDir(diags.Format());
    for (const Diagnostic& d : diags.items()) {
      out.messages += WithoutDir(d.location.ToString() + ": " + d.message) + "\n";
    }
    return out;
  }

  // `text` with the temp dir written as DIR.
  std::string WithoutDir(std::string text) const {
    for (size_t at; (at = text.find(dir_)) != std::string::npos;)
      text.replace(at, dir_.size(), "DIR");
    return text;
  }

 private:
  std::string dir_;
  ModuleRegistry modules_;
  std::optional<std::string> old_roles_path_;
};

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_ENGINE_PLAYBOOK_PLAYBOOK_FIXTURE_H_
