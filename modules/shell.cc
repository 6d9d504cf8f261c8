#include "modules/shell.h"

#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgDef Text(const char* name, const char* description) {
  return {name, ArgType::kString, false, nullptr, {}, {}, description};
}

ArgSpec ShellSpec() {
  ArgSpec spec;
  spec.name = "shell";
  spec.ansible_names = {"ansible.builtin.shell", "ansible.legacy.shell"};
  spec.summary = "run a command line through a shell on the target";
  spec.description =
      "Runs `cmd` with `executable -c` (/bin/sh by default) on the target, so pipes, "
      "redirections, globs and variables work, and reports it as changed, unless `creates` "
      "names a path that exists or `removes` names one that does not: then it is not run and "
      "the task is ok, with rc 0 and Ansible's message. A value from a variable written into "
      "`cmd` becomes shell code: quote it with the `quote` filter, or use `command` with `argv`.";
  spec.free_form_arg = "cmd";
  spec.free_form_keys = {"creates", "removes", "chdir", "executable", "stdin", "stdin_add_newline"};
  spec.args = {
      Text("cmd", "The command line, run by the shell."),
      Text("executable", "The shell that runs `cmd` with -c, an absolute path (default /bin/sh)."),
      Text("chdir", "Change into this directory before running the command."),
      Text("creates", "A path; when it exists the command is not run (relative to `chdir`)."),
      Text("removes",
           "A path; when it does not exist the command is not run (relative to `chdir`)."),
      Text("stdin", "Text sent to the command's standard input."),
      {"stdin_add_newline",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "End the standard input with a newline (as Ansible does by default)."},
  };
  spec.required_one_of = {{"cmd"}};
  spec.examples =
      "- name: count the listening sockets\n"
      "  shell: ss -Htln | wc -l\n"
      "  register: listening\n"
      "  changed_when: false\n"
      "- name: build once\n"
      "  shell: ./configure && make\n"
      "  args:\n"
      "    chdir: /usr/src/app\n"
      "    creates: /usr/src/app/app\n"
      "    executable: /bin/bash\n";
  spec.notes =
      "As Ansible's shell module. In check mode the command is not run: the task is skipped "
      "(\"would run: ...\"), unless creates or removes tell what would happen. The task always "
      "reports changed when the command runs; use changed_when and failed_when to refine that.";
  return spec;
}

// The command module's arguments for the same work.
Value CommandArgs(const Value& args) {
  Value out = args;
  out["shell"] = true;
  return out;
}

}  // namespace

ShellModule::ShellModule() : spec_(ShellSpec()) {}

void ShellModule::Validate(const Value& args, bool templates_pending,
                           std::vector<ArgError>* errors) const {
  command_.Validate(CommandArgs(args), templates_pending, errors);
}

std::vector<Read> ShellModule::Probe(const Value& args, const Value& facts) const {
  return command_.Probe(CommandArgs(args), facts);
}

Result<Change> ShellModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                 const Value& facts) const {
  Result<Change> change = command_.Plan(CommandArgs(args), reads, facts);
  if (!change.ok()) return change;
  const std::string cmd = StringArg(args, "cmd");
  if (!change->actions.empty()) {
    change->message = "would run: " + cmd;
    change->result["cmd"] = cmd;
  }
  return change;
}

}  // namespace hostprep::modules
