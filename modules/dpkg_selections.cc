#include "modules/dpkg_selections.h"

#include <fmt/format.h>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec DpkgSelectionsSpec() {
  ArgSpec spec;
  spec.name = "dpkg_selections";
  spec.ansible_names = {"ansible.builtin.dpkg_selections", "ansible.legacy.dpkg_selections"};
  spec.summary = "hold a Debian package at its version, or set another dpkg selection";
  spec.description =
      "Ansible's dpkg_selections module: sets the dpkg selection of one package (`hold` "
      "keeps apt from upgrading it, as `apt-mark hold` does; `install`, `deinstall`, "
      "`purge`) when it differs from what `dpkg --get-selections` reports. Registers "
      "`before` (the selection read, or `not present`) and `after`. The read rides in the "
      "probe round trip.";
  spec.args = {
      {"name", ArgType::kString, true, nullptr, {}, {}, "The package."},
      {"selection",
       ArgType::kString,
       true,
       nullptr,
       {"install", "hold", "deinstall", "purge"},
       {},
       "The selection to set."},
  };
  spec.examples =
      "- name: kubelet stays at its version\n"
      "  ansible.builtin.dpkg_selections:\n"
      "    name: kubelet\n"
      "    selection: hold\n";
  spec.notes =
      "As Ansible's: a package dpkg does not know is `not present`, and setting its "
      "selection is a change on every run (dpkg ignores it). A name holding a blank or a "
      "line break is refused at validate time: it would become more words or lines of "
      "dpkg's input.";
  return spec;
}

}  // namespace

std::string ParseDpkgSelection(const std::string& out) {
  const std::vector<std::string> words = PySplit(out);
  if (words.empty()) return "not present";
  return words.size() > 1 ? words[1] : "";
}

DpkgSelectionsModule::DpkgSelectionsModule() : spec_(DpkgSelectionsSpec()) {}

void DpkgSelectionsModule::Validate(const Value& args, bool templates_pending,
                                    std::vector<ArgError>* errors) const {
  (void)templates_pending;
  const std::string name = StringArg(args, "name");
  if (IsPendingTemplate(args.value("name", Value()))) return;
  if (name.empty()) {
    errors->push_back({"name", "argument 'name' is empty: give the package"});
  } else if (PySplit(name).size() != 1 || PySplit(name)[0] != name) {
    errors->push_back({"name", fmt::format("{} is not a package name: it holds a blank or a line "
                                           "break, which would reach dpkg as more input",
                                           Quoted(name))});
  }
}

std::vector<Read> DpkgSelectionsModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  return {Read::Query({"dpkg", "--get-selections", "--", StringArg(args, "name")})};
}

Result<Change> DpkgSelectionsModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                          const Value& facts) const {
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: no dpkg_selections read");
  const ReadResult& read = reads[0];
  if (!read.status.ok()) return read.status;
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("'dpkg --get-selections' failed (rc={}): {}",
                                     read.exec.exit_code, Trim(read.exec.stderr_data)));
  }
  const std::string name = StringArg(args, "name");
  const std::string selection = StringArg(args, "selection");
  const std::string before = ParseDpkgSelection(read.exec.stdout_data);
  Change change;
  change.changed = before != selection;
  change.result["before"] = before;
  change.result["after"] = selection;
  if (!change.changed) return change;
  Action set = ExecAction({"dpkg", "--set-selections"});
  set.stdin_data = name + " " + selection;
  change.actions.push_back(std::move(set));
  change.diff = fmt::format("- {} {}\n+ {} {}\n", name, before, name, selection);
  change.message = fmt::format("would set {}'s selection: {} -> {}", name, before, selection);
  return change;
}

}  // namespace hostprep::modules
