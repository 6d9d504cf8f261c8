#include "modules/command.h"

#include <fmt/format.h>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec CommandSpec() {
  ArgSpec spec;
  spec.name = "command";
  spec.ansible_names = {"ansible.builtin.command", "ansible.legacy.command"};
  spec.summary = "run a command on the target";
  spec.description =
      "Runs a program on the target and reports it as changed, unless `creates` names a "
      "path that exists or `removes` names one that does not: then it is not run and the "
      "task is ok, with rc 0 and Ansible's message. The command line in `cmd` is "
      "split into words with shell quoting rules but no shell features: `|`, `;`, `>`, `$VAR` "
      "and `*` are passed to the program as they are. Use `shell: true` to run `cmd` with "
      "/bin/sh -c, or `argv` to give the words as a list. Values from variables never become "
      "shell code unless `shell: true` is asked for.";
  spec.free_form_arg = "cmd";
  // As Ansible reads `command: kubeadm init creates=/etc/kubernetes/admin.conf`.
  spec.free_form_keys = {"creates", "removes", "chdir", "executable", "stdin",
                         "stdin_add_newline", "strip_empty_ends"};
  spec.args = {
      {"cmd",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The command line: words split with shell quoting, without expansion."},
      {"argv",
       ArgType::kList,
       false,
       nullptr,
       {},
       {},
       "The program and its arguments as a list; nothing is split or quoted."},
      {"shell",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Run `cmd` through /bin/sh -c, with pipes, redirections and variables."},
      {"executable",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "With `shell: true`: the shell that runs `cmd`, an absolute path (default /bin/sh). "
       "Without a shell it is not used, as in Ansible."},
      {"chdir",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Change into this directory before running the command."},
      {"creates",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A path; when it exists the command is not run (relative to `chdir`)."},
      {"removes",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A path; when it does not exist the command is not run (relative to `chdir`)."},
      {"stdin",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Text sent to the command's standard input."},
      {"stdin_add_newline",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "End the standard input with a newline (as Ansible does by default)."},
  };
  spec.mutually_exclusive = {{"cmd", "argv"}};
  spec.required_one_of = {{"cmd", "argv"}};
  spec.examples =
      "- name: initialise the cluster once\n"
      "  command: kubeadm init --config /etc/kubeadm.yaml\n"
      "  args:\n"
      "    creates: /etc/kubernetes/admin.conf\n"
      "- name: a pipeline needs a shell\n"
      "  command:\n"
      "    cmd: dmesg | tail -n 20\n"
      "    shell: true\n";
  spec.notes =
      "Like Ansible's command module, `cmd` is not run by a shell. The task always reports "
      "changed when the command runs; use changed_when and failed_when to refine that. In "
      "check mode the command is not run: as in Ansible, the task is skipped (\"would run: "
      "...\"), unless creates or removes tell what would happen: then it reports changed when "
      "the command would run and ok when it would not.";
  return spec;
}

// Relative `creates`/`removes` are relative to `chdir`, as in Ansible.
std::string UnderChdir(const Value& args, const std::string& path) {
  const std::string dir = StringArg(args, "chdir");
  if (path.empty() || StartsWith(path, "/") || dir.empty()) return path;
  return (EndsWith(dir, "/") ? dir : dir + "/") + path;
}

Result<std::vector<std::string>> CommandArgv(const Value& args) {
  if (args.contains("argv")) return args["argv"].get<std::vector<std::string>>();
  const std::string cmd = StringArg(args, "cmd");
  if (args.value("shell", false)) {
    const std::string shell = StringArg(args, "executable");
    return std::vector<std::string>{shell.empty() ? "/bin/sh" : shell, "-c", cmd};
  }
  return SplitCommandLine(cmd);
}

}  // namespace

Result<std::vector<std::string>> SplitCommandLine(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\n') {
      ++i;  // a line continuation joins the lines
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const size_t end = line.find('\'', i + 1);
      if (end == std::string::npos) {
        return Status::Error(fmt::format("unterminated single quote in command: {}", line));
      }
      word += line.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= line.size()) {
          return Status::Error(fmt::format("unterminated double quote in command: {}", line));
        }
        if (line[i] == '"') break;
        if (line[i] == '\\' && i + 1 < line.size() &&
            std::string_view("\"\\$`\n").find(line[i + 1]) != std::string_view::npos) {
          if (line[++i] != '\n') word += line[i];
        } else {
          word += line[i];
        }
      }
    } else if (c == '\\') {
      if (i + 1 == line.size()) {
        return Status::Error(fmt::format("command ends with a lone backslash: {}", line));
      }
      word += line[++i];
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string DisplayArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + ShellQuote(a);
  return out;
}

CommandModule::CommandModule() : spec_(CommandSpec()) {}

void CommandModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (args.contains("cmd") && !IsPendingTemplate(args["cmd"])) {
    Result<std::vector<std::string>> words = SplitCommandLine(StringArg(args, "cmd"));
    if (!words.ok() && !args.value("shell", false)) {
      errors->push_back({"cmd", words.message()});
    } else if (Trim(StringArg(args, "cmd")).empty()) {
      errors->push_back({"cmd", "argument 'cmd' is empty: give the command to run"});
    }
  }
  if (args.contains("executable") && !IsPendingTemplate(args["executable"]) &&
      !StartsWith(StringArg(args, "executable"), "/")) {
    errors->push_back({"executable", fmt::format("'executable' must be an absolute path, not '{}'",
                                                 StringArg(args, "executable"))});
  }
  if (args.contains("argv") && args["argv"].is_array()) {
    if (args["argv"].empty()) {
      errors->push_back({"argv", "argument 'argv' is empty: give the program and its arguments"});
    } else if (args.value("shell", false)) {
      errors->push_back(
          {"shell",
           "'shell: true' runs 'cmd' through /bin/sh; with 'argv' there is nothing to "
           "give a shell (use cmd)"});
    }
  }
}

std::vector<Read> CommandModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads;
  if (args.contains("creates")) reads.push_back(Read::Stat(UnderChdir(args, args["creates"])));
  if (args.contains("removes")) reads.push_back(Read::Stat(UnderChdir(args, args["removes"])));
  return reads;
}

Result<Change> CommandModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  (void)facts;
  Change change;
  size_t next = 0;
  for (const char* key : {"creates", "removes"}) {
    if (!args.contains(key)) continue;
    if (next >= reads.size()) {
      return Status::Error(fmt::format("internal error: no stat result for '{}'", key));
    }
    const ReadResult& read = reads[next++];
    if (!read.status.ok()) return read.status;
    const std::string path = UnderChdir(args, args[key]);
    const bool creates = std::string(key) == "creates";
    if (read.stat.exists() == creates) {
      // Not run, and ok: what Ansible's command module answers.
      const std::string why = creates ? path + " exists" : path + " does not exist";
      change.message = "not run: " + why;
      change.result["rc"] = 0;
      change.result["stdout"] = "skipped, since " + why;
      change.result["stdout_lines"] = Value::array({"skipped, since " + why});
      change.result["stderr"] = "";
      change.result["stderr_lines"] = Value::array();
      change.result["msg"] = fmt::format("Did not run command since '{}' {}", path,
                                         creates ? "exists" : "does not exist");
      return change;
    }
  }

  Result<std::vector<std::string>> argv = CommandArgv(args);
  if (!argv.ok()) return argv.status();
  Action action;
  action.kind = Action::Kind::kExec;
  action.argv = *argv;
  if (args.contains("chdir")) {
    std::string dir = StringArg(args, "chdir");
    if (StartsWith(dir, "-")) dir = "./" + dir;
    action.argv = {"sh", "-c", "cd \"$1\" || exit 1; shift; exec \"$@\"", "sh", dir};
    action.argv.insert(action.argv.end(), argv->begin(), argv->end());
  }
  action.stdin_data = StringArg(args, "stdin");
  // Ansible's stdin_add_newline, on by default: the input ends with a newline.
  if (!action.stdin_data.empty() && args.value("stdin_add_newline", true)) {
    action.stdin_data += "\n";
  }
  change.changed = true;
  change.predictable = args.contains("creates") || args.contains("removes");
  change.actions.push_back(std::move(action));
  change.message = "would run: " + DisplayArgv(*argv);
  change.result["cmd"] = *argv;
  return change;
}

}  // namespace hostprep::modules
