#include "engine/run/local_templates.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/run/local_files.h"

namespace hostprep {

Variables TemplateVars(const Variables& task_vars, const std::string& path) {
  Variables v(&task_vars);
  std::error_code ec;
  const std::string full = std::filesystem::absolute(path, ec).string();
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  v.Set("ansible_managed", "Ansible managed", "template");
  v.Set("template_path", path, "template");
  v.Set("template_fullpath", ec ? path : full, "template");
  v.Set("template_host", std::string(host), "template");
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[4096];
    if (getpwuid_r(st.st_uid, &pw, buf, sizeof(buf), &found) == 0 && found) {
      v.Set("template_uid", std::string(found->pw_name), "template");
    } else {
      v.Set("template_uid", static_cast<long long>(st.st_uid), "template");
    }
  }
  return v;
}

std::optional<std::string> ControllerFiles::ReadLocal(const std::string& path) const {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

LocalTemplateLoader::LocalTemplateLoader(const ReadSource& source, const std::string& template_path,
                                         const std::vector<std::string>& search_paths,
                                         const std::string& play_dir)
    : source_(source), search_paths_(search_paths), play_dir_(play_dir) {
  dir_ = std::filesystem::path(template_path).parent_path().string();
}

Result<std::optional<TemplateLoader::Found>> LocalTemplateLoader::Load(
    const std::string& name) const {
  std::vector<std::string> candidates;
  if (!name.empty() && name[0] == '/') {
    candidates.push_back(name);
  } else {
    candidates.push_back(dir_ + "/" + name);
    for (std::string& c : LocalFileCandidates(name, "templates", search_paths_, play_dir_)) {
      candidates.push_back(std::move(c));
    }
  }
  for (const std::string& c : candidates) {
    std::optional<std::string> text = source_.ReadLocal(c);
    if (text) return std::optional<Found>(Found{std::move(*text), c});
  }
  return std::optional<Found>();
}

}  // namespace hostprep
