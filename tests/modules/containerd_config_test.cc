#include "modules/containerd_config.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/transport/local_transport.h"
#include "tests/modules/module_test_util.h"

namespace hostprep::modules {
namespace {

using Kind = Action::Kind;

Value Args(const Value& raw) { return testing::NormalizedArgs(ContainerdConfigModule(), raw); }

std::vector<std::string> Errors(const Value& raw, bool templates_pending = false) {
  ContainerdConfigModule module;
  std::vector<ArgError> errors;
  Value args = NormalizeArgs(module.spec(), raw, templates_pending, &errors);
  module.Validate(args, templates_pending, &errors);
  std::vector<std::string> out;
  for (const ArgError& e : errors) out.push_back(e.key + ": " + e.message);
  return out;
}

ReadResult StatOf(FileType type, unsigned mode = 0640) {
  ReadResult r;
  r.stat = {type, mode, "root", "root", 0, ""};
  return r;
}

ReadResult ContentOf(std::optional<std::string> content) {
  ReadResult r;
  r.content = std::move(content);
  return r;
}

ReadResult Query(int exit_code, std::string out, std::string err = "") {
  ReadResult r;
  r.exec = {exit_code, std::move(out), std::move(err)};
  return r;
}

// The three reads of one file: its stat, its content, its directory's stat.
std::vector<ReadResult> FileReads(std::optional<std::string> content, unsigned mode = 0640,
                                  bool dir_exists = true) {
  return {content ? StatOf(FileType::kFile, mode) : StatOf(FileType::kMissing),
          ContentOf(std::move(content)),
          StatOf(dir_exists ? FileType::kDirectory : FileType::kMissing, 0755)};
}

std::vector<ReadResult> Join(std::vector<std::vector<ReadResult>> parts) {
  std::vector<ReadResult> out;
  for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Plans with `reads`, first checking that Probe asks for `probe` (kind:path).
Result<Change> PlanWith(const Value& args, const std::vector<std::string>& probe,
                        const std::vector<ReadResult>& reads) {
  ContainerdConfigModule module;
  std::vector<std::string> asked;
  for (const Read& r : module.Probe(args, Value::object())) {
    if (r.kind == Read::Kind::kExec) {
      asked.push_back("exec:" + r.argv.at(0) + " " + r.argv.at(1));
    } else {
      asked.push_back((r.kind == Read::Kind::kStat ? "stat:" : "read:") + r.path);
    }
  }
  CHECK(asked == probe);
  return module.Plan(args, reads, Value::object());
}

const std::vector<std::string> kConfigProbe = {
    "stat:/etc/containerd/config.toml", "read:/etc/containerd/config.toml", "stat:/etc/containerd"};

const char* const kFreshV2 =
    "version = 2\n"
    "\n"
    "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
    "sandbox_image = \"registry.k8s.io/pause:3.9\"\n"
    "\n"
    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
    "runtime_type = \"io.containerd.runc.v2\"\n"
    "\n"
    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
    "SystemdCgroup = true\n"
    "\n"
    "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
    "config_path = \"/etc/containerd/certs.d\"\n";

const char* const kFreshV3 =
    "version = 3\n"
    "\n"
    "[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n"
    "sandbox = \"registry.k8s.io/pause:3.10\"\n"
    "\n"
    "[plugins.\"io.containerd.cri.v1.images\".registry]\n"
    "config_path = \"/etc/containerd/certs.d\"\n"
    "\n"
    "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n"
    "runtime_type = \"io.containerd.runc.v2\"\n"
    "\n"
    "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\n"
    "SystemdCgroup = true\n";

TEST_CASE("containerd_config creates a version 2 config with its directory") {
  Value args = Args(
      {{"version", 2}, {"systemd_cgroup", true}, {"sandbox_image", "registry.k8s.io/pause:3.9"}});
  Result<Change> c = PlanWith(args, kConfigProbe, FileReads(std::nullopt, 0, false));
  REQUIRE(c.ok());
  CHECK(c->changed);
  CHECK(c->message == "would write /etc/containerd/config.toml");
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].kind == Kind::kMakeDirectory);
  CHECK(c->actions[0].path == "/etc/containerd");
  CHECK(c->actions[1].kind == Kind::kWriteFile);
  CHECK(c->actions[1].path == "/etc/containerd/config.toml");
  CHECK(c->actions[1].mode == 0640u);
  CHECK(c->actions[1].content == kFreshV2);
  std::vector<std::string> lines = Split(kFreshV2, '\n');
  lines.pop_back();  // the empty piece after the last newline
  std::string added;
  for (const std::string& line : lines) added += "+" + line + "\n";
  CHECK(c->diff ==
        "--- before: /etc/containerd/config.toml\n+++ after: /etc/containerd/config.toml\n"
        "@@ -0,0 +1,13 @@\n" +
            added + "mode: 0640\n");
  CHECK(c->result == Value({{"path", "/etc/containerd/config.toml"},
                            {"version", 2},
                            {"version_source", "argument"},
                            {"hosts_files", Value::array()},
                            {"files", {"/etc/containerd/config.toml"}}}));
}

TEST_CASE("containerd_config creates a version 3 config when containerd is not installed") {
  Value args = Args({{"systemd_cgroup", true}, {"sandbox_image", "registry.k8s.io/pause:3.10"}});
  std::vector<std::string> probe = kConfigProbe;
  probe.push_back("exec:containerd --version");
  Result<Change> c =
      PlanWith(args, probe,
               Join({FileReads(std::nullopt), {Query(127, "", "containerd: command not found")}}));
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content == kFreshV3);
  CHECK(c->result["version"] == 3);
  CHECK(c->result["version_source"] == "containerd is not installed");
}

TEST_CASE("containerd_config edits only the named keys and keeps every other table") {
  const std::string before =
      "# tuned by hand\n"
      "version = 2\n"
      "root = \"/var/lib/containerd\"\n"
      "\n"
      "[grpc]\n"
      "  address = \"/run/containerd/containerd.sock\"\n"
      "\n"
      "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
      "  sandbox_image = \"registry.k8s.io/pause:3.6\"\n"
      "  enable_selinux = false\n";
  Value args = Args({{"version", 2}, {"sandbox_image", "registry.k8s.io/pause:3.9"}});
  Result<Change> c = PlanWith(args, kConfigProbe, FileReads(before, 0644));
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content ==
        "root = \"/var/lib/containerd\"\n"
        "version = 2\n"
        "\n"
        "[grpc]\n"
        "address = \"/run/containerd/containerd.sock\"\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
        "enable_selinux = false\n"
        "sandbox_image = \"registry.k8s.io/pause:3.9\"\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
        "config_path = \"/etc/containerd/certs.d\"\n");
  CHECK(c->diff ==
        "--- before: /etc/containerd/config.toml\n"
        "+++ after: /etc/containerd/config.toml\n"
        "@@ -1,10 +1,12 @@\n"
        "-# tuned by hand\n"
        "-version = 2\n"
        " root = \"/var/lib/containerd\"\n"
        "+version = 2\n"
        " \n"
        " [grpc]\n"
        "-  address = \"/run/containerd/containerd.sock\"\n"
        "+address = \"/run/containerd/containerd.sock\"\n"
        " \n"
        " [plugins.\"io.containerd.grpc.v1.cri\"]\n"
        "-  sandbox_image = \"registry.k8s.io/pause:3.6\"\n"
        "-  enable_selinux = false\n"
        "+enable_selinux = false\n"
        "+sandbox_image = \"registry.k8s.io/pause:3.9\"\n"
        "+\n"
        "+[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
        "+config_path = \"/etc/containerd/certs.d\"\n"
        "mode: 0644 -> 0640\n");
  CHECK(c->message == "would write /etc/containerd/config.toml");
}

TEST_CASE("containerd_config leaves a file alone that holds the values in another layout") {
  // Dotted keys, inline tables, comments: the same document as kFreshV2.
  const std::string same =
      "# ours\nversion = 2\n"
      "[plugins]\n"
      "\"io.containerd.grpc.v1.cri\".sandbox_image = 'registry.k8s.io/pause:3.9'\n"
      "\"io.containerd.grpc.v1.cri\".registry = { config_path = \"/etc/containerd/certs.d\" }\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
      "runtime_type = \"io.containerd.runc.v2\"\n"
      "options.SystemdCgroup = true\n";
  Value args = Args(
      {{"version", 2}, {"systemd_cgroup", true}, {"sandbox_image", "registry.k8s.io/pause:3.9"}});
  Result<Change> c = PlanWith(args, kConfigProbe, FileReads(same));
  REQUIRE(c.ok());
  CHECK(!c->changed);
  CHECK(c->actions.empty());
  CHECK(c->diff == "");
  CHECK(c->message == "");
  CHECK(c->result["files"] == Value::array());

  // Only the mode differs: it is set, the content is not rewritten.
  c = PlanWith(args, kConfigProbe, FileReads(same, 0644));
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].kind == Kind::kSetAttributes);
  CHECK(c->actions[0].mode == 0640u);
  CHECK(c->diff ==
        "--- before: /etc/containerd/config.toml\n+++ after: /etc/containerd/config.toml\n"
        "mode: 0644 -> 0640\n");
}

TEST_CASE("containerd_config writes one hosts.toml per registry, whole and in order") {
  Value args = Args(
      {{"version", 3},
       {"path", "/etc/containerd/config.toml"},
       {"registry_mirrors",
        {{{"registry", "docker.io"},
          {"mirrors",
           {{{"host", "https://harbor.internal"},
             {"capabilities", {"pull", "resolve"}},
             {"skip_verify", false},
             {"ca", "/etc/ssl/internal-ca.pem"}},
            {{"host", "http://10.0.0.5:5000"},
             {"capabilities", "pull"},
             {"override_path", true}}}}},
         {{"registry", "quay.io"}, {"server", "https://quay.io"}, {"mirrors", Value::array()}}}}});
  const std::string docker =
      "# Written by hostprep (containerd_config): edits here are overwritten.\n"
      "server = \"https://registry-1.docker.io\"\n"
      "\n"
      "[host.\"https://harbor.internal\"]\n"
      "  capabilities = [\"pull\", \"resolve\"]\n"
      "  skip_verify = false\n"
      "  ca = \"/etc/ssl/internal-ca.pem\"\n"
      "\n"
      "[host.\"http://10.0.0.5:5000\"]\n"
      "  capabilities = [\"pull\"]\n"
      "  override_path = true\n";
  const std::string quay =
      "# Written by hostprep (containerd_config): edits here are overwritten.\n"
      "server = \"https://quay.io\"\n";
  const std::string config_v3 =
      "version = 3\n\n[plugins.\"io.containerd.cri.v1.images\".registry]\n"
      "config_path = \"/etc/containerd/certs.d\"\n";
  std::vector<std::string> probe = kConfigProbe;
  for (const char* r : {"docker.io", "quay.io"}) {
    const std::string hosts = std::string("/etc/containerd/certs.d/") + r + "/hosts.toml";
    probe.insert(probe.end(), {"stat:" + hosts, "read:" + hosts,
                               "stat:/etc/containerd/certs.d/" + std::string(r)});
  }
  Result<Change> c = PlanWith(
      args, probe,
      Join({FileReads(config_v3), FileReads(std::nullopt, 0, false), FileReads(quay, 0640)}));
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 2);
  CHECK(c->actions[0].kind == Kind::kMakeDirectory);
  CHECK(c->actions[0].path == "/etc/containerd/certs.d/docker.io");
  CHECK(c->actions[1].path == "/etc/containerd/certs.d/docker.io/hosts.toml");
  CHECK(c->actions[1].content == docker);
  CHECK(c->actions[1].mode == 0640u);
  CHECK(c->message == "would write /etc/containerd/certs.d/docker.io/hosts.toml");
  CHECK(c->result["hosts_files"] == Value({"/etc/containerd/certs.d/docker.io/hosts.toml",
                                           "/etc/containerd/certs.d/quay.io/hosts.toml"}));

  // A hand-edited hosts.toml is replaced whole.
  c = PlanWith(args, probe,
               Join({FileReads(config_v3), FileReads(docker + "[header]\n"), FileReads(quay)}));
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->diff ==
        "--- before: /etc/containerd/certs.d/docker.io/hosts.toml\n"
        "+++ after: /etc/containerd/certs.d/docker.io/hosts.toml\n"
        "@@ -9,4 +9,3 @@\n"
        " [host.\"http://10.0.0.5:5000\"]\n"
        "   capabilities = [\"pull\"]\n"
        "   override_path = true\n"
        "-[header]\n");
}

TEST_CASE("containerd_config merges nested settings, with keys taken literally") {
  Value args = Args({{"version", 2},
                     {"config_path", "/etc/containerd/certs.d"},
                     {"settings",
                      {{"oom_score", -999},
                       {"plugins",
                        {{"io.containerd.grpc.v1.cri",
                          {{"enable_unprivileged_ports", true}, {"max_concurrent_downloads", 5}}}}},
                       {"debug", {{"level", "info"}}},
                       {"ttrpc", nullptr}}}});
  const std::string before =
      "version = 2\n[ttrpc]\naddress = \"\"\n[debug]\nformat = \"json\"\nlevel = \"warn\"\n";
  Result<Change> c = PlanWith(args, kConfigProbe, FileReads(before));
  REQUIRE(c.ok());
  REQUIRE(c->actions.size() == 1);
  CHECK(c->actions[0].content ==
        "oom_score = -999\n"
        "version = 2\n"
        "\n"
        "[debug]\n"
        "format = \"json\"\n"
        "level = \"info\"\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\"]\n"
        "enable_unprivileged_ports = true\n"
        "max_concurrent_downloads = 5\n"
        "\n"
        "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
        "config_path = \"/etc/containerd/certs.d\"\n");

  Value clash = Args({{"version", 2},
                      {"settings", {{"plugins", {{"io.containerd.grpc.v1.cri", "off"}}}}},
                      {"sandbox_image", "pause:3.9"}});
  c = PlanWith(clash, kConfigProbe, FileReads(std::nullopt));
  CHECK(c.message() ==
        "argument 'sandbox_image': cannot set "
        "plugins.\"io.containerd.grpc.v1.cri\".sandbox_image: "
        "plugins.\"io.containerd.grpc.v1.cri\" is a string, not a table");
  Value into = Args({{"version", 2}, {"settings", {{"grpc", {{"address", {{"x", 1}}}}}}}});
  c = PlanWith(into, kConfigProbe, FileReads("version = 2\n[grpc]\naddress = \"/run/x\"\n"));
  CHECK(c.message() ==
        "argument 'settings': cannot merge a mapping into grpc.address: it is a string, not a "
        "table");
}

TEST_CASE("containerd_config refuses a config that is not TOML or has another version") {
  Value args = Args({{"version", 2}, {"systemd_cgroup", true}});
  Result<Change> c = PlanWith(args, kConfigProbe, FileReads("version = 2\n[plugins\nx = 1\n"));
  CHECK(c.message() ==
        "/etc/containerd/config.toml:2:9: invalid TOML: Error while parsing table header: "
        "expected ']', saw '\\n' (fix or remove the file)");
  c = PlanWith(args, kConfigProbe, FileReads("version = 3\n"));
  CHECK(c.message() ==
        "/etc/containerd/config.toml has version = 3 but version 2 is used: migrate it "
        "(containerd config migrate), remove it, or set the version argument to match");
  c = PlanWith(args, kConfigProbe, FileReads("version = \"2\"\n"));
  CHECK(c.message() ==
        "/etc/containerd/config.toml has version = \"2\" but version 2 is used: migrate it "
        "(containerd config migrate), remove it, or set the version argument to match");
}

TEST_CASE("containerd_config reads the config version from containerd --version") {
  struct Case {
    const char* output;
    int version;
  };
  const Case cases[] = {
      {"containerd containerd.io 1.7.22 7f7fdf5fed64eb6a7caf99b3e12efcf9d60e311c\n", 2},
      {"containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n", 2},
      {"containerd github.com/containerd/containerd/v2 v2.0.0 207ad711eabd375a01713109a8a197d19\n",
       3},
      {"containerd containerd.io v2.1.4 75cb2b7193e4e490e9fbdc236c0e811ccaba3376", 3},
      {"  containerd  containerd.io  1.4.13  \n", 2},
  };
  for (const Case& c : cases) {
    CAPTURE(c.output);
    Result<int> v = ConfigVersionForContainerd(c.output);
    REQUIRE(v.ok());
    CHECK(*v == c.version);
  }
  for (const char* bad : {"", "containerd", "runc version 1.1.12", "containerd x unknown\n",
                          "containerd x 123456789.0"}) {
    CAPTURE(bad);
    CHECK(ConfigVersionForContainerd(bad).message() ==
          "cannot read the containerd version from '" + Trim(bad) +
              "' (set the version argument to 2 or 3)");
  }

  Value args = Args({{"sandbox_image", "pause:3.9"}});
  std::vector<std::string> probe = kConfigProbe;
  probe.push_back("exec:containerd --version");
  Result<Change> c =
      PlanWith(args, probe,
               Join({FileReads(std::nullopt), {Query(0, "containerd containerd.io 1.7.2 x\n")}}));
  REQUIRE(c.ok());
  CHECK(c->result["version"] == 2);
  CHECK(c->result["version_source"] == "containerd containerd.io 1.7.2 x");
  c = PlanWith(args, probe, Join({FileReads(std::nullopt), {Query(2, "", "permission denied\n")}}));
  CHECK(c.message() ==
        "containerd --version failed (exit 2): permission denied (set the version argument to 2 "
        "or 3)");
}

TEST_CASE("containerd_config reports every mistake in its arguments") {
  CHECK(Errors({{"path", "config.toml"},
                {"config_path", "certs.d"},
                {"settings", {{"version", 3}}},
                {"registry_mirrors",
                 {{{"registry", "docker.io"}, {"mirors", Value::array()}},
                  {{"server", "https://x"}},
                  {{"registry", "../etc"}},
                  {{"registry", "docker.io"},
                   {"mirrors",
                    {{{"hots", "x"}},
                     {{"host", "https://m"},
                      {"capabilities", {"pull", "fetch"}},
                      {"skip_verify", "no"}}}}}}}}) ==
        std::vector<std::string>{
            "path: argument 'path' must be an absolute path, not 'config.toml'",
            "config_path: argument 'config_path' must be an absolute path, not 'certs.d'",
            "settings: argument 'settings' cannot set 'version': use the version argument",
            "registry_mirrors: registry_mirrors[0]: unknown key 'mirors' (did you mean "
            "'mirrors'?)",
            "registry_mirrors: registry_mirrors[1]: 'registry' is required (docker.io, "
            "registry.k8s.io, _default, ...)",
            "registry_mirrors: registry_mirrors[2]: registry \"../etc\" must be a registry host "
            "name (registry.k8s.io, harbor.internal:5000 or _default): it is a path",
            "registry_mirrors: registry_mirrors[3].mirrors[0]: unknown key 'hots' (did you mean "
            "'host'?)",
            "registry_mirrors: registry_mirrors[3].mirrors[0]: 'host' is required "
            "(https://mirror.example.com)",
            "registry_mirrors: registry_mirrors[3].mirrors[1]: 'skip_verify' must be true or "
            "false",
            "registry_mirrors: registry_mirrors[3].mirrors[1]: capability \"fetch\" is not one "
            "of pull, resolve, push",
            "registry_mirrors: registry_mirrors[3]: registry 'docker.io' is listed twice",
        });
  CHECK(Errors({{"registry_mirrors", "docker.io"}}) ==
        std::vector<std::string>{"registry_mirrors: registry_mirrors: must be a list of "
                                 "{registry, server, mirrors} mappings"});
  CHECK(Errors({{"registry_mirrors", "{{ mirrors }}"}, {"path", "{{ p }}"}}, true).empty());
}

TEST_CASE("containerd_config provides the containerd config and needs its package and paths") {
  ContainerdConfigModule module;
  Resources r = module.Declare(
      Args({{"registry_mirrors", {{{"registry", "docker.io"}}, {{"registry", "_default"}}}}}));
  CHECK(r.provides == std::vector<std::string>{"config:containerd"});
  CHECK(r.needs == std::vector<std::string>{"pkg:containerd", "path:/etc/containerd/config.toml",
                                            "path:/etc/containerd/certs.d/docker.io/hosts.toml",
                                            "path:/etc/containerd/certs.d/_default/hosts.toml"});
}

// Runs `containerd --config FILE config dump` on `content`: nullopt when
// containerd is not installed.
std::optional<ExecResult> Dump(const std::string& content) {
  char dir_template[] = "/tmp/hostprep-containerd-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  REQUIRE(dir != nullptr);
  const std::string file = std::string(dir) + "/config.toml";
  std::ofstream(file) << content;
  LocalTransport local;
  ExecRequest request;
  request.argv = {"containerd", "--config", file, "config", "dump"};
  request.timeout_seconds = 30;
  Result<ExecResult> r = local.Exec(request);
  std::remove(file.c_str());
  rmdir(dir);
  REQUIRE(r.ok());
  if (r->exit_code == 127) return std::nullopt;
  return *r;
}

TEST_CASE("containerd reads the version 2 configs containerd_config writes") {
  // Debian 12's containerd is 1.6: it knows only the version 2 layout, so
  // version 3 files cannot be checked here.
  Value fresh = Args(
      {{"version", 2},
       {"systemd_cgroup", true},
       {"sandbox_image", "registry.k8s.io/pause:3.9"},
       {"settings",
        {{"plugins", {{"io.containerd.grpc.v1.cri", {{"enable_unprivileged_ports", true}}}}}}}});
  Result<Change> created = PlanWith(fresh, kConfigProbe, FileReads(std::nullopt));
  REQUIRE(created.ok());
  const std::string edited_before =
      "version = 2\noom_score = -999\n[plugins.\"io.containerd.grpc.v1.cri\"]\n"
      "sandbox_image = \"registry.k8s.io/pause:3.6\"\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
      "runtime_type = \"io.containerd.runc.v2\"\n"
      "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
      "BinaryName = \"/usr/local/bin/runc\"\n";
  Result<Change> edited = PlanWith(fresh, kConfigProbe, FileReads(edited_before));
  REQUIRE(edited.ok());
  // Debian 12's packaged /etc/containerd/config.toml.
  const std::string debian =
      "version = 2\n\n[plugins]\n  [plugins.\"io.containerd.grpc.v1.cri\"]\n"
      "    [plugins.\"io.containerd.grpc.v1.cri\".cni]\n      bin_dir = \"/usr/lib/cni\"\n"
      "      conf_dir = \"/etc/cni/net.d\"\n  [plugins.\"io.containerd.internal.v1.opt\"]\n"
      "    path = \"/var/lib/containerd/opt\"\n";
  Result<Change> packaged = PlanWith(fresh, kConfigProbe, FileReads(debian, 0644));
  REQUIRE(packaged.ok());
  CHECK(packaged->actions.back().content.find("bin_dir = \"/usr/lib/cni\"") != std::string::npos);
  for (const Change* c : {&*created, &*edited, &*packaged}) {
    REQUIRE(!c->actions.empty());
    const std::string& content = c->actions.back().content;
    CAPTURE(content);
    std::optional<ExecResult> dump = Dump(content);
    if (!dump) {
      MESSAGE("containerd is not installed: skipping the config dump check");
      return;
    }
    CAPTURE(dump->stderr_data);
    REQUIRE(dump->exit_code == 0);
    const std::string& out = dump->stdout_data;
    for (const char* want :
         {"SystemdCgroup = true", "sandbox_image = \"registry.k8s.io/pause:3.9\"",
          "config_path = \"/etc/containerd/certs.d\"", "runtime_type = \"io.containerd.runc.v2\"",
          "enable_unprivileged_ports = true"}) {
      CAPTURE(want);
      CHECK(out.find(want) != std::string::npos);
    }
  }
  std::optional<ExecResult> dump = Dump(edited->actions.back().content);
  REQUIRE(dump);
  CHECK(dump->stdout_data.find("BinaryName = \"/usr/local/bin/runc\"") != std::string::npos);
  CHECK(dump->stdout_data.find("oom_score = -999") != std::string::npos);
}

TEST_CASE("containerd_config refuses registry names and mirror URLs that are not one") {
  const Value mirrors = Value::array({{{"host", "https://m.example/a\nb"}}});
  CHECK(Errors({{"registry_mirrors",
                 {{{"registry", "a b"}, {"mirrors", mirrors}},
                  {{"registry", "-x"}},
                  {{"registry", "docker.io"}, {"mirrors", mirrors}},
                  {{"registry", "harbor.internal:5000"}},
                  {{"registry", "_default"}}}}}) ==
        std::vector<std::string>{
            "registry_mirrors: registry_mirrors[0]: registry \"a b\" must be a registry host "
            "name (registry.k8s.io, harbor.internal:5000 or _default): it holds \" \"",
            "registry_mirrors: registry_mirrors[1]: registry \"-x\" must be a registry host "
            "name (registry.k8s.io, harbor.internal:5000 or _default): it starts with '-'",
            "registry_mirrors: registry_mirrors[2].mirrors[0]: host "
            "\"https://m.example/a\\nb\" is not a URL: it holds \"\\n\"",
        });
}

}  // namespace
}  // namespace hostprep::modules
