#include "modules/debug.h"

namespace hostprep::modules {

DebugModule::DebugModule() {
  spec_.name = "debug";
  spec_.ansible_names = {"ansible.builtin.debug", "ansible.legacy.debug"};
  spec_.summary = "show a message or a variable's value, on the controller";
  spec_.description =
      "Shows `msg` or the value of `var` under the task's line, as indented JSON, whatever "
      "the output's verbosity: the way to see a value while a playbook runs. Reads nothing "
      "on the host and changes nothing: ok, or skipped when the run has fewer -v than "
      "`verbosity`. The registered result holds `msg` (or the variable's name with its "
      "value).";
  spec_.args = {
      {"msg", ArgType::kRaw, false, nullptr, {}, {}, "The message: text, or any value."},
      {"var",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A variable name or expression (no braces) whose value is shown; \"VARIABLE IS NOT "
       "DEFINED!\" when it is undefined.",
       false,
       true},
      {"verbosity",
       ArgType::kInt,
       false,
       0,
       {},
       {},
       "Show only when the run has at least this many -v; skipped otherwise."},
  };
  spec_.mutually_exclusive = {{"msg", "var"}};
  spec_.examples =
      "- name: where the node is\n"
      "  debug:\n"
      "    msg: \"{{ inventory_hostname }} runs {{ ansible_distribution }}\"\n"
      "- name: the whole registered result, with -v only\n"
      "  debug:\n"
      "    var: install_result\n"
      "    verbosity: 1\n";
  spec_.notes =
      "As Ansible's debug action, which also runs on the controller. `msg` and `var` together "
      "are refused when the playbook is read (Ansible fails the task).";
}

std::vector<Read> DebugModule::Probe(const Value& args, const Value&) const {
  std::vector<Read> reads;
  if (args.value("verbosity", 0) > 0) reads.push_back(Read::Setting("verbosity"));
  if (args.contains("var")) reads.push_back(Read::Evaluate(args["var"].get<std::string>()));
  return reads;
}

Result<Change> DebugModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                 const Value&) const {
  for (const ReadResult& r : reads) {
    if (!r.status.ok()) return r.status;
  }
  Change change;
  size_t next = 0;
  if (args.value("verbosity", 0) > 0) {
    const ReadResult& setting = reads.at(next++);
    if (setting.value.get<int>() < args["verbosity"].get<int>()) {
      change.skipped = true;
      change.skip_reason = "Verbosity threshold not met.";
      return change;
    }
  }
  Value shown = Value::object();
  if (args.contains("var")) {
    shown[args["var"].get<std::string>()] = reads.at(next).value;
  } else {
    shown["msg"] = args.contains("msg") ? args["msg"] : Value("Hello world!");
  }
  change.result = shown;
  change.display = std::move(shown);
  return change;
}

}  // namespace hostprep::modules
