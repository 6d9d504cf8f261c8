#include "modules/ufw.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"

namespace hostprep::modules {

namespace {

ArgSpec UfwSpec() {
  ArgSpec spec;
  spec.name = "ufw";
  spec.ansible_names = {"community.general.ufw"};
  spec.summary = "manage the firewall with ufw: state, default policies, logging and rules";
  spec.description =
      "Ansible's ufw module (community.general.ufw): runs the ufw program as Ansible's "
      "module does, in the same order (state, default, rule, logging), with the same "
      "arguments, and registers Ansible's `commands` (the command lines Ansible's module runs, "
      "as it writes them) and, in a real run, `msg` (what `ufw status verbose` says "
      "afterwards). As Ansible's module, it reports a change when `ufw status verbose` or "
      "the \"### tuple\" lines of ufw's user rules files differ after the task.\n\n"
      "The rules are ufw's business: whether a rule would change anything is asked of ufw "
      "itself in the probe round trip (`ufw --dry-run RULE` prints the rules files as ufw "
      "would write them, which are compared with the files' tuple lines), and the state, "
      "policies and logging level are read from `ufw status verbose`, /etc/ufw/ufw.conf and "
      "/etc/default/ufw. So an unchanged re-run runs no ufw command but those queries: one "
      "round trip, and check mode predicts the real run. ufw's commands run with argv, "
      "never through a shell line.";
  auto arg = [](const char* name, ArgType type, Value fallback, std::vector<std::string> choices,
                std::vector<std::string> aliases, const char* text) {
    return ArgDef{name, type, false, std::move(fallback), std::move(choices), std::move(aliases),
                  text};
  };
  spec.args = {
      arg("state", ArgType::kString, nullptr, {"enabled", "disabled", "reloaded", "reset"}, {},
          "`enabled` loads ufw's rules and enables it at boot (`ufw -f enable`), `disabled` "
          "unloads them and disables it (`ufw -f disable`), `reloaded` reloads them, `reset` "
          "disables ufw and resets its rules to the installation defaults. `reloaded` and "
          "`reset` always report a change, as Ansible's do."),
      arg("default", ArgType::kString, nullptr, {"allow", "deny", "reject"}, {"policy"},
          "The default policy for `direction` (incoming when none is given)."),
      arg("logging", ArgType::kString, nullptr, {"on", "off", "low", "medium", "high", "full"}, {},
          "ufw's logging level (`on` is `low` when logging is off, else what it is)."),
      arg("direction", ArgType::kString, nullptr, {"in", "incoming", "out", "outgoing", "routed"},
          {},
          "For a rule: `in` or `out`; for `default`: `incoming`, `outgoing` or `routed`. "
          "Excludes interface_in and interface_out."),
      arg("delete", ArgType::kBool, false, {}, {}, "Delete the rule (insert is then ignored)."),
      arg("route", ArgType::kBool, false, {}, {},
          "A rule for routed (forwarded) packets: `ufw route ...`."),
      arg("insert", ArgType::kInt, nullptr, {}, {},
          "Insert the rule as rule number NUM (ufw numbers rules from 1), relative to "
          "insert_relative_to."),
      arg("insert_relative_to", ArgType::kString, "zero",
          {"zero", "first-ipv4", "last-ipv4", "first-ipv6", "last-ipv6"}, {},
          "What insert counts from: `zero` (absolute), or the first or last IPv4 or IPv6 rule "
          "of `ufw status numbered`. Other than `zero`, it costs the task one more round trip: "
          "the position comes from the rules ufw lists."),
      arg("rule", ArgType::kString, nullptr, {"allow", "deny", "limit", "reject"}, {},
          "Add (or with delete, remove) a rule with this action."),
      arg("interface", ArgType::kString, nullptr, {}, {"if"},
          "The interface of the rule, for `direction` (which it requires)."),
      arg("interface_in", ArgType::kString, nullptr, {}, {"if_in"},
          "The input interface; with interface_out only for a route rule."),
      arg("interface_out", ArgType::kString, nullptr, {}, {"if_out"},
          "The output interface; with interface_in only for a route rule."),
      arg("log", ArgType::kBool, false, {}, {}, "Log new connections the rule matches."),
      arg("from_ip", ArgType::kString, "any", {}, {"from", "src"}, "Source address."),
      arg("from_port", ArgType::kString, nullptr, {}, {}, "Source port."),
      arg("to_ip", ArgType::kString, "any", {}, {"dest", "to"}, "Destination address."),
      arg("to_port", ArgType::kString, nullptr, {}, {"port"},
          "Destination port: a number, a range (60000:61000), a list (80,443) or a service "
          "name from /etc/services."),
      arg("proto", ArgType::kString, nullptr,
          {"any", "tcp", "udp", "ipv6", "esp", "ah", "gre", "igmp"}, {"protocol"}, "The protocol."),
      arg("name", ArgType::kString, nullptr, {}, {"app"},
          "An application profile of /etc/ufw/applications.d (OpenSSH)."),
      arg("comment", ArgType::kString, nullptr, {}, {},
          "A comment on the rule (ufw 0.35 or later; left out on older ones, as Ansible's "
          "module does)."),
  };
  spec.mutually_exclusive = {
      {"name", "proto", "logging"}, {"direction", "interface_in"}, {"direction", "interface_out"}};
  spec.required_one_of = {{"state", "default", "rule", "logging"}};
  spec.examples =
      "- name: allow OpenSSH\n"
      "  community.general.ufw:\n"
      "    rule: allow\n"
      "    name: OpenSSH\n"
      "- name: rate-limit ssh\n"
      "  community.general.ufw:\n"
      "    rule: limit\n"
      "    port: ssh\n"
      "    proto: tcp\n"
      "- name: web ports\n"
      "  community.general.ufw:\n"
      "    rule: allow\n"
      "    port: \"{{ item }}\"\n"
      "    proto: tcp\n"
      "    comment: web\n"
      "  with_items: [\"80\", \"443\"]\n"
      "- name: deny what is not allowed, and turn the firewall on\n"
      "  community.general.ufw:\n"
      "    state: enabled\n"
      "    policy: deny\n"
      "    direction: incoming\n";
  spec.notes =
      "Where ufw is inactive, `ufw status verbose` says only so: a default policy changed "
      "then is made and reported ok, as Ansible's module reports it (its check mode says "
      "changed there; hostprep's predicts the real run), and a `logging` task is reported "
      "changed whatever it does, as Ansible's module reports it (the level ufw.conf holds "
      "decides whether hostprep runs `ufw logging`). A `state: enabled` on an "
      "active ufw whose ufw.conf says ENABLED=yes runs nothing (Ansible's runs `ufw enable`, "
      "which reloads the rules: use `state: reloaded` for that). ufw's dry run cannot show "
      "the IPv6 half of a `limit` rule (it assumes IPv6 rate limiting unsupported): hostprep "
      "predicts it from the IPv4 half when the limit rules of both files agree, and otherwise "
      "runs the rule and reports what ufw did (check mode: skipped, unpredictable). A failed "
      "rule (a bad port, an unknown application) fails in the probe, with ufw's message, "
      "in check mode too. Refused at validate time: a value that begins with `--rootdir=` or "
      "`--datadir=` (ufw takes those anywhere on its command line as where its files are, "
      "and would run that tree's scripts). ufw's own failure messages are Ansible's: what ufw "
      "printed.";
  return spec;
}

constexpr const char* kGrepFiles[] = {"/lib/ufw/user.rules",     "/lib/ufw/user6.rules",
                                      "/etc/ufw/user.rules",     "/etc/ufw/user6.rules",
                                      "/var/lib/ufw/user.rules", "/var/lib/ufw/user6.rules"};
constexpr const char* kRuleArgs[] = {"from_ip", "from_port", "to_ip",        "to_port",      "name",
                                     "comment", "interface", "interface_in", "interface_out"};

Read Query(std::vector<std::string> words) {
  std::vector<std::string> argv = {"/bin/sh", "-c", scripts::kUfw, "sh"};
  argv.insert(argv.end(), words.begin(), words.end());
  return Read::Query(std::move(argv));
}

// The commands of the task in Ansible's order, with their values: state,
// default, rule, logging, those given.
std::vector<std::string> Commands(const Value& args) {
  std::vector<std::string> out;
  for (const char* key : {"state", "default", "rule", "logging"})
    if (!StringArg(args, key).empty()) out.push_back(key);
  return out;
}

bool RelativeInsert(const Value& args) {
  return !BoolArg(args, "delete", false) && OptIntArg(args, "insert") &&
         StringArg(args, "insert_relative_to") != "zero";
}

std::optional<long long> AbsoluteInsert(const Value& args) {
  if (BoolArg(args, "delete", false)) return std::nullopt;
  return OptIntArg(args, "insert");
}

std::vector<std::string> RuleArgv(const std::vector<UfwWord>& words) {
  std::vector<std::string> argv;
  for (const UfwWord& w : words) argv.insert(argv.end(), w.argv.begin(), w.argv.end());
  return argv;
}

// The probe script's words that ask ufw what the rule would do.
std::vector<std::string> DryRunWords(const std::vector<UfwWord>& words) {
  std::vector<std::string> out = {"run", "--dry-run"};
  for (const std::string& w : RuleArgv(words)) out.push_back(w);
  return out;
}

std::string RuleShown(const std::vector<UfwWord>& words) {
  std::string out;
  for (const UfwWord& w : words) out += " " + w.shown;
  return out;
}

std::string StripNewlines(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::string RStrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// The tuple lines of ufw's user rules files: all of them in Ansible's grep
// order, and those of user.rules (IPv4) and user6.rules (IPv6).
struct Tuples {
  std::vector<std::string> all, v4, v6;
};

Tuples ParseTuples(const std::string& out) {
  Tuples t;
  const auto sections = SplitSections(out);
  for (const char* file : kGrepFiles) {
    auto it = sections.find(file);
    if (it == sections.end()) continue;
    std::vector<std::string>& family = EndsWith(file, "6.rules") ? t.v6 : t.v4;
    for (const std::string& line : it->second) {
      if (!StartsWith(line, "### tuple")) continue;
      t.all.push_back(line);
      family.push_back(line);
    }
  }
  return t;
}

// What `ufw --dry-run RULE` says: the rules files it would write, by
// family, and its messages.
struct DryRun {
  std::optional<std::vector<std::string>> v4, v6;  // tuple lines of a file it printed
  bool v4_skipped = false;                         // "Skipping ... rule" for the IPv4 rule
  bool v6_limit_unknown = false;                   // it skipped the IPv6 half of a limit rule
};

DryRun ParseDryRun(const std::string& out) {
  DryRun d;
  std::vector<std::string> block;
  bool in_block = false, six = false;
  for (const std::string& line : Split(out, '\n')) {
    if (line == "*filter") {
      in_block = true;
      six = false;
      block.clear();
      continue;
    }
    if (in_block) {
      if (StartsWith(line, ":ufw6-")) six = true;
      if (StartsWith(line, "### tuple")) block.push_back(line);
      if (line == "COMMIT") {
        (six ? d.v6 : d.v4) = block;
        in_block = false;
      }
      continue;
    }
    if (line == "Skipping unsupported IPv6 'limit' rule") d.v6_limit_unknown = true;
    if (StartsWith(line, "Skipping") && line.find("(v6)") == std::string::npos &&
        line.find("IPv6") == std::string::npos)
      d.v4_skipped = true;
  }
  return d;
}

// The tuple fields (action proto dport dst sport src ...) without the
// "### tuple ###" prefix and the comment.
std::vector<std::string> TupleFields(const std::string& line) {
  std::string body = line.substr(std::string("### tuple ###").size());
  return PySplit(body);
}

// The limit rules of a family for any address (0.0.0.0/0 or ::/0 on both
// ends), with the address written as IPv6: the two families' lists agree
// when ufw added and removed the IPv6 half of each with its IPv4 half.
std::vector<std::string> AnyLimitRules(const std::vector<std::string>& tuples,
                                       const std::string& any) {
  std::vector<std::string> out;
  for (const std::string& line : tuples) {
    std::vector<std::string> f = TupleFields(line);
    if (f.size() < 6 || !StartsWith(f[0], "limit") || f[3] != any || f[5] != any) continue;
    f[3] = f[5] = "::/0";
    out.push_back(fmt::format("{}", fmt::join(f, " ")));
  }
  return out;
}

// The state `ufw status verbose` shows: only whether ufw is active when it
// is not; its logging level and default policies when it is.
struct Shown {
  bool active = false;
  std::string loglevel, in, out, routed;
  bool operator==(const Shown& o) const {
    if (active != o.active) return false;
    return !active || (loglevel == o.loglevel && in == o.in && out == o.out && routed == o.routed);
  }
};

std::string PolicyWord(const std::string& conf) {
  if (conf == "accept") return "allow";
  if (conf == "reject") return "reject";
  return "deny";
}

std::string ConfPolicy(const std::string& policy) {
  if (policy == "allow") return "ACCEPT";
  if (policy == "reject") return "REJECT";
  return "DROP";
}

const char* PolicyKey(const std::string& direction) {
  if (direction == "outgoing") return "default_output_policy";
  if (direction == "routed") return "default_forward_policy";
  return "default_input_policy";
}

struct UfwProbed {
  std::string ufw, grep;
  std::string status;  // what `ufw status verbose` printed
  Tuples tuples;
  std::map<std::string, std::string> conf;  // ufw.conf and /etc/default/ufw
};

// Whether Ansible's module calls `logging: VALUE` a change, from what
// `ufw status verbose` said before: always when it names no logging level.
bool LoggingSaysChanged(const std::string& status, const std::string& value) {
  static const std::regex kLogging(R"(Logging: (on|off)(?: \(([a-z]+)\))?)");
  std::smatch m;
  if (!std::regex_search(status, m, kLogging)) return true;
  const std::string on_off = m[1].str();
  const std::string level = m[2].matched ? m[2].str() : "";
  if (value == "off") return on_off != "off";
  return on_off == "off" || (value != "on" && value != level);
}

// `ufw status verbose` and the tuples as scripts/ufw_report.sh compares
// them after the commands.
std::string StateText(const UfwProbed& p) {
  return StripNewlines(p.status) + "\n@@@@\n" + fmt::format("{}", fmt::join(p.tuples.all, "\n"));
}

}  // namespace

std::vector<UfwWord> UfwRuleWords(const Value& args, std::optional<long long> insert,
                                  bool with_comment) {
  std::vector<UfwWord> w;
  auto add = [&w](std::string shown, std::vector<std::string> argv) {
    w.push_back({std::move(shown), std::move(argv)});
  };
  if (BoolArg(args, "route", false)) add("route", {"route"});
  if (BoolArg(args, "delete", false)) add("delete", {"delete"});
  if (insert) add(fmt::format("insert {}", *insert), {"insert", std::to_string(*insert)});
  add(StringArg(args, "rule"), {StringArg(args, "rule")});
  if (const std::string d = StringArg(args, "direction"); !d.empty()) add(d, {d});
  for (auto [key, prefix] : {std::pair{"interface", "on"}, std::pair{"interface_in", "in on"},
                             std::pair{"interface_out", "out on"}}) {
    const std::string v = StringArg(args, key);
    if (v.empty()) continue;
    std::vector<std::string> argv = Split(prefix, ' ');
    argv.push_back(v);
    add(std::string(prefix) + " " + v, argv);
  }
  if (BoolArg(args, "log", false)) add("log", {"log"});
  for (auto [key, word] :
       {std::pair{"from_ip", "from"}, std::pair{"from_port", "port"}, std::pair{"to_ip", "to"},
        std::pair{"to_port", "port"}, std::pair{"proto", "proto"}}) {
    const std::string v = StringArg(args, key);
    if (!v.empty()) add(std::string(word) + " " + v, {word, v});
  }
  if (const std::string app = StringArg(args, "name"); !app.empty())
    add("app '" + app + "'", {"app", app});
  if (const std::string c = StringArg(args, "comment"); with_comment && !c.empty())
    add("comment '" + c + "'", {"comment", c});
  return w;
}

std::optional<std::pair<int, int>> UfwVersion(const std::string& out) {
  std::vector<std::string> lines;
  for (const std::string& line : Split(out, '\n'))
    if (!PyStrip(line).empty()) lines.push_back(line);
  if (lines.empty()) return std::nullopt;
  static const std::regex kVersion(R"(^ufw.+(\d+)\.(\d+)(?:\.(\d+))?.*$)");
  std::smatch m;
  if (!std::regex_search(lines[0], m, kVersion)) return std::nullopt;
  return std::pair{std::stoi(m[1].str()), std::stoi(m[2].str())};
}

std::optional<long long> UfwRelativeInsert(long long insert, const std::string& relative_to,
                                           const std::string& numbered) {
  static const std::regex kNumbered(R"(^\[ *([0-9]+)\] )");
  long long last = 0, last4 = 0;
  bool has4 = false, has6 = false;
  for (const std::string& line : PySplitLines(numbered)) {
    std::smatch m;
    if (!std::regex_search(line, m, kNumbered)) continue;
    const long long no = std::stoll(m[1].str());
    last = std::max(last, no);
    if (line.find("(v6)") != std::string::npos) {
      has6 = true;
    } else {
      has4 = true;
      last4 = std::max(last4, no);
    }
  }
  long long base = 1;
  if (relative_to == "last-ipv4") base = has4 ? last4 : 1;
  if (relative_to == "first-ipv6") base = has4 ? last4 + 1 : 1;
  if (relative_to == "last-ipv6") base = has6 ? last : last + 1;
  const long long at = insert + base;
  if (at > last) return std::nullopt;
  return at;
}

std::map<std::string, std::string> UfwConfig(const std::optional<std::string>& text) {
  std::map<std::string, std::string> out;
  static const std::regex kLine(R"(^\s*(\w+)=(.*)$)");
  for (const std::string& line : PySplitLines(text.value_or(""))) {
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) continue;
    std::string v = ToLower(PyStrip(m[2].str()));
    while (!v.empty() && (v.front() == '"' || v.front() == '\'')) v.erase(0, 1);
    while (!v.empty() && (v.back() == '"' || v.back() == '\'')) v.pop_back();
    out[ToLower(m[1].str())] = v;
  }
  return out;
}

UfwModule::UfwModule() : spec_(UfwSpec()) {}

void UfwModule::Validate(const Value& args, bool templates_pending,
                         std::vector<ArgError>* errors) const {
  (void)templates_pending;
  auto known = [&args](const char* key) { return ArgReady(args, key); };
  for (const char* key : kRuleArgs) {
    if (!known(key)) continue;
    const std::string v = StringArg(args, key);
    if (StartsWith(v, "--rootdir=") || StartsWith(v, "--datadir=")) {
      errors->push_back({key, fmt::format("{} would tell ufw where its files are, not be a "
                                          "value of the rule: ufw reads --rootdir= and "
                                          "--datadir= anywhere on its command line",
                                          Quoted(v))});
    }
  }
  if (known("interface") && !args.contains("direction")) {
    errors->push_back({"interface", "missing parameter(s) required by 'interface': direction"});
  }
  const std::string direction = known("direction") ? StringArg(args, "direction") : "";
  if (known("default") && !direction.empty() && direction != "incoming" &&
      direction != "outgoing" && direction != "routed") {
    errors->push_back({"direction",
                       "For default, direction must be one of \"outgoing\", \"incoming\" and "
                       "\"routed\", or direction must not be specified."});
  }
  if (known("rule")) {
    if (!direction.empty() && direction != "in" && direction != "out") {
      errors->push_back({"direction",
                         "For rules, direction must be one of \"in\" and \"out\", or direction "
                         "must not be specified."});
    }
    if (known("interface_in") && known("interface_out") && known("route") &&
        !BoolArg(args, "route", false)) {
      errors->push_back({"interface_out",
                         "Only route rules can combine interface_in and "
                         "interface_out"});
    }
  }
}

std::vector<Read> UfwModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads = {Query({"bin"}), Query({"run", "status", "verbose"}), Query({"tuples"}),
                             Read::File("/etc/ufw/ufw.conf"), Read::File("/etc/default/ufw")};
  if (StringArg(args, "rule").empty()) return reads;
  reads.push_back(Query({"run", "--version"}));
  if (RelativeInsert(args)) {
    reads.push_back(Query({"run", "status", "numbered"}));
    return reads;
  }
  reads.push_back(Query(DryRunWords(UfwRuleWords(args, AbsoluteInsert(args), true))));
  return reads;
}

namespace {

// What the task's commands come to, worked out one command after another
// in Ansible's order.
struct Planning {
  explicit Planning(const UfwProbed& probed) : p(probed) {}
  const UfwProbed& p;
  std::vector<std::string> check_cmds, real_cmds;  // Ansible's `commands`, by mode
  std::vector<std::vector<std::string>> run;       // ufw's argv after its path
  std::vector<std::string> shown;                  // the same, for the output
  Shown before, after;
  bool routing_off = false;     // the status says "disabled (routed)"
  bool always_changed = false;  // Ansible's module says changed whatever ufw does
  bool certain = true;          // whether the change could be told beforehand
  bool rules_change = false;
  bool reset = false;  // the task resets ufw first: every later command runs

  void Run(std::vector<std::string> argv, std::string text) {
    run.push_back(std::move(argv));
    shown.push_back("ufw " + text);
  }
};

// A failed ufw query: Ansible's msg is what ufw printed, as it printed it.
Change FailedCommands(const ExecResult& r, const std::vector<std::string>& commands) {
  Change change;
  change.command_output = false;
  change.failed = true;
  change.message = r.stderr_data.empty() ? r.stdout_data : r.stderr_data;
  change.result = {{"msg", change.message}, {"commands", commands}};
  return change;
}

void PlanUfwState(const std::string& value, Planning* w) {
  static const std::map<std::string, std::string> kVerb = {
      {"enabled", "enable"}, {"disabled", "disable"}, {"reloaded", "reload"}, {"reset", "reset"}};
  const std::string verb = kVerb.at(value);
  w->real_cmds.push_back(w->p.ufw + " -f " + verb);
  const bool enabled_at_boot = w->p.conf.count("enabled") && w->p.conf.at("enabled") == "yes";
  bool act = true;
  if (value == "enabled") {
    act = !w->before.active || !enabled_at_boot;
    w->after.active = true;
  } else if (value == "disabled") {
    act = w->before.active || enabled_at_boot;
    w->after.active = false;
  } else {
    w->always_changed = true;
    if (value == "reset") {
      w->reset = true;
      w->after.active = false;
    }
  }
  if (act) w->Run({"-f", verb}, "-f " + verb);
}

void PlanDefault(const std::string& value, const std::string& direction, Planning* w) {
  const std::string words = value + (direction.empty() ? "" : " " + direction);
  w->real_cmds.push_back(w->p.ufw + " default " + words);
  const auto now = w->p.conf.find(PolicyKey(direction));
  if (w->reset || now == w->p.conf.end() || ToLower(ConfPolicy(value)) != now->second) {
    std::vector<std::string> argv = {"default", value};
    if (!direction.empty()) argv.push_back(direction);
    w->Run(argv, "default " + words);
  }
  if (direction == "outgoing") {
    w->after.out = value;
  } else if (direction == "routed") {
    if (!w->routing_off) w->after.routed = value;
  } else {
    w->after.in = value;
  }
}

void PlanLogging(const std::string& value, Planning* w) {
  w->real_cmds.push_back(w->p.ufw + " logging " + value);
  // Ansible's module says changed from the status it read before, in check
  // mode and in a real run alike: always when the status shows no logging
  // (ufw inactive).
  w->always_changed = w->always_changed || LoggingSaysChanged(w->p.status, value);
  const auto it = w->p.conf.find("loglevel");
  const std::string now = it == w->p.conf.end() ? "" : it->second;
  std::string level = value;
  if (value == "on") level = now.empty() || now == "off" ? "low" : now;
  if (w->reset || level != now) w->Run({"logging", value}, "logging " + value);
  w->after.loglevel = level;
}

// Whether the rule changes ufw's rules files, from ufw's dry run: each file
// it printed against the file's tuple lines now. Only the IPv6 half of a
// limit rule, which the dry run leaves out, may be beyond telling.
void PlanRuleChange(const DryRun& d, const std::vector<UfwWord>& words, Planning* w) {
  const UfwProbed& p = w->p;
  bool differs = false;
  if (d.v4 && *d.v4 != p.tuples.v4) differs = true;
  if (d.v6 && *d.v6 != p.tuples.v6) differs = true;
  const auto ipv6 = p.conf.find("ipv6");
  if (d.v6_limit_unknown && ipv6 != p.conf.end() && ipv6->second == "yes") {
    // ufw adds and removes the IPv6 half of a limit rule with the IPv4
    // half: predictable when the limit rules of both files agree.
    const bool v4_part = d.v4.has_value() || d.v4_skipped;
    if (!v4_part || AnyLimitRules(p.tuples.v4, "0.0.0.0/0") != AnyLimitRules(p.tuples.v6, "::/0"))
      w->certain = false;
  }
  w->rules_change = w->rules_change || differs;
  if (differs || !w->certain || w->reset) w->Run(RuleArgv(words), RuleShown(words).substr(1));
}

// The rule command. Returns a Change to stop at: a failure, or one more
// read (a relative insert's position, a ufw too old for comments).
std::optional<Change> PlanRule(const Value& args, const std::vector<ReadResult>& reads,
                               Planning* w) {
  if (reads.size() < 7) return FailedCommands({1, "", "internal error: no ufw rule reads"}, {});
  const std::string version_cmd = w->p.ufw + " --version";
  w->check_cmds.push_back(version_cmd);
  w->real_cmds.push_back(version_cmd);
  if (reads[5].exec.exit_code != 0) return FailedCommands(reads[5].exec, w->real_cmds);
  const auto version = UfwVersion(reads[5].exec.stdout_data);
  if (!version) {
    Change change = FailedCommands({0, "Failed to get ufw version.", ""}, {});
    change.result.erase("commands");  // Ansible's says msg, rc and out alone here
    change.result["rc"] = 0;
    change.result["out"] = reads[5].exec.stdout_data;
    return change;
  }
  const bool with_comment = version->first > 0 || version->second >= 35;
  std::optional<long long> insert = AbsoluteInsert(args);
  const bool relative = RelativeInsert(args);
  if (relative)
    insert = UfwRelativeInsert(*insert, StringArg(args, "insert_relative_to"),
                               reads[6].exec.stdout_data);
  const std::vector<UfwWord> words = UfwRuleWords(args, insert, with_comment);
  const std::vector<std::string> wanted = DryRunWords(words);
  // The probe asked ufw about the rule with its comment and an absolute
  // position; an old ufw (no comments) or a relative position needs one
  // more read.
  const ReadResult* answer = nullptr;
  if (!relative && wanted == DryRunWords(UfwRuleWords(args, AbsoluteInsert(args), true))) {
    answer = &reads[6];
  } else if (reads.size() > 7) {
    answer = &reads[7];
  } else {
    Change more;
    more.more_reads = {Query(wanted)};
    return more;
  }
  w->check_cmds.push_back(w->p.ufw + " --dry-run" + RuleShown(words));
  w->real_cmds.push_back(w->p.ufw + RuleShown(words));
  if (answer->exec.exit_code != 0) return FailedCommands(answer->exec, w->real_cmds);
  PlanRuleChange(ParseDryRun(answer->exec.stdout_data), words, w);
  return std::nullopt;
}

// What the probe read: ufw's and grep's paths, the status, the tuples and
// the config files; an error when ufw or grep is missing.
Result<UfwProbed> ReadUfwProbe(const std::vector<ReadResult>& reads) {
  UfwProbed p;
  const std::vector<std::string> bin = Split(reads[0].exec.stdout_data, '\n');
  if (bin.size() < 3) return Status::Error("unexpected answer from the ufw read");
  for (const auto& [i, name] : {std::pair{0, "ufw"}, std::pair{1, "grep"}}) {
    if (bin[i] == "-")
      return Status::Error(
          fmt::format("Failed to find required executable \"{}\" in paths: {}", name, bin[2]));
  }
  p.ufw = bin[0];
  p.grep = bin[1];
  p.status = reads[1].exec.stdout_data;
  p.tuples = ParseTuples(reads[2].exec.stdout_data);
  p.conf = UfwConfig(reads[3].content);
  for (const auto& [k, v] : UfwConfig(reads[4].content)) p.conf[k] = v;
  return p;
}

Shown ShownBefore(const UfwProbed& p, bool routing_off) {
  auto conf = [&p](const char* key) {
    const auto it = p.conf.find(key);
    return it == p.conf.end() ? std::string() : it->second;
  };
  Shown s;
  s.active = StartsWith(p.status, "Status: active");
  s.loglevel = conf("loglevel");
  s.in = PolicyWord(conf("default_input_policy"));
  s.out = PolicyWord(conf("default_output_policy"));
  s.routed = routing_off ? "disabled" : PolicyWord(conf("default_forward_policy"));
  return s;
}

}  // namespace

Result<Change> UfwModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                               const Value& facts) const {
  (void)facts;
  if (reads.size() < 5) return Status::Error("internal error: no ufw reads");
  for (const ReadResult& r : reads)
    if (!r.status.ok()) return r.status;
  Result<UfwProbed> probed = ReadUfwProbe(reads);
  if (!probed.ok()) return probed.status();
  const UfwProbed& p = *probed;
  const std::string status_cmd = p.ufw + " status verbose";
  std::string grep_cmd = p.grep + " -h '^### tuple'";
  for (const char* f : kGrepFiles) grep_cmd += std::string(" ") + f;
  if (reads[1].exec.exit_code != 0) return FailedCommands(reads[1].exec, {status_cmd});

  Planning w{p};
  w.check_cmds = w.real_cmds = {status_cmd, grep_cmd};
  w.routing_off = p.status.find("disabled (routed)") != std::string::npos;
  w.before = w.after = ShownBefore(p, w.routing_off);
  for (const std::string& command : Commands(args)) {
    const std::string value = StringArg(args, command.c_str());
    if (command == "state") {
      PlanUfwState(value, &w);
    } else if (command == "default") {
      PlanDefault(value, StringArg(args, "direction"), &w);
    } else if (command == "rule") {
      if (std::optional<Change> stop = PlanRule(args, reads, &w)) return *stop;
    } else {
      PlanLogging(value, &w);
    }
  }
  w.real_cmds.push_back(status_cmd);
  if (!w.always_changed) w.real_cmds.push_back(grep_cmd);

  Change change;
  change.command_output = false;
  change.changed = w.always_changed || w.rules_change || !(w.before == w.after) || !w.certain;
  change.predictable = w.certain;
  change.result = {{"commands", w.check_cmds}};
  change.applied_result = {{"commands", w.real_cmds}, {"msg", RStrip(p.status)}};
  if (w.run.empty()) return change;
  for (const std::vector<std::string>& argv : w.run) {
    std::vector<std::string> full = {"env", "LANG=C", p.ufw};
    full.insert(full.end(), argv.begin(), argv.end());
    change.actions.push_back(ExecAction(full));
  }
  Action report = ExecAction(
      {"/bin/sh", "-c", scripts::kUfwReport, "sh", p.ufw, w.always_changed ? "yes" : "no"});
  report.stdin_data = StateText(p);
  change.actions.push_back(std::move(report));
  change.reports = true;
  change.message = fmt::format("would run: {}", fmt::join(w.shown, "; "));
  return change;
}

Result<Change> UfwModule::Report(const Value& args, const ExecResult& output) const {
  (void)args;  // what Plan decided travels through the report script: "@@ always"
  Change done;
  if (output.exit_code != 0) {
    // A ufw command failed: Ansible's module fails with what it printed.
    done.failed = true;
    done.message = output.stderr_data.empty() ? output.stdout_data : output.stderr_data;
    done.result["msg"] = done.message;
    return done;
  }
  const auto sections = SplitSections(output.stdout_data);
  const auto same = sections.find("same");
  const auto status = sections.find("status");
  if (status == sections.end() || status->second.empty())
    return Status::Error("unexpected answer from ufw's status after the task's commands");
  std::vector<std::string> lines(status->second.begin() + 1, status->second.end());
  const std::string text = RStrip(fmt::format("{}", fmt::join(lines, "\n")));
  if (status->second[0] != "0") {
    done.failed = true;
    done.message = text;
    done.result["msg"] = text;
    return done;
  }
  const auto always = sections.find("always");
  const bool said =
      always != sections.end() && !always->second.empty() && always->second[0] == "yes";
  done.changed = said || same == sections.end() || same->second.empty() || same->second[0] != "yes";
  done.result["msg"] = text;
  return done;
}

}  // namespace hostprep::modules
