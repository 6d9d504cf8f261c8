#include "modules/unarchive_zip.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

using Sections = std::map<std::string, std::vector<std::string>>;

// Python's str.split(None, max_split).
std::vector<std::string> SplitColumns(std::string_view s, size_t max_split) {
  std::vector<std::string> out;
  size_t i = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (true) {
    while (i < s.size() && blank(s[i])) ++i;
    if (i == s.size()) break;
    if (out.size() == max_split) {
      out.emplace_back(s.substr(i));
      break;
    }
    size_t j = i;
    while (j < s.size() && !blank(s[j])) ++j;
    out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<long long> FieldInt(std::string_view s, int base = 10) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The lines of a section after its "@@ NAME VALUE" line (`valued`), without
// empty ones.
std::vector<std::string> Lines(const Sections& s, const std::string& name, bool valued) {
  std::vector<std::string> out;
  auto it = s.find(name);
  if (it == s.end()) return out;
  for (size_t i = valued ? 1 : 0; i < it->second.size(); ++i)
    if (!it->second[i].empty()) out.push_back(it->second[i]);
  return out;
}

std::string Value0(const Sections& s, const std::string& name) {
  auto it = s.find(name);
  return it == s.end() || it->second.empty() ? "" : it->second[0];
}

std::optional<long long> IdOrNone(const std::string& word) {
  return word == "-" ? std::nullopt : FieldInt(word);
}

// Ansible's _permstr_to_octal: r, w, x, s, t set a bit; the special bits
// are never set (unzip does not set them).
unsigned PermToOctal(const std::string& perm, unsigned umask) {
  unsigned mode = 0;
  for (size_t k = 0; k < 9 && k < perm.size(); ++k) {
    const char c = perm[perm.size() - 1 - k];
    if (c == 'r' || c == 'w' || c == 'x' || c == 's' || c == 't') mode |= 1u << k;
  }
  return mode & ~umask;
}

bool Matches(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), FNM_NOESCAPE) == 0;
}

constexpr unsigned kTypeMask = 0170000;
constexpr unsigned kDir = 0040000;
constexpr unsigned kReg = 0100000;
constexpr unsigned kLink = 0120000;

// One zipinfo line, as is_unarchived reads it; nullopt for headers and
// footers.
struct ZipEntry {
  char ztype;
  std::string perm;
  long long size;
  std::string stamp;
  std::string path;
};
std::optional<ZipEntry> ReadEntry(const std::string& line) {
  const std::vector<std::string> pcs = SplitColumns(line, 7);
  if (pcs.size() != 8) return std::nullopt;
  if (pcs[0].size() != 7 && pcs[0].size() != 10) return std::nullopt;
  if (pcs[6].size() != 15) return std::nullopt;
  if (std::string_view("dl-?").find(pcs[0][0]) == std::string_view::npos) return std::nullopt;
  for (size_t i = 1; i < pcs[0].size(); ++i)
    if (std::string_view("rwxstah-").find(pcs[0][i]) == std::string_view::npos) return std::nullopt;
  const std::optional<long long> size = FieldInt(pcs[3]);
  if (!size) return std::nullopt;
  return ZipEntry{pcs[0][0], pcs[0].substr(1), *size, pcs[6], pcs[7]};
}

// The mode is_unarchived expects of an entry that is not a symlink.
std::optional<unsigned> WantedMode(const Value& args, const ZipEntry& e, const ZipFacts& facts) {
  if (args.contains("mode") && args["mode"].is_number_integer())
    return args["mode"].get<unsigned>();
  std::string perm = e.perm;
  unsigned umask = 0;
  if (perm.size() == 6) {  // FAT attributes: 777 for directories and rwx---, else 666
    const bool dir = !e.path.empty() && e.path.back() == '/';
    perm = dir || perm == "rwx---" ? "rwxrwxrwx" : "rw-rw-rw-";
    umask = facts.umask;
  }
  if (e.ztype == '?') umask = 0;
  if (perm.size() != 9) return std::nullopt;
  return PermToOctal(perm, umask);
}

// Compares one listed entry with dest as is_unarchived does: adds it to
// `includes` and its itemized line to the check when it differs, or to the
// excludes when keep_newer keeps dest's newer file.
void CompareEntry(const Value& args, const ZipFacts& facts, const ZipEntry& e, ZipCheck* check,
                  std::vector<std::string>* includes) {
  const std::string& path = e.path;
  char ftype = 'f';
  if (path.back() == '/') {
    ftype = 'd';
  } else if (e.ztype == 'l') {
    ftype = 'L';
  }
  auto include = [&] {
    if (std::find(includes->begin(), includes->end(), path) == includes->end())
      includes->push_back(path);
  };
  auto it = facts.dest.find(path.back() == '/' ? path.substr(0, path.size() - 1) : path);
  if (it == facts.dest.end()) it = facts.dest.find(path);
  if (it == facts.dest.end()) {
    include();
    check->diff += fmt::format(">{}++++++.?? {}\n", ftype, path);
    return;
  }
  const ZipDestStat& st = it->second;
  const unsigned type = st.raw_mode & kTypeMask;
  if ((ftype == 'd' && type != kDir) || (ftype == 'f' && type != kReg) ||
      (ftype == 'L' && type != kLink)) {
    include();
    check->diff += fmt::format("c{}++++++.?? {}\n", ftype, path);
    return;
  }
  std::string itemized = fmt::format(".{}.......??", ftype);
  bool change = false;
  if (type == kReg) {
    auto t = facts.times.find(e.stamp);
    const std::optional<double> stamp =
        t == facts.times.end() ? std::nullopt : std::optional<double>(t->second);
    if (args.value("keep_newer", false) && stamp && *stamp < st.mtime) {
      check->excludes.push_back(path);
      return;
    }
    if (!stamp || *stamp != st.mtime) {
      change = true;
      itemized[4] = 't';
    }
    if (e.size != st.size) {
      change = true;
      itemized[3] = 's';
    }
    auto want = facts.archive_crc.find(path);
    auto have = facts.dest_crc.find(path);
    if (want == facts.archive_crc.end() || have == facts.dest_crc.end() ||
        want->second != have->second) {
      change = true;
      itemized[2] = 'c';
    }
  }
  if (ftype != 'L') {
    const std::optional<unsigned> mode = WantedMode(args, e, facts);
    if (!mode) {
      check->error = fmt::format("ZIP info perm format incorrect, {}", e.perm);
      return;
    }
    if (*mode != (st.raw_mode & 07777)) {
      change = true;
      itemized[5] = 'p';
    }
  }
  if (st.uid != facts.want_uid.value_or(facts.run_uid)) {
    change = true;
    itemized[6] = 'o';
  }
  if (st.gid != facts.want_gid.value_or(facts.run_gid)) {
    change = true;
    itemized[6] = 'g';
  }
  if (change) {
    include();
    check->diff += itemized + " " + path + "\n";
  }
}

// zipinfo's listing of a unix mode: type, then rwx with the special bits.
std::string PermString(unsigned mode, bool dir) {
  const unsigned type = mode & kTypeMask;
  std::string out = type == kDir || (type == 0 && dir) ? "d"
                    : type == kLink                    ? "l"
                    : type == kReg || type == 0        ? "-"
                                                       : "p";
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) out += (mode & (0400u >> i)) ? rwx[i] : '-';
  auto special = [&](size_t pos, unsigned bit, char on) {
    if (mode & bit) out[pos] = out[pos] == 'x' ? on : static_cast<char>(std::toupper(on));
  };
  special(3, 04000, 's');
  special(6, 02000, 's');
  special(9, 01000, 't');
  return out;
}

// What zipinfo's patterns leave of a listing the controller made: the
// members matching no `exclude` (after -x), or those matching an `include`,
// whose pattern matching nothing makes zipinfo fail (rc 11), as Ansible's
// module sees it.
void FilterListing(const Value& args, ZipFacts* f) {
  const std::vector<std::string> include = ListArg(args, "include");
  const std::vector<std::string> exclude = ListArg(args, "exclude");
  std::vector<std::string> kept;
  std::vector<bool> used(include.size(), false);
  for (size_t n = 0; n < f->zipinfo.size(); ++n) {
    const std::string& name = f->names[n];
    bool keep = include.empty();
    for (size_t i = 0; i < include.size(); ++i) {
      if (Matches(include[i], name)) keep = used[i] = true;
    }
    for (const std::string& e : exclude) keep = keep && !Matches(e, name);
    if (keep) kept.push_back(f->zipinfo[n]);
  }
  f->zipinfo = std::move(kept);
  if (std::find(used.begin(), used.end(), false) != used.end()) f->zipinfo_rc = 11;
}

}  // namespace

Result<ZipFacts> ParseZipFacts(const Sections& s, const std::string& dest, ZipFacts base) {
  ZipFacts f = std::move(base);
  const std::vector<std::string> ids = PySplit(Value0(s, "ids"));
  const std::vector<std::string> future = PySplit(Value0(s, "future"));
  const bool listed = s.count("zipinfo") > 0;
  if (ids.size() != 2 || future.size() != 2 || !FieldInt(ids[0]) || !FieldInt(ids[1]) ||
      (listed && !FieldInt(Value0(s, "zipinfo"))) || !FieldInt(Value0(s, "umask"), 8)) {
    return Status::Error(
        "the unarchive script's zip answer is incomplete (ids, future, umask "
        "or zipinfo missing)");
  }
  f.run_uid = *FieldInt(ids[0]);
  f.run_gid = *FieldInt(ids[1]);
  for (const std::string& g : PySplit(Value0(s, "groups")))
    if (auto v = FieldInt(g)) f.groups.push_back(*v);
  f.want_uid = IdOrNone(future[0]);
  f.want_gid = IdOrNone(future[1]);
  f.umask = static_cast<unsigned>(*FieldInt(Value0(s, "umask"), 8));
  if (listed) {
    f.zipinfo_rc = static_cast<int>(*FieldInt(Value0(s, "zipinfo")));
    f.zipinfo = Lines(s, "zipinfo", true);
    f.names = Lines(s, "names", false);
  }
  for (const std::string& line : Lines(s, "crc", false)) {
    const std::vector<std::string> w = SplitColumns(line, 7);
    if (w.size() == 8 && w[6].size() == 8 && FieldInt(w[0]))
      if (auto crc = FieldInt(w[6], 16)) f.archive_crc[w[7]] = static_cast<unsigned long>(*crc);
  }
  for (const std::string& line : Lines(s, "times", false)) {
    const std::vector<std::string> w = PySplit(line);
    if (w.size() == 2 && FieldInt(w[1])) f.times[w[0]] = static_cast<double>(*FieldInt(w[1]));
  }
  const std::string prefix = dest + "/";
  for (const std::string& line : Lines(s, "stat", false)) {
    const std::vector<std::string> w = SplitColumns(line, 5);
    if (w.size() != 6 || !StartsWith(w[5], prefix)) continue;
    ZipDestStat st;
    st.raw_mode = static_cast<unsigned>(FieldInt(w[0], 16).value_or(0));
    st.uid = FieldInt(w[1]).value_or(-1);
    st.gid = FieldInt(w[2]).value_or(-1);
    st.size = FieldInt(w[3]).value_or(-1);
    st.mtime = std::strtod(w[4].c_str(), nullptr);
    std::string name = w[5].substr(prefix.size());
    if (name.size() > 1 && name.back() == '/') name.pop_back();
    f.dest[name] = st;
  }
  for (const std::string& line : Lines(s, "sums", false)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    if (auto crc = FieldInt(line.substr(0, space), 16))
      f.dest_crc[line.substr(space + 1)] = static_cast<unsigned long>(*crc);
  }
  return f;
}

ZipCheck CheckZip(const Value& args, const ZipFacts& facts) {
  ZipCheck check;
  check.excludes = ListArg(args, "exclude");
  const std::vector<std::string> given_excludes = check.excludes;
  check.unarchived = facts.zipinfo_rc == 0;
  if (facts.run_uid != 0) {
    if (facts.want_uid && *facts.want_uid != facts.run_uid) {
      check.error = fmt::format("Cannot change ownership to uid {}, as uid {}", *facts.want_uid,
                                facts.run_uid);
      return check;
    }
    if (facts.want_gid && *facts.want_gid != facts.run_gid &&
        std::find(facts.groups.begin(), facts.groups.end(), *facts.want_gid) ==
            facts.groups.end()) {
      check.error = fmt::format("Cannot change group ownership to gid {}, as uid {}",
                                *facts.want_gid, facts.run_uid);
      return check;
    }
  }
  std::vector<std::string> includes;
  for (const std::string& line : facts.zipinfo) {
    const std::optional<ZipEntry> e = ReadEntry(line);
    if (!e) continue;
    if (std::find(given_excludes.begin(), given_excludes.end(), e->path) != given_excludes.end())
      continue;
    CompareEntry(args, facts, *e, &check, &includes);
    if (!check.error.empty()) return check;
  }
  if (!includes.empty()) check.unarchived = false;
  return check;
}

bool IsZip(const std::string& bytes) { return bytes.compare(0, 4, "PK\x03\x04", 4) == 0; }

Result<ZipFacts> ReadZipDirectory(const Value& args, const std::string& b,
                                  std::vector<std::string>* host_stamps) {
  auto u16 = [&](size_t at) {
    return static_cast<unsigned>(static_cast<unsigned char>(b[at])) |
           static_cast<unsigned>(static_cast<unsigned char>(b[at + 1])) << 8;
  };
  auto u32 = [&](size_t at) { return static_cast<uint32_t>(u16(at) | u16(at + 2) << 16); };
  auto unreadable = [](const char* why) {
    return Status::Error(
        fmt::format("the zip archive on the controller cannot be read here ({}): copy it to the "
                    "host and give remote_src: true",
                    why));
  };
  size_t end = std::string::npos;
  for (size_t i = b.size() >= 22 ? b.size() - 22 : 0; b.size() >= 22; --i) {
    if (u32(i) == 0x06054b50) {
      end = i;
      break;
    }
    if (i == 0 || b.size() - i > 65535 + 22) break;
  }
  if (end == std::string::npos) return unreadable("no central directory");
  const unsigned entries = u16(end + 10);
  size_t at = u32(end + 16);
  if (entries == 0xFFFF || at == 0xFFFFFFFF) return unreadable("zip64");
  ZipFacts f;
  for (unsigned n = 0; n < entries; ++n) {
    if (at + 46 > b.size() || u32(at) != 0x02014b50)
      return unreadable("a broken central directory");
    const bool unix_made = static_cast<unsigned char>(b[at + 5]) == 3;
    const unsigned time = u16(at + 12), date = u16(at + 14);
    const size_t name_len = u16(at + 28), extra_len = u16(at + 30), comment_len = u16(at + 32);
    if (at + 46 + name_len + extra_len > b.size()) return unreadable("a broken central directory");
    const std::string name = b.substr(at + 46, name_len);
    const std::string extra = b.substr(at + 46 + name_len, extra_len);
    std::string stamp;
    for (size_t x = 0; x + 4 <= extra.size();
         x += 4 + (extra[x + 2] & 0xFF) + (extra[x + 3] & 0xFF) * 256) {
      const unsigned id =
          static_cast<unsigned char>(extra[x]) | static_cast<unsigned char>(extra[x + 1]) << 8;
      if (id == 0x5455 && x + 9 <= extra.size() && (extra[x + 4] & 1)) {
        const auto seconds = static_cast<int32_t>(
            static_cast<uint32_t>(static_cast<unsigned char>(extra[x + 5])) |
            static_cast<uint32_t>(static_cast<unsigned char>(extra[x + 6])) << 8 |
            static_cast<uint32_t>(static_cast<unsigned char>(extra[x + 7])) << 16 |
            static_cast<uint32_t>(static_cast<unsigned char>(extra[x + 8])) << 24);
        stamp = fmt::format("U{:014d}", static_cast<long long>(seconds) + 10000000000000LL);
        f.times[stamp] = seconds;
      }
    }
    if (stamp.empty()) {
      stamp =
          fmt::format("{:04d}{:02d}{:02d}.{:02d}{:02d}{:02d}", 1980 + (date >> 9), (date >> 5) & 15,
                      date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
      if (std::find(host_stamps->begin(), host_stamps->end(), stamp) == host_stamps->end())
        host_stamps->push_back(stamp);
    }
    const bool dir = !name.empty() && name.back() == '/';
    const std::string perm =
        unix_made ? PermString(u32(at + 38) >> 16, dir) : (dir ? "drwx---" : "-rw-a--");
    f.zipinfo.push_back(
        fmt::format("{}  3.0 unx {} bx stor {} {}", perm, u32(at + 24), stamp, name));
    f.names.push_back(name);
    f.archive_crc[name] = u32(at + 16);
    at += 46 + name_len + extra_len + comment_len;
  }
  FilterListing(args, &f);
  return f;
}

std::vector<std::string> ZipMembers(const Value& args, const std::vector<std::string>& names) {
  const std::vector<std::string> include = ListArg(args, "include");
  const std::vector<std::string> exclude = ListArg(args, "exclude");
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (!include.empty()) {
      for (const std::string& p : include)
        if (Matches(p, name)) out.push_back(name);
      continue;
    }
    if (std::none_of(exclude.begin(), exclude.end(),
                     [&](const std::string& p) { return Matches(p, name); }))
      out.push_back(name);
  }
  return out;
}

int ZipAttributeChanges(const Value& args, const ZipFacts& facts,
                        const std::vector<std::string>& members) {
  const bool mode_given = args.contains("mode") && args["mode"].is_number_integer();
  std::vector<std::string> paths;
  std::vector<std::string> tops;
  for (const std::string& m : members) {
    paths.push_back(m.size() > 1 && m.back() == '/' ? m.substr(0, m.size() - 1) : m);
    const size_t slash = m.find('/');
    if (slash != std::string::npos &&
        std::find(tops.begin(), tops.end(), m.substr(0, slash)) == tops.end())
      tops.push_back(m.substr(0, slash));
  }
  paths.insert(paths.end(), tops.begin(), tops.end());
  int n = 0;
  for (const std::string& p : paths) {
    auto it = facts.dest.find(p);
    if (it == facts.dest.end()) continue;
    const ZipDestStat& st = it->second;
    if (facts.want_uid && st.uid != *facts.want_uid) ++n;
    if (facts.want_gid && st.gid != *facts.want_gid) ++n;
    if (mode_given && (st.raw_mode & kTypeMask) != kLink &&
        (st.raw_mode & 07777) != args["mode"].get<unsigned>())
      ++n;
  }
  return n;
}

std::vector<std::string> UnzipWords(const Value& args, const std::string& src,
                                    const std::vector<std::string>& excludes) {
  std::vector<std::string> w = {"-o"};
  for (const std::string& o : ListArg(args, "extra_opts")) w.push_back(o);
  w.push_back(src);
  if (!excludes.empty()) {
    w.push_back("-x");
    w.insert(w.end(), excludes.begin(), excludes.end());
  }
  for (const std::string& i : ListArg(args, "include")) w.push_back(i);
  w.push_back("-d");
  w.push_back(StringArg(args, "dest"));
  return w;
}

}  // namespace hostprep::modules
