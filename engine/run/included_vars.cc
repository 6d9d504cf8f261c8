#include "engine/run/included_vars.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "engine/base/text.h"
#include "engine/playbook/field_reader.h"
#include "engine/run/local_files.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace {

namespace fs = std::filesystem;

std::string Str(const Value& args, const char* key) {
  auto it = args.find(key);
  return it != args.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> StrList(const Value& args, const char* key,
                                 std::vector<std::string> fallback) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return fallback;
  if (it->is_string()) return {it->get<std::string>()};
  std::vector<std::string> out;
  if (it->is_array()) {
    for (const Value& v : *it) out.push_back(ToText(v));
  }
  return out;
}

// One vars file: a mapping (empty reads as none).
Status LoadIncludedFile(const std::string& path, IncludedVars* out) {
  std::ifstream in(path, std::ios::binary);
  std::string head(14, '\0');
  in.read(head.data(), 14);
  if (StartsWith(head, "$ANSIBLE_VAULT")) {
    return Status::Error(
        fmt::format("{} is encrypted with Ansible Vault, which hostprep cannot "
                    "read yet: decrypt it, or pass its values with -e @file",
                    path));
  }
  YamlDocument doc;
  Diagnostics found;
  if (!LoadYamlFile(path, &doc, &found) || !found.empty()) {
    return Status::Error(found.empty() ? fmt::format("cannot read {}", path) : found.Format());
  }
  if (doc.root.IsDefined() && !doc.root.IsNull() && !doc.root.IsMap()) {
    return Status::Error(fmt::format("{} must be a mapping of variable names to values, not {}",
                                     path, DescribeForError(doc.root)));
  }
  if (doc.root.IsMap()) {
    const Value vars = ToValue(doc.root);
    for (auto it = vars.begin(); it != vars.end(); ++it) out->vars[it.key()] = it.value();
  }
  out->files.push_back(path);
  return Status::Ok();
}

// The directory's files as Ansible's _traverse_dir_depth gives them: the
// directories of the walk sorted by path, the first `depth` of them (all
// when 0), each one's files sorted by name.
std::vector<std::vector<std::string>> WalkSorted(const std::string& root, int depth) {
  std::vector<std::string> dirs = {root};
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) dirs.push_back(it->path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<std::vector<std::string>> out;
  for (size_t d = 0; d < dirs.size() && (depth == 0 || static_cast<int>(d) < depth); ++d) {
    std::vector<std::string> files;
    for (fs::directory_iterator it(dirs[d], ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_directory(ec)) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    out.push_back(std::move(files));
  }
  return out;
}

Result<IncludedVars> LoadDir(const std::string& dir, const Value& args) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::Error(fmt::format("{} directory does not exist", dir));
  if (!fs::is_directory(dir, ec)) return Status::Error(fmt::format("{} is not a directory", dir));
  int depth = 0;
  if (auto it = args.find("depth"); it != args.end() && it->is_number_integer()) {
    depth = std::max(0, it->get<int>());
  }
  const std::vector<std::string> extensions = StrList(args, "extensions", {"json", "yaml", "yml"});
  const std::vector<std::string> ignore = StrList(args, "ignore_files", {});
  const bool skip_unknown = args.value("ignore_unknown_extensions", false);
  std::optional<std::regex> matching;
  try {
    if (const std::string m = Str(args, "files_matching"); !m.empty()) matching.emplace(m);
    for (const std::string& pattern : ignore) (void)std::regex(pattern + "$");
  } catch (const std::regex_error&) {
    return Status::Error(
        "include_vars: files_matching or ignore_files holds an invalid regular "
        "expression");
  }
  IncludedVars out;
  for (const std::vector<std::string>& files : WalkSorted(dir, depth)) {
    for (const std::string& path : files) {
      const std::string name = fs::path(path).filename().string();
      if (matching && !std::regex_search(name, *matching)) continue;
      const bool ignored = std::any_of(ignore.begin(), ignore.end(), [&](const std::string& p) {
        return std::regex_search(name, std::regex(p + "$"));
      });
      if (ignored) continue;
      std::string ext = fs::path(name).extension().string();
      if (!ext.empty()) ext = ext.substr(1);
      const bool valid = std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
      if (!valid && skip_unknown) continue;
      if (!valid) {
        return Status::Error(fmt::format("{} does not have a valid extension: {}", path,
                                         fmt::join(extensions, ", ")));
      }
      if (Status s = LoadIncludedFile(path, &out); !s.ok()) return s;
    }
  }
  return out;
}

}  // namespace

Result<IncludedVars> LoadIncludedVars(const Value& args, const IncludeVarsContext& where) {
  std::string file = Str(args, "file");
  std::string dir = Str(args, "dir");
  const std::string raw = Trim(Str(args, "_raw_params"));
  if (file.empty() && dir.empty()) {
    // A bare name: a directory where one is found, else a file.
    const std::string found = FindLocalFile(raw, "vars", where.search_paths, where.playbook_dir);
    std::error_code ec;
    (fs::is_directory(found, ec) ? dir : file) = raw;
  }
  Result<IncludedVars> loaded = IncludedVars{};
  if (!dir.empty()) {
    // As Ansible's _set_root_dir: a role's vars/ (or the role itself for
    // "vars/..."), else beside the task's file.
    std::string root = dir;
    if (!fs::path(dir).is_absolute()) {
      if (!where.role_path.empty()) {
        std::error_code ec;
        const std::string in_role = where.role_path + "/" + dir;
        root = StartsWith(dir, "vars/") && fs::exists(in_role, ec)
                   ? in_role
                   : where.role_path + "/vars/" + dir;
      } else {
        root = (where.task_dir.empty() ? where.playbook_dir : where.task_dir) + "/" + dir;
      }
    }
    loaded = LoadDir(fs::path(root).lexically_normal().string(), args);
  } else {
    const std::string path = FindLocalFile(file, "vars", where.search_paths, where.playbook_dir);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      return Status::Error(fmt::format(
          "could not find or access '{}' (searched in {})", file,
          fmt::join(LocalFileCandidates(file, "vars", where.search_paths, where.playbook_dir),
                    ", ")));
    }
    IncludedVars one;
    if (Status s = LoadIncludedFile(path, &one); !s.ok()) return s;
    loaded = std::move(one);
  }
  if (!loaded.ok()) return loaded;
  if (const std::string name = Str(args, "name"); !name.empty()) {
    loaded->vars = Value::object({{name, std::move(loaded->vars)}});
  }
  return loaded;
}

}  // namespace hostprep
