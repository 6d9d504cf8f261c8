#include "modules/assert.h"

#include <string>

namespace hostprep::modules {

namespace {

// `that` as the list of condition texts it stands for.
std::vector<std::string> Conditions(const Value& that) {
  std::vector<std::string> out;
  if (that.is_array()) {
    for (const Value& v : that) out.push_back(v.is_string() ? v.get<std::string>() : ToText(v));
  } else {
    out.push_back(that.is_string() ? that.get<std::string>() : ToText(that));
  }
  return out;
}

// A message argument: a string, or a list of strings (shown as a list).
bool IsMessage(const Value& v) {
  if (v.is_string()) return true;
  if (!v.is_array()) return false;
  for (const Value& item : v) {
    if (!item.is_string()) return false;
  }
  return true;
}

}  // namespace

AssertModule::AssertModule() {
  spec_.name = "assert";
  spec_.ansible_names = {"ansible.builtin.assert", "ansible.legacy.assert"};
  spec_.summary = "check conditions, on the controller, and fail when one does not hold";
  spec_.description =
      "Evaluates each condition of `that` in order, as `when` evaluates one; the first that "
      "is false fails the task with `fail_msg`, and the registered result names it "
      "(`assertion`, `evaluated_to`). When all hold the task is ok and shows `success_msg` "
      "unless `quiet`. Reads nothing on the host and changes nothing.";
  spec_.args = {
      {"that",
       ArgType::kRaw,
       true,
       nullptr,
       {},
       {},
       "A condition, or a list of them, written as for `when` (no braces needed).",
       false,
       true},
      {"fail_msg",
       ArgType::kRaw,
       false,
       "Assertion failed",
       {},
       {"msg"},
       "The message when a condition is false: a string or a list of strings."},
      {"success_msg",
       ArgType::kRaw,
       false,
       "All assertions passed",
       {},
       {},
       "The message when all conditions hold: a string or a list of strings."},
      {"quiet", ArgType::kBool, false, false, {}, {}, "Do not show the success message."},
  };
  spec_.examples =
      "- name: the node is big enough for a control plane\n"
      "  assert:\n"
      "    that:\n"
      "      - ansible_memtotal_mb >= 1700\n"
      "      - ansible_processor_vcpus >= 2\n"
      "    fail_msg: \"{{ inventory_hostname }} needs 2 CPUs and 1.7 GiB of memory\"\n"
      "    quiet: true\n";
  spec_.notes =
      "As Ansible's assert action, which also runs on the controller. A condition that does "
      "not give true or false fails the task as a `when` would (see --allow-broken-conditionals).";
}

void AssertModule::Validate(const Value& args, bool templates_pending,
                            std::vector<ArgError>* errors) const {
  (void)templates_pending;
  const Value& that = args.value("that", Value());
  if (that.is_object() || (that.is_array() && that.empty()) ||
      (that.is_string() && that.get<std::string>().empty())) {
    errors->push_back({"that", "'that' must be a condition or a non-empty list of conditions"});
  }
  for (const char* key : {"fail_msg", "success_msg"}) {
    if (!args.contains(key) || IsPendingTemplate(args[key])) continue;
    if (!IsMessage(args[key])) {
      const std::string type = TypeName(args[key]);
      const char* article = type[0] == 'i' ? "an " : "a ";
      errors->push_back({key, std::string("'") + key +
                                  "' must be a string or a list of strings, got " + article +
                                  type});
    }
  }
}

std::vector<Read> AssertModule::Probe(const Value& args, const Value&) const {
  std::vector<Read> reads;
  for (const std::string& condition : Conditions(args["that"])) {
    reads.push_back(Read::Condition(condition));
  }
  return reads;
}

Result<Change> AssertModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                  const Value&) const {
  const std::vector<std::string> conditions = Conditions(args["that"]);
  Change change;
  for (size_t i = 0; i < conditions.size() && i < reads.size(); ++i) {
    if (!reads[i].status.ok()) return reads[i].status.WithContext("assert");
    if (reads[i].value.get<bool>()) continue;
    const Value& message = args["fail_msg"];
    change.failed = true;
    change.message = message.is_string() ? message.get<std::string>() : ToText(message);
    change.result =
        Value::object({{"assertion", conditions[i]}, {"evaluated_to", false}, {"msg", message}});
    change.display = change.result;
    change.display["changed"] = false;  // as Ansible shows it
    return change;
  }
  change.result["msg"] = args["success_msg"];
  if (!args["quiet"].get<bool>()) {
    change.display = Value::object({{"changed", false}, {"msg", args["success_msg"]}});
  }
  return change;
}

}  // namespace hostprep::modules
