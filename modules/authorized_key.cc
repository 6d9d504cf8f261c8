#include "modules/authorized_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

ArgSpec AuthorizedKeySpec() {
  ArgSpec spec;
  spec.name = "authorized_key";
  spec.ansible_names = {"ansible.posix.authorized_key"};
  spec.summary = "Ansible's authorized_key: SSH public keys in a user's authorized_keys";
  spec.description =
      "Ansible's authorized_key module (ansible.posix): the keys of `key` (one a line) present "
      "in, or absent from, `path` (default: the user's ~/.ssh/authorized_keys, the home read "
      "from the passwd database on the host). Keys are parsed as the module parses them "
      "(options, type, key, comment) and matched by the key itself; a key whose options or "
      "comment differ is replaced. When anything changes the whole file is rewritten as the "
      "module rewrites it (each key line normalised, new keys last, a repeated key or line "
      "kept once), atomically, mode 0600 and owned by the user, with `manage_dir` its "
      "directory made 0700 and owned by the user. Read in the probe round trip. Registers "
      "the arguments and `keyfile`, and with `path` the file's uid, gid, owner, group, mode, "
      "size and state, as Ansible does.";
  spec.args = {
      {"user", ArgType::kString, true, nullptr, {}, {}, "Whose keys: a user of the host."},
      {"key",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "One or more public keys, one a line (`[OPTIONS] TYPE KEY [COMMENT]`); blank lines and "
       "lines starting with '#' are skipped. A URL is refused (see notes)."},
      {"path",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The key file (absolute); default: ~USER/.ssh/authorized_keys."},
      {"manage_dir",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Create the key file's directory and make it 0700, owned by the user, when the file "
       "is written."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"absent", "present"},
       {},
       "present or absent."},
      {"key_options",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Options for the keys (`no-pty,from=\"10.0.0.0/8\"`), in place of any they have."},
      {"exclusive",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Remove every other line of the file (other keys, comments) with state present."},
      {"validate_certs",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Accepted and registered; unused, since a key is never fetched from a URL."},
      {"comment",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The keys' comment, in place of theirs."},
      {"follow",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Write through a symlink at the key file to what it points to (else the link is "
       "replaced by the file)."},
  };
  spec.examples =
      "- name: the deploy user's key\n"
      "  ansible.posix.authorized_key:\n"
      "    user: deploy\n"
      "    key: \"{{ lookup('file', 'files/deploy.pub') }}\"\n"
      "- name: only these keys for root, from the admin network\n"
      "  authorized_key:\n"
      "    user: root\n"
      "    key: \"{{ admin_keys | join('\\n') }}\"\n"
      "    key_options: from=\"10.0.0.0/8\"\n"
      "    exclusive: true\n";
  spec.notes =
      "As Ansible's, quirks included: a key line without a comment is written with a space "
      "after the key; a key whose options or comment change moves to the end of the file; "
      "options are compared as a set (their order does not count); a file's last line "
      "without a line break is joined to a key added after it; repeated lines (blank ones "
      "too) are kept once when the file is rewritten; the file and directory modes are set "
      "only when the file is written. Differences: a `key` starting with 'http' (a URL "
      "Ansible's module would download) is refused before any host is contacted, as hosts "
      "and controller may have no internet access: fetch the keys in the playbook (a `file` "
      "lookup of a copy) and give them as text; `validate_certs` is therefore unused. `path` "
      "must be absolute ('~' is not expanded: leave `path` out for ~USER/.ssh/"
      "authorized_keys). The user must exist in check mode too (Ansible's check mode with "
      "`path` does not look the user up). A key file line holding a key type without a key "
      "fails with hostprep's message (Ansible's module fails with a Python error). A symlink "
      "replaced (follow: false) keeps the mode and owner of what it pointed to (Ansible's "
      "module sets them). Check mode registers what the run would register (the file's "
      "mode, size and owner after the write). --diff shows a unified diff.";
  return spec;
}

// An option of a key: NAME or NAME=VALUE, in the order written.
using KeyOptions = std::vector<std::pair<std::string, std::optional<std::string>>>;

// The options as the module compares them: a dict from each name to its
// values, so the names' order does not count.
std::map<std::string, std::vector<std::optional<std::string>>> OptionsDict(const KeyOptions& o) {
  std::map<std::string, std::vector<std::optional<std::string>>> dict;
  for (const auto& [name, value] : o) dict[name].push_back(value);
  return dict;
}

// One entry of the file as the module keeps it: a key (by its base64
// text) or a line kept as it is (type "skipped", `key` the line).
struct KeyEntry {
  std::string key;
  std::string type;
  std::optional<KeyOptions> options;
  std::optional<std::string> comment;
  size_t rank = 0;

  // The module's tuple comparison, rank left out.
  bool SameAs(const KeyEntry& o) const {
    if (key != o.key || type != o.type || comment != o.comment) return false;
    if (options.has_value() != o.options.has_value()) return false;
    return !options || OptionsDict(*options) == OptionsDict(*o.options);
  }
};

// A Python dict of entries by key, in insertion order.
class KeyTable {
 public:
  KeyEntry* Find(const std::string& key) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const KeyEntry& e) { return e.key == key; });
    return it == entries_.end() ? nullptr : &*it;
  }
  void Set(KeyEntry entry) {
    if (KeyEntry* e = Find(entry.key)) {
      *e = std::move(entry);
      return;
    }
    entries_.push_back(std::move(entry));
  }
  void Erase(const std::string& key) {
    std::erase_if(entries_, [&](const KeyEntry& e) { return e.key == key; });
  }
  std::vector<KeyEntry>& entries() { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<KeyEntry> entries_;
};

const std::set<std::string>& KeyTypes() {
  static const std::set<std::string> kTypes = {
      "sk-ecdsa-sha2-nistp256@openssh.com",
      "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
      "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
      "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp256-cert-v01@openssh.com",
      "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp384-cert-v01@openssh.com",
      "ecdsa-sha2-nistp521",
      "ecdsa-sha2-nistp521-cert-v01@openssh.com",
      "sk-ssh-ed25519@openssh.com",
      "sk-ssh-ed25519-cert-v01@openssh.com",
      "ssh-ed25519",
      "ssh-ed25519-cert-v01@openssh.com",
      "ssh-dss",
      "ssh-rsa",
      "ssh-xmss@openssh.com",
      "ssh-xmss-cert-v01@openssh.com",
      "rsa-sha2-256",
      "rsa-sha2-512",
      "ssh-rsa-cert-v01@openssh.com",
      "rsa-sha2-256-cert-v01@openssh.com",
      "rsa-sha2-512-cert-v01@openssh.com",
      "ssh-dss-cert-v01@openssh.com",
  };
  return kTypes;
}

// shlex without quotes or comments: words between ' ', '\t', '\r', '\n'.
std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> words;
  std::string word;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string WordsBetween(const std::vector<std::string>& words, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (i == from ? "" : " ") + words[i];
  return out;
}

// Where a run of ((?:[^,"']|"[^"]*"|'[^']*')+) starting at `i` ends (`i`:
// none starts there).
size_t OptionRun(const std::string& s, size_t i) {
  while (i < s.size()) {
    const char c = s[i];
    if (c == ',') break;
    if (c == '"' || c == '\'') {
      const size_t close = s.find(c, i + 1);
      if (close == std::string::npos) break;
      i = close + 1;
      continue;
    }
    ++i;
  }
  return i;
}

// parseoptions: the runs of that pattern and what separates them (re.split
// with a group, less its first and last piece); NAME=VALUE or NAME each,
// a lone "," dropped.
KeyOptions ParseOptions(const std::string& s) {
  std::vector<std::string> parts;
  size_t last_end = std::string::npos;
  for (size_t p = 0; p < s.size();) {
    const size_t end = OptionRun(s, p);
    if (end == p) {
      ++p;
      continue;
    }
    if (last_end != std::string::npos) parts.push_back(s.substr(last_end, p - last_end));
    parts.push_back(s.substr(p, end - p));
    last_end = end;
    p = end;
  }
  KeyOptions options;
  for (const std::string& part : parts) {
    const size_t eq = part.find('=');
    if (eq != std::string::npos) {
      options.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    } else if (part != ",") {
      options.emplace_back(part, std::nullopt);
    }
  }
  return options;
}

// parsekey: a line kept as it is (first word "#"), a key, or nullopt for
// a line that holds no key type.
Result<std::optional<KeyEntry>> ParseKey(std::string raw, size_t rank) {
  for (size_t at = raw.find("\\#"); at != std::string::npos; at = raw.find("\\#", at + 1))
    raw.erase(at, 1);
  const std::vector<std::string> words = Words(raw);
  if (!words.empty() && words[0] == "#")
    return std::optional<KeyEntry>(KeyEntry{raw, "skipped", std::nullopt, std::nullopt, rank});
  size_t type = 0;
  while (type < words.size() && KeyTypes().count(words[type]) == 0) ++type;
  if (type == words.size()) return std::optional<KeyEntry>();
  if (type + 1 == words.size())
    return Status::Error(fmt::format("{} holds the key type {} but no key after it",
                                     Quoted(Trim(raw)), words[type]));
  KeyEntry e;
  e.type = words[type];
  e.options = ParseOptions(WordsBetween(words, 0, type));
  e.key = words[type + 1];
  e.comment = WordsBetween(words, type + 2, words.size());
  e.rank = rank;
  return std::optional<KeyEntry>(std::move(e));
}

// The file's entries by key; a line that holds no key is kept under
// itself (a line seen twice once, at its last place).
Result<KeyTable> ParseKeyFile(const std::string& text) {
  KeyTable table;
  const std::vector<std::string> lines = SplitLinesKeepEnds(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    Result<std::optional<KeyEntry>> e = ParseKey(lines[i], i);
    if (!e.ok())
      return Status::Error(
          fmt::format("line {} of the key file: {}: fix or remove that line", i + 1, e.message()));
    table.Set(e->has_value() ? std::move(**e)
                             : KeyEntry{lines[i], "skipped", std::nullopt, std::nullopt, i});
  }
  return table;
}

// serialize: the entries in rank order (ties in the table's order).
std::string Serialize(std::vector<KeyEntry> entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const KeyEntry& a, const KeyEntry& b) { return a.rank < b.rank; });
  std::string out;
  for (const KeyEntry& e : entries) {
    if (e.type == "skipped") {
      out += e.key;
      continue;
    }
    std::string options;
    for (const auto& [name, value] : e.options.value_or(KeyOptions{}))
      options += (options.empty() ? "" : ",") + (value ? name + "=" + *value : name);
    if (!options.empty()) options += " ";
    out += fmt::format("{}{} {} {}\n", options, e.type, e.key, e.comment.value_or("None"));
  }
  return out;
}

}  // namespace

Result<KeysEdit> EditAuthorizedKeys(const KeyRequest& request, const std::string& existing) {
  Result<KeyTable> parsed = ParseKeyFile(existing);
  if (!parsed.ok()) return parsed.status();
  KeyTable& keys = *parsed;
  const size_t max_rank = keys.size();
  std::vector<std::string> new_keys;
  for (std::string& line : PySplitLines(request.key))
    if (!line.empty() && line[0] != '#') new_keys.push_back(std::move(line));
  std::set<std::string> keys_to_exist;
  bool write = false;
  for (size_t rank = 0; rank < new_keys.size(); ++rank) {
    Result<std::optional<KeyEntry>> key = ParseKey(new_keys[rank], rank);
    if (!key.ok() || !key->has_value())
      return Status::Error("invalid key specified: " + new_keys[rank]);
    KeyEntry wanted = std::move(**key);
    if (request.key_options) wanted.options = ParseOptions(*request.key_options);
    if (request.comment) wanted.comment = *request.comment;
    bool matched = false;
    if (const KeyEntry* have = keys.Find(wanted.key)) {
      if (!wanted.SameAs(*have) && request.present) {
        keys.Erase(wanted.key);
        write = true;
      } else {
        matched = true;
      }
    }
    if (request.present) {
      keys_to_exist.insert(wanted.key);
      if (!matched) {
        wanted.rank = max_rank + rank;
        keys.Set(std::move(wanted));
        write = true;
      }
    } else if (matched) {
      keys.Erase(wanted.key);
      write = true;
    }
  }
  if (request.present && request.exclusive) {
    const size_t before = keys.size();
    std::erase_if(keys.entries(),
                  [&](const KeyEntry& e) { return keys_to_exist.count(e.key) == 0; });
    write = write || keys.size() != before;
  }
  if (!write) return KeysEdit{existing, false};
  return KeysEdit{Serialize(keys.entries()), true};
}

AuthorizedKeyModule::AuthorizedKeyModule() : spec_(AuthorizedKeySpec()) {}

namespace {

// Python's os.path.dirname.
std::string PyDirname(const std::string& path) {
  std::string head = path.substr(0, path.rfind('/') + 1);
  if (!head.empty() && head.find_first_not_of('/') != std::string::npos)
    head.erase(head.find_last_not_of('/') + 1);
  return head;
}

// What the probe script printed.
struct KeyFileProbe {
  bool user_found = false;
  std::string uid, gid, group;
  std::string keyfile, sshdir, sshdir_state, parent_state;
  std::vector<std::string> lstat;  // %f %h %u %g %s %U %G; empty: missing
  std::optional<std::string> content;
};

Result<KeyFileProbe> ParseKeyFileProbe(const ExecResult& exec, const std::string& user) {
  if (exec.exit_code != 0)
    return Status::Error(fmt::format("reading the key file of user {} failed: {}", Quoted(user),
                                     Trim(exec.stderr_data)));
  KeyFileProbe p;
  const std::string& out = exec.stdout_data;
  size_t at = 0;
  while (at < out.size()) {
    const size_t end = std::min(out.find('\n', at), out.size());
    const std::string line = out.substr(at, end - at);
    at = end + 1;
    if (line == "nouser") return p;
    if (line == "content") {
      p.content = at < out.size() ? out.substr(at) : "";
      break;
    }
    const size_t space = line.find(' ');
    const std::string tag = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (tag == "passwd") {
      const std::vector<std::string> f = Split(value, ':');
      if (f.size() < 7)
        return Status::Error("getent printed a passwd entry that is not one: " + value);
      p.user_found = true;
      p.uid = f[2];
      p.gid = f[3];
    } else if (tag == "group") {
      p.group = value;
    } else if (tag == "keyfile") {
      p.keyfile = value;
    } else if (tag == "sshdir") {
      p.sshdir = value;
    } else if (tag == "sshdir_state") {
      p.sshdir_state = value;
    } else if (tag == "parent_state") {
      p.parent_state = value;
    } else if (tag == "lstat" && value != "missing") {
      p.lstat = Split(value, ' ');
      if (p.lstat.size() != 7) return Status::Error("stat printed what is not a stat: " + value);
    }
  }
  if (!p.user_found) return Status::Error("the key file probe printed nothing");
  return p;
}

KeyRequest KeyRequestOf(const Value& args) {
  KeyRequest r;
  r.key = StringArg(args, "key");
  r.present = StringArg(args, "state") != "absent";
  r.key_options = OptArg(args, "key_options");
  r.comment = OptArg(args, "comment");
  r.exclusive = BoolArg(args, "exclusive", false);
  return r;
}

// add_path_info: what Ansible registers about `path` after the task: the
// file as written, or as it was (a symlink followed keeps its own).
void AddKeyFileInfo(const KeyFileProbe& p, const std::string& user, bool written, bool follow,
                    size_t size, Value* result) {
  const std::vector<std::string>& st = p.lstat;
  const unsigned raw = st.empty() ? 0 : static_cast<unsigned>(std::stoul(st[0], nullptr, 16));
  const bool link = (raw & 0170000) == 0120000;
  Value& r = *result;
  if (written && !(follow && link)) {
    r["uid"] = std::stoll(p.uid);
    r["gid"] = std::stoll(p.gid);
    r["owner"] = user;
    r["group"] = p.group;
    r["mode"] = "0600";
    r["state"] = "file";
    r["size"] = size;
    return;
  }
  if (st.empty()) return;
  r["uid"] = std::stoll(st[2]);
  r["gid"] = std::stoll(st[3]);
  r["owner"] = st[5] == "UNKNOWN" ? st[2] : st[5];
  r["group"] = st[6] == "UNKNOWN" ? st[3] : st[6];
  r["mode"] = FormatMode(raw & 07777);
  if (link) {
    r["state"] = "link";
  } else if ((raw & 0170000) == 0040000) {
    r["state"] = "directory";
  } else if (std::stoul(st[1]) > 1) {
    r["state"] = "hard";
  } else {
    r["state"] = "file";
  }
  r["size"] = std::stoll(st[4]);
}

}  // namespace

void AuthorizedKeyModule::Validate(const Value& args, bool templates_pending,
                                   std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto ready = [&](const char* key) {
    return args.contains(key) && !args[key].is_null() && !IsPendingTemplate(args[key]);
  };
  if (ready("key") && StartsWith(StringArg(args, "key"), "http"))
    errors->push_back(
        {"key",
         fmt::format("key {} is a URL: Ansible's module downloads the keys from it, hostprep "
                     "fetches nothing (hosts may have no internet access): give the keys "
                     "themselves, e.g. with a file lookup of a copy",
                     Quoted(StringArg(args, "key")))});
  if (ready("path")) {
    const std::string path = StringArg(args, "path");
    if (path.empty() || path[0] != '/')
      errors->push_back({"path", fmt::format("path {} is not absolute: give an absolute path, or "
                                             "leave path out for ~USER/.ssh/authorized_keys",
                                             Quoted(path))});
    else if (!LineBreakProblem(path).empty())
      errors->push_back({"path", fmt::format("path {} holds {}: give the key file's path",
                                             Escaped(path), LineBreakProblem(path))});
  }
  for (const char* key : {"key_options", "comment"}) {
    if (!ready(key)) continue;
    const std::string broken = LineBreakProblem(StringArg(args, key));
    if (!broken.empty())
      errors->push_back({key, fmt::format("{} is {}: it holds {}, which would write a line the "
                                          "task does not name: give it on one line",
                                          key, Escaped(StringArg(args, key)), broken)});
  }
}

std::vector<Read> AuthorizedKeyModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string path = StringArg(args, "path");
  return {Read::Query({"/bin/sh", "-c", scripts::kAuthorizedKey, "sh", StringArg(args, "user"),
                       path, path.empty() ? "" : PyDirname(path)})};
}

Resources AuthorizedKeyModule::Declare(const Value& args) const {
  if (!args.contains("path") || args["path"].is_null()) return {};
  return DeclarePath(args);
}

Result<Change> AuthorizedKeyModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                         const Value& facts) const {
  (void)facts;
  const std::string user = StringArg(args, "user");
  const ReadResult& read = reads.at(0);
  if (!read.status.ok()) return read.status;
  Result<KeyFileProbe> probe = ParseKeyFileProbe(read.exec, user);
  if (!probe.ok()) return probe.status();
  if (!probe->user_found)
    return Status::Error(fmt::format(
        "Failed to lookup user {}: \"getpwnam(): name not found: '{}'\": create the user first, "
        "or name one the host has",
        user, user));
  const std::string existing = probe->content.value_or("");
  Result<KeysEdit> edit = EditAuthorizedKeys(KeyRequestOf(args), existing);
  if (!edit.ok()) return edit.status();
  Change change;
  // Ansible registers its arguments, a missing one as null.
  change.result = args;
  for (const ArgDef& def : spec_.args)
    if (!change.result.contains(def.name)) change.result[def.name] = nullptr;
  change.result["keyfile"] = probe->keyfile;
  const bool follow = BoolArg(args, "follow", false);
  const bool has_path = args.contains("path") && !args["path"].is_null();
  if (edit->changed) {
    change.changed = true;
    change.diff = FileDiff(probe->keyfile, existing, edit->text);
    change.message = "update " + probe->keyfile;
    const std::string& dir = probe->sshdir;
    if (BoolArg(args, "manage_dir", true)) {
      if (probe->sshdir_state == "other")
        return Status::Error(fmt::format(
            "Failed to create directory {} : something that is not a directory is there: "
            "remove it, or give another path",
            dir));
      if (probe->sshdir_state == "missing" && probe->parent_state != "directory")
        return Status::Error(fmt::format(
            "Failed to create directory {} : [Errno 2] No such file or directory: '{}': create "
            "the user's home first",
            dir, dir));
      Action mkdir;
      mkdir.kind = Action::Kind::kMakeDirectory;
      mkdir.path = dir;
      mkdir.mode = 0700;
      mkdir.owner = probe->uid;
      mkdir.group = probe->gid;
      change.actions.push_back(std::move(mkdir));
    } else if (probe->sshdir_state == "missing") {
      Action mkdir;
      mkdir.kind = Action::Kind::kMakeDirectory;
      mkdir.path = dir;
      change.actions.push_back(std::move(mkdir));
    }
    Action write = WriteFileAction(probe->keyfile, edit->text);
    write.mode = 0600;
    write.owner = probe->uid;
    write.group = probe->gid;
    write.follow = follow;
    change.actions.push_back(std::move(write));
  }
  if (has_path)
    AddKeyFileInfo(*probe, user, edit->changed, follow, edit->text.size(), &change.result);
  return change;
}

}  // namespace hostprep::modules
