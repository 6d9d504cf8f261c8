#include "engine/inventory/host_range.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "engine/base/text.h"

namespace hostprep {

namespace {

// More hosts than this from one pattern is a typo ([1:1000000] for
// [1:100]), not an inventory: refused before it takes the memory.
constexpr size_t kMaxExpandedHosts = 100000;

Status TooMany(std::string_view whole) {
  return Status::Error(
      fmt::format("host range '{}' expands to more than {} hosts: check the "
                  "bounds, or split the range",
                  whole, kMaxExpandedHosts));
}

constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Bracket contents that are an IPv6 address rather than a range: ranges have
// one or two colons and never "::".
bool IsIpv6Literal(std::string_view inside) {
  return inside.find("::") != std::string_view::npos ||
         std::count(inside.begin(), inside.end(), ':') > 2;
}

// The values of one range, formatted; `whole` names the pattern in errors.
Result<std::vector<std::string>> RangeValues(std::string_view inside, std::string_view whole) {
  std::vector<std::string> bounds = Split(inside, ':');
  if (bounds.size() != 2 && bounds.size() != 3) {
    return Status::Error(
        fmt::format("host range '{}' must be [begin:end] or [begin:end:step]", whole));
  }
  std::string beg = bounds[0].empty() ? "0" : bounds[0];
  const std::string& end = bounds[1];
  if (end.empty()) return Status::Error(fmt::format("host range '{}' has no end value", whole));
  int step = 1;
  if (bounds.size() == 3) {
    if (!AllDigits(bounds[2]) || bounds[2].size() > 9 || std::stoi(bounds[2]) == 0) {
      return Status::Error(
          fmt::format("host range '{}' has step '{}': use a positive integer", whole, bounds[2]));
    }
    step = std::stoi(bounds[2]);
  }
  std::vector<std::string> out;
  size_t lb = kLetters.find(beg), le = kLetters.find(end);
  if (beg.size() == 1 && end.size() == 1 && lb != std::string_view::npos &&
      le != std::string_view::npos) {
    if (lb > le) return Status::Error(fmt::format("host range '{}' has begin > end", whole));
    for (size_t i = lb; i <= le; i += step) out.push_back(std::string(1, kLetters[i]));
    return out;
  }
  if (!AllDigits(beg) || !AllDigits(end) || beg.size() > 9 || end.size() > 9) {
    return Status::Error(
        fmt::format("host range '{}' must be numbers (01:10) or single letters (a:f)", whole));
  }
  size_t width = 0;
  if (beg.size() > 1 && beg[0] == '0') {
    if (beg.size() != end.size()) {
      return Status::Error(
          fmt::format("host range '{}' must give begin and end the same number of digits", whole));
    }
    width = beg.size();
  }
  int b = std::stoi(beg), e = std::stoi(end);
  if (b > e) return Status::Error(fmt::format("host range '{}' has begin > end", whole));
  if (static_cast<size_t>((e - b) / step) >= kMaxExpandedHosts) return TooMany(whole);
  for (int i = b; i <= e; i += step) out.push_back(fmt::format("{:0{}}", i, width));
  return out;
}

}  // namespace

Result<std::vector<std::string>> ExpandHostRanges(std::string_view pattern) {
  size_t open = pattern.find('[');
  if (open == std::string_view::npos) return std::vector<std::string>{std::string(pattern)};
  size_t close = pattern.find(']', open);
  if (close == std::string_view::npos) {
    return Status::Error(fmt::format("host range in '{}' has no closing ']'", pattern));
  }
  Result<std::vector<std::string>> values =
      RangeValues(pattern.substr(open + 1, close - open - 1), pattern);
  if (!values.ok()) return values.status();
  std::string head(pattern.substr(0, open));
  // The tail may hold more ranges: expand it once and multiply.
  Result<std::vector<std::string>> tails = ExpandHostRanges(pattern.substr(close + 1));
  if (!tails.ok()) return tails.status();
  if (values->size() * tails->size() > kMaxExpandedHosts) return TooMany(pattern);
  std::vector<std::string> out;
  for (const std::string& v : *values) {
    for (const std::string& t : *tails) out.push_back(head + v + t);
  }
  return out;
}

namespace {

// A TCP port written in decimal: 1 to 65535, nothing else (no sign, no
// blank, no digits past what fits).
std::optional<int> PortNumber(std::string_view text) {
  if (text.empty() || text.size() > 5 || !AllDigits(text)) return std::nullopt;
  const int n = std::stoi(std::string(text));
  if (n < 1 || n > 65535) return std::nullopt;
  return n;
}

}  // namespace

std::string HostNameProblem(std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f || c == ' ') {
      return fmt::format(
          "host name {} holds {} at byte {}: a host name is one word of printable characters "
          "(the address to connect to goes in ansible_host)",
          Escaped(name), c == ' ' ? "a space" : "a control character", i);
    }
  }
  return "";
}

Result<HostPattern> ParseHostPattern(std::string_view pattern) {
  if (std::string problem = HostNameProblem(pattern); !problem.empty()) {
    return Status::Error(problem);
  }
  HostPattern out;
  std::string_view name = pattern;
  if (StartsWith(pattern, "[")) {
    size_t close = pattern.find(']');
    if (close != std::string_view::npos && IsIpv6Literal(pattern.substr(1, close - 1))) {
      std::string_view rest = pattern.substr(close + 1);
      if (!rest.empty()) {
        std::optional<int> port = rest[0] == ':' ? PortNumber(rest.substr(1)) : std::nullopt;
        if (!port) {
          return Status::Error(fmt::format(
              "host '{}' has a bad port: write [address]:port with a port from 1 to 65535",
              pattern));
        }
        out.port = *port;
      }
      out.names.push_back(std::string(pattern.substr(1, close - 1)));
      return out;
    }
  }
  // A port is the digits after the last ':' outside brackets, when that is the
  // only such ':' (more of them make an IPv6 address).
  int depth = 0, colons = 0;
  size_t last = std::string_view::npos;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '[') ++depth;
    if (pattern[i] == ']') --depth;
    if (pattern[i] == ':' && depth == 0) {
      ++colons;
      last = i;
    }
  }
  if (colons == 1) {
    std::string_view port = pattern.substr(last + 1);
    std::optional<int> number = PortNumber(port);
    if (!number) {
      return Status::Error(fmt::format(
          "host '{}' has a bad port '{}': write name:port with a number from 1 to 65535", pattern,
          port));
    }
    out.port = *number;
    name = pattern.substr(0, last);
  }
  if (name.empty()) return Status::Error(fmt::format("host '{}' has no name", pattern));
  if (colons > 1) {
    out.names.push_back(std::string(name));
    return out;
  }
  Result<std::vector<std::string>> names = ExpandHostRanges(name);
  if (!names.ok()) return names.status();
  out.names = std::move(names).value();
  return out;
}

}  // namespace hostprep
