#include "engine/base/source.h"

#include <fmt/format.h>

#include <fstream>

namespace hostprep {

std::string SourceLocation::ToString() const {
  if (file.empty()) return "";
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string SourceLocation::Prefix() const {
  std::string s = ToString();
  return s.empty() ? "" : s + ": ";
}

void Diagnostics::Add(SourceLocation location, std::string message) {
  items_.push_back({std::move(location), std::move(message)});
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

namespace {

// Reads one line of a file; false when the file or line is not there.
bool ReadLine(const std::string& path, int line_no, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  for (int i = 1; std::getline(in, line); ++i) {
    if (i == line_no) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      *out = line;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out;
  std::string where = d.location.ToString();
  out += where.empty() ? d.message : where + ": " + d.message;
  out += '\n';
  std::string line;
  if (d.location.line > 0 && ReadLine(d.location.file, d.location.line, &line)) {
    out += "    " + line + "\n";
    if (d.location.column > 0) {
      std::string pad;
      // Keep tabs so the caret lines up under tab-indented text.
      for (int i = 0; i + 1 < d.location.column && i < static_cast<int>(line.size()); ++i) {
        pad += line[i] == '\t' ? '\t' : ' ';
      }
      out += "    " + pad + "^\n";
    }
  }
  return out;
}

std::string Diagnostics::Format() const {
  std::string out;
  for (const Diagnostic& d : items_) out += FormatDiagnostic(d);
  return out;
}

}  // namespace hostprep
