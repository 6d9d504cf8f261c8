#include "engine/cli/ansible_config.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/base/text.h"
#include "engine/module/read_result.h"
#include "engine/playbook/keywords.h"
#include "engine/run/local_templates.h"

namespace hostprep {

namespace fs = std::filesystem;

std::string HomeOrRoot() {
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? home : "/root";
}

namespace {

std::string ExpandUser(const std::string& path) {
  if (path == "~") return HomeOrRoot();
  if (StartsWith(path, "~/")) return HomeOrRoot() + path.substr(1);
  return path;
}

bool IsRegularFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Ansible's boolean(): what its configuration accepts for true and false.
std::optional<bool> ParseBool(const std::string& text) {
  const std::string v = Lower(Trim(text));
  for (const char* t : {"y", "yes", "on", "1", "true", "t", "1.0"})
    if (v == t) return true;
  for (const char* f : {"n", "no", "off", "0", "false", "f", "0.0"})
    if (v == f) return false;
  return std::nullopt;
}

// A value's text without an inline comment: ';' after whitespace.
std::string WithoutInlineComment(const std::string& text) {
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == ';' && (text[i - 1] == ' ' || text[i - 1] == '\t')) return text.substr(0, i);
  }
  return text;
}

// What one setting is: where it is written in the file, its environment
// variable, and how it becomes command-line words.
enum class Kind {
  kText,
  kPath,
  kPathList,
  kNumber,
  kFlag,
  kHostKeyChecking,
  kBecomeMethod,
  kStrategy,
  kManaged,
};

struct Setting {
  const char* section;
  const char* key;
  const char* env;
  const char* option;
  Kind kind;
};

constexpr Setting kSettings[] = {
    {"defaults", "inventory", "ANSIBLE_INVENTORY", "--inventory", Kind::kPathList},
    {"defaults", "remote_user", "ANSIBLE_REMOTE_USER", "--user", Kind::kText},
    {"defaults", "private_key_file", "ANSIBLE_PRIVATE_KEY_FILE", "--private-key", Kind::kPath},
    {"defaults", "host_key_checking", "ANSIBLE_HOST_KEY_CHECKING", "--host-key-checking",
     Kind::kHostKeyChecking},
    {"defaults", "forks", "ANSIBLE_FORKS", "--forks", Kind::kNumber},
    {"defaults", "timeout", "ANSIBLE_TIMEOUT", "--timeout", Kind::kNumber},
    {"defaults", "strategy", "ANSIBLE_STRATEGY", "--strategy", Kind::kStrategy},
    {"defaults", "ansible_managed", "ANSIBLE_MANAGED_STR", "--ansible-managed", Kind::kManaged},
    {"defaults", "allow_broken_conditionals", "ANSIBLE_ALLOW_BROKEN_CONDITIONALS",
     "--allow-broken-conditionals", Kind::kFlag},
    {"ssh_connection", "ssh_args", "ANSIBLE_SSH_ARGS", "--ssh-args", Kind::kText},
    {"privilege_escalation", "become", "ANSIBLE_BECOME", "--become", Kind::kFlag},
    {"privilege_escalation", "become_user", "ANSIBLE_BECOME_USER", "--become-user", Kind::kText},
    {"privilege_escalation", "become_method", "ANSIBLE_BECOME_METHOD", "--become-method",
     Kind::kBecomeMethod},
    {"privilege_escalation", "become_ask_pass", "ANSIBLE_BECOME_ASK_PASS", "--ask-become-pass",
     Kind::kFlag},
};

// Turns one setting's value into words; `where` names it in errors and
// `base` is the directory relative paths start from ("" = as given).
Status AddWords(const Setting& s, const std::string& value, const std::string& where,
                const std::string& base, std::vector<std::string>* words) {
  const std::string v = Trim(value);
  auto path = [&](const std::string& p) {
    const std::string expanded = ExpandUser(Trim(p));
    return base.empty() || expanded.empty() || expanded[0] == '/' ? expanded
                                                                  : base + "/" + expanded;
  };
  switch (s.kind) {
    case Kind::kText: {
      // A value continued on indented lines (ssh_args) is one line of words.
      std::string text = v;
      std::replace(text.begin(), text.end(), '\n', ' ');
      if (!text.empty()) words->insert(words->end(), {s.option, text});
      return Status::Ok();
    }
    case Kind::kPath:
      if (!v.empty()) words->insert(words->end(), {s.option, path(v)});
      return Status::Ok();
    case Kind::kPathList:
      for (const std::string& p : Split(v, ',')) {
        if (!Trim(p).empty()) words->insert(words->end(), {s.option, path(p)});
      }
      return Status::Ok();
    case Kind::kNumber: {
      const bool digits = !v.empty() && std::all_of(v.begin(), v.end(), ::isdigit);
      if (!digits || v.size() > 6 || std::stoi(v) < 1) {
        return Status::Error(
            fmt::format("{}: {} must be a whole number of 1 or more, not '{}'", where, s.key, v));
      }
      words->insert(words->end(), {s.option, v});
      return Status::Ok();
    }
    case Kind::kFlag:
    case Kind::kHostKeyChecking: {
      const std::optional<bool> b = ParseBool(v);
      if (!b) {
        return Status::Error(
            fmt::format("{}: {} must be a boolean (true or false), not '{}'", where, s.key, v));
      }
      if (s.kind == Kind::kHostKeyChecking) {
        words->insert(words->end(), {s.option, *b ? "strict" : "off"});
      } else if (*b) {
        words->push_back(s.option);
      }
      return Status::Ok();
    }
    case Kind::kStrategy:
      if (v.empty()) return Status::Ok();
      if (!StrategyName(v)) {
        return Status::Error(fmt::format(
            "{}: strategy '{}' is not supported: hostprep has linear and free", where, v));
      }
      words->insert(words->end(), {s.option, v});
      return Status::Ok();
    case Kind::kManaged:
      // Python's configparser keeps the lines of a continued value.
      if (Status checked = CheckManagedFormat(v); !checked.ok())
        return Status::Error(fmt::format("{}: {}", where, checked.message()));
      words->insert(words->end(), {s.option, v});
      return Status::Ok();
    case Kind::kBecomeMethod:
      if (v.empty()) return Status::Ok();
      if (BecomeMethodNamed(v)) {
        words->insert(words->end(), {s.option, v});
        return Status::Ok();
      }
      return Status::Error(fmt::format(
          "{}: become_method '{}' is not supported: hostprep becomes another user with sudo or "
          "su (remove the setting, or set it to one of them)",
          where, v));
  }
  return Status::Ok();
}

}  // namespace

std::string FindAnsibleConfig(std::vector<std::string>* warnings) {
  if (const char* env = std::getenv("ANSIBLE_CONFIG"); env != nullptr && *env != '\0') {
    std::string path = ExpandUser(env);
    std::error_code ec;
    if (fs::is_directory(path, ec)) path += "/ansible.cfg";
    if (IsRegularFile(path)) return path;
  }
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec && IsRegularFile((cwd / "ansible.cfg").string())) {
    struct stat st {};
    if (stat(cwd.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) != 0) {
      warnings->push_back(fmt::format(
          "ignoring {}/ansible.cfg: the directory is world-writable, so anyone could have "
          "written it (as Ansible, which ignores it too)",
          cwd.string()));
    } else {
      return (cwd / "ansible.cfg").string();
    }
  }
  if (IsRegularFile(HomeOrRoot() + "/.ansible.cfg")) return HomeOrRoot() + "/.ansible.cfg";
  if (IsRegularFile("/etc/ansible/ansible.cfg")) return "/etc/ansible/ansible.cfg";
  return "";
}

Result<std::map<std::string, std::map<std::string, ConfigEntry>>> ParseAnsibleConfig(
    const std::string& path, const std::string& text) {
  std::map<std::string, std::map<std::string, ConfigEntry>> out;
  std::string section;
  ConfigEntry* last = nullptr;  // the value an indented line continues
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    if (last != nullptr && (line[0] == ' ' || line[0] == '\t')) {
      last->value += "\n" + Trim(WithoutInlineComment(trimmed));
      continue;
    }
    last = nullptr;
    if (trimmed[0] == '[') {
      const size_t end = trimmed.find(']');
      if (end == std::string::npos) {
        return Status::Error(
            fmt::format("{}:{}: a section header needs its ']': '{}'", path, n, trimmed));
      }
      section = trimmed.substr(1, end - 1);
      if (out.count(section)) {
        return Status::Error(
            fmt::format("{}:{}: section [{}] is written twice (merge the two)", path, n, section));
      }
      out[section];
      continue;
    }
    const size_t sep = trimmed.find_first_of("=:");
    if (sep == std::string::npos || sep == 0) {
      return Status::Error(
          fmt::format("{}:{}: expected 'key = value' or a [section], not '{}'", path, n, trimmed));
    }
    if (section.empty()) {
      return Status::Error(fmt::format(
          "{}:{}: '{}' comes before any [section] (put it under [defaults])", path, n, trimmed));
    }
    const std::string key = Lower(Trim(trimmed.substr(0, sep)));
    auto& keys = out[section];
    if (keys.count(key)) {
      return Status::Error(fmt::format("{}:{}: '{}' is set twice in [{}] (first on line {})", path,
                                       n, key, section, keys[key].line));
    }
    keys[key] = ConfigEntry{Trim(WithoutInlineComment(trimmed.substr(sep + 1))), n};
    last = &keys[key];
  }
  return out;
}

Result<std::vector<std::string>> AnsibleConfigArguments(std::vector<std::string>* warnings) {
  const std::string path = FindAnsibleConfig(warnings);
  std::map<std::string, std::map<std::string, ConfigEntry>> file;
  if (!path.empty()) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Status::Error(fmt::format("{}: cannot read the file", path));
    Result<std::map<std::string, std::map<std::string, ConfigEntry>>> parsed =
        ParseAnsibleConfig(path, text.str());
    if (!parsed.ok()) return parsed.status();
    file = std::move(*parsed);
  }
  const std::string base =
      path.empty() ? "" : fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
  std::vector<std::string> words;
  for (const Setting& s : kSettings) {
    const char* env = std::getenv(s.env);
    Status added = Status::Ok();
    if (env != nullptr) {
      added = AddWords(s, env, fmt::format("environment variable {}", s.env), "", &words);
    } else if (auto sec = file.find(s.section); sec != file.end()) {
      if (auto key = sec->second.find(s.key); key != sec->second.end()) {
        added = AddWords(s, key->second.value, fmt::format("{}:{}", path, key->second.line), base,
                         &words);
      }
    }
    if (!added.ok()) return added;
  }
  // The role loader reads ANSIBLE_ROLES_PATH; the variable, when set, wins.
  if (std::getenv("ANSIBLE_ROLES_PATH") == nullptr) {
    if (auto sec = file.find("defaults"); sec != file.end()) {
      if (auto key = sec->second.find("roles_path"); key != sec->second.end()) {
        std::vector<std::string> dirs;
        for (const std::string& d : Split(key->second.value, ':')) {
          const std::string dir = ExpandUser(Trim(d));
          if (!dir.empty()) dirs.push_back(dir[0] == '/' ? dir : base + "/" + dir);
        }
        setenv("ANSIBLE_ROLES_PATH", fmt::format("{}", fmt::join(dirs, ":")).c_str(), 1);
      }
    }
  }
  return words;
}

}  // namespace hostprep
