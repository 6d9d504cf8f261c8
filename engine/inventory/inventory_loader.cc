// Inventory::Load and Inventory::Implicit: which reader each `-i` source goes
// to, and the group_vars/host_vars that go with it.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "engine/base/text.h"
#include "engine/inventory/dynamic_inventory.h"
#include "engine/inventory/host_range.h"
#include "engine/inventory/ini_inventory.h"
#include "engine/inventory/inventory.h"
#include "engine/inventory/inventory_builder.h"
#include "engine/inventory/inventory_vars.h"
#include "engine/inventory/yaml_inventory.h"
#include "engine/yaml/yaml_file.h"

namespace hostprep {

namespace fs = std::filesystem;

namespace {

// Ansible's INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig, .cfg, .retry):
// files in an inventory directory with these endings are not inventories.
bool IgnoredInDirectory(const std::string& name) {
  static const char* const kIgnored[] = {".pyc", ".pyo", ".swp", ".bak",  "~",    ".rpm",
                                         ".md",  ".txt", ".rst", ".orig", ".cfg", ".retry"};
  if (StartsWith(name, ".")) return true;
  return std::any_of(std::begin(kIgnored), std::end(kIgnored),
                     [&](const char* ext) { return EndsWith(name, ext); });
}

bool ReadText(const std::string& path, std::string* out, Diagnostics* diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags->Add(SourceLocation{path, 0, 0},
               fmt::format("cannot read inventory file: {}", std::strerror(errno)));
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

bool LoadYamlSource(const std::string& path, InventoryBuilder* builder, Diagnostics* diags) {
  YamlDocument doc;
  if (!LoadYamlFile(path, &doc, diags)) return false;
  return LoadYamlInventory(doc, builder, diags);
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0 && access(path.c_str(), X_OK) == 0;
}

// One inventory file: by extension, else executable -> script, else YAML when
// it parses as a YAML inventory, else INI.
bool LoadInventoryFile(const std::string& path, InventoryBuilder* builder, Diagnostics* diags) {
  std::string ext = ToLower(fs::path(path).extension().string());
  if (ext == ".yml" || ext == ".yaml" || ext == ".json") {
    return LoadYamlSource(path, builder, diags);
  }
  if (ext == ".ini") {
    std::string text;
    return ReadText(path, &text, diags) && LoadIniInventory(path, text, builder, diags);
  }
  if (IsExecutableFile(path)) return LoadDynamicInventory(path, builder, diags);
  std::string text;
  if (!ReadText(path, &text, diags)) return false;
  YamlDocument doc;
  Diagnostics scratch;
  if (LoadYamlString(text, path, &doc, &scratch) && LooksLikeYamlInventory(doc.root)) {
    return LoadYamlInventory(doc, builder, diags);
  }
  return LoadIniInventory(path, text, builder, diags);
}

bool LoadDirectory(const std::string& dir, InventoryBuilder* builder, Diagnostics* diags) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    names.push_back(e.path().filename().string());
  }
  if (ec) {
    diags->Add(SourceLocation{dir, 0, 0},
               fmt::format("cannot read inventory directory: {}", ec.message()));
    return false;
  }
  std::sort(names.begin(), names.end());
  bool ok = true;
  for (const std::string& name : names) {
    if (IgnoredInDirectory(name)) continue;
    std::string full = dir + "/" + name;
    if (fs::is_directory(full, ec)) {
      if (name == "group_vars" || name == "host_vars" || name == "vars_plugins") continue;
      ok &= LoadDirectory(full, builder, diags);
    } else {
      ok &= LoadInventoryFile(full, builder, diags);
    }
  }
  return ok;
}

// "host1,host2:2222," : every host in ungrouped.
bool LoadHostList(const std::string& list, InventoryBuilder* builder, Diagnostics* diags) {
  bool ok = true;
  for (const std::string& item : Split(list, ',')) {
    std::string name = Trim(item);
    if (name.empty()) continue;
    Result<HostPattern> hosts = ParseHostPattern(name);
    if (!hosts.ok()) {
      diags->Add({}, fmt::format("host list '{}': {}", list, hosts.message()));
      ok = false;
      continue;
    }
    for (const std::string& host : hosts->names) {
      builder->AddHost(host, "ungrouped", {});
      if (hosts->port != 0) builder->SetHostVar(host, "ansible_port", hosts->port, list);
    }
  }
  return ok;
}

std::string TrimSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

std::unique_ptr<Inventory> Inventory::Load(const std::vector<std::string>& sources,
                                           Diagnostics* diags) {
  InventoryBuilder builder;
  bool ok = true;
  std::vector<std::string> var_bases;
  std::set<std::string> seen_bases;
  auto add_base = [&](const std::string& base) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(base.empty() ? "." : base, ec);
    if (seen_bases.insert(canonical.string()).second) var_bases.push_back(base);
  };
  for (const std::string& raw : sources) {
    std::string source = TrimSlashes(raw);
    std::error_code ec;
    if (!fs::exists(source, ec)) {
      if (source.find(',') != std::string::npos) {
        ok &= LoadHostList(source, &builder, diags);
      } else {
        diags->Add({}, fmt::format("inventory source '{}' does not exist: give a file, a "
                                   "directory, or a host list such as 'host1,host2,'",
                                   source));
        ok = false;
      }
    } else if (fs::is_directory(source, ec)) {
      ok &= LoadDirectory(source, &builder, diags);
      add_base(source);
    } else {
      ok &= LoadInventoryFile(source, &builder, diags);
      add_base(fs::path(source).parent_path().string());
    }
  }
  // group_vars/ and host_vars/ come after every source, so that they apply
  // to groups and hosts from all of them and win over inventory-file values.
  for (const std::string& base : var_bases) ok &= LoadInventoryVars(base, &builder, diags);
  if (!ok) return nullptr;
  return builder.Finish();
}

std::unique_ptr<Inventory> Inventory::Implicit() {
  InventoryBuilder builder;
  builder.AddHost("localhost", "ungrouped", {});
  builder.SetHostVar("localhost", "ansible_connection", "local", "implicit localhost");
  return builder.Finish();
}

}  // namespace hostprep
