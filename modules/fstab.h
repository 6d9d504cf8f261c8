// The fstab as the modules that edit it read and write it (swap, mount):
// lines kept byte for byte, the fields of an entry split as Python's
// str.split() splits them, fields escaped and unescaped as fstab(5) and
// /proc/self/mountinfo escape them. Pure functions, thread-safe.
#ifndef HOSTPREP_MODULES_FSTAB_H_
#define HOSTPREP_MODULES_FSTAB_H_

#include <string>
#include <string_view>
#include <vector>

namespace hostprep::modules {

// One line of an fstab: its text with its "\n" (the last line may lack
// one) and its blank-separated fields (empty for a blank line).
struct FstabLine {
  std::string text;
  std::vector<std::string> fields;
  // A comment: its first non-blank character is '#'.
  bool comment() const { return !fields.empty() && fields[0][0] == '#'; }
  // Neither blank nor a comment.
  bool entry() const { return !fields.empty() && !comment(); }
};

// The lines of `content`; joining their texts gives `content` back.
std::vector<FstabLine> ReadFstab(std::string_view content);

// The texts of `lines`, joined.
std::string WriteFstab(const std::vector<FstabLine>& lines);

// `s` with each octal escape \ooo (\040 for a blank, as fstab(5), /proc/swaps
// and /proc/self/mountinfo write it) decoded.
std::string DecodeOctal(std::string_view s);

// A value as Ansible's mount module writes it into an fstab field: "\" as
// \134, a blank as \040 and "&" as \046.
std::string EscapeFstabField(std::string_view s);

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_FSTAB_H_
