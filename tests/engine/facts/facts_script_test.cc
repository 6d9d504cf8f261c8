// The facts script (engine/facts/scripts/facts.sh) run on this machine: what
// it reports against what the machine's own tools say, which programs it
// starts, and how it reads /etc/hosts for the fully qualified name.
#include <doctest/doctest.h>
#include <pwd.h>
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
#include "engine/facts/facts.h"
#include "engine/transport/local_transport.h"

namespace hostprep {
namespace {

namespace fs = std::filesystem;

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
  static const std::string script = FactsRead().argv.at(2);
  return script;
}

std::string NodeName() {
  struct utsname u;
  REQUIRE(uname(&u) == 0);
  return u.nodename;
}

// Python's socket.getfqdn() here, as Ansible's fqdn; "" without Python.
std::string PythonFqdn() {
  bool ok = false;
  std::string fqdn =
      FirstLine("/usr/bin/python3 -c 'import socket; print(socket.getfqdn())' 2>/dev/null", &ok);
  return ok ? fqdn : "";
}

// Python's getpass.getuser().
std::string GetUser() {
  for (const char* name : {"LOGNAME", "USER", "LNAME", "USERNAME"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v) return v;
  }
  const struct passwd* pw = getpwuid(getuid());
  return pw != nullptr ? pw->pw_name : "";
}

TEST_CASE("facts script reports this machine as uname, /proc, os-release, Python and ip do") {
  CHECK(FactsRead().argv.at(0) == "/bin/sh");
  Value facts = RunFacts(FactsRead().argv);

  struct utsname u;
  REQUIRE(uname(&u) == 0);
  CHECK(facts["kernel"] == u.release);
  CHECK(facts["kernel_version"] == u.version);
  CHECK(facts["system"] == u.sysname);
  CHECK(facts["machine"] == u.machine);
  CHECK(facts["nodename"] == u.nodename);
  CHECK(facts["hostname"] == Split(u.nodename, '.')[0]);
  CHECK(facts["userspace_bits"] == std::to_string(sizeof(void*) * 8));
  const std::string fqdn = PythonFqdn();
  if (!fqdn.empty()) CHECK(facts["fqdn"] == fqdn);

  CHECK(facts["memtotal_mb"] == MeminfoMb("MemTotal"));
  CHECK(facts["swaptotal_mb"] == MeminfoMb("SwapTotal"));
  std::map<std::string, std::string> release;
  for (const std::string& line : Split(ReadText("/etc/os-release"), '\n')) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) release[line.substr(0, eq)] = Unquoted(line.substr(eq + 1));
  }
  CHECK(facts["distribution_major_version"] == Split(release["VERSION_ID"], '.')[0]);
  CHECK(facts["distribution_release"] == release["VERSION_CODENAME"]);
  CHECK(facts["user_id"] == GetUser());
  CHECK(facts["user_uid"] == getuid());
  CHECK(facts["effective_user_id"] == geteuid());
  CHECK(facts["env"]["PATH"] == std::getenv("PATH"));
  CHECK(facts["processor_nproc"] == sysconf(_SC_NPROCESSORS_ONLN));

  // Ansible's default_ipv4: `ip -4 route get 8.8.8.8`.
  std::string route = FirstLine("ip -4 route get 8.8.8.8 2>/dev/null");
  if (After(route, "dev").empty()) {
    CHECK(facts["default_ipv4"] == Value::object());
  } else {
    CHECK(facts["default_ipv4"]["interface"] == After(route, "dev"));
    CHECK(facts["default_ipv4"]["address"] == After(route, "src"));
    CHECK(facts["default_ipv4"].value("gateway", "") == After(route, "via"));
  }
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
                      const std::string& missing, bool ip_without_batch,
                      const std::vector<std::string>& script_args = {}) {
  TempDir dir;
  const std::string log = dir / "log";
  WriteText(log, "");
  for (std::string tool :
       {"uname", "hostname", "timeout", "id", "ip", "grep", "date", "stat", "readlink", "getent"}) {
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
  argv.insert(argv.end(), script_args.begin(), script_args.end());
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

// Whether the mount table lists a point the script asks `stat -f` about.
bool StatsMounts() {
  const std::string table = fs::exists("/etc/mtab") ? "/etc/mtab" : "/proc/mounts";
  for (const std::string& line : Split(ReadText(table), '\n')) {
    std::istringstream in(line);
    std::string device, point, type;
    in >> device >> point >> type;
    if (device.empty() || type.empty()) continue;
    if (device[0] != '/' && device[0] != '\\' && device.find(":/") == std::string::npos) continue;
    if (type == "none" || type.rfind("nfs", 0) == 0 || type == "cifs" || type == "9p" ||
        type.rfind("fuse.", 0) == 0 || point.find('\\') != std::string::npos)
      continue;
    return true;
  }
  return false;
}

TEST_CASE("facts script starts a program only where no file answers, with the same facts") {
  // Controlled name resolution: a hosts file naming this machine and NSS
  // asking files first.
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
  // Always: the files' grep, the mounts' grep, ip (addresses), date; stat
  // where a mount has a device; uname -m on kernels without
  // /proc/sys/kernel/arch; readlink where PID 1's name says nothing.
  const std::string ip = fs::exists("/usr/bin/ip") || fs::exists("/sbin/ip") ? "ip" : "";
  const std::string stat = StatsMounts() ? "stat" : "";
  const std::string uname_m = fs::exists("/proc/sys/kernel/arch") ? "" : "uname";
  const std::string comm = Trim(ReadText("/proc/1/comm"));
  const std::string readlink =
      (comm.empty() || comm == "init" || EndsWith(comm, "sh")) && fs::is_symlink("/sbin/init")
          ? "readlink"
          : "";
  const std::vector<std::string> always = {"grep", "grep", "date", ip, stat, uname_m, readlink};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.end(), always.begin(), always.end());
    return Sorted(more);
  };
  bool resolved = false;
  std::string real_fqdn = FirstLine("timeout 2 hostname -f 2>/dev/null", &resolved);
  if (!resolved) real_fqdn = node;
  struct utsname u;
  REQUIRE(uname(&u) == 0);

  Probe base = RunWithStandIns(script, {}, "", false);
  CHECK(base.facts["fqdn"] == node + ".facts.test");
  CHECK(base.programs == with({}));
  Value plain = RunFacts(FactsRead().argv);
  // (not lsb: lsb_release is not on the stand-ins' PATH, so there is none)
  for (const char* key : {"kernel", "arch", "nodename", "user_id", "memtotal_mb", "default_ipv4",
                          "distribution_version", "interfaces", "pkg_mgr"}) {
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
  const std::string hidden = Replace(script, "/proc/s", dir / "none/s");
  const std::string dns_first = Replace(script, dir / "nsswitch", dir / "dns-first");
  const std::string fqdn = node + ".facts.test";
  std::vector<Row> rows = {
      {"no /proc/sys, /proc/self",
       {},
       hidden,
       "",
       false,
       with({"uname", "uname", "uname", "uname", "uname", "id", "id", "id", "id"}),
       fqdn,
       u.machine},
      {"ip without -batch", {}, script, "", true, with({ip}), fqdn, u.machine},
      {"DNS asked first",
       {},
       dns_first,
       "",
       false,
       with({"hostname", "timeout"}),
       real_fqdn,
       u.machine},
      {"DNS asked first, no timeout",
       {},
       dns_first,
       "timeout",
       false,
       with({"hostname"}),
       real_fqdn,
       u.machine},
      {"no hostname", {}, script, "hostname", false, with({}), node, u.machine},
      {"no grep",
       {},
       script,
       "grep",
       false,
       Sorted({"date", ip, uname_m, readlink}),
       fqdn,
       u.machine},
  };
  if (std::string(u.machine) == "x86_64" && fs::exists("/usr/bin/setarch")) {
    rows.push_back({"linux32 personality",
                    {"/usr/bin/setarch", "linux32"},
                    script,
                    "",
                    false,
                    Sorted({"uname", "uname", "grep", "grep", "date", ip, stat, readlink}),
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
                            "default_ipv4", "distribution", "os_family", "interfaces"}) {
      // An ip without -batch (busybox's) has no `route get`, so there is no
      // default address; without grep, no sysfs file says the interface's
      // MAC, MTU or type.
      if (std::string(key) == "default_ipv4" && (row.ip_without_batch || row.missing == "grep"))
        continue;
      // Without ip, Ansible gathers no network facts, nor does hostprep.
      if (row.missing == "ip" &&
          (std::string(key) == "default_ipv4" || std::string(key) == "interfaces")) {
        CHECK(!probe.facts.contains(key));
        continue;
      }
      CHECK_MESSAGE(probe.facts[key] == base.facts[key], key);
    }
    if (row.ip_without_batch) CHECK(probe.facts["default_ipv4"] == Value::object());
  }
}

// A minimal host: busybox's sh and applets alone (its ip without -batch or
// `route get`, its date without -f, grep without GNU's -a checks).
TEST_CASE("facts script names the user who called sudo when asked to, and only then") {
  // As under the tasks' sudo in a play that does not become (FactsRead
  // as_caller): sudo's SUDO_* name the caller. `nobody` is in every passwd.
  const struct passwd* nobody = getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  const std::string uid = std::to_string(nobody->pw_uid), gid = std::to_string(nobody->pw_gid);
  const std::vector<std::string> env = {
      "env", "SUDO_UID=" + uid, "SUDO_GID=" + gid, "SUDO_USER=nobody", "/bin/sh", "-c", Script()};
  std::vector<std::string> caller = env;
  caller.insert(caller.end(), {"sh", "caller"});
  const Value as_caller = RunFacts(caller);
  CHECK(as_caller["user_id"] == "nobody");
  CHECK(as_caller["user_uid"] == nobody->pw_uid);
  CHECK(as_caller["user_gid"] == nobody->pw_gid);
  CHECK(as_caller["user_dir"] == nobody->pw_dir);
  const Value plain = RunFacts(env);
  CHECK(plain["user_id"] == GetUser());
  CHECK(plain["user_uid"] == getuid());
}

TEST_CASE("facts script answers on a busybox host, with what busybox can tell") {
  if (!fs::exists("/bin/busybox")) {
    MESSAGE("skipped: no /bin/busybox (tests/setup.sh installs it)");
    return;
  }
  TempDir dir;
  bool ok = false;
  FirstLine("/bin/busybox --install -s " + dir / "" + " 2>&1", &ok);
  REQUIRE(ok);
  Value facts = RunFacts({"/usr/bin/env", "-i", "PATH=" + dir / "", "LOGNAME=root", "/bin/busybox",
                          "sh", "-c", Script()});
  struct utsname u;
  REQUIRE(uname(&u) == 0);
  CHECK(facts["kernel"] == u.release);
  CHECK(facts["nodename"] == u.nodename);
  CHECK(facts["memtotal_mb"] == MeminfoMb("MemTotal"));
  CHECK(facts["os_family"] == RunFacts(FactsRead().argv)["os_family"]);
  CHECK(facts["user_id"] == "root");
  CHECK(facts["env"]["PATH"] == dir / "");
  CHECK(facts["date_time"]["tz"].is_string());
  CHECK(facts["default_ipv4"] == Value::object());  // busybox's ip has no `route get`
  CHECK(facts["interfaces"].size() >= 1);
  CHECK(!facts["mounts"].empty());
}

// Python's socket.getfqdn() (Ansible's fqdn) as glibc answers it from
// /etc/hosts, measured on Debian 12 (tests/integration/facts_ssh_test.cc
// checks the same rows against Python on a test host); "-" = not judged by
// the script: hostname -f runs.
TEST_CASE("facts script reads the fully qualified name from /etc/hosts as Python and glibc do") {
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
           {"127.0.0.1 localhost\n10.0.0.2 N b.example\n", files, "b.example"},
           {"10.0.0.5 first.example\n10.0.0.5 a N\n", files, "first.example"},
           {"10.0.0.5 first\n10.0.0.5 a.example N\n", files, "first"},
           {"::1 x\n10.0.0.1 a.example N\n", files, "a.example"},
           {"127.1 x\n10.0.0.1 a.example N\n", files, "-"},
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

TEST_CASE("facts script starts none of the programs of the collectors a subset leaves out") {
  // The script's arguments for a subset, after `sh -c SCRIPT`.
  auto args = [](const std::vector<std::string>& spec) {
    Result<FactSubset> subset = ResolveFactSubset(spec);
    REQUIRE(subset.ok());
    const std::vector<std::string> argv = FactsRead(false, *subset).argv;
    return std::vector<std::string>(argv.begin() + 3, argv.end());
  };
  CHECK(args({"all"}).empty());
  CHECK(args({"min"}) == std::vector<std::string>{"sh", "", "net mounts"});
  CHECK(args({"!all", "!min"}) == std::vector<std::string>{"sh", "", "net mounts date"});
  CHECK(args({"!all", "network"}) == std::vector<std::string>{"sh", "", "mounts"});

  const Probe all = RunWithStandIns(Script(), {}, "", false);
  const Probe min = RunWithStandIns(Script(), {}, "", false, args({"min"}));
  const Probe none = RunWithStandIns(Script(), {}, "", false, args({"!all", "!min"}));
  // min: one grep (the files) instead of two, no ip, no stat -f.
  auto without = [](std::string programs, const std::vector<std::string>& gone) {
    std::vector<std::string> left = Split(programs, ' ');
    for (const std::string& g : gone) {
      auto it = std::find(left.begin(), left.end(), g);
      if (it != left.end()) left.erase(it);
    }
    return Sorted(left);
  };
  CHECK(min.programs == without(all.programs, {"grep", "ip", "stat"}));
  CHECK(none.programs == without(min.programs, {"date"}));
  // What the script did not read is not there, and the subset's facts
  // leave out what it would have been.
  CHECK(!min.facts.contains("all_ipv4_addresses"));
  CHECK(min.facts.value("mounts", Value::array()).empty());
  const Value selected = SelectFacts(min.facts, *ResolveFactSubset({"min"}));
  for (const char* key : {"interfaces", "default_ipv4", "all_ipv4_addresses", "memtotal_mb"}) {
    CAPTURE(key);
    CHECK(!selected.contains(key));
  }
  CHECK(min.facts.contains("date_time"));
  CHECK(!none.facts.contains("date_time"));
  for (const char* key : {"distribution", "kernel", "user_id", "pkg_mgr", "memtotal_mb"}) {
    CAPTURE(key);
    CHECK(min.facts[key] == all.facts[key]);
  }
}

TEST_CASE("every fact the script gives on this machine belongs to one of Ansible's collectors") {
  const Value facts = RunFacts(FactsRead().argv);
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    CAPTURE(it.key());
    CHECK(!FactCollector(it.key(), facts).empty());
  }
}

}  // namespace
}  // namespace hostprep
