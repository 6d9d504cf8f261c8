#include "engine/base/yaml_scalar.h"

#include <algorithm>
#include <regex>

#include "engine/base/text.h"

namespace hostprep {

Value ScalarToValue(const std::string& s, bool quoted) {
  if (quoted) return Value(s);
  static const std::regex kTrue("^(true|True|TRUE|yes|Yes|YES|on|On|ON)$");
  static const std::regex kFalse("^(false|False|FALSE|no|No|NO|off|Off|OFF)$");
  static const std::regex kNull("^(~|null|Null|NULL)?$");
  static const std::regex kDec("^[-+]?(0|[1-9][0-9_]*)$");
  static const std::regex kOct("^[-+]?0[0-7_]+$");
  static const std::regex kOct12("^0o[0-7]+$");
  static const std::regex kHex("^[-+]?0x[0-9a-fA-F_]+$");
  static const std::regex kFloat(
      "^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$");
  if (std::regex_match(s, kNull)) return Value(nullptr);
  if (std::regex_match(s, kTrue)) return Value(true);
  if (std::regex_match(s, kFalse)) return Value(false);
  auto strip = [](std::string t) {
    t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
    return t;
  };
  try {
    if (std::regex_match(s, kDec)) return Value(std::stoll(strip(s), nullptr, 10));
    if (std::regex_match(s, kOct)) return Value(std::stoll(strip(s), nullptr, 8));
    if (std::regex_match(s, kOct12)) return Value(std::stoll(s.substr(2), nullptr, 8));
    if (std::regex_match(s, kHex)) return Value(std::stoll(strip(s), nullptr, 16));
    if (s != "." && std::regex_match(s, kFloat)) return Value(std::stod(strip(s)));
  } catch (const std::exception&) {
    // Out of range: keep the text; a module that needs a number says so.
  }
  return Value(s);
}

size_t FindNonYamlByte(std::string_view text) {
  return std::min(FindInvalidUtf8(text), text.find('\0'));
}

}  // namespace hostprep
