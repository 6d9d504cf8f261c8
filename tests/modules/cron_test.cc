// cron against Ansible's module: each case's expected crontab, changed flag,
// registered values and message are what ansible.builtin.cron (2.14) gave
// when run with the same arguments on the same file (cron_file) or on the
// same `crontab -l` output (a stand-in crontab command for user crontabs).
#include "modules/cron.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

struct Case {
  const char* name;
  bool user_crontab;                   // else cron_file
  std::optional<std::string> content;  // nullopt: no file, or no crontab
  const char* args;                    // JSON
  bool failed;
  bool changed;
  std::string msg;
  const char* result;                // JSON: what is registered but changed
  std::optional<std::string> after;  // nullopt: the file removed
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      {"new job in a missing cron file", false, std::nullopt,
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "2"})",
       false, true, "", R"({"jobs": ["backup"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: backup\n0 2 * * * root /usr/bin/backup\n"},
      {"same job unchanged", false, "#Ansible: backup\n0 2 * * * root /usr/bin/backup\n",
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "2"})",
       false, false, "", R"({"jobs": ["backup"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: backup\n0 2 * * * root /usr/bin/backup\n"},
      {"schedule changed", false,
       "MAILTO=ops\n#Ansible: backup\n0 2 * * * root /usr/bin/backup\n# end\n",
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "3"})",
       false, true, "",
       R"({"jobs": ["backup"], "envs": ["MAILTO"], "cron_file": "/srv/cron/target"})",
       "MAILTO=ops\n#Ansible: backup\n0 3 * * * root /usr/bin/backup\n# end\n"},
      {"special time", false, "",
       R"({"name": "at boot", "job": "/usr/local/bin/warm", "user": "deploy", "cron_file": "/srv/cron/target", "special_time": "reboot"})",
       false, true, "", R"({"jobs": ["at boot"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: at boot\n@reboot deploy /usr/local/bin/warm\n"},
      {"disabled job", false, "#Ansible: backup\n0 2 * * * root /usr/bin/backup\n",
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "2", "disabled": true})",
       false, true, "", R"({"jobs": ["backup"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: backup\n#0 2 * * * root /usr/bin/backup\n"},
      {"absent removes the job", false,
       "#Ansible: a\n* * * * * root a\n#Ansible: b\n* * * * * root b\n",
       R"({"name": "a", "state": "absent", "cron_file": "/srv/cron/target"})", false, true, "",
       R"({"jobs": ["b"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: b\n* * * * * root b\n"},
      {"absent removes the last job and the file", false, "#Ansible: a\n* * * * * root a\n\n",
       R"({"name": "a", "state": "absent", "cron_file": "/srv/cron/target"})", false, true, "",
       R"({"cron_file": "/srv/cron/target", "state": "absent", "diff": {}})", std::nullopt},
      {"absent job not there", false, "#Ansible: a\n* * * * * root a\n",
       R"({"name": "zzz", "state": "absent", "cron_file": "/srv/cron/target"})", false, false, "",
       R"({"jobs": ["a"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: a\n* * * * * root a\n"},
      {"env added at the top", false, "#Ansible: a\n* * * * * root a\n",
       R"({"name": "PATH", "env": true, "job": "/usr/bin:/bin", "user": "root", "cron_file": "/srv/cron/target"})",
       false, true, "", R"({"jobs": ["a"], "envs": ["PATH"], "cron_file": "/srv/cron/target"})",
       "PATH=\"/usr/bin:/bin\"\n#Ansible: a\n* * * * * root a\n"},
      {"env value updated everywhere", false,
       "PATH=\"/bin\"\n#Ansible: a\n* * * * * root a\nPATH=/x\n",
       R"({"name": "PATH", "env": true, "value": "/usr/bin:/bin", "user": "root", "cron_file": "/srv/cron/target"})",
       false, true, "",
       R"({"jobs": ["a"], "envs": ["PATH", "PATH"], "cron_file": "/srv/cron/target"})",
       "PATH=\"/usr/bin:/bin\"\n#Ansible: a\n* * * * * root a\nPATH=\"/usr/bin:/bin\"\n"},
      {"env unchanged", false, "PATH=\"/usr/bin\"\n",
       R"({"name": "PATH", "env": true, "job": "/usr/bin", "user": "root", "cron_file": "/srv/cron/target"})",
       false, false, "", R"({"jobs": [], "envs": ["PATH"], "cron_file": "/srv/cron/target"})",
       "PATH=\"/usr/bin\"\n"},
      {"env inserted after another", false,
       "SHELL=\"/bin/sh\"\nMAILTO=\"\"\n#Ansible: a\n* * * * * root a\n",
       R"({"name": "PATH", "env": true, "job": "/bin", "insertafter": "SHELL", "user": "root", "cron_file": "/srv/cron/target"})",
       false, true, "",
       R"({"jobs": ["a"], "envs": ["SHELL", "PATH", "MAILTO"], "cron_file": "/srv/cron/target"})",
       "SHELL=\"/bin/sh\"\nPATH=\"/bin\"\nMAILTO=\"\"\n#Ansible: a\n* * * * * root a\n"},
      {"env inserted before another", false, "SHELL=\"/bin/sh\"\nMAILTO=\"\"\n",
       R"({"name": "PATH", "env": true, "job": "/bin", "insertbefore": "MAILTO", "user": "root", "cron_file": "/srv/cron/target"})",
       false, true, "",
       R"({"jobs": [], "envs": ["SHELL", "PATH", "MAILTO"], "cron_file": "/srv/cron/target"})",
       "SHELL=\"/bin/sh\"\nPATH=\"/bin\"\nMAILTO=\"\"\n"},
      {"env insertbefore a missing variable", false, "SHELL=\"/bin/sh\"\n",
       R"({"name": "PATH", "env": true, "job": "/bin", "insertbefore": "NOPE", "user": "root", "cron_file": "/srv/cron/target"})",
       true, false, "Variable named 'NOPE' not found.", R"({})", "SHELL=\"/bin/sh\"\n"},
      {"env absent", false, "PATH=\"/bin\"\nSHELL=/bin/sh\n",
       R"({"name": "PATH", "env": true, "state": "absent", "cron_file": "/srv/cron/target"})",
       false, true, "", R"({"jobs": [], "envs": ["SHELL"], "cron_file": "/srv/cron/target"})",
       "SHELL=/bin/sh\n"},
      {"env name is a pattern", false, "PAXH=\"/bin\"\n",
       R"({"name": "PA.H", "env": true, "job": "/bin", "user": "root", "cron_file": "/srv/cron/target"})",
       false, true, "", R"({"jobs": [], "envs": ["PA.H"], "cron_file": "/srv/cron/target"})",
       "PA.H=\"/bin\"\n"},
      {"job found without its marker", false, "# mine\n0 2 * * * root /usr/bin/backup\n",
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "2"})",
       false, true, "", R"({"jobs": ["backup"], "envs": [], "cron_file": "/srv/cron/target"})",
       "# mine\n#Ansible: backup\n0 2 * * * root /usr/bin/backup\n"},
      {"job without marker on the first line", false,
       "0 2 * * * root /usr/bin/backup\n#Ansible: other\n",
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "2"})",
       false, true, "",
       R"({"jobs": ["other", "backup"], "envs": [], "cron_file": "/srv/cron/target"})",
       "0 2 * * * root /usr/bin/backup\n#Ansible: other\n#Ansible: backup\n0 2 * * * root "
       "/usr/bin/backup\n"},
      {"marker named None renamed", false, "#Ansible: None\n0 2 * * * root /usr/bin/backup\n",
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "2"})",
       false, true, "", R"({"jobs": ["backup"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: backup\n0 2 * * * root /usr/bin/backup\n"},
      {"missing final newline", false, "#Ansible: backup\n0 2 * * * root /usr/bin/backup",
       R"({"name": "backup", "job": "/usr/bin/backup", "user": "root", "cron_file": "/srv/cron/target", "minute": "0", "hour": "2"})",
       false, true, "", R"({"jobs": ["backup"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: backup\n0 2 * * * root /usr/bin/backup\n"},
      {"two markers of the name", false,
       "#Ansible: a\n1 * * * * root a\nx\n#Ansible: a\n2 * * * * root a\n",
       R"({"name": "a", "job": "a", "minute": "5", "user": "root", "cron_file": "/srv/cron/target"})",
       false, true, "", R"({"jobs": ["a", "a"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: a\n5 * * * * root a\nx\n#Ansible: a\n5 * * * * root a\n"},
      {"marker as last line", false, "#Ansible: a\n* * * * * root a\n#Ansible: a",
       R"({"name": "a", "job": "b", "user": "root", "cron_file": "/srv/cron/target"})", false, true,
       "", R"({"jobs": ["a"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: a\n* * * * * root b\n"},
      {"markers back to back", false, "#Ansible: a\n#Ansible: b\n* * * * * root b\n",
       R"({"name": "b", "job": "c", "user": "root", "cron_file": "/srv/cron/target"})", false, true,
       "", R"({"jobs": ["a", "b", "b"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: a\n#Ansible: b\n* * * * * root b\n#Ansible: b\n* * * * * root c\n"},
      {"job trimmed of line breaks", false, "",
       R"({"name": "t", "job": "\n/bin/true\r\n", "user": "root", "cron_file": "/srv/cron/target", "weekday": "1-5", "day": "*/2", "month": "1"})",
       false, true, "", R"({"jobs": ["t"], "envs": [], "cron_file": "/srv/cron/target"})",
       "#Ansible: t\n* * */2 1 1-5 root /bin/true\n"},
      {"blank file lines removed job", false, "\n\n#Ansible: a\n* * * * * root a\n",
       R"({"name": "a", "state": "absent", "cron_file": "/srv/cron/target"})", false, true, "",
       R"({"cron_file": "/srv/cron/target", "state": "absent", "diff": {}})", std::nullopt},
      {"bad cron file name warns", false, std::nullopt,
       R"({"name": "a", "job": "a", "user": "root", "cron_file": "/srv/cron/my.cron"})", false,
       true, "",
       R"({"jobs": ["a"], "envs": [], "warnings": ["Filename portion of cron_file (\"my.cron\") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens"], "cron_file": "/srv/cron/my.cron"})",
       "#Ansible: a\n* * * * * root a\n"},
      {"user crontab new job", true, std::nullopt,
       R"({"name": "a", "job": "/bin/a", "user": "nobody", "minute": "*/5"})", false, true, "",
       R"({"jobs": ["a"], "envs": []})", "#Ansible: a\n*/5 * * * * /bin/a\n"},
      {"user crontab header stripped", true,
       "# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (/tmp/crontab.X installed on "
       "Mon Dec  7 06:22:22 2026)\n# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 "
       "vixie Exp $)\n#Ansible: a\n*/5 * * * * /bin/a\n",
       R"({"name": "b", "special_time": "hourly", "job": "/bin/b", "user": "nobody"})", false, true,
       "", R"({"jobs": ["a", "b"], "envs": []})",
       "#Ansible: a\n*/5 * * * * /bin/a\n#Ansible: b\n@hourly /bin/b\n"},
      {"user crontab unchanged", true, "#Ansible: a\n*/5 * * * * /bin/a\n",
       R"({"name": "a", "job": "/bin/a", "user": "nobody", "minute": "*/5"})", false, false, "",
       R"({"jobs": ["a"], "envs": []})", "#Ansible: a\n*/5 * * * * /bin/a\n"},
      {"user crontab last job removed", true, "#Ansible: a\n*/5 * * * * /bin/a\n",
       R"({"name": "a", "state": "absent", "user": "nobody"})", false, true, "",
       R"({"jobs": [], "envs": []})", ""},
      {"user crontab env and job names", true, "X=1\n#Ansible: a #Ansible: b\n*/5 * * * * /bin/a\n",
       R"({"name": "Y", "env": true, "job": "2", "user": "nobody"})", false, true, "",
       R"({"jobs": ["a b"], "envs": ["Y", "X"]})",
       "Y=\"2\"\nX=1\n#Ansible: a #Ansible: b\n*/5 * * * * /bin/a\n"},
  };
  return kCases;
}

// The read the probe asks for, answered with the case's content.
ReadResult Answer(const Case& c) {
  if (!c.user_crontab) return testing::FileContent(c.content);
  ReadResult r;
  r.exec.exit_code = c.content ? 0 : 1;
  r.exec.stdout_data = c.content.value_or("");
  if (!c.content) r.exec.stderr_data = "no crontab for nobody\n";
  return r;
}

// What the plan writes: the cron file's content, or the crontab installed
// on stdin; nullopt when it removes the file.
std::optional<std::string> Written(const Change& change) {
  REQUIRE(!change.actions.empty());
  const Action& last = change.actions.back();
  if (last.kind == Action::Kind::kRemove) return std::nullopt;
  if (last.kind == Action::Kind::kWriteFile) return last.content;
  REQUIRE(last.kind == Action::Kind::kExec);
  return last.stdin_data;
}

TEST_CASE("cron edits crontabs and cron files as Ansible's module does") {
  const CronModule cron;
  for (const Case& c : Cases()) {
    CAPTURE(c.name);
    const Value args = testing::NormalizedArgs(cron, Value::parse(c.args));
    const std::vector<Read> reads = cron.Probe(args, Value::object());
    REQUIRE(reads.size() == 1);
    CHECK(reads[0].kind == (c.user_crontab ? Read::Kind::kExec : Read::Kind::kReadFile));
    Result<Change> change = cron.Plan(args, {Answer(c)}, Value::object());
    if (!testing::MatchesAnsible(change, c.failed, c.msg, c.changed, c.result)) continue;
    CHECK(Written(*change) == c.after);
  }
}

TEST_CASE("cron reads and installs a user's crontab with crontab, the user an argument") {
  const CronModule cron;
  const Value args = testing::NormalizedArgs(
      cron, {{"name", "x; rm -rf /"}, {"user", "deploy; reboot"}, {"job", "/bin/true"}});
  const std::vector<Read> reads = cron.Probe(args, Value::object());
  REQUIRE(reads.size() == 1);
  REQUIRE(reads[0].argv.size() == 6);
  CHECK(reads[0].argv[0] == "/bin/sh");
  CHECK(reads[0].argv[3] == "sh");
  CHECK(reads[0].argv[4] == "-l");
  CHECK(reads[0].argv[5] == "deploy; reboot");
  ReadResult none;
  none.exec.exit_code = 1;
  Result<Change> change = cron.Plan(args, {none}, Value::object());
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 1);
  const Action& install = change->actions[0];
  CHECK(install.argv[4] == "-");
  CHECK(install.argv[5] == "deploy; reboot");
  CHECK(install.stdin_data == "#Ansible: x; rm -rf /\n* * * * * /bin/true\n");
  CHECK_FALSE(change->command_output);
  CHECK(change->diff.find("crontab for user \"deploy; reboot\"") != std::string::npos);
}

TEST_CASE("cron fails with Ansible's message when crontab cannot be read") {
  const CronModule cron;
  const Value args = testing::NormalizedArgs(cron, {{"name", "a"}, {"job", "b"}});
  ReadResult missing;
  missing.exec.exit_code = 127;
  Result<Change> no_crontab = cron.Plan(args, {missing}, Value::object());
  REQUIRE(!no_crontab.ok());
  CHECK(no_crontab.message() ==
        "Failed to find required executable \"crontab\": install the cron package on the host, "
        "or keep the job in a file of /etc/cron.d (cron_file)");
  ReadResult denied;
  denied.exec.exit_code = 2;
  denied.exec.stderr_data = "must be privileged to use -u\n";
  Result<Change> unreadable = cron.Plan(args, {denied}, Value::object());
  REQUIRE(!unreadable.ok());
  CHECK(unreadable.message() == "Unable to read crontab: must be privileged to use -u");
}

TEST_CASE("cron keeps a backup of the old crontab when it changes") {
  const CronModule cron;
  const Value file_args = testing::NormalizedArgs(
      cron,
      {{"name", "a"}, {"job", "b"}, {"user", "root"}, {"cron_file", "k8s"}, {"backup", true}});
  CHECK(cron.Probe(file_args, Value::object())[0].path == "/etc/cron.d/k8s");
  Result<Change> file = cron.Plan(file_args, {testing::FileContent("X=1\n")}, Value::object());
  REQUIRE(file.ok());
  REQUIRE(file->actions.size() == 1);
  CHECK(file->actions[0].path == "/etc/cron.d/k8s");
  CHECK(file->actions[0].backup);
  CHECK(file->result["cron_file"] == "k8s");
  const Value user_args =
      testing::NormalizedArgs(cron, {{"name", "a"}, {"job", "b"}, {"backup", true}});
  ReadResult listed;
  listed.exec.stdout_data = "X=1\n";
  Result<Change> user = cron.Plan(user_args, {listed}, Value::object());
  REQUIRE(user.ok());
  REQUIRE(user->actions.size() == 2);
  CHECK(user->actions[0].stdin_data == "X=1\n");
  CHECK(user->actions[1].stdin_data == "X=1\n#Ansible: a\n* * * * * b\n");
}

TEST_CASE("cron drops the header lines an old crontab -l prints, as Ansible does") {
  CHECK(StripCrontabHeader("# DO NOT EDIT THIS FILE - edit the master and reinstall.\n"
                           "# (/tmp/crontab.X installed on Mon Dec  7 06:22:22 2026)\n"
                           "# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 $)\n"
                           "X=1\n") == "X=1\n");
  // Only among the first three lines.
  CHECK(StripCrontabHeader("a\nb\nc\n# (Cron version 4)\n") == "a\nb\nc\n# (Cron version 4)\n");
  CHECK(RenderCrontab({}) == "");
  CHECK(RenderCrontab({"a", "b", ""}) == "a\nb\n");
}

TEST_CASE("cron refuses line breaks and Ansible's bad combinations before any host") {
  const CronModule cron;
  auto errors = [&](const Value& raw) { return testing::ArgErrors(cron, raw); };
  CHECK(errors({{"name", "a"}, {"job", "true\nrm -rf /"}}) ==
        std::vector<std::string>{
            "job: job is \"true\\nrm -rf /\": it holds a newline (\\n) at byte 4, which would "
            "write a crontab line the task does not name: give it on one line"});
  // Leading and trailing line breaks are dropped, as Ansible drops them.
  CHECK(errors({{"name", "a"}, {"job", "\ntrue\n"}}).empty());
  CHECK(errors({{"name", "PATH"}, {"env", true}, {"job", "/bin\n"}}).size() == 1);
  CHECK(errors({{"name", "a\nb"}, {"job", "x"}}).size() == 1);
  CHECK(errors({{"name", "a"}, {"job", "x"}, {"special_time", "daily"}, {"hour", "2"}}) ==
        std::vector<std::string>{
            "special_time: You must specify time and date fields or special time.: leave out "
            "minute, hour, day, month and weekday with special_time"});
  CHECK(errors({{"name", "a"}, {"job", "x"}, {"cron_file", "k8s"}}) ==
        std::vector<std::string>{
            "user: To use cron_file=... parameter you must specify user=... as well: give the "
            "user the job runs as"});
  CHECK(errors({{"name", "a"}}) ==
        std::vector<std::string>{
            "job: You must specify 'job' to install a new cron job or variable: give the command "
            "(or the value, with env)"});
  CHECK(errors({{"name", "a"}, {"state", "absent"}}).empty());
  CHECK(errors({{"name", "A"}, {"job", "x"}, {"insertafter", "B"}}) ==
        std::vector<std::string>{
            "env: Insertafter and insertbefore parameters are valid only with env=yes: set env: "
            "true, or leave them out"});
  CHECK(errors({{"name", "A B"}, {"job", "x"}, {"env", true}}) ==
        std::vector<std::string>{
            "name: Invalid name for environment variable: a name holds no space"});
  CHECK(errors({{"name", "a"}, {"job", "x"}, {"user", "root"}, {"cron_file", "/etc/crontab"}}) ==
        std::vector<std::string>{
            "cron_file: Will not manage /etc/crontab via cron_file, see documentation: name a "
            "file of /etc/cron.d instead (cron_file: NAME)"});
  CHECK(errors({{"name", "a"}, {"job", "{{ cmd }}"}, {"minute", "{{ m }}"}}).empty());
}

}  // namespace
}  // namespace hostprep::modules
