#include "modules/stat.h"

#include <fmt/format.h>

#include <cstdint>
#include <map>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

ArgSpec StatSpec() {
  ArgSpec spec;
  spec.name = "stat";
  spec.ansible_names = {"ansible.builtin.stat", "ansible.legacy.stat"};
  spec.summary = "read what a path is (type, mode, owner, size, checksum...) without changing it";
  spec.description =
      "Ansible's stat module. Registers `stat`: `exists` (and nothing else for a missing "
      "path), path, mode, isdir, isreg, islnk and the other types, uid, gid, pw_name, "
      "gr_name, size, inode, dev, nlink, atime, mtime, ctime, the permission bits one by one, "
      "readable/writeable/executable for the user the task runs as, lnk_source and "
      "lnk_target for a symlink, checksum of a readable regular file, mimetype and charset "
      "(`file` on the host, else 'unknown') and attributes (`lsattr`). Read with the other "
      "tasks' reads in the probe round trip: it costs no round trip of its own.";
  spec.args = {
      {"path",
       ArgType::kString,
       true,
       nullptr,
       {},
       {"dest", "name"},
       "The path; ~ is the login's home."},
      {"follow",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Describe what a symlink points to, not the link."},
      {"get_checksum",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "The checksum of a readable regular file (reads the whole file on the host)."},
      {"checksum_algorithm",
       ArgType::kString,
       false,
       "sha1",
       {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"},
       {"checksum", "checksum_algo"},
       "The checksum's algorithm."},
      {"get_mime",
       ArgType::kBool,
       false,
       true,
       {},
       {"mime", "mime_type", "mime-type"},
       "mimetype and charset, from `file` on the host ('unknown' without it)."},
      {"get_attributes",
       ArgType::kBool,
       false,
       true,
       {},
       {"attr", "attributes"},
       "attributes, attr_flags and version, from `lsattr` on the host."},
      {"get_md5",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Also md5 of a readable regular file (deprecated in Ansible)."},
  };
  spec.examples =
      "- name: is kubeadm's config there\n"
      "  ansible.builtin.stat:\n"
      "    path: /etc/kubernetes/admin.conf\n"
      "  register: admin_conf\n"
      "- name: join only once\n"
      "  command: kubeadm join --config /etc/kubeadm/join.yml\n"
      "  when: not admin_conf.stat.exists\n";
  spec.notes =
      "As Ansible's, and read-only: check mode runs it. Differences: a symlink's target holding "
      "a line break is cut at it; hosts whose stat has no sub-second times (busybox) give whole "
      "seconds.";
  return spec;
}

// lsattr's letters as Ansible names them (module_utils FILE_ATTRIBUTES).
const std::map<char, const char*>& AttributeNames() {
  static const std::map<char, const char*> names = {
      {'A', "noatime"},   {'a', "append"},    {'c', "compressed"},    {'C', "nocow"},
      {'d', "nodump"},    {'D', "dirsync"},   {'e', "extents"},       {'E', "encrypted"},
      {'h', "blocksize"}, {'i', "immutable"}, {'I', "indexed"},       {'j', "journalled"},
      {'N', "inline"},    {'s', "zero"},      {'S', "synchronous"},   {'t', "notail"},
      {'T', "blockroot"}, {'u', "undelete"},  {'X', "compressedraw"}, {'Z', "compresseddirty"},
  };
  return names;
}

// "1796590480.455938160" as Python's st_mtime: seconds + nanoseconds * 1e-9.
double Seconds(const std::string& text) {
  const size_t dot = text.find('.');
  const double whole = std::stod(text.substr(0, dot));
  if (dot == std::string::npos) return whole;
  std::string nanos = text.substr(dot + 1);
  nanos.resize(9, '0');
  return whole + static_cast<double>(std::stoll(nanos)) * 1e-9;
}

// glibc's makedev, as Python's st_rdev holds it.
uint64_t MakeDev(uint64_t major, uint64_t minor) {
  return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~uint64_t{0xff}) << 12) |
         ((major & ~uint64_t{0xfff}) << 32);
}

Status AddStatLine(const std::string& line, Value* out) {
  const std::vector<std::string> f = PySplit(line);
  if (f.size() != 16) return Status::Error(fmt::format("unexpected stat answer '{}'", line));
  const unsigned long raw = std::stoul(f[0], nullptr, 16);
  const unsigned type = raw & 0170000, mode = raw & 07777;
  Value& o = *out;
  o["mode"] = fmt::format("{:04o}", mode);
  o["isdir"] = type == 0040000;
  o["ischr"] = type == 0020000;
  o["isblk"] = type == 0060000;
  o["isreg"] = type == 0100000;
  o["isfifo"] = type == 0010000;
  o["islnk"] = type == 0120000;
  o["issock"] = type == 0140000;
  o["uid"] = std::stoull(f[1]);
  o["gid"] = std::stoull(f[2]);
  o["size"] = std::stoull(f[3]);
  o["inode"] = std::stoull(f[4]);
  o["dev"] = std::stoull(f[5]);
  o["nlink"] = std::stoull(f[6]);
  o["atime"] = Seconds(f[7]);
  o["mtime"] = Seconds(f[8]);
  o["ctime"] = Seconds(f[9]);
  const char* bits[] = {"xoth", "woth", "roth", "xgrp", "wgrp", "rgrp", "xusr", "wusr", "rusr"};
  for (unsigned b = 0; b < 9; ++b) o[bits[b]] = (mode & (1u << b)) != 0;
  o["isuid"] = (mode & 04000) != 0;
  o["isgid"] = (mode & 02000) != 0;
  o["blocks"] = std::stoull(f[10]);
  o["block_size"] = std::stoull(f[11]);
  o["device_type"] = MakeDev(std::stoull(f[12], nullptr, 16), std::stoull(f[13], nullptr, 16));
  if (f[14] != "UNKNOWN") o["pw_name"] = f[14];
  if (f[15] != "UNKNOWN") o["gr_name"] = f[15];
  return Status::Ok();
}

// mimetype and charset from `file -b --mime-type --mime-encoding`, as
// Ansible splits them; 'unknown' when the host has no `file`.
void AddMime(std::map<std::string, std::string>& lines, Value* out) {
  (*out)["mimetype"] = "unknown";
  (*out)["charset"] = "unknown";
  if (!lines.count("mime")) return;
  const std::string& m = lines["mime"];
  const size_t semi = m.find(';'), eq = m.find('=');
  if (semi == std::string::npos || eq == std::string::npos) return;
  (*out)["mimetype"] = Trim(m.substr(0, semi));
  (*out)["charset"] = Trim(m.substr(eq + 1));
}

// version, attr_flags and attributes from `lsattr -vd`, as Ansible reads
// them; null, "" and [] when lsattr is missing or failed.
void AddAttributes(std::map<std::string, std::string>& lines, Value* out) {
  (*out)["version"] = nullptr;
  (*out)["attributes"] = Value::array();
  (*out)["attr_flags"] = "";
  if (!lines.count("attr")) return;
  const std::vector<std::string> words = PySplit(lines["attr"]);
  if (words.size() < 2) return;
  std::string flags;
  for (char c : words[1]) {
    if (c != '-') flags += c;
  }
  (*out)["version"] = words[0];
  (*out)["attr_flags"] = flags;
  for (char c : flags) {
    auto name = AttributeNames().find(c);
    if (name != AttributeNames().end()) (*out)["attributes"].push_back(name->second);
  }
}

}  // namespace

Result<Value> ParseStatAnswer(const std::string& path, const std::string& answer, bool mime,
                              bool attributes) {
  Value out = Value::object();
  if (Trim(answer) == "missing") {
    out["exists"] = false;
    return out;
  }
  out["exists"] = true;
  out["path"] = path;
  std::map<std::string, std::string> lines;
  for (const std::string& line : Split(answer, '\n')) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    lines.emplace(line.substr(0, space), line.substr(space + 1));
  }
  if (lines.count("error")) return Status::Error(fmt::format("stat {}: {}", path, lines["error"]));
  if (!lines.count("stat") || !lines.count("access")) {
    return Status::Error(fmt::format("stat {}: unexpected answer from the host", path));
  }
  if (lines.count("path")) out["path"] = lines["path"];
  try {
    if (Status s = AddStatLine(lines["stat"], &out); !s.ok()) {
      return Status::Error(fmt::format("stat {}: {}", path, s.message()));
    }
  } catch (const std::exception&) {
    return Status::Error(fmt::format("stat {}: unexpected stat answer '{}'", path, lines["stat"]));
  }
  const std::string access = lines["access"] + "---";
  out["readable"] = access[0] == 'r';
  out["writeable"] = access[1] == 'w';
  out["executable"] = access[2] == 'x';
  if (lines.count("source")) out["lnk_source"] = lines["source"];
  if (lines.count("target")) out["lnk_target"] = lines["target"];
  if (lines.count("md5")) out["md5"] = lines["md5"];
  if (lines.count("checksum")) out["checksum"] = lines["checksum"];
  if (mime) AddMime(lines, &out);
  if (attributes) AddAttributes(lines, &out);
  return out;
}

StatModule::StatModule() : spec_(StatSpec()) {}

std::vector<Read> StatModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string algo = BoolArg(args, "get_checksum", true)
                               ? args.value("checksum_algorithm", std::string("sha1"))
                               : "";
  auto flag = [&](const char* key, bool fallback) {
    return BoolArg(args, key, fallback) ? "1" : "0";
  };
  return {Read::Query({"/bin/sh", "-c", scripts::kStatPath, "sh", flag("follow", false), algo,
                       flag("get_mime", true), flag("get_attributes", true), flag("get_md5", false),
                       StringArg(args, "path")})};
}

Result<Change> StatModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                const Value& facts) const {
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: stat got no reads");
  const ReadResult& r = reads[0];
  const std::string path = StringArg(args, "path");
  if (!r.status.ok()) return r.status;
  if (r.exec.exit_code != 0) {
    return Status::Error(fmt::format("stat {}: {}", path, Trim(r.exec.stderr_data)));
  }
  Result<Value> stat = ParseStatAnswer(path, r.exec.stdout_data, BoolArg(args, "get_mime", true),
                                       BoolArg(args, "get_attributes", true));
  if (!stat.ok()) return stat.status();
  Change change;
  change.result["stat"] = std::move(*stat);
  return change;
}

}  // namespace hostprep::modules
