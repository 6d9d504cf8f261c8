#include "modules/module_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "engine/base/text.h"
#include "engine/base/unified_diff.h"

namespace hostprep::modules {

std::string StringArg(const Value& args, const char* key) {
  return args.contains(key) && args[key].is_string() ? args[key].get<std::string>() : "";
}

std::vector<std::string> ListArg(const Value& args, const char* key) {
  std::vector<std::string> out;
  if (args.contains(key) && args[key].is_array())
    for (const Value& v : args[key]) out.push_back(v.is_string() ? v.get<std::string>() : "");
  return out;
}

bool BoolArg(const Value& args, const char* key, bool fallback) {
  return args.contains(key) && args[key].is_boolean() ? args[key].get<bool>() : fallback;
}

bool ArgReady(const Value& args, const char* key) {
  return args.contains(key) && !args[key].is_null() && !IsPendingTemplate(args[key]);
}

std::optional<std::string> OptArg(const Value& args, const char* key) {
  if (!args.contains(key) || !args[key].is_string()) return std::nullopt;
  return args[key].get<std::string>();
}

std::optional<long long> OptIntArg(const Value& args, const char* key) {
  if (!args.contains(key) || !args[key].is_number_integer()) return std::nullopt;
  return args[key].get<long long>();
}

bool StateAbsent(const Value& args) { return StringArg(args, "state") == "absent"; }

long long ToNumber(const std::string& text) {
  try {
    return std::stoll(Trim(text));
  } catch (const std::exception&) {
    return -1;
  }
}

std::vector<std::string> Concat(std::vector<std::string> head,
                                const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Resources DeclarePath(const Value& args) {
  Resources r;
  if (!args.contains("path") || IsPendingTemplate(args["path"])) return r;
  r.needs.push_back("path:" + StringArg(args, "path"));
  return r;
}

std::vector<std::string> SplitLinesKeepEnds(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

std::string_view LineBody(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Action WriteFileAction(const std::string& path, std::string content) {
  Action a;
  a.kind = Action::Kind::kWriteFile;
  a.path = path;
  a.content = std::move(content);
  return a;
}

Action ExecAction(std::vector<std::string> argv) {
  Action a;
  a.kind = Action::Kind::kExec;
  a.argv = std::move(argv);
  return a;
}

Action RemoveAction(const std::string& path) {
  Action a;
  a.kind = Action::Kind::kRemove;
  a.path = path;
  return a;
}

std::string FileDiff(const std::string& path, const std::optional<std::string>& before,
                     const std::string& after) {
  return UnifiedDiff(before.value_or(""), after, "before: " + path, "after: " + path);
}

Result<FileListing> ParseFileListing(const std::string& out, const std::string& what) {
  FileListing listing;
  size_t at = 0;
  while (at < out.size()) {
    const size_t eol = out.find('\n', at);
    if (eol == std::string::npos) break;
    const std::string head = out.substr(at, eol - at);
    at = eol + 1;
    if (StartsWith(head, "N ")) {
      listing.missing_dirs.push_back(head.substr(2));
      continue;
    }
    const size_t space = head.find(' ', 2);
    uint64_t size = 0;
    bool ok = StartsWith(head, "F ") && space != std::string::npos && space > 2;
    for (size_t i = 2; ok && i < space; ++i) {
      ok = std::isdigit(static_cast<unsigned char>(head[i])) != 0 && size < (1ULL << 40);
      size = size * 10 + static_cast<uint64_t>(head[i] - '0');
    }
    if (!ok || size > out.size() - at) {
      return Status::Error(
          fmt::format("read {}: unexpected answer (a file changed while it was read?): {}", what,
                      Escaped(head.substr(0, 80))));
    }
    listing.files[head.substr(space + 1)] = out.substr(at, size);
    at += size;
  }
  if (at != out.size()) {
    return Status::Error(fmt::format("read {}: the answer ends in the middle of a line", what));
  }
  return listing;
}

void AddPathInfo(const std::string& stat_line, Value* result) {
  // uid gid user group mode links size type...
  std::vector<std::string> f;
  size_t at = 0;
  for (int i = 0; i < 7; ++i) {
    const size_t end = stat_line.find(' ', at);
    if (end == std::string::npos) return;
    f.push_back(stat_line.substr(at, end - at));
    at = end + 1;
  }
  const std::string type = stat_line.substr(at);
  for (size_t i : {0, 1, 4, 5, 6})
    if (f[i].empty() || f[i].find_first_not_of("0123456789") != std::string::npos) return;
  Value& r = *result;
  r["uid"] = std::stoul(f[0]);
  r["gid"] = std::stoul(f[1]);
  r["owner"] = f[2] == "UNKNOWN" ? f[0] : f[2];
  r["group"] = f[3] == "UNKNOWN" ? f[1] : f[3];
  r["mode"] = FormatMode(static_cast<unsigned>(std::stoul(f[4], nullptr, 8)));
  r["state"] = type == "symbolic link" ? "link"
               : type == "directory"   ? "directory"
               : std::stoul(f[5]) > 1  ? "hard"
                                       : "file";
  r["size"] = std::stoull(f[6]);
}

std::vector<std::pair<std::string, std::string>> KeyValueLines(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const std::string& line : PySplitLines(text)) {
    const size_t blank = line.find(' ');
    lines.emplace_back(line.substr(0, blank),
                       blank == std::string::npos ? "" : line.substr(blank + 1));
  }
  return lines;
}

Change ChangedUnlessFailed(const ExecResult& output, const std::string& failure) {
  Change done;
  done.changed = output.exit_code == 0;
  if (output.exit_code != 0) {
    done.failed = true;
    done.message = failure;
    done.result["msg"] = failure;
  }
  return done;
}

std::vector<std::string> SetAwayFromDefaults(const ArgSpec& spec, const Value& args,
                                             const std::vector<std::string>& taken) {
  std::vector<ArgError>
      ignored;  // the empty mapping may lack a required name: only defaults matter
  const Value defaults = NormalizeArgs(spec, Value::object(), true, &ignored);
  std::vector<std::string> set;
  for (const auto& [key, value] : args.items()) {
    if (std::find(taken.begin(), taken.end(), key) != taken.end()) continue;
    const bool unset = value.is_null() || (value.is_array() && value.empty()) ||
                       (defaults.contains(key) && defaults[key] == value);
    if (!unset) set.push_back(key);
  }
  return set;
}

}  // namespace hostprep::modules
