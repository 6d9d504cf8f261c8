#include "engine/inventory/inventory_vars.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <system_error>

#include "engine/base/text.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace fs = std::filesystem;

namespace {

bool IsVarsExtension(const std::string& ext) {
  return ext.empty() || ext == ".yml" || ext == ".yaml" || ext == ".json";
}

// Ansible's DataLoader._get_dir_vars_files: sorted, recursive, hidden files
// and editor backups skipped, only files with a vars extension (or none).
void DirVarsFiles(const std::string& dir, std::vector<std::string>* out) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (StartsWith(name, ".") || EndsWith(name, "~")) continue;
    std::string full = dir + "/" + name;
    std::string ext = fs::path(name).extension().string();
    if (fs::is_directory(full, ec)) {
      if (ext.empty()) DirVarsFiles(full, out);
    } else if (fs::is_regular_file(full, ec) && IsVarsExtension(ext)) {
      out->push_back(full);
    }
  }
}

bool LoadVarsFile(const std::string& file, const std::string& what,
                  const std::function<void(const std::string&, Value)>& set, Diagnostics* diags) {
  YamlDocument doc;
  if (!LoadYamlFile(file, &doc, diags)) return false;
  if (!doc.root.IsDefined() || doc.root.IsNull()) return true;
  if (!doc.root.IsMap()) {
    diags->Add(LocationOf(file, doc.root),
               fmt::format("variables of {} must be a mapping (name: value), not {}", what,
                           DescribeNode(doc.root)));
    return false;
  }
  bool ok = true;
  for (const auto& kv : doc.root) {
    if (!kv.first.IsScalar()) {
      diags->Add(LocationOf(file, kv.first),
                 fmt::format("a variable name must be a string, not {}", DescribeNode(kv.first)));
      ok = false;
      continue;
    }
    set(kv.first.Scalar(), ToValue(kv.second));
  }
  return ok;
}

}  // namespace

std::vector<std::string> VarsFilesFor(const std::string& dir, const std::string& name) {
  std::vector<std::string> out;
  std::error_code ec;
  std::string base = dir + "/" + name;
  if (fs::is_regular_file(base, ec)) out.push_back(base);
  for (const char* ext : {".yml", ".yaml", ".json"}) {
    if (fs::is_regular_file(base + ext, ec)) out.push_back(base + ext);
  }
  if (fs::is_directory(base, ec)) DirVarsFiles(base, &out);
  return out;
}

bool LoadInventoryVars(const std::string& base, InventoryBuilder* builder, Diagnostics* diags) {
  bool ok = true;
  const std::string prefix = base.empty() ? "" : base + "/";
  const std::string group_dir = prefix + "group_vars";
  for (const std::string& group : builder->group_order()) {
    for (const std::string& file : VarsFilesFor(group_dir, group)) {
      ok &= LoadVarsFile(
          file, fmt::format("group '{}'", group),
          [&](const std::string& k, Value v) {
            builder->SetGroupVar(group, k, std::move(v), file);
          },
          diags);
    }
  }
  const std::string host_dir = prefix + "host_vars";
  for (const std::string& host : builder->host_order()) {
    for (const std::string& file : VarsFilesFor(host_dir, host)) {
      ok &= LoadVarsFile(
          file, fmt::format("host '{}'", host),
          [&](const std::string& k, Value v) { builder->SetHostVar(host, k, std::move(v), file); },
          diags);
    }
  }
  return ok;
}

}  // namespace hostprep
