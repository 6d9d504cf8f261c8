#include "engine/playbook/role_arg_specs.h"

#include <fmt/format.h>

#include <filesystem>

#include "engine/module/role_arg_spec.h"
#include "engine/playbook/keywords.h"
#include "engine/template/templar.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace {

// Whether `v` holds a template anywhere (its value depends on the host).
bool HoldsTemplateValue(const Value& v) {
  if (v.is_string()) return IsTemplate(v.get<std::string>());
  if (v.is_array() || v.is_object()) {
    for (const Value& item : v)
      if (HoldsTemplateValue(item)) return true;
  }
  return false;
}

// The options with what the check reads, and not their documentation
// (a description may well show "{{ }}", which must not be rendered).
Value ValidationOnly(const Value& options) {
  static const char* kKept[] = {"type",     "required", "default", "choices",
                                "elements", "options",  "aliases", "no_log"};
  Value out = Value::object();
  for (auto it = options.begin(); it != options.end(); ++it) {
    Value spec = Value::object();
    if (it.value().is_object()) {
      for (const char* key : kKept) {
        if (!it.value().contains(key)) continue;
        spec[key] =
            std::string(key) == "options" ? ValidationOnly(it.value()[key]) : it.value()[key];
      }
    }
    out[it.key()] = std::move(spec);
  }
  return out;
}

std::string Joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace

Value ReadRoleArgSpecs(const YAML::Node& node, FieldReader* reader) {
  Value out = Value::object();
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsMap()) {
    reader->Error(node, fmt::format("'argument_specs' must be a mapping of entry points (main, "
                                    "or a tasks_from name) to their specs, not {}",
                                    DescribeForError(node)));
    return out;
  }
  for (const auto& kv : node) {
    const std::string entry = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const YAML::Node& spec = kv.second;
    if (!spec.IsMap()) {
      reader->Error(spec, fmt::format("argument spec '{}' must be a mapping (short_description, "
                                      "options...), not {}",
                                      entry, DescribeForError(spec)));
      continue;
    }
    Value options = Value::object();
    const YAML::Node options_node = spec["options"];
    if (options_node.IsDefined() && !options_node.IsNull()) options = ToValue(options_node);
    const std::vector<std::string> problems = CheckRoleArgSpec(options);
    for (const std::string& problem : problems) {
      reader->Error(options_node.IsDefined() ? options_node : kv.first,
                    fmt::format("argument spec '{}': {}", entry, problem));
    }
    if (!problems.empty()) continue;
    Value read = Value::object({{"options", options}});
    const YAML::Node description = spec["short_description"];
    if (description.IsDefined() && description.IsScalar())
      read["short_description"] = description.Scalar();
    out[entry] = std::move(read);
  }
  return out;
}

Value ReadRoleArgSpecsFile(const std::string& file, FieldReader* reader, const SourceLocation& at) {
  YamlDocument doc;
  Diagnostics found;
  LoadYamlFile(file, &doc, &found);
  FieldReader specs(file, std::filesystem::path(file).parent_path().string());
  specs.Adopt(found);
  Value out = Value::object();
  if (found.empty() && doc.root.IsDefined() && !doc.root.IsNull()) {
    if (!doc.root.IsMap()) {
      specs.Error(doc.root, fmt::format("an argument specs file must be a mapping with "
                                        "'argument_specs', not {}",
                                        DescribeForError(doc.root)));
    } else {
      out = ReadRoleArgSpecs(doc.root["argument_specs"], &specs);
    }
  }
  Diagnostics errors;
  specs.Flush(&errors);
  reader->Adopt(errors, at);
  return out;
}

std::string CheckRoleParams(const Value& entry_spec, const Value& params) {
  Value options = entry_spec.value("options", Value::object());
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (it.value().is_object()) it.value().erase("required");
  }
  Value literal = Value::object();
  for (auto it = params.begin(); it != params.end(); ++it)
    literal[it.key()] = HoldsTemplateValue(it.value()) ? Value(nullptr) : it.value();
  return Joined(ValidateRoleArgs(options, literal));
}

Value ProvidedWithVars(const Value& options, const Value& given) {
  Value provided = given.is_object() ? given : Value::object();
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (IsIdentifier(it.key()) && !provided.contains(it.key()))
      provided[it.key()] = "{{ " + it.key() + " | default(omit) }}";
  }
  return provided;
}

TaskDraft RoleArgSpecTask(const std::string& role_name, const std::string& role_path,
                          const std::string& entry_point, const Value& entry_spec,
                          const Value& params) {
  const Value options = ValidationOnly(entry_spec["options"]);
  // The role's parameters are on top of the task's variables already: an
  // option that reads its variable reads its parameter.
  Value given = Value::object();
  for (auto it = params.begin(); it != params.end(); ++it)
    if (!options.contains(it.key()) || !IsIdentifier(it.key())) given[it.key()] = it.value();
  Value provided = ProvidedWithVars(options, given);
  TaskDraft draft;
  TaskSpec& task = draft.spec;
  task.kind = TaskKind::kModule;
  task.module = "validate_argument_spec";
  task.name = fmt::format("Validating arguments against arg spec '{}'", entry_point);
  if (entry_spec.contains("short_description"))
    task.name += " - " + entry_spec["short_description"].get<std::string>();
  task.args["argument_spec"] = options;
  task.args["provided_arguments"] = std::move(provided);
  task.args["validate_args_context"] = Value::object({{"type", "role"},
                                                      {"name", role_name},
                                                      {"argument_spec_name", entry_point},
                                                      {"path", role_path}});
  task.tags = {"always"};
  draft.label = fmt::format("role '{}': argument spec '{}'", role_name, entry_point);
  return draft;
}

}  // namespace hostprep
