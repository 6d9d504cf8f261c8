// The distribution facts as Ansible 2.14's DistributionFactCollector makes
// them on Linux (system/distribution.py), on top of what the `distro`
// library 1.8 (Debian 12's python3-distro, and the copy newer ansible-core
// bundles) reads: os-release, `lsb_release -a`, the first *-release file;
// and the lsb, pkg_mgr and service_mgr facts. `lsb_release` is not started:
// its answer is made from the files it reads (see LsbRelease).
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "engine/base/text.h"
#include "engine/facts/facts_input.h"

namespace hostprep {

namespace {

using Props = std::map<std::string, std::string>;

// The longest line a regex is run on: std::regex recurses per character.
constexpr size_t kRegexLine = 1024;

std::string Get(const Props& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? "" : it->second;
}

// re.search(pattern, line) group `group`, on each line of `text` (Python
// searches the whole text; these patterns do not span lines in real files).
std::optional<std::string> Search(const std::string& text, const std::regex& re, int group = 1) {
  for (const std::string& line : Split(text, '\n')) {
    if (line.size() > kRegexLine) continue;
    std::smatch m;
    if (std::regex_search(line, m, re)) return m[group].matched ? m[group].str() : "";
  }
  return std::nullopt;
}

// Python's str.strip(chars) for the quote characters ' " and \.
std::string StripQuotes(const std::string& s) {
  size_t b = 0, e = s.size();
  auto quote = [](char c) { return c == '\'' || c == '"' || c == '\\'; };
  while (b < e && quote(s[b])) ++b;
  while (e > b && quote(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// shlex in POSIX mode with whitespace_split, as distro reads os-release:
// quotes and backslashes as the shell has them, '#' starting a comment.
std::vector<std::string> ShlexSplit(const std::string& text) {
  std::vector<std::string> tokens;
  std::string token;
  bool in_token = false;
  size_t i = 0;
  auto finish = [&] {
    if (in_token) tokens.push_back(token);
    token.clear();
    in_token = false;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      finish();
      ++i;
    } else if (c == '#') {
      finish();
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '\'') {
      in_token = true;
      const size_t end = text.find('\'', i + 1);
      if (end == std::string::npos) break;  // shlex: no closing quotation
      token += text.substr(i + 1, end - i - 1);
      i = end + 1;
    } else if (c == '"') {
      in_token = true;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
          ++i;
        }
        token += text[i++];
      }
      if (i >= text.size()) break;
      ++i;
    } else if (c == '\\') {
      in_token = true;
      if (i + 1 < text.size()) token += text[i + 1];
      i += 2;
    } else {
      in_token = true;
      token += c;
      ++i;
    }
  }
  finish();
  return tokens;
}

// distro's os-release properties: lower-case keys, and `codename`.
Props ParseOsRelease(const std::string& text) {
  Props props;
  for (const std::string& token : ShlexSplit(text)) {
    const size_t eq = token.find('=');
    if (eq != std::string::npos) props[ToLower(token.substr(0, eq))] = token.substr(eq + 1);
  }
  if (props.count("version")) {
    static const std::regex kCodename(R"(\((\D+)\)|,\s*(\D+))");
    std::smatch m;
    const std::string version = props["version"].substr(0, kRegexLine);
    if (std::regex_search(version, m, kCodename)) {
      props["codename"] = props["release_codename"] = m[1].matched ? m[1].str() : m[2].str();
    }
  }
  if (props.count("version_codename")) {
    props["codename"] = props["version_codename"];
  } else if (props.count("ubuntu_codename")) {
    props["codename"] = props["ubuntu_codename"];
  }
  return props;
}

// distro's reading of a release file's first line ("CentOS Linux release
// 7.9.2009 (Core)"): name, version_id, codename.
Props ParseReleaseLine(const std::string& line) {
  static const std::regex kReversed(
      R"((?:[^)]*\)(.*)\()? *(?:STL )?([\d.+\-a-z]*\d) *(?:esaeler *)?(.+))");
  Props info;
  std::string s = PyStrip(line).substr(0, kRegexLine);
  std::reverse(s.begin(), s.end());
  std::smatch m;
  if (std::regex_search(s, m, kReversed, std::regex_constants::match_continuous)) {
    auto back = [](std::string v) {
      std::reverse(v.begin(), v.end());
      return v;
    };
    info["name"] = back(m[3].str());
    if (m[2].matched && m[2].length() > 0) info["version_id"] = back(m[2].str());
    if (m[1].matched && m[1].length() > 0) info["codename"] = back(m[1].str());
  } else if (!line.empty()) {
    info["name"] = PyStrip(line);
  }
  return info;
}

std::string OsReleasePath(const FactsInput& in) {
  if (in.Exists("/etc/os-release") || !in.Exists("/usr/lib/os-release")) return "/etc/os-release";
  return "/usr/lib/os-release";
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

// What `lsb_release -a` prints, made from the files it reads: Ubuntu's
// (and older Debian's) Python lsb_release takes /etc/lsb-release's
// DISTRIB_* when it has them; Debian 12's lsb-release-minimal takes
// os-release (ID capitalised, or NAME where they differ only in case).
// Empty where lsb_release is not installed. Keys as distro names them.
Props LsbRelease(const FactsInput& in, const Props& os) {
  Props lsb;
  if (!in.HasTool("lsb_release")) return lsb;
  Props file;
  for (const std::string& line : in.Lines("/etc/lsb-release")) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::vector<std::string> value = ShlexSplit(line.substr(eq + 1));
    std::string joined;
    for (const std::string& v : value) joined += (joined.empty() ? "" : " ") + v;
    file[PyStrip(line.substr(0, eq))] = joined;
  }
  if (file.count("DISTRIB_ID")) {
    lsb["distributor_id"] = file["DISTRIB_ID"];
    lsb["description"] = file["DISTRIB_DESCRIPTION"];
    lsb["release"] = file["DISTRIB_RELEASE"];
    lsb["codename"] = file["DISTRIB_CODENAME"];
  } else {
    std::string id = Get(os, "id");
    if (!id.empty()) id[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(id[0])));
    if (os.count("name") && ToLower(id) == ToLower(Get(os, "name"))) id = Get(os, "name");
    auto or_na = [](const std::string& v) { return v.empty() ? std::string("n/a") : v; };
    lsb["distributor_id"] = or_na(id);
    lsb["description"] = or_na(Get(os, "pretty_name"));
    lsb["release"] = or_na(Get(os, "version_id"));
    lsb["codename"] = or_na(Get(os, "version_codename"));
  }
  for (auto& [key, value] : lsb) value = PyStrip(value);
  return lsb;
}

// distro's distro release file: the first /etc/*[-_](release|version) by
// name, but the ones it ignores, whose first line names something.
Props DistroReleaseFile(const FactsInput& in) {
  static const std::set<std::string> kIgnored = {
      "debian_version", "lsb-release",   "oem-release",     "os-release",
      "system-release", "plesk-release", "iredmail-release"};
  static const std::regex kName(R"((\w+)[-_](release|version))");
  std::vector<std::string> names;
  for (const auto& [path, lines] : in.files()) {
    if (!StartsWith(path, "/etc/") || path.find('/', 5) != std::string::npos) continue;
    names.push_back(path.substr(5));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::smatch m;
    if (kIgnored.count(name) || name.size() > kRegexLine || !std::regex_match(name, m, kName))
      continue;
    const std::vector<std::string>& lines = in.Lines("/etc/" + name);
    Props info = ParseReleaseLine(lines.empty() ? "" : lines[0]);
    if (!info.count("name")) continue;
    info["id"] = m[1].str();
    if (HasSubstring(ToLower(info["name"]), "cloudlinux")) info["id"] = "cloudlinux";
    return info;
  }
  return {};
}

struct Distro {
  Props os, lsb, release;
  std::string debian_version;
  // Ansible's module_utils use the target's own `distro` when its Python
  // has one (python3-distro, 1.8 on Debian 12) and the copy ansible-core
  // 2.14 bundles (1.6) otherwise; only 1.7 and later count
  // /etc/debian_version's point release ("12.5" rather than "12").
  bool system_distro = false;

  std::string Id() const {
    auto normalize = [](std::string id, const Props& table) {
      id = ToLower(id);
      std::replace(id.begin(), id.end(), ' ', '_');
      auto it = table.find(id);
      return it == table.end() ? id : it->second;
    };
    static const Props kOs = {{"ol", "oracle"}, {"opensuse-leap", "opensuse"}};
    static const Props kLsb = {{"enterpriseenterpriseas", "oracle"},
                               {"enterpriseenterpriseserver", "oracle"},
                               {"redhatenterpriseworkstation", "rhel"},
                               {"redhatenterpriseserver", "rhel"},
                               {"redhatenterprisecomputenode", "rhel"}};
    static const Props kRelease = {{"redhat", "rhel"}};
    if (!Get(os, "id").empty()) return normalize(Get(os, "id"), kOs);
    if (!Get(lsb, "distributor_id").empty()) return normalize(Get(lsb, "distributor_id"), kLsb);
    if (!Get(release, "id").empty()) return normalize(Get(release, "id"), kRelease);
    return "";
  }

  std::string Version(bool best) const {
    std::vector<std::string> versions = {
        Get(os, "version_id"),
        Get(lsb, "release"),
        Get(release, "version_id"),
        Get(ParseReleaseLine(Get(os, "pretty_name")), "version_id"),
        Get(ParseReleaseLine(Get(lsb, "description")), "version_id"),
        ""};
    const std::vector<std::string> like = PySplit(Get(os, "id_like"));
    const bool debian =
        Id() == "debian" || std::find(like.begin(), like.end(), "debian") != like.end();
    if (debian && system_distro) versions.push_back(debian_version);
    std::string version;
    for (const std::string& v : versions) {
      if (best) {
        if (std::count(v.begin(), v.end(), '.') > std::count(version.begin(), version.end(), '.') ||
            version.empty())
          version = v;
      } else if (!v.empty()) {
        return v;
      }
    }
    return version;
  }

  // Ansible's get_distribution_codename(); nullopt for its None.
  std::optional<std::string> Codename() const {
    if (os.count("version_codename")) return Get(os, "version_codename");
    if (os.count("ubuntu_codename")) return Get(os, "ubuntu_codename");
    if (Id() == "ubuntu" && lsb.count("codename")) return Get(lsb, "codename");
    std::string codename = os.count("codename") ? Get(os, "codename") : Get(lsb, "codename");
    if (codename.empty() && !os.count("codename")) codename = Get(release, "codename");
    if (codename.empty()) return std::nullopt;
    return codename;
  }
};

// Ansible's guess from distro: distribution, version, release, major.
Props Guess(const Distro& d) {
  Props g;
  std::string name = d.Id();
  if (!name.empty()) {
    name = ToLower(name);
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  }
  if (name == "Amzn") name = "Amazon";
  if (name == "Rhel") name = "Redhat";
  if (name.empty()) name = "OtherLinux";
  std::string version = d.Version(false);
  if (d.Id() == "centos") {
    const std::vector<std::string> parts = Split(d.Version(true), '.');
    version = parts[0] + (parts.size() > 1 ? "." + parts[1] : "");
  } else if (d.Id() == "debian") {
    version = d.Version(true);
  }
  g["distribution"] = name;
  g["distribution_version"] = version.empty() ? "NA" : version;
  const std::optional<std::string> codename = d.Codename();
  g["distribution_release"] = codename ? *codename : "NA";
  const std::string major = Split(g["distribution_version"], '.')[0];
  g["distribution_major_version"] = major.empty() ? "NA" : major;
  return g;
}

// The parsers of Ansible's DistributionFiles, by distribution name: whether
// the file is that distribution's, and the facts it gives.
bool ParseDebian(const FactsInput& in, const std::string& data, const std::string& path,
                 const Props& /*collected*/, Props* out) {
  static const std::regex kPretty(R"(PRETTY_NAME=[^(]+ \(?([^)]+?)\))");
  static const std::regex kVersionQuoted(R"re(VERSION_ID="(.*)")re");
  static const std::regex kDistribRelease("DISTRIB_RELEASE=(.*)");
  static const std::regex kCodenameQuoted(R"re(VERSION_CODENAME="?([^"]+)"?)re");
  Props& f = *out;
  auto version = [&](bool major_whole) {
    if (auto v = Search(data, kVersionQuoted)) {
      f["distribution_version"] = *v;
      f["distribution_major_version"] = major_whole ? *v : Split(*v, '.')[0];
    }
  };
  if (HasSubstring(data, "Debian") || HasSubstring(data, "Raspbian")) {
    f["distribution"] = "Debian";
    if (auto r = Search(data, kPretty)) f["distribution_release"] = *r;
    // Ansible asks dpkg about tzdata when nothing named the release:
    // not done here, the release stays NA.
    static const std::regex kMinor(R"((\d+)\.(\d+))");
    for (const std::string& line : in.Lines("/etc/debian_version")) {
      const std::string l = PyStrip(line).substr(0, kRegexLine);
      std::smatch m;
      if (std::regex_search(l, m, kMinor)) f["distribution_minor_version"] = m[2].str();
    }
  } else if (HasSubstring(data, "Ubuntu")) {
    f["distribution"] = "Ubuntu";
  } else if (HasSubstring(data, "SteamOS")) {
    f["distribution"] = "SteamOS";
  } else if ((path == "/etc/lsb-release" || path == "/etc/os-release") &&
             (HasSubstring(data, "Kali") || HasSubstring(data, "Parrot"))) {
    f["distribution"] = HasSubstring(data, "Kali") ? "Kali" : "Parrot";
    if (auto r = Search(data, kDistribRelease)) f["distribution_release"] = *r;
  } else if (HasSubstring(data, "Devuan")) {
    f["distribution"] = "Devuan";
    static const std::regex kDevuan(R"re(PRETTY_NAME="?[^("]+ \(?([^) "]+)\)?)re");
    if (auto r = Search(data, kDevuan)) f["distribution_release"] = *r;
    version(true);
  } else if (HasSubstring(data, "Cumulus")) {
    f["distribution"] = "Cumulus Linux";
    if (auto v = Search(data, std::regex("VERSION_ID=(.*)"))) {
      f["distribution_version"] = *v;
      f["distribution_major_version"] = Split(*v, '.')[0];
    }
    if (auto r = Search(data, std::regex(R"re(VERSION="(.*)")re"))) f["distribution_release"] = *r;
  } else if (HasSubstring(data, "Mint")) {
    f["distribution"] = "Linux Mint";
    version(false);
  } else if (HasSubstring(data, "UOS") || HasSubstring(data, "Uos") || HasSubstring(data, "uos") ||
             HasSubstring(data, "Deepin") || HasSubstring(data, "deepin")) {
    const bool uos =
        HasSubstring(data, "UOS") || HasSubstring(data, "Uos") || HasSubstring(data, "uos");
    f["distribution"] = uos ? "Uos" : "Deepin";
    if (auto r = Search(data, kCodenameQuoted)) f["distribution_release"] = *r;
    version(false);
  } else {
    return false;
  }
  return true;
}

bool ParseSuse(const FactsInput& in, const std::string& data, const std::string& path,
               const Props& collected, Props* out) {
  Props& f = *out;
  const std::string lower = ToLower(data);
  if (!HasSubstring(lower, "suse")) return false;
  if (path == "/etc/os-release") {
    static const std::regex kName("^NAME=(.*)");
    static const std::regex kVersion(R"re(^VERSION_ID="?([0-9]+\.?[0-9]*)"?)re");
    static const std::regex kMinor(R"re(^VERSION_ID="?[0-9]+\.?([0-9]*)"?)re");
    for (const std::string& line : Split(data, '\n')) {
      if (line.size() > kRegexLine) continue;
      std::smatch m;
      if (std::regex_search(line, m, kName)) {
        std::string name = m[1].str();
        while (!name.empty() && name.front() == '"') name.erase(0, 1);
        while (!name.empty() && name.back() == '"') name.pop_back();
        f["distribution"] = name;
      }
      if (std::regex_search(line, m, kVersion)) {
        f["distribution_version"] = m[1].str();
        f["distribution_major_version"] = Split(m[1].str(), '.')[0];
      }
      if (HasSubstring(lower, "open")) {
        if (std::regex_search(line, m, kMinor)) f["distribution_release"] = m[1].str();
      } else if (HasSubstring(lower, "enterprise") && HasSubstring(line, "VERSION_ID")) {
        if (std::regex_search(line, m, kMinor))
          f["distribution_release"] = m[1].length() > 0 ? m[1].str() : "0";
      }
    }
  } else if (path == "/etc/SuSE-release") {
    if (HasSubstring(lower, "open")) {
      f["distribution"] =
          PySplit(Split(data, '\n')[0]).empty() ? "" : PySplit(Split(data, '\n')[0])[0];
      if (auto r = Search(data, std::regex("CODENAME *= *(.+)")))
        f["distribution_release"] = PyStrip(*r);
    } else if (HasSubstring(lower, "enterprise")) {
      if (HasSubstring(data, "Server"))
        f["distribution"] = "SLES";
      else if (HasSubstring(data, "Desktop"))
        f["distribution"] = "SLED";
      if (auto r = Search(data, std::regex("PATCHLEVEL = ([0-9]+)"))) {
        f["distribution_release"] = *r;
        f["distribution_version"] = Get(collected, "distribution_version") + "." + *r;
      }
    }
  }
  if (EndsWith(in.Get("baseproduct"), "SLES_SAP.prod")) f["distribution"] = "SLES_SAP";
  return true;
}

std::string Unquoted(std::string v) {
  while (!v.empty() && v.front() == '"') v.erase(0, 1);
  while (!v.empty() && v.back() == '"') v.pop_back();
  return v;
}

// The other parsers of Ansible's DistributionFiles, for the files below:
// whether the file is that distribution's, and the facts it gives.
using DistParser = bool (*)(const FactsInput& in, const std::string& data, const std::string& path,
                            const Props& collected, Props* out);

std::optional<std::string> QuotedValue(const std::string& data, const char* key) {
  return Search(data, std::regex(std::string(key) + "=\"(.*)\""));
}

bool ParseSlackware(const FactsInput&, const std::string& data, const std::string&, const Props&,
                    Props* f) {
  if (!HasSubstring(data, "Slackware")) return false;
  (*f)["distribution"] = "Slackware";
  if (auto v = Search(data, std::regex(R"(\w+[.]\w+\+?)"), 0)) (*f)["distribution_version"] = *v;
  return true;
}

bool ParseAmazon(const FactsInput&, const std::string& data, const std::string& path, const Props&,
                 Props* f) {
  if (!HasSubstring(data, "Amazon")) return false;
  (*f)["distribution"] = "Amazon";
  if (path == "/etc/os-release") {
    if (auto v = QuotedValue(data, "VERSION_ID")) {
      const std::vector<std::string> parts = Split(*v, '.');
      (*f)["distribution_version"] = *v;
      (*f)["distribution_major_version"] = parts[0];
      (*f)["distribution_minor_version"] = parts.size() > 1 ? parts[1] : "NA";
    }
    return true;
  }
  std::string version = "NA";
  for (const std::string& word : PySplit(data)) {
    if (IsDigits(word)) {
      version = word;
      break;
    }
  }
  (*f)["distribution_version"] = version;
  return true;
}

// OpenWrt's and Mandriva's: DISTRIB_RELEASE and DISTRIB_CODENAME, quoted.
bool ParseDistrib(const std::string& data, const char* name, Props* f) {
  if (!HasSubstring(data, name)) return false;
  (*f)["distribution"] = name;
  if (auto v = QuotedValue(data, "DISTRIB_RELEASE")) (*f)["distribution_version"] = *v;
  if (auto r = QuotedValue(data, "DISTRIB_CODENAME")) (*f)["distribution_release"] = *r;
  return true;
}

bool ParseOpenWrt(const FactsInput&, const std::string& data, const std::string&, const Props&,
                  Props* f) {
  return ParseDistrib(data, "OpenWrt", f);
}

bool ParseMandriva(const FactsInput&, const std::string& data, const std::string&, const Props&,
                   Props* f) {
  return ParseDistrib(data, "Mandriva", f);
}

bool ParseAlpine(const FactsInput&, const std::string& data, const std::string&, const Props&,
                 Props* f) {
  (*f)["distribution"] = "Alpine";
  (*f)["distribution_version"] = data;
  return true;
}

bool ParseNA(const FactsInput&, const std::string& data, const std::string&, const Props& collected,
             Props* f) {
  for (const std::string& line : Split(data, '\n')) {
    if (StartsWith(line, "NAME=")) (*f)["distribution"] = Unquoted(line.substr(5));
    if (StartsWith(line, "VERSION=") && Get(collected, "distribution_version") == "NA")
      (*f)["distribution_version"] = Unquoted(line.substr(8));
  }
  return true;
}

// Ansible asks distro's id (the guess's distribution, lower-cased).
bool ParseCoreos(const FactsInput&, const std::string& data, const std::string&,
                 const Props& collected, Props* f) {
  if (ToLower(Get(collected, "distribution")) != "coreos" || data.empty()) return false;
  if (auto r = Search(data, std::regex("^GROUP=(.*)"))) (*f)["distribution_release"] = Unquoted(*r);
  return true;
}

bool ParseFlatcar(const FactsInput&, const std::string& data, const std::string&,
                  const Props& collected, Props* f) {
  if (ToLower(Get(collected, "distribution")) != "flatcar" || data.empty()) return false;
  if (auto v = Search(data, std::regex("VERSION=(.*)"))) {
    (*f)["distribution_version"] = Unquoted(*v);
    (*f)["distribution_major_version"] = Split(Unquoted(*v), '.')[0];
  }
  return true;
}

bool ParseClearLinux(const FactsInput&, const std::string& data, const std::string&, const Props&,
                     Props* f) {
  if (auto n = QuotedValue(data, "NAME")) {
    if (!HasSubstring(*n, "Clear Linux")) return false;
    (*f)["distribution"] = *n;
  }
  if (auto v = Search(data, std::regex("VERSION_ID=(.*)"))) {
    (*f)["distribution_major_version"] = *v;
    (*f)["distribution_version"] = *v;
  }
  if (auto r = Search(data, std::regex("ID=(.*)"))) (*f)["distribution_release"] = *r;
  return true;
}

bool ParseCentOS(const FactsInput&, const std::string& data, const std::string&, const Props&,
                 Props* f) {
  if (HasSubstring(data, "CentOS Stream")) {
    (*f)["distribution_release"] = "Stream";
  } else if (HasSubstring(data, "TencentOS Server")) {
    (*f)["distribution"] = "TencentOS";
  } else {
    return false;
  }
  return true;
}

// Ansible's _parse_dist_file: a search string, Arch's alias, or the
// distribution's own parser (none for Gentoo: Ansible moves on).
bool ParseDistFile(const FactsInput& in, const std::string& name, const std::string& content,
                   const std::string& path, const Props& collected, Props* out) {
  static const std::map<std::string, std::string> kSearch = {{"OracleLinux", "Oracle Linux"},
                                                             {"RedHat", "Red Hat"},
                                                             {"Altlinux", "ALT"},
                                                             {"SMGL", "Source Mage GNU/Linux"}};
  static const std::map<std::string, DistParser> kParsers = {{"Slackware", ParseSlackware},
                                                             {"Amazon", ParseAmazon},
                                                             {"OpenWrt", ParseOpenWrt},
                                                             {"Alpine", ParseAlpine},
                                                             {"SUSE", ParseSuse},
                                                             {"Debian", ParseDebian},
                                                             {"Mandriva", ParseMandriva},
                                                             {"NA", ParseNA},
                                                             {"Coreos", ParseCoreos},
                                                             {"Flatcar", ParseFlatcar},
                                                             {"ClearLinux", ParseClearLinux},
                                                             {"CentOS", ParseCentOS}};
  const std::string data = StripQuotes(content);
  if (auto it = kSearch.find(name); it != kSearch.end()) {
    if (HasSubstring(data, it->second)) {
      (*out)["distribution"] = name;
      (*out)["distribution_file_search_string"] = it->second;
    } else {
      const std::vector<std::string> words = PySplit(data);
      (*out)["distribution"] = words.empty() ? "" : words[0];
    }
    return true;
  }
  if (name == "Archlinux") {
    if (!HasSubstring(data, "Arch Linux")) return false;
    (*out)["distribution"] = name;
    return true;
  }
  auto parser = kParsers.find(name);
  return parser != kParsers.end() && parser->second(in, data, path, collected, out);
}

// Ansible's OSDIST_LIST: the files it tries in order, the first one parsed
// deciding the distribution.
struct DistFile {
  const char* path;
  const char* name;
  bool allow_empty;
};
constexpr DistFile kDistFiles[] = {
    {"/etc/altlinux-release", "Altlinux", false},
    {"/etc/oracle-release", "OracleLinux", false},
    {"/etc/slackware-version", "Slackware", false},
    {"/etc/centos-release", "CentOS", false},
    {"/etc/redhat-release", "RedHat", false},
    {"/etc/vmware-release", "VMwareESX", true},
    {"/etc/openwrt_release", "OpenWrt", false},
    {"/etc/os-release", "Amazon", false},
    {"/etc/system-release", "Amazon", false},
    {"/etc/alpine-release", "Alpine", false},
    {"/etc/arch-release", "Archlinux", true},
    {"/etc/os-release", "Archlinux", false},
    {"/etc/os-release", "SUSE", false},
    {"/etc/SuSE-release", "SUSE", false},
    {"/etc/gentoo-release", "Gentoo", false},
    {"/etc/os-release", "Debian", false},
    {"/etc/lsb-release", "Debian", false},
    {"/etc/lsb-release", "Mandriva", false},
    {"/etc/sourcemage-release", "SMGL", false},
    {"/usr/lib/os-release", "ClearLinux", false},
    {"/etc/coreos/update.conf", "Coreos", false},
    {"/etc/os-release", "Flatcar", false},
    {"/etc/os-release", "NA", false},
};

const std::map<std::string, std::string>& OsFamilies() {
  static const std::map<std::string, std::string> kFamily = [] {
    const std::vector<std::pair<const char*, std::vector<const char*>>> groups = {
        {"RedHat",
         {"RedHat",
          "RHEL",
          "Fedora",
          "CentOS",
          "Scientific",
          "SLC",
          "Ascendos",
          "CloudLinux",
          "PSBM",
          "OracleLinux",
          "OVS",
          "OEL",
          "Amazon",
          "Virtuozzo",
          "XenServer",
          "Alibaba",
          "EulerOS",
          "openEuler",
          "AlmaLinux",
          "Rocky",
          "TencentOS",
          "EuroLinux",
          "Kylin Linux Advanced Server"}},
        {"Debian",
         {"Debian", "Ubuntu", "Raspbian", "Neon", "KDE neon", "Linux Mint", "SteamOS", "Devuan",
          "Kali", "Cumulus Linux", "Pop!_OS", "Parrot", "Pardus GNU/Linux", "Uos", "Deepin",
          "OSMC"}},
        {"Suse",
         {"SuSE", "SLES", "SLED", "openSUSE", "openSUSE Tumbleweed", "SLES_SAP", "SUSE_LINUX",
          "openSUSE Leap"}},
        {"Archlinux", {"Archlinux", "Antergos", "Manjaro"}},
        {"Mandrake", {"Mandrake", "Mandriva"}},
        {"Solaris", {"Solaris", "Nexenta", "OmniOS", "OpenIndiana", "SmartOS"}},
        {"Slackware", {"Slackware"}},
        {"Altlinux", {"Altlinux"}},
        {"SGML", {"SGML"}},
        {"Gentoo", {"Gentoo", "Funtoo"}},
        {"Alpine", {"Alpine"}},
        {"ClearLinux", {"Clear Linux OS", "Clear Linux Mix"}},
    };
    std::map<std::string, std::string> map;
    for (const auto& [family, names] : groups) {
      for (const char* name : names) map[name] = family;
    }
    return map;
  }();
  return kFamily;
}

}  // namespace

void AddDistributionFacts(const FactsInput& in, Value* facts) {
  Distro d;
  d.os = ParseOsRelease(Joined(in.Lines(OsReleasePath(in))));
  d.lsb = LsbRelease(in, d.os);
  d.release = DistroReleaseFile(in);
  // The script lists the python3 `distro` packages it found (a pip's too).
  const std::vector<std::string> found = in.All("exists");
  d.system_distro = std::any_of(found.begin(), found.end(), [](const std::string& path) {
    return HasSubstring(path, "/python3") && EndsWith(path, "-packages/distro");
  });
  const std::vector<std::string>& debian = in.Lines("/etc/debian_version");
  if (!debian.empty()) {
    d.debian_version = debian[0];
    while (!d.debian_version.empty() &&
           PyStrip(d.debian_version.substr(d.debian_version.size() - 1)).empty())
      d.debian_version.pop_back();
  }
  Props dist = Guess(d);
  for (const DistFile& file : kDistFiles) {
    const bool present = file.allow_empty ? in.Exists(file.path) : !in.Lines(file.path).empty();
    if (!present) continue;
    if (file.allow_empty) {
      dist["distribution"] = file.name;
      dist["distribution_file_path"] = file.path;
      dist["distribution_file_variety"] = file.name;
      break;
    }
    Props parsed;
    if (!ParseDistFile(in, file.name, in.Content(file.path), file.path, dist, &parsed)) continue;
    dist["distribution"] = file.name;
    dist["distribution_file_path"] = file.path;
    dist["distribution_file_variety"] = file.name;
    dist["distribution_file_parsed"] = "true";
    for (const auto& [key, value] : parsed) dist[key] = value;
    break;
  }
  Value& f = *facts;
  for (const auto& [key, value] : dist) {
    if (key == "distribution_file_parsed") {
      f[key] = true;
    } else {
      f[key] = value;
    }
  }
  auto family = OsFamilies().find(dist["distribution"]);
  f["os_family"] = family != OsFamilies().end() ? family->second : dist["distribution"];
}

void AddLsbFacts(const FactsInput& in, Value* facts) {
  Props lsb;
  const Props os = ParseOsRelease(Joined(in.Lines(OsReleasePath(in))));
  const Props bin = LsbRelease(in, os);
  if (!bin.empty()) {
    // Ansible's reading of `lsb_release -a`, line by line.
    lsb["id"] = bin.at("distributor_id");
    lsb["description"] = bin.at("description");
    lsb["release"] = bin.at("release");
    lsb["codename"] = bin.at("codename");
  } else {
    for (const std::string& raw : in.Lines("/etc/lsb-release")) {
      const std::string line = PyStrip(raw);
      const size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string value = PyStrip(line.substr(eq + 1));
      if (HasSubstring(line, "DISTRIB_ID")) {
        lsb["id"] = value;
      } else if (HasSubstring(line, "DISTRIB_RELEASE")) {
        lsb["release"] = value;
      } else if (HasSubstring(line, "DISTRIB_DESCRIPTION")) {
        lsb["description"] = value;
      } else if (HasSubstring(line, "DISTRIB_CODENAME")) {
        lsb["codename"] = value;
      }
    }
  }
  if (lsb.count("release")) lsb["major_release"] = Split(lsb["release"], '.')[0];
  Value out = Value::object();
  for (const auto& [key, value] : lsb) out[key] = value.empty() ? value : StripQuotes(value);
  (*facts)["lsb"] = out;
}

void AddPkgMgrFacts(const FactsInput& in, Value* facts) {
  static const std::vector<std::pair<const char*, const char*>> kManagers = {
      {"/usr/bin/rpm-ostree", "atomic_container"},
      {"/usr/bin/yum", "yum"},
      {"/usr/bin/dnf", "dnf"},
      {"/usr/bin/apt-get", "apt"},
      {"/usr/bin/zypper", "zypper"},
      {"/usr/sbin/urpmi", "urpmi"},
      {"/usr/bin/pacman", "pacman"},
      {"/bin/opkg", "opkg"},
      {"/usr/pkg/bin/pkgin", "pkgin"},
      {"/opt/local/bin/pkgin", "pkgin"},
      {"/opt/tools/bin/pkgin", "pkgin"},
      {"/opt/local/bin/port", "macports"},
      {"/usr/local/bin/brew", "homebrew"},
      {"/opt/homebrew/bin/brew", "homebrew"},
      {"/sbin/apk", "apk"},
      {"/usr/sbin/pkg", "pkgng"},
      {"/usr/sbin/swlist", "swdepot"},
      {"/usr/bin/emerge", "portage"},
      {"/usr/sbin/pkgadd", "svr4pkg"},
      {"/usr/bin/pkg", "pkg5"},
      {"/usr/bin/xbps-install", "xbps"},
      {"/usr/local/sbin/pkg", "pkgng"},
      {"/usr/bin/swupd", "swupd"},
      {"/usr/sbin/sorcery", "sorcery"},
      {"/usr/bin/installp", "installp"},
      {"/QOpenSys/pkgs/bin/yum", "yum"}};
  Value& f = *facts;
  const std::string family = f.value("os_family", "");
  const std::string distribution = f.value("distribution", "");
  std::string name = "unknown";
  for (const auto& [path, manager] : kManagers) {
    if (family == "Altlinux" && std::string(path) == "/usr/bin/pkg") continue;
    if (in.Exists(path)) name = manager;  // the last one found, as Ansible
  }
  auto exists = [&](const std::string& manager) {
    for (const auto& [path, m] : kManagers) {
      if (manager == m && in.Exists(path)) return true;
    }
    return false;
  };
  if (family == "RedHat") {
    const long long major = ToInt(f.value("distribution_major_version", ""), -1);
    if (in.Exists("/run/ostree-booted")) {
      name = "atomic_container";
    } else if (distribution == "Fedora" || distribution == "Amazon") {
      const long long cut = distribution == "Fedora" ? 23 : 2022;
      if (major < 0) {
        name = "dnf";
      } else if (major < cut) {
        if (exists("yum")) name = "yum";
      } else if (exists("dnf")) {
        name = "dnf";
      }
    } else if (major >= 0) {
      name = major < 8 ? "yum" : "dnf";
    }
  } else if (family == "Debian" && name != "apt") {
    name = "apt";
  } else if (family == "Altlinux" && name == "apt") {
    name = "apt_rpm";
  }
  if (name == "apt" && in.Get("apt_rpm") == "1") name = "apt_rpm";
  f["pkg_mgr"] = name;
}

void AddServiceMgrFacts(const FactsInput& in, Value* facts) {
  static const std::map<std::string, std::string> kProc1 = {{"procd", "openwrt_init"},
                                                            {"runit-init", "runit"},
                                                            {"svscan", "svc"},
                                                            {"openrc-init", "openrc"}};
  auto base = [](const std::string& path) {
    const size_t slash = path.rfind('/');
    return PyStrip(slash == std::string::npos ? path : path.substr(slash + 1));
  };
  std::optional<std::string> proc1;
  if (in.HasFile("/proc/1/comm")) proc1 = in.Content("/proc/1/comm");
  if (!proc1 && in.Has("init_link")) proc1 = in.Get("init_link");
  if (proc1) proc1 = base(*proc1);
  if (proc1 && (*proc1 == "init" || EndsWith(*proc1, "sh"))) proc1.reset();
  std::string name;
  if (proc1) {
    auto it = kProc1.find(*proc1);
    name = it == kProc1.end() ? *proc1 : it->second;
  } else if ((*facts).value("system", "") == "Linux") {
    const bool systemctl = in.HasTool("systemctl");
    if (systemctl && (in.Exists("/run/systemd/system/") || in.Exists("/dev/.run/systemd/") ||
                      in.Exists("/dev/.systemd/"))) {
      name = "systemd";
    } else if (in.HasTool("initctl") && in.Exists("/etc/init/")) {
      name = "upstart";
    } else if (in.Exists("/sbin/openrc")) {
      name = "openrc";
    } else if (systemctl && in.Has("init_link") && base(in.Get("init_link")) == "systemd") {
      name = "systemd";
    } else if (in.Exists("/etc/init.d/")) {
      name = "sysvinit";
    }
  }
  (*facts)["service_mgr"] = name.empty() ? "service" : name;
}

}  // namespace hostprep
