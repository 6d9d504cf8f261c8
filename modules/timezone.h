// `timezone` (community.general.timezone): the system's time zone and the
// hardware clock's mode, as Ansible's module sets them on Linux: with
// systemd's timedatectl when it runs, else on Debian and Ubuntu through
// /etc/timezone, the /etc/localtime link and `dpkg-reconfigure tzdata`.
#ifndef HOSTPREP_MODULES_TIMEZONE_H_
#define HOSTPREP_MODULES_TIMEZONE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// What scripts/timezone.sh read, parsed.
struct TimezoneState {
  bool zone_file = false;                    // /usr/share/zoneinfo/NAME is a file
  std::string timedatectl;                   // its path when it runs; "" otherwise
  std::string status;                        // `timedatectl status`
  std::string reconfigure;                   // dpkg-reconfigure's path; "" when missing
  std::string localtime;                     // "link", "link-ok", "file" or "missing"
  std::string link_target;                   // for a link
  bool same_bytes = false;                   // /etc/localtime is NAME's zone file, byte for byte
  std::optional<std::string> timezone_file;  // /etc/timezone's bytes
};
Result<TimezoneState> ParseTimezoneState(const std::string& out);

// The zone and hwclock values Ansible's module reads before a change:
// from `timedatectl status` ("Time zone:", "RTC in local TZ:"), or from
// /etc/timezone and /etc/localtime ("n/a" where they say nothing).
Result<std::string> TimedatectlValue(const std::string& status, const std::string& key);
std::string ZoneFromFiles(const TimezoneState& state, const std::string& planned);

// /etc/timezone after Ansible's edit: every line starting with a
// non-blank replaced by one "NAME\n", where the first of them was (or
// first); and the count of lines it deleted.
std::pair<std::string, int> EditTimezoneFile(const std::string& content, const std::string& name);

// One read in the probe round trip (scripts/timezone.sh); actions only for
// what differs. Registers Ansible's `diff` ({before, after} of the given
// keys) and, on a change, its `msg`.
class TimezoneModule final : public Module {
 public:
  TimezoneModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_TIMEZONE_H_
