#include "modules/timezone.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

Value Args(const Value& raw) { return testing::NormalizedArgs(TimezoneModule(), raw); }

using testing::Ran;

// Debian 12's `timedatectl status`.
std::string Systemd(const std::string& zone, const std::string& rtc) {
  return "zonefile yes\ntimedatectl /usr/bin/timedatectl ok\nstatus\n"
         "               Local time: Mon 2026-12-07 12:00:00 UTC\n"
         "           Universal time: Mon 2026-12-07 12:00:00 UTC\n"
         "                Time zone: " +
         zone +
         " (UTC, +0000)\n"
         "System clock synchronized: yes\n"
         "              NTP service: n/a\n"
         "          RTC in local TZ: " +
         rtc + "\n";
}

// A host without systemd: /etc/timezone and the /etc/localtime link.
std::string Files(const std::string& timezone, const std::string& localtime, bool same = false) {
  return "zonefile yes\ntimedatectl /usr/bin/timedatectl fails\nreconfigure "
         "/usr/sbin/dpkg-reconfigure\nlocaltime " +
         localtime + "\nsame " + (same ? "yes" : "no") + "\ntimezone\n" + timezone;
}

TEST_CASE("timezone reads the zone as Ansible's module reads it") {
  CHECK(TimedatectlValue(Systemd("Etc/UTC", "no"), "name").value() == "Etc/UTC");
  CHECK(TimedatectlValue(Systemd("Etc/UTC", "no"), "hwclock").value() == "UTC");
  CHECK(TimedatectlValue(Systemd("Etc/UTC", "yes"), "hwclock").value() == "local");
  CHECK(TimedatectlValue("Timezone: Asia/Tokyo (JST, +0900)\n", "name").value() == "Asia/Tokyo");
  CHECK(TimedatectlValue("nothing\n", "name").message() ==
        "'timedatectl status' did not say the time zone");

  auto zone = [](const std::string& out, const std::string& planned) {
    Result<TimezoneState> s = ParseTimezoneState(out);
    REQUIRE(s.ok());
    return ZoneFromFiles(*s, planned);
  };
  const std::string berlin = "link-ok /usr/share/zoneinfo/Europe/Berlin";
  CHECK(zone(Files("Europe/Berlin\n", berlin), "Europe/Berlin") == "Europe/Berlin");
  CHECK(zone(Files("Etc/UTC\n", berlin), "Europe/Berlin") == "Etc/UTC");
  // /etc/timezone says the zone, the link another: the link's.
  CHECK(zone(Files("Europe/Berlin\n", "link-ok /usr/share/zoneinfo/Etc/UTC"), "Europe/Berlin") ==
        "Etc/UTC");
  CHECK(zone(Files("Europe/Berlin\n", "link /usr/share/zoneinfo/Europe/Berlin"), "Europe/Berlin") ==
        "n/a");
  CHECK(zone(Files("Europe/Berlin\n", "link-ok /opt/zones/Berlin"), "Europe/Berlin") == "n/a");
  CHECK(zone(Files("Europe/Berlin\n", "file", true), "Europe/Berlin") == "Europe/Berlin");
  CHECK(zone(Files("Europe/Berlin\n", "file", false), "Europe/Berlin") == "n/a");
  CHECK(zone(Files("  indented\n\n", berlin), "Europe/Berlin") == "n/a");
  CHECK(zone("zonefile yes\ntimedatectl none\nreconfigure none\nlocaltime missing\nsame no\n"
             "timezone-missing\n",
             "Etc/UTC") == "n/a");
}

TEST_CASE("timezone edits /etc/timezone as Ansible's module does") {
  CHECK(EditTimezoneFile("Etc/UTC\n", "Europe/Berlin") ==
        std::pair<std::string, int>{"Europe/Berlin\n", 1});
  CHECK(EditTimezoneFile("", "Europe/Berlin") == std::pair<std::string, int>{"Europe/Berlin\n", 0});
  CHECK(EditTimezoneFile("  # kept\nEtc/UTC\nold\n", "Asia/Tokyo") ==
        std::pair<std::string, int>{"  # kept\nAsia/Tokyo\n", 2});
}

TEST_CASE("timezone sets a zone with timedatectl, and registers Ansible's diff and msg") {
  TimezoneModule module;
  const Value args = Args({{"name", "Europe/Berlin"}});
  Result<Change> change = module.Plan(args, {Ran(0, Systemd("Etc/UTC", "no"))}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 1);
  CHECK(change->actions[0].argv ==
        std::vector<std::string>{"/usr/bin/timedatectl", "set-timezone", "Europe/Berlin"});
  CHECK(change->result["diff"] ==
        Value{{"before", {{"name", "Etc/UTC"}}}, {"after", {{"name", "Europe/Berlin"}}}});
  CHECK(change->applied_result["msg"] ==
        "executed `/usr/bin/timedatectl set-timezone Europe/Berlin`");
  CHECK(change->message == "would set the time zone to Europe/Berlin");

  change = module.Plan(args, {Ran(0, Systemd("Europe/Berlin", "no"))}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);
  CHECK(change->actions.empty());
  CHECK(!change->applied_result.contains("msg"));

  change = module.Plan(Args({{"hwclock", "local"}, {"name", "Europe/Berlin"}}),
                       {Ran(0, Systemd("Etc/UTC", "no"))}, {});
  REQUIRE(change.ok());
  REQUIRE(change->actions.size() == 2);
  CHECK(change->actions[0].argv ==
        std::vector<std::string>{"/usr/bin/timedatectl", "set-local-rtc", "yes"});
  CHECK(change->applied_result["msg"] ==
        "executed `/usr/bin/timedatectl set-local-rtc yes`\n"
        "executed `/usr/bin/timedatectl set-timezone Europe/Berlin`");

  CHECK(module.Plan(args, {Ran(0, "zonefile no\ntimedatectl none\n")}, {}).message() ==
        "Error message:\ngiven timezone \"Europe/Berlin\" is not available");
}

TEST_CASE("timezone without systemd edits the files and runs dpkg-reconfigure, on Debian") {
  TimezoneModule module;
  const Value args = Args({{"name", "Europe/Berlin"}});
  Result<Change> change =
      module.Plan(args, {Ran(0, Files("Etc/UTC\n", "link-ok /usr/share/zoneinfo/Etc/UTC"))}, {});
  REQUIRE(change.ok());
  CHECK(change->changed);
  REQUIRE(change->actions.size() == 3);
  CHECK(change->actions[0].kind == Action::Kind::kWriteFile);
  CHECK(change->actions[0].path == "/etc/timezone");
  CHECK(change->actions[0].content == "Europe/Berlin\n");
  CHECK(change->actions[1].argv == std::vector<std::string>{"ln", "-sf",
                                                            "/usr/share/zoneinfo/Europe/Berlin",
                                                            "/etc/localtime"});
  CHECK(change->actions[2].argv == std::vector<std::string>{"/usr/sbin/dpkg-reconfigure",
                                                            "--frontend", "noninteractive",
                                                            "tzdata"});
  CHECK(change->applied_result["msg"] == "Added 1 line and deleted 1 line(s) on /etc/timezone");

  change = module.Plan(
      args, {Ran(0, Files("Europe/Berlin\n", "link-ok /usr/share/zoneinfo/Europe/Berlin"))}, {});
  REQUIRE(change.ok());
  CHECK(!change->changed);

  CHECK(module.Plan(Args({{"hwclock", "UTC"}}), {Ran(0, Files("Etc/UTC\n", "file"))}, {})
            .message()
            .find("hwclock is set through timedatectl") == 0);
  CHECK(module
            .Plan(args,
                  {Ran(0,
                       "zonefile yes\ntimedatectl none\nreconfigure none\nlocaltime "
                       "file\nsame no\ntimezone-missing\n")},
                  {})
            .message()
            .find("without a working timedatectl") == 0);
}

TEST_CASE("timezone refuses a name that is not a zone below /usr/share/zoneinfo") {
  TimezoneModule module;
  for (const char* name : {"../../etc/passwd", "/etc/passwd", "Europe/Berlin\nx", "Etc/ UTC", ""}) {
    CAPTURE(name);
    std::vector<ArgError> errors;
    module.Validate(Value{{"name", name}}, false, &errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "name");
  }
  std::vector<ArgError> errors;
  module.Validate(Value{{"name", "America/Argentina/Buenos_Aires"}}, false, &errors);
  CHECK(errors.empty());
}

}  // namespace
}  // namespace hostprep::modules
