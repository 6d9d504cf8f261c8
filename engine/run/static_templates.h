// Template files that a play names with a literal path (`file`'s
// `template: sshd_config.j2` in a role), parsed before any host is
// contacted: a syntax error or an unknown filter in one fails
// `hostprep validate` and the start of a run with the template's
// file:line:col, where Ansible finds it only when the task runs.
//
// Reads the controller's file system; pure otherwise.
#ifndef HOSTPREP_ENGINE_RUN_STATIC_TEMPLATES_H_
#define HOSTPREP_ENGINE_RUN_STATIC_TEMPLATES_H_

#include "engine/base/source.h"
#include "engine/module/registry.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

// Adds one diagnostic per template of `play`'s tasks and handlers that does
// not parse: located in the template, naming the task. Tasks whose
// arguments hold a template (`template: "{{ os }}.j2"`) are left to the
// run, which knows the variables; a template that is not there is left to
// the module, which says so for the host it runs on.
void CheckStaticTemplates(const Play& play, const ModuleRegistry& modules, Diagnostics* diags);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_STATIC_TEMPLATES_H_
