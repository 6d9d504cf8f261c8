#include "modules/apt_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "engine/base/text.h"
#include "modules/get_url.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr char kTrustedMark[] = "@@trusted.gpg\n";

ArgSpec AptKeySpec() {
  ArgSpec spec;
  spec.name = "apt_key";
  spec.ansible_names = {"ansible.builtin.apt_key", "ansible.legacy.apt_key"};
  spec.summary = "Ansible's apt_key: add or remove a key apt trusts, with apt-key on the host";
  spec.description =
      "Ansible's apt_key module: adds a key to apt's keys (state present) from a key file on "
      "the host (`file`), key text (`data`, armored) or a URL the host downloads with curl "
      "(`url`, as get_url does), into `keyring` or apt's "
      "/etc/apt/trusted.gpg, when `apt-key adv --list-public-keys` does not list it; or "
      "removes it (state absent, `apt-key del`) when it is listed. The key is known by `id` "
      "(8 or 16 hex digits or a fingerprint; a short 8-digit id compares short ids) or, "
      "without one, by the first key `gpg --with-colons` finds in the file or text. After "
      "acting it checks the listing, as Ansible does. Registers `id`, `key_id`, `short_id`, "
      "`fp`, `before` (the ids listed before) and, when a real run changed, `after`. The host "
      "needs apt-key and gpg (Debian's gpg package), as Ansible's module does; the reads ride "
      "in the probe round trip.";
  spec.args = {
      {"id",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The key's id: 8, 16 or more hex digits (0x allowed)."},
      {"file",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A key file on the host (binary or armored)."},
      {"data", ArgType::kString, false, nullptr, {}, {}, "The key's armored text."},
      {"keyring",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The keyring file to add to or remove from (default: apt's keyrings, adding to "
       "/etc/apt/trusted.gpg)."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"absent", "present"},
       {},
       "Whether apt is to trust the key."},
      {"url",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The key's URL (http, https, ftp or file), downloaded by the host with curl: without "
       "`id` on every run, to read the key's id (as Ansible's module does); with `id` only "
       "when the key is to be added."},
      {"keyserver",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Refused: a key server needs the network (see notes)."},
      {"validate_certs",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Verify the server's certificate when downloading `url`."},
  };
  spec.mutually_exclusive = {{"data", "file", "keyserver", "url"}};
  spec.examples =
      "- name: the repository's key, copied to the host before\n"
      "  ansible.builtin.apt_key:\n"
      "    file: /tmp/docker.asc\n"
      "    keyring: /etc/apt/keyrings/docker.gpg\n"
      "\n"
      "- name: an old key gone\n"
      "  apt_key:\n"
      "    id: 9DC858229FC7DD38854AE2D88D81803C0EBFCD88\n"
      "    state: absent\n";
  spec.notes =
      "Where hostprep differs from Ansible on purpose: `keyserver` is refused at validate "
      "time (put the key on the host with copy, then give `file`, or give its text as "
      "`data`, for example from a file lookup); `url` needs curl on the host, and a key "
      "added from a URL without `id` is downloaded twice (to read its id in the probe, then "
      "to add it), the check after adding telling if the two differed; "
      "reading a key's id runs gpg in a temporary home (Ansible's leaves root's ~/.gnupg "
      "behind), and listing a keyring that does not exist does not make it empty as apt-key "
      "would (so a check run leaves no file); `after` is what the listing will be (the keys "
      "added where apt-key lists them, or the removed key and its subkeys gone), and the "
      "check after acting fails the task if that is not so. apt-key is deprecated in Debian: "
      "a keyring file in /etc/apt/keyrings with `signed-by` (deb822_repository, or a copy) is "
      "the modern way.";
  return spec;
}

// A listing line's key: kind ("pub" or "sub") and id, as Ansible reads it.
struct ListedKey {
  bool primary = false;
  std::string id;
};

std::vector<ListedKey> ParseListing(const std::string& out) {
  std::vector<ListedKey> keys;
  for (const std::string& line : Split(out, '\n')) {
    const bool pub = StartsWith(line, "pub");
    if ((!pub && !StartsWith(line, "sub")) || line.find("expired") != std::string::npos) continue;
    const std::vector<std::string> words = PySplit(line);
    if (words.size() > 1 && std::count(words[1].begin(), words[1].end(), '/') == 1) {
      keys.push_back({pub, words[1].substr(words[1].find('/') + 1)});
      continue;
    }
    const std::vector<std::string> fields = Split(line, ':');
    if (fields.size() > 4) keys.push_back({pub, fields[4]});
  }
  return keys;
}

std::vector<std::string> KeyIds(const std::vector<ListedKey>& keys, bool short_format) {
  std::vector<std::string> ids;
  for (const ListedKey& k : keys) {
    ids.push_back(short_format && k.id.size() > 8 ? k.id.substr(k.id.size() - 8) : k.id);
  }
  return ids;
}

bool HasId(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Ansible's parse_key_id: hex digits, optional 0x, 8, 16 or more than 16 of
// them; the short id, the id compared with the listing, the whole id.
struct KeyId {
  std::string short_id;
  std::string fingerprint;
  std::string key_id;
};
std::optional<KeyId> ParseKeyId(std::string id) {
  for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (StartsWith(id, "0X")) id = id.substr(2);
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c));
      })) {
    return std::nullopt;
  }
  if (id.size() != 8 && id.size() != 16 && id.size() <= 16) return std::nullopt;
  KeyId k;
  k.short_id = id.substr(id.size() - 8);
  k.fingerprint = id.size() > 16 ? id.substr(id.size() - 16) : id;
  k.key_id = id;
  return k;
}

void NoNetwork(const Value& args, const char* key, std::vector<ArgError>* errors) {
  if (!ArgReady(args, key)) return;
  errors->push_back(
      {key, fmt::format("apt_key's {} needs the network, which hostprep does not use for this "
                        "module: put the key on the host first (copy) and give file:, or give "
                        "its armored text as data:",
                        key)});
}

// A key from a URL whose id is not given: the probe downloads it to read
// the id, as Ansible's module does on every run.
bool UrlWithoutId(const Value& args) {
  return ArgReady(args, "url") && !ArgReady(args, "file") && !ArgReady(args, "data") &&
         StringArg(args, "id").empty();
}

}  // namespace

std::vector<std::string> ParseAptKeyIds(const std::string& out) {
  return KeyIds(ParseListing(out), false);
}

AptKeyModule::AptKeyModule() : spec_(AptKeySpec()) {}

void AptKeyModule::Validate(const Value& args, bool templates_pending,
                            std::vector<ArgError>* errors) const {
  (void)templates_pending;
  NoNetwork(args, "keyserver", errors);
  if (ArgReady(args, "url") && StringArg(args, "url").find("://") == std::string::npos) {
    errors->push_back({"url", fmt::format("{} is not a URL (http, https, ftp or file)",
                                          Quoted(StringArg(args, "url")))});
  }
}

std::vector<Read> AptKeyModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads = {
      Read::Query({"/bin/sh", "-c", scripts::kAptKeyList, "sh", StringArg(args, "keyring")})};
  if (ArgReady(args, "file")) {
    reads.push_back(
        Read::Query({"/bin/sh", "-c", scripts::kAptKeyId, "sh", "file", StringArg(args, "file")}));
  } else if (ArgReady(args, "data")) {
    reads.push_back(
        Read::Query({"/bin/sh", "-c", scripts::kAptKeyId, "sh", "data", StringArg(args, "data")}));
  } else if (UrlWithoutId(args)) {
    reads.push_back(
        Read::Query(KeyUrlArgv(StringArg(args, "url"), args,
                               {"env", "LC_ALL=C", "gpg", "--batch", "--with-colons", "@KEY@"})));
  }
  return reads;
}

Result<Change> AptKeyModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                  const Value& facts) const {
  (void)facts;
  const bool has_file = ArgReady(args, "file");
  const bool has_data = !has_file && ArgReady(args, "data");
  const bool has_url = !has_file && !has_data && ArgReady(args, "url");
  const bool read_source = has_file || has_data || UrlWithoutId(args);
  if (reads.size() < (read_source ? 2u : 1u)) {
    return Status::Error("internal error: too few apt_key reads");
  }
  for (const ReadResult& r : reads) {
    if (!r.status.ok()) return r.status;
  }
  const ExecResult& listed = reads[0].exec;
  if (listed.exit_code == 127) return Status::Error(Trim(listed.stderr_data));
  if (listed.exit_code != 0) {
    return Status::Error(fmt::format("Unable to list public keys (rc={}): {}", listed.exit_code,
                                     Trim(listed.stderr_data)));
  }
  std::string all_out = listed.stdout_data;
  std::string trusted_out;
  if (const size_t mark = all_out.find(kTrustedMark); mark != std::string::npos) {
    trusted_out = all_out.substr(mark + sizeof kTrustedMark - 1);
    all_out.resize(mark);
  }
  const std::vector<ListedKey> listing = ParseListing(all_out);

  std::vector<std::string> source_ids;  // the file's or text's keys
  if (read_source) {
    const ExecResult& gpg = reads[1].exec;
    if (has_url && gpg.exit_code == kKeyUrlDownloadFailed) {
      Change failed;
      failed.failed = true;
      failed.message = fmt::format("Failed to download key at {}: {}", StringArg(args, "url"),
                                   Trim(gpg.stderr_data));
      return failed;
    }
    if (has_url && gpg.exit_code != 0) {
      return Status::Error(fmt::format("error getting key id from url: {}: {}",
                                       StringArg(args, "url"), Trim(gpg.stderr_data)));
    }
    if (gpg.exit_code != 0) {
      return Status::Error(fmt::format(
          "Unable to extract key from '{}': {}",
          has_file ? StringArg(args, "file") : std::string("inline data"), Trim(gpg.stderr_data)));
    }
    source_ids = ParseAptKeyIds(gpg.stdout_data);
  }
  Change change;
  std::string id = StringArg(args, "id");
  if (id.empty() && !source_ids.empty()) id = source_ids[0];
  if (id.empty()) {
    change.result["id"] = nullptr;
  } else {
    change.result["id"] = id;
  }
  const std::optional<KeyId> key = ParseKeyId(id);
  if (!key) return Status::Error("Invalid key_id");
  change.result["short_id"] = key->short_id;
  change.result["fp"] = key->fingerprint;
  change.result["key_id"] = key->key_id;
  const bool short_format = key->key_id.size() == 8;
  const std::vector<std::string> before = KeyIds(listing, short_format);
  change.result["before"] = before;

  const std::string keyring = StringArg(args, "keyring");
  std::vector<std::string> apt_key = {"apt-key"};
  if (!keyring.empty()) apt_key.insert(apt_key.end(), {"--keyring", keyring});
  std::vector<std::string> after;
  if (StringArg(args, "state") == "present") {
    const bool listed_now = HasId(before, short_format ? key->short_id : key->fingerprint);
    if (listed_now) return change;
    if (!has_file && !has_data && !has_url)
      return Status::Error("No key to add ... how did i get here?!?!");
    Action add = ExecAction(apt_key);
    add.argv.push_back("add");
    if (has_url) {
      add.argv.push_back("@KEY@");
      add.argv = KeyUrlArgv(StringArg(args, "url"), args, add.argv);
    } else if (has_file) {
      add.argv.push_back(StringArg(args, "file"));
    } else {
      add.argv.push_back("-");
      add.stdin_data = StringArg(args, "data");
    }
    change.actions.push_back(std::move(add));
    // apt-key lists /etc/apt/trusted.gpg (where it adds) first, then
    // trusted.gpg.d; a given keyring gets the key at its end.
    const size_t split = keyring.empty() ? ParseListing(trusted_out).size() : before.size();
    after.assign(before.begin(),
                 before.begin() + static_cast<std::ptrdiff_t>(std::min(split, before.size())));
    for (const std::string& s : source_ids) {
      const std::string sid = short_format ? s.substr(s.size() >= 8 ? s.size() - 8 : 0) : s;
      if (!HasId(before, sid)) after.push_back(sid);
    }
    // A key from a URL with its id given is not read before: its id alone.
    if (source_ids.empty()) after.push_back(short_format ? key->short_id : key->fingerprint);
    after.insert(after.end(),
                 before.begin() + static_cast<std::ptrdiff_t>(std::min(split, before.size())),
                 before.end());
    change.message = fmt::format("would add key {} with apt-key", key->key_id);
  } else {
    if (!HasId(before, key->fingerprint)) return change;
    Action del = ExecAction(apt_key);
    del.argv.insert(del.argv.end(), {"del", key->short_id});
    change.actions.push_back(std::move(del));
    bool dropping = false;
    for (const ListedKey& k : listing) {
      const std::string sid =
          short_format ? k.id.substr(k.id.size() >= 8 ? k.id.size() - 8 : 0) : k.id;
      if (k.primary) dropping = k.id.size() >= 8 && EndsWith(k.id, key->short_id);
      if (!dropping) after.push_back(sid);
    }
    change.message = fmt::format("would remove key {} with apt-key", key->key_id);
  }
  change.actions.push_back(
      ExecAction({"/bin/sh", "-c", scripts::kAptKeyCheck, "sh", StringArg(args, "state"),
                  short_format ? key->short_id : key->fingerprint, keyring}));
  change.changed = true;
  change.command_output = false;
  change.applied_result["after"] = after;
  return change;
}

}  // namespace hostprep::modules
