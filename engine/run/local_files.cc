#include "engine/run/local_files.h"

#include <filesystem>

namespace hostprep {

namespace {

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

std::vector<std::string> LocalFileCandidates(const std::string& name, bool is_template,
                                             const std::vector<std::string>& search_paths,
                                             const std::string& playbook_dir) {
  if (!name.empty() && name[0] == '/') return {name};
  const std::string sub = is_template ? "templates" : "files";
  const bool named_with_sub = name.substr(0, name.find('/')) == sub;
  std::vector<std::string> out;
  auto add = [&](const std::string& dir) {
    if (!named_with_sub) out.push_back(Join(Join(dir, sub), name));
    out.push_back(Join(dir, name));
  };
  for (const std::string& dir : search_paths) add(dir);
  add(playbook_dir);
  return out;
}

std::string FindLocalFile(const std::string& name, bool is_template,
                          const std::vector<std::string>& search_paths,
                          const std::string& playbook_dir) {
  for (const std::string& candidate :
       LocalFileCandidates(name, is_template, search_paths, playbook_dir)) {
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  if (!name.empty() && name[0] == '/') return name;
  return Join(playbook_dir, name);
}

}  // namespace hostprep
