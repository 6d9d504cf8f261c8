#include "modules/containerd_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "engine/base/text.h"
#include "engine/base/unified_diff.h"
#include "engine/template/templar.h"
#include "modules/containerd_toml.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

constexpr unsigned kDefaultMode = 0640;

ArgSpec ContainerdConfigSpec() {
  ArgSpec spec;
  spec.name = "containerd_config";
  spec.summary = "set keys in containerd's config.toml and write registry mirror hosts.toml files";
  spec.description =
      "Edits /etc/containerd/config.toml in place: only the keys given are set, every other "
      "table and key stays. A missing file is created with `version = N` and those keys. The "
      "key names follow the config version: version 2 (containerd 1.x) uses "
      "[plugins.\"io.containerd.grpc.v1.cri\"] sandbox_image, "
      ".containerd.runtimes.runc.options.SystemdCgroup and .registry.config_path; version 3 "
      "(containerd 2.x) uses [plugins.\"io.containerd.cri.v1.runtime\"]"
      ".containerd.runtimes.runc.options.SystemdCgroup, "
      "[plugins.\"io.containerd.cri.v1.images\"].pinned_images.sandbox and "
      ".registry.config_path. Without `version` the installed containerd is asked "
      "(`containerd --version`); when it is not installed, 3.\n\n"
      "Each entry of `registry_mirrors` becomes <config_path>/<registry>/hosts.toml, written "
      "whole: `server` and one [host.\"...\"] table per mirror, in the order given (containerd "
      "tries them in that order).\n\n"
      "The file is written only when the parsed TOML differs from what is asked: a file that "
      "already holds the values, however it is formatted, is left alone. Any other key can be "
      "set with `settings`, a nested mapping merged into the document.";
  spec.args = {
      {"path",
       ArgType::kString,
       false,
       "/etc/containerd/config.toml",
       {},
       {"dest"},
       "The config file to edit."},
      {"version",
       ArgType::kInt,
       false,
       nullptr,
       {"2", "3"},
       {},
       "The config layout: 2 (containerd 1.x) or 3 (containerd 2.x). Default: from "
       "`containerd --version` on the host, 3 when containerd is not installed."},
      {"systemd_cgroup",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {},
       "SystemdCgroup of the runc runtime: true when the kubelet uses the systemd cgroup "
       "driver."},
      {"sandbox_image",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The pause image: sandbox_image (version 2) or pinned_images.sandbox (version 3)."},
      {"config_path",
       ArgType::kString,
       false,
       "/etc/containerd/certs.d",
       {},
       {},
       "The registry host directory (registry.config_path), where the hosts.toml files go."},
      {"registry_mirrors",
       ArgType::kRaw,
       false,
       nullptr,
       {},
       {},
       "A list of {registry, server, mirrors}: `registry` names the directory (docker.io, "
       "registry.k8s.io, _default), `server` the upstream (default https://registry-1.docker.io "
       "for docker.io, else https://REGISTRY; none for _default), `mirrors` a list of {host, "
       "capabilities (default [pull, resolve]), skip_verify, ca, override_path}."},
      {"settings",
       ArgType::kMap,
       false,
       nullptr,
       {},
       {},
       "Any other keys, as a nested mapping merged into the document: "
       "{plugins: {\"io.containerd.grpc.v1.cri\": {enable_unprivileged_ports: true}}}. Keys "
       "are never split on dots; a null value removes the key. The named arguments are set "
       "after it."},
      {"mode",
       ArgType::kMode,
       false,
       "0640",
       {},
       {},
       "Permission bits of config.toml and of each hosts.toml (default '0640', as Kubespray)."},
  };
  spec.examples =
      "- name: containerd config\n"
      "  containerd_config:\n"
      "    systemd_cgroup: true\n"
      "    sandbox_image: registry.k8s.io/pause:3.10\n"
      "    registry_mirrors:\n"
      "      - registry: docker.io\n"
      "        mirrors:\n"
      "          - {host: 'https://harbor.internal', capabilities: [pull, resolve],\n"
      "             ca: /etc/ssl/certs/internal-ca.pem}\n"
      "    settings:\n"
      "      plugins:\n"
      "        io.containerd.grpc.v1.cri: {enable_unprivileged_ports: true}\n"
      "  notify: restart containerd\n";
  spec.notes =
      "Not an Ansible module: Kubespray templates the whole file; this edits only the keys "
      "given and keeps the rest. Rewriting the file drops its comments and layout (toml++ "
      "does not keep them); it is only rewritten when a value changes. A file whose `version` "
      "differs from the one used is refused (run `containerd config migrate`, or remove it). "
      "A file that is not valid TOML is refused, never overwritten. hosts.toml files are owned "
      "by this module and written whole; registries not listed are left alone. A symlink at "
      "any of the paths is refused. With systemd_cgroup, the runc runtime's runtime_type is "
      "set to io.containerd.runc.v2 when the file has none: a runc table holding only options "
      "replaces containerd's default one and would leave runtime_type empty. A file without "
      "`version` gets one. Check mode reports exactly what a run would change.";
  return spec;
}

struct Mirror {
  std::string host;
  std::vector<std::string> capabilities = {"pull", "resolve"};
  std::optional<bool> skip_verify;
  std::string ca;
  std::optional<bool> override_path;
};

struct Registry {
  std::string name;
  std::optional<std::string> server;
  std::vector<Mirror> mirrors;
};

bool Pending(const Value& v) { return v.is_string() && IsTemplate(v.get<std::string>()); }

std::string HostsPath(const Value& args, const std::string& registry) {
  std::string dir = StringArg(args, "config_path");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/" + registry + "/hosts.toml";
}

// Reads `registry_mirrors`, appending what is wrong with it to `problems`.
// With `pending`, template strings are accepted anywhere and skipped.
class RegistryReader {
 public:
  RegistryReader(bool pending, std::vector<std::string>* problems)
      : pending_(pending), problems_(problems) {}

  std::vector<Registry> Read(const Value& list) {
    std::vector<Registry> out;
    if (pending_ && Pending(list)) return out;
    if (!list.is_array()) {
      Problem("registry_mirrors", "must be a list of {registry, server, mirrors} mappings");
      return out;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = fmt::format("registry_mirrors[{}]", i);
      std::optional<Registry> r = ReadRegistry(list[i], where);
      if (!r) continue;
      for (const Registry& seen : out) {
        if (seen.name == r->name) Problem(where, "registry '" + r->name + "' is listed twice");
      }
      out.push_back(std::move(*r));
    }
    return out;
  }

 private:
  void Problem(const std::string& where, const std::string& what) {
    problems_->push_back(where + ": " + what);
  }

  bool Mapping(const Value& v, const std::string& where, const std::vector<std::string>& keys) {
    if (!v.is_object()) {
      Problem(where, fmt::format("must be a mapping with {}", fmt::join(keys, ", ")));
      return false;
    }
    for (const auto& [key, value] : v.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        Problem(where, fmt::format("unknown key '{}'{}", key, DidYouMeanSuffix(key, keys)));
      }
    }
    return true;
  }

  std::optional<std::string> String(const Value& v, const char* key, const std::string& where) {
    if (!v.contains(key) || (pending_ && Pending(v[key]))) return std::nullopt;
    if (!v[key].is_string()) {
      Problem(where, fmt::format("'{}' must be a string", key));
      return std::nullopt;
    }
    return v[key].get<std::string>();
  }

  std::optional<bool> Bool(const Value& v, const char* key, const std::string& where) {
    if (!v.contains(key) || (pending_ && Pending(v[key]))) return std::nullopt;
    if (!v[key].is_boolean()) {
      Problem(where, fmt::format("'{}' must be true or false", key));
      return std::nullopt;
    }
    return v[key].get<bool>();
  }

  // The registry names a directory under config_path: a host name with an
  // optional port (IPv6 in brackets), or `_default`, and nothing that could
  // climb out of the directory or start a second line.
  static std::string RegistryNameProblem(const std::string& name) {
    if (name.empty()) return "is empty";
    if (name == "." || name == "..") return "is a path";
    if (name.front() == '-') return "starts with '-'";
    for (char c : name) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (!(std::isalnum(u) || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' ||
            c == ']')) {
        return c == '/' ? "is a path" : fmt::format("holds {}", Escaped(std::string(1, c)));
      }
    }
    return "";
  }

  // A mirror's URL: no blank, quote or control character can be part of one.
  static std::string UrlProblem(const std::string& url) {
    for (char c : url) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u <= ' ' || u == 0x7f || c == '"' || c == '\\') {
        return fmt::format("holds {}", Escaped(std::string(1, c)));
      }
    }
    return "";
  }

  std::optional<Registry> ReadRegistry(const Value& v, const std::string& where) {
    if (!Mapping(v, where, {"registry", "server", "mirrors"})) return std::nullopt;
    Registry r;
    std::optional<std::string> name = String(v, "registry", where);
    if (!v.contains("registry")) {
      Problem(where, "'registry' is required (docker.io, registry.k8s.io, _default, ...)");
    }
    if (!name) return std::nullopt;
    if (std::string why = RegistryNameProblem(*name); !why.empty()) {
      Problem(where, fmt::format("registry {} must be a registry host name (registry.k8s.io, "
                                 "harbor.internal:5000 or _default): it {}",
                                 Escaped(*name), why));
      return std::nullopt;
    }
    r.name = *name;
    r.server = String(v, "server", where);
    if (!v.contains("mirrors") || (pending_ && Pending(v["mirrors"]))) return r;
    if (!v["mirrors"].is_array()) {
      Problem(where, "'mirrors' must be a list of {host, capabilities, ...} mappings");
      return r;
    }
    for (size_t i = 0; i < v["mirrors"].size(); ++i) {
      const std::string at = fmt::format("{}.mirrors[{}]", where, i);
      std::optional<Mirror> m = ReadMirror(v["mirrors"][i], at);
      if (m) r.mirrors.push_back(std::move(*m));
    }
    return r;
  }

  std::optional<Mirror> ReadMirror(const Value& v, const std::string& where) {
    if (!Mapping(v, where, {"host", "capabilities", "skip_verify", "ca", "override_path"})) {
      return std::nullopt;
    }
    Mirror m;
    std::optional<std::string> host = String(v, "host", where);
    if (!v.contains("host")) Problem(where, "'host' is required (https://mirror.example.com)");
    if (!host) return std::nullopt;
    if (std::string why = UrlProblem(*host); !why.empty()) {
      Problem(where, fmt::format("host {} is not a URL: it {}", Escaped(*host), why));
      return std::nullopt;
    }
    m.host = *host;
    m.skip_verify = Bool(v, "skip_verify", where);
    m.override_path = Bool(v, "override_path", where);
    m.ca = String(v, "ca", where).value_or("");
    if (v.contains("capabilities") && !(pending_ && Pending(v["capabilities"]))) {
      m.capabilities.clear();
      const Value& caps = v["capabilities"];
      for (const Value& c : caps.is_array() ? caps : Value::array({caps})) {
        const bool known = c == "pull" || c == "resolve" || c == "push";
        if (!known && !(pending_ && Pending(c))) {
          Problem(where, fmt::format("capability {} is not one of pull, resolve, push", c.dump()));
        } else if (c.is_string()) {
          m.capabilities.push_back(c.get<std::string>());
        }
      }
    }
    return m;
  }

  bool pending_;
  std::vector<std::string>* problems_;
};

std::vector<Registry> Registries(const Value& args) {
  std::vector<std::string> ignored;  // Validate reported them
  if (!args.contains("registry_mirrors")) return {};
  return RegistryReader(false, &ignored).Read(args["registry_mirrors"]);
}

std::string DefaultServer(const std::string& registry) {
  if (registry == "docker.io") return "https://registry-1.docker.io";
  return "https://" + registry;
}

// hosts.toml in the layout containerd documents (docs/hosts.md), host tables
// in the order given: containerd tries them in file order.
std::string HostsToml(const Registry& r) {
  std::string out = "# Written by hostprep (containerd_config): edits here are overwritten.\n";
  const std::string server =
      r.server.value_or(r.name == "_default" ? std::string() : DefaultServer(r.name));
  if (!server.empty()) out += "server = " + TomlString(server) + "\n";
  for (const Mirror& m : r.mirrors) {
    out += "\n[host." + TomlString(m.host) + "]\n";
    std::vector<std::string> caps;
    for (const std::string& c : m.capabilities) caps.push_back(TomlString(c));
    out += fmt::format("  capabilities = [{}]\n", fmt::join(caps, ", "));
    if (m.skip_verify) out += fmt::format("  skip_verify = {}\n", *m.skip_verify);
    if (!m.ca.empty()) out += "  ca = " + TomlString(m.ca) + "\n";
    if (m.override_path) out += fmt::format("  override_path = {}\n", *m.override_path);
  }
  return out;
}

using Keys = std::vector<std::string>;

// The keys the named arguments set, per config version.
struct KeyPaths {
  Keys systemd_cgroup;
  Keys sandbox_image;
  Keys config_path;
};

KeyPaths PathsFor(int version) {
  if (version == 2) {
    const std::string cri = "io.containerd.grpc.v1.cri";
    return {{"plugins", cri, "containerd", "runtimes", "runc", "options", "SystemdCgroup"},
            {"plugins", cri, "sandbox_image"},
            {"plugins", cri, "registry", "config_path"}};
  }
  return {{"plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc", "options",
           "SystemdCgroup"},
          {"plugins", "io.containerd.cri.v1.images", "pinned_images", "sandbox"},
          {"plugins", "io.containerd.cri.v1.images", "registry", "config_path"}};
}

// The document after the edit, from `before` (empty for a new file).
Result<toml::table> EditConfig(const toml::table& before, const Value& args, int version,
                               const std::string& path) {
  toml::table after = before;
  if (const toml::node* v = before.get("version")) {
    const std::optional<int64_t> have = v->value<int64_t>();
    if (!have || *have != version) {
      return Status::Error(
          fmt::format("{} has version = {} but version {} is used: migrate it (containerd config "
                      "migrate), remove it, or set the version argument to match",
                      path,
                      have             ? std::to_string(*have)
                      : v->is_string() ? TomlString(*v->value<std::string>())
                                       : std::string("(not an integer)"),
                      version));
    }
  } else {
    after.insert("version", version);
  }
  if (args.contains("settings")) {
    Status s = MergeTomlSettings(&after, args["settings"]);
    if (!s.ok()) return s.WithContext("argument 'settings'");
  }
  const KeyPaths keys = PathsFor(version);
  std::vector<std::pair<const Keys*, const char*>> named = {
      {&keys.systemd_cgroup, "systemd_cgroup"},
      {&keys.sandbox_image, "sandbox_image"},
      {&keys.config_path, "config_path"}};
  for (const auto& [where, arg] : named) {
    if (!args.contains(arg)) continue;
    Status s = SetTomlValue(&after, *where, args[arg]);
    if (!s.ok()) return s.WithContext(fmt::format("argument '{}'", arg));
  }
  // A runc table holding only options replaces containerd's default one
  // whole, leaving runtime_type empty (seen with `containerd config dump`).
  if (args.contains("systemd_cgroup")) {
    Keys runtime_type(keys.systemd_cgroup.begin(), keys.systemd_cgroup.end() - 2);
    runtime_type.push_back("runtime_type");
    if (FindToml(after, runtime_type) == nullptr) {
      Status s = SetTomlValue(&after, runtime_type, "io.containerd.runc.v2");
      if (!s.ok()) return s.WithContext("argument 'systemd_cgroup'");
    }
  }
  return after;
}

// What the plan builds up over the files.
struct Output {
  std::vector<Action> actions;
  std::string diff;
  Value written = Value::array();
};

struct FileState {
  const std::string& path;
  const FileInfo& stat;
  const FileInfo& dir;
  const std::string& before;
};

// Adds the actions making `f.path` hold `after` with `mode`; `same` says the
// content already matches (semantically for config.toml).
void PlanFile(const FileState& f, const std::string& after, bool same, unsigned mode, Output* out) {
  Action write;
  write.kind = Action::Kind::kWriteFile;
  write.path = f.path;
  write.content = after;
  write.mode = mode;
  const std::string labels_before = "before: " + f.path;
  const std::string labels_after = "after: " + f.path;
  if (!f.stat.exists()) {
    if (!f.dir.exists()) {
      Action mkdir;
      mkdir.kind = Action::Kind::kMakeDirectory;
      mkdir.path = Parent(f.path);
      out->actions.push_back(mkdir);
    }
    out->actions.push_back(write);
    out->diff += UnifiedDiff("", after, labels_before, labels_after);
    out->diff += "mode: " + FormatMode(mode) + "\n";
  } else if (!same) {
    out->actions.push_back(write);
    out->diff += UnifiedDiff(f.before, after, labels_before, labels_after);
    if (f.stat.mode != mode) {
      out->diff += "mode: " + FormatMode(f.stat.mode) + " -> " + FormatMode(mode) + "\n";
    }
  } else if (f.stat.mode != mode) {
    Action attrs;
    attrs.kind = Action::Kind::kSetAttributes;
    attrs.path = f.path;
    attrs.mode = mode;
    out->actions.push_back(attrs);
    out->diff += fmt::format("--- {}\n+++ {}\nmode: {} -> {}\n", labels_before, labels_after,
                             FormatMode(f.stat.mode), FormatMode(mode));
  } else {
    return;
  }
  out->written.push_back(f.path);
}

Status CheckWritable(const std::string& path, const FileInfo& stat) {
  switch (stat.type) {
    case FileType::kMissing:
    case FileType::kFile:
      return Status::Ok();
    case FileType::kSymlink:
      return Status::Error(
          fmt::format("{} is a symlink: give the path of the file it points to instead", path));
    case FileType::kDirectory:
      return Status::Error(fmt::format("cannot write {}: it is a directory", path));
    case FileType::kOther:
      return Status::Error(fmt::format("cannot write {}: it is a special file", path));
  }
  return Status::Ok();
}

// The first failed read, if any.
Status ReadsOk(const std::vector<ReadResult>& reads) {
  for (const ReadResult& r : reads) {
    if (!r.status.ok()) return r.status;
  }
  return Status::Ok();
}

struct Version {
  int number = 3;
  std::string source;
};

Result<Version> VersionFrom(const Value& args, const ReadResult& query) {
  if (args.contains("version")) return Version{args["version"].get<int>(), "argument"};
  if (query.exec.exit_code == 127) return Version{3, "containerd is not installed"};
  if (query.exec.exit_code != 0) {
    return Status::Error(fmt::format(
        "containerd --version failed (exit {}): {} (set the version argument to 2 or 3)",
        query.exec.exit_code, Trim(query.exec.stderr_data)));
  }
  Result<int> v = ConfigVersionForContainerd(query.exec.stdout_data);
  if (!v.ok()) return v.status();
  return Version{*v, Trim(query.exec.stdout_data)};
}

}  // namespace

Result<int> ConfigVersionForContainerd(const std::string& version_output) {
  std::vector<std::string> words;
  for (const std::string& w : Split(Trim(version_output), ' ')) {
    if (!Trim(w).empty()) words.push_back(Trim(w));
  }
  // "containerd <package> <version> [<revision>]"
  std::string version = words.size() >= 3 && words[0] == "containerd" ? words[2] : "";
  if (StartsWith(version, "v")) version.erase(0, 1);
  const size_t digits = version.find_first_not_of("0123456789");
  if (version.empty() || digits == 0 || digits > 4 || digits == std::string::npos ||
      version[digits] != '.') {
    return Status::Error(fmt::format(
        "cannot read the containerd version from '{}' (set the version argument to 2 or 3)",
        Trim(version_output)));
  }
  const int major = std::stoi(version.substr(0, digits));
  return major <= 1 ? 2 : 3;
}

ContainerdConfigModule::ContainerdConfigModule() : spec_(ContainerdConfigSpec()) {}

void ContainerdConfigModule::Validate(const Value& args, bool templates_pending,
                                      std::vector<ArgError>* errors) const {
  for (const char* key : {"path", "config_path"}) {
    if (!args.contains(key) || Pending(args[key])) continue;
    if (!StartsWith(StringArg(args, key), "/")) {
      errors->push_back({key, fmt::format("argument '{}' must be an absolute path, not {}", key,
                                          Quoted(StringArg(args, key)))});
    }
  }
  if (args.contains("settings") && args["settings"].is_object() &&
      args["settings"].contains("version")) {
    errors->push_back(
        {"settings", "argument 'settings' cannot set 'version': use the version argument"});
  }
  if (args.contains("registry_mirrors")) {
    std::vector<std::string> problems;
    RegistryReader(templates_pending, &problems).Read(args["registry_mirrors"]);
    for (std::string& p : problems) errors->push_back({"registry_mirrors", std::move(p)});
  }
}

std::vector<Read> ContainerdConfigModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string path = StringArg(args, "path");
  std::vector<Read> reads = {Read::Stat(path), Read::File(path), Read::Stat(Parent(path))};
  for (const Registry& r : Registries(args)) {
    const std::string hosts = HostsPath(args, r.name);
    reads.push_back(Read::Stat(hosts));
    reads.push_back(Read::File(hosts));
    reads.push_back(Read::Stat(Parent(hosts)));
  }
  if (!args.contains("version")) reads.push_back(Read::Query({"containerd", "--version"}));
  return reads;
}

Result<Change> ContainerdConfigModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                            const Value& facts) const {
  const size_t probed = Probe(args, facts).size();
  if (reads.size() < probed) {
    return Status::Error(
        fmt::format("internal error: containerd_config got {} reads for {}", reads.size(), probed));
  }
  Status ok = ReadsOk(reads);
  if (!ok.ok()) return ok;
  Result<Version> version = VersionFrom(args, reads[probed - 1]);
  if (!version.ok()) return version.status();

  const std::string path = StringArg(args, "path");
  // A default is not converted by NormalizeArgs: it may still be "0640".
  unsigned mode = kDefaultMode;
  std::string mode_error;
  if (args.contains("mode") && !ParseMode(args["mode"], &mode, &mode_error)) {
    return Status::Error("argument 'mode': " + mode_error);
  }
  Status writable = CheckWritable(path, reads[0].stat);
  if (!writable.ok()) return writable;
  const std::optional<std::string>& old = reads[1].content;
  toml::table before;
  if (old) {
    Result<toml::table> parsed = ParseToml(*old, path);
    if (!parsed.ok()) return parsed.status();
    before = std::move(*parsed);
  }
  Result<toml::table> after = EditConfig(before, args, version->number, path);
  if (!after.ok()) return after.status();
  const bool same = old.has_value() && *after == before;
  const std::string before_text = old.value_or("");
  Output out;
  PlanFile({path, reads[0].stat, reads[2].stat, before_text},
           same ? before_text : FormatToml(*after), same, mode, &out);

  Value hosts_files = Value::array();
  const std::vector<Registry> registries = Registries(args);
  for (size_t i = 0; i < registries.size(); ++i) {
    const std::string hosts = HostsPath(args, registries[i].name);
    const ReadResult& stat = reads[3 + 3 * i];
    Status w = CheckWritable(hosts, stat.stat);
    if (!w.ok()) return w;
    const std::string text = HostsToml(registries[i]);
    const std::string have = reads[4 + 3 * i].content.value_or("");
    PlanFile({hosts, stat.stat, reads[5 + 3 * i].stat, have}, text, have == text, mode, &out);
    hosts_files.push_back(hosts);
  }

  Change change;
  change.changed = !out.actions.empty();
  change.actions = std::move(out.actions);
  change.diff = std::move(out.diff);
  if (change.changed) {
    std::vector<std::string> names;
    for (const Value& f : out.written) names.push_back(f.get<std::string>());
    change.message = fmt::format("would write {}", fmt::join(names, ", "));
  }
  change.result = {{"path", path},
                   {"version", version->number},
                   {"version_source", version->source},
                   {"hosts_files", hosts_files},
                   {"files", out.written}};
  return change;
}

Resources ContainerdConfigModule::Declare(const Value& args) const {
  Resources r;
  r.provides.push_back("config:containerd");
  r.needs.push_back("pkg:containerd");
  if (args.contains("path") && !Pending(args["path"])) {
    r.needs.push_back("path:" + StringArg(args, "path"));
  }
  if (args.contains("config_path") && Pending(args["config_path"])) return r;
  std::vector<std::string> ignored;
  if (!args.contains("registry_mirrors")) return r;
  for (const Registry& reg : RegistryReader(true, &ignored).Read(args["registry_mirrors"])) {
    r.needs.push_back("path:" + HostsPath(args, reg.name));
  }
  return r;
}

}  // namespace hostprep::modules
