#include "modules/timezone.h"

#include <fmt/format.h>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"

namespace hostprep::modules {

namespace {

ArgSpec TimezoneSpec() {
  ArgSpec spec;
  spec.name = "timezone";
  spec.ansible_names = {"community.general.timezone", "community.general.system.timezone"};
  spec.summary = "set the system's time zone (and the hardware clock's mode)";
  spec.description =
      "Ansible's timezone module (community.general.timezone), on Linux: with systemd's "
      "timedatectl when it runs (`timedatectl set-timezone`, `set-local-rtc`); without it, on "
      "Debian and Ubuntu, /etc/timezone edited as Ansible edits it, /etc/localtime linked to "
      "the zone file and `dpkg-reconfigure tzdata` run. Compares first: the zone as "
      "timedatectl reports it, or as /etc/timezone and /etc/localtime say it. Registers "
      "Ansible's `diff` (before and after of the arguments given) and, on a change, its "
      "`msg`. The read rides in the probe round trip.";
  spec.args = {
      {"name",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The zone, as named under /usr/share/zoneinfo (`Europe/Berlin`, `Etc/UTC`)."},
      {"hwclock",
       ArgType::kString,
       false,
       nullptr,
       {"local", "UTC"},
       {"rtc"},
       "Whether the hardware clock keeps local time or UTC (with timedatectl only)."},
  };
  spec.required_one_of = {{"name", "hwclock"}};
  spec.examples =
      "- name: the servers run on UTC\n"
      "  community.general.timezone:\n"
      "    name: Etc/UTC\n";
  spec.notes =
      "Differences from Ansible: Linux only; without a working timedatectl only Debian and "
      "Ubuntu (Ansible also edits /etc/sysconfig/clock, and runs setup-timezone on Alpine), "
      "and `hwclock` is refused there: hostprep does not run hwclock. A zone name that is "
      "not a path below /usr/share/zoneinfo (`..`, a leading `/`) or holds a blank or a "
      "control character is refused at validate time; Ansible takes any name its zone "
      "file check finds. The changes are not read back after they are made (Ansible "
      "fails when the system does not then report the zone asked for).";
  return spec;
}

bool Blank(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

// Python's `^\s*LABEL\s*:\s*([^\s]+)` over one line at a time, LABEL being
// one of `labels`.
std::optional<std::string> Labelled(const std::string& text,
                                    const std::vector<std::string>& labels) {
  for (const std::string& line : Split(text, '\n')) {
    size_t i = 0;
    while (i < line.size() && Blank(line[i])) ++i;
    for (const std::string& label : labels) {
      if (line.compare(i, label.size(), label) != 0) continue;
      size_t j = i + label.size();
      while (j < line.size() && Blank(line[j])) ++j;
      if (j >= line.size() || line[j] != ':') continue;
      ++j;
      while (j < line.size() && Blank(line[j])) ++j;
      size_t end = j;
      while (end < line.size() && !Blank(line[end])) ++end;
      if (end > j) return line.substr(j, end - j);
    }
  }
  return std::nullopt;
}

// The first word of the first line of /etc/timezone that starts with one.
std::optional<std::string> FirstZoneWord(const std::string& content) {
  for (const std::string& line : Split(content, '\n')) {
    if (line.empty() || Blank(line[0])) continue;
    size_t end = 0;
    while (end < line.size() && !Blank(line[end])) ++end;
    return line.substr(0, end);
  }
  return std::nullopt;
}

// Ansible's `(?:/(?:usr/share|etc)/zoneinfo/)(.*)` searched in a link's
// target: the zone after the leftmost zoneinfo directory.
std::optional<std::string> ZoneOfLink(const std::string& target) {
  size_t best = std::string::npos;
  size_t skip = 0;
  for (const std::string dir : {"/usr/share/zoneinfo/", "/etc/zoneinfo/"}) {
    const size_t at = target.find(dir);
    if (at < best) {
      best = at;
      skip = dir.size();
    }
  }
  if (best == std::string::npos) return std::nullopt;
  const std::string rest = target.substr(best + skip);
  return rest.substr(0, rest.find('\n'));
}

bool PyTrue(const std::string& v) {
  const std::string l = ToLower(v);
  return l == "yes" || l == "on" || l == "1" || l == "true" || l == "y" || l == "t";
}

}  // namespace

Result<TimezoneState> ParseTimezoneState(const std::string& out) {
  TimezoneState s;
  bool seen = false;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(pos, end - pos);
    const size_t rest_at = end + 1 > out.size() ? out.size() : end + 1;
    if (line == "status") {
      s.status = out.substr(rest_at);
      break;
    }
    if (line == "timezone") {
      s.timezone_file = out.substr(rest_at);
      break;
    }
    const size_t space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (key == "zonefile") {
      s.zone_file = value == "yes";
      seen = true;
    } else if (key == "timedatectl") {
      const size_t last = value.rfind(' ');
      if (last != std::string::npos && value.substr(last + 1) == "ok")
        s.timedatectl = value.substr(0, last);
    } else if (key == "reconfigure") {
      s.reconfigure = value == "none" ? "" : value;
    } else if (key == "localtime") {
      const size_t sp = value.find(' ');
      s.localtime = value.substr(0, sp);
      if (sp != std::string::npos) s.link_target = value.substr(sp + 1);
    } else if (key == "same") {
      s.same_bytes = value == "yes";
    }
    pos = rest_at;
  }
  if (!seen) return Status::Error("unexpected answer from the time zone read");
  return s;
}

Result<std::string> TimedatectlValue(const std::string& status, const std::string& key) {
  const std::optional<std::string> v = key == "hwclock"
                                           ? Labelled(status, {"RTC in local TZ"})
                                           : Labelled(status, {"Time zone", "Timezone"});
  if (!v) {
    return Status::Error(fmt::format("'timedatectl status' did not say the {}",
                                     key == "hwclock" ? "RTC's mode" : "time zone"));
  }
  if (key == "hwclock") return std::string(PyTrue(*v) ? "local" : "UTC");
  return *v;
}

std::string ZoneFromFiles(const TimezoneState& state, const std::string& planned) {
  if (!state.timezone_file) return "n/a";
  const std::optional<std::string> word = FirstZoneWord(*state.timezone_file);
  if (!word) return "n/a";
  if (*word != planned) return *word;
  if (state.localtime == "link-ok") {
    const std::optional<std::string> linked = ZoneOfLink(state.link_target);
    if (!linked) return "n/a";
    return *linked != planned ? *linked : *word;
  }
  if (state.localtime == "link") return "n/a";  // broken
  return state.same_bytes ? *word : "n/a";
}

std::pair<std::string, int> EditTimezoneFile(const std::string& content, const std::string& name) {
  std::vector<std::string> lines = SplitLinesKeepEnds(content);
  std::vector<size_t> matched;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].empty() && !Blank(lines[i][0])) matched.push_back(i);
  }
  const size_t insert_at = matched.empty() ? 0 : matched[0];
  for (auto it = matched.rbegin(); it != matched.rend(); ++it) lines.erase(lines.begin() + *it);
  lines.insert(lines.begin() + insert_at, name + "\n");
  std::string out;
  for (const std::string& l : lines) out += l;
  return {out, static_cast<int>(matched.size())};
}

TimezoneModule::TimezoneModule() : spec_(TimezoneSpec()) {}

void TimezoneModule::Validate(const Value& args, bool templates_pending,
                              std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (!args.contains("name") || !args["name"].is_string() || IsPendingTemplate(args["name"]))
    return;
  const std::string name = args["name"].get<std::string>();
  bool bad = name.empty() || name[0] == '/';
  for (const std::string& part : Split(name, '/')) bad = bad || part == ".." || part == ".";
  for (char c : name) bad = bad || Blank(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  if (bad) {
    errors->push_back({"name", fmt::format("{} is not a time zone name: give one as named under "
                                           "/usr/share/zoneinfo, such as Europe/Berlin or Etc/UTC",
                                           Quoted(name))});
  }
}

std::vector<Read> TimezoneModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  return {Read::Query({"/bin/sh", "-c", scripts::kTimezone, "sh", StringArg(args, "name")})};
}

Result<Change> TimezoneModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                    const Value& facts) const {
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: no timezone read");
  if (!reads[0].status.ok()) return reads[0].status;
  Result<TimezoneState> state = ParseTimezoneState(reads[0].exec.stdout_data);
  if (!state.ok()) return state.status();
  const std::optional<std::string> name = OptArg(args, "name");
  const std::optional<std::string> hwclock = OptArg(args, "hwclock");
  if (name && !state->zone_file)
    return Status::Error(
        fmt::format("Error message:\ngiven timezone \"{}\" is not available", *name));

  Change change;
  Value before = Value::object(), after = Value::object();
  std::vector<std::string> msg;
  if (!state->timedatectl.empty()) {
    for (const auto& [key, planned] : {std::pair{"hwclock", hwclock}, std::pair{"name", name}}) {
      if (!planned) continue;
      Result<std::string> now = TimedatectlValue(state->status, key);
      if (!now.ok()) return now.status();
      before[key] = *now;
      after[key] = *planned;
      if (*now == *planned) continue;
      const std::vector<std::string> argv =
          std::string(key) == "hwclock"
              ? std::vector<std::string>{state->timedatectl, "set-local-rtc",
                                         *planned == "local" ? "yes" : "no"}
              : std::vector<std::string>{state->timedatectl, "set-timezone", *planned};
      change.actions.push_back(ExecAction(argv));
      msg.push_back(fmt::format("executed `{}`", fmt::join(argv, " ")));
    }
  } else {
    if (hwclock) {
      return Status::Error(
          "hwclock is set through timedatectl, and it does not run on this host (hostprep does "
          "not run hwclock itself): set the hardware clock's mode once by hand, or drop hwclock");
    }
    if (state->reconfigure.empty()) {
      return Status::Error(
          "without a working timedatectl, timezone sets the zone on Debian and Ubuntu only "
          "(through dpkg-reconfigure), and this host has no dpkg-reconfigure");
    }
    before["name"] = ZoneFromFiles(*state, *name);
    after["name"] = *name;
    if (before["name"] != *name) {
      const auto [content, deleted] = EditTimezoneFile(state->timezone_file.value_or(""), *name);
      change.actions.push_back(WriteFileAction("/etc/timezone", content));
      change.actions.push_back(
          ExecAction({"ln", "-sf", "/usr/share/zoneinfo/" + *name, "/etc/localtime"}));
      change.actions.push_back(
          ExecAction({state->reconfigure, "--frontend", "noninteractive", "tzdata"}));
      msg.push_back(fmt::format("Added 1 line and deleted {} line(s) on /etc/timezone", deleted));
    }
  }
  change.changed = before != after;
  change.result["diff"] = {{"before", before}, {"after", after}};
  if (!msg.empty()) change.applied_result["msg"] = fmt::format("{}", fmt::join(msg, "\n"));
  for (const auto& [key, value] : before.items()) {
    if (value != after[key])
      change.diff += fmt::format("- {}: {}\n+ {}: {}\n", key, value.get<std::string>(), key,
                                 after[key].get<std::string>());
  }
  if (change.changed) {
    change.message = name && before.value("name", "") != *name
                         ? fmt::format("would set the time zone to {}", *name)
                         : fmt::format("would keep the hardware clock in {}", *hwclock);
  }
  return change;
}

}  // namespace hostprep::modules
