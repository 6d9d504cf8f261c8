// TOML editing for containerd_config: parse with locations, set keys by path,
// merge a free-form mapping, serialize, and quote strings for hand-written
// files. A thin adapter over toml++: its exceptions stop here. Pure functions,
// thread-safe, no I/O.
#ifndef HOSTPREP_MODULES_CONTAINERD_TOML_H_
#define HOSTPREP_MODULES_CONTAINERD_TOML_H_

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep::modules {

// Parses `text`; a syntax error becomes
// "PATH:LINE:COL: invalid TOML: DESCRIPTION (fix or remove the file)".
Result<toml::table> ParseToml(const std::string& text, const std::string& path);

// The document as TOML: double-quoted strings, no indentation, tables in key
// order. Comments and the original layout are not kept (toml++ drops them).
std::string FormatToml(const toml::table& table);

// A key path as TOML writes it: plugins."io.containerd.grpc.v1.cri".sandbox_image.
std::string TomlKeyPath(const std::vector<std::string>& keys);

// A TOML basic string: "..." with \", \\ and control characters escaped.
std::string TomlString(const std::string& s);

// The node at `keys`, or null when a key on the way is missing or not a table.
const toml::node* FindToml(const toml::table& root, const std::vector<std::string>& keys);

// Sets the value at `keys` (creating missing tables on the way), replacing
// what was there. Null `value` removes the key (and nothing when absent).
// Fails when a key on the way holds something other than a table, or when
// `value` cannot be TOML (a null inside an array).
Status SetTomlValue(toml::table* root, const std::vector<std::string>& keys, const Value& value);

// Merges a nested mapping into `root`: mappings merge into tables key by key,
// anything else is set with SetTomlValue. Keys are taken literally, never
// split on dots.
Status MergeTomlSettings(toml::table* root, const Value& settings);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_CONTAINERD_TOML_H_
