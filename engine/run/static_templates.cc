#include "engine/run/static_templates.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/run/local_files.h"
#include "engine/template/templar.h"
#include "engine/template/template_parser.h"

namespace hostprep {

namespace {

bool HoldsTemplate(const Value& v) {
  if (v.is_string()) return NeedsRendering(v.get_ref<const std::string&>());
  if (v.is_array() || v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (v.is_object() && NeedsRendering(it.key())) return true;
      if (HoldsTemplate(it.value())) return true;
    }
  }
  return false;
}

// A template's parse error, "<path>:<line>:<col>: <detail>\n<line>\n<caret>",
// as a diagnostic located in the template (Diagnostics prints the line).
Diagnostic FromParseError(const std::string& path, const std::string& message) {
  Diagnostic d;
  d.location.file = path;
  std::string rest = message.substr(0, message.find('\n'));
  if (rest.rfind(path + ":", 0) == 0) {
    rest = rest.substr(path.size() + 1);
    size_t used = 0;
    try {
      d.location.line = std::stoi(rest, &used);
      rest = rest.substr(used + 1);
      d.location.column = std::stoi(rest, &used);
      rest = rest.substr(used + 2);
    } catch (const std::exception&) {
      rest = message.substr(0, message.find('\n'));
    }
  }
  d.message = rest;
  return d;
}

void CheckTask(const TaskSpec& task, const Play& play, const ModuleRegistry& modules,
               std::set<std::string>* seen, Diagnostics* diags) {
  const Module* module = modules.Find(task.module);
  if (module == nullptr || HoldsTemplate(task.args)) return;
  for (const Read& read : module->Probe(task.args, Value::object())) {
    if (read.kind != Read::Kind::kLocalFile || !read.render) continue;
    const std::string path = FindLocalFile(read.path, "templates", task.search_paths, play.dir);
    if (!seen->insert(path).second) continue;  // one report per template
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    std::ostringstream text;
    text << in.rdbuf();
    TemplateOptions options;
    options.origin = path;
    options.trim_blocks = read.trim_blocks;
    options.lstrip_blocks = read.lstrip_blocks;
    Result<ParsedTemplate> parsed = ParseTemplate(text.str(), options);
    if (parsed.ok()) continue;
    Diagnostic d = FromParseError(path, parsed.message());
    diags->Add(d.location, d.message + " (the template of task '" + task.DisplayName() + "' at " +
                               task.location.ToString() + ")");
  }
}

}  // namespace

void CheckStaticTemplates(const Play& play, const ModuleRegistry& modules, Diagnostics* diags) {
  std::set<std::string> seen;
  for (const TaskSpec& task : play.tasks) CheckTask(task, play, modules, &seen, diags);
  for (const TaskSpec& task : play.handlers) CheckTask(task, play, modules, &seen, diags);
}

}  // namespace hostprep
