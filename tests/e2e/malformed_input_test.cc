// End to end: malformed and hostile input files. Each case writes a small
// project (playbook, inventory, vars files) into a temp dir and runs the real
// binary on it, under a memory and a time bound, against an inventory whose
// host is a TCP listener of this test. Every case must be answered with exit
// code 4 and an error that names the file, line and column, before any host
// is contacted (the listener never sees a connection) and within the bounds.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/shell_test_util.h"

namespace {

using hostprep::testing::Has;
using hostprep::testing::Output;
using hostprep::testing::RunCommand;

// A TCP listener on 127.0.0.1 that nobody should reach.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }
  // Whether a connection came in since the last call.
  bool Contacted() {
    int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return false;
    close(c);
    while ((c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC)) >= 0) close(c);
    return true;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class TempProject {
 public:
  TempProject() {
    char tmpl[] = "/tmp/hostprep-malformed-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempProject() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& text, bool executable = false) {
    const std::string file = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    std::ofstream(file, std::ios::binary) << text;
    if (executable) std::filesystem::permissions(file, std::filesystem::perms::owner_all);
  }

 private:
  std::string path_;
};

struct Case {
  std::string name;
  std::map<std::string, std::string> files;
  // Where the first error must point ("play.yml:3:5") and what it must say.
  std::string at;
  std::string says;
  // The command after the binary; {inv} is the listener's inventory.
  std::string args = "run play.yml -i {inv}";
};

constexpr const char* kPlay =
    "- hosts: all\n"
    "  gather_facts: false\n"
    "  tasks:\n"
    "    - command: id\n";

// Ten levels of ten aliases each: 10^10 values once expanded.
std::string AliasBomb(const std::string& indent) {
  std::string out = indent + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    out += indent + "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) out += (j ? ", " : "") + prev;
    out += "]\n";
  }
  return out;
}

// `levels` mappings, each inside the one before.
std::string Nested(int levels, const std::string& leaf) {
  std::string out;
  for (int i = 0; i < levels; ++i) out += "{k" + std::to_string(i) + ": ";
  out += leaf;
  for (int i = 0; i < levels; ++i) out += "}";
  return out;
}

std::string PlayWithTask(const std::string& task_lines) {
  return "- hosts: all\n  gather_facts: false\n  tasks:\n" + task_lines;
}

std::vector<Case> Cases() {
  std::vector<Case> c;
  // --- YAML the parser must survive ------------------------------------
  c.push_back({"alias bomb in play vars",
               {{"play.yml", "- hosts: all\n  gather_facts: false\n  vars:\n" + AliasBomb("    ") +
                                 "  tasks:\n    - command: id\n"}},
               "play.yml:",
               "once its aliases (*name) are expanded"});
  c.push_back(
      {"alias bomb in a vars file",
       {{"play.yml", "- hosts: all\n  vars_files: [bomb.yml]\n  tasks:\n    - command: id\n"},
        {"bomb.yml", AliasBomb("")}},
       "bomb.yml:",
       "once its aliases (*name) are expanded"});
  c.push_back({"alias bomb in a YAML inventory",
               {{"play.yml", kPlay},
                {"inv.yml", "all:\n  vars:\n" + AliasBomb("    ") + "  hosts:\n    h1:\n"}},
               "inv.yml:",
               "once its aliases (*name) are expanded",
               "run play.yml -i inv.yml"});
  c.push_back({"alias bomb in -e @file",
               {{"play.yml", kPlay}, {"extra.yml", AliasBomb("")}},
               "extra.yml:",
               "once its aliases (*name) are expanded",
               "run play.yml -i {inv} -e @extra.yml"});
  {
    // A 100 MB playbook: tasks without end.
    std::string big = "- hosts: all\n  gather_facts: false\n  tasks:\n";
    const std::string task = "    - command: echo a task that repeats until the file is huge\n";
    while (big.size() < (size_t{100} << 20)) big += task;
    c.push_back(
        {"a 100 MB playbook", {{"play.yml", big}}, "play.yml:", "the file is larger than 32 MiB"});
  }
  c.push_back({"invalid UTF-8 in a task name",
               {{"play.yml", PlayWithTask("    - name: caf\xe9\n      command: id\n")}},
               "play.yml:4:16:",
               "invalid UTF-8 (byte 0xe9): YAML files must be UTF-8 text"});
  c.push_back({"an overlong UTF-8 slash",
               {{"play.yml", PlayWithTask("    - command: cat \xc0\xaf"
                                          "etc/passwd\n")}},
               "play.yml:4:20:",
               "invalid UTF-8 (byte 0xc0)"});
  c.push_back({"a UTF-8 encoded surrogate",
               {{"play.yml", PlayWithTask("    - command: echo \xed\xa0\x80\n")}},
               "play.yml:4:21:",
               "invalid UTF-8 (byte 0xed)"});
  c.push_back({"a NUL byte inside a value",
               {{"play.yml", PlayWithTask(std::string("    - command: echo a\0b\n", 24))}},
               "play.yml:4:22:",
               "a NUL byte: YAML files must be UTF-8 text"});
  c.push_back({"a NUL byte at the start",
               {{"play.yml", std::string("\0\0\0- hosts: all\n", 17)}},
               "play.yml:1:1:",
               "a NUL byte"});
  c.push_back({"invalid UTF-8 in a vars file",
               {{"play.yml", "- hosts: all\n  vars_files: [v.yml]\n  tasks:\n    - command: id\n"},
                {"v.yml", "motd: \"\xff\xfe\"\n"}},
               "v.yml:1:8:",
               "invalid UTF-8 (byte 0xff)"});
  c.push_back({"tabs as indentation",
               {{"play.yml", "- hosts: all\n  tasks:\n\t- command: id\n"}},
               "play.yml:3:",
               "invalid YAML"});
  c.push_back({"a byte order mark and then a tab",
               {{"play.yml", "\xef\xbb\xbf- hosts: all\n  tasks:\n  \t- command: id\n"}},
               "play.yml:3:",
               "invalid YAML"});
  c.push_back({"an unterminated quote",
               {{"play.yml", PlayWithTask("    - command: \"echo hi\n    - command: id\n")}},
               "play.yml:4:16:",
               "invalid YAML: this quoted string has no closing \" before the end of the file"});
  c.push_back({"an unterminated single quote",
               {{"play.yml", PlayWithTask("    - command: 'it''s\n")}},
               "play.yml:4:16:",
               "invalid YAML: this quoted string has no closing ' before the end of the file"});
  c.push_back({"an unterminated flow list",
               {{"play.yml", PlayWithTask("    - command: id\n      tags: [a, b\n")}},
               "play.yml:",
               "invalid YAML"});
  c.push_back({"a mapping indented under a scalar",
               {{"play.yml", "- hosts: all\n  tasks: none\n    - command: id\n"}},
               "play.yml:3:",
               "invalid YAML"});
  c.push_back({"10,000 nested flow lists",
               {{"play.yml", PlayWithTask("    - command: " + std::string(10000, '[') + "\n")}},
               "play.yml:",
               "invalid YAML"});
  c.push_back({"an alias that names no anchor",
               {{"play.yml", PlayWithTask("    - command: *nothing\n")}},
               "play.yml:4:",
               "invalid YAML"});
  // --- duplicate keys at every level ----------------------------------
  c.push_back({"duplicate key in a play",
               {{"play.yml", "- hosts: all\n  hosts: web\n  tasks:\n    - command: id\n"}},
               "play.yml:2:3:",
               "duplicate key 'hosts' (first defined on line 1)"});
  c.push_back({"duplicate key in a task",
               {{"play.yml", PlayWithTask("    - name: a\n      name: b\n      command: id\n")}},
               "play.yml:5:7:",
               "duplicate key 'name' (first defined on line 4)"});
  c.push_back(
      {"duplicate key in module arguments",
       {{"play.yml", PlayWithTask("    - file:\n        path: /tmp/x\n        path: /etc/x\n")}},
       "play.yml:6:9:",
       "duplicate key 'path' (first defined on line 5)"});
  c.push_back(
      {"duplicate key in play vars",
       {{"play.yml", "- hosts: all\n  vars:\n    a: 1\n    a: 2\n  tasks:\n    - command: id\n"}},
       "play.yml:4:5:",
       "duplicate key 'a' (first defined on line 3)"});
  c.push_back({"duplicate key in a handler",
               {{"play.yml", kPlay + std::string("  handlers:\n    - name: h\n      command: id\n"
                                                 "      command: uptime\n")}},
               "play.yml:8:7:",
               "duplicate key 'command' (first defined on line 7)"});
  c.push_back({"duplicate key in a YAML inventory",
               {{"play.yml", kPlay}, {"inv.yml", "all:\n  hosts:\n    h1:\n    h1:\n"}},
               "inv.yml:4:5:",
               "duplicate key 'h1' (first defined on line 3)",
               "run play.yml -i inv.yml"});
  c.push_back({"duplicate key in group_vars",
               {{"play.yml", kPlay},
                {"inv/hosts.ini", "h1 ansible_host=127.0.0.1\n"},
                {"inv/group_vars/all.yml", "x: 1\nx: 2\n"}},
               "inv/group_vars/all.yml:2:1:",
               "duplicate key 'x' (first defined on line 1)",
               "run play.yml -i inv/hosts.ini"});
  // --- wrong types everywhere ------------------------------------------
  c.push_back({"a playbook that is a mapping",
               {{"play.yml", "hosts: all\ntasks: []\n"}},
               "play.yml:1:1:",
               "list of plays"});
  c.push_back(
      {"a play that is a string", {{"play.yml", "- just a string\n"}}, "play.yml:1:3:", "mapping"});
  c.push_back({"hosts as a mapping",
               {{"play.yml", "- hosts: {all: true}\n  tasks:\n    - command: id\n"}},
               "play.yml:1:10:",
               "hosts"});
  c.push_back({"tasks as a mapping",
               {{"play.yml", "- hosts: all\n  tasks:\n    command: id\n"}},
               "play.yml:3:5:",
               "list"});
  c.push_back({"a task that is a list",
               {{"play.yml", PlayWithTask("    - [command, id]\n")}},
               "play.yml:4:7:",
               "mapping"});
  c.push_back({"become that is not a boolean",
               {{"play.yml", PlayWithTask("    - command: id\n      become: maybe\n")}},
               "play.yml:5:15:",
               "become"});
  c.push_back({"when as a mapping",
               {{"play.yml", PlayWithTask("    - command: id\n      when: {a: 1}\n")}},
               "play.yml:5:13:",
               "when"});
  c.push_back({"loop as a number",
               {{"play.yml", PlayWithTask("    - command: echo {{ item }}\n      loop: 3\n")}},
               "play.yml:5:13:",
               "loop"});
  c.push_back({"register as a list",
               {{"play.yml", PlayWithTask("    - command: id\n      register: [a]\n")}},
               "play.yml:5:17:",
               "register"});
  c.push_back({"vars as a list",
               {{"play.yml", "- hosts: all\n  vars: [a, b]\n  tasks:\n    - command: id\n"}},
               "play.yml:2:9:",
               "vars"});
  c.push_back({"module arguments as a list",
               {{"play.yml", PlayWithTask("    - file: [/tmp/x]\n")}},
               "play.yml:4:7:",
               "arguments of 'file' must be a mapping or key=value words, not a list"});
  c.push_back(
      {"retries that is not a number",
       {{"play.yml", PlayWithTask("    - command: id\n      retries: many\n      until: true\n")}},
       "play.yml:5:16:",
       "retries"});
  c.push_back({"a task name that is a mapping",
               {{"play.yml", PlayWithTask("    - name: {a: 1}\n      command: id\n")}},
               "play.yml:4:13:",
               "name"});
  c.push_back({"50 levels of nesting where a path goes",
               {{"play.yml", PlayWithTask("    - file:\n        path: " + Nested(50, "x") +
                                          "\n        state: directory\n")}},
               "play.yml:5:9:",
               "argument 'path' must be a string, not a mapping"});
  c.push_back({"an unterminated template",
               {{"play.yml", PlayWithTask("    - command: echo {{ item\n")}},
               "play.yml:4:16:",
               "unterminated '{{' (missing '}}')"});
  c.push_back({"a vars file that is a list",
               {{"play.yml", "- hosts: all\n  vars_files: [v.yml]\n  tasks:\n    - command: id\n"},
                {"v.yml", "- a\n- b\n"}},
               "v.yml:1:1:",
               "mapping"});
  c.push_back({"an empty playbook", {{"play.yml", "# nothing here\n"}}, "play.yml:", "play"});
  // --- INI inventories ----------------------------------------------------
  c.push_back({"an INI section that is never closed",
               {{"play.yml", kPlay}, {"hosts.ini", "[web\nh1\n"}},
               "hosts.ini:1:",
               "",
               "run play.yml -i hosts.ini"});
  c.push_back({"an INI host with a port that is not a number",
               {{"play.yml", kPlay}, {"hosts.ini", "[web]\nh1:ssh\n"}},
               "hosts.ini:2:1:",
               "bad port",
               "run play.yml -i hosts.ini"});
  c.push_back({"an INI range that runs backwards",
               {{"play.yml", kPlay}, {"hosts.ini", "[web]\nweb[3:1]\n"}},
               "hosts.ini:2:1:",
               "begin > end",
               "run play.yml -i hosts.ini"});
  c.push_back({"INI groups that are each other's child",
               {{"play.yml", kPlay}, {"hosts.ini", "[a:children]\nb\n[b:children]\na\n"}},
               "hosts.ini:4:1:",
               "cycle",
               "run play.yml -i hosts.ini"});
  c.push_back({"an INI vars line without '='",
               {{"play.yml", kPlay}, {"hosts.ini", "[web]\nh1\n[web:vars]\njust_a_word\n"}},
               "hosts.ini:4:1:",
               "key=value",
               "run play.yml -i hosts.ini"});
  c.push_back({"an INI inventory with invalid UTF-8",
               {{"play.yml", kPlay}, {"hosts.ini", "[web]\nh1 motd=caf\xe9\n"}},
               "hosts.ini:2:",
               "UTF-8",
               "run play.yml -i hosts.ini"});
  c.push_back({"an INI inventory with a NUL byte",
               {{"play.yml", kPlay}, {"hosts.ini", std::string("[web]\nh1\0x\n", 11)}},
               "hosts.ini:2:",
               "",
               "run play.yml -i hosts.ini"});
  c.push_back({"an INI host name with an escape sequence",
               {{"play.yml", kPlay}, {"hosts.ini", "[web]\n\"h1\x1b[31m\"\n"}},
               "hosts.ini:2:1:",
               "control character",
               "run play.yml -i hosts.ini"});
  // --- YAML and JSON inventories --------------------------------------------
  c.push_back({"YAML inventory hosts as a list",
               {{"play.yml", kPlay}, {"inv.yml", "all:\n  hosts: [h1, h2]\n"}},
               "inv.yml:2:10:",
               "hosts",
               "run play.yml -i inv.yml"});
  c.push_back({"YAML inventory with an unknown group key",
               {{"play.yml", kPlay}, {"inv.yml", "all:\n  hostz:\n    h1:\n"}},
               "inv.yml:2:3:",
               "hostz",
               "run play.yml -i inv.yml"});
  c.push_back({"YAML inventory host name with a space",
               {{"play.yml", kPlay}, {"inv.yml", "all:\n  hosts:\n    \"web 1\":\n"}},
               "inv.yml:3:5:",
               "holds a space",
               "run play.yml -i inv.yml"});
  c.push_back({"host_vars file with invalid YAML",
               {{"play.yml", kPlay},
                {"inv/hosts.ini", "h1 ansible_host=127.0.0.1\n"},
                {"inv/host_vars/h1.yml", "a: [1, 2\n"}},
               "inv/host_vars/h1.yml:",
               "invalid YAML",
               "run play.yml -i inv/hosts.ini"});
  return c;
}

// Runs the binary in `dir` with an address-space and a time bound.
Output RunBounded(const std::string& dir, const std::string& args) {
  return RunCommand("cd " + dir + " && prlimit --as=2147483648 -- timeout 120 " + HOSTPREP_BINARY +
                    " " + args);
}

std::string Replace(std::string text, const std::string& what, const std::string& with) {
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
  return text;
}

TEST_CASE("e2e: malformed input is refused with file:line:col and exit 4, no host contacted") {
  Listener listener;
  const std::vector<Case> cases = Cases();
  CHECK(cases.size() >= 50);
  for (const Case& c : cases) {
    CAPTURE(c.name);
    TempProject project;
    project.Write("listener.ini", "h1 ansible_host=127.0.0.1 ansible_port=" +
                                      std::to_string(listener.port()) + " ansible_user=nobody\n");
    for (const auto& [name, text] : c.files) project.Write(name, text);
    Output out = RunBounded(project.path(), Replace(c.args, "{inv}", "listener.ini"));
    CAPTURE(out.text.substr(0, 2000));
    CHECK(out.exit_code == 4);
    CHECK(out.text.rfind(c.at, 0) == 0);
    // file:line:col: at least the line and the column are numbers.
    const std::string first = out.text.substr(0, out.text.find('\n'));
    CHECK(Has(first, c.says));
    CHECK_FALSE(listener.Contacted());
  }
}

TEST_CASE("e2e: a byte order mark at the start of a playbook is fine, as in Ansible") {
  TempProject project;
  project.Write("play.yml", std::string("\xef\xbb\xbf") + kPlay);
  Output out = RunBounded(project.path(), "validate play.yml");
  CHECK(out.exit_code == 0);
}

TEST_CASE("e2e: a dynamic inventory script's hostile output is refused, nothing run") {
  Listener listener;
  struct Script {
    std::string name;
    std::string body;
    std::string says;
  };
  const std::string host =
      "{\"all\": {\"hosts\": [\"h1\"], \"vars\": {\"ansible_host\": "
      "\"127.0.0.1\", \"ansible_port\": " +
      std::to_string(listener.port()) + "}}}";
  const std::vector<Script> scripts = {
      {"malformed JSON", "echo '{\"all\": {\"hosts\": [\"h1\"'", "printed invalid JSON"},
      {"a JSON list", "echo '[\"h1\"]'", "must print a JSON object of groups"},
      {"200 MB of output", "yes '\"h1\",' | head -c 200000000", "printed more than 64 MiB"},
      {"bytes that are not UTF-8", "printf '{\"all\": {\"hosts\": [\"h\\377\"]}}'", "invalid JSON"},
      {"a host name with a newline", "printf '%s\\n' '{\"all\": {\"hosts\": [\"h1\\nok: [h2]\"]}}'",
       "holds a control character"},
      {"an address that is an ssh option",
       "echo '{\"_meta\": {\"hostvars\": {\"h1\": {\"ansible_host\": \"-oProxyCommand=touch "
       "/tmp/hostprep-pwned\"}}}, \"all\": {\"hosts\": [\"h1\"]}}'",
       "is not a host name or address: it starts with '-'"},
  };
  for (const Script& s : scripts) {
    CAPTURE(s.name);
    TempProject project;
    project.Write("play.yml", kPlay);
    project.Write("inv.sh", "#!/bin/sh\n" + s.body + "\n", true);
    Output out = RunBounded(project.path(), "run play.yml -i ./inv.sh");
    CAPTURE(out.text.substr(0, 2000));
    CHECK(out.exit_code != 0);
    CHECK(Has(out.text, s.says));
    CHECK_FALSE(listener.Contacted());
    CHECK_FALSE(std::filesystem::exists("/tmp/hostprep-pwned"));
  }
}

}  // namespace
