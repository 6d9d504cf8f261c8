// The adapter between yaml-cpp and the rest of the engine: parse errors and
// duplicate keys become Diagnostics with file:line:col, yaml-cpp's exceptions
// stop here, and scalars become Values with Ansible's (YAML 1.1) typing.
#ifndef HOSTPREP_ENGINE_YAML_YAML_FILE_H_
#define HOSTPREP_ENGINE_YAML_YAML_FILE_H_

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

#include "engine/base/source.h"
#include "engine/base/value.h"
#include "engine/base/yaml_scalar.h"  // ScalarToValue, kMaxYamlBytes, kMaxYamlNodes

namespace hostprep {

struct YamlDocument {
  std::string path;  // as given; used in every location
  YAML::Node root;   // Null node for an empty file
};

// Reads and parses `path`. On a syntax error, an unreadable file, bytes that
// are not UTF-8 or a NUL, or a file beyond the bounds above, adds a
// diagnostic and returns false. Duplicate mapping keys (which yaml-cpp accepts
// silently) are reported too, and make the result false; the document is
// still filled in so callers can report more errors from it.
bool LoadYamlFile(const std::string& path, YamlDocument* doc, Diagnostics* diags);

// As LoadYamlFile, for text already in memory; `name` is used in locations.
bool LoadYamlString(const std::string& text, const std::string& name, YamlDocument* doc,
                    Diagnostics* diags);

// The 1-based location of a node in `file`. yaml-cpp gives a null mark for
// nodes it synthesised (a missing key): then only the file is known.
SourceLocation LocationOf(const std::string& file, const YAML::Node& node);

// True for a scalar written in quotes or with an explicit !!str tag.
bool IsQuotedScalar(const YAML::Node& node);

// Converts a node to a Value. Plain scalars are typed as Ansible (PyYAML,
// YAML 1.1) types them: true/false/yes/no/on/off in any of their three
// spellings are booleans; decimal, 0x hex and leading-0 octal (0644 = 420)
// integers; floats; ~, null and empty are null. Quoted scalars stay strings.
Value ToValue(const YAML::Node& node);

// A compact description for messages: "a mapping", "a list", "the string 'x'".
std::string DescribeNode(const YAML::Node& node);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_YAML_YAML_FILE_H_
