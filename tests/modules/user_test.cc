// user against Ansible's module: the useradd / usermod / userdel / chage
// argv each case runs, the changed flag and what is registered, as
// ansible.builtin.user (2.14) decides them on Linux; the probe's answer
// parsed; the arguments refused before any host is contacted.
#include "modules/user.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/base/digest.h"
#include "modules/scripts.h"  // generated from modules/scripts/*.sh
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using hostprep::testing::ArgErrors;
using hostprep::testing::NormalizedArgs;

constexpr const char* kHash =
    "$6$hpcompatsalt$K9HNdaDtqQVuZV2SIYrKhELed9lN3gwea/3IsZCJGItOHL5x81sxt80ftgeJSy0DvgBS0InNbvm"
    "8uSVCw4sus1";

constexpr const char* kGroups =
    "group root:x:0:\ngroup sudo:x:27:deploy\ngroup deploy:x:1001:\ngroup ops:x:1002:\n";

// The probe's answer for the user deploy (uid 1001, group deploy, in sudo),
// its password field `field` (locked when it starts with '!').
std::string Existing(const std::string& field = kHash, const std::string& shadow = "0 99999 -1") {
  std::string bare = field;
  while (!bare.empty() && bare[0] == '!') bare.erase(0, 1);
  return std::string(kGroups) +
         "passwd deploy:x:1001:1001:Deploy:/home/deploy:/bin/bash\npassword " +
         (field.starts_with("!") ? "1 " : "0 ") + HexDigest(Sha256(bare, false)) + "\nshadow " +
         shadow + "\nhome exists\nparent directory\n";
}

ReadResult Probed(const std::string& out) {
  ReadResult r;
  r.exec.stdout_data = out;
  return r;
}

Result<Change> PlanFor(const char* args_json, const std::string& probe) {
  UserModule module;
  const Value args = NormalizedArgs(module, Value::parse(args_json));
  return module.Plan(args, {Probed(probe)}, Value::object());
}

// The argv of every action, a script action as its script's arguments.
std::vector<std::vector<std::string>> Argvs(const Change& change) {
  std::vector<std::vector<std::string>> out;
  for (const Action& a : change.actions) {
    if (a.argv.size() > 3 && a.argv[0] == "/bin/sh") {
      std::vector<std::string> words = {a.argv[2] == scripts::kUserHome     ? "user_home.sh"
                                        : a.argv[2] == scripts::kUserSshkey ? "user_sshkey.sh"
                                                                            : "script"};
      words.insert(words.end(), a.argv.begin() + 4, a.argv.end());
      out.push_back(words);
    } else {
      out.push_back(a.argv);
    }
  }
  return out;
}

struct Case {
  const char* name;
  const char* args;
  std::string probe;
  bool changed;
  std::vector<std::vector<std::string>> argvs;
};

TEST_CASE("user plans Ansible's commands for each change") {
  const std::string fresh = std::string(kGroups) + "nouser\nhome missing\nparent directory\n";
  const std::vector<Case> cases = {
      {"a new deploy user with a key",
       R"({"name": "hpc", "uid": 4801, "group": "ops", "groups": ["sudo"], "append": true,
           "shell": "/bin/bash", "comment": "Deploy", "password": "HASH",
           "generate_ssh_key": true, "ssh_key_type": "ed25519"})",
       fresh + "key /home/hpc/.ssh/id_ed25519\nkeystate 0 0\n",
       true,
       {{"useradd", "-u", "4801", "-g", "ops", "-G", "sudo", "-c", "Deploy", "-s", "/bin/bash",
         "-p", "HASH", "-m", "hpc"},
        {"user_sshkey.sh", "/home/hpc/.ssh/id_ed25519", "hpc", "ed25519", "0", "0", "", "0"}}},
      {"a system user without a home",
       R"({"name": "exporter", "system": true, "create_home": false, "home": "/nonexistent",
           "shell": "/usr/sbin/nologin"})",
       fresh,
       true,
       {{"useradd", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", "-M", "-r", "exporter"}}},
      {"a new user whose group exists gets -N, a locked hash, skeleton and umask",
       R"({"name": "ops", "password": "HASH", "password_lock": true, "skeleton": "/etc/skel2",
           "umask": "077", "expires": -1, "non_unique": true, "uid": 5})",
       fresh,
       true,
       {{"useradd", "-u", "5", "-o", "-N", "-e", "", "-p", "!HASH", "-m", "-k", "/etc/skel2", "-K",
         "UMASK=077", "ops"}}},
      {"a home whose parent is missing gets its parent first",
       R"({"name": "svc", "home": "/srv/homes/svc", "expires": 1767225600})",
       std::string(kGroups) + "nouser\nhome missing\nparent missing\n",
       true,
       {{"mkdir", "-p", "--", "/srv/homes"},
        {"useradd", "-d", "/srv/homes/svc", "-e", "2026-01-01", "-m", "svc"}}},
      {"an unchanged user",
       R"({"name": "deploy", "uid": 1001, "group": "deploy", "groups": ["sudo"],
           "comment": "Deploy", "shell": "/bin/bash", "home": "/home/deploy"})",
       Existing(),
       false,
       {}},
      {"the same hash is no change",
       R"({"name": "deploy", "password": "!!HASH"})",
       Existing("HASH"),
       false,
       {}},
      {"another hash",
       R"({"name": "deploy", "password": "NEW"})",
       Existing(),
       true,
       {{"usermod", "-p", "NEW", "deploy"}}},
      {"another hash, on_create",
       R"({"name": "deploy", "password": "NEW",
           "update_password": "on_create"})",
       Existing(),
       false,
       {}},
      {"lock",
       R"({"name": "deploy", "password_lock": true})",
       Existing(),
       true,
       {{"usermod", "-L", "deploy"}}},
      {"already locked",
       R"({"name": "deploy", "password_lock": true})",
       Existing(std::string("!") + kHash),
       false,
       {}},
      {"unlock",
       R"({"name": "deploy", "password_lock": false})",
       Existing(std::string("!") + kHash),
       true,
       {{"usermod", "-U", "deploy"}}},
      {"lock with another hash sets it locked in one go",
       R"({"name": "deploy", "password_lock": true, "password": "NEW"})",
       Existing(),
       true,
       {{"usermod", "-p", "!NEW", "deploy"}}},
      {"groups replaced",
       R"({"name": "deploy", "groups": ["ops"]})",
       Existing(),
       true,
       {{"usermod", "-G", "ops", "deploy"}}},
      {"groups appended",
       R"({"name": "deploy", "groups": ["ops"], "append": true})",
       Existing(),
       true,
       {{"usermod", "-a", "-G", "ops", "deploy"}}},
      {"append of a group the user has",
       R"({"name": "deploy", "groups": ["sudo"],
           "append": true})",
       Existing(),
       false,
       {}},
      {"groups given as 'a,b' in one item, in another order",
       R"({"name": "deploy", "groups": ["sudo, ops"]})",
       Existing(),
       true,
       {{"usermod", "-G", "ops,sudo", "deploy"}}},
      {"no groups at all",
       R"({"name": "deploy", "groups": []})",
       Existing(),
       true,
       {{"usermod", "-G", "", "deploy"}}},
      {"no groups, append",
       R"({"name": "deploy", "groups": [], "append": true})",
       Existing(),
       false,
       {}},
      {"primary group by number, uid, comment, shell",
       R"({"name": "deploy", "group": "1002", "uid": 7, "comment": "X", "shell": "/bin/sh"})",
       Existing(),
       true,
       {{"usermod", "-u", "7", "-g", "1002", "-c", "X", "-s", "/bin/sh", "deploy"}}},
      {"home moved",
       R"({"name": "deploy", "home": "/srv/deploy", "move_home": true})",
       Existing(),
       true,
       {{"usermod", "-d", "/srv/deploy", "-m", "deploy"}}},
      {"a home moved where none is: usermod -m moves the old one there",
       R"({"name": "deploy", "home": "/srv/deploy", "move_home": true})",
       std::string(kGroups) +
           "passwd deploy:x:1001:1001:Deploy:/home/deploy:/bin/bash\npassword 0 x\noldhome "
           "exists\nhome missing\n",
       true,
       {{"usermod", "-d", "/srv/deploy", "-m", "deploy"}}},
      {"a home changed without moving: the new one is made from the skeleton",
       R"({"name": "deploy", "home": "/srv/deploy"})",
       std::string(kGroups) +
           "passwd deploy:x:1001:1001:Deploy:/home/deploy:/bin/bash\npassword 0 x\noldhome "
           "exists\nhome missing\n",
       true,
       {{"usermod", "-d", "/srv/deploy", "deploy"},
        {"user_home.sh", "/srv/deploy", "/etc/skel", "deploy"}}},
      {"expiry set, same day, never",
       R"({"name": "deploy", "expires": 1767225600})",
       Existing(kHash, "0 99999 20454"),
       false,
       {}},
      {"expiry changed",
       R"({"name": "deploy", "expires": 1767225600})",
       Existing(),
       true,
       {{"usermod", "-e", "2026-01-01", "deploy"}}},
      {"expiry removed",
       R"({"name": "deploy", "expires": -1})",
       Existing(kHash, "0 99999 20454"),
       true,
       {{"usermod", "-e", "", "deploy"}}},
      {"password ages that differ",
       R"({"name": "deploy", "password_expire_max": 90,
           "password_expire_min": 0})",
       Existing(),
       true,
       {{"chage", "-M", "90", "deploy"}}},
      {"a missing home is made from the skeleton",
       R"({"name": "deploy"})",
       std::string(kGroups) +
           "passwd deploy:x:1001:1001::/home/deploy:/bin/bash\npassword 0 x\nhome missing\n",
       true,
       {{"user_home.sh", "/home/deploy", "/etc/skel", "deploy"}}},
      {"an existing key is kept",
       R"({"name": "deploy", "generate_ssh_key": true})",
       Existing() + "key /home/deploy/.ssh/id_rsa\nkeystate 1 1\nfingerprint 3072 SHA256:x c "
                    "(RSA)\npubkey ssh-rsa AAAA c\n",
       false,
       {}},
      {"force replaces it",
       R"({"name": "deploy", "generate_ssh_key": true, "force": true,
           "ssh_key_comment": "me", "ssh_key_bits": 4096})",
       Existing() + "key /home/deploy/.ssh/id_rsa\nkeystate 1 1\nfingerprint x\n",
       true,
       {{"user_sshkey.sh", "/home/deploy/.ssh/id_rsa", "deploy", "rsa", "4096", "1", "me", "1"}}},
      {"removed with its home",
       R"({"name": "deploy", "state": "absent", "remove": true,
           "force": true})",
       Existing(),
       true,
       {{"userdel", "-f", "-r", "deploy"}}},
      {"already gone",
       R"({"name": "nobody2", "state": "absent"})",
       std::string(kGroups) + "nouser\n",
       false,
       {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Result<Change> change = PlanFor(c.args, c.probe);
    REQUIRE_MESSAGE(change.ok(), change.message());
    CHECK(change->changed == c.changed);
    CHECK(Argvs(*change) == c.argvs);
  }
}

TEST_CASE("user registers Ansible's values, the password never") {
  Result<Change> change = PlanFor(
      R"({"name": "deploy", "password": "NEW", "groups": ["sudo"], "append": true,
          "generate_ssh_key": true})",
      Existing() +
          "key /home/deploy/.ssh/id_rsa\nkeystate 1 1\nfingerprint 3072 SHA256:x c "
          "(RSA)\npubkey ssh-rsa AAAA c\n");
  REQUIRE(change.ok());
  CHECK(nlohmann::json::parse(change->result.dump()) == nlohmann::json::parse(R"J({
      "name": "deploy", "state": "present", "append": true, "move_home": false,
      "password": "NOT_LOGGING_PASSWORD", "uid": 1001, "group": 1001, "comment": "Deploy",
      "home": "/home/deploy", "shell": "/bin/bash", "groups": "sudo",
      "ssh_key_file": "/home/deploy/.ssh/id_rsa", "ssh_fingerprint": "3072 SHA256:x c (RSA)",
      "ssh_public_key": "ssh-rsa AAAA c",
      "warnings": [
        "The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly.",
        "Found existing ssh key private file \"/home/deploy/.ssh/id_rsa\", no force, so skipping ssh-keygen generation"]})J"));
  Result<Change> removed = PlanFor(R"({"name": "deploy", "state": "absent"})", Existing());
  REQUIRE(removed.ok());
  CHECK(nlohmann::json::parse(removed->result.dump()) ==
        nlohmann::json::parse(
            R"({"name": "deploy", "state": "absent", "force": false, "remove": false})"));
  UserModule module;
  const ArgDef* password = module.spec().Find("password");
  REQUIRE(password != nullptr);
  CHECK(password->secret);
}

TEST_CASE("user fails as Ansible's module for a group the host lacks") {
  CHECK(PlanFor(R"({"name": "deploy", "group": "nope"})", Existing()).message() ==
        "Group nope does not exist");
  CHECK(PlanFor(R"({"name": "deploy", "groups": ["sudo", "nope"]})", Existing()).message() ==
        "Group nope does not exist");
}

TEST_CASE("user refuses values that would corrupt the account databases and Linux-less options") {
  UserModule module;
  CHECK(ArgErrors(module, Value::parse(R"({"name": "deploy", "comment": "a:b"})")) ==
        std::vector<std::string>{"comment: comment is 'a:b': it holds ':', the field separator "
                                 "of /etc/passwd and /etc/group: give it without one"});
  CHECK(ArgErrors(module, Value::parse(R"({"name": "deploy", "shell": "/bin/sh\n"})")).size() == 1);
  CHECK(ArgErrors(module, Value::parse(R"({"name": "deploy", "groups": ["ok", "a\nb"]})")).size() ==
        1);
  CHECK(ArgErrors(module, Value::parse(R"({"name": "deploy", "expires": "soon"})")) ==
        std::vector<std::string>{"expires: expires is '\"soon\"': give seconds since the epoch "
                                 "(a number), or a negative number for never"});
  CHECK(ArgErrors(module, Value::parse(R"({"name": "deploy", "local": true})")).size() == 1);
  CHECK(ArgErrors(module, Value::parse(R"({"name": "deploy", "seuser": "user_u"})")).size() == 1);
  CHECK(
      ArgErrors(module, Value::parse(R"({"name": "deploy", "ssh_key_passphrase": "x"})")).size() ==
      1);
  CHECK(
      ArgErrors(module, Value::parse(R"({"name": "deploy", "password_expire_warn": 7})")).size() ==
      1);
  CHECK(ArgErrors(module, Value::parse(R"({"user": "deploy", "createhome": false,
      "hidden": true, "login_class": "x", "profile": "x", "authorization": "x", "role": "x"})"))
            .empty());
}

TEST_CASE("user and group declare what orders them in a graph-ordered play") {
  UserModule user;
  Resources r = user.Declare(NormalizedArgs(
      user, Value::parse(R"({"name": "deploy", "group": "ops", "groups": ["sudo", "a,b"]})")));
  CHECK(r.provides == std::vector<std::string>{"user:deploy", "dir:/home/deploy"});
  CHECK(r.needs == std::vector<std::string>{"group:ops", "group:a", "group:b", "group:sudo"});
  r = user.Declare(NormalizedArgs(
      user, Value::parse(R"({"name": "svc", "home": "/srv/svc", "create_home": false})")));
  CHECK(r.provides == std::vector<std::string>{"user:svc"});
  CHECK(user.Declare(NormalizedArgs(user, Value::parse(R"({"name": "x", "state": "absent"})")))
            .provides.empty());
  GroupModule group;
  CHECK(group.Declare(NormalizedArgs(group, Value::parse(R"({"name": "ops"})"))).provides ==
        std::vector<std::string>{"group:ops"});
}

TEST_CASE("user tells a crypt hash from clear text as Ansible's module warns") {
  CHECK(LooksHashed(kHash));
  CHECK(LooksHashed("!"));
  CHECK(LooksHashed("*"));
  CHECK_FALSE(LooksHashed("secret"));
  CHECK_FALSE(LooksHashed("$6$salt$short"));
  CHECK_FALSE(LooksHashed("$1$a:b$xxxxxxxxxxxxxxxxxxxxxx"));
  CHECK(LooksHashed("$y$j9T$salt$hash"));
  CHECK(EpochDate(0) == "1970-01-01");
  CHECK(EpochDate(1767225600.5) == "2026-01-01");
}

TEST_CASE("user's probe script reads an account without printing its hash") {
  const testing::ScriptRun run =
      testing::RunScript(scripts::kUserAccount, "sh script.sh root '' /nonexistent-hostprep-key");
  REQUIRE(run.status == 0);
  CHECK(run.out.find("passwd root:x:0:0:") != std::string::npos);
  CHECK(run.out.find("group root:x:0:") != std::string::npos);
  CHECK(run.out.find("keystate 0 0") != std::string::npos);
  CHECK(run.out.find("$6$") == std::string::npos);
  Result<UserProbe> probe = ParseUserProbe(run.out);
  REQUIRE_MESSAGE(probe.ok(), probe.message());
  REQUIRE(probe->passwd.has_value());
  CHECK(probe->passwd->uid == 0);
  CHECK(probe->key_file == "/nonexistent-hostprep-key");
  const testing::ScriptRun missing =
      testing::RunScript(scripts::kUserAccount, "sh script.sh hostprep-no-such-user '' ''");
  REQUIRE(missing.status == 0);
  Result<UserProbe> none = ParseUserProbe(missing.out);
  REQUIRE(none.ok());
  CHECK_FALSE(none->passwd.has_value());
}

TEST_CASE("user registers the fingerprint of a key it makes, as ssh-keygen tells it") {
  const Value v = ReadSshKeyOutput(
      {0,
       "fingerprint 256 SHA256:abc ansible-generated on n1 (ED25519)\npubkey ssh-ed25519 AAAA c \n",
       ""});
  CHECK(v["ssh_fingerprint"] == "256 SHA256:abc ansible-generated on n1 (ED25519)");
  CHECK(v["ssh_public_key"] == "ssh-ed25519 AAAA c");
  CHECK(ReadSshKeyOutput({1, "fingerprint x\n", "ssh-keygen: failed"}).empty());
}

}  // namespace
}  // namespace hostprep::modules
