#include "modules/service.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/module/registry.h"
#include "modules/builtin.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Words = std::vector<std::string>;

Value Args(const Value& raw) { return testing::NormalizedArgs(ServiceModule(), raw); }

std::vector<std::string> Errors(const Value& raw) {
  return testing::ArgErrors(ServiceModule(), raw);
}

const Value kSystemd = {{"service_mgr", "systemd"}};

// `systemctl show` output in the shape systemd prints it.
ReadResult Show(const std::string& load, const std::string& active, const std::string& file,
                const std::string& sub = "dead") {
  ReadResult r;
  r.exec.stdout_data = "LoadState=" + load + "\nActiveState=" + active + "\nSubState=" + sub +
                       "\nUnitFileState=" + file +
                       "\nFragmentPath=/lib/systemd/system/containerd.service\n";
  return r;
}

Result<Change> PlanWith(const Value& raw, const ReadResult& show) {
  ServiceModule module;
  return module.Plan(Args(raw), {show}, kSystemd);
}

std::vector<Words> Argvs(const Change& change) {
  std::vector<Words> out;
  for (const Action& a : change.actions) {
    CHECK(a.kind == Action::Kind::kExec);
    out.push_back(a.argv);
  }
  return out;
}

Words Ctl(const std::string& verb, const std::string& unit = "containerd.service") {
  return {"systemctl", verb, "--", unit};
}

TEST_CASE("service reads the unit with one systemctl show") {
  ServiceModule module;
  std::vector<Read> probe =
      module.Probe(Args({{"name", "containerd"}, {"state", "started"}}), kSystemd);
  REQUIRE(probe.size() == 1);
  CHECK(probe[0].argv == Words{"systemctl", "show", "--no-pager", "--", "containerd.service"});
  // daemon_reload alone names no unit and reads nothing.
  CHECK(module.Probe(Args({{"daemon_reload", true}}), kSystemd).empty());
}

TEST_CASE("service is also Ansible's systemd, systemd_service and service") {
  ModuleRegistry registry;
  RegisterBuiltinModules(&registry);
  for (const char* name :
       {"service", "ansible.builtin.service", "ansible.legacy.service", "systemd",
        "ansible.builtin.systemd", "systemd_service", "ansible.builtin.systemd_service"}) {
    CAPTURE(name);
    const Module* module = registry.FindFor(name, {"name", "state", "enabled"});
    REQUIRE(module != nullptr);
    CHECK(module->spec().name == "service");
  }
  // Ansible's aliases and the arguments its service module ignores on systemd.
  Value args = Args({{"service", "containerd"},
                     {"daemon-reload", true},
                     {"state", "started"},
                     {"sleep", 3},
                     {"args", "-x"}});
  CHECK(args["name"] == "containerd");
  CHECK(args["daemon_reload"] == true);
  CHECK(Errors({{"unit", "containerd"}, {"state", "started"}, {"pattern", "containerd"}}).empty());
}

TEST_CASE("service unit names get .service unless they have a unit suffix") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"containerd", "containerd.service"}, {"swap.target", "swap.target"},
      {"getty@tty1", "getty@tty1.service"}, {"docker.socket", "docker.socket"},
      {"fstrim.timer", "fstrim.timer"},     {"my.app", "my.app.service"},
  };
  for (const auto& [name, unit] : cases) {
    CAPTURE(name);
    CHECK(UnitNameOf(name) == unit);
  }
}

TEST_CASE("service parses systemctl show key=value lines") {
  CHECK(ParseSystemctlShow(
            "LoadState=loaded\nActiveState=active\nExecStart={ path=/x ; argv[]=/x a=b }\n") ==
        std::map<std::string, std::string>{{"LoadState", "loaded"},
                                           {"ActiveState", "active"},
                                           {"ExecStart", "{ path=/x ; argv[]=/x a=b }"}});
}

TEST_CASE("service starts and enables a stopped, disabled unit in that order") {
  Result<Change> change =
      PlanWith({{"name", "containerd"}, {"state", "started"}, {"enabled", true}},
               Show("loaded", "inactive", "disabled"));
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "enabled: disabled -> enabled\nactive: inactive -> active\n");
  CHECK(change->message == "would enable, start containerd.service");
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("enable"), Ctl("start")});
  // Registered as Ansible's systemd registers: the name as given, the unit's
  // properties as read before acting, the enablement and state it leaves.
  CHECK(change->result["name"] == "containerd");
  CHECK(change->result["status"]["ActiveState"] == "inactive");
  CHECK(change->result["status"]["FragmentPath"] == "/lib/systemd/system/containerd.service");
  CHECK(change->result["enabled"] == true);
  CHECK(change->result["state"] == "started");
  CHECK(!change->command_output);
}

TEST_CASE("service passes no_block and force to every systemctl command") {
  Result<Change> change = PlanWith({{"name", "containerd"},
                                    {"state", "started"},
                                    {"enabled", true},
                                    {"daemon_reload", true},
                                    {"no_block", true},
                                    {"force", true}},
                                   Show("loaded", "inactive", "disabled"));
  REQUIRE(change.ok());
  CHECK(Argvs(*change) ==
        std::vector<Words>{
            {"systemctl", "--no-block", "--force", "daemon-reload"},
            {"systemctl", "--no-block", "--force", "enable", "--", "containerd.service"},
            {"systemctl", "--no-block", "--force", "start", "--", "containerd.service"}});
}

TEST_CASE("service stops a deactivating unit and restarts a stopped one by starting it") {
  Result<Change> change =
      PlanWith({{"name", "containerd"}, {"state", "stopped"}}, Show("loaded", "deactivating", ""));
  REQUIRE(change.ok());
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("stop")});
  CHECK(change->result["state"] == "stopped");
  change = PlanWith({{"name", "containerd"}, {"state", "restarted"}},
                    Show("loaded", "inactive", "enabled"));
  REQUIRE(change.ok());
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("start")});
  CHECK(change->result["state"] == "started");
}

TEST_CASE("service reads every property, Exec values over several lines as Ansible does") {
  ReadResult show;
  show.exec.stdout_data =
      "Type=simple\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n"
      "ExecStart={ path=/usr/bin/containerd ; argv[]=/usr/bin/containerd ;\n"
      "  ignore_errors=no }\nDescription={ not a multi-line value\nMainPID=42\n";
  Result<Change> change = PlanWith({{"name", "containerd"}, {"state", "started"}}, show);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  const Value& status = change->result["status"];
  CHECK(status["ExecStart"] ==
        "{ path=/usr/bin/containerd ; argv[]=/usr/bin/containerd ;\n  ignore_errors=no }");
  CHECK(status["Description"] == "{ not a multi-line value");
  CHECK(status["MainPID"] == "42");
  CHECK(status["Type"] == "simple");
}

TEST_CASE("service in the asked state changes nothing") {
  struct Case {
    Value raw;
    ReadResult show;
  };
  const std::vector<Case> cases = {
      {{{"name", "containerd"}, {"state", "started"}, {"enabled", true}},
       Show("loaded", "active", "enabled", "running")},
      {{{"name", "containerd"}, {"state", "stopped"}, {"enabled", false}},
       Show("loaded", "failed", "disabled", "failed")},
      {{{"name", "containerd"}, {"enabled", true}}, Show("loaded", "inactive", "static")},
      {{{"name", "containerd"}, {"enabled", false}}, Show("loaded", "inactive", "static")},
      {{{"name", "containerd"}, {"state", "started"}}, Show("loaded", "activating", "enabled")},
      {{{"name", "swap.target"}, {"masked", true}}, Show("masked", "inactive", "masked")},
      {{{"name", "containerd"}, {"masked", false}}, Show("loaded", "active", "enabled")},
      // A unit that does not exist is not masked.
      {{{"name", "nosuch"}, {"masked", false}}, Show("not-found", "inactive", "")},
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw.dump());
    Result<Change> change = PlanWith(c.raw, c.show);
    REQUIRE(change.ok());
    CHECK(!change->changed);
    CHECK(change->actions.empty());
    CHECK(change->diff == "");
    CHECK(change->message == "");
  }
}

TEST_CASE("service restarted and reloaded always change, reloading a stopped unit starts it") {
  Result<Change> change = PlanWith({{"name", "containerd"}, {"state", "restarted"}},
                                   Show("loaded", "active", "enabled"));
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "active: active -> active (restarted)\n");
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("restart")});

  change = PlanWith({{"name", "containerd"}, {"state", "reloaded"}},
                    Show("loaded", "active", "enabled"));
  CHECK(change->diff == "active: active -> active (reloaded)\n");
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("reload")});

  change = PlanWith({{"name", "containerd"}, {"state", "reloaded"}},
                    Show("loaded", "inactive", "enabled"));
  CHECK(change->diff == "active: inactive -> active\n");
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("start")});
}

TEST_CASE("service stops and disables, then masks last") {
  Result<Change> change = PlanWith(
      {{"name", "swap.target"}, {"state", "stopped"}, {"enabled", false}, {"masked", true}},
      Show("loaded", "active", "enabled", "active"));
  REQUIRE(change.ok());
  CHECK(change->diff ==
        "enabled: enabled -> disabled\nactive: active -> inactive\nmasked: no -> yes\n");
  CHECK(change->message == "would disable, stop, mask swap.target");
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("disable", "swap.target"),
                                             Ctl("stop", "swap.target"),
                                             Ctl("mask", "swap.target")});
}

TEST_CASE("service refuses to mask a unit whose own file is where the mask would go") {
  ReadResult show = Show("loaded", "inactive", "disabled");
  show.exec.stdout_data += "FragmentPath=/etc/systemd/system/app.service\n";
  CHECK(PlanWith({{"name", "app"}, {"masked", true}}, show).message() ==
        "unit app.service cannot be masked: its unit file is /etc/systemd/system/app.service, "
        "where the mask would go (move the unit file to /usr/local/lib/systemd/system, or "
        "remove it and do not mask)");
  // Unmasking, or masking a unit shipped in /lib, is fine.
  Result<Change> change = PlanWith({{"name", "app"}, {"masked", false}}, show);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  change =
      PlanWith({{"name", "containerd"}, {"masked", true}}, Show("loaded", "inactive", "disabled"));
  REQUIRE(change.ok());
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("mask")});
}

TEST_CASE("service unmasks first, then enables and starts") {
  Result<Change> change =
      PlanWith({{"name", "containerd"}, {"masked", false}, {"enabled", true}, {"state", "started"}},
               Show("masked", "inactive", "masked"));
  REQUIRE(change.ok());
  CHECK(change->diff ==
        "masked: yes -> no\nenabled: disabled -> enabled\nactive: inactive -> active\n");
  CHECK(Argvs(*change) == std::vector<Words>{Ctl("unmask"), Ctl("enable"), Ctl("start")});
}

TEST_CASE("service daemon-reload runs first and alone is no change") {
  Result<Change> change = PlanWith({{"name", "containerd"}, {"daemon_reload", true}},
                                   Show("loaded", "active", "enabled"));
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->message == "would daemon-reload containerd.service");
  CHECK(Argvs(*change) == std::vector<Words>{{"systemctl", "daemon-reload"}});

  // systemd has loaded the unit's files as they are: nothing to reload, and
  // an unchanged re-run acts on nothing. Without a unit, the reload runs.
  ReadResult loaded = Show("loaded", "active", "enabled");
  loaded.exec.stdout_data += "NeedDaemonReload=no\n";
  change = PlanWith({{"name", "containerd"}, {"daemon_reload", true}}, loaded);
  REQUIRE(change.ok());
  CHECK(change->actions.empty());
  CHECK(change->message == "");
  ReadResult edited = Show("loaded", "active", "enabled");
  edited.exec.stdout_data += "NeedDaemonReload=yes\n";
  change = PlanWith({{"name", "containerd"}, {"daemon_reload", true}}, edited);
  CHECK(Argvs(*change) == std::vector<Words>{{"systemctl", "daemon-reload"}});
  change = ServiceModule().Plan(Args({{"daemon_reload", true}}), {}, kSystemd);
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->message == "would daemon-reload");
  CHECK(Argvs(*change) == std::vector<Words>{{"systemctl", "daemon-reload"}});
  CHECK(change->result["name"].is_null());

  // A unit file just written is not loaded yet: planned as stopped and disabled.
  change =
      PlanWith({{"name", "app"}, {"daemon_reload", true}, {"state", "started"}, {"enabled", true}},
               Show("not-found", "inactive", ""));
  REQUIRE(change.ok());
  CHECK(change->changed);
  CHECK(change->diff == "enabled: disabled -> enabled\nactive: inactive -> active\n");
  CHECK(Argvs(*change) == std::vector<Words>{{"systemctl", "daemon-reload"},
                                             Ctl("enable", "app.service"),
                                             Ctl("start", "app.service")});
}

TEST_CASE("service errors name the unit and what would fix it") {
  // As Ansible's systemd: a unit systemd does not know fails whatever state
  // or enablement is asked, stopped and disabled too.
  for (const Value& raw : std::vector<Value>{{{"name", "nosuch"}, {"state", "started"}},
                                             {{"name", "nosuch"}, {"state", "stopped"}},
                                             {{"name", "nosuch"}, {"enabled", true}},
                                             {{"name", "nosuch"}, {"enabled", false}}}) {
    CAPTURE(raw.dump());
    CHECK(PlanWith(raw, Show("not-found", "inactive", "")).message() ==
          "Could not find the requested service nosuch: host (install the package that provides "
          "it, or write its unit file and set daemon_reload: true)");
  }
  ReadResult bad = Show("bad-setting", "inactive", "disabled");
  bad.exec.stdout_data +=
      "LoadError=org.freedesktop.systemd1.BadUnitSetting \"Unit app.service "
      "has a bad unit file setting.\"\n";
  CHECK(PlanWith({{"name", "app"}, {"state", "started"}}, bad).message() ==
        "Error loading unit file 'app.service': org.freedesktop.systemd1.BadUnitSetting \"Unit "
        "app.service has a bad unit file setting.\" (fix the unit file, then set "
        "daemon_reload: true)");
  CHECK(
      PlanWith({{"name", "containerd"}, {"state", "started"}}, Show("masked", "inactive", "masked"))
          .message() == "unit containerd.service is masked: cannot start it (set masked: false)");
  CHECK(PlanWith({{"name", "containerd"}, {"state", "restarted"}, {"masked", true}},
                 Show("loaded", "active", "enabled"))
            .message() ==
        "unit containerd.service is masked: cannot restart it (set masked: false)");
  CHECK(PlanWith({{"name", "containerd"}, {"enabled", true}}, Show("masked", "inactive", "masked"))
            .message() ==
        "unit containerd.service is masked: cannot enable it (set masked: false)");

  ReadResult failed;
  failed.exec = {
      1, "", "System has not been booted with systemd as init system (PID 1). Can't operate.\n"};
  CHECK(PlanWith({{"name", "containerd"}, {"state", "started"}}, failed).message() ==
        "systemctl show containerd.service failed (exit 1): System has not been booted with "
        "systemd as init system (PID 1). Can't operate.");

  ServiceModule module;
  const Value openrc = {{"service_mgr", "openrc"}};
  Value args = Args({{"name", "sshd"}, {"state", "started"}});
  CHECK(module.Probe(args, openrc).empty());
  CHECK(module.Plan(args, {}, openrc).message() ==
        "service works with systemd units only, and this host's service manager is openrc");
}

TEST_CASE("service arguments are checked") {
  CHECK(Errors({{"name", "-H host"}, {"state", "started"}}) ==
        Words{"name: '-H host' is not a unit name: give a name such as containerd or "
              "containerd.service"});
  CHECK(Errors({{"name", "../etc/x"}, {"state", "started"}}).size() == 1);
  CHECK(Errors({{"name", "containerd"}}) ==
        Words{": module 'service' needs one of 'state', 'enabled', 'masked', 'daemon_reload', "
              "'daemon_reexec'"});
  CHECK(Errors({{"state", "started"}}) ==
        Words{": missing parameter(s) required by 'state': name (name the unit, e.g. name: "
              "containerd)"});
  CHECK(Errors({{"daemon_reload", true}}).empty());
  CHECK(Errors({{"name", "kube*"}, {"state", "stopped"}}) ==
        Words{"name: glob patterns are not supported in a unit name, found in 'kube*': name "
              "each unit in its own task or loop"});
  CHECK(Errors({{"name", "app"}, {"state", "started"}, {"scope", "user"}}) ==
        Words{"scope: scope user is not supported: hostprep manages the system's units only "
              "(remove scope, or use system)"});
  CHECK(Errors({{"name", "app"}, {"state", "started"}, {"use", "sysvinit"}}) ==
        Words{"use: service manager 'sysvinit' is not supported: hostprep manages systemd units "
              "only (use auto or systemd)"});
  CHECK(Errors({{"name", "containerd"}, {"state", "running"}}).at(0) ==
        "state: argument 'state' must be one of started, stopped, restarted, reloaded, not "
        "'running'");
}

TEST_CASE("service needs its package and its configuration") {
  ServiceModule module;
  Resources r = module.Declare(Args({{"name", "containerd.service"}, {"state", "started"}}));
  CHECK(r.needs == Words{"pkg:containerd", "config:containerd"});
  CHECK(r.provides.empty());
  CHECK(module.Declare(Args({{"name", "docker.socket"}, {"state", "started"}})).needs ==
        Words{"pkg:docker.socket", "config:docker.socket"});
}

}  // namespace
}  // namespace hostprep::modules
