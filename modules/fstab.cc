#include "modules/fstab.h"

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

std::vector<FstabLine> ReadFstab(std::string_view content) {
  std::vector<FstabLine> lines;
  for (std::string& text : SplitLinesKeepEnds(content)) {
    std::vector<std::string> fields = PySplit(text);
    lines.push_back({std::move(text), std::move(fields)});
  }
  return lines;
}

std::string WriteFstab(const std::vector<FstabLine>& lines) {
  std::string out;
  for (const FstabLine& line : lines) out += line.text;
  return out;
}

std::string DecodeOctal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string EscapeFstabField(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\134";
    } else if (c == ' ') {
      out += "\\040";
    } else if (c == '&') {
      out += "\\046";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace hostprep::modules
