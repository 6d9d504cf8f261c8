// "Ansible is the oracle": runs one playbook with Debian's ansible-playbook
// against one host and with hostprep against its twin, reads both outputs
// into one normalised form (the plays, each host's task results in order,
// one per loop item, the recap and the exit code) and compares them, and
// the state the run left on both hosts (files under given paths, the output
// of a command). The twins are a `Twins`: by default node1 and node2 of the
// netns test hosts that the ctest fixture `compat_hosts` starts
// ($HOSTPREP_TESTHOSTS, NetnsTwins()); the systemd-nspawn twins of
// tests/integration/nspawn/compat are the other pair.
//
// Ansible runs with `env -i` and a private temp dir: its own empty
// ansible.cfg (ANSIBLE_CONFIG, so no ansible.cfg of the machine or of the
// working directory is read), ANSIBLE_HOME and its local temp dirs in the
// temp dir (nothing in ~/.ansible), remote temp in the host's own /tmp,
// host keys checked against the run dir's known_hosts, no ssh ControlMaster
// (no ssh process outlives the run), /usr/bin/python3 on the target (no
// interpreter discovery), and the JSON stdout callback that Debian 12's
// ansible 7.7 ships (ansible.posix.json, one document at the end).
//
// Not thread-safe; one test at a time (the ctest tests are RUN_SERIAL).
// Failures are doctest checks with both normalised outputs side by side.
#ifndef HOSTPREP_TESTS_INTEGRATION_COMPAT_COMPAT_TEST_UTIL_H_
#define HOSTPREP_TESTS_INTEGRATION_COMPAT_COMPAT_TEST_UTIL_H_

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/shell_test_util.h"

namespace hostprep::testing::compat {

inline constexpr const char* kAnsibleNode = "node1";
inline constexpr const char* kHostprepNode = "node2";
// Stands for the host's name in task names, items and the recap, so that
// node1's results and node2's compare.
inline constexpr const char* kHost = "HOST";
// ansible-playbook's remote temp dir on its host (remote_tmp), kept out of
// the login user's home.
inline constexpr const char* kAnsibleRemoteTemp = "/tmp/.hpcompat-ansible";

inline std::string HostsDir() {
  const char* dir = std::getenv("HOSTPREP_TESTHOSTS");
  REQUIRE_MESSAGE(dir != nullptr,
                  "run through ctest: the compat_hosts fixture sets HOSTPREP_TESTHOSTS");
  return dir;
}

// One host of a compat run and how to reach it.
struct Node {
  std::string name;         // its inventory name: what the results normalise to kHost
  std::string inventory;    // an inventory file that names it
  std::string known_hosts;  // a known_hosts file with its host key
  // Shell words that run the command after them inside the host, from the
  // source directory (its harness's `exec`).
  std::string exec;
};

// The host ansible-playbook runs on and the one hostprep runs on: the
// same kind of host, in the same state before each run.
struct Twins {
  Node ansible;
  Node hostprep;
};

// A host of the netns test hosts ($HOSTPREP_TESTHOSTS): all in one inventory.
inline Node NetnsNode(const std::string& name) {
  const std::string dir = HostsDir();
  return {name, dir + "/inventory.ini", dir + "/known_hosts",
          "tests/hosts/testhosts exec " + dir + " " + name};
}

inline Twins NetnsTwins() { return {NetnsNode(kAnsibleNode), NetnsNode(kHostprepNode)}; }

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// One task's result on one host, or one loop item's.
struct TaskResult {
  size_t play = 0;  // index in Run::plays
  std::string task;
  std::string item;    // the loop item as JSON; empty for a task without a loop
  std::string status;  // ok, changed, skipped, failed, ignored or unreachable
  std::string shown;   // what the output shows under the result (debug, assert)
};

// A run, normalised: the same for both tools when they behaved the same.
struct Run {
  std::vector<std::string> plays;                           // in order
  std::map<std::string, std::vector<TaskResult>> results;   // per host, in order
  std::map<std::string, std::map<std::string, int>> recap;  // per host: ok, changed, ...
  int exit_code = -1;
  // The tasks in the order they were reported, all hosts together, a task
  // reported for several hosts in a row once: in lock-step (Ansible's
  // linear strategy), each task once.
  std::vector<std::string> sequence;
  std::string error;  // why the output could not be read; empty when it could
  std::string raw;    // what the tool printed (stdout, then stderr)

  // The run as text, a line per play, result, recap and the exit code:
  // what the tests compare and print.
  std::vector<std::string> Lines() const {
    static const char* kCounts[] = {"ok",      "changed", "unreachable", "failed",
                                    "skipped", "rescued", "ignored"};
    std::vector<std::string> lines;
    if (!error.empty()) lines.push_back("ERROR " + error);
    for (size_t play = 0; play < plays.size(); ++play) {
      lines.push_back("PLAY [" + plays[play] + "]");
      for (const auto& [host, list] : results) {
        for (const TaskResult& r : list) {
          if (r.play != play) continue;
          std::string line = r.status + ": [" + host + "] " + r.task;
          if (!r.item.empty()) line += " (item=" + r.item + ")";
          if (!r.shown.empty()) line += " => " + r.shown;
          lines.push_back(line);
        }
      }
    }
    for (const auto& [host, counts] : recap) {
      std::string line = "RECAP " + host + ":";
      for (const char* name : kCounts) {
        auto it = counts.find(name);
        line +=
            std::string(" ") + name + "=" + (it == counts.end() ? "?" : std::to_string(it->second));
      }
      lines.push_back(line);
    }
    lines.push_back("EXIT " + std::to_string(exit_code));
    return lines;
  }
};

inline bool Truthy(const nlohmann::json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number()) return it->get<double>() != 0;
  return false;
}

// Ansible's status of a result (or of a loop item's result).
inline std::string AnsibleStatus(const nlohmann::json& r) {
  if (Truthy(r, "unreachable")) return "unreachable";
  if (Truthy(r, "skipped")) return "skipped";
  if (Truthy(r, "failed")) return "failed";
  if (Truthy(r, "changed")) return "changed";
  return "ok";
}

// What a result shows under its line, as one JSON line with the node's
// name as kHost: the keys the output shows, without what each tool adds
// for itself (status flags, loop bookkeeping, "_ansible_*").
inline std::string Shown(nlohmann::json shown, const std::string& node) {
  if (!shown.is_object()) return "";
  for (const char* key : {"changed", "failed", "skipped", "action", "item", "ansible_loop_var",
                          "ansible_index_var", "ansible_loop"})
    shown.erase(key);
  for (auto it = shown.begin(); it != shown.end();) {
    it = it.key().rfind("_ansible", 0) == 0 ? shown.erase(it) : std::next(it);
  }
  return ReplaceAll(shown.dump(), node, kHost);
}

// What Ansible's output shows under a result: debug's and assert's value
// (`_ansible_verbose_always`) and a failed assert's.
inline std::string AnsibleShown(const nlohmann::json& r, const std::string& node) {
  const bool assert_failed = r.value("action", "") == "assert" && Truthy(r, "failed");
  if (!Truthy(r, "_ansible_verbose_always") && !assert_failed) return "";
  return Shown(r, node);
}

// A loop's per-item results: `results` holding objects with the loop
// variable's name (TaskExecutor._run_loop sets ansible_loop_var on each).
// A module's own `results` (apt, dnf: a list of strings) is not one.
inline bool IsLoopResult(const nlohmann::json& r) {
  auto it = r.find("results");
  if (it == r.end() || !it->is_array() || it->empty()) return false;
  return std::all_of(it->begin(), it->end(), [](const nlohmann::json& i) {
    return i.is_object() && i.contains("ansible_loop_var");
  });
}

// Reads ansible.posix.json's document (`plays[].tasks[].hosts{}`, `stats`).
// The callback does not say which failures were ignored (ignore_errors), so
// that is read from how Ansible goes on: a failure that is not ignored stops
// the host (StrategyBase._process_pending_results marks it failed, and the
// linear strategy gives it no more tasks, handlers included) and counts in
// `failures`. So when the host ignored any failure (`ignored` in its stats),
// its failed results are all ignored when its failures count is 0, and all
// but the last otherwise. A failure a block's rescue takes over counts in
// `rescued`, neither failed nor ignored: the playbooks that rescue ignore
// no errors.
inline Run ReadAnsible(const std::string& out, const std::string& err, int exit_code,
                       const std::string& node) {
  Run run;
  run.exit_code = exit_code;
  run.raw = out + err;
  // Under -v Ansible prints "Using ... as config file" before the document.
  const size_t start = out.compare(0, 1, "{") == 0 ? 0 : out.find("\n{");
  const std::string document = start == std::string::npos ? out : out.substr(start);
  nlohmann::json doc = nlohmann::json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("plays")) {
    run.error = "ansible-playbook printed no JSON document";
    return run;
  }
  struct Raw {
    size_t play;
    std::string task;
    const nlohmann::json* result;
  };
  std::map<std::string, std::vector<Raw>> per_host;
  for (const nlohmann::json& play : doc["plays"]) {
    const std::string play_name = ReplaceAll(play["play"]["name"].get<std::string>(), node, kHost);
    run.plays.push_back(play_name);
    for (const nlohmann::json& task : play["tasks"]) {
      const std::string task_name =
          ReplaceAll(task["task"]["name"].get<std::string>(), node, kHost);
      for (const auto& [host, result] : task["hosts"].items())
        per_host[host].push_back({run.plays.size() - 1, task_name, &result});
      if (run.sequence.empty() || run.sequence.back() != task_name)
        run.sequence.push_back(task_name);
    }
  }
  const nlohmann::json stats = doc.value("stats", nlohmann::json::object());
  for (const auto& [host, list] : per_host) {
    const int failures = stats.contains(host) ? stats[host].value("failures", 0) : 0;
    const int ignored_count = stats.contains(host) ? stats[host].value("ignored", 0) : 0;
    size_t last_failed = list.size();
    for (size_t i = 0; i < list.size(); ++i)
      if (AnsibleStatus(*list[i].result) == "failed") last_failed = i;
    std::vector<TaskResult>& results = run.results[ReplaceAll(host, node, kHost)];
    for (size_t i = 0; i < list.size(); ++i) {
      const nlohmann::json& r = *list[i].result;
      const bool ignored =
          AnsibleStatus(r) == "failed" && ignored_count > 0 && (failures == 0 || i != last_failed);
      auto status = [&](const nlohmann::json& x) {
        const std::string s = AnsibleStatus(x);
        return ignored && s == "failed" ? std::string("ignored") : s;
      };
      if (!IsLoopResult(r)) {
        results.push_back({list[i].play, list[i].task, "", status(r), AnsibleShown(r, node)});
        continue;
      }
      for (const nlohmann::json& item : r["results"]) {
        const std::string var = item.value("ansible_loop_var", "item");
        const std::string value = item.contains(var) ? item[var].dump() : "null";
        nlohmann::json shown_item = item;
        shown_item["action"] = r.value("action", "");
        results.push_back({list[i].play, list[i].task, ReplaceAll(value, node, kHost), status(item),
                           AnsibleShown(shown_item, node)});
      }
    }
  }
  for (const auto& [host, s] : stats.items()) {
    std::map<std::string, int>& counts = run.recap[ReplaceAll(host, node, kHost)];
    for (const char* name : {"ok", "changed", "unreachable", "skipped", "rescued", "ignored"})
      counts[name] = s.value(name, 0);
    counts["failed"] = s.value("failures", 0);
  }
  return run;
}

// Reads hostprep's `--output json` events: play_start, task (one per loop
// item, with `item_value`, the item itself), recap.
inline Run ReadHostprep(const std::string& out, const std::string& err, int exit_code,
                        const std::string& node) {
  Run run;
  run.exit_code = exit_code;
  run.raw = out + err;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.is_object()) {
      run.error = "hostprep printed a line that is not JSON: " + line;
      continue;
    }
    const std::string event = e.value("event", "");
    if (event == "play_start") {
      run.plays.push_back(ReplaceAll(e.value("play", ""), node, kHost));
    } else if (event == "task") {
      const std::string task = ReplaceAll(e.value("task", ""), node, kHost);
      if (run.sequence.empty() || run.sequence.back() != task) run.sequence.push_back(task);
      run.results[ReplaceAll(e.value("host", ""), node, kHost)].push_back(
          {run.plays.empty() ? 0 : run.plays.size() - 1,
           ReplaceAll(e.value("task", ""), node, kHost),
           e.contains("item_value") ? ReplaceAll(e["item_value"].dump(), node, kHost)
           : e.contains("item")     ? ReplaceAll(e["item"].dump(), node, kHost)
                                    : "",
           e.value("status", ""), e.contains("display") ? Shown(e["display"], node) : ""});
    } else if (event == "recap") {
      for (const auto& [host, s] : e["hosts"].items()) {
        std::map<std::string, int>& counts = run.recap[ReplaceAll(host, node, kHost)];
        for (const char* name :
             {"ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"})
          counts[name] = s.value(name, 0);
        // --stats: the run's cost, beside the counts Lines() compares.
        if (s.contains("cost")) counts["round_trips"] = s["cost"].value("round_trips", -1);
      }
    }
  }
  if (run.plays.empty() && run.error.empty()) run.error = "hostprep printed no play";
  return run;
}

// Both lists side by side, lines that differ marked with `|`, under the
// names of the hosts they came from.
inline std::string SideBySide(const std::vector<std::string>& left,
                              const std::vector<std::string>& right,
                              const std::string& left_node = kAnsibleNode,
                              const std::string& right_node = kHostprepNode) {
  size_t width = 24;
  for (const std::string& l : left) width = std::max(width, l.size());
  std::string out = "ansible-playbook (" + left_node + ")";
  out.resize(width, ' ');
  out += "   hostprep (" + right_node + ")\n";
  for (size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    std::string l = i < left.size() ? left[i] : "";
    const std::string r = i < right.size() ? right[i] : "";
    const bool same = i < left.size() && i < right.size() && l == r;
    l.resize(width, ' ');
    out += l + (same ? "   " : " | ") + r + "\n";
  }
  return out;
}

// Runs the shell command `script` inside `node`, followed by `args` ($1...).
inline Output OnNode(const Node& node, const std::string& script,
                     const std::vector<std::string>& args = {}) {
  std::string command = std::string("cd ") + HOSTPREP_SOURCE_DIR + " && " + node.exec + " sh -c " +
                        SingleQuoted(script) + " sh";
  for (const std::string& a : args) command += " " + SingleQuoted(a);
  return RunCommand(command);
}

// Runs the shell command `script` inside the netns host `node` (its /etc,
// /root, /tmp).
inline Output OnNode(const std::string& node, const std::string& script) {
  return OnNode(NetnsNode(node), script);
}

// What paths hold on a node: for each path and everything below it a line
// "NAME TYPE MODE OWNER GROUP [SHA256]" (NAME as stat's %N: quoted, with a
// symlink's target), sorted; "PATH absent" for a path that does not exist.
inline std::string Files(const Node& node, const std::vector<std::string>& paths) {
  constexpr const char* kScript = R"SH(
for p in "$@"; do
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then printf '%s absent\n' "$p"; continue; fi
  find "$p" -exec sh -c 'for f do
      line=$(stat -c "%N %F %a %U %G" "$f")
      case $(stat -c %F "$f") in
        regular*) line="$line $(sha256sum < "$f" | cut -c1-64)" ;;
      esac
      printf "%s\n" "$line"
    done' sh {} + | LC_ALL=C sort
done
)SH";
  Output out = OnNode(node, kScript, paths);
  REQUIRE_MESSAGE(out.exit_code == 0, out.text);
  return out.text;
}

// Removes `paths` on both twins when made and again when it goes out of
// scope, so that each test starts clean and leaves nothing, also when a
// check fails.
class CleanPaths {
 public:
  explicit CleanPaths(std::vector<std::string> paths, Twins twins = NetnsTwins())
      : paths_(std::move(paths)), twins_(std::move(twins)) {
    Clean();
  }
  ~CleanPaths() { Clean(); }
  CleanPaths(const CleanPaths&) = delete;
  CleanPaths& operator=(const CleanPaths&) = delete;

 private:
  void Clean() const {
    std::string command = "rm -rf --";
    for (const std::string& p : paths_) command += " " + SingleQuoted(p);
    for (const Node* node : {&twins_.ansible, &twins_.hostprep}) OnNode(*node, command);
  }
  std::vector<std::string> paths_;
  Twins twins_;
};

// A temp dir on the controller, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hpcompat.XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Both {
  Run ansible;
  Run hostprep;
};

// The ansible-playbook command line the compat tests run against `node`'s
// inventory and host key, with `tmp` as its private dir (its ansible.cfg
// written there): everything but the options and the playbook. `callback`:
// the stdout callback (the JSON one the tests read results from, by default).
// `config`: lines for the ansible.cfg after its [defaults] line (more
// sections may follow); hostprep, run in `tmp`, reads the same file as
// ./ansible.cfg.
inline std::string AnsiblePlaybook(const Node& node, const std::filesystem::path& tmp,
                                   const std::string& callback = "ansible.posix.json",
                                   const std::string& config = "") {
  const std::string t = tmp.string();
  {
    std::ofstream cfg(tmp / "ansible.cfg");
    cfg << "# written by the compat tests: every other setting comes from the environment\n"
           "[defaults]\n"
        << config;
  }
  const std::string ssh_args =
      "-F /dev/null -o ControlMaster=no -o UserKnownHostsFile=" + node.known_hosts +
      " -o GlobalKnownHostsFile=/dev/null"
      " -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes";
  return "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=" + t + "/home" +
         " ANSIBLE_CONFIG=" + t + "/ansible.cfg ANSIBLE_HOME=" + t + "/home" +
         " ANSIBLE_LOCAL_TEMP=" + t + "/local ANSIBLE_SSH_CONTROL_PATH_DIR=" + t + "/cp" +
         " ANSIBLE_REMOTE_TEMP=" + kAnsibleRemoteTemp + " ANSIBLE_STDOUT_CALLBACK=" + callback +
         " ANSIBLE_JSON_INDENT=0 ANSIBLE_NOCOLOR=1" +
         " ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_HOST_KEY_CHECKING=True" +
         " ANSIBLE_PIPELINING=True ANSIBLE_RETRY_FILES_ENABLED=False" +
         " ANSIBLE_SSH_ARGS=" + SingleQuoted(ssh_args) + " timeout -k 5 150 ansible-playbook -i " +
         node.inventory;
}

// The same against the netns test hosts' inventory (every host in it).
inline std::string AnsiblePlaybook(const std::filesystem::path& tmp,
                                   const std::string& callback = "ansible.posix.json") {
  return AnsiblePlaybook(NetnsNode(kAnsibleNode), tmp, callback);
}

// The hostprep command line the compat tests run against `node`'s inventory
// and host key, but the options and the playbook.
inline std::string HostprepRun(const Node& node) {
  return std::string("timeout -k 5 150 ") + HOSTPREP_BINARY + " run -i " + node.inventory +
         " -c ssh --known-hosts " + node.known_hosts + " --ssh-config none";
}

inline std::string HostprepRun() { return HostprepRun(NetnsNode(kHostprepNode)); }

inline std::string PlaybookPath(const std::string& playbook) {
  return SingleQuoted(std::string(HOSTPREP_SOURCE_DIR) + "/tests/integration/testdata/compat/" +
                      playbook);
}

// What the tools left in `dir`: ansible-playbook's output (a.out, a.err,
// a.rc) and hostprep's (h.*), each read with `*_node` standing for HOST.
inline Both ReadOutputs(const std::filesystem::path& dir, const std::string& ansible_node,
                        const std::string& hostprep_node) {
  auto rc = [&](const char* name) {
    const std::string text = ReadFile(dir / name);
    return text.empty() ? -1 : std::atoi(text.c_str());
  };
  Both both;
  both.ansible =
      ReadAnsible(ReadFile(dir / "a.out"), ReadFile(dir / "a.err"), rc("a.rc"), ansible_node);
  both.hostprep =
      ReadHostprep(ReadFile(dir / "h.out"), ReadFile(dir / "h.err"), rc("h.rc"), hostprep_node);
  return both;
}

// Runs testdata/compat/PLAYBOOK with ansible-playbook on the Ansible twin
// and with hostprep on the other at the same time, each with `args` (--tags,
// -e, --check: options both take), and reads both outputs. Each tool gets
// 150 s.
inline Both RunBoth(const Twins& twins, const std::string& playbook,
                    const std::vector<std::string>& args = {}, const std::string& config = "") {
  TempDir tmp;
  const std::string t = tmp.path().string();
  std::string extra;
  for (const std::string& a : args) extra += " " + SingleQuoted(a);
  const std::string ansible =
      AnsiblePlaybook(twins.ansible, tmp.path(), "ansible.posix.json", config) + " --limit " +
      twins.ansible.name + " " + PlaybookPath(playbook) + extra;
  const std::string hostprep = HostprepRun(twins.hostprep) + " --limit " + twins.hostprep.name +
                               " -o json --stats " + PlaybookPath(playbook) + extra;
  const std::string script = "cd " + t + " && { " + ansible +
                             " >a.out 2>a.err; echo $? >a.rc; } & " + "cd " + t + " && { " +
                             hostprep + " >h.out 2>h.err; echo $? >h.rc; }; " + "wait";
  RunCommand(script);
  return ReadOutputs(tmp.path(), twins.ansible.name, twins.hostprep.name);
}

// The same on node1 and node2 of the netns test hosts.
inline Both RunBoth(const std::string& playbook, const std::vector<std::string>& args = {}) {
  return RunBoth(NetnsTwins(), playbook, args);
}

// Runs testdata/compat/PLAYBOOK with ansible-playbook and then with
// hostprep, each on every host the playbook names (for what hosts do to
// each other's pace: the playbook must leave the hosts as it found them).
inline Both RunEachOnAll(const std::string& playbook) {
  TempDir tmp;
  const std::string t = tmp.path().string();
  const std::string path = PlaybookPath(playbook);
  RunCommand("cd " + t + " && { " + AnsiblePlaybook(tmp.path()) + " " + path +
             " >a.out 2>a.err; echo $? >a.rc; }; " + HostprepRun() + " -o json " + path +
             " >h.out 2>h.err; echo $? >h.rc");
  // Each host keeps its own name: there is nothing to stand for.
  return ReadOutputs(tmp.path(), "\x01", "\x01");
}

// What ansible-playbook and hostprep print on stdout for testdata/compat/
// PLAYBOOK with `args` (--list-tasks, --list-tags, --list-hosts: nothing
// runs on a host). Ansible's default callback, as users see these.
inline std::pair<std::string, std::string> ListBoth(const std::string& playbook,
                                                    const std::vector<std::string>& args) {
  TempDir tmp;
  std::string extra;
  for (const std::string& a : args) extra += " " + SingleQuoted(a);
  const std::string path = PlaybookPath(playbook);
  // Their warnings (a group and a host both named bastion) go elsewhere.
  const Output ansible =
      RunCommand("cd " + tmp.path().string() + " && { " + AnsiblePlaybook(tmp.path(), "default") +
                 " " + path + extra + " 2>/dev/null; }");
  const Output hostprep = RunCommand("{ " + HostprepRun() + " " + path + extra + " 2>/dev/null; }");
  return {ansible.text, hostprep.text};
}

// Checks that both tools reported the same plays, results, recap and exit
// code; prints both side by side (and what each printed) when they did not.
inline void CheckSameResults(const Both& both) {
  const std::vector<std::string> a = both.ansible.Lines();
  const std::vector<std::string> h = both.hostprep.Lines();
  const bool readable = both.ansible.error.empty() && both.hostprep.error.empty();
  std::string message = "ansible-playbook and hostprep differ:\n" + SideBySide(a, h);
  if (!readable)
    message += "\n--- ansible-playbook printed:\n" + both.ansible.raw +
               "\n--- hostprep printed:\n" + both.hostprep.raw;
  CHECK_MESSAGE((readable && a == h), message);
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// The same results from both, and Ansible's exit code the one the playbook
// is written for, so that two runs that both broke early do not pass.
inline void CheckSame(const Both& both, int exit_code) {
  CheckSameResults(both);
  CHECK_MESSAGE(both.ansible.exit_code == exit_code, both.ansible.raw);
  CHECK_MESSAGE(!both.ansible.results.empty(), both.ansible.raw);
}

// Checks that `paths` hold the same on both twins.
inline void CheckSameFiles(const Twins& twins, const std::vector<std::string>& paths) {
  const std::string a = Files(twins.ansible, paths);
  const std::string h = Files(twins.hostprep, paths);
  const std::string message =
      "the files differ:\n" +
      SideBySide(SplitLines(a), SplitLines(h), twins.ansible.name, twins.hostprep.name);
  const bool same = a == h;
  CHECK_MESSAGE(same, message);
}

inline void CheckSameFiles(const std::vector<std::string>& paths) {
  CheckSameFiles(NetnsTwins(), paths);
}

// `diff -u` of two texts, under the names of the hosts they came from: long
// outputs (every package dpkg knows) differ in a line or two, which side by
// side would shift all the lines after.
inline std::string UnifiedDiff(const std::string& a, const std::string& h,
                               const std::string& a_node, const std::string& h_node) {
  TempDir tmp;
  std::ofstream(tmp.path() / "a") << a;
  std::ofstream(tmp.path() / "h") << h;
  const std::string t = tmp.path().string();
  return RunCommand("diff -u --label " + SingleQuoted("ansible-playbook (" + a_node + ")") +
                    " --label " + SingleQuoted("hostprep (" + h_node + ")") + " " + t + "/a " + t +
                    "/h")
      .text;
}

// The state helper: runs the shell command `script` on both twins and
// checks that both print the same and exit alike, each twin's name read as
// kHost (for `dpkg-query -W`, `systemctl is-enabled UNIT`, `hostname`).
// Returns what the Ansible twin printed, its name as kHost, and then
// "exit N", for the test to check what the state is.
inline std::string CheckSameOnBoth(const Twins& twins, const std::string& script) {
  auto state = [&](const Node& node) {
    const Output out = OnNode(node, script);
    return ReplaceAll(out.text, node.name, kHost) + "exit " + std::to_string(out.exit_code) + "\n";
  };
  const std::string a = state(twins.ansible);
  const std::string h = state(twins.hostprep);
  const std::string message = "the twins differ after: " + script + "\n" +
                              UnifiedDiff(a, h, twins.ansible.name, twins.hostprep.name);
  const bool same = a == h;  // not in the check: doctest would print both whole
  CHECK_MESSAGE(same, message);
  return a;
}

}  // namespace hostprep::testing::compat

#endif  // HOSTPREP_TESTS_INTEGRATION_COMPAT_COMPAT_TEST_UTIL_H_
