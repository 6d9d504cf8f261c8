#include "engine/run/controller_lookups.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "engine/base/text.h"
#include "engine/run/local_files.h"
#include "engine/run/local_templates.h"
#include "engine/run/loop_items.h"
#include "engine/template/templar.h"
#include "engine/transport/local_transport.h"

namespace hostprep {

namespace {

// The options a plugin takes; any other is refused by name, so a typo in
// `rstrip=False` does not silently keep the default.
Status CheckOptions(const std::string& plugin, const Value& options,
                    const std::set<std::string>& known) {
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (known.count(it.key())) continue;
    if (known.empty()) return Status::Error("the " + plugin + " lookup takes no options");
    return Status::Error(fmt::format("unknown option '{}' for the {} lookup (it has {})", it.key(),
                                     plugin, fmt::join(known, ", ")));
  }
  return Status::Ok();
}

bool OptionFlag(const Value& options, const char* name, bool fallback) {
  if (!options.contains(name)) return fallback;
  return AnsibleBoolean(options[name]).value_or(Truthy(options[name]));
}

// Python's str.strip family: the whitespace it strips.
constexpr const char* kPythonSpace = " \t\n\r\v\f";

std::string RStrip(const std::string& s) {
  const size_t end = s.find_last_not_of(kPythonSpace);
  return end == std::string::npos ? "" : s.substr(0, end + 1);
}

std::string LStrip(const std::string& s) {
  const size_t begin = s.find_first_not_of(kPythonSpace);
  return begin == std::string::npos ? "" : s.substr(begin);
}

// Python's str.splitlines for the line ends a command prints: \n, \r\n, \r.
std::vector<std::string> TextLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    out.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

// The first whitespace-separated word of `text` (str.split()[0]), or "".
std::string FirstWord(const std::string& text) {
  const size_t begin = text.find_first_not_of(kPythonSpace);
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_first_of(kPythonSpace, begin) - begin);
}

Result<std::string> TermText(const std::string& plugin, const Value& term) {
  if (!term.is_string()) {
    return Status::Error("the " + plugin + " lookup needs names as strings, not " + TypeName(term) +
                         " " + ToText(term));
  }
  return term.get<std::string>();
}

}  // namespace

std::vector<std::string> ControllerLookups::SearchPaths(const Variables& vars) const {
  std::vector<std::string> paths;
  const VarEntry* e = vars.Find("ansible_search_path");
  if (e == nullptr || !e->value.is_array()) return paths;
  for (const Value& p : e->value) {
    if (p.is_string()) paths.push_back(p.get<std::string>());
  }
  // FindLocalFile tries the playbook's directory last on its own.
  while (!paths.empty() && paths.back() == playbook_dir_) paths.pop_back();
  return paths;
}

Result<Value> ControllerLookups::File(const Value& terms, const Value& options,
                                      const Variables& vars) const {
  if (Status s = CheckOptions("file", options, {"lstrip", "rstrip"}); !s.ok()) return s;
  const bool lstrip = OptionFlag(options, "lstrip", false);
  const bool rstrip = OptionFlag(options, "rstrip", true);
  const std::vector<std::string> paths = SearchPaths(vars);
  ControllerFiles files;
  Value out = Value::array();
  for (const Value& term : terms) {
    Result<std::string> name = TermText("file", term);
    if (!name.ok()) return name.status();
    const std::string path = FindLocalFile(*name, "files", paths, playbook_dir_);
    std::optional<std::string> text = files.ReadLocal(path);
    if (!text) {
      return Status::Error(
          fmt::format("could not locate file in lookup: {} (looked in {})", *name,
                      fmt::join(LocalFileCandidates(*name, "files", paths, playbook_dir_), ", ")));
    }
    std::string content = ReplaceInvalidUtf8(*text);
    if (lstrip) content = LStrip(content);
    if (rstrip) content = RStrip(content);
    out.push_back(std::move(content));
  }
  return out;
}

Result<Value> ControllerLookups::Template(const Value& terms, const Value& options,
                                          const Variables& vars) const {
  if (Status s =
          CheckOptions("template", options, {"template_vars", "convert_data", "jinja2_native"});
      !s.ok()) {
    return s;
  }
  if (OptionFlag(options, "jinja2_native", false))
    return Status::Error("the template lookup's jinja2_native is not supported by hostprep");
  const Value template_vars =
      options.contains("template_vars") ? options["template_vars"] : Value::object();
  if (!template_vars.is_object())
    return Status::Error("the template lookup's template_vars must be a mapping");
  const std::vector<std::string> paths = SearchPaths(vars);
  ControllerFiles files;
  Value out = Value::array();
  for (const Value& term : terms) {
    Result<std::string> name = TermText("template", term);
    if (!name.ok()) return name.status();
    const std::string path = FindLocalFile(*name, "templates", paths, playbook_dir_);
    std::optional<std::string> text = files.ReadLocal(path);
    if (!text) {
      return Status::Error("the template file " + *name + " could not be found for the lookup");
    }
    const Variables added = TemplateVars(vars, *name, path, managed_format_);
    Variables scope(&added);
    scope.SetAll(template_vars, "template_vars");
    TemplateOptions o;
    o.origin = path;
    const LocalTemplateLoader loader(files, path, paths, playbook_dir_);
    Result<std::string> rendered = Templar(scope).RenderDocument(*text, o, &loader);
    if (!rendered.ok()) return rendered.status();
    out.push_back(std::move(*rendered));
  }
  return out;
}

// first_found's keyword form (files=, paths=, skip=) as one more mapping
// term, as Ansible applies the keywords to the names given with them.
Result<Value> ControllerLookups::FirstFoundLookup(const Value& terms, const Value& options,
                                                  const Variables& vars) const {
  if (Status s = CheckOptions("first_found", options, {"files", "paths", "skip"}); !s.ok())
    return s;
  Value all = terms;
  // Ansible 2.14 applies the keywords to the terms given with them: with
  // no term, nothing is searched.
  if (!options.empty() && !terms.empty()) {
    Value spec = options;
    if (!spec.contains("files")) spec["files"] = terms;
    all = Value::array({spec});
  }
  return FirstFound(all, "files", SearchPaths(vars), playbook_dir_);
}

Result<Value> ControllerLookups::Command(const std::string& name, const Value& terms) const {
  if (!allow_commands_) {
    return Status::Error("the " + name +
                         " lookup runs a shell command on this machine; hostprep runs it only "
                         "when allowed with --allow-lookup-commands");
  }
  Value out = Value::array();
  for (const Value& term : terms) {
    const std::string command = ToText(term);
    LocalTransport local;
    ExecRequest request;
    request.argv = {"env", "-C", playbook_dir_.empty() ? "." : playbook_dir_, "sh", "-c", command};
    Result<ExecResult> r = local.Exec(request);
    if (!r.ok()) return r.status().WithContext("the " + name + " lookup");
    if (r->exit_code != 0) {
      const std::string why = Trim(r->stderr_data);
      return Status::Error(fmt::format("the {} lookup's command '{}' exited with {}{}", name,
                                       command, r->exit_code, why.empty() ? "" : ": " + why));
    }
    const std::string text = ReplaceInvalidUtf8(r->stdout_data);
    if (name == "pipe") {
      out.push_back(RStrip(text));
    } else {
      for (std::string& line : TextLines(text)) out.push_back(std::move(line));
    }
  }
  return out;
}

Result<Value> ControllerLookups::Run(const std::string& name, const Value& terms,
                                     const Value& options, const Variables& vars) const {
  if (name == "file") return File(terms, options, vars);
  if (name == "template") return Template(terms, options, vars);
  if (name == "first_found") return FirstFoundLookup(terms, options, vars);
  if (name == "pipe" || name == "lines") {
    if (Status s = CheckOptions(name, options, {}); !s.ok()) return s;
    return Command(name, terms);
  }
  if (name == "fileglob") {
    if (Status s = CheckOptions(name, options, {}); !s.ok()) return s;
    return FileGlob(terms, SearchPaths(vars), playbook_dir_);
  }
  if (name == "env" || name == "vars") {
    if (Status s = CheckOptions(name, options, {"default"}); !s.ok()) return s;
    Value out = Value::array();
    for (const Value& term : terms) {
      Result<std::string> text = TermText(name, term);
      if (!text.ok()) return text.status();
      if (name == "env") {
        // The first word, as Ansible's env lookup reads it.
        const std::string word = FirstWord(*text);
        const char* value = word.empty() ? nullptr : std::getenv(word.c_str());
        out.push_back(value ? Value(std::string(value)) : options.value("default", Value("")));
        continue;
      }
      const VarEntry* e = vars.Find(*text);
      Result<Value> value =
          e == nullptr ? Result<Value>(Status::Error("no variable found with this name: " + *text))
          : e->trust == Trust::kData ? Result<Value>(e->value)
                                     : Templar(vars).Render(e->value);
      if (!value.ok()) {
        if (!options.contains("default")) return value.status();
        value = options["default"];
      }
      out.push_back(std::move(*value));
    }
    return out;
  }
  const std::vector<std::string>& known = LookupNames();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    return Status::Error("unknown lookup '" + name + "'" + DidYouMeanSuffix(name, known));
  }
  if (Status s = CheckOptions(name, options, {}); !s.ok()) return s;
  Result<Value> items = ApplyLoopLookup(name, terms);
  if (!items.ok()) {
    // The with_ loops' messages name with_X; here it is a lookup.
    std::string message = items.message();
    if (message.starts_with("with_")) message = "the " + message.substr(5);
    return Status::Error(message);
  }
  return items;
}

}  // namespace hostprep
