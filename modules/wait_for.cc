#include "modules/wait_for.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <map>

#include "engine/base/text.h"
#include "engine/template/filters_regex.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

// /proc/net/tcp's state codes, as Ansible's get_connection_state_id.
const std::map<std::string, std::string>& StateCodes() {
  static const std::map<std::string, std::string> codes = {
      {"ESTABLISHED", "01"}, {"SYN_SENT", "02"},  {"SYN_RECV", "03"},
      {"FIN_WAIT1", "04"},   {"FIN_WAIT2", "05"}, {"TIME_WAIT", "06"},
  };
  return codes;
}

ArgSpec WaitForSpec() {
  ArgSpec spec;
  spec.name = "wait_for";
  spec.ansible_names = {"ansible.builtin.wait_for", "ansible.legacy.wait_for"};
  spec.summary = "wait for a port, a path, a pattern in a file, drained connections or a time";
  spec.description =
      "Ansible's wait_for module. With `port`: waits until a TCP connection to `host`:`port` "
      "opens (`state: started`, with `search_regex` until what the port sends matches), or "
      "no longer opens (`stopped`), or until the port has no active connection (`drained`, "
      "read from /proc/net/tcp and tcp6). With `path`: waits until the path exists "
      "(`present`/`started`, with `search_regex` until the file's content matches) or is "
      "gone (`absent`). With neither, waits `timeout` seconds. The waiting happens on the "
      "target with its own tools (bash's /dev/tcp, stat, grep -P, awk), every `sleep` "
      "seconds after `delay`, until `timeout`; then the task fails with Ansible's message "
      "or `msg`. Registers `elapsed` (whole seconds), `state`, `port`, `path`, "
      "`search_regex`, `match_groups` and `match_groupdict` (the groups of the pattern's "
      "first match in the file). The task never changes the host.";
  const Value states =
      Value::array({"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"});
  spec.args = {
      {"host",
       ArgType::kString,
       false,
       "127.0.0.1",
       {},
       {},
       "The host name or IP address whose port to wait for, as the target resolves it."},
      {"port", ArgType::kInt, false, nullptr, {}, {}, "The TCP port to wait for."},
      {"path",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A path on the target to wait for (symlinks followed)."},
      {"search_regex",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A Python regular expression (multi-line) the file, or what the port sends, must match."},
      {"state",
       ArgType::kString,
       false,
       "started",
       {"absent", "drained", "present", "started", "stopped"},
       {},
       "What to wait for: a port open (`started`) or closed (`stopped`), its connections "
       "gone (`drained`), a path there (`present`, same as `started`) or gone (`absent`)."},
      {"timeout",
       ArgType::kInt,
       false,
       300,
       {},
       {},
       "Seconds to wait at most (delay included); with neither port nor path, the seconds "
       "to wait."},
      {"delay", ArgType::kInt, false, 0, {}, {}, "Seconds to wait before looking the first time."},
      {"sleep", ArgType::kInt, false, 1, {}, {}, "Seconds between two looks."},
      {"connect_timeout",
       ArgType::kInt,
       false,
       5,
       {},
       {},
       "Seconds one connection attempt may take."},
      {"active_connection_states",
       ArgType::kList,
       false,
       states,
       {},
       {},
       "The TCP states that count as active connections for `drained`."},
      {"exclude_hosts",
       ArgType::kList,
       false,
       nullptr,
       {},
       {},
       "With `drained`: IP addresses whose connections do not count."},
      {"msg",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The failure message when the time runs out, instead of Ansible's."},
  };
  spec.examples =
      "- name: the API server answers\n"
      "  ansible.builtin.wait_for:\n"
      "    port: 6443\n"
      "    timeout: 120\n"
      "- name: etcd has written its member directory\n"
      "  ansible.builtin.wait_for:\n"
      "    path: /var/lib/etcd/member\n"
      "- name: the service logged that it is ready\n"
      "  ansible.builtin.wait_for:\n"
      "    path: /var/log/app.log\n"
      "    search_regex: 'listening on port (?P<port>\\d+)'\n"
      "  register: ready\n";
  spec.notes =
      "As Ansible 2.14's module (which does not declare check mode support, whatever its "
      "documentation says), check mode skips the task without waiting: \"remote module "
      "(wait_for) does not support check mode\" (Ansible names the module as the task "
      "spells it). hostprep waits in reads, since the module changes nothing: it looks "
      "once in the probe round trip, so a condition that already holds (and no delay) costs "
      "no round trip of its own, and `elapsed` is then 0; otherwise one more read waits on "
      "the target when the task runs, after the tasks before it acted. The polling runs on the "
      "target, "
      "not on the controller; `search_regex` is matched there with grep -P (PCRE, which "
      "reads Python's syntax, (?P<name>...) included), and `match_groups` and "
      "`match_groupdict` are taken, with Python's rules, from the text grep found (the file does "
      "not travel). What a "
      "port sends is matched line by line as it arrives. A pattern using what hostprep's "
      "Python regex engine lacks (lookbehind, scoped flags) is refused at validate time. "
      "`drained` takes IP addresses in `host` and `exclude_hosts`, not names. Argument "
      "combinations Ansible's module fails on when it runs (port with path, state=stopped "
      "or drained with path, exclude_hosts without drained, an unknown connection state) "
      "are refused at validate time with Ansible's messages. Two identical waits with "
      "nothing acting on the host between them share one answer.";
  return spec;
}

// How the module waits, in Ansible's order of its branches.
std::string KindOf(const Value& args) {
  const std::string state = StringArg(args, "state");
  if (!args.contains("port") && !args.contains("path") && state != "drained") return "sleep";
  if (state == "drained") return "drained";
  return args.contains("port") ? "port" : "path";
}

bool Started(const Value& args) {
  const std::string state = StringArg(args, "state");
  return state == "started" || state == "present";
}

std::string IntArgText(const Value& args, const char* key) {
  return args.contains(key) && args[key].is_number_integer()
             ? std::to_string(args[key].get<long long>())
             : "";
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The script's argv for `mode` ("once" or "wait"); an error for drained
// with a host that is not an address.
Result<Read> WaitRead(const Value& args, const std::string& mode) {
  const std::string kind = KindOf(args);
  std::string state = Started(args) ? "started" : kind == "path" ? "absent" : "stopped";
  if (kind == "drained") state = "drained";
  std::vector<std::string> codes, hosts, exclude;
  if (kind == "drained") {
    for (const std::string& s : ListArg(args, "active_connection_states")) {
      auto code = StateCodes().find(s);
      if (code == StateCodes().end())
        return Status::Error(fmt::format("unknown active_connection_state ({}) defined", s));
      codes.push_back(code->second);
    }
    std::optional<std::vector<std::string>> mine = ProcNetAddresses(StringArg(args, "host"));
    if (!mine) {
      return Status::Error(fmt::format(
          "state=drained needs an IP address in 'host', not {}: hostprep reads /proc/net/tcp "
          "without resolving names",
          Quoted(StringArg(args, "host"))));
    }
    hosts = *mine;
    for (const std::string& h : ListArg(args, "exclude_hosts")) {
      std::optional<std::vector<std::string>> x = ProcNetAddresses(h);
      if (!x) {
        return Status::Error(fmt::format(
            "exclude_hosts: {} is not an IP address: hostprep reads /proc/net/tcp without "
            "resolving names",
            Quoted(h)));
      }
      exclude.insert(exclude.end(), x->begin(), x->end());
    }
  }
  return Read::Query(
      {"/bin/sh", "-c", scripts::kWaitFor, "sh", mode, kind, state, IntArgText(args, "timeout"),
       IntArgText(args, "delay"), IntArgText(args, "sleep"), IntArgText(args, "connect_timeout"),
       StringArg(args, "host"), IntArgText(args, "port"), StringArg(args, "path"),
       StringArg(args, "search_regex"), Joined(codes), Joined(hosts), Joined(exclude)});
}

// The probe looks once when looking can end the wait at once.
bool LooksOnce(const Value& args) { return KindOf(args) != "sleep" && args.value("delay", 0) <= 0; }

// Ansible's message when the time ran out.
std::string TimeoutMessage(const Value& args) {
  if (args.contains("msg") && args["msg"].is_string() && !StringArg(args, "msg").empty())
    return StringArg(args, "msg");
  const std::string kind = KindOf(args), host = StringArg(args, "host"),
                    port = IntArgText(args, "port"), path = StringArg(args, "path"),
                    regex = StringArg(args, "search_regex");
  if (kind == "drained") return fmt::format("Timeout when waiting for {}:{} to drain", host, port);
  if (!Started(args)) {
    return kind == "port" ? fmt::format("Timeout when waiting for {}:{} to stop.", host, port)
                          : fmt::format("Timeout when waiting for {} to be absent.", path);
  }
  if (kind == "port") {
    return regex.empty() ? fmt::format("Timeout when waiting for {}:{}", host, port)
                         : fmt::format("Timeout when waiting for search string {} in {}:{}", regex,
                                       host, port);
  }
  return regex.empty()
             ? fmt::format("Timeout when waiting for file {}", path)
             : fmt::format("Timeout when waiting for search string {} in {}", regex, path);
}

// The names of the pattern's (?P<name>...) groups.
std::vector<std::string> GroupNames(const std::string& pattern) {
  std::vector<std::string> names;
  for (size_t at = pattern.find("(?P<"); at != std::string::npos;
       at = pattern.find("(?P<", at + 4)) {
    if (at > 0 && pattern[at - 1] == '\\') continue;
    const size_t end = pattern.find('>', at + 4);
    if (end != std::string::npos) names.push_back(pattern.substr(at + 4, end - at - 4));
  }
  return names;
}

Value GroupValue(const std::optional<std::string>& g) {
  return g ? Value(ReplaceInvalidUtf8(*g)) : Value();
}

// match_groups and match_groupdict of the first match, as Python's
// re.search with re.MULTILINE gives them: the pattern matched again, with
// Python's rules, on the text grep -P found first in the file.
void AddGroups(const std::string& pattern, const std::string& content, Value* result) {
  Result<PyRegex> re = PyRegex::Compile(pattern, false, true);
  if (!re.ok()) return;
  Result<std::optional<PyRegex::Match>> m = re->Find(content, PyRegex::Mode::kSearch);
  if (!m.ok() || !*m) return;
  const PyRegex::Match& match = **m;
  Value groups = Value::array();
  for (size_t i = 1; i < match.groups.size(); ++i) groups.push_back(GroupValue(match.groups[i]));
  Value named = Value::object();
  for (const std::string& name : GroupNames(pattern)) {
    const int index = re->GroupIndex(name);
    if (index > 0 && static_cast<size_t>(index) < match.groups.size())
      named[name] = GroupValue(match.groups[static_cast<size_t>(index)]);
  }
  (*result)["match_groups"] = groups;
  (*result)["match_groupdict"] = named;
}

Value NullOr(const Value& args, const char* key) {
  return args.contains(key) ? args[key] : Value();
}

}  // namespace

std::optional<std::vector<std::string>> ProcNetAddresses(const std::string& host) {
  auto words = [](const unsigned char* bytes, size_t n) {
    std::string hex;
    for (size_t i = 0; i < n; i += 4) {
      // Each 32-bit word as the kernel prints it: host (little-endian) order.
      hex += fmt::format("{:02X}{:02X}{:02X}{:02X}", bytes[i + 3], bytes[i + 2], bytes[i + 1],
                         bytes[i]);
    }
    return hex;
  };
  std::array<unsigned char, 16> v6{};
  std::array<unsigned char, 4> v4{};
  if (inet_pton(AF_INET, host.c_str(), v4.data()) == 1) {
    std::array<unsigned char, 16> mapped{};
    mapped[10] = mapped[11] = 0xFF;
    for (size_t i = 0; i < 4; ++i) mapped[12 + i] = v4[i];
    return std::vector<std::string>{words(v4.data(), 4), words(mapped.data(), 16)};
  }
  if (inet_pton(AF_INET6, host.c_str(), v6.data()) == 1) {
    return std::vector<std::string>{words(v6.data(), 16)};
  }
  return std::nullopt;
}

WaitForModule::WaitForModule() : spec_(WaitForSpec()) {}

void WaitForModule::Validate(const Value& args, bool templates_pending,
                             std::vector<ArgError>* errors) const {
  (void)templates_pending;
  const bool state_known = ArgReady(args, "state");
  const std::string state = StringArg(args, "state");
  if (args.contains("port") && args.contains("path")) {
    errors->push_back({"", "port and path parameter can not both be passed to wait_for"});
  }
  if (args.contains("path") && state_known && (state == "stopped" || state == "drained")) {
    errors->push_back({"state", fmt::format("state={} should only be used for checking a port in "
                                            "the wait_for module",
                                            state)});
  }
  if (args.contains("exclude_hosts") && state_known && state != "drained") {
    errors->push_back({"exclude_hosts", "exclude_hosts should only be with state=drained"});
  }
  if (state_known && state == "drained" && !args.contains("port")) {
    errors->push_back({"port", "state=drained needs the port whose connections to wait for"});
  }
  if (args.contains("active_connection_states") && args["active_connection_states"].is_array()) {
    for (const Value& s : args["active_connection_states"]) {
      if (IsPendingTemplate(s) || !s.is_string()) continue;
      if (StateCodes().count(s.get<std::string>()) == 0) {
        errors->push_back(
            {"active_connection_states",
             fmt::format("unknown active_connection_state ({}) defined", s.get<std::string>())});
      }
    }
  }
  if (ArgReady(args, "search_regex")) {
    if (Result<PyRegex> re = PyRegex::Compile(StringArg(args, "search_regex"), false, true);
        !re.ok()) {
      errors->push_back({"search_regex", "Invalid regular expression: " + re.message()});
    }
  }
  if (ArgReady(args, "path") && StringArg(args, "path").empty()) {
    errors->push_back({"path", "argument 'path' is empty: give the path to wait for"});
  }
}

std::vector<Read> WaitForModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  if (!LooksOnce(args)) return {};
  Result<Read> once = WaitRead(args, "once");
  return once.ok() ? std::vector<Read>{*once} : std::vector<Read>{};
}

Result<Change> WaitForModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                   const Value& facts) const {
  (void)facts;
  // The probe's look, when there is one, then the wait asked for below.
  const size_t probed = LooksOnce(args) ? 1 : 0;
  if (reads.size() < probed) {
    // Probe could not make its read: say why.
    Result<Read> once = WaitRead(args, "once");
    return once.ok() ? Status::Error("internal error: wait_for's first look is missing")
                     : once.status();
  }
  Change change;
  // As Ansible 2.14's module, which does not declare check mode support.
  change.check_mode_skip = "remote module (wait_for) does not support check mode";
  if (reads.size() == probed) {
    if (probed == 0 || StartsWith(reads[0].exec.stdout_data, "notyet")) {
      Result<Read> wait = WaitRead(args, "wait");
      if (!wait.ok()) return wait.status();
      change.more_reads = {*wait};
      return change;
    }
  }
  const ReadResult& read = reads.back();
  if (!read.status.ok()) return read.status;
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("the wait_for script failed on the target (rc={}): {}",
                                     read.exec.exit_code, Trim(read.exec.stderr_data)));
  }
  const std::string& out = read.exec.stdout_data;
  const size_t eol = out.find('\n');
  const std::vector<std::string> head = Split(out.substr(0, eol), ' ');
  if (head.size() < 2) {
    return Status::Error(fmt::format("the wait_for script gave no answer: {}", Quoted(out)));
  }
  const long long elapsed = std::stoll("0" + head[1]);
  change.result["elapsed"] = elapsed;
  if (head[0] == "timeout" || head[0] == "error") {
    const std::string first = out.substr(0, eol);
    const std::string why =
        head.size() > 2 ? first.substr(head[0].size() + head[1].size() + 2) : "";
    change.failed = true;
    if (head[0] == "timeout") {
      change.message = TimeoutMessage(args);
    } else {
      change.message = ArgReady(args, "msg") && !StringArg(args, "msg").empty()
                           ? StringArg(args, "msg")
                           : fmt::format("Failed to stat {}, {}", StringArg(args, "path"), why);
    }
    return change;
  }
  if (head[0] != "ok") {
    return Status::Error(fmt::format("the wait_for script gave no answer: {}", Quoted(out)));
  }
  change.result["state"] = StringArg(args, "state");
  change.result["port"] = NullOr(args, "port");
  change.result["search_regex"] = NullOr(args, "search_regex");
  change.result["path"] = NullOr(args, "path");
  change.result["match_groups"] = Value::array();
  change.result["match_groupdict"] = Value::object();
  if (KindOf(args) == "path") {
    // Ansible's add_path_info, as every module returning a path gets it:
    // the path's own state replaces the state waited for.
    const size_t next = eol == std::string::npos ? std::string::npos : out.find('\n', eol + 1);
    const std::string info = eol == std::string::npos ? "" : out.substr(eol + 1, next - eol - 1);
    if (StartsWith(info, "stat ")) AddPathInfo(info.substr(5), &change.result);
    if (Started(args) && args.contains("search_regex")) {
      AddGroups(StringArg(args, "search_regex"),
                next == std::string::npos ? "" : out.substr(next + 1), &change.result);
    }
  }
  return change;
}

}  // namespace hostprep::modules
