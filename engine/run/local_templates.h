// Template files on the controller as Ansible's template action renders
// them: the variables it adds over the task's, and where `{% include %}`
// and `{% import %}` look. Shared by the template writer (task_executor)
// and the template lookup (controller_lookups).
#ifndef HOSTPREP_ENGINE_RUN_LOCAL_TEMPLATES_H_
#define HOSTPREP_ENGINE_RUN_LOCAL_TEMPLATES_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/run/read_source.h"
#include "engine/template/evaluator.h"
#include "engine/template/variables.h"

namespace hostprep {

// Files read straight from this machine, as a ReadSource: what templates
// rendered outside a host's run (lookups, `hostprep template`) read.
// Nothing about hosts is ever asked of it.
class ControllerFiles : public ReadSource {
 public:
  std::optional<ReadResult> Find(const Become&, const RemoteRead&) const override {
    return std::nullopt;
  }
  std::optional<std::string> ReadLocal(const std::string& path) const override;
  FileInfo StatLocal(const std::string& path) const override;
};

// Checks an ansible_managed setting (ansible.cfg) as Python's str.format
// would take it: {host}, {uid} and {file} are the only fields, "{{" and "}}"
// are braces. The error says which field is unknown.
Status CheckManagedFormat(const std::string& format);

// A scope over `task_vars` with what Ansible's template action adds for the
// template the task names `given` and that was found at `found`:
// template_path (`given`, as Ansible 2.14 gives it), template_fullpath
// (`found`, absolute), template_host, template_uid, and ansible_managed:
// `managed_format` with {host}, {uid} and {file} (`given`) filled in and
// strftime applied with the file's modification time. Reads the file's
// owner and mtime and the machine's host name. `task_vars` must outlive it.
Variables TemplateVars(const Variables& task_vars, const std::string& given,
                       const std::string& found, const std::string& managed_format);

// What a template's {% include %} and {% import %} find, as Ansible's
// template action searches: beside the template first, then the task's
// search paths (their templates/ directories, then themselves), then the
// playbook's directory. Borrows everything it is given.
class LocalTemplateLoader : public TemplateLoader {
 public:
  LocalTemplateLoader(const ReadSource& source, const std::string& template_path,
                      const std::vector<std::string>& search_paths, const std::string& play_dir);
  Result<std::optional<Found>> Load(const std::string& name) const override;

 private:
  const ReadSource& source_;
  const std::vector<std::string>& search_paths_;
  const std::string& play_dir_;
  std::string dir_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_LOCAL_TEMPLATES_H_
