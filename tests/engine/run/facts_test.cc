#include "engine/run/facts.h"

#include <doctest/doctest.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/transport/local_transport.h"

namespace hostprep {
namespace {

namespace fs = std::filesystem;

TEST_CASE("facts parse the probe's output into Ansible-style facts") {
  ExecResult r;
  r.stdout_data =
      "id=debian\nid_like=\nversion_id=12\ncodename=bookworm\nkernel=6.1.0-18-amd64\n"
      "arch=x86_64\nhostname=node1.example\nfqdn=node1.example\nuid=0\n"
      "memtotal_kb=2048000\nswaptotal_kb=1048576\npkg=apt-get\nsvc=systemd\n"
      "gateway=10.0.0.1\ninterface=eth0\naddress=10.0.0.11\nend=hostprep-facts\n";
  Result<Value> f = ParseFacts(r);
  REQUIRE(f.ok());
  CHECK((*f)["os_family"] == "Debian");
  CHECK((*f)["distribution"] == "Debian");
  CHECK((*f)["distribution_version"] == "12");
  CHECK((*f)["distribution_major_version"] == "12");
  CHECK((*f)["distribution_release"] == "bookworm");
  CHECK((*f)["hostname"] == "node1");
  CHECK((*f)["memtotal_mb"] == 2000);
  CHECK((*f)["swaptotal_mb"] == 1024);
  CHECK((*f)["pkg_mgr"] == "apt");
  CHECK((*f)["service_mgr"] == "systemd");
  CHECK((*f)["default_ipv4"]["address"] == "10.0.0.11");
}

TEST_CASE("facts map distributions to their family") {
  struct Row {
    const char* id;
    const char* like;
    const char* family;
  };
  for (const Row& row :
       {Row{"ubuntu", "debian", "Debian"}, Row{"rocky", "rhel centos fedora", "RedHat"},
        Row{"almalinux", "", "RedHat"}, Row{"opensuse-leap", "suse", "Suse"},
        Row{"alpine", "", "Alpine"}, Row{"mystery", "rhel fedora", "RedHat"}}) {
    ExecResult r;
    r.stdout_data =
        std::string("id=") + row.id + "\nid_like=" + row.like + "\nend=hostprep-facts\n";
    Result<Value> f = ParseFacts(r);
    REQUIRE(f.ok());
    CHECK_MESSAGE((*f)["os_family"] == row.family, row.id);
  }
}

TEST_CASE("facts refuse output that is not the probe's") {
  ExecResult r;
  r.stdout_data = "Welcome to the machine\n";
  CHECK(ParseFacts(r).message() ==
        "gathering facts failed: unexpected output from the target's shell");
  r.exit_code = 127;
  r.stderr_data = "sh: not found\n";
  CHECK(ParseFacts(r).message() == "gathering facts failed (exit 127): sh: not found");
}

TEST_CASE("facts are visible plain, with the ansible_ prefix and as ansible_facts") {
  Value vars = FactsAsVariables({{"os_family", "Debian"}});
  CHECK(vars["os_family"] == "Debian");
  CHECK(vars["ansible_os_family"] == "Debian");
  CHECK(vars["ansible_facts"]["os_family"] == "Debian");
}

// A directory under /tmp for one test, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/hostprep-facts-XXXXXX";
    const char* made = mkdtemp(tmpl);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The first line a shell command prints, and whether it exited 0.
std::string FirstLine(const std::string& command, bool* ok = nullptr) {
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  if (ok != nullptr) *ok = status == 0;
  return Split(out, '\n')[0];
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The value after `word` in a whitespace-split line, "" without one.
std::string After(const std::string& line, const std::string& word) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == word) return words[i + 1];
  }
  return "";
}

std::string Unquoted(const std::string& value) {
  if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0]) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

long long MeminfoMb(const std::string& key) {
  for (const std::string& line : Split(ReadText("/proc/meminfo"), '\n')) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(After(line, key + ":")) / 1024;
  }
  return 0;
}

Value RunFacts(const std::vector<std::string>& argv) {
  LocalTransport local;
  ExecRequest request;
  request.argv = argv;
  Result<ExecResult> out = local.Exec(request);
  REQUIRE(out.ok());
  INFO(out->stdout_data, out->stderr_data);
  Result<Value> facts = ParseFacts(*out);
  REQUIRE(facts.ok());
  return *facts;
}

const std::string& Script() {
  static const std::string script = FactsRequest().argv.at(2);
  return script;
}

std::string NodeName() {
  struct utsname u;
  REQUIRE(uname(&u) == 0);
  return u.nodename;
}

TEST_CASE("facts script reports this machine as uname, /proc, os-release, id, hostname and ip do") {
  CHECK(FactsRequest().argv.at(0) == "/bin/sh");
  Value facts = RunFacts(FactsRequest().argv);

  struct utsname u;
  REQUIRE(uname(&u) == 0);
  CHECK(facts["kernel"] == u.release);
  CHECK(facts["arch"] == u.machine);
  CHECK(facts["nodename"] == u.nodename);
  CHECK(facts["hostname"] == Split(u.nodename, '.')[0]);
  bool resolved = false;
  std::string fqdn = FirstLine("timeout 2 hostname -f 2>/dev/null", &resolved);
  CHECK(facts["fqdn"] == (resolved ? fqdn : std::string(u.nodename)));

  CHECK(facts["memtotal_mb"] == MeminfoMb("MemTotal"));
  CHECK(facts["swaptotal_mb"] == MeminfoMb("SwapTotal"));
  std::map<std::string, std::string> release;
  for (const std::string& line : Split(ReadText("/etc/os-release"), '\n')) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) release[line.substr(0, eq)] = Unquoted(line.substr(eq + 1));
  }
  CHECK(facts["distribution_version"] == release["VERSION_ID"]);
  CHECK(facts["distribution_release"] == release["VERSION_CODENAME"]);
  const char* sudo_uid = std::getenv("SUDO_UID");
  CHECK(facts["user_id"] ==
        (sudo_uid != nullptr && *sudo_uid ? sudo_uid : std::to_string(geteuid())));
  CHECK(facts["service_mgr"] == (fs::is_directory("/run/systemd/system") ? "systemd" : "service"));

  std::string route = FirstLine("ip -4 route show default 2>/dev/null");
  std::string dev = After(route, "dev");
  CHECK(facts["default_ipv4"]["gateway"] == After(route, "via"));
  CHECK(facts["default_ipv4"]["interface"] == dev);
  std::string address;
  if (!dev.empty()) {
    std::string line = FirstLine("ip -4 -o addr show dev " + ShellQuote(dev) + " 2>/dev/null");
    address = Split(After(line, "inet"), '/')[0];
  }
  CHECK(facts["default_ipv4"]["address"] == address);
}

// Runs the script with PATH holding only logging stand-ins for the programs it
// may start (`missing` left out; with `ip_without_batch`, an ip that refuses
// -batch as busybox's does), and returns the facts and the programs started,
// sorted, in one string.
struct Probe {
  Value facts;
  std::string programs;
};

Probe RunWithStandIns(const std::string& script, const std::vector<std::string>& argv_prefix,
                      const std::string& missing, bool ip_without_batch) {
  TempDir dir;
  const std::string log = dir / "log";
  WriteText(log, "");
  for (std::string tool : {"uname", "hostname", "timeout", "id", "ip", "head"}) {
    if (tool == missing) continue;
    std::string shim = "#!/bin/sh\necho " + tool + " >> " + log + "\n";
    if (tool == "ip" && ip_without_batch)
      shim += "case \" $* \" in *\" -batch \"*) exit 1 ;; esac\n";
    std::string real;
    for (const char* bin :
         {"/usr/local/sbin/", "/usr/local/bin/", "/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"}) {
      if (real.empty() && fs::exists(bin + tool)) real = bin + tool;
    }
    REQUIRE_MESSAGE(!real.empty(), tool);
    // By its path: PATH stays the stand-ins', so timeout starts ours of hostname.
    shim += "exec " + real + " \"$@\"\n";
    WriteText(dir / tool, shim);
    fs::permissions(dir / tool, fs::perms::owner_all);
  }
  std::vector<std::string> argv = argv_prefix;
  for (const std::string& arg : {std::string("/usr/bin/env"), "PATH=" + (dir / ""),
                                 std::string("/bin/sh"), std::string("-c"), script}) {
    argv.push_back(arg);
  }
  Probe probe{RunFacts(argv), ""};
  std::vector<std::string> started;
  for (const std::string& line : Split(ReadText(log), '\n')) {
    if (!line.empty()) started.push_back(line);
  }
  std::sort(started.begin(), started.end());
  for (const std::string& p : started) probe.programs += (probe.programs.empty() ? "" : " ") + p;
  return probe;
}

// The programs' names sorted and joined by spaces.
std::string Sorted(std::vector<std::string> programs) {
  std::sort(programs.begin(), programs.end());
  std::string out;
  for (const std::string& p : programs) {
    if (!p.empty()) out += (out.empty() ? "" : " ") + p;
  }
  return out;
}

TEST_CASE("facts script starts a program only where no file answers, with the same facts") {
  // Controlled name resolution: a hosts file naming this machine and NSS
  // asking files first; the real /proc/net/route decides whether ip runs.
  const std::string node = NodeName();
  if (node.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos) {
    MESSAGE("skipped: the host name " << node << " is not lower-case, hostname -f always runs");
    return;
  }
  TempDir dir;
  WriteText(dir / "hosts", "127.0.0.1 localhost\n10.9.9.9 " + node + ".facts.test " + node + "\n");
  WriteText(dir / "nsswitch", "hosts: files dns\n");
  WriteText(dir / "dns-first", "hosts: dns files\n");
  std::string script = Replace(Script(), "/etc/hosts", dir / "hosts");
  script = Replace(script, "/etc/nsswitch.conf", dir / "nsswitch");
  const std::string route = FirstLine("ip -4 route show default 2>/dev/null");
  const std::string ip = route.empty() ? "" : "ip";
  const std::string uname_m = fs::exists("/proc/sys/kernel/arch") ? "" : "uname";
  const char* sudo_uid = std::getenv("SUDO_UID");
  const std::string id = sudo_uid != nullptr && *sudo_uid ? "" : "id";
  bool resolved = false;
  std::string real_fqdn = FirstLine("timeout 2 hostname -f 2>/dev/null", &resolved);
  if (!resolved) real_fqdn = node;
  struct utsname u;
  REQUIRE(uname(&u) == 0);

  Probe base = RunWithStandIns(script, {}, "", false);
  CHECK(base.facts["fqdn"] == node + ".facts.test");
  CHECK(base.programs == Sorted({ip, uname_m}));
  Value plain = RunFacts(FactsRequest().argv);
  for (const char* key : {"kernel", "arch", "nodename", "user_id", "memtotal_mb", "default_ipv4"}) {
    CHECK_MESSAGE(base.facts[key] == plain[key], key);
  }

  struct Row {
    const char* what;
    std::vector<std::string> prefix;  // runs the script under this command
    std::string script;
    std::string missing;  // the program left out of PATH
    bool ip_without_batch;
    std::string programs;
    std::string fqdn;
    std::string arch;
  };
  const std::string hidden =
      Replace(Replace(script, "/proc/s", dir / "none/s"), "/proc/net/", dir / "none/net/");
  const std::string dns_first = Replace(script, dir / "nsswitch", dir / "dns-first");
  const std::string fqdn = node + ".facts.test";
  std::vector<std::string> ip_twice;
  if (!route.empty()) ip_twice = {"ip", "ip", "head"};
  if (!After(route, "dev").empty()) ip_twice.insert(ip_twice.end(), {"ip", "head"});
  ip_twice.push_back(uname_m);
  std::vector<Row> rows = {
      {"no /proc/sys, /proc/self, /proc/net",
       {},
       hidden,
       "",
       false,
       Sorted({"uname", "uname", "uname", id, "ip"}),
       fqdn,
       u.machine},
      {"ip without -batch", {}, script, "", true, Sorted(ip_twice), fqdn, u.machine},
      {"DNS asked first",
       {},
       dns_first,
       "",
       false,
       Sorted({"hostname", "timeout", ip, uname_m}),
       real_fqdn,
       u.machine},
      {"DNS asked first, no timeout",
       {},
       dns_first,
       "timeout",
       false,
       Sorted({"hostname", ip, uname_m}),
       real_fqdn,
       u.machine},
      {"no hostname", {}, script, "hostname", false, Sorted({ip, uname_m}), node, u.machine},
  };
  if (std::string(u.machine) == "x86_64" && fs::exists("/usr/bin/setarch")) {
    rows.push_back({"linux32 personality",
                    {"/usr/bin/setarch", "linux32"},
                    script,
                    "",
                    false,
                    Sorted({"uname", "uname", ip}),
                    fqdn,
                    "i686"});
  }
  for (const Row& row : rows) {
    INFO(std::string(row.what));
    Probe probe = RunWithStandIns(row.script, row.prefix, row.missing, row.ip_without_batch);
    CHECK(probe.programs == row.programs);
    CHECK(probe.facts["fqdn"] == row.fqdn);
    CHECK(probe.facts["arch"] == row.arch);
    for (const char* key : {"kernel", "nodename", "user_id", "memtotal_mb", "swaptotal_mb",
                            "default_ipv4", "distribution_version"}) {
      CHECK_MESSAGE(probe.facts[key] == base.facts[key], key);
    }
  }
}

// hostname -f's answer as glibc gives it from /etc/hosts, measured on Debian 12
// (tests/integration/facts_ssh_test.cc checks the same rows against hostname -f
// on a test host); "-" = not judged by the script: hostname -f runs.
TEST_CASE("facts script reads the fully qualified name from /etc/hosts as glibc does") {
  const std::string node = NodeName();
  if (node.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos) {
    MESSAGE("skipped: the host name " << node << " is not lower-case, hostname -f always runs");
    return;
  }
  struct Row {
    std::string hosts;  // N stands for this machine's name
    std::string nsswitch;
    std::string fqdn;
  };
  std::string many;
  for (int i = 0; i < 70; ++i)
    many += "10.1.0." + std::to_string(i) + " h" + std::to_string(i) + "\n";
  const std::string files = "hosts: files dns\n";
  for (const Row& row : std::vector<Row>{
           {"10.0.0.1 a.example N\n10.0.0.2 b.example N\n", files, "a.example"},
           {"10.0.0.1 x.y z # N\n10.0.0.2 b.example N\n", files, "b.example"},
           {"10.0.0.1#a N\n10.0.0.2 b.example N\n", files, "b.example"},
           {"127.0.0.1 localhost\n10.0.0.2 N b.example\n", files, "N"},
           {"   10.0.0.1\tspaced.example   N  \n", files, "spaced.example"},
           {"10.0.0.1 Other.Example.Long other\n10.0.0.2 b.example N\n", files, "b.example"},
           {"10.0.0.1 a_b.example N\n", files, "a_b.example"},
           {"10.0.0.1 other\n", files, "-"},
           {"", files, "-"},
           {"::1 v6.example N\n10.0.0.2 b.example N\n", files, "-"},
           {"010.0.0.1 a.example N\n10.0.0.2 b.example N\n", files, "-"},
           {"256.0.0.1 a.example N\n10.0.0.2 b.example N\n", files, "-"},
           {"127.1 a.example N\n", files, "-"},
           {"10.0.0.1 * N\n", files, "-"},
           {"10.0.0.1 t.example N\r\n", files, "-"},
           {"10.0.0.1 up.example NNN\n", files, "-"},
           {many + "10.0.0.1 far.example N\n", files, "-"},
           {"10.0.0.1 a.example N\n", "hosts: dns files\n", "-"},
           {"10.0.0.1 a.example N\n", "hosts: files [NOTFOUND=return] dns\n", "-"},
           {"10.0.0.1 a.example N\n", "hosts: files dns\nhosts: dns\n", "-"},
           {"10.0.0.1 a.example N\n", "", "-"},
           {"10.0.0.1 a.example N\n", "#hosts: dns\nhosts:\tfiles mdns4 [NOTFOUND=return] dns\n",
            "a.example"},
       }) {
    std::string hosts = Replace(row.hosts, "NNN", "\x01");
    hosts = Replace(hosts, " N", " " + node);
    std::string upper = node;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    hosts = Replace(hosts, "\x01", upper);
    INFO("hosts: ", hosts, "nsswitch: ", row.nsswitch);
    TempDir dir;
    WriteText(dir / "hosts", hosts);
    WriteText(dir / "nsswitch", row.nsswitch);
    std::string script = Replace(Script(), "/etc/hosts", dir / "hosts");
    script = Replace(script, "/etc/nsswitch.conf", dir / "nsswitch");
    // A hostname that answers "-" shows when the script left the name to it.
    WriteText(dir / "hostname", "#!/bin/sh\necho -\n");
    fs::permissions(dir / "hostname", fs::perms::owner_all);
    Value facts = RunFacts(
        {"/usr/bin/env", "PATH=" + (dir / "") + ":/usr/bin:/bin", "/bin/sh", "-c", script});
    CHECK(facts["fqdn"] == Replace(row.fqdn, "N", node));
  }
}

}  // namespace
}  // namespace hostprep
