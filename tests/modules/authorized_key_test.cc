// authorized_key against Ansible's module: each case's expected file,
// changed flag, registered values and message are what
// ansible.posix.authorized_key gave when run with the same arguments on the
// same file (a file of mode 0644 owned by root, `path` given).
#include "modules/authorized_key.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "modules/scripts.h"  // generated from modules/scripts/*.sh
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

struct Case {
  const char* name;
  std::optional<std::string> content;  // nullopt: no file
  const char* args;                    // JSON
  bool failed;
  bool changed;
  std::string msg;
  const char* result;  // JSON: what is registered but changed
  std::optional<std::string> after;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      {"new key in a missing file", std::nullopt,
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 alice@laptop"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 alice@laptop", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 32})",
       "ssh-ed25519 AAAAK1 alice@laptop\n"},
      {"key already there", "ssh-ed25519 AAAAK1 alice@laptop\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 alice@laptop"})",
       false, false, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 alice@laptop", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0644", "size": 32})",
       "ssh-ed25519 AAAAK1 alice@laptop\n"},
      {"new key appended, file normalised",
       "# keys\nssh-rsa   AAAAR1   bob  at  work\n\n\nssh-ed25519 AAAAK9\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 alice@laptop"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 alice@laptop", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 87})",
       "# keys\nssh-rsa AAAAR1 bob at work\n\nssh-ed25519 AAAAK9 \nssh-ed25519 AAAAK1 "
       "alice@laptop\n"},
      {"several keys, blank and comment lines skipped", "ssh-rsa AAAAR1 bob\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a\n\n# old\nssh-ed25519 AAAAK2 b\nssh-rsa AAAAR1 bob"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a\n\n# old\nssh-ed25519 AAAAK2 b\nssh-rsa AAAAR1 bob", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 61})",
       "ssh-rsa AAAAR1 bob\nssh-ed25519 AAAAK1 a\nssh-ed25519 AAAAK2 b\n"},
      {"options added to a key moves it last", "ssh-ed25519 AAAAK1 a\nssh-ed25519 AAAAK2 b\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "key_options": "no-pty,from=\"10.0.0.0/8\""})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "key_options": "no-pty,from=\"10.0.0.0/8\"", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 67})",
       "ssh-ed25519 AAAAK2 b\nno-pty,from=\"10.0.0.0/8\" ssh-ed25519 AAAAK1 a\n"},
      {"options in another order match", "from=\"10.0.0.1\",no-pty ssh-ed25519 AAAAK1 a\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "no-pty,from=\"10.0.0.1\" ssh-ed25519 AAAAK1 a"})",
       false, false, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "no-pty,from=\"10.0.0.1\" ssh-ed25519 AAAAK1 a", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0644", "size": 44})",
       "from=\"10.0.0.1\",no-pty ssh-ed25519 AAAAK1 a\n"},
      {"options with quoted commas and spaces", "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "command=\"echo a, b\",no-agent-forwarding ssh-ed25519 AAAAK1 c"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "command=\"echo a, b\",no-agent-forwarding ssh-ed25519 AAAAK1 c", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 61})",
       "command=\"echo a, b\",no-agent-forwarding ssh-ed25519 AAAAK1 c\n"},
      {"comment replaced", "ssh-ed25519 AAAAK1 old comment\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 x", "comment": "deploy key"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 x", "comment": "deploy key", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 30})",
       "ssh-ed25519 AAAAK1 deploy key\n"},
      {"key without comment", "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1"})", false, true,
       "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 20})",
       "ssh-ed25519 AAAAK1 \n"},
      {"exclusive removes others", "# managed\nssh-rsa AAAAR1 bob\nssh-ed25519 AAAAK1 a\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "exclusive": true})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "exclusive": true, "manage_dir": true, "state": "file", "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 21})",
       "ssh-ed25519 AAAAK1 a\n"},
      {"exclusive with nothing else", "ssh-ed25519 AAAAK1 a\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "exclusive": true})",
       false, false, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "exclusive": true, "manage_dir": true, "state": "file", "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0644", "size": 21})",
       "ssh-ed25519 AAAAK1 a\n"},
      {"absent removes the key", "ssh-rsa AAAAR1 bob\nssh-ed25519 AAAAK1 a\n#end",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 other comment", "state": "absent"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 other comment", "state": "file", "manage_dir": true, "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 23})",
       "ssh-rsa AAAAR1 bob\n#end"},
      {"absent key not there", "ssh-rsa AAAAR1 bob\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "state": "absent"})",
       false, false, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "state": "file", "manage_dir": true, "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0644", "size": 19})",
       "ssh-rsa AAAAR1 bob\n"},
      {"duplicate keys in the file",
       "ssh-ed25519 AAAAK1 a\nssh-rsa AAAAR1 b\nssh-ed25519 AAAAK1 a\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK3 c"})", false,
       true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK3 c", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 59})",
       "ssh-rsa AAAAR1 b\nssh-ed25519 AAAAK1 a\nssh-ed25519 AAAAK3 c\n"},
      {"duplicate key in the task", "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a\nssh-ed25519 AAAAK1 a"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a\nssh-ed25519 AAAAK1 a", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 21})",
       "ssh-ed25519 AAAAK1 a\n"},
      {"invalid key", "", R"({"user": "root", "path": "/srv/keys/target", "key": "not a key"})",
       true, false, "invalid key specified: not a key", R"({})", ""},
      {"last line without newline", "# no newline",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a"})", false,
       true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 33})",
       "# no newlinessh-ed25519 AAAAK1 a\n"},
      {"escaped hash and certificate type", "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519-cert-v01@openssh.com AAAAC1 a \\#1"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519-cert-v01@openssh.com AAAAC1 a \\#1", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 45})",
       "ssh-ed25519-cert-v01@openssh.com AAAAC1 a #1\n"},
      {"unbalanced quote in options", "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "key_options": "no-pty,,x\"y"})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "key_options": "no-pty,,x\"y", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 37})",
       "no-pty,,,,x,\",y ssh-ed25519 AAAAK1 a\n"},
      {"empty key_options drops options", "no-pty ssh-ed25519 AAAAK1 a\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "key_options": ""})",
       false, true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a", "key_options": "", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 21})",
       "ssh-ed25519 AAAAK1 a\n"},
      {"unknown user", "",
       R"({"user": "nosuchuser", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a"})", true,
       false,  // Ansible's message, and what would fix it.
       "Failed to lookup user nosuchuser: \"getpwnam(): name not found: 'nosuchuser'\": create "
       "the user first, or name one the host has",
       R"({})", ""},
      {"options before a key with tabs", "no-pty\tssh-ed25519\tAAAAK1\ta b\n",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a b"})", false,
       true, "",
       R"({"user": "root", "path": "/srv/keys/target", "key": "ssh-ed25519 AAAAK1 a b", "manage_dir": true, "state": "file", "exclusive": false, "validate_certs": true, "follow": false, "key_options": null, "comment": null, "keyfile": "/srv/keys/target", "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": "0600", "size": 23})",
       "ssh-ed25519 AAAAK1 a b\n"},
  };
  return kCases;
}

// The probe script's answer for root and /srv/keys/target holding `content`
// (mode 0644), or for a user the host does not know.
ReadResult Probed(const std::string& user, const std::optional<std::string>& content) {
  ReadResult r;
  if (user != "root") {
    r.exec.stdout_data = "nouser\n";
    return r;
  }
  r.exec.stdout_data =
      "passwd root:x:0:0:root:/root:/bin/bash\ngroup root\nkeyfile /srv/keys/target\n"
      "sshdir /srv/keys\nsshdir_state directory\nparent_state directory\n";
  if (!content) {
    r.exec.stdout_data += "lstat missing\n";
    return r;
  }
  r.exec.stdout_data +=
      "lstat 81a4 1 0 0 " + std::to_string(content->size()) + " root root\ncontent\n" + *content;
  return r;
}

TEST_CASE("authorized_key edits key files as Ansible's module does") {
  const AuthorizedKeyModule module;
  for (const Case& c : Cases()) {
    CAPTURE(c.name);
    const Value args = testing::NormalizedArgs(module, Value::parse(c.args));
    Result<Change> change = module.Plan(args, {Probed(args["user"], c.content)}, Value::object());
    if (!testing::MatchesAnsible(change, c.failed, c.msg, c.changed, c.result)) continue;
    REQUIRE(!change->actions.empty());
    const Action& write = change->actions.back();
    CHECK(write.kind == Action::Kind::kWriteFile);
    CHECK(write.path == "/srv/keys/target");
    CHECK(write.content == c.after.value_or(""));
    CHECK(write.mode == 0600u);
    CHECK(write.owner == "0");
    CHECK(write.group == "0");
  }
}

TEST_CASE("authorized_key makes ~/.ssh 0700 for the user from the passwd entry it read") {
  const AuthorizedKeyModule module;
  const Value args =
      testing::NormalizedArgs(module, {{"user", "deploy"}, {"key", "ssh-ed25519 AAAAK1 a"}});
  const std::vector<Read> reads = module.Probe(args, Value::object());
  REQUIRE(reads.size() == 1);
  CHECK(reads[0].kind == Read::Kind::kExec);
  CHECK(reads[0].argv ==
        std::vector<std::string>{"/bin/sh", "-c", reads[0].argv[2], "sh", "deploy", "", ""});
  ReadResult probed;
  probed.exec.stdout_data =
      "passwd deploy:x:1001:1002::/home/deploy:/bin/sh\ngroup staff\n"
      "keyfile /home/deploy/.ssh/authorized_keys\nsshdir /home/deploy/.ssh\n"
      "sshdir_state missing\nparent_state directory\nlstat missing\n";
  Result<Change> change = module.Plan(args, {probed}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 2);
  const Action& dir = change->actions[0];
  CHECK(dir.kind == Action::Kind::kMakeDirectory);
  CHECK(dir.path == "/home/deploy/.ssh");
  CHECK(dir.mode == 0700u);
  CHECK(dir.owner == "1001");
  CHECK(dir.group == "1002");
  const Action& write = change->actions[1];
  CHECK(write.path == "/home/deploy/.ssh/authorized_keys");
  CHECK(write.content == "ssh-ed25519 AAAAK1 a\n");
  CHECK(write.owner == "1001");
  CHECK_FALSE(write.follow);
  // Without path Ansible registers no file attributes.
  CHECK(change->result["keyfile"] == "/home/deploy/.ssh/authorized_keys");
  CHECK(change->result["path"].is_null());
  CHECK(change->result["state"] == "present");
  CHECK_FALSE(change->result.contains("mode"));
  // Without manage_dir the directory is made, but left as mkdir makes it.
  Value unmanaged = args;
  unmanaged["manage_dir"] = false;
  Result<Change> plain = module.Plan(unmanaged, {probed}, Value::object());
  REQUIRE(plain.ok());
  REQUIRE(plain->actions.size() == 2);
  CHECK_FALSE(plain->actions[0].mode.has_value());
  CHECK(plain->actions[0].owner.empty());
  // A home that is not there: Ansible's message.
  std::string& out = probed.exec.stdout_data;
  out.replace(out.find("parent_state directory"), 22, "parent_state missing");
  Result<Change> homeless = module.Plan(args, {probed}, Value::object());
  REQUIRE(!homeless.ok());
  CHECK(homeless.message() ==
        "Failed to create directory /home/deploy/.ssh : [Errno 2] No such file or directory: "
        "'/home/deploy/.ssh': create the user's home first");
}

TEST_CASE("authorized_key refuses a URL key and a relative path before any host") {
  const AuthorizedKeyModule module;
  auto errors = [&](const Value& raw) { return testing::ArgErrors(module, raw); };
  CHECK(errors({{"user", "root"}, {"key", "https://github.com/alice.keys"}}) ==
        std::vector<std::string>{
            "key: key 'https://github.com/alice.keys' is a URL: Ansible's module downloads the "
            "keys from it, hostprep fetches nothing (hosts may have no internet access): give "
            "the keys themselves, e.g. with a file lookup of a copy"});
  CHECK(errors({{"user", "root"}, {"key", "ssh-rsa AAAA x"}, {"path", "~/.ssh/keys"}}) ==
        std::vector<std::string>{
            "path: path '~/.ssh/keys' is not absolute: give an absolute path, or leave path out "
            "for ~USER/.ssh/authorized_keys"});
  CHECK(errors({{"user", "root"}, {"key", "ssh-rsa AAAA x"}, {"comment", "a\nb"}}).size() == 1);
  CHECK(errors({{"user", "root"}, {"key", "{{ keys }}"}, {"path", "{{ p }}"}}).empty());
}

TEST_CASE("authorized_key's probe script reads the user, the directory and the file") {
  const testing::ScriptRun run = testing::RunScript(
      scripts::kAuthorizedKey,
      "printf 'ssh-ed25519 AAAAK1 a\\n' >keys && chmod 640 keys && sh script.sh root \"$PWD/keys\" "
      "\"$PWD\" && sh script.sh hostprep-no-such-user '' ''");
  REQUIRE(run.status == 0);
  const std::string expected = "passwd root:x:0:0:root:/root:/bin/bash\ngroup root\nkeyfile " +
                               run.dir + "/keys\nsshdir " + run.dir +
                               "\nsshdir_state directory\nparent_state directory\nlstat 81a0 1 0 0 "
                               "21 root root\ncontent\nssh-ed25519 AAAAK1 a\nnouser\n";
  CHECK(run.out == expected);
  // The same key again: nothing to do, the file's attributes registered.
  const AuthorizedKeyModule module;
  const Value args = testing::NormalizedArgs(
      module, {{"user", "root"}, {"path", run.dir + "/keys"}, {"key", "ssh-ed25519 AAAAK1 a"}});
  ReadResult probed;
  probed.exec.stdout_data = run.out.substr(0, run.out.size() - std::string("nouser\n").size());
  Result<Change> change = module.Plan(args, {probed}, Value::object());
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
  CHECK(change->result["mode"] == "0640");
  CHECK(change->result["size"] == 21);
  CHECK(change->result["state"] == "file");
}

TEST_CASE("authorized_key names the line of the file that holds a key type without a key") {
  Result<KeysEdit> edit = EditAuthorizedKeys(
      {"ssh-ed25519 AAAAK1 a", true, std::nullopt, std::nullopt, false}, "# keys\nssh-rsa\n");
  REQUIRE(!edit.ok());
  CHECK(edit.message() ==
        "line 2 of the key file: 'ssh-rsa' holds the key type ssh-rsa but no key after it: fix "
        "or remove that line");
}

}  // namespace
}  // namespace hostprep::modules
