// What the .deb ships beside the binary: the man page describes every command
// and option the binary has, the bash completion offers them, and `hostprep
// version` names the commit it was built from. (The .deb itself is installed
// on a Debian host by tests/integration/nspawn/deb_package_test.cc.)
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/shell_test_util.h"

namespace hostprep {
namespace {

using testing::RunCommand;
using testing::SingleQuoted;

const std::string kHostprep = HOSTPREP_BINARY;
const std::string kSource = HOSTPREP_SOURCE_DIR;
const char* const kCommands[] = {"run",      "validate", "graph", "inventory", "facts",
                                 "template", "modules",  "doc",   "report",    "version"};

// The man page's text with roff's escaped hyphens ("\-") as plain ones.
std::string ManPage() {
  std::ifstream in(kSource + "/packaging/hostprep.1");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return std::regex_replace(text.str(), std::regex(R"(\\-)"), "-");
}

// The long options `hostprep COMMAND --help` lists.
std::set<std::string> HelpOptions(const std::string& command) {
  const testing::Output help = RunCommand(kHostprep + " " + command + " --help");
  REQUIRE_MESSAGE(help.exit_code == 0, help.text);
  std::set<std::string> options;
  const std::regex option(R"(--[a-z][a-z0-9-]*)");
  for (std::sregex_iterator it(help.text.begin(), help.text.end(), option), end; it != end; ++it)
    options.insert(it->str());
  return options;
}

TEST_CASE(
    "the man page describes every command and every option of run, validate, graph and facts") {
  const std::string page = ManPage();
  for (const std::string command : kCommands) {
    CHECK_MESSAGE(page.find(".B " + command + "\n") != std::string::npos,
                  "the man page has no entry for the command " << command);
  }
  for (const std::string command :
       {"run", "validate", "graph", "inventory", "facts", "template", "report merge"}) {
    for (const std::string& option : HelpOptions(command)) {
      // --playbook is the positional PLAYBOOK's name inside the parser.
      if (option == "--help" || option == "--playbook") continue;
      CHECK_MESSAGE(page.find(option) != std::string::npos,
                    "hostprep " << command << " --help lists " << option
                                << ", which packaging/hostprep.1 does not describe");
    }
  }
}

TEST_CASE("the man page renders without warnings") {
  const testing::Output rendered = RunCommand("LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l " +
                                              kSource + "/packaging/hostprep.1 >/dev/null");
  CHECK_MESSAGE(rendered.exit_code == 0, rendered.text);
  CHECK_MESSAGE(rendered.text.empty(), rendered.text);
}

TEST_CASE("hostprep version names the release and the commit it was built from") {
  const testing::Output version = RunCommand(kHostprep + " version");
  REQUIRE(version.exit_code == 0);
  const testing::Output head =
      RunCommand("git -C " + SingleQuoted(kSource) + " rev-parse --short=12 HEAD");
  REQUIRE(head.exit_code == 0);
  const std::string commit = head.text.substr(0, head.text.find('\n'));
  CHECK_MESSAGE(version.text.rfind("hostprep 0.1.0 (commit " + commit, 0) == 0, version.text);
  CHECK(RunCommand(kHostprep + " --version").text == version.text);
}

// Runs the completion function for `hostprep ARGS` typed so far (the last word
// being completed; this build's binary as the command) and returns what it
// offers, one per line.
std::string Complete(const std::string& args) {
  const std::string script =
      "source /usr/share/bash-completion/bash_completion; source " + kSource +
      "/packaging/hostprep.bash-completion; COMP_LINE=" + SingleQuoted(kHostprep + " " + args) +
      "; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<\"$COMP_LINE\"; "
      "[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
      "_hostprep; printf '%s\\n' \"${COMPREPLY[@]}\"";
  const testing::Output out = RunCommand("bash -c " + SingleQuoted(script));
  REQUIRE_MESSAGE(out.exit_code == 0, out.text);
  return out.text;
}

TEST_CASE("bash completion offers the commands, a command's options and the module names") {
  CHECK(Complete("va") == "validate\n");
  const std::string run = Complete("run --ch");
  CHECK(run == "--check\n");
  CHECK(Complete("run --output ") == "text\njson\n");
  CHECK(Complete("report ") == "merge\n");
  CHECK(Complete("report merge --ju") == "--junit\n");
  const std::string doc = Complete("doc ansible.builtin.lineinf");
  CHECK(doc == "ansible.builtin.lineinfile\n");
}

}  // namespace
}  // namespace hostprep
