// What the facts script (engine/facts/scripts/facts.sh) printed, sorted for
// the fact builders: its key=value lines, the lines of the files its grep
// read ("PATH:LINE"), and what `ip` answered. The target's output is
// untrusted: reading it is bounded (lines, line length, files), invalid
// UTF-8 is replaced, and nothing in it is ever an error but the missing end
// line. The builders (facts_*.cc) each add one group of Ansible's facts
// from it; they are pure and never fail: what is missing stays out, as in
// Ansible's collectors.
#ifndef HOSTPREP_ENGINE_FACTS_FACTS_INPUT_H_
#define HOSTPREP_ENGINE_FACTS_FACTS_INPUT_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/text.h"
#include "engine/base/value.h"

namespace hostprep {

class FactsInput {
 public:
  // Limits on what is kept of the output; beyond them it is dropped.
  static constexpr size_t kMaxLine = 64 * 1024;
  static constexpr size_t kMaxLines = 200000;
  static constexpr size_t kMaxFileLines = 20000;
  static constexpr size_t kMaxBytes = 16 << 20;  // kept in all

  // Errors when the output does not end with the script's end line.
  static Result<FactsInput> Read(std::string_view output);

  // The first value of `key`, "" without one.
  const std::string& Get(const std::string& key) const;
  // Every value of `key`, in order.
  std::vector<std::string> All(const std::string& key) const;
  bool Has(const std::string& key) const { return values_.count(key) > 0; }
  // Whether the script found `path` (its `exists=` lines).
  bool Exists(const std::string& path) const;
  // Whether the script found `tool` where Ansible's get_bin_path looks.
  bool HasTool(const std::string& tool) const;

  // The lines the grep printed of `path` (none: missing, unreadable or empty).
  const std::vector<std::string>& Lines(const std::string& path) const;
  bool HasFile(const std::string& path) const { return files_.count(path) > 0; }
  // The file as Python's get_file_content gives it: the lines joined,
  // stripped; "" for none.
  std::string Content(const std::string& path) const;
  // Every file the grep printed, by path.
  const std::map<std::string, std::vector<std::string>>& files() const { return files_; }
  // What `ip` printed, and whether it was there to run.
  const std::vector<std::string>& net() const { return net_; }
  bool ran_ip() const { return ran_ip_; }

  // For tests: builds an input from parts.
  void Add(const std::string& key, const std::string& value) { values_.emplace(key, value); }
  void AddLine(const std::string& path, const std::string& line) { files_[path].push_back(line); }
  void AddNet(const std::string& line) {
    ran_ip_ = true;
    net_.push_back(line);
  }

 private:
  std::multimap<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> files_;
  std::vector<std::string> net_;
  bool ran_ip_ = false;
};

// Decimal digits only (Python's isdigit for ASCII), not empty.
bool IsDigits(std::string_view s);
// A non-negative integer, or `fallback` for anything else (too large too).
long long ToInt(std::string_view s, long long fallback = -1);

// The builders, one group of facts each, into `facts` (a mapping).
void AddPlatformFacts(const FactsInput& in, Value* facts);
void AddDistributionFacts(const FactsInput& in, Value* facts);  // needs platform
void AddLsbFacts(const FactsInput& in, Value* facts);
void AddPkgMgrFacts(const FactsInput& in, Value* facts);      // needs distribution
void AddServiceMgrFacts(const FactsInput& in, Value* facts);  // needs platform
void AddUserFacts(const FactsInput& in, Value* facts);
void AddEnvFacts(const FactsInput& in, Value* facts);
void AddDateTimeFacts(const FactsInput& in, Value* facts);
void AddDnsFacts(const FactsInput& in, Value* facts);
void AddSecurityFacts(const FactsInput& in, Value* facts);  // selinux, apparmor, fips
void AddVirtualizationFacts(const FactsInput& in, Value* facts);
void AddMiscFacts(const FactsInput& in, Value* facts);      // machine_id, ssh keys, uptime
void AddHardwareFacts(const FactsInput& in, Value* facts);  // memory, cpu, dmi; needs platform
void AddMountFacts(const FactsInput& in, Value* facts);
void AddNetworkFacts(const FactsInput& in, Value* facts);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_FACTS_FACTS_INPUT_H_
