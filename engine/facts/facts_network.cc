// The network facts as Ansible 2.14's LinuxNetwork makes them: the
// interfaces of /sys/class/net with what their sysfs files say, their
// addresses as `ip addr show primary|secondary dev X` list them (here one
// `ip addr show` for all, split by device and flag), and default_ipv4 and
// default_ipv6 from `ip route get` to Ansible's two fixed destinations.
// Without ip, Ansible gathers no network facts at all, and neither does
// this.
#include <algorithm>
#include <map>

#include "engine/base/text.h"
#include "engine/facts/facts_input.h"

namespace hostprep {

namespace {

constexpr char kTarget4[] = "8.8.8.8";
constexpr char kTarget6[] = "2404:6800:400a:800::1012";

// A dotted quad as inet_aton reads the plain form, or nullopt.
std::optional<uint32_t> Ipv4(const std::string& s) {
  const std::vector<std::string> parts = Split(s, '.');
  if (parts.size() != 4) return std::nullopt;
  uint32_t v = 0;
  for (const std::string& p : parts) {
    const long long octet = ToInt(p);
    if (octet < 0 || octet > 255) return std::nullopt;
    v = v << 8 | static_cast<uint32_t>(octet);
  }
  return v;
}

std::string Dotted(uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string(v >> 16 & 255) + "." +
         std::to_string(v >> 8 & 255) + "." + std::to_string(v & 255);
}

// One device's lines of `ip addr show`, by device name (before any @).
std::map<std::string, std::vector<std::string>> AddressBlocks(const std::vector<std::string>& net) {
  std::map<std::string, std::vector<std::string>> blocks;
  std::vector<std::string>* current = nullptr;
  for (const std::string& line : net) {
    const std::vector<std::string> w = PySplit(line);
    if (w.size() >= 2 && !line.empty() && line[0] != ' ' && EndsWith(w[0], ":") &&
        IsDigits(w[0].substr(0, w[0].size() - 1))) {
      std::string name = w[1].substr(0, w[1].size() - 1);
      name = name.substr(0, name.find('@'));
      current = &blocks[name];
      continue;
    }
    if (current != nullptr) current->push_back(line);
  }
  return blocks;
}

// `ip route get` to Ansible's destination: interface, address, gateway.
Value DefaultRoute(const std::vector<std::string>& net, const std::string& target) {
  Value d = Value::object();
  for (const std::string& line : net) {
    const std::vector<std::string> w = PySplit(line);
    if (w.empty() || w[0] != target) continue;
    for (size_t i = 0; i + 1 < w.size(); ++i) {
      if (w[i] == "dev") d["interface"] = w[i + 1];
      if (w[i] == "src") d["address"] = w[i + 1];
      if (w[i] == "via" && w[i + 1] != target) d["gateway"] = w[i + 1];
    }
    break;
  }
  return d;
}

struct Network {
  Value interfaces = Value::object();  // by name, in order
  Value v4, v6;
  Value all4 = Value::array(), all6 = Value::array();
};

// Where an interface's address lines go, as Ansible's parse_ip_output
// puts them: `device` the interface asked about, `macaddress` what its
// sysfs address file held.
struct IpContext {
  const std::string& device;
  const std::string& macaddress;
  bool secondary;
};

// "inet ADDRESS[/PREFIX] [brd BROADCAST] ... LABEL".
void AddIpv4(const std::vector<std::string>& w, const IpContext& at, Network* n) {
  std::string address = w[1], length = "32", broadcast;
  const size_t slash = w[1].find('/');
  if (slash != std::string::npos) {
    address = w[1].substr(0, slash);
    length = w[1].substr(slash + 1);
    if (w.size() > 3 && w[2] == "brd") broadcast = w[3];
  }
  const std::optional<uint32_t> bin = Ipv4(address);
  const long long bits = ToInt(length);
  if (!bin || bits < 0 || bits > 32) return;
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  const Value entry = {{"address", address},
                       {"broadcast", broadcast},
                       {"netmask", Dotted(mask)},
                       {"network", Dotted(*bin & mask)},
                       {"prefix", length}};
  Value& ifs = n->interfaces;
  const std::string& device = at.device;
  const std::string iface = w.back();  // the label: the device, or an alias
  if (iface != device) ifs[iface] = Value::object();
  if (!at.secondary && !ifs[iface].contains("ipv4")) {
    ifs[iface]["ipv4"] = entry;
  } else {
    if (!ifs[iface].contains("ipv4_secondaries")) ifs[iface]["ipv4_secondaries"] = Value::array();
    ifs[iface]["ipv4_secondaries"].push_back(entry);
  }
  if (at.secondary) {
    if (!ifs[device].contains("ipv4_secondaries")) ifs[device]["ipv4_secondaries"] = Value::array();
    if (device != iface) ifs[device]["ipv4_secondaries"].push_back(entry);
  }
  if (n->v4.value("address", "\x01") == address) {
    for (const char* key : {"broadcast", "netmask", "network", "prefix"}) n->v4[key] = entry[key];
    n->v4["macaddress"] = at.macaddress;
    if (ifs[device].contains("mtu")) n->v4["mtu"] = ifs[device]["mtu"];
    n->v4["type"] = ifs[device].value("type", "unknown");
    n->v4["alias"] = iface;
  }
  if (!StartsWith(address, "127.")) n->all4.push_back(address);
}

// "inet6 ADDRESS/PREFIX scope SCOPE" or "inet6 ADDRESS peer PEER/PREFIX scope SCOPE".
void AddIpv6(const std::vector<std::string>& w, const IpContext& at, Network* n) {
  std::string address, prefix, scope;
  if (w[2] == "peer") {
    if (w.size() < 6 || w[3].find('/') == std::string::npos) return;
    address = w[1];
    prefix = w[3].substr(w[3].find('/') + 1);
    scope = w[5];
  } else {
    const size_t slash = w[1].find('/');
    if (slash == std::string::npos) return;
    address = w[1].substr(0, slash);
    prefix = w[1].substr(slash + 1);
    scope = w[3];
  }
  Value& dev = n->interfaces[at.device];
  if (!dev.contains("ipv6")) dev["ipv6"] = Value::array();
  dev["ipv6"].push_back({{"address", address}, {"prefix", prefix}, {"scope", scope}});
  if (n->v6.value("address", "\x01") == address) {
    n->v6["prefix"] = prefix;
    n->v6["scope"] = scope;
    n->v6["macaddress"] = at.macaddress;
    if (dev.contains("mtu")) n->v6["mtu"] = dev["mtu"];
    n->v6["type"] = dev.value("type", "unknown");
  }
  if (address != "::1") n->all6.push_back(address);
}

void ParseIpLines(const std::vector<std::string>& lines, const IpContext& at, Network* n) {
  for (const std::string& line : lines) {
    const std::vector<std::string> w = PySplit(line);
    if (w.size() >= 2 && w[0] == "inet") AddIpv4(w, at, n);
    if (w.size() >= 4 && w[0] == "inet6") AddIpv6(w, at, n);
  }
}

// A bridge's ports, id and STP, or a bond's slaves and modes; true for a
// bond with a primary (see SysfsInterface).
bool AddBridgeOrBond(const FactsInput& in, const std::string& dev, Value* i) {
  const std::string path = "/sys/class/net/" + dev + "/";
  auto content = [&](const std::string& file) { return in.Content(path + file); };
  auto has = [&](const std::string& file) { return in.HasFile(path + file); };
  auto first = [](const std::string& s) {
    const std::vector<std::string> w = PySplit(s);
    return w.empty() ? std::string() : w[0];
  };
  bool primary_set = false;
  for (const std::string& b : in.All("bridge")) {
    if (b != dev) continue;
    (*i)["type"] = "bridge";
    (*i)["interfaces"] = Value::array();
    for (const std::string& port : in.All("bridge_port")) {
      if (StartsWith(port, dev + " ")) (*i)["interfaces"].push_back(port.substr(dev.size() + 1));
    }
    if (has("bridge/bridge_id")) (*i)["id"] = content("bridge/bridge_id");
    if (has("bridge/stp_state")) (*i)["stp"] = content("bridge/stp_state") == "1";
  }
  for (const std::string& b : in.All("bonding")) {
    if (b != dev) continue;
    (*i)["type"] = "bonding";
    (*i)["slaves"] = Value(PySplit(content("bonding/slaves")));
    (*i)["mode"] = first(content("bonding/mode"));
    (*i)["miimon"] = first(content("bonding/miimon"));
    (*i)["lacp_rate"] = first(content("bonding/lacp_rate"));
    const std::string primary = content("bonding/primary");
    if (!primary.empty()) {
      (*i)["primary"] = primary;
      if (has("bonding/all_slaves_active"))
        (*i)["all_slaves_active"] = content("bonding/all_slaves_active") == "1";
      primary_set = true;
    }
  }
  return primary_set;
}

// What the sysfs files of one interface say.
Value SysfsInterface(const FactsInput& in, const std::string& dev, std::string* macaddress) {
  static const std::map<std::string, std::string> kTypes = {{"1", "ether"},
                                                            {"32", "infiniband"},
                                                            {"512", "ppp"},
                                                            {"772", "loopback"},
                                                            {"65534", "tunnel"}};
  const std::string path = "/sys/class/net/" + dev + "/";
  auto content = [&](const std::string& file) { return in.Content(path + file); };
  auto has = [&](const std::string& file) { return in.HasFile(path + file); };
  Value i = {{"device", dev}};
  *macaddress = content("address");
  if (!macaddress->empty() && *macaddress != "00:00:00:00:00:00") i["macaddress"] = *macaddress;
  if (ToInt(content("mtu")) >= 0) i["mtu"] = ToInt(content("mtu"));
  if (has("operstate")) i["active"] = content("operstate") != "down";
  for (const std::string& m : in.All("module")) {
    if (StartsWith(m, dev + " ")) i["module"] = m.substr(dev.size() + 1);
  }
  if (has("type")) {
    auto t = kTypes.find(content("type"));
    i["type"] = t == kTypes.end() ? "unknown" : t->second;
  }
  // (sic: with a bond's primary set, Ansible's path points into bonding/
  // from here on, and it finds none of the files below)
  if (AddBridgeOrBond(in, dev, &i)) return i;
  for (const std::string& s : in.All("bonding_slave")) {
    if (s == dev) i["perm_macaddress"] = content("bonding_slave/perm_hwaddr");
  }
  for (const std::string& p : in.All("pciid")) {
    if (StartsWith(p, dev + " ")) i["pciid"] = p.substr(dev.size() + 1);
  }
  if (ToInt(content("speed")) >= 0) i["speed"] = ToInt(content("speed"));
  const std::string flags = content("flags");
  if (StartsWith(flags, "0x") && flags.size() > 2 && flags.size() <= 18 &&
      flags.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos) {
    i["promisc"] = (std::stoull(flags.substr(2), nullptr, 16) & 0x100) != 0;
  }
  return i;
}

}  // namespace

void AddNetworkFacts(const FactsInput& in, Value* facts) {
  if (!in.ran_ip()) return;
  Network n;
  n.v4 = DefaultRoute(in.net(), kTarget4);
  n.v6 = DefaultRoute(in.net(), kTarget6);
  const std::map<std::string, std::vector<std::string>> blocks = AddressBlocks(in.net());
  std::vector<std::string> devices = in.All("interface");
  std::sort(devices.begin(), devices.end());
  devices.erase(std::unique(devices.begin(), devices.end()), devices.end());
  for (const std::string& dev : devices) {
    std::string macaddress;
    n.interfaces[dev] = SysfsInterface(in, dev, &macaddress);
    auto block = blocks.find(dev);
    if (block == blocks.end()) continue;
    std::vector<std::string> primary, secondary;
    for (const std::string& line : block->second) {
      const std::vector<std::string> w = PySplit(line);
      const bool second = std::find(w.begin(), w.end(), "secondary") != w.end() ||
                          std::find(w.begin(), w.end(), "temporary") != w.end();
      (second ? secondary : primary).push_back(line);
    }
    ParseIpLines(primary, {dev, macaddress, false}, &n);
    ParseIpLines(secondary, {dev, macaddress, true}, &n);
  }
  Value& f = *facts;
  Value names = Value::array();
  for (auto& [name, value] : n.interfaces.items()) {
    std::string key = name;
    std::replace(key.begin(), key.end(), ':', '_');
    names.push_back(key);
    // Its fact is named as Ansible's namespace names facts: '-' as '_'
    // ("br-lan" is ansible_br_lan). One named like another fact does not
    // replace it.
    std::replace(key.begin(), key.end(), '-', '_');
    if (!f.contains(key)) f[key] = value;
  }
  f["interfaces"] = names;
  f["default_ipv4"] = n.v4;
  f["default_ipv6"] = n.v6;
  f["all_ipv4_addresses"] = n.all4;
  f["all_ipv6_addresses"] = n.all6;
}

}  // namespace hostprep
