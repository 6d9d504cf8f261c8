#include "modules/file.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::FailedRead;
using testing::FileContent;
using testing::FileStat;

using Kind = Action::Kind;

Value Args(const Value& raw) { return testing::NormalizedArgs(FileModule(), raw); }

std::vector<std::string> Errors(const Value& raw, bool templates_pending = false) {
  FileModule module;
  std::vector<ArgError> errors;
  Value args = NormalizeArgs(module.spec(), raw, templates_pending, &errors);
  module.Validate(args, templates_pending, &errors);
  std::vector<std::string> out;
  for (const ArgError& e : errors) out.push_back(e.key + ": " + e.message);
  return out;
}

const ReadResult kMissing = FileStat(FileType::kMissing);

// Plans with `reads`, first checking that Probe asks for `probe` (kind:path).
Result<Change> PlanWith(const Value& args, const std::vector<std::string>& probe,
                        const std::vector<ReadResult>& reads) {
  FileModule module;
  std::vector<std::string> asked;
  for (const Read& r : module.Probe(args, Value::object())) {
    const char* kind = r.kind == Read::Kind::kStat       ? "stat"
                       : r.kind == Read::Kind::kReadFile ? "read"
                       : r.render                        ? "template"
                                                         : "local";
    asked.push_back(std::string(kind) + ":" + r.path);
  }
  CHECK(asked == probe);
  return module.Plan(args, reads, Value::object());
}

TEST_CASE("file creates a missing file with its content and shows it all in the diff") {
  Value args = Args({{"path", "/etc/app.conf"}, {"content", "a=1\nb=2\n"}, {"mode", "0600"}});
  Result<Change> c = PlanWith(args, {"stat:/etc/app.conf", "read:/etc/app.conf"},
                              {kMissing, FileContent(std::nullopt)});
  REQUIRE(c.ok());
  CHECK(c->changed);
  CHECK(c->message == "would create file /etc/app.conf");
  CHECK(c->diff ==
        "--- before: /etc/app.conf\n+++ after: /etc/app.conf\n@@ -0,0 +1,2 @@\n+a=1\n+b=2\n"
        "state: absent -> file\nmode: 0600\n");
  REQUIRE(c->actions.size() == 1);
  const Action& a = c->actions[0];
  CHECK(a.kind == Kind::kWriteFile);
  CHECK(a.path == "/etc/app.conf");
  CHECK(a.content == "a=1\nb=2\n");
  CHECK(a.mode == 0600u);
  CHECK(a.owner == "");
  CHECK(!a.backup);
  CHECK(c->result == Value({{"path", "/etc/app.conf"},
                            {"state", "file"},
                            {"mode", "0600"},
                            {"owner", ""},
                            {"group", ""},
                            {"changed_fields", {"content", "state", "mode"}}}));
}

TEST_CASE("file with the same content and attributes changes nothing") {
  Value args =
      Args({{"path", "/etc/app.conf"}, {"content", "a=1\n"}, {"mode", "0644"}, {"owner", "root"}});
  Result<Change> c = PlanWith(args, {"stat:/etc/app.conf", "read:/etc/app.conf"},
                              {FileStat(FileType::kFile), FileContent("a=1\n")});
  REQUIRE(c.ok());
  CHECK(!c->changed);
  CHECK(c->actions.empty());
  CHECK(c->diff == "");
  CHECK(c->message == "");
  CHECK(c->result["changed_fields"] == Value::array());
  CHECK(c->result["mode"] == "0644");
}

TEST_CASE("file rewrites changed content and shows content and mode in one diff") {
  Value args = Args({{"path", "/etc/app.conf"},
                     {"content", "port=8080\nhost=a\n"},
                     {"mode", "0600"},
                     {"backup", true},
                     {"validate", "app --check  %s"}});
  Result<Change> c =
      PlanWith(args, {"stat:/etc/app.conf", "read:/etc/app.conf"},
               {FileStat(FileType::kFile, 0644, "root", "app"), FileContent("port=80\nhost=a\n")});
  REQUIRE(c.ok());
  CHECK(c->changed);
  CHECK(c->diff ==
        "--- before: /etc/app.conf\n+++ after: /etc/app.conf\n@@ -1,2 +1,2 @@\n-port=80\n"
        "+port=8080\n host=a\nmode: 0644 -> 0600\n");
  CHECK(c->message == "would change /etc/app.conf: content, mode");
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->actions[0].backup);
  CHECK(c->actions[0].mode == 0600u);
  CHECK(c->actions[0].validate_argv == std::vector<std::string>{"app", "--check", "%s"});
  CHECK(c->result["group"] == "app");
}

TEST_CASE("file with only attributes differing sets them without rewriting") {
  Value args =
      Args({{"path", "/etc/app.conf"}, {"content", "x\n"}, {"owner", "app"}, {"group", "app"}});
  Result<Change> c = PlanWith(args, {"stat:/etc/app.conf", "read:/etc/app.conf"},
                              {FileStat(FileType::kFile), FileContent("x\n")});
  REQUIRE(c.ok());
  CHECK(c->diff ==
        "--- before: /etc/app.conf\n+++ after: /etc/app.conf\nowner: root -> app\n"
        "group: root -> app\n");
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kSetAttributes);
  CHECK(c->actions[0].owner == "app");
  CHECK(c->actions[0].group == "app");
  CHECK(!c->actions[0].mode.has_value());
  CHECK(c->message == "would change /etc/app.conf: owner, group");
}

TEST_CASE("file reads src and template contents on the controller") {
  Value src = Args({{"dest", "/etc/motd"}, {"src", "files/motd"}});
  Result<Change> c =
      PlanWith(src, {"stat:/etc/motd", "read:/etc/motd", "local:files/motd"},
               {FileStat(FileType::kFile), FileContent("old\n"), FileContent("new\n")});
  REQUIRE(c.ok());
  CHECK(c->actions.at(0).content == "new\n");

  Value tpl = Args({{"name", "/etc/motd"}, {"template", "motd.j2"}});
  c = PlanWith(tpl, {"stat:/etc/motd", "read:/etc/motd", "template:motd.j2"},
               {kMissing, FileContent(std::nullopt), FileContent(std::nullopt)});
  CHECK(c.message() == "template 'motd.j2' does not exist on the controller");
  c = PlanWith(
      tpl, {"stat:/etc/motd", "read:/etc/motd", "template:motd.j2"},
      {kMissing, FileContent(std::nullopt), FailedRead("motd.j2:3:4: undefined variable 'x'")});
  CHECK(c.message() == "motd.j2:3:4: undefined variable 'x'");
}

TEST_CASE("file skips the diff of binary content but still writes it") {
  const std::string binary(
      "\x7f"
      "ELF\0\1",
      6);
  Value args = Args({{"path", "/usr/local/bin/tool"}, {"content", binary}});
  Result<Change> c = PlanWith(args, {"stat:/usr/local/bin/tool", "read:/usr/local/bin/tool"},
                              {FileStat(FileType::kFile, 0755), FileContent("old")});
  REQUIRE(c.ok());
  CHECK(c->diff ==
        "--- before: /usr/local/bin/tool\n+++ after: /usr/local/bin/tool\n"
        "diff skipped: the content is binary\n");
  CHECK(c->actions.at(0).content == binary);
}

TEST_CASE("file without content manages the attributes of what exists") {
  Value args = Args({{"path", "/srv/data"}, {"mode", "0750"}});
  Result<Change> c = PlanWith(args, {"stat:/srv/data"}, {FileStat(FileType::kDirectory, 0755)});
  REQUIRE(c.ok());
  CHECK(c->diff == "--- before: /srv/data\n+++ after: /srv/data\nmode: 0755 -> 0750\n");
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kSetAttributes);
  CHECK(c->result["state"] == "directory");

  c = PlanWith(args, {"stat:/srv/data"}, {kMissing});
  CHECK(c.message() ==
        "file /srv/data does not exist (use state: touch to create it, or give content)");
  c = PlanWith(Args({{"path", "/srv/data"}, {"state", "file"}}), {"stat:/srv/data"},
               {FileStat(FileType::kDirectory)});
  CHECK(c.message() == "path /srv/data is a directory, not a file (use state: directory)");
  c = PlanWith(Args({{"path", "/srv/data"}, {"content", "x"}}),
               {"stat:/srv/data", "read:/srv/data"},
               {FileStat(FileType::kDirectory), FileContent("")});
  CHECK(c.message() == "cannot write file /srv/data: it is a directory");
}

TEST_CASE("file state directory creates, adjusts or refuses") {
  Value args = Args({{"path", "/var/lib/app/"},
                     {"state", "directory"},
                     {"owner", "app"},
                     {"mode", "u=rwx,g=rx"}});
  Result<Change> c = PlanWith(args, {"stat:/var/lib/app"}, {kMissing});
  REQUIRE(c.ok());
  CHECK(c->message == "would create directory /var/lib/app");
  CHECK(c->diff ==
        "--- before: /var/lib/app\n+++ after: /var/lib/app\nstate: absent -> directory\n"
        "mode: 0750\nowner: app\n");
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kMakeDirectory);
  CHECK(c->actions[0].path == "/var/lib/app");
  CHECK(c->actions[0].mode == 0750u);
  CHECK(c->actions[0].owner == "app");

  c = PlanWith(args, {"stat:/var/lib/app"}, {FileStat(FileType::kDirectory, 0750, "app")});
  REQUIRE(c.ok());
  CHECK(!c->changed);
  c = PlanWith(args, {"stat:/var/lib/app"}, {FileStat(FileType::kDirectory, 0700, "app")});
  REQUIRE(c.ok());
  CHECK(c->actions.at(0).kind == Kind::kSetAttributes);
  c = PlanWith(args, {"stat:/var/lib/app"}, {FileStat(FileType::kFile)});
  CHECK(c.message() == "path /var/lib/app exists and is a file, not a directory");
}

TEST_CASE("file state absent removes whatever is there, links included") {
  Value args = Args({{"path", "/etc/old.conf"}, {"state", "absent"}});
  struct Case {
    ReadResult stat;
    std::string diff;
  };
  const std::vector<Case> cases = {
      {FileStat(FileType::kFile),
       "--- before: /etc/old.conf\n+++ after: /etc/old.conf\n"
       "state: file -> absent\n"},
      {FileStat(FileType::kDirectory),
       "--- before: /etc/old.conf\n+++ after: /etc/old.conf\n"
       "state: directory -> absent\n"},
      {FileStat(FileType::kSymlink, 0777, "root", "root", "/x"),
       "--- before: /etc/old.conf\n+++ after: /etc/old.conf\nstate: link -> absent\n"},
  };
  for (const Case& k : cases) {
    Result<Change> c = PlanWith(args, {"stat:/etc/old.conf"}, {k.stat});
    REQUIRE(c.ok());
    CHECK(c->diff == k.diff);
    CHECK(c->message == "would remove /etc/old.conf");
    REQUIRE(c->actions.size() == 1);
    CHECK(c->actions[0].kind == Kind::kRemove);
    CHECK(c->actions[0].path == "/etc/old.conf");
  }
  Result<Change> c = PlanWith(args, {"stat:/etc/old.conf"}, {kMissing});
  REQUIRE(c.ok());
  CHECK(!c->changed);
  CHECK(
      c->result ==
      Value({{"path", "/etc/old.conf"}, {"state", "absent"}, {"changed_fields", Value::array()}}));
}

TEST_CASE("file state link creates, retargets, or replaces only with force") {
  Value args =
      Args({{"path", "/usr/local/bin/kubectl"}, {"state", "link"}, {"src", "/opt/k8s/kubectl"}});
  const std::vector<std::string> probe = {"stat:/usr/local/bin/kubectl"};
  Result<Change> c = PlanWith(args, probe, {kMissing});
  REQUIRE(c.ok());
  CHECK(c->diff ==
        "--- before: /usr/local/bin/kubectl\n+++ after: /usr/local/bin/kubectl\n"
        "state: absent -> link\ntarget: /opt/k8s/kubectl\n");
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kSymlink);
  CHECK(c->actions[0].target == "/opt/k8s/kubectl");
  CHECK(c->message == "would create link /usr/local/bin/kubectl");
  CHECK(c->result["target"] == "/opt/k8s/kubectl");

  c = PlanWith(args, probe,
               {FileStat(FileType::kSymlink, 0777, "root", "root", "/opt/k8s/kubectl")});
  REQUIRE(c.ok());
  CHECK(!c->changed);
  c = PlanWith(args, probe, {FileStat(FileType::kSymlink, 0777, "root", "root", "/opt/old")});
  REQUIRE(c.ok());
  CHECK(c->diff ==
        "--- before: /usr/local/bin/kubectl\n+++ after: /usr/local/bin/kubectl\n"
        "target: /opt/old -> /opt/k8s/kubectl\n");
  CHECK(c->actions.at(0).kind == Kind::kSymlink);

  c = PlanWith(args, probe, {FileStat(FileType::kFile)});
  CHECK(c.message() ==
        "path /usr/local/bin/kubectl exists and is a file: set force: true to "
        "replace it with a link");
  c = PlanWith(args, probe, {FileStat(FileType::kDirectory)});
  CHECK(c.message() ==
        "path /usr/local/bin/kubectl is a directory: remove it first (state: "
        "absent) to put a link there");
  Value forced = args;
  forced["force"] = true;
  c = PlanWith(forced, probe, {FileStat(FileType::kFile)});
  REQUIRE(c.ok());
  CHECK(c->message == "would replace with a link /usr/local/bin/kubectl");
  CHECK(c->actions.at(0).kind == Kind::kSymlink);
}

TEST_CASE("file state touch creates a file or updates its times") {
  Value args = Args({{"path", "/var/run/app.stamp"}, {"state", "touch"}, {"mode", "0600"}});
  Result<Change> c = PlanWith(args, {"stat:/var/run/app.stamp"}, {kMissing});
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].kind == Kind::kTouch);
  CHECK(c->actions[1].kind == Kind::kSetAttributes);
  CHECK(c->actions[1].mode == 0600u);
  CHECK(c->diff ==
        "--- before: /var/run/app.stamp\n+++ after: /var/run/app.stamp\n"
        "state: absent -> file\nmode: 0600\n");

  c = PlanWith(args, {"stat:/var/run/app.stamp"}, {FileStat(FileType::kFile, 0600)});
  REQUIRE(c.ok());
  CHECK(c->changed);
  CHECK(c->message == "would touch /var/run/app.stamp");
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kTouch);
  CHECK(c->diff == "");
  CHECK(c->result["changed_fields"] == Value::array({"times"}));
}

TEST_CASE("file follows a symlink one level with one more read") {
  FileModule module;
  Value args =
      Args({{"path", "/etc/resolv.conf"}, {"content", "nameserver 1.1.1.1\n"}, {"mode", "0644"}});
  std::vector<ReadResult> reads = {
      FileStat(FileType::kSymlink, 0777, "root", "root", "../run/resolv.conf"),
      FileContent("nameserver 1.1.1.1\n")};
  Result<Change> first = module.Plan(args, reads, Value::object());
  REQUIRE(first.ok());
  CHECK(!first->changed);
  REQUIRE(first->more_reads.size() == 1);
  CHECK(first->more_reads[0].kind == Read::Kind::kStat);
  CHECK(first->more_reads[0].path == "/etc/../run/resolv.conf");

  reads.push_back(FileStat(FileType::kFile, 0600));
  Result<Change> second = module.Plan(args, reads, Value::object());
  REQUIRE(second.ok());
  CHECK(second->diff ==
        "--- before: /etc/resolv.conf\n+++ after: /etc/resolv.conf\nmode: 0600 -> 0644\n");
  REQUIRE(second->actions.size() == 1);
  CHECK(second->actions[0].kind == Kind::kSetAttributes);
  CHECK(second->actions[0].path == "/etc/../run/resolv.conf");

  reads.back() = FileStat(FileType::kSymlink, 0777, "root", "root", "/x");
  CHECK(module.Plan(args, reads, Value::object()).message() ==
        "path /etc/resolv.conf is a link to another link (/etc/../run/resolv.conf): give the "
        "final path instead");
}

// A stat answer for a path owned by `owner`:`group`, whose ids are `uid`
// and `gid`.
ReadResult OwnedBy(FileType type, std::string owner, std::string group, uint32_t uid,
                   uint32_t gid) {
  ReadResult r = FileStat(type, type == FileType::kDirectory ? 0755 : 0644, std::move(owner),
                          std::move(group));
  r.stat.uid = uid;
  r.stat.gid = gid;
  return r;
}

TEST_CASE("file compares an owner or group given as a number with the path's ids") {
  Value args = Args({{"path", "/etc/app.conf"}, {"owner", "4321"}, {"group", "4321"}});
  struct Case {
    ReadResult stat;
    std::string diff;
  };
  for (const Case& c : std::vector<Case>{
           {OwnedBy(FileType::kFile, "hpuser", "hpuser", 4321, 4321), ""},
           {OwnedBy(FileType::kFile, "hpuser", "root", 4321, 0),
            "--- before: /etc/app.conf\n+++ after: /etc/app.conf\ngroup: root -> 4321\n"},
           {OwnedBy(FileType::kFile, "hpuser", "hpuser", 1000, 1000),
            "--- before: /etc/app.conf\n+++ after: /etc/app.conf\nowner: hpuser -> 4321\n"
            "group: hpuser -> 4321\n"},
       }) {
    CAPTURE(c.diff);
    FileModule module;
    // The ids come with the path's stat: no read of their own.
    CHECK(module.Probe(args, Value::object()).size() == 1);
    Result<Change> change = module.Plan(args, {c.stat}, Value::object());
    REQUIRE(change.ok());
    CHECK(change->diff == c.diff);
    CHECK(change->changed == !c.diff.empty());
  }
}

TEST_CASE("file compares numeric ids with what a symlink points to") {
  Value args = Args({{"path", "/etc/app.conf"}, {"group", "0"}});
  const ReadResult link = FileStat(FileType::kSymlink, 0777, "hpuser", "hpuser", "app.real");
  FileModule module;
  Result<Change> first = module.Plan(args, {link}, Value::object());
  REQUIRE(first.ok());
  REQUIRE(first->more_reads.size() == 1);
  CHECK(first->more_reads[0].path == "/etc/app.real");
  Result<Change> second =
      module.Plan(args, {link, OwnedBy(FileType::kFile, "root", "root", 0, 0)}, Value::object());
  REQUIRE(second.ok());
  CHECK_FALSE(second->changed);
}

TEST_CASE("file reads nothing but the stat for owners, groups and states without content") {
  FileModule module;
  for (const Value& raw : std::vector<Value>{
           {{"path", "/x"}, {"owner", "hpuser"}},
           {{"path", "/x"}, {"owner", "1000"}, {"group", "1000"}},
           {{"path", "/x"}, {"state", "absent"}},
           {{"path", "/x"}, {"state", "link"}, {"src", "/y"}},
       }) {
    CAPTURE(raw.dump());
    CHECK(module.Probe(Args(raw), Value::object()).size() == 1);
  }
  Value dir = Args({{"path", "/srv/x"}, {"state", "directory"}, {"group", "0"}});
  Result<Change> change =
      module.Plan(dir, {OwnedBy(FileType::kDirectory, "root", "root", 0, 0)}, Value::object());
  REQUIRE(change.ok());
  CHECK_FALSE(change->changed);
}

TEST_CASE("file passes on failed reads") {
  Value args = Args({{"path", "/root/x"}, {"content", "x"}});
  CHECK(PlanWith(args, {"stat:/root/x", "read:/root/x"},
                 {FailedRead("stat /root/x: permission denied"), FileContent(std::nullopt)})
            .message() == "stat /root/x: permission denied");
  CHECK(PlanWith(args, {"stat:/root/x", "read:/root/x"},
                 {FileStat(FileType::kFile), FailedRead("read /root/x: permission denied")})
            .message() == "read /root/x: permission denied");
}

TEST_CASE("file arguments are checked before any host is contacted") {
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  const std::vector<Case> cases = {
      {{{"path", "etc/x"}, {"content", "x"}},
       {"path: argument 'path' must be an absolute path, not 'etc/x'"}},
      {{{"path", "/"}, {"state", "absent"}}, {"path: refusing to remove /"}},
      {{{"path", "/x"}, {"state", "link"}},
       {"src: state: link needs 'src', the path the link points to"}},
      {{{"path", "/x"}, {"state", "link"}, {"src", "/y"}, {"content", "c"}, {"mode", "0644"}},
       {"src: arguments 'content' and 'src' cannot be used together",
        "content: argument 'content' is only used with state: file (the link target is 'src')",
        "mode: argument 'mode' is not used with state: link"}},
      {{{"path", "/x"}, {"state", "directory"}, {"content", "c"}},
       {"content: argument 'content' is only used with state: file"}},
      {{{"path", "/x"}, {"state", "absent"}, {"owner", "app"}},
       {"owner: argument 'owner' is not used with state: absent"}},
      {{{"path", "/x"}, {"content", "c"}, {"template", "t.j2"}},
       {"template: arguments 'content' and 'template' cannot be used together"}},
      {{{"path", "/x"}, {"validate", "visudo -cf %s"}},
       {"validate: argument 'validate' is only used with content, src or template"}},
      {{{"path", "/x"}, {"content", "c"}, {"validate", "visudo -cf"}},
       {"validate: argument 'validate' must contain %s, the path of the new content"}},
      {{{"path", "/x"}, {"state", "present"}},
       {"state: argument 'state' must be one of file, directory, absent, link, touch, not "
        "'present'"}},
      {{{"path", "/x"}, {"mode", 644}},
       {"mode: argument 'mode' mode 644 is ambiguous: it reads as a decimal number; write it "
        "quoted as '0644'"}},
      {{{"path", "/x"}, {"content", "c"}, {"validate", "visudo -cf %s"}, {"mode", "0440"}}, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw.dump());
    CHECK(Errors(c.raw) == c.errors);
  }
  CHECK(Errors({{"path", "{{ dir }}/x"}, {"state", "{{ st }}"}}, true).empty());
}

TEST_CASE("file declares the directories it provides and the paths it needs") {
  FileModule module;
  struct Case {
    Value raw;
    std::vector<std::string> provides;
    std::vector<std::string> needs;
  };
  const std::vector<Case> cases = {
      {{{"path", "/etc/app/"}, {"state", "directory"}}, {"dir:/etc/app"}, {"path:/etc/app"}},
      {{{"path", "/etc/app/app.conf"}, {"content", "x"}},
       {"file:/etc/app/app.conf"},
       {"path:/etc/app/app.conf"}},
      {{{"path", "/usr/bin/k"}, {"state", "link"}, {"src", "/opt/k"}},
       {"file:/usr/bin/k"},
       {"path:/usr/bin/k"}},
      {{{"path", "/etc/old"}, {"state", "absent"}}, {}, {"path:/etc/old"}},
      {{{"path", "{{ d }}/x"}}, {}, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw.dump());
    Resources r = module.Declare(c.raw);
    CHECK(r.provides == c.provides);
    CHECK(r.needs == c.needs);
  }
}

}  // namespace
}  // namespace hostprep::modules
