#include "engine/run/local_templates.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "engine/run/local_files.h"

namespace hostprep {

namespace {

// `format` with its {host}, {uid} and {file} fields replaced, as Python's
// str.format does; "{{" and "}}" are braces. Any other field, or a lone
// brace, is an error saying what to write.
Result<std::string> FillManagedFields(const std::string& format, const std::string& host,
                                      const std::string& uid, const std::string& file) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if ((c == '{' || c == '}') && i + 1 < format.size() && format[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '}') {
      return Status::Error("ansible_managed has a single '}'; write '}}' for a brace");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    const size_t end = format.find('}', i);
    if (end == std::string::npos) {
      return Status::Error("ansible_managed has a '{' without its '}'; write '{{' for a brace");
    }
    const std::string field = format.substr(i + 1, end - i - 1);
    const std::string* value = field == "host"   ? &host
                               : field == "uid"  ? &uid
                               : field == "file" ? &file
                                                 : nullptr;
    if (value == nullptr) {
      return Status::Error("ansible_managed has the field {" + field +
                           "}; the fields are {host}, {uid} and {file} (write '{{' for a brace)");
    }
    out += *value;
    i = end;
  }
  return out;
}

// time.strftime(text, localtime(mtime)): glibc's strftime, as Python's.
std::string FormatTime(const std::string& text, time_t mtime) {
  if (text.find('%') == std::string::npos) return text;
  struct tm local {};
  localtime_r(&mtime, &local);
  std::string buf(text.size() * 4 + 256, '\0');
  const size_t n = strftime(buf.data(), buf.size(), text.c_str(), &local);
  return n == 0 ? text : buf.substr(0, n);
}

}  // namespace

Status CheckManagedFormat(const std::string& format) {
  return FillManagedFields(format, "", "", "").status();
}

Variables TemplateVars(const Variables& task_vars, const std::string& given,
                       const std::string& found, const std::string& managed_format) {
  Variables v(&task_vars);
  std::error_code ec;
  const std::string full = std::filesystem::absolute(found, ec).lexically_normal().string();
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  v.Set("template_path", given, "template");
  v.Set("template_fullpath", ec ? found : full, "template");
  v.Set("template_host", std::string(host), "template");
  std::string uid;
  time_t mtime = 0;
  struct stat st {};
  if (stat(found.c_str(), &st) == 0) {
    mtime = st.st_mtime;
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[4096];
    if (getpwuid_r(st.st_uid, &pw, buf, sizeof(buf), &found) == 0 && found) {
      uid = found->pw_name;
      v.Set("template_uid", uid, "template");
    } else {
      uid = std::to_string(st.st_uid);
      v.Set("template_uid", static_cast<long long>(st.st_uid), "template");
    }
  }
  // Data, never rendered again: a '{{' in the setting stays text, as in
  // Ansible, which does not template the result either.
  // The format was checked when it was read; a broken one renders as written.
  Result<std::string> managed = FillManagedFields(managed_format, host, uid, given);
  v.Set("ansible_managed", FormatTime(managed.ok() ? *managed : managed_format, mtime),
        "ansible.cfg ansible_managed", Trust::kData);
  return v;
}

std::optional<std::string> ControllerFiles::ReadLocal(const std::string& path) const {
  return ReadControllerFile(path);
}

FileInfo ControllerFiles::StatLocal(const std::string& path) const {
  return StatControllerFile(path);
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
