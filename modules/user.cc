#include "modules/user.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>
#include <utility>

#include "engine/base/digest.h"
#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

ArgDef Arg(const char* name, ArgType type, Value default_value, const char* description,
           std::vector<std::string> aliases = {}) {
  return {name, type, false, std::move(default_value), {}, std::move(aliases), description};
}

std::vector<ArgDef> UserArgs() {
  std::vector<ArgDef> args = {
      {"name", ArgType::kString, true, nullptr, {}, {"user"}, "The account's name."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"absent", "present"},
       {},
       "present or absent."},
      Arg("uid", ArgType::kInt, nullptr, "The user's number."),
      Arg("non_unique", ArgType::kBool, false, "Allow a uid another user has (-o), with `uid`."),
      Arg("group", ArgType::kString, nullptr, "The primary group, by name or number."),
      Arg("groups", ArgType::kList, nullptr,
          "Supplementary groups (each may hold several names separated by ','); [] removes "
          "every one unless `append`."),
      Arg("append", ArgType::kBool, false,
          "Add `groups` to those the user has, instead of making them the only ones."),
      Arg("comment", ArgType::kString, nullptr, "The GECOS field."),
      Arg("home", ArgType::kString, nullptr, "The home directory."),
      Arg("shell", ArgType::kString, nullptr, "The login shell."),
      Arg("password", ArgType::kString, nullptr,
          "The password as a crypt(3) hash (never the clear text); compared as the hash "
          "string. Shown as ******** in every output."),
      Arg("update_password", ArgType::kString, "always",
          "always: set `password` when the hash differs; on_create: only for a new user."),
      Arg("password_lock", ArgType::kBool, nullptr,
          "Lock (usermod -L) or unlock (-U) the password; with `password`, the hash is set "
          "locked."),
      Arg("expires", ArgType::kRaw, nullptr,
          "Account expiry in seconds since the epoch (UTC day); negative: never."),
      Arg("password_expire_max", ArgType::kInt, nullptr,
          "Maximum password age in days (chage -M)."),
      Arg("password_expire_min", ArgType::kInt, nullptr,
          "Minimum password age in days (chage -m)."),
      Arg("create_home", ArgType::kBool, true,
          "Make the home (useradd -m, or from the skeleton when an existing user's is missing).",
          {"createhome"}),
      Arg("move_home", ArgType::kBool, false, "Move the home's content when `home` changes."),
      Arg("skeleton", ArgType::kString, nullptr, "The skeleton directory (default /etc/skel)."),
      Arg("umask", ArgType::kString, nullptr, "The umask of a home useradd makes."),
      Arg("system", ArgType::kBool, false, "Create a system account (-r)."),
      Arg("remove", ArgType::kBool, false, "With state absent: remove the home and mail spool."),
      Arg("force", ArgType::kBool, false,
          "With state absent: userdel -f; with generate_ssh_key: replace an existing key."),
      Arg("generate_ssh_key", ArgType::kBool, nullptr,
          "Make an SSH key pair for the user when there is none (ssh-keygen on the host)."),
      Arg("ssh_key_bits", ArgType::kInt, 0, "The key's bits (0: ssh-keygen's default)."),
      Arg("ssh_key_type", ArgType::kString, "rsa", "The key's type (rsa, ed25519, ecdsa...)."),
      Arg("ssh_key_file", ArgType::kString, nullptr,
          "The private key's path; relative: under the home (default .ssh/id_TYPE)."),
      Arg("ssh_key_comment", ArgType::kString, nullptr,
          "The key's comment (default \"ansible-generated on HOSTNAME\")."),
      Arg("ssh_key_passphrase", ArgType::kString, nullptr, "Refused (see notes)."),
      Arg("local", ArgType::kBool, nullptr, "Refused when true (see notes)."),
      Arg("seuser", ArgType::kString, nullptr, "Refused (see notes)."),
      Arg("hidden", ArgType::kBool, nullptr, "macOS only: ignored on Linux, as by Ansible."),
      Arg("login_class", ArgType::kString, nullptr, "BSD only: ignored on Linux, as by Ansible."),
      Arg("profile", ArgType::kString, nullptr, "Illumos only: ignored on Linux, as by Ansible."),
      Arg("authorization", ArgType::kString, nullptr,
          "Illumos only: ignored on Linux, as by Ansible."),
      Arg("role", ArgType::kString, nullptr, "Illumos only: ignored on Linux, as by Ansible."),
  };
  for (ArgDef& a : args) {
    if (a.name == "update_password") a.choices = {"always", "on_create"};
    if (a.name == "password" || a.name == "ssh_key_passphrase") a.secret = true;
  }
  return args;
}

ArgSpec UserSpec() {
  ArgSpec spec;
  spec.name = "user";
  spec.ansible_names = {"ansible.builtin.user", "ansible.legacy.user"};
  spec.summary = "Ansible's user: an account with useradd/usermod/userdel, its home and SSH key";
  spec.description =
      "Ansible's user module (Linux): the account `name` present (useradd for a new one, "
      "usermod for what differs: uid, primary group, groups compared as sets, comment, home, "
      "shell, expiry, the password hash, the lock) or absent (userdel, `remove`, `force`); a "
      "missing home made from the skeleton; an SSH key pair with `generate_ssh_key`; password "
      "ages with chage. Everything it compares is read in the probe round trip by one "
      "read-only script (getent passwd, shadow and group, the home, the key file); the hash "
      "is compared on the host by its digest and never read back. The argv are Ansible's, "
      "values as words, never shell code. Registers Ansible's name, state, uid, group, "
      "groups, comment, home, shell, system, create_home, append, move_home, ssh_key_file, "
      "ssh_fingerprint, ssh_public_key and `password: NOT_LOGGING_PASSWORD`.";
  spec.args = UserArgs();
  spec.examples =
      "- name: the deploy user, in sudo\n"
      "  ansible.builtin.user:\n"
      "    name: deploy\n"
      "    shell: /bin/bash\n"
      "    groups: [sudo]\n"
      "    append: true\n"
      "    generate_ssh_key: true\n"
      "    ssh_key_type: ed25519\n"
      "- name: a system user for a daemon\n"
      "  user:\n"
      "    name: exporter\n"
      "    system: true\n"
      "    create_home: false\n"
      "    home: /nonexistent\n"
      "    shell: /usr/sbin/nologin\n"
      "- name: gone, with its home\n"
      "  user: {name: olduser, state: absent, remove: true}\n";
  spec.notes =
      "As Ansible's on Linux (Debian's passwd package): the same useradd/usermod/userdel/"
      "chage argv, the same changed decisions (groups as sets, `append` changing only when a "
      "named group is missing, the password compared as the hash string less leading '!'), "
      "the same warnings (a password that does not look hashed; append without groups; an "
      "existing key not replaced). Differences: a value holding a line break, or ':' in "
      "name, group, groups, comment, home, shell or password, is refused before any host is "
      "contacted (it would corrupt /etc/passwd; Ansible fails later or writes it); `local: "
      "true` (libuser's luseradd, not in Debian), `seuser` (useradd -Z needs SELinux) and "
      "`ssh_key_passphrase` (it would reach ssh-keygen's argv; Ansible types it into a pty) "
      "are refused at validate time; `hidden`, `login_class`, `profile`, `authorization` and "
      "`role` are ignored as Ansible ignores them on Linux; hosts other than Linux are "
      "refused by name. hostprep plans before it acts, so values only the commands decide "
      "are registered from the next run on: the uid and group of a user created without "
      "them and the default shell (a key made by this run registers its ssh_fingerprint and "
      "ssh_public_key, as ssh-keygen tells them). Check mode registers what the run would register "
      "(Ansible's registers only `changed` for a user it would create or remove). `expires` "
      "is compared by its UTC day, as Ansible's. The commands' own output (userdel's "
      "\"mail spool not found\", useradd's warnings) is not registered as `stdout`/`stderr`. "
      "A `group` or `groups` a new user names that the host lacks fails with useradd's message "
      "(Ansible's: \"Group X does not exist\"); for an existing user the message is Ansible's. "
      "A new user's home whose parent is missing gets the parent with mkdir -p before useradd "
      "makes the home (Ansible copies the skeleton itself first: the same files, modes and "
      "owners). `password_expire_warn` came after Ansible 2.14 and is refused as unknown.";
  return spec;
}

// Ansible's _HASH_RE and check_password_encrypted.
bool HashFieldOk(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '/' || c == '=';
  });
}

std::optional<double> ExpiresArg(const Value& args) {
  if (!args.contains("expires") || args["expires"].is_null()) return std::nullopt;
  const Value& v = args["expires"];
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string s = Trim(v.get<std::string>());
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return d;
  }
  return std::nullopt;
}

const GroupEntry* FindGroup(const std::vector<GroupEntry>& groups, const std::string& group) {
  // As grp: a number is a gid first, then a name.
  long long gid = 0;
  if (ParseNumber(Trim(group), &gid))
    for (const GroupEntry& g : groups)
      if (g.gid == gid) return &g;
  for (const GroupEntry& g : groups)
    if (g.name == group) return &g;
  return nullptr;
}

std::string JoinWords(const std::vector<std::string>& words, const char* sep);

// The `groups` argument as Ansible joins and splits it: nullopt when not
// given; each name stripped, empty ones dropped, as a set.
std::optional<std::set<std::string>> WantedGroups(const Value& args, std::string* joined) {
  if (!args.contains("groups") || !args["groups"].is_array()) return std::nullopt;
  std::vector<std::string> items;
  for (const Value& g : args["groups"])
    items.push_back(g.is_string() ? g.get<std::string>() : g.dump());
  *joined = JoinWords(items, ",");
  std::set<std::string> set;
  for (const std::string& x : Split(*joined, ','))
    if (!x.empty()) set.insert(Trim(x));
  return set;
}

std::string JoinWords(const std::vector<std::string>& words, const char* sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : sep) + words[i];
  return out;
}

Status MissingGroup(const std::string& g) {
  return Status::Error(fmt::format("Group {} does not exist", g));
}

// The request, read once from the arguments.
struct UserRequest {
  std::string name;
  std::optional<long long> uid;
  bool non_unique = false;
  std::optional<std::string> group, comment, home, shell, password, skeleton, umask;
  std::optional<std::set<std::string>> groups;
  std::string groups_joined;
  bool append = false, create_home = true, move_home = false, system = false;
  std::optional<bool> password_lock;
  std::optional<double> expires;
  bool update_always = true;
};

UserRequest UserRequestOf(const Value& args) {
  UserRequest r;
  r.name = StringArg(args, "name");
  r.uid = OptIntArg(args, "uid");
  r.non_unique = BoolArg(args, "non_unique", false);
  r.group = OptArg(args, "group");
  r.comment = OptArg(args, "comment");
  r.home = OptArg(args, "home");
  r.shell = OptArg(args, "shell");
  r.password = OptArg(args, "password");
  r.skeleton = OptArg(args, "skeleton");
  r.umask = OptArg(args, "umask");
  r.groups = WantedGroups(args, &r.groups_joined);
  r.append = BoolArg(args, "append", false);
  r.create_home = BoolArg(args, "create_home", true);
  r.move_home = BoolArg(args, "move_home", false);
  r.system = BoolArg(args, "system", false);
  if (args.contains("password_lock") && args["password_lock"].is_boolean())
    r.password_lock = args["password_lock"].get<bool>();
  r.expires = ExpiresArg(args);
  r.update_always = StringArg(args, "update_password") != "on_create";
  return r;
}

std::string Sorted(const std::set<std::string>& s) { return JoinWords({s.begin(), s.end()}, ","); }

// create_user_useradd's argv.
std::vector<std::string> UseraddArgv(const UserRequest& r, const UserProbe& p) {
  std::vector<std::string> argv = {"useradd"};
  if (r.uid) {
    argv.insert(argv.end(), {"-u", std::to_string(*r.uid)});
    if (r.non_unique) argv.push_back("-o");
  }
  // A group missing here is useradd's to refuse when it runs: Ansible's
  // check mode reports a new user changed before it looks at the groups,
  // and an earlier task of a check run may be the one that would add them.
  if (r.group) {
    argv.insert(argv.end(), {"-g", *r.group});
  } else if (FindGroup(p.groups, r.name) != nullptr) {
    argv.push_back("-N");
  }
  if (r.groups && !r.groups_joined.empty()) {
    argv.insert(argv.end(), {"-G", Sorted(*r.groups)});
  }
  if (r.comment) argv.insert(argv.end(), {"-c", *r.comment});
  if (r.home) argv.insert(argv.end(), {"-d", *r.home});
  if (r.shell) argv.insert(argv.end(), {"-s", *r.shell});
  if (r.expires) argv.insert(argv.end(), {"-e", *r.expires < 0 ? "" : EpochDate(*r.expires)});
  if (r.password)
    argv.insert(argv.end(), {"-p", (r.password_lock.value_or(false) ? "!" : "") + *r.password});
  if (r.create_home) {
    argv.push_back("-m");
    if (r.skeleton) argv.insert(argv.end(), {"-k", *r.skeleton});
    if (r.umask) argv.insert(argv.end(), {"-K", "UMASK=" + *r.umask});
  } else {
    argv.push_back("-M");
  }
  if (r.system) argv.push_back("-r");
  argv.push_back(r.name);
  return argv;
}

// modify_user_usermod's argv; just {"usermod"} when nothing differs.
// `gid` gets the primary group's number after the change.
Result<std::vector<std::string>> UsermodArgv(const UserRequest& r, const UserProbe& p,
                                             long long* gid) {
  const PasswdEntry& pw = *p.passwd;
  std::vector<std::string> argv = {"usermod"};
  *gid = pw.gid;
  if (r.uid && *r.uid != pw.uid) {
    argv.insert(argv.end(), {"-u", std::to_string(*r.uid)});
    if (r.non_unique) argv.push_back("-o");
  }
  if (r.group) {
    const GroupEntry* g = FindGroup(p.groups, *r.group);
    if (g == nullptr) return MissingGroup(*r.group);
    if (g->gid != pw.gid) argv.insert(argv.end(), {"-g", std::to_string(g->gid)});
    *gid = g->gid;
  }
  if (r.groups) {
    std::set<std::string> current;
    for (const GroupEntry& g : p.groups)
      if (std::find(g.members.begin(), g.members.end(), r.name) != g.members.end())
        current.insert(g.name);
    bool need = false;
    if (r.groups_joined.empty()) {
      need = !current.empty() && !r.append;
    } else {
      for (const std::string& g : *r.groups)
        if (FindGroup(p.groups, g) == nullptr) return MissingGroup(g);
      std::set<std::string> diff;
      std::set_symmetric_difference(current.begin(), current.end(), r.groups->begin(),
                                    r.groups->end(), std::inserter(diff, diff.end()));
      if (!diff.empty() && r.append) {
        for (const std::string& g : *r.groups) {
          if (diff.count(g) != 0) {
            argv.push_back("-a");
            need = true;
            break;
          }
        }
      } else {
        need = !diff.empty();
      }
    }
    if (need) argv.insert(argv.end(), {"-G", r.groups_joined.empty() ? "" : Sorted(*r.groups)});
  }
  if (r.comment && *r.comment != pw.comment) argv.insert(argv.end(), {"-c", *r.comment});
  if (r.home && *r.home != pw.home) {
    argv.insert(argv.end(), {"-d", *r.home});
    if (r.move_home) argv.push_back("-m");
  }
  if (r.shell && *r.shell != pw.shell) argv.insert(argv.end(), {"-s", *r.shell});
  if (r.expires) {
    if (*r.expires < 0) {
      if (p.expire_days >= 0) argv.insert(argv.end(), {"-e", ""});
    } else if (p.expire_days < 0 ||
               EpochDate(static_cast<double>(p.expire_days) * 86400) != EpochDate(*r.expires)) {
      argv.insert(argv.end(), {"-e", EpochDate(*r.expires)});
    }
  }
  if (r.password_lock == true && !p.locked) argv.push_back("-L");
  if (r.password_lock == false && p.locked) argv.push_back("-U");
  if (r.update_always && r.password) {
    std::string bare = *r.password;
    bare.erase(0, bare.find_first_not_of('!') == std::string::npos ? bare.size()
                                                                   : bare.find_first_not_of('!'));
    if (HexDigest(Sha256(bare, false)) != p.password_sha256) {
      std::erase_if(argv, [](const std::string& a) { return a == "-U" || a == "-L"; });
      argv.insert(argv.end(), {"-p", (r.password_lock.value_or(false) ? "!" : "") + *r.password});
    }
  }
  return argv;
}

// The chage argv for the password ages that differ (all given ones for a
// new user), or empty.
std::vector<std::string> ChageArgv(const Value& args, const UserProbe& p, bool created,
                                   const std::string& name) {
  std::vector<std::string> argv = {"chage"};
  const std::optional<long long> min = OptIntArg(args, "password_expire_min");
  const std::optional<long long> max = OptIntArg(args, "password_expire_max");
  if (min && (created || *min != p.min_days)) argv.insert(argv.end(), {"-m", std::to_string(*min)});
  if (max && (created || *max != p.max_days)) argv.insert(argv.end(), {"-M", std::to_string(*max)});
  if (argv.size() == 1) return {};
  argv.push_back(name);
  return argv;
}

Action ScriptAction(const char* script, std::vector<std::string> args) {
  std::vector<std::string> argv = {"/bin/sh", "-c", script, "sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return ExecAction(std::move(argv));
}

// The SSH key part of a present user: actions and registered values.
void PlanSshKey(const Value& args, const UserRequest& r, const UserProbe& p,
                const std::string& home, Change* change, Value* warnings) {
  const std::string type = StringArg(args, "ssh_key_type");
  std::string key = p.key_file;
  if (key.empty()) {
    const std::string file = OptArg(args, "ssh_key_file").value_or(".ssh/id_" + type);
    key = !file.empty() && file[0] == '/' ? file : (home.ends_with('/') ? home : home + "/") + file;
  }
  const bool force = BoolArg(args, "force", false);
  change->result["ssh_key_file"] = key;
  bool generate = true;
  if (p.private_key && !force) {
    warnings->push_back(fmt::format(
        "Found existing ssh key private file \"{}\", no force, so skipping ssh-keygen generation",
        key));
    generate = false;
  } else if (p.public_key && !force) {
    warnings->push_back(fmt::format(
        "Found existing ssh key public file \"{}.pub\", no force, so skipping ssh-keygen "
        "generation",
        key));
    generate = false;
  } else if (force) {
    if (p.private_key)
      warnings->push_back(fmt::format("Overwriting existing ssh key private file \"{}\"", key));
    if (p.public_key)
      warnings->push_back(fmt::format("Overwriting existing ssh key public file \"{}.pub\"", key));
  }
  if (!generate) {
    change->result["ssh_fingerprint"] = p.fingerprint;
    change->result["ssh_public_key"] =
        p.public_key_text.empty() ? Value(nullptr) : Value(p.public_key_text);
    return;
  }
  const std::optional<std::string> comment = OptArg(args, "ssh_key_comment");
  change->changed = true;
  change->reports = true;  // its fingerprint: Report
  change->actions.push_back(
      ScriptAction(scripts::kUserSshkey,
                   {key, r.name, type, std::to_string(OptIntArg(args, "ssh_key_bits").value_or(0)),
                    comment ? "1" : "0", comment.value_or(""), force ? "1" : "0"}));
}

}  // namespace

Value ReadSshKeyOutput(const ExecResult& exec) {
  Value v = Value::object();
  if (exec.exit_code != 0) return v;
  for (const auto& [tag, value] : KeyValueLines(exec.stdout_data)) {
    if (tag == "fingerprint") v["ssh_fingerprint"] = value;
    if (tag == "pubkey") v["ssh_public_key"] = Trim(value);
  }
  return v;
}

bool LooksHashed(const std::string& password) {
  if (password.empty() || password == "*" || password == "!" || password == "*************")
    return true;
  if (password.find_first_of(":*!") != std::string::npos) return false;
  if (password.find('$') == std::string::npos) return false;
  const std::vector<std::string> f = Split(password, '$');
  if (f.size() < 3) return false;
  const std::string& last = f.back();
  if (!HashFieldOk(last)) return false;
  if (f[1] == "1" && last.size() != 22) return false;
  if (f[1] == "5" && last.size() != 43) return false;
  if (f[1] == "6" && last.size() != 86) return false;
  return true;
}

std::string EpochDate(double seconds) {
  const std::time_t t = static_cast<std::time_t>(std::floor(seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Result<UserProbe> ParseUserProbe(const std::string& out) {
  UserProbe p;
  std::string groups;
  for (const std::string& line : Split(out, '\n')) {
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    const std::string tag = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    const std::vector<std::string> words = Split(value, ' ');
    if (tag == "group") {
      groups += value + "\n";
    } else if (tag == "passwd") {
      const std::vector<std::string> f = Split(value, ':');
      PasswdEntry e;
      if (f.size() != 7 || !ParseNumber(f[2], &e.uid) || !ParseNumber(f[3], &e.gid))
        return Status::Error("getent printed a passwd entry that is not one: " + Quoted(value));
      e.name = f[0];
      e.comment = f[4];
      e.home = f[5];
      e.shell = f[6];
      p.passwd = std::move(e);
    } else if (tag == "password" && words.size() == 2) {
      p.locked = words[0] == "1";
      p.password_sha256 = words[1];
    } else if (tag == "shadow" && words.size() == 3) {
      if (!ParseNumber(words[0], &p.min_days) || !ParseNumber(words[1], &p.max_days) ||
          !ParseNumber(words[2], &p.expire_days))
        return Status::Error("getent printed a shadow entry that is not one: " + Quoted(value));
    } else if (tag == "home") {
      p.home_exists = value == "exists";
    } else if (tag == "oldhome") {
      p.old_home_exists = value == "exists";
    } else if (tag == "parent") {
      p.home_parent_is_dir = value == "directory";
    } else if (tag == "key") {
      p.key_file = value;
    } else if (tag == "keystate" && words.size() == 2) {
      p.private_key = words[0] == "1";
      p.public_key = words[1] == "1";
    } else if (tag == "fingerprint") {
      p.fingerprint = value;
    } else if (tag == "pubkey") {
      p.public_key_text = Trim(value);
    } else if (tag != "nouser") {
      return Status::Error("the account probe printed what it should not: " + Quoted(line));
    }
  }
  Result<std::vector<GroupEntry>> entries = ParseGroupEntries(groups);
  if (!entries.ok()) return entries.status();
  p.groups = std::move(*entries);
  return p;
}

UserModule::UserModule() : spec_(UserSpec()) {}

void UserModule::Validate(const Value& args, bool templates_pending,
                          std::vector<ArgError>* errors) const {
  (void)templates_pending;
  for (const char* key : {"name", "group", "comment", "home", "shell", "password", "skeleton",
                          "umask", "ssh_key_file", "ssh_key_comment", "ssh_key_type"}) {
    if (!ArgReady(args, key)) continue;
    const bool colon_ok = std::string(key).starts_with("ssh_key") ||
                          std::string(key) == "skeleton" || std::string(key) == "umask";
    const std::string problem = AccountFieldProblem(key, StringArg(args, key), colon_ok);
    if (!problem.empty()) errors->push_back({key, problem});
  }
  if (ArgReady(args, "groups") && args["groups"].is_array()) {
    for (const Value& g : args["groups"]) {
      if (!g.is_string() || IsPendingTemplate(g)) continue;
      const std::string problem = AccountFieldProblem("groups", g.get<std::string>(), false);
      if (!problem.empty()) {
        errors->push_back({"groups", problem});
        break;
      }
    }
  }
  if (ArgReady(args, "expires") && !ExpiresArg(args))
    errors->push_back({"expires", fmt::format("expires is {}: give seconds since the epoch (a "
                                              "number), or a negative number for never",
                                              Quoted(args["expires"].dump()))});
  if (BoolArg(args, "local", false))
    errors->push_back({"local",
                       "local: true runs libuser's luseradd/lusermod/luserdel, which Debian "
                       "does not ship and hostprep does not emulate: leave local out"});
  if (ArgReady(args, "seuser"))
    errors->push_back({"seuser",
                       "seuser passes -Z to useradd/usermod, which needs an SELinux kernel: "
                       "hostprep does not manage SELinux users; leave seuser out"});
  if (ArgReady(args, "ssh_key_passphrase"))
    errors->push_back(
        {"ssh_key_passphrase",
         "ssh_key_passphrase would reach ssh-keygen's command line on the host, where other "
         "users can read it (Ansible's module types it into a terminal): generate the key "
         "without one, or place a key made elsewhere with copy"});
}

Result<Change> UserModule::Report(const Value& args, const ExecResult& output) const {
  (void)args;
  Change done;
  done.changed = true;
  done.result = ReadSshKeyOutput(output);
  return done;
}

Resources UserModule::Declare(const Value& args) const {
  if (!ArgReady(args, "name") || StringArg(args, "state") == "absent") return {};
  const std::string name = StringArg(args, "name");
  Resources r;
  r.provides.push_back("user:" + name);
  if (BoolArg(args, "create_home", true) && !IsPendingTemplate(args.value("home", Value())))
    r.provides.push_back("dir:" + OptArg(args, "home").value_or("/home/" + name));
  if (ArgReady(args, "group")) r.needs.push_back("group:" + StringArg(args, "group"));
  std::string joined;
  if (ArgReady(args, "groups"))
    for (const std::string& g : WantedGroups(args, &joined).value_or(std::set<std::string>{}))
      r.needs.push_back("group:" + g);
  return r;
}

std::vector<Read> UserModule::Probe(const Value& args, const Value& facts) const {
  if (!RequireLinux("user", facts).ok()) return {};
  std::string key;
  if (BoolArg(args, "generate_ssh_key", false) && StringArg(args, "state") != "absent")
    key = OptArg(args, "ssh_key_file").value_or(".ssh/id_" + StringArg(args, "ssh_key_type"));
  return {Read::Query({"/bin/sh", "-c", scripts::kUserAccount, "sh", StringArg(args, "name"),
                       StringArg(args, "home"), key})};
}

Result<Change> UserModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                const Value& facts) const {
  if (Status linux_only = RequireLinux("user", facts); !linux_only.ok()) return linux_only;
  const ReadResult& read = reads.at(0);
  if (!read.status.ok()) return read.status;
  const UserRequest r = UserRequestOf(args);
  if (read.exec.exit_code != 0)
    return Status::Error(fmt::format("reading the account {} failed: {}", Quoted(r.name),
                                     Trim(read.exec.stderr_data)));
  Result<UserProbe> probe = ParseUserProbe(read.exec.stdout_data);
  if (!probe.ok()) return probe.status();
  const UserProbe& p = *probe;
  Change change;
  change.command_output = false;
  Value warnings = Value::array();
  if (r.password && !LooksHashed(*r.password))
    warnings.push_back(
        "The input password appears not to have been hashed. The 'password' argument must be "
        "encrypted for this module to work properly.");
  if (!r.groups && r.append)
    warnings.push_back(
        "'append' is set, but no 'groups' are specified. Use 'groups' for appending new "
        "groups.This will change to an error in Ansible 2.14.");
  Value& result = change.result;
  result["name"] = r.name;
  const bool present = StringArg(args, "state") != "absent";
  result["state"] = present ? "present" : "absent";
  auto finish = [&]() -> Result<Change> {
    if (!warnings.empty()) result["warnings"] = warnings;
    return change;
  };
  if (!present) {
    if (p.passwd) {
      std::vector<std::string> argv = {"userdel"};
      if (BoolArg(args, "force", false)) argv.push_back("-f");
      if (BoolArg(args, "remove", false)) argv.push_back("-r");
      argv.push_back(r.name);
      change.changed = true;
      change.actions.push_back(ExecAction(std::move(argv)));
      change.message = "remove user " + r.name;
      result["force"] = BoolArg(args, "force", false);
      result["remove"] = BoolArg(args, "remove", false);
    }
    return finish();
  }
  std::string home;
  std::optional<long long> uid, gid;
  std::string comment, shell;
  const bool created = !p.passwd;
  if (created) {
    std::vector<std::string> argv = UseraddArgv(r, p);
    if (r.home && r.create_home && !p.home_parent_is_dir)
      change.actions.push_back(ExecAction({"mkdir", "-p", "--", Parent(*r.home)}));
    change.actions.push_back(ExecAction(std::move(argv)));
    change.changed = true;
    change.message = "create user " + r.name;
    result["system"] = r.system;
    result["create_home"] = r.create_home;
    home = r.home.value_or("/home/" + r.name);
    uid = r.uid;
    if (const GroupEntry* g = r.group ? FindGroup(p.groups, *r.group) : nullptr) gid = g->gid;
    comment = r.comment.value_or("");
    shell = r.shell.value_or("");
  } else {
    long long new_gid = 0;
    Result<std::vector<std::string>> argv = UsermodArgv(r, p, &new_gid);
    if (!argv.ok()) return argv.status();
    if (argv->size() > 1) {
      argv->push_back(r.name);
      change.actions.push_back(ExecAction(std::move(*argv)));
      change.changed = true;
      change.message = "change user " + r.name;
    }
    result["append"] = r.append;
    result["move_home"] = r.move_home;
    home = r.home.value_or(p.passwd->home);
    uid = r.uid.value_or(p.passwd->uid);
    gid = new_gid;
    comment = r.comment.value_or(p.passwd->comment);
    shell = r.shell.value_or(p.passwd->shell);
    // The missing home Ansible makes after the account is in place (usermod
    // -m has moved the old one there, if there was one).
    const bool moved = r.home && *r.home != p.passwd->home && r.move_home && p.old_home_exists;
    if (r.create_home && p.home_exists == false && !moved) {
      change.changed = true;
      change.actions.push_back(
          ScriptAction(scripts::kUserHome, {home, r.skeleton.value_or("/etc/skel"), r.name}));
    }
  }
  if (r.password) result["password"] = "NOT_LOGGING_PASSWORD";
  if (uid) result["uid"] = *uid;
  if (gid) result["group"] = *gid;
  result["comment"] = comment;
  result["home"] = home;
  if (!shell.empty() || !created) result["shell"] = shell;
  if (r.groups) result["groups"] = r.groups_joined;
  std::vector<std::string> chage = ChageArgv(args, p, created, r.name);
  if (!chage.empty()) {
    change.changed = true;
    change.actions.push_back(ExecAction(std::move(chage)));
  }
  // Last: a key it makes says its fingerprint (Change::reports).
  if (BoolArg(args, "generate_ssh_key", false)) PlanSshKey(args, r, p, home, &change, &warnings);
  return finish();
}

}  // namespace hostprep::modules
