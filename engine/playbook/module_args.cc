#include "engine/playbook/module_args.h"

#include <fmt/format.h>

#include <map>
#include <vector>

#include "engine/yaml/yaml_file.h"

namespace hostprep {

void ParseModuleArgs(const Module& module, const std::string& name, const YAML::Node& key,
                     const YAML::Node& value, const std::string& context, FieldReader* reader,
                     TaskSpec* task, const YAML::Node* extra) {
  const ArgSpec& spec = module.spec();
  task->module = name;
  task->module_location = reader->At(key);

  // Errors from NormalizeArgs name keys as written (perhaps an alias), those
  // from Validate the canonical names: index the locations both ways.
  std::map<std::string, SourceLocation> written;
  auto index = [&](const YAML::Node& mapping) {
    for (const auto& kv : mapping) {
      if (!kv.first.IsScalar()) continue;
      const std::string arg = kv.first.Scalar();
      SourceLocation at = reader->At(kv.first);
      written.emplace(arg, at);
      const ArgDef* def = spec.Find(arg);
      task->arg_locations.emplace(def != nullptr ? def->name : arg, at);
    }
  };
  if (value.IsMap()) {
    index(value);
  } else if (value.IsScalar() && !spec.free_form_arg.empty()) {
    task->arg_locations.emplace(spec.free_form_arg, reader->At(value));
  }

  std::vector<ArgError> errors;
  Value given = ToValue(value);
  if (extra != nullptr && extra->IsMap()) {
    given = ArgsMapping(spec, given, &errors);
    const Value more = ToValue(*extra);
    for (auto it = more.begin(); it != more.end(); ++it) {
      if (!given.contains(it.key())) given[it.key()] = it.value();
    }
    index(*extra);
    reader->CheckTemplates(*extra, context);
  }
  if (errors.empty()) task->args = NormalizeArgs(spec, given, /*templates_pending=*/true, &errors);
  // Validate looks at combinations of arguments; after a spec error some are
  // missing, and its complaints would only repeat the first error.
  if (errors.empty()) module.Validate(task->args, /*templates_pending=*/true, &errors);

  // Arguments that are expressions: their syntax now, with their place.
  for (const ArgDef& def : spec.args) {
    if (!def.expression || !task->args.contains(def.name)) continue;
    const YAML::Node* holder = value.IsMap() && value[def.name]                           ? &value
                               : extra != nullptr && extra->IsMap() && (*extra)[def.name] ? extra
                                                                                          : nullptr;
    if (holder != nullptr) {
      reader->ReadConditions(def.name, (*holder)[def.name], context, &task->arg_expressions);
    } else if (task->args[def.name].is_string()) {
      // Written as key=value words: the place is the whole string's.
      reader->AddExpression({task->args[def.name].get<std::string>(), reader->At(value)}, value,
                            context, &task->arg_expressions);
    }
  }

  for (const ArgError& error : errors) {
    SourceLocation at = task->module_location;
    if (auto it = written.find(error.key); it != written.end()) {
      at = it->second;
    } else if (auto canon = task->arg_locations.find(error.key);
               canon != task->arg_locations.end()) {
      at = canon->second;
    }
    reader->Error(at, fmt::format("{}: {}", context, error.message));
  }
  reader->CheckTemplates(value, context);
}

}  // namespace hostprep
