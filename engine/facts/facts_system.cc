// The system facts as Ansible 2.14's collectors make them on Linux: env,
// date_time, dns, selinux, apparmor, fips, virtualization, machine_id's
// neighbours (ssh host keys, uptime).
#include <time.h>

#include <algorithm>
#include <set>

#include "engine/base/text.h"
#include "engine/facts/facts_input.h"

namespace hostprep {

namespace {

}  // namespace

// The environment the shell that runs the script was started with: the
// login shell's (or sudo's, with become), read from /proc/PID/environ, so
// that what the batch script itself exports (LC_ALL=C) is not in it. As
// Python's os.environ: the first of two same names wins. Under become,
// sudo's SUDO_COMMAND is hostprep's own batch command, a script with the
// tasks' arguments in it: left out (Ansible's names its own command).
void AddEnvFacts(const FactsInput& in, Value* facts) {
  Value env = Value::object();
  for (const auto& [path, lines] : in.files()) {
    if (!StartsWith(path, "/proc/") || !EndsWith(path, "/environ")) continue;
    std::string blob;
    for (size_t i = 0; i < lines.size(); ++i) blob += (i > 0 ? "\n" : "") + lines[i];
    for (const std::string& entry : Split(blob, '\0')) {
      const size_t eq = entry.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      const std::string name = entry.substr(0, eq);
      if (!env.contains(name)) env[name] = entry.substr(eq + 1);
    }
    break;
  }
  if (env.contains("SUDO_COMMAND") &&
      env["SUDO_COMMAND"].get<std::string>().find('\n') != std::string::npos)
    env.erase("SUDO_COMMAND");
  (*facts)["env"] = env;
}

// date_time from one `date` line "%Y %m %A %w %W %d %H %M %S %s %N %Z %z",
// then the same for 15 January and 15 July (the zone's two names).
void AddDateTimeFacts(const FactsInput& in, Value* facts) {
  const std::vector<std::string> lines = in.All("date");
  if (lines.empty()) return;
  const std::vector<std::string> w = PySplit(lines[0]);
  if (w.size() != 13) return;
  const long long epoch = ToInt(w[9]);
  if (epoch < 0) return;
  std::string micro = IsDigits(w[10]) ? w[10].substr(0, 6) : "000000";
  micro.resize(6, '0');
  Value d = Value::object();
  d["year"] = w[0];
  d["month"] = w[1];
  d["weekday"] = w[2];
  d["weekday_number"] = w[3];
  d["weeknumber"] = w[4];
  d["day"] = w[5];
  d["hour"] = w[6];
  d["minute"] = w[7];
  d["second"] = w[8];
  d["epoch"] = w[9];
  d["epoch_int"] = std::to_string(epoch);
  d["date"] = w[0] + "-" + w[1] + "-" + w[5];
  d["time"] = w[6] + ":" + w[7] + ":" + w[8];
  const time_t t = static_cast<time_t>(epoch);
  struct tm utc {};
  char buf[64] = "";
  if (gmtime_r(&t, &utc) != nullptr) strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  d["iso8601_micro"] = std::string(buf) + "." + micro + "Z";
  d["iso8601"] = std::string(buf) + "Z";
  d["iso8601_basic"] = w[0] + w[1] + w[5] + "T" + w[6] + w[7] + w[8] + micro;
  d["iso8601_basic_short"] = w[0] + w[1] + w[5] + "T" + w[6] + w[7] + w[8];
  d["tz"] = w[11];
  // tzname[1]: the name of the two with the larger UTC offset.
  std::string dst = w[11];
  if (lines.size() >= 3) {
    const std::vector<std::string> jan = PySplit(lines[1]), jul = PySplit(lines[2]);
    auto offset = [](const std::string& z) {
      if (z.size() != 5 || (z[0] != '+' && z[0] != '-') || !IsDigits(z.substr(1))) return 0LL;
      const long long v = ToInt(z.substr(1, 2)) * 60 + ToInt(z.substr(3, 2));
      return z[0] == '-' ? -v : v;
    };
    if (jan.size() == 13 && jul.size() == 13)
      dst = offset(jul[12]) > offset(jan[12]) ? jul[11] : jan[11];
  }
  d["tz_dst"] = dst;
  d["tz_offset"] = w[12];
  (*facts)["date_time"] = d;
}

void AddDnsFacts(const FactsInput& in, Value* facts) {
  Value dns = Value::object();
  for (const std::string& line : Split(in.Content("/etc/resolv.conf"), '\n')) {
    if (StartsWith(line, "#") || StartsWith(line, ";") || PyStrip(line).empty()) continue;
    const std::vector<std::string> tokens = PySplit(line);
    if (tokens.empty()) continue;
    const std::string& key = tokens[0];
    if (key == "nameserver") {
      if (!dns.contains("nameservers")) dns["nameservers"] = Value::array();
      for (size_t i = 1; i < tokens.size(); ++i) dns["nameservers"].push_back(tokens[i]);
    } else if (key == "domain") {
      if (tokens.size() > 1) dns["domain"] = tokens[1];
    } else if (key == "search" || key == "sortlist") {
      Value list = Value::array();
      for (size_t i = 1; i < tokens.size(); ++i) list.push_back(tokens[i]);
      dns[key] = list;
    } else if (key == "options") {
      dns["options"] = Value::object();
      for (size_t i = 1; i < tokens.size(); ++i) {
        const size_t colon = tokens[i].find(':');
        if (colon == std::string::npos) {
          dns["options"][tokens[i]] = true;
        } else {
          const std::string value = tokens[i].substr(colon + 1);
          dns["options"][tokens[i].substr(0, colon)] = value.empty() ? Value(true) : Value(value);
        }
      }
    }
  }
  (*facts)["dns"] = dns;
}

// selinux as libselinux answers (selinuxfs mounted: enabled), without
// Ansible's Python binding; apparmor; fips.
void AddSecurityFacts(const FactsInput& in, Value* facts) {
  Value selinux = Value::object();
  if (in.Exists("/sys/fs/selinux/enforce")) {
    selinux["status"] = "enabled";
    const long long vers = ToInt(in.Content("/sys/fs/selinux/policyvers"));
    selinux["policyvers"] = vers >= 0 ? Value(vers) : Value("unknown");
    std::string config = "unknown", type = "unknown";
    for (const std::string& line : in.Lines("/etc/selinux/config")) {
      const std::string l = PyStrip(line);
      if (StartsWith(l, "SELINUX=")) {
        const std::string v = PyStrip(l.substr(8));
        if (v == "enforcing" || v == "permissive" || v == "disabled") config = v;
      } else if (StartsWith(l, "SELINUXTYPE=")) {
        type = PyStrip(l.substr(12));
      }
    }
    selinux["config_mode"] = config;
    const std::string enforce = in.Content("/sys/fs/selinux/enforce");
    selinux["mode"] = enforce == "1" ? "enforcing" : enforce == "0" ? "permissive" : "unknown";
    selinux["type"] = type;
  } else {
    selinux["status"] = "disabled";
  }
  (*facts)["selinux"] = selinux;
  (*facts)["apparmor"] = {
      {"status", in.Exists("/sys/kernel/security/apparmor") ? "enabled" : "disabled"}};
  (*facts)["fips"] = in.Content("/proc/sys/crypto/fips_enabled") == "1";
}

namespace {

// Ansible's LinuxVirtual, its checks in its order: the first that names a
// technology sets virtualization_type and _role; all add to the tech sets.
class Virtual {
 public:
  explicit Virtual(const FactsInput& in) : in_(in) {}

  void Guest(const std::string& tech, const std::string& type, const char* role = "guest") {
    guest_.insert(tech);
    Found(type, role);
  }
  void Host(const std::string& tech, const std::string& type, const char* role = "host") {
    host_.insert(tech);
    Found(type, role);
  }
  void Found(const std::string& type, const char* role) {
    if (found_) return;
    type_ = type;
    if (role != nullptr) role_ = role;
    found_ = true;
  }

  void Run();
  Value Facts() const;

 private:
  void Containers();
  void Dmi();
  void Cpuinfo();
  void Late();

  const FactsInput& in_;
  bool found_ = false;
  std::string type_, role_;
  std::set<std::string> guest_, host_;
};

void Virtual::Containers() {
  for (const std::string& line : in_.Lines("/proc/1/cgroup")) {
    const size_t docker = line.find("/docker");
    if (docker != std::string::npos) {
      const std::string rest = line.substr(docker + 7);
      const bool scope = !rest.empty() && rest[0] == '-' &&
                         rest.find(".scope") != std::string::npos &&
                         rest.find_first_not_of("0123456789abcdef", 1) == rest.find(".scope");
      if (StartsWith(rest, "/") || scope) Guest("docker", "docker");
    }
    if (HasSubstring(line, "/lxc/") || HasSubstring(line, "/machine.slice/machine-lxc"))
      Guest("lxc", "lxc");
    if (HasSubstring(line, "/system.slice/containerd.service")) Guest("containerd", "containerd");
  }
  for (const std::string& c : in_.All("pid1_container")) {
    if (c == "lxc") Guest("lxc", "lxc");
    if (c == "podman") Guest("podman", "podman");
    if (c == "any") Guest("container", "container");
  }
  if (in_.Exists("/proc/vz") && !in_.Exists("/proc/lve")) {
    const bool bc = in_.Exists("/proc/bc");
    (bc ? host_ : guest_).insert("openvz");
    if (!found_) role_ = bc ? "host" : "guest";
    type_ = "openvz";  // Ansible sets the type here even when found
    found_ = true;
  }
  const std::string container = in_.Content("/run/systemd/container");
  if (!container.empty()) Guest(container, container);
  if (in_.Exists("/.dockerenv") || in_.Exists("/.dockerinit")) Guest("docker", "docker");
  for (const char* tech : {"docker", "lxc", "podman", "openvz", "containerd"}) {
    if (guest_.count(tech) || !container.empty()) guest_.insert("container");
  }
  if (in_.Exists("/proc/xen")) {
    bool control = false;
    for (const std::string& line : in_.Lines("/proc/xen/capabilities")) {
      if (HasSubstring(line, "control_d")) control = true;
    }
    if (control) {
      Host("xen", "xen");
    } else {
      Found("xen", "guest");
    }
    found_ = true;
  }
}

void Virtual::Dmi() {
  const std::string dmi = "/sys/devices/virtual/dmi/id/";
  const std::string product = in_.Content(dmi + "product_name");
  const std::string vendor = in_.Content(dmi + "sys_vendor");
  const std::string family = in_.Content(dmi + "product_family");
  const std::string bios = in_.Content(dmi + "bios_vendor");
  // Until here a DMI match is a guest; it sets the type only.
  auto guest = [&](const std::string& tech, const std::string& type) {
    guest_.insert(tech);
    if (!found_) {
      type_ = type;
      found_ = true;
    }
  };
  if (product == "KVM" || product == "KVM Server" || product == "Bochs" || product == "AHV")
    guest("kvm", "kvm");
  if (vendor == "oVirt") guest("oVirt", "oVirt");
  if (vendor == "Red Hat") {
    if (family == "RHV") {
      guest("RHV", "RHV");
    } else if (product == "RHEV Hypervisor") {
      guest("RHEV", "RHEV");
    }
  }
  if (product == "VMware Virtual Platform" || product == "VMware7,1") guest("VMware", "VMware");
  if (product == "OpenStack Compute" || product == "OpenStack Nova")
    guest("openstack", "openstack");
  if (bios == "Xen") guest("xen", "xen");
  if (bios == "innotek GmbH") guest("virtualbox", "virtualbox");
  if (bios == "Amazon EC2" || bios == "DigitalOcean" || bios == "Hetzner") guest("kvm", "kvm");
  static const std::set<std::string> kKvmVendors = {"QEMU",   "Amazon EC2", "DigitalOcean",
                                                    "Google", "Scaleway",   "Nutanix"};
  if (kKvmVendors.count(vendor)) guest("kvm", "kvm");
  if (vendor == "KubeVirt") guest("KubeVirt", "KubeVirt");
  if (vendor == "Microsoft Corporation") guest("VirtualPC", "VirtualPC");
  if (vendor == "Parallels Software International Inc.") guest("parallels", "parallels");
  if (vendor == "OpenStack Foundation") guest("openstack", "openstack");
}

void Virtual::Cpuinfo() {
  for (const std::string& line : in_.Lines("/proc/cpuinfo")) {
    std::string tech, type;
    if (StartsWith(line, "model name") && HasSubstring(line, "QEMU Virtual CPU")) {
      tech = type = "kvm";
    } else if (StartsWith(line, "vendor_id") && HasSubstring(line, "User Mode Linux")) {
      tech = type = "uml";
    } else if (StartsWith(line, "model name") && HasSubstring(line, "UML")) {
      tech = type = "uml";
    } else if (StartsWith(line, "machine") &&
               HasSubstring(line, "CHRP IBM pSeries (emulated by qemu)")) {
      tech = type = "kvm";
    } else if (StartsWith(line, "vendor_id") && HasSubstring(line, "PowerVM Lx86")) {
      tech = type = "powervm_lx86";
    } else if (StartsWith(line, "vendor_id") && HasSubstring(line, "IBM/S390")) {
      // Ansible asks lscpu for the hypervisor; not done here.
      guest_.insert("PR/SM");
      if (!found_) type_ = "PR/SM";
      if (!found_) role_ = "LPAR";
      found_ = true;
      continue;
    } else {
      continue;
    }
    guest_.insert(tech);
    if (!found_) {
      type_ = type;
      role_ = "guest";
    }
    found_ = true;
  }
}

void Virtual::Late() {
  for (const std::string& line : in_.Lines("/proc/self/status")) {
    if (!StartsWith(line, "VxID:")) continue;
    const std::string id = PyStrip(line.substr(5));
    if (!IsDigits(id.substr(0, 1))) continue;
    if (!found_) type_ = "linux_vserver";
    if (id[0] == '0') {
      host_.insert("linux_vserver");
      if (!found_) role_ = "host";
    } else {
      guest_.insert("linux_vserver");
      if (!found_) role_ = "guest";
    }
    found_ = true;
  }
  Cpuinfo();
  if (in_.Exists("/sys/module/kvm/initstate")) {
    host_.insert("kvm");
    if (!found_) {
      type_ = "kvm";
      role_ = "host";
    }
    found_ = true;  // (Ansible's RHEV check, vdsm among the processes, is not made)
  }
  if (in_.Exists("/sys/module/vboxdrv/initstate")) Host("virtualbox", "virtualbox");
  if (in_.Exists("/sys/module/virtio/initstate")) {
    host_.insert("kvm");
    Found("kvm", "guest");
  }
  // dmidecode -s system-product-name says what DMI's product_name does;
  // it answers root only.
  if (in_.HasTool("dmidecode") && PySplit(in_.Get("uid")).size() == 4 &&
      PySplit(in_.Get("uid"))[1] == "0" && in_.Exists("/sys/devices/virtual/dmi/id/product_name")) {
    const std::string product = in_.Content("/sys/devices/virtual/dmi/id/product_name");
    if (StartsWith(product, "VMware")) Guest("VMware", "VMware");
    if (HasSubstring(product, "BHYVE")) Guest("bhyve", "bhyve");
  }
  if (in_.Exists("/dev/kvm")) Host("kvm", "kvm");
}

void Virtual::Run() {
  Containers();
  const bool before = found_;
  if (!found_) role_ = "guest";  // assumed for the DMI block
  Dmi();
  if (!before && !found_) role_.clear();
  Late();
  if (!found_) {
    type_ = role_ = "NA";
  }
}

Value Virtual::Facts() const {
  Value f = Value::object();
  if (!type_.empty()) f["virtualization_type"] = type_;
  if (!role_.empty()) f["virtualization_role"] = role_;
  f["virtualization_tech_guest"] = Value(std::vector<std::string>(guest_.begin(), guest_.end()));
  f["virtualization_tech_host"] = Value(std::vector<std::string>(host_.begin(), host_.end()));
  return f;
}

}  // namespace

void AddVirtualizationFacts(const FactsInput& in, Value* facts) {
  Virtual v(in);
  v.Run();
  const Value found = v.Facts();
  for (auto it = found.begin(); it != found.end(); ++it) (*facts)[it.key()] = it.value();
}

namespace {

// Python's shlex.split(text, posix=False): words split at blanks, a quoted
// word kept with its quotes and ended by its closing quote; nullopt for a
// quote never closed (Ansible then gives an empty mapping).
std::optional<std::vector<std::string>> ShlexSplitNonPosix(const std::string& text) {
  std::vector<std::string> words;
  size_t i = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (i < text.size()) {
    if (blank(text[i])) {
      ++i;
    } else if (text[i] == '"' || text[i] == '\'') {
      const size_t end = text.find(text[i], i + 1);
      if (end == std::string::npos) return std::nullopt;
      words.push_back(text.substr(i, end - i + 1));
      i = end + 1;
    } else {
      const size_t start = i;
      while (i < text.size() && !blank(text[i])) ++i;
      words.push_back(text.substr(start, i - start));
    }
  }
  return words;
}

// cmdline (a key's last value) and proc_cmdline (a repeated key's values
// as a list), as Ansible's cmdline collector reads /proc/cmdline.
void AddCmdlineFacts(const FactsInput& in, Value* facts) {
  const std::string data = in.Content("/proc/cmdline");
  if (data.empty()) return;
  Value cmdline = Value::object(), proc = Value::object();
  const std::optional<std::vector<std::string>> words = ShlexSplitNonPosix(data);
  for (const std::string& word : words ? *words : std::vector<std::string>()) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos) {
      cmdline[word] = true;
      proc[word] = true;
      continue;
    }
    const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    cmdline[key] = value;
    if (!proc.contains(key)) {
      proc[key] = value;
    } else if (proc[key].is_array()) {
      proc[key].push_back(value);
    } else {
      proc[key] = Value::array({proc[key], value});
    }
  }
  (*facts)["cmdline"] = cmdline;
  (*facts)["proc_cmdline"] = proc;
}

}  // namespace

void AddMiscFacts(const FactsInput& in, Value* facts) {
  AddCmdlineFacts(in, facts);
  Value& f = *facts;
  if (in.Get("chroot") == "0" || in.Get("chroot") == "1") f["is_chroot"] = in.Get("chroot") == "1";
  // Local facts: Ansible's {} where /etc/ansible/facts.d is missing; its
  // files (scripts to run, JSON or INI to read) are not read.
  if (!in.Exists("/etc/ansible/facts.d")) f["local"] = Value::object();
  for (const char* dir : {"/etc/ssh", "/etc/openssh", "/etc"}) {
    bool done = false;
    for (const char* algo : {"dsa", "rsa", "ecdsa", "ed25519"}) {
      const std::string name = std::string("ssh_host_key_") + algo + "_public";
      if (f.contains(name)) {
        done = true;
        break;
      }
      const std::vector<std::string> words =
          PySplit(in.Content(std::string(dir) + "/ssh_host_" + algo + "_key.pub"));
      if (words.size() >= 2) {
        f[name] = words[1];
        f[name + "_keytype"] = words[0];
      }
    }
    if (done) break;
  }
  // Ansible's are os.getloadavg()'s, the kernel's averages in 1/2048ths;
  // /proc/loadavg gives them to two decimals.
  const std::vector<std::string> load = PySplit(in.Content("/proc/loadavg"));
  if (load.size() >= 3) {
    Value avg = Value::object();
    const char* names[] = {"1m", "5m", "15m"};
    for (size_t k = 0; k < 3; ++k) {
      const std::vector<std::string> parts = Split(load[k], '.');
      if (parts.size() != 2 || !IsDigits(parts[0]) || !IsDigits(parts[1]) || load[k].size() > 12)
        break;
      avg[names[k]] = std::stod(load[k]);
    }
    if (avg.size() == 3) f["loadavg"] = avg;
  }
  const std::vector<std::string> uptime = PySplit(in.Content("/proc/uptime"));
  if (!uptime.empty()) {
    const std::string whole = Split(uptime[0], '.')[0];
    if (IsDigits(whole) && ToInt(whole) >= 0) f["uptime_seconds"] = ToInt(whole);
  }
}

}  // namespace hostprep
