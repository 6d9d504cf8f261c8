#include "modules/unarchive.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <cctype>
#include <map>

#include "engine/base/text.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh
#include "modules/unarchive_zip.h"

namespace hostprep::modules {

namespace {

constexpr const char* kCheckModeSkip =
    "remote module (ansible.legacy.unarchive) does not support check mode when using gtar";

ArgSpec UnarchiveSpec() {
  ArgSpec spec;
  spec.name = "unarchive";
  spec.ansible_names = {"ansible.builtin.unarchive", "ansible.legacy.unarchive"};
  spec.summary = "extract a tar or zip archive into a directory";
  spec.description =
      "Ansible's unarchive module for tar archives (.tar, .tar.gz/.tgz, .tar.bz2, .tar.xz, "
      ".tar.zst) and zip archives: `src` is a file on the controller (found as "
      "copy finds it, sent to the "
      "target) or, with `remote_src: true`, a file on the target; `dest` must be an "
      "existing directory. As Ansible's module, it runs `tar --diff` and extracts only "
      "when tar reports a missing file, a different modification time, mode, owner or group "
      "(the last three unless `mode`, `owner` or `group` are given), then sets `owner`, "
      "`group` and `mode` on every file of the archive and its top folders. `creates` skips "
      "the task when the path exists. `exclude`, `include`, `keep_newer` and `extra_opts` "
      "reach tar as Ansible passes them. A zip archive is judged as Ansible's ZipArchive "
      "judges it, from `zipinfo` and each member's type, size, modification time, CRC-32, "
      "mode (`mode`, else the archive's), owner and group (`owner`/`group`, else the "
      "connecting user's) in dest, read in the probe round trip, then extracted with `unzip "
      "-o`; check mode and the diff (Ansible's itemized lines) come from that comparison. "
      "Registers `dest`, `src`, `handler`, "
      "`extract_results` (cmd, rc, out, err) when it extracted, `files` with `list_files`, "
      "and dest's uid, gid, owner, group, mode, state and size.";
  spec.args = {
      {"src",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "The archive: a path on the controller (relative to the role's or playbook's files/), "
       "or on the target with remote_src."},
      {"dest", ArgType::kString, true, nullptr, {}, {}, "The existing directory to extract into."},
      {"remote_src", ArgType::kBool, false, false, {}, {}, "The archive is already on the target."},
      {"copy",
       ArgType::kBool,
       false,
       nullptr,
       {},
       {},
       "Deprecated by Ansible: `copy: false` is `remote_src: true`."},
      {"creates",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A path on the target; when it exists the task is skipped."},
      {"list_files",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Register the archive's members as `files`."},
      {"keep_newer",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Do not replace files newer than the archive's (tar --keep-newer-files)."},
      {"exclude",
       ArgType::kList,
       false,
       Value::array(),
       {},
       {},
       "Members (tar --exclude patterns) not to extract."},
      {"include",
       ArgType::kList,
       false,
       Value::array(),
       {},
       {},
       "Only these members are extracted."},
      {"extra_opts",
       ArgType::kList,
       false,
       Value::array(),
       {},
       {},
       "More tar options, such as --strip-components=1."},
      {"mode", ArgType::kMode, false, nullptr, {}, {}, "The mode of every extracted file."},
      {"owner", ArgType::kString, false, nullptr, {}, {}, "The owner of every extracted file."},
      {"group", ArgType::kString, false, nullptr, {}, {}, "The group of every extracted file."},
      {"decrypt",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Accepted for Ansible's sake; hostprep sends the controller file as it is."},
      {"validate_certs",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Accepted for Ansible's sake (hostprep does not download URLs)."},
      {"io_buffer_size",
       ArgType::kInt,
       false,
       65536,
       {},
       {},
       "Accepted for Ansible's sake (used by its zip checksums)."},
  };
  spec.mutually_exclusive = {{"include", "exclude"}, {"copy", "remote_src"}};
  spec.examples =
      "- name: CNI plugins\n"
      "  ansible.builtin.unarchive:\n"
      "    src: cni-plugins-linux-amd64-v1.4.0.tgz\n"
      "    dest: /opt/cni/bin\n"
      "    owner: root\n"
      "    mode: '0755'\n"
      "- name: helm from the downloaded release\n"
      "  ansible.builtin.unarchive:\n"
      "    src: /tmp/releases/helm-v3.14.0-linux-amd64.tar.gz\n"
      "    dest: /usr/local/bin\n"
      "    remote_src: true\n"
      "    extra_opts: [--strip-components=1]\n"
      "    include: [linux-amd64/helm]\n"
      "    creates: /usr/local/bin/helm\n";
  spec.notes =
      "A zip archive needs unzip (and zipinfo, or unzip -Z) on the host, as Ansible's "
      "module does; without unzip the task fails saying to install it. A zip archive from "
      "the controller is listed there (its central directory; zip64 is refused: copy it to "
      "the host and use remote_src), dest's side is read in one more round trip, and the "
      "archive is sent only when it is to be extracted. Each member's CRC-32 is computed "
      "with gzip on the host. A URL in `src` "
      "is refused (download it first with get_url, then use remote_src). As Ansible's "
      "module with tar, check mode skips the task (\"does not "
      "support check mode when using gtar\"); a `creates` path that exists or a dest that "
      "is not a directory are told in check mode too. With remote_src, an archive already "
      "extracted costs no round trip beyond the probe; a controller archive is sent each "
      "run (as Ansible uploads it) and the target decides. The registered `src` of a "
      "controller archive is the temporary file it was sent to, already removed. SELinux "
      "contexts and `attributes` are not supported.";
  return spec;
}

bool ArchiveOnHost(const Value& args) {
  if (args.contains("copy") && args["copy"].is_boolean()) return !args["copy"].get<bool>();
  return args.value("remote_src", false);
}

std::string ModeArgText(const Value& args) {
  return args.contains("mode") && args["mode"].is_number_integer()
             ? FormatMode(args["mode"].get<unsigned>())
             : "";
}

// Ansible's excludes: its patterns without trailing slashes.
std::vector<std::string> Excludes(const Value& args) {
  std::vector<std::string> out;
  for (std::string e : ListArg(args, "exclude")) {
    while (!e.empty() && e.back() == '/') e.pop_back();
    out.push_back(e);
  }
  return out;
}

// tar's words after `VERB -C DEST` as Ansible's TgzArchive builds them,
// with @ZIP@ for the compression flag and @SRC@ for the archive.
std::vector<std::string> TarWords(const Value& args) {
  std::vector<std::string> w = {"@ZIP@"};
  const std::vector<std::string> extra = ListArg(args, "extra_opts");
  if (!extra.empty()) {
    w.push_back("--show-transformed-names");
    w.insert(w.end(), extra.begin(), extra.end());
  }
  if (!StringArg(args, "owner").empty())
    w.push_back("--owner=" + PyShellQuote(StringArg(args, "owner")));
  if (!StringArg(args, "group").empty())
    w.push_back("--group=" + PyShellQuote(StringArg(args, "group")));
  if (args.value("keep_newer", false)) w.push_back("--keep-newer-files");
  for (const std::string& e : Excludes(args)) w.push_back("--exclude=" + e);
  w.insert(w.end(), {"-f", "@SRC@"});
  const std::vector<std::string> include = ListArg(args, "include");
  w.insert(w.end(), include.begin(), include.end());
  return w;
}

std::vector<std::string> ScriptArgv(const Value& args, const std::string& mode,
                                    const std::string& src) {
  std::vector<std::string> argv = {"/bin/sh",
                                   "-c",
                                   scripts::kUnarchive,
                                   "sh",
                                   mode,
                                   src,
                                   StringArg(args, "dest"),
                                   StringArg(args, "owner").empty() ? "1" : "0",
                                   StringArg(args, "group").empty() ? "1" : "0",
                                   ModeArgText(args),
                                   StringArg(args, "owner"),
                                   StringArg(args, "group")};
  const std::vector<std::string> words = TarWords(args);
  argv.insert(argv.end(), words.begin(), words.end());
  // zipinfo's patterns, as Ansible's ZipArchive.is_unarchived gives them.
  argv.push_back("@ZIPINFO@");
  const std::vector<std::string> exclude = ListArg(args, "exclude");
  if (!exclude.empty()) {
    argv.push_back("-x");
    argv.insert(argv.end(), exclude.begin(), exclude.end());
  }
  const std::vector<std::string> include = ListArg(args, "include");
  argv.insert(argv.end(), include.begin(), include.end());
  return argv;
}

std::string ZipFlag(const std::string& handler) {
  static const std::map<std::string, std::string> flags = {
      {"TgzArchive", "-z"},
      {"TarArchive", ""},
      {"TarBzipArchive", "-j"},
      {"TarXzArchive", "-J"},
      {"TarZstdArchive", "--use-compress-program=zstd"}};
  auto it = flags.find(handler);
  return it == flags.end() ? "" : it->second;
}

std::string Section(const std::map<std::string, std::vector<std::string>>& s,
                    const std::string& name) {
  auto it = s.find(name);
  return it == s.end() || it->second.empty() ? "" : it->second[0];
}

// The lines of a section printed without a value on its "@@ NAME" line.
std::vector<std::string> Body(const std::map<std::string, std::vector<std::string>>& s,
                              const std::string& name) {
  auto it = s.find(name);
  return it == s.end() ? std::vector<std::string>{} : it->second;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// The archive's members as Ansible lists them: decoded, without a leading
// '/', less the excluded ones (fnmatch).
Value Files(const Value& args, const std::vector<std::string>& listed) {
  Value files = Value::array();
  const std::vector<std::string> excludes = Excludes(args);
  for (const std::string& line : listed) {
    if (line.empty()) continue;
    std::string name = EscapeDecode(line);
    if (StartsWith(name, "/")) name.erase(0, 1);
    bool excluded = false;
    for (const std::string& e : excludes)
      excluded = excluded || fnmatch(e.c_str(), name.c_str(), 0) == 0;
    if (!excluded) files.push_back(name);
  }
  return files;
}

// The failure of a zip archive on a host without unzip.
Change NoUnzip(const std::string& src) {
  Change change;
  change.failed = true;
  change.message = fmt::format(
      "{} is a zip archive and the target has no unzip: install the unzip package on the "
      "host (a package task before this one), as Ansible's unarchive needs unzip and zipinfo",
      src);
  return change;
}

// Registers the extraction's `extract_results` as Ansible's module does:
// the command `cmd`, and from the script's answer its rc (returned), out
// and err.
int ExtractResults(const std::map<std::string, std::vector<std::string>>& s,
                   const std::vector<std::string>& cmd, Value* result) {
  const int rc = std::stoi("0" + Section(s, "extract"));
  (*result)["extract_results"] = {{"cmd", cmd},
                                  {"rc", rc},
                                  {"out", JoinLines(Body(s, "out"))},
                                  {"err", JoinLines(Body(s, "err"))}};
  return rc;
}

// A zip archive on the target: what the probe read decides, as Ansible's
// ZipArchive.is_unarchived; the action extracts (unless only attributes
// differ) and sets the attributes of the members it names on stdin.
// `upload`: the archive read on the controller (`base` what it lists), sent
// on the action's stdin.
Result<Change> PlanZip(const Value& args, const std::map<std::string, std::vector<std::string>>& s,
                       const std::string& src, const std::string& handler,
                       const std::string* upload = nullptr, ZipFacts base = {}) {
  const std::string dest = StringArg(args, "dest");
  Result<ZipFacts> facts = ParseZipFacts(s, dest, std::move(base));
  if (!facts.ok()) return facts.status();
  const ZipCheck check = CheckZip(args, *facts);
  Change change;
  if (!check.error.empty()) {
    change.failed = true;
    change.message = check.error;
    return change;
  }
  const std::vector<std::string> members = ZipMembers(args, facts->names);
  change.result["dest"] = dest;
  change.result["src"] = src;
  change.result["handler"] = handler;
  if (args.value("list_files", false)) change.result["files"] = members;
  AddPathInfo(Section(s, "deststat"), &change.result);
  const int attrs = ZipAttributeChanges(args, *facts, members);
  change.changed = !check.unarchived || attrs > 0;
  change.diff = check.diff;
  if (!change.changed) return change;
  std::vector<std::string> argv = ScriptArgv(args, "zip-apply", upload ? "-" : src);
  argv.erase(argv.begin() + 12, argv.end());  // the tar and zipinfo words
  argv.push_back("@UNZIP@");
  if (!check.unarchived) {
    const std::vector<std::string> words = UnzipWords(args, "@SRC@", check.excludes);
    argv.insert(argv.end(), words.begin(), words.end());
  }
  argv.push_back("@MEMBERS@");
  argv.insert(argv.end(), members.begin(), members.end());
  Action apply = ExecAction(std::move(argv));
  if (upload) apply.stdin_data = *upload;
  change.actions.push_back(std::move(apply));
  change.message = fmt::format("would extract {} into {}", src, dest);
  return change;
}

// What zip-apply did: its unzip's results, as Ansible's extract_results.
Result<Change> ReportZip(const Value& args,
                         const std::map<std::string, std::vector<std::string>>& s) {
  Change change;
  change.changed = true;
  AddPathInfo(Section(s, "deststat"), &change.result);
  const std::string dest = StringArg(args, "dest");
  std::string src = StringArg(args, "src");
  if (!ArchiveOnHost(args) && StartsWith(Section(s, "src"), "ok ")) {
    src = Section(s, "src").substr(3);  // where the upload went, as Ansible registers it
    change.result["src"] = src;
  }
  if (s.count("extract") == 0) return change;
  std::vector<std::string> cmd = {Section(s, "unzip")};
  for (const std::string& w : Body(s, "cmd")) cmd.push_back(w);
  if (ExtractResults(s, cmd, &change.result) != 0) {
    change.changed = false;
    change.failed = true;
    change.message = fmt::format("failed to unpack {} to {}", src, dest);
  }
  return change;
}

// The change the script's answer tells: `applied` when it ran `apply`.
Result<Change> Interpret(const Value& args, const std::string& answer, bool applied) {
  const auto s = SplitSections(answer);
  const std::string dest = StringArg(args, "dest");
  Change change;
  auto fail = [&](std::string message) {
    change.failed = true;
    change.message = std::move(message);
    return change;
  };
  if (s.count("zipapply") > 0) return ReportZip(args, s);
  if (s.find("dest") == s.end()) {
    return Status::Error(fmt::format("the unarchive script gave no answer: {}", Quoted(answer)));
  }
  if (Section(s, "dest") != "ok")
    return fail(fmt::format("dest '{}' must be an existing dir", dest));
  const std::string src_state = Section(s, "src");
  const std::string shown_src = ArchiveOnHost(args)
                                    ? StringArg(args, "src")
                                    : (StartsWith(src_state, "ok ") ? src_state.substr(3) : "");
  if (src_state == "missing") return fail(fmt::format("Source '{}' does not exist", shown_src));
  if (src_state == "unreadable") return fail(fmt::format("Source '{}' not readable", shown_src));
  if (src_state == "empty") {
    return fail(fmt::format("Invalid archive '{}', the file is 0 bytes",
                            ArchiveOnHost(args) ? shown_src : StringArg(args, "src")));
  }
  // From here on Ansible's module has picked its tar handler, which ends a
  // check run skipped.
  change.check_mode_skip = kCheckModeSkip;
  const std::string src = StartsWith(src_state, "ok ") ? src_state.substr(3) : shown_src;
  const std::string handler = Section(s, "handler");
  if (handler == "none") {
    return fail(
        fmt::format("Failed to find handler for \"{}\". Make sure the required command "
                    "to extract the file is installed.\n{}",
                    src, Trim(JoinLines(Body(s, "reasons")))));
  }
  if (handler == "nounzip") return NoUnzip(src);
  if (StartsWith(handler, "Zip")) {
    change.check_mode_skip.clear();
    if (applied) {
      return fail(
          fmt::format("{} is a zip archive that does not start with a zip header (a "
                      "self-extracting one?): copy it to the target first and give "
                      "remote_src: true",
                      StringArg(args, "src")));
    }
    return PlanZip(args, s, src, handler);
  }
  change.result["dest"] = dest;
  change.result["src"] = src;
  change.result["handler"] = handler;
  const Value files = Files(args, Body(s, "list"));
  if (args.value("list_files", false)) change.result["files"] = files;
  const bool unarchived = Section(s, "unarchived") == "yes";
  const bool attrs = s.count("attrs") > 0 && Section(s, "attrs") != "0";
  change.changed = !unarchived || attrs;
  AddPathInfo(Section(s, "deststat"), &change.result);
  if (applied && s.count("extract") > 0) {
    std::vector<std::string> cmd = {Section(s, "tar"), "--extract", "-C", dest};
    for (const std::string& w : TarWords(args)) {
      if (w == "@ZIP@") {
        if (!ZipFlag(handler).empty()) cmd.push_back(ZipFlag(handler));
      } else {
        cmd.push_back(w == "@SRC@" ? src : w);
      }
    }
    if (ExtractResults(s, cmd, &change.result) != 0) {
      change.changed = false;
      return fail(fmt::format("failed to unpack {} to {}", src, dest));
    }
  }
  return change;
}

// A zip archive on the controller: read there (its central directory),
// then one more read on the host (dest's side of the comparison, the DOS
// times as local times), planned as a zip archive on the host is, and sent
// on the action's stdin when it is to be extracted.
Result<Change> PlanUploadedZip(const Value& args, const std::vector<ReadResult>& reads,
                               size_t first) {
  const std::string& content = *reads[first + 1].content;
  std::vector<std::string> stamps;
  Result<ZipFacts> listed = ReadZipDirectory(args, content, &stamps);
  if (!listed.ok()) return listed.status();
  if (reads.size() < first + 3) {
    std::vector<std::string> argv = ScriptArgv(args, "zip-stat", "");
    argv.erase(argv.begin() + 12, argv.end());
    argv.push_back("@NAMES@");
    argv.insert(argv.end(), listed->names.begin(), listed->names.end());
    argv.push_back("@STAMPS@");
    argv.insert(argv.end(), stamps.begin(), stamps.end());
    Change more;
    more.more_reads = {Read::Query(std::move(argv))};
    return more;
  }
  const ExecResult& e = reads[first + 2].exec;
  if (e.exit_code != 0) {
    return Status::Error(fmt::format("the unarchive script failed on the target (rc={}): {}",
                                     e.exit_code, Trim(e.stderr_data)));
  }
  const auto s = SplitSections(e.stdout_data);
  const std::string handler = Section(s, "handler");
  if (handler == "nounzip") return NoUnzip(StringArg(args, "src"));
  Result<Change> change =
      PlanZip(args, s, StringArg(args, "src"), handler, &content, std::move(*listed));
  if (change.ok()) {
    change->reports = !change->actions.empty();
    change->command_output = false;
  }
  return change;
}

}  // namespace

std::string EscapeDecode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    static const std::map<char, char> simple = {
        {'\\', '\\'}, {'\'', '\''}, {'"', '"'},  {'a', '\a'}, {'b', '\b'},
        {'f', '\f'},  {'n', '\n'},  {'r', '\r'}, {'t', '\t'}, {'v', '\v'}};
    if (auto it = simple.find(c); it != simple.end()) {
      out += it->second;
    } else if (c >= '0' && c <= '7') {
      int v = c - '0';
      for (int k = 0; k < 2 && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '7'; ++k)
        v = v * 8 + (text[++i] - '0');
      out += static_cast<char>(v & 0xFF);
    } else if (c == 'x' && i + 2 < text.size() &&
               std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (c == '\n') {
      // A backslash before a line break drops both.
    } else {
      out += '\\';
      out += c;
    }
  }
  return out;
}

std::string PyShellQuote(const std::string& text) {
  if (text.empty()) return "''";
  bool safe = true;
  for (char c : text) {
    safe = safe && (std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("@%+=:,./-_").find(c) != std::string_view::npos);
  }
  if (safe) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

UnarchiveModule::UnarchiveModule() : spec_(UnarchiveSpec()) {}

void UnarchiveModule::Validate(const Value& args, bool templates_pending,
                               std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (ArgReady(args, "src")) {
    const std::string src = StringArg(args, "src");
    if (src.find("://") != std::string::npos) {
      errors->push_back(
          {"src", fmt::format("src {} is a URL: hostprep's unarchive does not download; fetch "
                              "the archive to the target first, then give its path with "
                              "remote_src: true",
                              Quoted(src))});
    } else if (src.empty()) {
      errors->push_back({"src", "argument 'src' is empty: give the archive"});
    }
  }
  if (ArgReady(args, "dest") && StringArg(args, "dest").empty()) {
    errors->push_back({"dest", "argument 'dest' is empty: give the directory to extract into"});
  }
}

std::vector<Read> UnarchiveModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads;
  if (args.contains("creates")) reads.push_back(Read::Stat(StringArg(args, "creates")));
  if (ArchiveOnHost(args)) {
    reads.push_back(Read::Query(ScriptArgv(args, "inspect", StringArg(args, "src"))));
  } else {
    reads.push_back(Read::Stat(StringArg(args, "dest")));
    reads.push_back(Read::Local(StringArg(args, "src"), false));
  }
  return reads;
}

Result<Change> UnarchiveModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                     const Value& facts) const {
  (void)facts;
  const size_t first = args.contains("creates") ? 1 : 0;
  if (reads.size() < first + (ArchiveOnHost(args) ? 1 : 2))
    return Status::Error("internal error: unarchive's reads are missing");
  for (const ReadResult& r : reads)
    if (!r.status.ok()) return r.status;
  Change change;
  if (first == 1 && reads[0].stat.exists()) {
    change.skipped = true;
    change.skip_reason = fmt::format("skipped, since {} exists", StringArg(args, "creates"));
    return change;
  }
  const std::string dest = StringArg(args, "dest");
  if (ArchiveOnHost(args)) {
    const ExecResult& e = reads[first].exec;
    if (e.exit_code != 0) {
      return Status::Error(fmt::format("the unarchive script failed on the target (rc={}): {}",
                                       e.exit_code, Trim(e.stderr_data)));
    }
    Result<Change> seen = Interpret(args, e.stdout_data, false);
    if (!seen.ok() || seen->failed || !seen->changed) return seen;
    change = std::move(*seen);
    if (!change.actions.empty()) {  // a zip archive: planned from the probe
      change.reports = true;
      change.command_output = false;
      return change;
    }
    Action apply = ExecAction(ScriptArgv(args, "apply", StringArg(args, "src")));
    change.actions.push_back(std::move(apply));
  } else {
    const FileInfo& d = reads[first].stat;
    if (!d.exists() || (d.type != FileType::kDirectory && d.type != FileType::kSymlink))
      return Status::Error(fmt::format("dest '{}' must be an existing dir", dest));
    const ReadResult& local = reads[first + 1];
    if (!local.content) {
      return Status::Error(fmt::format(
          "src {} does not exist on the controller (looked for it in the role's and playbook's "
          "files/ directories and beside the playbook); give remote_src: true for an archive "
          "on the target",
          Quoted(StringArg(args, "src"))));
    }
    if (IsZip(*local.content)) return PlanUploadedZip(args, reads, first);
    change.changed = true;
    change.predictable = false;
    change.check_mode_skip = kCheckModeSkip;
    Action apply = ExecAction(ScriptArgv(args, "apply", "-"));
    apply.stdin_data = *local.content;
    change.actions.push_back(std::move(apply));
  }
  change.reports = true;
  change.command_output = false;
  change.message = fmt::format("would extract {} into {}", StringArg(args, "src"), dest);
  return change;
}

Result<Change> UnarchiveModule::Report(const Value& args, const ExecResult& output) const {
  return Interpret(args, output.stdout_data, true);
}

Resources UnarchiveModule::Declare(const Value& args) const {
  Resources r;
  if (ArgReady(args, "dest")) r.needs.push_back("path:" + StringArg(args, "dest"));
  return r;
}

}  // namespace hostprep::modules
