#include "engine/run/play_keywords.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/base/text.h"
#include "engine/playbook/keywords.h"
#include "engine/run/magic_variables.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace {

// What the keyword's template renders to, with its location on errors.
Result<Value> Render(const PlayKeywordTemplate& t, const Variables& vars) {
  Result<Value> v = Templar(vars).Render(Value(t.text));
  if (!v.ok()) return Status::Error(t.location.Prefix() + t.key + ": " + v.message());
  return v;
}

// Render, for a keyword of the play as a whole: an error says which
// variables there are.
Result<Value> RenderForPlay(const PlayKeywordTemplate& t, const Variables& vars) {
  Result<Value> v = Render(t, vars);
  if (v.ok()) return v;
  return Status::Error(v.message() +
                       " (play keywords are rendered before any host, with the play's vars and "
                       "vars_files, its roles' variables and -e; inventory variables are not "
                       "known yet)");
}

Status NotA(const PlayKeywordTemplate& t, const Value& v, const char* what) {
  return Status::Error(
      fmt::format("{}{} rendered to {}, which is not {}", t.location.Prefix(), t.key,
                  v.is_string() ? "'" + v.get<std::string>() + "'" : ToText(v), what));
}

Result<bool> Boolean(const PlayKeywordTemplate& t, const Variables& vars, bool for_play) {
  Result<Value> v = for_play ? RenderForPlay(t, vars) : Render(t, vars);
  if (!v.ok()) return v.status();
  if (std::optional<bool> b = AnsibleBoolean(*v)) return *b;
  return NotA(t, *v, "a boolean (true/false, yes/no, on/off, 1/0)");
}

Result<std::vector<Value>> Serial(const PlayKeywordTemplate& t, const Variables& vars) {
  Result<Value> v = RenderForPlay(t, vars);
  if (!v.ok()) return v.status();
  const Value list = v->is_array() ? *v : Value::array({*v});
  std::vector<Value> out;
  for (const Value& item : list) {
    // A rendered count is a number; written out, text: both as the parser reads them.
    const bool number = item.is_number_integer() && !item.is_boolean();
    std::optional<Value> batch =
        number || item.is_string() ? SerialBatchSize(ToText(item)) : std::nullopt;
    if (!batch || (list.size() > 1 && *batch == Value(0))) {
      return NotA(t, *v, "a number of hosts, a percentage such as '30%', or a list of them");
    }
    if (*batch != Value(0)) out.push_back(*batch);
  }
  return out;
}

Result<int> Percent(const PlayKeywordTemplate& t, const Variables& vars) {
  Result<Value> v = RenderForPlay(t, vars);
  if (!v.ok()) return v.status();
  std::string text = v->is_string() ? Trim(v->get<std::string>()) : ToText(*v);
  if (EndsWith(text, "%")) text.pop_back();
  if (!text.empty() && text.size() < 4 &&
      text.find_first_not_of("0123456789") == std::string::npos) {
    const int n = std::stoi(text);
    if (n <= 100) return n;
  }
  return NotA(t, *v, "a percentage from 0 to 100");
}

// The pattern `hosts` renders to: a list's names joined as a union.
Result<std::string> Hosts(const Play& play, const Variables& vars) {
  if (!IsTemplate(play.hosts)) return play.hosts;
  const PlayKeywordTemplate t{"hosts", play.hosts, play.hosts_location};
  Result<Value> v = RenderForPlay(t, vars);
  if (!v.ok()) return v.status();
  std::string pattern;
  if (v->is_array()) {
    for (const Value& h : *v) pattern += (pattern.empty() ? "" : ":") + Trim(ToText(h));
  } else {
    pattern = Trim(ToText(*v));
  }
  if (pattern.empty()) return NotA(t, *v, "a host pattern (give a host, a group or 'all')");
  return pattern;
}

}  // namespace

PlayScope::PlayScope(const Play& play, const Value& groups, const RunOptions& options)
    : lookups_(play.dir, options.allow_lookup_commands, options.ansible_managed),
      magic_(&defaults_),
      vars_(&magic_),
      roles_(&vars_),
      extra_(&roles_) {
  defaults_.SetLookups(&lookups_);
  defaults_.SetAll(play.role_defaults, "role defaults");
  magic_.SetAll(PlayMagicVariables(play, options), "hostprep");
  magic_.Set("groups", groups, "inventory");
  vars_.SetAll(play.vars, play.location.file + " (play vars)");
  roles_.SetAll(play.role_vars, "role vars");
  extra_.SetAll(options.extra_vars, "extra vars (-e)");
}

Result<PlaySettings> ResolvePlaySettings(const Play& play, const Variables& vars,
                                         const std::string& default_strategy) {
  PlaySettings s;
  Result<std::string> hosts = Hosts(play, vars);
  if (!hosts.ok()) return hosts.status();
  s.hosts = std::move(*hosts);
  s.gather_facts = play.gather_facts;
  s.any_errors_fatal = play.any_errors_fatal;
  s.serial = play.serial;
  s.max_fail_percentage = play.max_fail_percentage;
  s.linear = (play.strategy.empty() ? default_strategy : play.strategy) == "linear";
  for (const PlayKeywordTemplate& t : play.keyword_templates) {
    if (t.key == "gather_facts" || t.key == "any_errors_fatal") {
      Result<bool> b = Boolean(t, vars, true);
      if (!b.ok()) return b.status();
      (t.key == "gather_facts" ? s.gather_facts : s.any_errors_fatal) = *b;
    } else if (t.key == "serial") {
      Result<std::vector<Value>> serial = Serial(t, vars);
      if (!serial.ok()) return serial.status();
      s.serial = std::move(*serial);
    } else if (t.key == "max_fail_percentage") {
      Result<int> percent = Percent(t, vars);
      if (!percent.ok()) return percent.status();
      s.max_fail_percentage = *percent;
    } else if (t.key == "strategy") {
      Result<Value> v = RenderForPlay(t, vars);
      if (!v.ok()) return v.status();
      const std::optional<std::string> name = StrategyName(ToText(*v));
      if (!name) return NotA(t, *v, "a strategy hostprep has (linear or free)");
      s.linear = *name == "linear";
    }
  }
  return s;
}

std::string PlayPattern(const Play& play, const Value& groups, const RunOptions& options) {
  const PlayScope scope(play, groups, options);
  Result<std::string> hosts = Hosts(play, scope.vars());
  return hosts.ok() ? *hosts : play.hosts;
}

Result<PlayBecome> ResolvePlayBecome(const Play& play, const Variables& host_vars) {
  PlayBecome b;
  b.become = play.become;
  b.user = play.become_user;
  for (const PlayKeywordTemplate& t : play.keyword_templates) {
    if (t.key == "become") {
      Result<bool> on = Boolean(t, host_vars, false);
      if (!on.ok()) return on.status();
      b.become = *on;
    } else if (t.key == "become_user") {
      Result<Value> user = Render(t, host_vars);
      if (!user.ok()) return user.status();
      b.user = Trim(ToText(*user));
      // A value from variables goes to sudo as its -u argument: a name only.
      const bool bad = b.user.empty() || b.user.front() == '-' ||
                       std::any_of(b.user.begin(), b.user.end(), [](unsigned char c) {
                         return c <= ' ' || c == 0x7f || c == ':' || c == '/';
                       });
      if (bad) return NotA(t, *user, "a user name");
    }
  }
  return b;
}

}  // namespace hostprep
