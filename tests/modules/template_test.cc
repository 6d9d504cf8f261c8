#include "modules/template.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using testing::FileContent;
using testing::FileStat;

Value Args(const Value& raw) { return testing::NormalizedArgs(TemplateModule(), raw); }

// The rendered template, as the engine answers it.
ReadResult Rendered(std::optional<std::string> text, unsigned mode = 0644) {
  ReadResult r = FileContent(text);
  if (text) r.stat = {FileType::kFile, mode, "me", "me", text->size(), ""};
  return r;
}

const ReadResult kMissing = FileStat(FileType::kMissing);
const ReadResult kDir = FileStat(FileType::kDirectory, 0755);

TEST_CASE("template asks for its source rendered with the task's block options") {
  SUBCASE("Ansible's defaults: trim_blocks on, lstrip_blocks off") {
    std::vector<Read> reads = TemplateModule().Probe(
        Args({{"src", "chrony.conf.j2"}, {"dest", "/etc/chrony.conf"}}), Value::object());
    REQUIRE(reads.size() == 5);  // the template, dest's stat and content, and dest/NAME's
    CHECK(reads[0].kind == Read::Kind::kLocalFile);
    CHECK(reads[0].path == "chrony.conf.j2");
    CHECK(reads[0].render);
    CHECK(reads[0].trim_blocks);
    CHECK_FALSE(reads[0].lstrip_blocks);
    CHECK(reads[1].path == "/etc/chrony.conf");
    CHECK(reads[3].path == "/etc/chrony.conf/chrony.conf.j2");  // in case dest is a directory
  }
  SUBCASE("as the task sets them") {
    std::vector<Read> reads = TemplateModule().Probe(
        Args(
            {{"src", "a.j2"}, {"dest", "/etc/a"}, {"trim_blocks", false}, {"lstrip_blocks", true}}),
        Value::object());
    CHECK_FALSE(reads[0].trim_blocks);
    CHECK(reads[0].lstrip_blocks);
  }
}

TEST_CASE("template writes what the template rendered to and diffs it with the old file") {
  Value args = Args({{"src", "app.conf.j2"}, {"dest", "/etc/app.conf"}, {"backup", true}});
  Result<Change> c =
      TemplateModule().Plan(args,
                            {Rendered("port=8080\n"), FileStat(FileType::kFile),
                             FileContent("port=80\n"), kMissing, FileContent(std::nullopt)},
                            Value::object());
  REQUIRE(c.ok());
  CHECK(c->changed);
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content == "port=8080\n");
  CHECK(c->actions[0].backup);
  CHECK(c->diff ==
        "--- before: /etc/app.conf\n+++ after: /etc/app.conf\n@@ -1 +1 @@\n-port=80\n"
        "+port=8080\n");
  CHECK(c->result["dest"] == "/etc/app.conf");
  CHECK(c->result["md5sum"].is_string());
}

TEST_CASE("template keeps the template's mode with mode preserve") {
  Value args = Args({{"src", "run.sh.j2"}, {"dest", "/usr/local/bin/"}, {"mode", "preserve"}});
  Result<Change> c = TemplateModule().Plan(
      args, {Rendered("#!/bin/sh\n", 0755), kMissing, FileContent(std::nullopt), kDir},
      Value::object());
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].path == "/usr/local/bin/run.sh.j2");
  CHECK(c->actions[0].mode == 0755u);
}

TEST_CASE("template fails, naming the template, when it cannot be had") {
  Value args = Args({{"src", "gone.j2"}, {"dest", "/etc/gone"}});
  const std::vector<ReadResult> rest = {kMissing, FileContent(std::nullopt), kMissing,
                                        FileContent(std::nullopt)};
  std::vector<ReadResult> reads = {Rendered(std::nullopt)};
  reads.insert(reads.end(), rest.begin(), rest.end());
  CHECK(TemplateModule().Plan(args, reads, Value::object()).message() ==
        "src 'gone.j2' does not exist on the controller");
  reads[0].status = Status::Error("templates/gone.j2:3:7: unexpected '}'");
  CHECK(TemplateModule().Plan(args, reads, Value::object()).message() ==
        "templates/gone.j2:3:7: unexpected '}'");
}

TEST_CASE("template refuses Jinja options it cannot honour when the playbook is read") {
  TemplateModule module;
  CHECK(testing::ArgErrors(module, {{"src", "a.j2"},
                                    {"dest", "/etc/a"},
                                    {"variable_start_string", "[["},
                                    {"block_start_string", "{%"}}) ==
        std::vector<std::string>{
            "variable_start_string: variable_start_string '[[' is not supported: hostprep's "
            "templates use Jinja's default delimiters ('{{')"});
  CHECK(
      testing::ArgErrors(module, {{"src", "a.j2"}, {"dest", "/etc/a"}, {"newline_sequence", "\\n"}})
          .empty());
  CHECK(testing::ArgErrors(module,
                           {{"src", "a.j2"}, {"dest", "/etc/a"}, {"newline_sequence", "\\r\\n"}}) ==
        std::vector<std::string>{
            "newline_sequence: newline_sequence '\\r\\n' is not supported yet: only '\\n' is"});
  CHECK(testing::ArgErrors(module,
                           {{"src", "a.j2"}, {"dest", "/etc/a"}, {"output_encoding", "latin-1"}}) ==
        std::vector<std::string>{
            "output_encoding: output_encoding 'latin-1' is not supported: only utf-8 is"});
  CHECK(testing::ArgErrors(module, {{"dest", "/etc/a"}}) ==
        std::vector<std::string>{": missing required argument 'src' for module 'template'"});
}

}  // namespace
}  // namespace hostprep::modules
