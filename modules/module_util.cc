#include "modules/module_util.h"

#include "engine/base/text.h"
#include "engine/base/unified_diff.h"

namespace hostprep::modules {

std::string StringArg(const Value& args, const char* key) {
  return args.contains(key) && args[key].is_string() ? args[key].get<std::string>() : "";
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

}  // namespace hostprep::modules
