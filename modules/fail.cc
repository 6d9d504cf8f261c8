#include "modules/fail.h"

namespace hostprep::modules {

FailModule::FailModule() {
  spec_.name = "fail";
  spec_.ansible_names = {"ansible.builtin.fail", "ansible.legacy.fail"};
  spec_.summary = "fail the task with a message, on the controller";
  spec_.description =
      "Fails the task for the host with `msg`: with `when`, the way a playbook stops a host "
      "that does not meet a requirement. Reads nothing on the host and changes nothing.";
  spec_.args = {
      {"msg",
       ArgType::kRaw,
       false,
       "Failed as requested from task",
       {},
       {},
       "The message the failure shows and registers."},
  };
  spec_.examples =
      "- name: refuse an unsupported release\n"
      "  fail:\n"
      "    msg: \"{{ ansible_distribution }} {{ ansible_distribution_version }} is not "
      "supported\"\n"
      "  when: ansible_distribution_major_version | int < 12\n";
  spec_.notes = "As Ansible's fail action, which also runs on the controller.";
}

std::vector<Read> FailModule::Probe(const Value&, const Value&) const { return {}; }

Result<Change> FailModule::Plan(const Value& args, const std::vector<ReadResult>&,
                                const Value&) const {
  Change change;
  change.failed = true;
  change.result["msg"] = args["msg"];
  change.message = args["msg"].is_string() ? args["msg"].get<std::string>() : ToText(args["msg"]);
  return change;
}

}  // namespace hostprep::modules
