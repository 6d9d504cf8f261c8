#include "modules/copy.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::FileContent;
using testing::FileStat;

using Kind = Action::Kind;

Value Args(const Value& raw) { return testing::NormalizedArgs(CopyModule(), raw); }

// A file on the controller: its content and mode.
ReadResult Local(std::optional<std::string> content, unsigned mode = 0644) {
  ReadResult r = FileContent(content);
  if (content) r.stat = {FileType::kFile, mode, "me", "me", content->size(), ""};
  return r;
}

const ReadResult kMissing = FileStat(FileType::kMissing);
const ReadResult kDir = FileStat(FileType::kDirectory, 0755);

// The reads Probe asks for, as "kind:path".
std::vector<std::string> Probed(const Value& args) {
  std::vector<std::string> asked;
  for (const Read& r : CopyModule().Probe(args, Value::object())) {
    const char* kind = r.kind == Read::Kind::kStat       ? "stat"
                       : r.kind == Read::Kind::kReadFile ? "read"
                       : r.render                        ? "template"
                                                         : "local";
    asked.push_back(std::string(kind) + ":" + r.path);
  }
  return asked;
}

TEST_CASE("copy writes content to a new file and registers Ansible's keys") {
  Value args = Args({{"dest", "/etc/modules-load.d/k8s.conf"},
                     {"content", "overlay\nbr_netfilter\n"},
                     {"mode", "0644"}});
  CHECK(Probed(args) == std::vector<std::string>{"stat:/etc/modules-load.d/k8s.conf",
                                                 "read:/etc/modules-load.d/k8s.conf"});
  Result<Change> c =
      CopyModule().Plan(args, {kMissing, FileContent(std::nullopt)}, Value::object());
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kWriteFile);
  CHECK(c->actions[0].path == "/etc/modules-load.d/k8s.conf");
  CHECK(c->actions[0].content == "overlay\nbr_netfilter\n");
  const Value& r = c->result;
  CHECK(r["dest"] == "/etc/modules-load.d/k8s.conf");
  CHECK(r["checksum"] == "34e17debf4a4a1b5743871ab975af918135df3bd");
  CHECK(r["md5sum"] == "bf4c83b6e00f0135e0b079430a390e7e");
  CHECK(r["size"] == 21);
  CHECK(r["state"] == "file");
  CHECK(r["mode"] == "0644");
  CHECK_FALSE(r.contains("owner"));  // not known before the file is written
  CHECK_FALSE(r.contains("uid"));
}

TEST_CASE("copy leaves a file with the same content alone and registers its ids") {
  Value args = Args({{"dest", "/etc/app.conf"}, {"content", "a=1\n"}});
  ReadResult have = FileStat(FileType::kFile, 0640, "app", "adm");
  have.stat.uid = 998;
  have.stat.gid = 4;
  Result<Change> c = CopyModule().Plan(args, {have, FileContent("a=1\n")}, Value::object());
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->actions.empty());
  CHECK(c->diff == "");
  const Value& r = c->result;
  CHECK(r["checksum"] == "9dc9cfd3b38b77561ec22b49a723432e26181003");
  CHECK_FALSE(r.contains("md5sum"));  // Ansible reports it only when it copies
  CHECK(r["mode"] == "0640");
  CHECK(r["owner"] == "app");
  CHECK(r["uid"] == 998);
  CHECK(r["gid"] == 4);
  CHECK(r["path"] == "/etc/app.conf");
}

TEST_CASE("copy writes a mapping given as content as Python's json.dumps does") {
  Value args =
      Args({{"dest", "/etc/app.json"},
            {"content", Value::parse(R"({"name": "é", "ports": [80, 443], "tls": true})")}});
  Result<Change> c =
      CopyModule().Plan(args, {kMissing, FileContent(std::nullopt)}, Value::object());
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content == R"({"name": "\u00e9", "ports": [80, 443], "tls": true})");
}

TEST_CASE("copy puts a controller file into a directory dest under its own name") {
  SUBCASE("dest ending with a slash: known without reading the host first") {
    Value args = Args({{"src", "bin/helm"}, {"dest", "/usr/local/bin/"}, {"mode", "0755"}});
    CHECK(Probed(args) == std::vector<std::string>{"local:bin/helm", "stat:/usr/local/bin/helm",
                                                   "read:/usr/local/bin/helm",
                                                   "stat:/usr/local/bin"});
    Result<Change> c = CopyModule().Plan(
        args, {Local("ELF"), kMissing, FileContent(std::nullopt), kDir}, Value::object());
    REQUIRE(c.ok());
    REQUIRE(c->actions.size() == 1);
    CHECK(c->actions[0].path == "/usr/local/bin/helm");
    CHECK(c->result["dest"] == "/usr/local/bin/helm");
  }
  SUBCASE("dest ending with a slash that does not exist: created first") {
    Value args = Args({{"src", "helm"}, {"dest", "/opt/tools/"}, {"directory_mode", "0750"}});
    Result<Change> c = CopyModule().Plan(
        args, {Local("ELF"), kMissing, FileContent(std::nullopt), kMissing}, Value::object());
    REQUIRE(c.ok());
    REQUIRE(c->actions.size() == 2);
    CHECK(c->actions[0].kind == Kind::kMakeDirectory);
    CHECK(c->actions[0].path == "/opt/tools");
    CHECK(c->actions[0].mode == 0750u);
    CHECK(c->actions[1].path == "/opt/tools/helm");
  }
  SUBCASE("dest naming an existing directory: its NAME read in the same probe") {
    Value args = Args({{"src", "files/helm"}, {"dest", "/usr/local/bin"}});
    CHECK(Probed(args) ==
          std::vector<std::string>{"local:files/helm", "stat:/usr/local/bin", "read:/usr/local/bin",
                                   "stat:/usr/local/bin/helm", "read:/usr/local/bin/helm"});
    ReadResult not_a_file;
    not_a_file.status = Status::Error("read /usr/local/bin: is a directory");
    Result<Change> c = CopyModule().Plan(
        args, {Local("ELF"), kDir, not_a_file, FileStat(FileType::kFile), FileContent("ELF")},
        Value::object());
    REQUIRE(c.ok());
    CHECK_FALSE(c->changed);
    CHECK(c->result["dest"] == "/usr/local/bin/helm");
  }
}

TEST_CASE("copy with force false leaves an existing file alone, whatever it holds") {
  Value args = Args({{"dest", "/etc/app.conf"}, {"content", "new\n"}, {"force", false}});
  Result<Change> c =
      CopyModule().Plan(args, {FileStat(FileType::kFile), FileContent("old\n")}, Value::object());
  REQUIRE(c.ok());
  CHECK_FALSE(c->changed);
  CHECK(c->actions.empty());
  CHECK(c->result["dest"] == "/etc/app.conf");
}

TEST_CASE("copy replaces a symlink at dest with the file, or follows it when asked") {
  const ReadResult link = FileStat(FileType::kSymlink, 0777, "root", "root", "../run/app.conf");
  SUBCASE("follow false, Ansible's default: the link goes, whatever it pointed to") {
    Value args = Args({{"dest", "/etc/app.conf"}, {"content", "a=1\n"}});
    Result<Change> c = CopyModule().Plan(args, {link, FileContent("a=1\n")}, Value::object());
    REQUIRE(c.ok());
    CHECK(c->changed);
    REQUIRE(c->actions.size() == 1);
    CHECK(c->actions[0].kind == Kind::kWriteFile);
    CHECK_FALSE(c->actions[0].follow);
    CHECK(c->message == "would replace the link with a file /etc/app.conf");
    CHECK(c->diff == "--- before: /etc/app.conf\n+++ after: /etc/app.conf\nstate: link -> file\n");
  }
  SUBCASE("follow true: written to the file the link points to, which is read next") {
    Value args = Args({{"dest", "/etc/app.conf"}, {"content", "a=2\n"}, {"follow", true}});
    Result<Change> more = CopyModule().Plan(args, {link, FileContent("a=1\n")}, Value::object());
    REQUIRE(more.ok());
    REQUIRE(more->more_reads.size() == 1);
    CHECK(more->more_reads[0].path == "/etc/../run/app.conf");
    Result<Change> c = CopyModule().Plan(
        args, {link, FileContent("a=1\n"), FileStat(FileType::kFile, 0600)}, Value::object());
    REQUIRE(c.ok());
    REQUIRE(c->actions.size() == 1);
    CHECK(c->actions[0].path == "/etc/app.conf");
    CHECK(c->actions[0].follow);
    CHECK(c->result["mode"] == "0600");
  }
}

TEST_CASE("copy keeps the source's mode with mode preserve") {
  Value args = Args({{"src", "run.sh"}, {"dest", "/usr/local/bin/run"}, {"mode", "preserve"}});
  Result<Change> c =
      CopyModule().Plan(args,
                        {Local("#!/bin/sh\n", 0750), kMissing, FileContent(std::nullopt), kMissing,
                         FileContent(std::nullopt)},
                        Value::object());
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].mode == 0750u);
}

TEST_CASE("copy from a file on the target with remote_src") {
  Value args = Args({{"src", "/etc/kubernetes/admin.conf"},
                     {"dest", "/root/.kube/config"},
                     {"remote_src", true},
                     {"mode", "0600"}});
  CHECK(Probed(args) ==
        std::vector<std::string>{"stat:/etc/kubernetes/admin.conf",
                                 "read:/etc/kubernetes/admin.conf", "stat:/root/.kube/config",
                                 "read:/root/.kube/config", "stat:/root/.kube/config/admin.conf",
                                 "read:/root/.kube/config/admin.conf"});
  Result<Change> c =
      CopyModule().Plan(args,
                        {FileStat(FileType::kFile, 0600), FileContent("apiVersion: v1\n"), kMissing,
                         FileContent(std::nullopt), kMissing, FileContent(std::nullopt)},
                        Value::object());
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content == "apiVersion: v1\n");
  SUBCASE("a missing remote source fails the task, naming it") {
    Result<Change> missing =
        CopyModule().Plan(args,
                          {kMissing, FileContent(std::nullopt), kMissing, FileContent(std::nullopt),
                           kMissing, FileContent(std::nullopt)},
                          Value::object());
    CHECK(missing.message() == "src '/etc/kubernetes/admin.conf' does not exist on the target");
  }
}

TEST_CASE("copy fails before writing where Ansible's copy would fail") {
  SUBCASE("a missing controller file") {
    Value args = Args({{"src", "nope.conf"}, {"dest", "/etc/nope.conf"}});
    Result<Change> c = CopyModule().Plan(args,
                                         {Local(std::nullopt), kMissing, FileContent(std::nullopt),
                                          kMissing, FileContent(std::nullopt)},
                                         Value::object());
    CHECK(c.message() == "src 'nope.conf' does not exist on the controller");
  }
  SUBCASE("a directory on the controller") {
    Value args = Args({{"src", "conf.d"}, {"dest", "/etc/app"}});
    ReadResult dir = Local(std::nullopt);
    dir.stat.type = FileType::kDirectory;
    Result<Change> c = CopyModule().Plan(
        args, {dir, kMissing, FileContent(std::nullopt), kMissing, FileContent(std::nullopt)},
        Value::object());
    CHECK(c.message() ==
          "src 'conf.d' is a directory on the controller: copying a directory tree is not "
          "supported yet; copy its files one by one (with_fileglob)");
  }
  SUBCASE("content for a directory") {
    Value args = Args({{"dest", "/etc"}, {"content", "x"}});
    ReadResult not_a_file;
    not_a_file.status = Status::Error("read /etc: is a directory");
    Result<Change> c = CopyModule().Plan(args, {kDir, not_a_file}, Value::object());
    CHECK(c.message() == "dest /etc is a directory: content needs the path of a file as dest");
  }
  SUBCASE("content that does not have the expected checksum") {
    Value args = Args({{"dest", "/etc/app.conf"},
                       {"content", "a=1\n"},
                       {"checksum", "0000000000000000000000000000000000000000"}});
    Result<Change> c =
        CopyModule().Plan(args, {kMissing, FileContent(std::nullopt)}, Value::object());
    CHECK(c.message() ==
          "the content to copy has SHA-1 checksum 9dc9cfd3b38b77561ec22b49a723432e26181003, "
          "not the expected 0000000000000000000000000000000000000000: nothing was written");
  }
}

TEST_CASE("copy refuses arguments that can never work when the playbook is read") {
  CopyModule module;
  struct Case {
    Value raw;
    std::vector<std::string> errors;
  };
  for (const Case& c : std::vector<Case>{
           {{{"dest", "/x"}}, {": module 'copy' needs one of 'src', 'content'"}},
           {{{"dest", "/x"}, {"src", "a"}, {"content", "b"}},
            {"content: arguments 'src' and 'content' cannot be used together"}},
           {{{"dest", "etc/x"}, {"content", "b"}},
            {"dest: argument 'dest' must be an absolute path, not 'etc/x'"}},
           {{{"dest", "/etc/"}, {"content", "b"}},
            {"dest: content needs the path of a file as dest, not a directory"}},
           {{{"dest", "/etc/x"}, {"src", "conf.d/"}},
            {"src: src 'conf.d/' is a directory: copying a directory tree is not supported yet; "
             "copy its files one by one"}},
           {{{"dest", "/etc/x"}, {"content", "b"}, {"mode", "rwx"}}, {}},
           {{{"dest", "/etc/x"}, {"content", "b"}, {"checksum", "abc"}},
            {"checksum: checksum 'abc' is not a SHA-1 checksum (40 hex digits, as sha1sum prints "
             "it)"}},
           {{{"dest", "/etc/x"}, {"content", "b"}, {"validate", "visudo -c"}},
            {"validate: argument 'validate' must contain %s, the path of the new content"}},
       }) {
    CAPTURE(c.raw.dump());
    std::vector<std::string> got = testing::ArgErrors(module, c.raw);
    if (c.raw.contains("mode")) {
      CHECK(got.size() == 1);  // ParseMode's own message
    } else {
      CHECK(got == c.errors);
    }
  }
}

TEST_CASE("copy is found by its Ansible names") {
  CopyModule module;
  CHECK(module.spec().ansible_names ==
        std::vector<std::string>{"ansible.builtin.copy", "ansible.legacy.copy"});
}

}  // namespace
}  // namespace hostprep::modules
