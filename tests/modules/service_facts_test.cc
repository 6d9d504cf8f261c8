#include "modules/service_facts.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

// What scripts/service_facts.sh prints on a Debian 12 host with systemd,
// in the shapes systemd 252 prints them.
constexpr const char* kOut =
    "@@ sysv\n"
    " [ + ]  cron\n"
    " [ - ]  procps\n"
    "@@ units\n"
    "  UNIT                  LOAD      ACTIVE   SUB     DESCRIPTION\n"
    "  cron.service          loaded    active   running Regular background program processing "
    "daemon\n"
    "● gone.service          not-found inactive dead    gone.service\n"
    "● broken.service        loaded    failed   failed  A unit that failed\n"
    "  systemd-fsck-root.service loaded inactive dead   File System Check on Root Device\n"
    "\n"
    "LOAD   = Reflects whether the unit definition was properly loaded.\n"
    "5 loaded units listed.\n"
    "@@ files\n"
    "UNIT FILE             STATE           VENDOR PRESET\n"
    "cron.service          enabled         enabled\n"
    "broken.service        enabled         enabled\n"
    "systemd-fsck-root.service enabled-runtime disabled\n"
    "getty@.service        enabled         enabled\n"
    "rsync.service         disabled        enabled\n"
    "\n"
    "5 unit files listed.\n"
    "@@ show\n"
    "getty@.service 1 \n"
    "rsync.service 0 ActiveState=inactive\n";

TEST_CASE("service_facts reads init scripts and systemd's services as Ansible's does") {
  const Value services = ParseServiceFacts(kOut);
  CHECK(services["cron"] == Value{{"name", "cron"}, {"state", "running"}, {"source", "sysv"}});
  CHECK(services["procps"]["state"] == "stopped");
  CHECK(services["cron.service"] == Value{{"name", "cron.service"},
                                          {"state", "running"},
                                          {"status", "enabled"},
                                          {"source", "systemd"}});
  // Bad states stay: list-unit-files does not overwrite them.
  CHECK(services["gone.service"]["status"] == "not-found");
  CHECK(services["gone.service"]["state"] == "stopped");
  CHECK(services["broken.service"]["status"] == "failed");
  CHECK(services["systemd-fsck-root.service"]["status"] == "enabled-runtime");
  // Unit files list-units did not name: their ActiveState, or unknown.
  CHECK(services["rsync.service"] == Value{{"name", "rsync.service"},
                                           {"state", "inactive"},
                                           {"status", "disabled"},
                                           {"source", "systemd"}});
  CHECK(services["getty@.service"]["state"] == "unknown");
  CHECK(services.size() == 8);
}

TEST_CASE("service_facts sets the fact, or skips as Ansible's when there is none") {
  ServiceFactsModule module;
  REQUIRE(module.Probe(Value::object(), Value::object()).size() == 1);
  ReadResult read;
  read.exec = {0, kOut, ""};
  Result<Change> change = module.Plan(Value::object(), {read}, Value::object());
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(change->result["ansible_facts"]["services"]["cron.service"]["state"] == "running");
  read.exec = {0, "", ""};
  change = module.Plan(Value::object(), {read}, Value::object());
  REQUIRE(change.ok());
  CHECK(change->skipped);
  CHECK(change->skip_reason ==
        "Failed to find any services. This can be due to privileges or some other "
        "configuration issue.");
}

}  // namespace
}  // namespace hostprep::modules
