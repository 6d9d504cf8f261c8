// Typed reads of playbook fields for the parser, and the diagnostics they
// produce. Each read checks a YAML node's type and converts it; on a mismatch
// it adds a diagnostic at the node ("'retries' must be an integer, not
// 'three'") and returns false, so the parser keeps going and the user sees
// every error of the file at once.
//
// Diagnostics are held with an anchor in the playbook (their own location, or
// for an error inside a vars file, the place that names the file) and handed
// over in file order by Flush. Not thread-safe: one reader per parse.
#ifndef HOSTPREP_ENGINE_PLAYBOOK_FIELD_READER_H_
#define HOSTPREP_ENGINE_PLAYBOOK_FIELD_READER_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "engine/base/source.h"
#include "engine/base/value.h"
#include "engine/playbook/playbook.h"

namespace hostprep {

// "'three'" for a string, "a list", "a mapping", "nothing" for null, and the
// scalar as written otherwise (3.5, true): the tail of "must be X, not ...".
std::string DescribeForError(const YAML::Node& node);

class FieldReader {
 public:
  // `file` names the playbook in every location; `dir` is the base of
  // relative paths in it ("" = the current directory).
  FieldReader(std::string file, std::string dir);

  const std::string& file() const { return file_; }
  const std::string& dir() const { return dir_; }
  SourceLocation At(const YAML::Node& node) const;
  // `path` relative to dir() unless absolute.
  std::string Resolve(const std::string& path) const;

  void Error(const YAML::Node& node, std::string message);
  void Error(const SourceLocation& location, std::string message);
  // Takes diagnostics found elsewhere. With a known `anchor` they are ordered
  // as if found there (errors inside a vars file, at the line naming it);
  // otherwise each is ordered by its own location.
  void Adopt(const Diagnostics& other, const SourceLocation& anchor = {});
  size_t error_count() const { return items_.size(); }
  // Appends every diagnostic to `diags`, ordered by anchor (line, column);
  // diagnostics at the same place keep the order they were found in.
  void Flush(Diagnostics* diags);

  // The reads. `key` names the field in messages. Each returns false (with a
  // diagnostic added) when the node cannot be read as asked; *out is then
  // left unchanged.
  bool ReadBool(const std::string& key, const YAML::Node& node, bool* out);
  bool ReadInt(const std::string& key, const YAML::Node& node, int min, int max, int* out);
  bool ReadString(const std::string& key, const YAML::Node& node, std::string* out);
  // A string or a list of strings; `locations` (optional) gets one location
  // per string.
  bool ReadStringList(const std::string& key, const YAML::Node& node, std::vector<std::string>* out,
                      std::vector<SourceLocation>* locations = nullptr);
  // A mapping (null reads as an empty one).
  bool ReadMapping(const std::string& key, const YAML::Node& node, Value* out);
  // A condition (string expression or boolean) or a list of them. Each
  // expression's syntax is checked; its errors are prefixed with `context`
  // ("task 'x'") and reported at the expression.
  bool ReadConditions(const std::string& key, const YAML::Node& node, const std::string& context,
                      std::vector<Expression>* out);
  // One expression (or "{{ }}" template) written at `at`: its syntax
  // checked as ReadConditions checks each, then added to `out`.
  bool AddExpression(Expression expr, const YAML::Node& at, const std::string& context,
                     std::vector<Expression>* out);

  // Checks the syntax of every template in the strings under `node` (keys
  // included), reporting each error at the string that holds it, prefixed
  // with `context`.
  void CheckTemplates(const YAML::Node& node, const std::string& context);

 private:
  struct Held {
    int line = 0;
    int column = 0;
    Diagnostic diagnostic;
  };

  std::string file_;
  std::string dir_;
  std::vector<Held> items_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_PLAYBOOK_FIELD_READER_H_
