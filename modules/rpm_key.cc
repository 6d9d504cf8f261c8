#include "modules/rpm_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "engine/base/text.h"
#include "modules/get_url.h"
#include "modules/module_util.h"
#include "modules/scripts.h"

namespace hostprep::modules {

namespace {

ArgSpec RpmKeySpec() {
  ArgSpec spec;
  spec.name = "rpm_key";
  spec.ansible_names = {"ansible.builtin.rpm_key", "ansible.legacy.rpm_key"};
  spec.summary = "add or remove a GPG key in rpm's database";
  spec.description =
      "Ansible's rpm_key module: with `state: present` imports a key file on the host "
      "(`rpm --import`) unless rpm already knows its key id; with `state: absent` erases the "
      "key (`rpm --erase --allmatches gpg-pubkey-KEYID`) when rpm knows it. The key id comes "
      "from gpg's listing of the file, or is given as `key` itself (eight or more hex "
      "digits), or a URL the host downloads with curl (as get_url does) on every run, as "
      "Ansible's module does to read its key id. `fingerprint` checks the file before it is "
      "imported. Registers `changed` "
      "only, as Ansible's. The reads (rpm's gpg-pubkey packages and the key file, listed by "
      "gpg) ride in the probe round trip.";
  spec.args = {
      {"key",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "A key file's path on the host, a URL (http, https, ftp or file), or a key id "
       "(`0xDEADB33F`, to remove a key)."},
      {"state", ArgType::kString, false, "present", {"present", "absent"}, {}, "The key's state."},
      {"fingerprint",
       ArgType::kList,
       false,
       nullptr,
       {},
       {},
       "The key's long fingerprint (blanks ignored); the import fails when the file's key does "
       "not have it."},
      {"validate_certs",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Check the server's certificate when `key` is a URL."},
  };
  spec.examples =
      "- name: the Kubernetes repository's key\n"
      "  ansible.builtin.rpm_key:\n"
      "    key: /etc/pki/rpm-gpg/kubernetes.asc\n"
      "    fingerprint: DE15 B144 86CD 377B 9E87  6E1A 2346 54DA 9A29 6436\n"
      "  when: ansible_os_family == \"RedHat\"\n";
  spec.notes =
      "Differences from Ansible: a URL as `key` needs curl on the host; a key to import is "
      "downloaded twice (in the probe to read its id, then to import it). `fingerprint` is a "
      "list (as in newer Ansible): each "
      "must be the fingerprint of the key or one of its subkeys, where Ansible 2.14 compares "
      "one with the key's first. A key starting with `-` is refused: rpm and gpg would take it "
      "for an option. Without rpm on the host the task fails, as Ansible's does; on Debian, "
      "rpm's database is not apt's, so guard rpm_key with `when: ansible_os_family == "
      "\"RedHat\"` as roles do.";
  return spec;
}

bool IsKeyUrl(const std::string& key) { return key.find("://") != std::string::npos; }

}  // namespace

bool IsRpmKeyId(const std::string& key) {
  const size_t from = key.size() >= 2 && key[0] == '0' && (key[1] == 'x' || key[1] == 'X') ? 2 : 0;
  if (key.size() < from + 8) return false;
  return std::all_of(key.begin() + from, key.begin() + from + 8,
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string NormalizeRpmKeyId(const std::string& keyid) {
  std::string ret = PyStrip(keyid);
  std::transform(ret.begin(), ret.end(), ret.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return StartsWith(ret, "0X") ? ret.substr(2) : ret;
}

std::string GpgColonField(const std::vector<std::string>& lines, const std::string& type,
                          size_t field) {
  for (const std::string& raw : lines) {
    const std::string line = PyStrip(raw);
    if (!StartsWith(line, type + ":")) continue;
    const std::vector<std::string> fields = Split(line, ':');
    return field < fields.size() ? fields[field] : "";
  }
  return "";
}

RpmKeyModule::RpmKeyModule() : spec_(RpmKeySpec()) {}

void RpmKeyModule::Validate(const Value& args, bool templates_pending,
                            std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (!ArgReady(args, "key")) return;
  const std::string key = StringArg(args, "key");
  if (StartsWith(key, "-")) {
    errors->push_back({"key", fmt::format("{} starts with '-': rpm and gpg would take it for an "
                                          "option; give the file's path as ./{}",
                                          Quoted(key), Quoted(key))});
  }
}

std::vector<Read> RpmKeyModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string key = StringArg(args, "key");
  if (IsKeyUrl(key)) {
    return {Read::Query(KeyUrlArgv(key, args, {"/bin/sh", "-c", scripts::kRpmKey, "sh", "@KEY@"}))};
  }
  const bool file = !IsRpmKeyId(key);
  return {Read::Query({"/bin/sh", "-c", scripts::kRpmKey, "sh", file ? key : ""})};
}

Result<Change> RpmKeyModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                  const Value& facts) const {
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: no rpm_key read");
  if (!reads[0].status.ok()) return reads[0].status;
  const std::string key = StringArg(args, "key");
  if (IsKeyUrl(key) && reads[0].exec.exit_code == kKeyUrlDownloadFailed) {
    Change failed;
    failed.failed = true;
    failed.message = fmt::format("failed to fetch key at {} , error was: {}", key,
                                 Trim(reads[0].exec.stderr_data));
    return failed;
  }
  if (reads[0].exec.exit_code != 0)
    return Status::Error(fmt::format("the rpm key read failed (rc={}): {}", reads[0].exec.exit_code,
                                     Trim(reads[0].exec.stderr_data)));
  const auto sections = SplitSections(reads[0].exec.stdout_data);
  auto head = [&](const char* name) -> std::optional<std::string> {
    const auto it = sections.find(name);
    if (it == sections.end()) return std::nullopt;
    return it->second.empty() ? "" : it->second[0];
  };
  auto body = [&](const char* name) {
    const auto it = sections.find(name);
    if (it == sections.end() || it->second.empty()) return std::vector<std::string>{};
    return std::vector<std::string>(it->second.begin() + 1, it->second.end());
  };
  const std::optional<std::string> rpm = head("rpm"), gpg = head("gpg");
  if (!rpm) return Status::Error("unexpected answer from the rpm key read");
  if (rpm->empty())
    return Status::Error(
        "Failed to find required executable \"rpm\" on the host: rpm_key manages rpm's "
        "database (install rpm, or guard the task with when: ansible_os_family == \"RedHat\")");
  if (!gpg || gpg->empty())
    return Status::Error("Failed to find required executable \"gpg2\" on the host (nor gpg)");

  const bool present = StringArg(args, "state") == "present";
  if (IsKeyUrl(key) && head("armored") != "yes") {
    Change failed;
    failed.failed = true;
    failed.message = "Not a public key: " + key;
    return failed;
  }
  const std::optional<std::string> keyfile_head = head("keyfile");
  const std::vector<std::string> keyfile = body("keyfile");
  std::string keyid;
  if (IsRpmKeyId(key)) {
    keyid = key;
  } else if (keyfile_head) {
    if (*keyfile_head != "0") return Status::Error(fmt::format("{}", fmt::join(keyfile, "\n")));
    keyid = GpgColonField(keyfile, "pub", 4);
    if (keyid.empty()) return Status::Error("Unexpected gpg output");
  } else {
    return Status::Error(fmt::format("Not a valid key {}", key));
  }
  keyid = NormalizeRpmKeyId(keyid);

  bool imported = false;
  const std::optional<std::string> imported_head = head("imported");
  if (imported_head && *imported_head != "none") {
    if (*imported_head != "0")
      return Status::Error(fmt::format("{}", fmt::join(body("imported"), "\n")));
    for (const std::string& line : body("imported")) {
      const std::vector<std::string> fields = Split(line, ':');
      if (fields.size() > 4 && fields[4].find(keyid) != std::string::npos) imported = true;
    }
  }
  Change change;
  change.command_output = false;
  if (present == imported) return change;
  change.changed = true;
  change.reports = true;  // a failed rpm's stderr: Report
  if (!present) {
    const std::string name =
        "gpg-pubkey-" + ToLower(keyid.substr(keyid.size() > 8 ? keyid.size() - 8 : 0));
    change.actions.push_back(ExecAction({*rpm, "--erase", "--allmatches", name}));
    change.message = "would erase " + name;
    return change;
  }
  if (!keyfile_head) return Status::Error("When importing a key, a valid file must be given");
  const std::string primary = GpgColonField(keyfile, "fpr", 9);
  for (const Value& listed : args.value("fingerprint", Value::array())) {
    const std::string given = listed.get<std::string>();
    std::string want;
    for (char c : given) {
      if (c != ' ') want += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    bool found = false;
    for (const std::string& line : keyfile) {
      const std::vector<std::string> fields = Split(PyStrip(line), ':');
      found = found || (fields.size() > 9 && fields[0] == "fpr" && fields[9] == want);
    }
    if (!found)
      return Status::Error(
          fmt::format("The specified fingerprint, '{}', does not match the key fingerprint '{}'",
                      want, primary));
  }
  change.actions.push_back(ExecAction(IsKeyUrl(key)
                                          ? KeyUrlArgv(key, args, {*rpm, "--import", "@KEY@"})
                                          : std::vector<std::string>{*rpm, "--import", key}));
  change.message = fmt::format("would import {} (key id {})", key, keyid);
  return change;
}

Result<Change> RpmKeyModule::Report(const Value& args, const ExecResult& output) const {
  (void)args;
  return ChangedUnlessFailed(output, output.stderr_data);
}

}  // namespace hostprep::modules
