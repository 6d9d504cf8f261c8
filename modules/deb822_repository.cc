#include "modules/deb822_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

constexpr char kKeyringsDir[] = "/etc/apt/keyrings";

ArgSpec Deb822RepositorySpec() {
  ArgSpec spec;
  spec.name = "deb822_repository";
  spec.ansible_names = {"ansible.builtin.deb822_repository", "ansible.legacy.deb822_repository"};
  spec.summary = "Ansible's deb822_repository: write or remove an apt source as NAME.sources";
  spec.description =
      "Ansible's deb822_repository module (Ansible 2.15 and later): writes "
      "/etc/apt/sources.list.d/SLUG.sources, SLUG made of `name` (lower case, blanks and '_' "
      "as '-', other characters dropped), with one field per given argument in the order of "
      "the arguments' names, as Ansible's module writes it: `X-Repolib-Name` for name, "
      "`URIs`, `Signed-By`, `Check-Valid-Until`..., booleans as yes/no, lists joined by "
      "blanks, an inline key as indented continuation lines. changed when the text or the "
      "file's mode (default 0644) differs. `signed_by` is a keyring path on the host, "
      "fingerprints, or an armored key written into the file. state absent removes the file "
      "and /etc/apt/keyrings/SLUG.asc and SLUG.gpg. Registers `repo` (the text), `dest` and "
      "`key_filename` (signed_by when it names a file on the host). As in Ansible it does not "
      "refresh the package lists: run apt with update_cache after it.";
  auto flag = [](const char* name, const char* what) {
    return ArgDef{name, ArgType::kBool, false, nullptr, {}, {}, what};
  };
  auto list = [](const char* name, const char* what) {
    return ArgDef{name, ArgType::kList, false, nullptr, {}, {}, what};
  };
  spec.args = {
      {"name",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "The repository's name: X-Repolib-Name and the file's name."},
      list("types", "deb and/or deb-src (default deb)."),
      list("uris", "The archives' base URIs."),
      list("suites", "Suites (codenames, or an exact path ending in '/')."),
      list("components", "Components of the suites."),
      {"signed_by",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A keyring file on the host, fingerprints, or an armored public key."},
      list("architectures", "Architectures to fetch."),
      list("languages", "Languages of translations to fetch."),
      list("targets", "Download targets."),
      flag("allow_downgrade_to_insecure", "Allow-Downgrade-To-Insecure."),
      flag("allow_insecure", "Allow-Insecure."),
      flag("allow_weak", "Allow-Weak."),
      flag("by_hash", "By-Hash."),
      flag("check_date", "Check-Date."),
      flag("check_valid_until", "Check-Valid-Until."),
      flag("enabled", "Enabled."),
      flag("pdiffs", "PDiffs (written as Ansible writes it: Pdiffs)."),
      flag("trusted", "Trusted."),
      {"date_max_future", ArgType::kInt, false, nullptr, {}, {}, "Date-Max-Future, in seconds."},
      {"inrelease_path", ArgType::kString, false, nullptr, {}, {}, "InRelease-Path."},
      {"mode", ArgType::kMode, false, "0644", {}, {}, "The .sources file's mode."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"absent", "present"},
       {},
       "Whether the source is to be there."},
      {"install_python_debian",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {},
       "Accepted and ignored: hostprep needs no Python on the host."},
  };
  spec.args[1].default_value = Value::array({"deb"});
  spec.examples =
      "- name: the Kubernetes repository\n"
      "  ansible.builtin.deb822_repository:\n"
      "    name: kubernetes\n"
      "    types: deb\n"
      "    uris: https://pkgs.k8s.io/core:/stable:/v1.30/deb/\n"
      "    suites: /\n"
      "    signed_by: /etc/apt/keyrings/kubernetes.gpg\n";
  spec.notes =
      "Where hostprep differs from Ansible on purpose: a `signed_by` URL is refused at "
      "validate time (fetching the key needs the network: put it on the host with copy and "
      "give its path, or give the armored key itself); a value other than signed_by holding "
      "a line break or another control character is refused (Ansible would write it as "
      "continuation lines apt does not expect); a name leaving no file name is refused. "
      "Fields are in the order of the arguments' names, as Ansible 2.16.3 and later write "
      "them (2.15 followed the task's order of arguments, so a re-ordered task changed the "
      "file); a playbook that gives them in that order gets the same file from 2.15. hostprep "
      "shows a diff of the file with --diff (Ansible's module has none).";
  return spec;
}

std::string SourcesPath(const std::string& slug) {
  return fmt::format("/etc/apt/sources.list.d/{}.sources", slug);
}

// Python's str.title() for ASCII: a letter after a non-letter is upper case,
// the others lower.
std::string Title(const std::string& s) {
  std::string out;
  bool after_letter = false;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    const bool letter = std::isalpha(u) != 0;
    out += letter ? static_cast<char>(after_letter ? std::tolower(u) : std::toupper(u)) : c;
    after_letter = letter;
  }
  return out;
}

std::string FieldName(const std::string& arg) {
  if (arg == "name") return "X-Repolib-Name";
  if (arg == "uris") return "URIs";
  std::string dashed = arg;
  for (char& c : dashed) c = c == '_' ? '-' : c;
  return Title(dashed);
}

std::string MultilineField(const std::string& value) {
  std::string out = "\n";
  bool first = true;
  for (const std::string& line : PySplitLines(PyStrip(value))) {
    const std::string stripped = PyStrip(line);
    out += (first ? "" : "\n") + std::string("    ") + (stripped.empty() ? "." : stripped);
    first = false;
  }
  return out;
}

// Python's urlparse(v).scheme is not empty: a letter, then letters, digits,
// '+', '-' or '.', then ':'.
bool HasScheme(const std::string& v) {
  const size_t colon = v.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  if (std::isalpha(static_cast<unsigned char>(v[0])) == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (std::isalnum(c) == 0 && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// Whether `signed_by` may name a file on the host (Ansible's isfile): an
// absolute path of one line.
bool MayBePath(const std::string& v) {
  return StartsWith(v, "/") && v.find('\n') == std::string::npos;
}

}  // namespace

std::string Deb822Slug(const std::string& name) {
  std::string dashed;
  bool run = false;
  for (char c : ToLower(name)) {
    const bool sep = c == '_' || std::isspace(static_cast<unsigned char>(c)) != 0;
    if (sep && !run) dashed += '-';
    if (!sep) dashed += c;
    run = sep;
  }
  std::string slug;
  for (char c : dashed) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') slug += c;
  }
  return slug;
}

std::string Deb822Text(const Value& args) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : args.items()) {
    if (key == "mode" || key == "state" || key == "install_python_debian") continue;
    if (!value.is_null()) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  std::string text;
  for (const std::string& key : keys) {
    const Value& v = args[key];
    std::string value;
    if (v.is_boolean()) {
      value = v.get<bool>() ? "yes" : "no";
    } else if (v.is_number_integer()) {
      value = std::to_string(v.get<long long>());
    } else if (v.is_array()) {
      for (const Value& item : v) {
        value +=
            (value.empty() ? "" : " ") + (item.is_string() ? item.get<std::string>() : item.dump());
      }
    } else if (v.is_string()) {
      value = v.get<std::string>();
    }
    if (value.find('\n') != std::string::npos) value = MultilineField(value);
    text += FieldName(key) + ((value.empty() || value[0] == '\n') ? ":" : ": ") + value + "\n";
  }
  return text;
}

Deb822RepositoryModule::Deb822RepositoryModule() : spec_(Deb822RepositorySpec()) {}

void Deb822RepositoryModule::Validate(const Value& args, bool templates_pending,
                                      std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (ArgReady(args, "name") && Deb822Slug(StringArg(args, "name")).empty()) {
    errors->push_back({"name", fmt::format("name {} leaves no file name (only a-z, 0-9 and '-' "
                                           "are kept): give a name with letters or digits",
                                           Quoted(StringArg(args, "name")))});
  }
  for (const auto& [key, value] : args.items()) {
    if (key == "signed_by" || IsPendingTemplate(value)) continue;
    std::vector<std::string> texts;
    if (value.is_string()) texts.push_back(value.get<std::string>());
    if (value.is_array()) {
      for (const Value& item : value) {
        if (item.is_string()) texts.push_back(item.get<std::string>());
      }
    }
    for (const std::string& text : texts) {
      const std::string problem = LineBreakProblem(text);
      if (problem.empty()) continue;
      errors->push_back({key, fmt::format("{} {} holds {}: it would spill into more lines of the "
                                          ".sources file; give it on one line",
                                          key, Quoted(text), problem)});
    }
  }
  if (ArgReady(args, "types") && args["types"].is_array()) {
    for (const Value& t : args["types"]) {
      if (t.is_string() && (t == "deb" || t == "deb-src")) continue;
      errors->push_back({"types", fmt::format("value of types must be one or more of: deb, "
                                              "deb-src. Got no match for: {}",
                                              t.is_string() ? t.get<std::string>() : t.dump())});
    }
  }
  if (ArgReady(args, "signed_by")) {
    const std::string v = StringArg(args, "signed_by");
    if (HasScheme(v)) {
      errors->push_back(
          {"signed_by", fmt::format("signed_by {} is a URL: fetching the key needs the network, "
                                    "which hostprep does not use here; put the key on the host "
                                    "(copy) and give its path, or give the armored key itself",
                                    Quoted(v))});
    }
    for (const std::string& line : Split(v, '\n')) {
      const std::string problem = LineBreakProblem(line);
      if (problem.empty()) continue;
      errors->push_back({"signed_by", "signed_by holds " + problem +
                                          ": give a path, fingerprints or an armored key"});
      break;
    }
  }
}

std::vector<Read> Deb822RepositoryModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  const std::string slug = Deb822Slug(StringArg(args, "name"));
  std::vector<Read> reads = {Read::Stat(SourcesPath(slug))};
  if (StringArg(args, "state") == "absent") {
    for (const char* ext : {"asc", "gpg"}) {
      reads.push_back(Read::Stat(fmt::format("{}/{}.{}", kKeyringsDir, slug, ext)));
    }
    return reads;
  }
  reads.push_back(Read::File(SourcesPath(slug)));
  const std::string signed_by = StringArg(args, "signed_by");
  if (MayBePath(signed_by)) reads.push_back(Read::Stat(signed_by));
  return reads;
}

Result<Change> Deb822RepositoryModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                            const Value& facts) const {
  (void)facts;
  const std::string slug = Deb822Slug(StringArg(args, "name"));
  const std::string dest = SourcesPath(slug);
  const bool absent = StringArg(args, "state") == "absent";
  const std::string signed_by = StringArg(args, "signed_by");
  const size_t want = absent ? 3 : (MayBePath(signed_by) ? 3 : 2);
  if (reads.size() < want) return Status::Error("internal error: too few deb822_repository reads");
  for (const ReadResult& r : reads) {
    if (!r.status.ok()) return r.status;
  }
  Change change;
  change.result["dest"] = dest;
  if (absent) {
    change.result["repo"] = nullptr;
    change.result["key_filename"] = fmt::format("{}/{}.gpg", kKeyringsDir, slug);
    std::vector<std::string> gone;
    if (reads[0].stat.exists()) gone.push_back(dest);
    if (reads[1].stat.exists()) gone.push_back(fmt::format("{}/{}.asc", kKeyringsDir, slug));
    if (reads[2].stat.exists()) gone.push_back(fmt::format("{}/{}.gpg", kKeyringsDir, slug));
    for (const std::string& path : gone) change.actions.push_back(RemoveAction(path));
    change.changed = !gone.empty();
    if (change.changed) change.message = fmt::format("would remove {}", fmt::join(gone, ", "));
    return change;
  }

  // A signed_by naming a file on the host is written as that path; anything
  // else (fingerprints, an inline key, a path with no file) as given.
  const bool key_file = MayBePath(signed_by) && (reads[2].stat.type == FileType::kFile ||
                                                 reads[2].stat.type == FileType::kSymlink);
  change.result["key_filename"] = key_file ? Value(signed_by) : Value();
  const std::string text = Deb822Text(args);
  change.result["repo"] = text;

  const FileInfo& stat = reads[0].stat;
  const std::optional<std::string>& current = reads[1].content;
  const unsigned mode = args.contains("mode") && args["mode"].is_number_integer()
                            ? args["mode"].get<unsigned>()
                            : 0644;
  const bool write = !stat.exists() || !current || *current != text;
  const bool chmod = stat.exists() && (stat.mode & 07777) != mode;
  change.changed = write || chmod;
  if (!change.changed) return change;
  if (write) {
    Action w = WriteFileAction(dest, text);
    w.mode = mode;
    change.actions.push_back(std::move(w));
    change.diff = FileDiff(dest, current, text);
    change.message = fmt::format("would write {}", dest);
  } else {
    Action attrs;
    attrs.kind = Action::Kind::kSetAttributes;
    attrs.path = dest;
    attrs.mode = mode;
    change.actions.push_back(std::move(attrs));
    change.message = fmt::format("would set {}'s mode to {}", dest, FormatMode(mode));
  }
  return change;
}

}  // namespace hostprep::modules
