#include "engine/facts/facts_input.h"

#include "engine/base/text.h"

namespace hostprep {

namespace {

constexpr std::string_view kEnd = "end=hostprep-facts";

}  // namespace

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

long long ToInt(std::string_view s, long long fallback) {
  if (!IsDigits(s) || s.size() > 18) return fallback;
  long long v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// The script's output is lines: "key=value", "/path:line" (the grep), the
// lines between net=begin and net=end (ip), and the end line last. A file
// line is told by its leading '/': no key starts with one.
Result<FactsInput> FactsInput::Read(std::string_view output) {
  FactsInput in;
  std::string_view rest = output;
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.remove_suffix(1);
  if (rest.size() < kEnd.size() || rest.substr(rest.size() - kEnd.size()) != kEnd ||
      (rest.size() > kEnd.size() && rest[rest.size() - kEnd.size() - 1] != '\n')) {
    return Status::Error("gathering facts failed: unexpected output from the target's shell");
  }
  rest.remove_suffix(kEnd.size());
  bool in_net = false;
  size_t count = 0, kept = 0;
  while (!rest.empty() && count < kMaxLines && kept < kMaxBytes) {
    size_t nl = rest.find('\n');
    std::string_view raw = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++count;
    if (raw.size() > kMaxLine) raw = raw.substr(0, kMaxLine);
    kept += raw.size();
    std::string line = ReplaceInvalidUtf8(raw);
    if (in_net) {
      if (line == "net=end") {
        in_net = false;
      } else if (in.net_.size() < kMaxFileLines) {
        in.net_.push_back(std::move(line));
      }
      continue;
    }
    if (!line.empty() && line[0] == '/') {
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::vector<std::string>& lines = in.files_[line.substr(0, colon)];
      if (lines.size() < kMaxFileLines) lines.push_back(line.substr(colon + 1));
      continue;
    }
    if (line == "net=begin") {
      in_net = in.ran_ip_ = true;
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    in.values_.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  return in;
}

const std::string& FactsInput::Get(const std::string& key) const {
  static const std::string kNone;
  auto it = values_.find(key);
  return it == values_.end() ? kNone : it->second;
}

std::vector<std::string> FactsInput::All(const std::string& key) const {
  std::vector<std::string> out;
  auto [b, e] = values_.equal_range(key);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

bool FactsInput::Exists(const std::string& path) const {
  auto [b, e] = values_.equal_range("exists");
  for (auto it = b; it != e; ++it) {
    if (it->second == path) return true;
  }
  return false;
}

bool FactsInput::HasTool(const std::string& tool) const {
  auto [b, e] = values_.equal_range("have");
  for (auto it = b; it != e; ++it) {
    if (it->second == tool) return true;
  }
  return false;
}

const std::vector<std::string>& FactsInput::Lines(const std::string& path) const {
  static const std::vector<std::string> kNone;
  auto it = files_.find(path);
  return it == files_.end() ? kNone : it->second;
}

std::string FactsInput::Content(const std::string& path) const {
  std::string text;
  const std::vector<std::string>& lines = Lines(path);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) text += '\n';
    text += lines[i];
  }
  return PyStrip(text);
}

}  // namespace hostprep
