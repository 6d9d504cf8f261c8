// unarchive's zip archives (ansible.builtin.unarchive's ZipArchive): whether
// an archive is already extracted in dest, judged in the plan from what the
// probe read on the target (modules/scripts/unarchive.sh's zip_facts): the
// zipinfo listing, the archive's CRCs, and the type, size, mtime, mode,
// owner, group and CRC of each member in dest. Pure functions.
#ifndef HOSTPREP_MODULES_UNARCHIVE_ZIP_H_
#define HOSTPREP_MODULES_UNARCHIVE_ZIP_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep::modules {

// A path in dest as `stat -c '%f %u %g %s %.9Y'` saw it (lstat).
struct ZipDestStat {
  unsigned raw_mode = 0;  // st_mode: type and permission bits
  long long uid = 0;
  long long gid = 0;
  long long size = 0;
  double mtime = 0;
};

// What the probe read for a zip archive.
struct ZipFacts {
  long long run_uid = 0;
  long long run_gid = 0;
  std::vector<long long> groups;      // id -G
  std::optional<long long> want_uid;  // owner resolved on the target
  std::optional<long long> want_gid;  // group resolved on the target
  unsigned umask = 022;
  int zipinfo_rc = 0;
  std::vector<std::string> zipinfo;                  // zipinfo -T -s's lines
  std::vector<std::string> names;                    // the archive's members, in order
  std::map<std::string, unsigned long> archive_crc;  // member -> CRC-32
  std::map<std::string, double> times;               // zipinfo stamp -> epoch (target's TZ)
  std::map<std::string, ZipDestStat> dest;           // member (or top folder) -> its stat
  std::map<std::string, unsigned long> dest_crc;     // regular member file -> CRC-32
};

// Reads the zip sections of the script's answer over `base` (what the
// controller read of an archive it sends, ReadZipDirectory); `dest` is the
// directory the stat lines' paths start with.
Result<ZipFacts> ParseZipFacts(const std::map<std::string, std::vector<std::string>>& sections,
                               const std::string& dest, ZipFacts base = {});

// Whether `bytes` start as a zip archive does (a local file header).
bool IsZip(const std::string& bytes);

// A zip archive read on the controller (its central directory): the
// listing zipinfo -T -s would print on the host, filtered by `exclude` and
// `include` as zipinfo's patterns filter it, the names and the CRC-32s. A
// member's time is its UT extra field's (in `times` already, under a key
// "U" and 14 digits), else its DOS time "YYYYMMDD.HHMMSS", to be read as a
// local time on the host: those are added to `host_stamps`. An archive it
// cannot read (no central directory, zip64) is an error saying so.
Result<ZipFacts> ReadZipDirectory(const Value& args, const std::string& bytes,
                                  std::vector<std::string>* host_stamps);

// What Ansible's ZipArchive.is_unarchived decides.
struct ZipCheck {
  bool unarchived = true;
  std::string diff;                   // its itemized changes ("prepared")
  std::vector<std::string> excludes;  // exclude, plus files kept by keep_newer
  std::string error;                  // non-empty: the task fails with it
};
ZipCheck CheckZip(const Value& args, const ZipFacts& facts);

// The archive's members Ansible's files_in_archive lists: the names less
// `exclude`'s (fnmatch), or only those matching `include`.
std::vector<std::string> ZipMembers(const Value& args, const std::vector<std::string>& names);

// How many owner/group/mode settings differ on `members` and their top
// folders in dest (what Ansible's set_fs_attributes_if_different changes).
int ZipAttributeChanges(const Value& args, const ZipFacts& facts,
                        const std::vector<std::string>& members);

// The unzip words of the extraction, as Ansible's ZipArchive.unarchive
// builds its command after the binary: -o, extra_opts, SRC, -x EXCLUDES,
// INCLUDES, -d DEST.
std::vector<std::string> UnzipWords(const Value& args, const std::string& src,
                                    const std::vector<std::string>& excludes);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_UNARCHIVE_ZIP_H_
