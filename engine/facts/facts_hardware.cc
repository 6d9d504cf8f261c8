// The hardware facts as Ansible 2.14's LinuxHardware makes them: memory
// (/proc/meminfo), processors (/proc/cpuinfo, /proc/self/status for the
// CPUs this process may run on), DMI (/sys/devices/virtual/dmi/id) and the
// mounts (/etc/mtab, findmnt's bind mounts from /proc/self/mountinfo, the
// sizes from one `stat -f`).
#include <limits>
#include <map>
#include <set>

#include "engine/base/text.h"
#include "engine/facts/facts_input.h"

namespace hostprep {

namespace {

void AddMemory(const FactsInput& in, Value* facts) {
  static const std::set<std::string> kTop = {"MemTotal", "SwapTotal", "MemFree", "SwapFree"};
  static const std::set<std::string> kAll = {"MemTotal", "SwapTotal", "MemFree",   "SwapFree",
                                             "Buffers",  "Cached",    "SwapCached"};
  if (!in.HasFile("/proc/meminfo")) return;
  std::map<std::string, long long> mem;
  for (const std::string& line : in.Lines("/proc/meminfo")) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    if (!kAll.count(key)) continue;
    const std::vector<std::string> words = PySplit(line.substr(colon + 1));
    const long long kb = words.empty() ? -1 : ToInt(words[0]);
    if (kb < 0) continue;
    if (kTop.count(key)) (*facts)[ToLower(key) + "_mb"] = kb / 1024;
    mem[ToLower(key)] = kb / 1024;
  }
  auto get = [&](const std::string& key) -> Value {
    auto it = mem.find(key);
    return it == mem.end() ? Value() : Value(it->second);
  };
  auto has = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      if (!mem.count(k)) return false;
    }
    return true;
  };
  Value real_used, nocache_free, nocache_used, swap_used;
  if (has({"memtotal", "memfree"})) real_used = mem["memtotal"] - mem["memfree"];
  if (has({"cached", "memfree", "buffers"}))
    nocache_free = mem["cached"] + mem["memfree"] + mem["buffers"];
  if (has({"memtotal"}) && !nocache_free.is_null())
    nocache_used = mem["memtotal"] - nocache_free.get<long long>();
  if (has({"swaptotal", "swapfree"})) swap_used = mem["swaptotal"] - mem["swapfree"];
  (*facts)["memory_mb"] = {
      {"real", {{"total", get("memtotal")}, {"used", real_used}, {"free", get("memfree")}}},
      {"nocache", {{"free", nocache_free}, {"used", nocache_used}}},
      {"swap",
       {{"total", get("swaptotal")},
        {"free", get("swapfree")},
        {"used", swap_used},
        {"cached", get("swapcached")}}}};
}

// How many CPUs a "0-3,8,10-11" list names, -1 when it is not one.
long long CpuListCount(const std::string& list) {
  long long count = 0;
  for (const std::string& part : Split(PyStrip(list), ',')) {
    const size_t dash = part.find('-');
    const long long a = ToInt(part.substr(0, dash));
    const long long b = dash == std::string::npos ? a : ToInt(part.substr(dash + 1));
    if (a < 0 || b < a || b - a > 1 << 20) return -1;
    count += b - a + 1;
  }
  return count;
}

// A count from cpuinfo; 0 for anything else or beyond any machine.
long long Count(const std::string& value) {
  const long long n = ToInt(value, 0);
  return n > (1 << 20) ? 0 : n;
}

// What Ansible counts in cpuinfo, line by line.
struct Cpuinfo {
  Value processor = Value::array();  // the model, vendor and number lines' values
  long long i = 0, vendors = 0, models = 0, processors = 0;
  bool xen_paravirt = false;
  std::optional<long long> cores_given;
  // Python dicts keep insertion order; Ansible reads the first value.
  std::vector<std::pair<std::string, long long>> sockets, cores;
};

void SetIn(std::vector<std::pair<std::string, long long>>* d, const std::string& k, long long v,
           bool only_new) {
  for (auto& [key, value] : *d) {
    if (key == k) {
      if (!only_new) value = v;
      return;
    }
  }
  d->emplace_back(k, v);
}

Cpuinfo ReadCpuinfo(const FactsInput& in, bool xen) {
  Cpuinfo c;
  std::string physid = "0", coreid = "0";
  for (const std::string& line : in.Lines("/proc/cpuinfo")) {
    const size_t colon = line.find(':');
    const std::string key = PyStrip(line.substr(0, colon));
    const std::string val = colon == std::string::npos ? "" : PyStrip(line.substr(colon + 1));
    if (xen && key == "flags" && val.find("vme") == std::string::npos) c.xen_paravirt = true;
    if (key == "model name" || key == "Processor" || key == "vendor_id" || key == "cpu" ||
        key == "Vendor" || key == "processor") {
      c.processor.push_back(val);
      if (key == "vendor_id") ++c.vendors;
      if (key == "model name") ++c.models;
      if (key == "processor") ++c.processors;
      ++c.i;
    } else if (key == "physical id") {
      physid = val;
      SetIn(&c.sockets, physid, 1, true);
    } else if (key == "core id") {
      coreid = val;
      // (sic: Ansible tests the core id against the sockets)
      bool in_sockets = false;
      for (auto& [k, v] : c.sockets) in_sockets = in_sockets || k == coreid;
      if (!in_sockets) SetIn(&c.cores, coreid, 1, false);
    } else if (key == "cpu cores") {
      SetIn(&c.sockets, physid, Count(val), false);
    } else if (key == "siblings") {
      SetIn(&c.cores, coreid, Count(val), false);
    } else if (key == "# processors") {
      c.cores_given = Count(val);
    } else if (key == "ncpus active") {
      c.i = Count(val);
    }
  }
  return c;
}

void AddCpu(const FactsInput& in, Value* facts) {
  if (!in.HasFile("/proc/cpuinfo")) return;
  Value& f = *facts;
  const std::string arch = f.value("architecture", "");
  Cpuinfo c =
      ReadCpuinfo(in, in.Exists("/proc/xen") || in.Content("/sys/hypervisor/type") == "xen");
  f["processor"] = c.processor;
  if (c.cores_given) f["processor_cores"] = *c.cores_given;
  long long i = c.vendors > 0 && c.vendors == c.models ? c.vendors : c.i;
  if (StartsWith(arch, "armv") || StartsWith(arch, "aarch") || StartsWith(arch, "ppc"))
    i = c.processors;
  if (arch == "s390x") return;
  if (c.xen_paravirt) {
    f["processor_count"] = i;
    f["processor_cores"] = i;
    f["processor_threads_per_core"] = 1;
    f["processor_vcpus"] = i;
    return;
  }
  const long long count = c.sockets.empty() ? i : static_cast<long long>(c.sockets.size());
  const long long per_socket = !c.sockets.empty() && c.sockets[0].second ? c.sockets[0].second : 1;
  const long long threads = c.cores.empty() ? 1 / per_socket : c.cores[0].second / per_socket;
  f["processor_count"] = count;
  f["processor_cores"] = per_socket;
  f["processor_threads_per_core"] = threads;
  f["processor_vcpus"] = threads * count * per_socket;
  // sched_getaffinity's count, else the processor lines.
  long long nproc = c.processors;
  for (const std::string& line : in.Lines("/proc/self/status")) {
    if (StartsWith(line, "Cpus_allowed_list:")) {
      const long long n = CpuListCount(line.substr(18));
      if (n > 0) nproc = n;
    }
  }
  f["processor_nproc"] = nproc;
}

void AddDmi(const FactsInput& in, Value* facts) {
  // Without DMI in sysfs Ansible asks dmidecode, a process per fact: not
  // done here, the facts stay out; without dmidecode either, all are NA.
  const bool sysfs = in.Exists("/sys/devices/virtual/dmi/id/product_name");
  if (!sysfs && in.HasTool("dmidecode")) return;
  static const char* kFormFactor[] = {"Unknown",
                                      "Other",
                                      "Unknown",
                                      "Desktop",
                                      "Low Profile Desktop",
                                      "Pizza Box",
                                      "Mini Tower",
                                      "Tower",
                                      "Portable",
                                      "Laptop",
                                      "Notebook",
                                      "Hand Held",
                                      "Docking Station",
                                      "All In One",
                                      "Sub Notebook",
                                      "Space-saving",
                                      "Lunch Box",
                                      "Main Server Chassis",
                                      "Expansion Chassis",
                                      "Sub Chassis",
                                      "Bus Expansion Chassis",
                                      "Peripheral Chassis",
                                      "RAID Chassis",
                                      "Rack Mount Chassis",
                                      "Sealed-case PC",
                                      "Multi-system",
                                      "CompactPCI",
                                      "AdvancedTCA",
                                      "Blade",
                                      "Blade Enclosure",
                                      "Tablet",
                                      "Convertible",
                                      "Detachable",
                                      "IoT Gateway",
                                      "Embedded PC",
                                      "Mini PC",
                                      "Stick PC"};
  static const std::pair<const char*, const char*> kFiles[] = {
      {"bios_date", "bios_date"},
      {"bios_vendor", "bios_vendor"},
      {"bios_version", "bios_version"},
      {"board_asset_tag", "board_asset_tag"},
      {"board_name", "board_name"},
      {"board_serial", "board_serial"},
      {"board_vendor", "board_vendor"},
      {"board_version", "board_version"},
      {"chassis_asset_tag", "chassis_asset_tag"},
      {"chassis_serial", "chassis_serial"},
      {"chassis_vendor", "chassis_vendor"},
      {"chassis_version", "chassis_version"},
      {"form_factor", "chassis_type"},
      {"product_name", "product_name"},
      {"product_serial", "product_serial"},
      {"product_uuid", "product_uuid"},
      {"product_version", "product_version"},
      {"system_vendor", "sys_vendor"}};
  for (const auto& [fact, file] : kFiles) {
    const std::string path = std::string("/sys/devices/virtual/dmi/id/") + file;
    const std::string data = sysfs ? in.Content(path) : "";
    if (data.empty()) {
      (*facts)[fact] = "NA";
    } else if (std::string(fact) == "form_factor") {
      const long long n = ToInt(data);
      const long long size = sizeof kFormFactor / sizeof kFormFactor[0];
      (*facts)[fact] = n >= 0 && n < size ? std::string(kFormFactor[n]) : "unknown (" + data + ")";
    } else {
      (*facts)[fact] = data;
    }
  }
}

}  // namespace

void AddHardwareFacts(const FactsInput& in, Value* facts) {
  AddCpu(in, facts);
  AddMemory(in, facts);
  AddDmi(in, facts);
}

// The mounts as Ansible lists them: /etc/mtab's (else /proc/mounts')
// entries with a device path (or host:/path) and a type other than none,
// their octal escapes undone, ",bind" added where findmnt shows a root
// other than / (a bind mount: /proc/self/mountinfo's fourth field), and
// the sizes statvfs gives.
void AddMountFacts(const FactsInput& in, Value* facts) {
  const std::string mtab = in.Exists("/etc/mtab") ? "/etc/mtab" : "/proc/mounts";
  // Python's re.sub of \\[0-9]{3} by that octal character.
  auto unescape = [](const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' &&
          s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
        out += static_cast<char>(((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')) &
                                 0xff);
        i += 3;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::set<std::string> binds;
  for (const std::string& line : in.Lines("/proc/self/mountinfo")) {
    const std::vector<std::string> w = PySplit(line);
    if (w.size() >= 5 && w[3] != "/") binds.insert(unescape(w[4]));
  }
  std::map<std::string, Value> sizes;
  for (const std::string& line : in.All("statfs")) {
    // "FRSIZE BSIZE BLOCKS BAVAIL FILES FFREE NAME"
    long long n[6];
    size_t at = 0;
    bool ok = true;
    for (int k = 0; k < 6 && ok; ++k) {
      const size_t space = line.find(' ', at);
      ok = space != std::string::npos && (n[k] = ToInt(line.substr(at, space - at))) >= 0;
      at = space + 1;
    }
    if (!ok || at >= line.size()) continue;
    const long long frsize = n[0], bsize = n[1], blocks = n[2], bavail = n[3], files = n[4],
                    ffree = n[5];
    if (frsize > 0 && blocks > std::numeric_limits<long long>::max() / frsize) continue;
    sizes[line.substr(at)] = {{"size_total", frsize * blocks}, {"size_available", frsize * bavail},
                              {"block_size", bsize},           {"block_total", blocks},
                              {"block_available", bavail},     {"block_used", blocks - bavail},
                              {"inode_total", files},          {"inode_available", ffree},
                              {"inode_used", files - ffree}};
  }
  // Ansible keys its results by mount point: a later entry replaces an
  // earlier one in its place.
  std::vector<std::string> order;
  std::map<std::string, Value> mounts;
  for (const std::string& line : in.Lines(mtab)) {
    std::vector<std::string> w = PySplit(line);
    if (w.size() < 4) continue;
    for (std::string& field : w) field = unescape(field);
    const std::string &device = w[0], &point = w[1], &type = w[2];
    const bool path = StartsWith(device, "/") || StartsWith(device, "\\");
    if ((!path && device.find(":/") == std::string::npos) || type == "none") continue;
    Value m = {{"mount", point}, {"device", device}, {"fstype", type}, {"options", w[3]}};
    if (binds.count(point)) m["options"] = w[3] + ",bind";
    if (auto it = sizes.find(point); it != sizes.end()) m.update(it->second);
    if (!mounts.count(point)) order.push_back(point);
    mounts[point] = m;
  }
  Value list = Value::array();
  for (const std::string& point : order) list.push_back(mounts[point]);
  (*facts)["mounts"] = list;
}

}  // namespace hostprep
