#include "engine/run/local_files.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/base/text.h"

namespace hostprep {

namespace {

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

std::optional<std::string> ReadControllerFile(const std::string& path) {
  // A directory opens as a stream that reads nothing: never take that for
  // an empty file.
  if (StatControllerFile(path).type != FileType::kFile) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

FileInfo StatControllerFile(const std::string& path) {
  struct stat st;
  FileInfo info;
  if (::stat(path.c_str(), &st) != 0) return info;
  info.type = S_ISREG(st.st_mode)   ? FileType::kFile
              : S_ISDIR(st.st_mode) ? FileType::kDirectory
                                    : FileType::kOther;
  info.mode = st.st_mode & 07777;
  info.size = static_cast<uint64_t>(st.st_size);
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  return info;
}

std::vector<std::string> LocalFileCandidates(const std::string& name, const std::string& subdir,
                                             const std::vector<std::string>& search_paths,
                                             const std::string& playbook_dir) {
  if (!name.empty() && name[0] == '/') return {name};
  const std::string& sub = subdir;
  const bool named_with_sub = name.substr(0, name.find('/')) == sub;
  std::vector<std::string> out;
  auto add = [&](const std::string& dir) {
    if (!named_with_sub) out.push_back(JoinPath(JoinPath(dir, sub), name));
    out.push_back(JoinPath(dir, name));
  };
  for (const std::string& dir : search_paths) add(dir);
  add(playbook_dir);
  return out;
}

std::string FindLocalFile(const std::string& name, const std::string& subdir,
                          const std::vector<std::string>& search_paths,
                          const std::string& playbook_dir) {
  for (const std::string& candidate :
       LocalFileCandidates(name, subdir, search_paths, playbook_dir)) {
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  if (!name.empty() && name[0] == '/') return name;
  return JoinPath(playbook_dir, name);
}

namespace {

std::string Absolute(const std::string& path) {
  std::error_code ec;
  return std::filesystem::absolute(path, ec).lexically_normal().string();
}

// Splits `text` on any of `separators`, dropping empty pieces.
std::vector<std::string> SplitOn(const std::string& text, const std::string& separators) {
  std::vector<std::string> out;
  std::string piece;
  for (char c : text + separators.substr(0, 1)) {
    if (separators.find(c) == std::string::npos) {
      piece += c;
    } else if (!Trim(piece).empty()) {
      out.push_back(Trim(piece));
      piece.clear();
    } else {
      piece.clear();
    }
  }
  return out;
}

std::vector<std::string> SplitAll(const Value& v, const std::string& separators) {
  std::vector<std::string> out;
  if (v.is_string()) return SplitOn(v.get<std::string>(), separators);
  if (v.is_array()) {
    for (const Value& e : v) {
      for (std::string& s : SplitAll(e, separators)) out.push_back(std::move(s));
    }
  }
  return out;
}

void Candidates(const Value& terms, std::vector<std::string>* names, bool* skip) {
  for (const Value& term : terms) {
    if (term.is_array()) {
      Candidates(term, names, skip);
    } else if (term.is_object()) {
      const std::vector<std::string> files = SplitAll(term.value("files", Value()), ",;");
      const std::vector<std::string> paths = SplitAll(term.value("paths", Value()), ",:;");
      *skip = term.value("skip", false);
      if (paths.empty()) {
        *names = files;  // as Ansible: a mapping's files replace what came before
      } else {
        for (const std::string& p : paths) {
          for (const std::string& f : files) names->push_back(p + "/" + f);
        }
      }
    } else if (!term.is_null()) {
      names->push_back(ToText(term));
    }
  }
}

}  // namespace

Result<Value> FirstFound(const Value& terms, const std::string& subdir,
                         const std::vector<std::string>& search_paths,
                         const std::string& playbook_dir) {
  std::vector<std::string> names;
  bool skip = false;
  Candidates(terms.is_array() ? terms : Value::array({terms}), &names, &skip);
  for (const std::string& name : names) {
    for (const std::string& c : LocalFileCandidates(name, subdir, search_paths, playbook_dir)) {
      std::error_code ec;
      if (std::filesystem::exists(c, ec)) return Value::array({Absolute(c)});
    }
  }
  if (skip) return Value::array();
  return Status::Error("no file was found when using first_found (tried " +
                       std::to_string(names.size()) + " names in the task's search paths)");
}

Value FileGlob(const Value& patterns, const std::vector<std::string>& search_paths,
               const std::string& playbook_dir) {
  Value out = Value::array();
  std::vector<std::string> paths = search_paths;
  paths.push_back(playbook_dir);
  for (const Value& p : patterns) {
    const std::string pattern = ToText(p);
    const std::filesystem::path as_path(pattern);
    std::vector<std::string> dirs;
    if (as_path.has_parent_path()) {
      dirs.push_back(
          FindLocalFile(as_path.parent_path().string(), "files", search_paths, playbook_dir));
    } else {
      for (const std::string& d : paths) {
        dirs.push_back(JoinPath(d, "files"));
        dirs.push_back(d);
      }
    }
    const std::string base = as_path.filename().string();
    for (const std::string& dir : dirs) {
      glob_t g{};
      std::vector<std::string> found;
      if (glob(JoinPath(dir, base).c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) {
          std::error_code ec;
          if (std::filesystem::is_regular_file(g.gl_pathv[i], ec))
            found.push_back(Absolute(g.gl_pathv[i]));
        }
      }
      globfree(&g);
      if (found.empty()) continue;
      std::sort(found.begin(), found.end());
      for (std::string& f : found) out.push_back(std::move(f));
      break;
    }
  }
  return out;
}

}  // namespace hostprep
