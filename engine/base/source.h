// Where user input came from, and the diagnostics that point back at it.
//
// A Diagnostic is "file:line:col: message", followed (when the file can be
// read) by the source line and a caret under the column. Diagnostics collects
// every error of a phase so the user sees them all at once. Not thread-safe:
// each phase owns its own Diagnostics.
#ifndef HOSTPREP_ENGINE_BASE_SOURCE_H_
#define HOSTPREP_ENGINE_BASE_SOURCE_H_

#include <string>
#include <vector>

namespace hostprep {

struct SourceLocation {
  std::string file;  // as the user named it (relative paths stay relative)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown

  bool known() const { return !file.empty(); }
  // "file:line:col", "file:line" or "file"; "" when unknown.
  std::string ToString() const;
  // ToString() followed by ": ", to put before a message; "" when unknown.
  std::string Prefix() const;
};

struct Diagnostic {
  SourceLocation location;
  std::string message;
};

class Diagnostics {
 public:
  void Add(SourceLocation location, std::string message);
  void Append(const Diagnostics& other);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }

  // Every diagnostic in the order added, each as
  //   path:3:7: message
  //       the source line
  //         ^
  // The source line is read from disk; when it cannot be read only the first
  // line is printed. Ends with a newline when not empty.
  std::string Format() const;

 private:
  std::vector<Diagnostic> items_;
};

// One diagnostic formatted as Diagnostics::Format does.
std::string FormatDiagnostic(const Diagnostic& d);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_SOURCE_H_
