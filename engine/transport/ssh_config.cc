#include "engine/transport/ssh_config.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>

#include "engine/base/text.h"

namespace hostprep {

namespace {

// Splits like a POSIX shell would, for the quoting found in ssh arguments
// and config lines: single and double quotes, backslash escapes.
std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < s.size()) {
        word += s[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      word += s[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

// ssh_config(5) Host matching: any positive pattern matches and no negated one.
bool HostMatches(const std::vector<std::string>& patterns, const std::string& host) {
  bool matched = false;
  const std::string lower = ToLower(host);
  for (const std::string& raw : patterns) {
    const bool negated = StartsWith(raw, "!");
    const std::string pattern = ToLower(negated ? raw.substr(1) : raw);
    if (fnmatch(pattern.c_str(), lower.c_str(), 0) != 0) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

std::string ExpandHome(const std::string& path, const std::string& home) {
  if (path == "~") return home;
  if (StartsWith(path, "~/")) return home + path.substr(1);
  return path;
}

bool ParseConfigPort(const std::string& text, int* port) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535) {
    return false;
  }
  *port = value;
  return true;
}

}  // namespace

Result<SshHostConfig> ReadSshConfig(const std::string& path, const std::string& host,
                                    const std::string& home) {
  SshHostConfig config;
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return config;
    return Status::Error(fmt::format("ssh config {}: {}", path, std::strerror(errno)));
  }
  bool active = true;  // lines before the first Host apply to every host
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string text = Trim(line);
    if (text.empty() || text[0] == '#') continue;
    size_t cut = text.find_first_of(" \t=");
    if (cut == std::string::npos) continue;
    const std::string keyword = ToLower(text.substr(0, cut));
    std::string rest = Trim(text.substr(cut));
    if (StartsWith(rest, "=")) rest = Trim(rest.substr(1));
    const std::vector<std::string> args = Words(rest);
    if (keyword == "host") {
      active = HostMatches(args, host);
      continue;
    }
    if (keyword == "match") {
      active = args.size() == 1 && ToLower(args[0]) == "all";
      continue;
    }
    if (!active || args.empty()) continue;
    const std::string& value = args[0];
    if (keyword == "hostname" && config.hostname.empty()) {
      config.hostname = value;
    } else if (keyword == "user" && config.user.empty()) {
      config.user = value;
    } else if (keyword == "port" && config.port == 0) {
      if (!ParseConfigPort(value, &config.port)) {
        return Status::Error(fmt::format("{}:{}: Port must be a number from 1 to 65535, not '{}'",
                                         path, number, value));
      }
    } else if (keyword == "identityfile") {
      config.identity_files.push_back(ExpandHome(value, home));
    } else if (keyword == "proxyjump" && config.proxy_jump.empty()) {
      config.proxy_jump = value;
    } else if (keyword == "serveraliveinterval" && config.server_alive_interval < 0) {
      Result<int> seconds = ParseAliveInterval(value);
      if (!seconds.ok())
        return Status::Error(fmt::format("{}:{}: {}", path, number, seconds.message()));
      config.server_alive_interval = *seconds;
    } else if (keyword == "serveralivecountmax" && config.server_alive_count_max < 0) {
      Result<int> count = ParseAliveCountMax(value);
      if (!count.ok())
        return Status::Error(fmt::format("{}:{}: {}", path, number, count.message()));
      config.server_alive_count_max = *count;
    }
  }
  return config;
}

namespace {

// A whole number from `min` to 1,000,000, or nullopt.
std::optional<int> WholeNumber(const std::string& text, int min) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > 1000000) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<int> ParseAliveInterval(const std::string& text) {
  if (std::optional<int> v = WholeNumber(text, 0)) return *v;
  return Status::Error(fmt::format(
      "ServerAliveInterval must be a whole number of seconds (0 = off), not '{}'", text));
}

Result<int> ParseAliveCountMax(const std::string& text) {
  if (std::optional<int> v = WholeNumber(text, 1)) return *v;
  return Status::Error(
      fmt::format("ServerAliveCountMax must be a whole number from 1, not '{}'", text));
}

Result<std::vector<JumpSpec>> ParseProxyJump(const std::string& spec) {
  std::vector<JumpSpec> hops;
  if (spec.empty() || ToLower(spec) == "none") return hops;
  for (std::string part : Split(spec, ',')) {
    part = Trim(part);
    if (StartsWith(part, "ssh://")) part = part.substr(6);
    JumpSpec hop;
    size_t at = part.rfind('@');
    if (at != std::string::npos) {
      hop.user = part.substr(0, at);
      part = part.substr(at + 1);
    }
    std::string port;
    if (StartsWith(part, "[")) {
      size_t close = part.find(']');
      if (close == std::string::npos) {
        return Status::Error(fmt::format("ProxyJump '{}': missing ']' in '{}'", spec, part));
      }
      hop.host = part.substr(1, close - 1);
      if (close + 1 < part.size() && part[close + 1] == ':') port = part.substr(close + 2);
    } else {
      size_t colon = part.find(':');
      hop.host = part.substr(0, colon);
      if (colon != std::string::npos) port = part.substr(colon + 1);
    }
    if (hop.host.empty()) {
      return Status::Error(fmt::format("ProxyJump '{}': a hop has no host name", spec));
    }
    if (!port.empty() && !ParseConfigPort(port, &hop.port)) {
      return Status::Error(fmt::format(
          "ProxyJump '{}': the port must be a number from 1 to 65535, not '{}'", spec, port));
    }
    hops.push_back(hop);
  }
  return hops;
}

std::string OptionFromArgs(const std::string& ssh_common_args, std::string_view keyword) {
  const std::vector<std::string> words = Words(ssh_common_args);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string option;
    if (words[i] == "-o" && i + 1 < words.size()) {
      option = words[i + 1];
    } else if (StartsWith(words[i], "-o") && words[i].size() > 2) {
      option = words[i].substr(2);
    } else {
      continue;
    }
    option = Trim(option);
    size_t cut = option.find_first_of(" \t=");
    if (cut == std::string::npos) continue;
    if (ToLower(option.substr(0, cut)) != ToLower(keyword)) continue;
    std::string value = Trim(option.substr(cut));
    if (StartsWith(value, "=")) value = Trim(value.substr(1));
    return value;
  }
  return "";
}

std::string ProxyJumpFromArgs(const std::string& ssh_common_args) {
  const std::vector<std::string> words = Words(ssh_common_args);
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "-J" && i + 1 < words.size()) return words[i + 1];
    if (StartsWith(words[i], "-J") && words[i].size() > 2) return words[i].substr(2);
  }
  return OptionFromArgs(ssh_common_args, "ProxyJump");
}

}  // namespace hostprep
