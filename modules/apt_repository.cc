#include "modules/apt_repository.h"

#include <fmt/format.h>

#include <cctype>
#include <set>

#include "engine/base/text.h"
#include "engine/base/unified_diff.h"
#include "modules/apt_plan.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr char kSourcesList[] = "/etc/apt/sources.list";
constexpr char kSourcesDir[] = "/etc/apt/sources.list.d";

ArgSpec AptRepositorySpec() {
  ArgSpec spec;
  spec.name = "apt_repository";
  spec.ansible_names = {"ansible.builtin.apt_repository", "ansible.legacy.apt_repository"};
  spec.summary = "Ansible's apt_repository: add or remove a one-line apt source, refresh the lists";
  spec.description =
      "Ansible's apt_repository module: adds the source line `repo` to the host's apt sources "
      "(state present) or takes it out of every file that has it enabled (state absent). The "
      "line is normalised as Ansible's module does (blanks collapsed, a trailing `# comment` "
      "kept apart); it counts as present when /etc/apt/sources.list or any "
      "/etc/apt/sources.list.d/*.list has it, enabled or commented out (a commented-out one "
      "is enabled again). A new line goes to /etc/apt/sources.list.d/`filename`.list, or to a "
      "file named after the line's first URI (`deb [signed-by=/etc/apt/keyrings/docker.asc] "
      "https://download.docker.com/linux/debian bookworm stable` goes to "
      "download_docker_com_linux_debian.list). When the sources change, the files are "
      "written back as Ansible writes them (each line rebuilt from its parse, a file left "
      "without lines removed) and, with update_cache (the default), the package lists are "
      "refreshed with `apt-get update`, tried update_cache_retries times; when that fails the "
      "sources are put back as they were and the task fails. Registers `repo` and `state`. "
      "The sources are read in the probe round trip.";
  spec.args = {
      {"repo",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "The source line: `deb URI SUITE [COMPONENT...]`, with options in brackets after the type."},
      {"state",
       ArgType::kString,
       false,
       "present",
       {"absent", "present"},
       {},
       "Whether the line is to be there."},
      {"mode",
       ArgType::kMode,
       false,
       nullptr,
       {},
       {},
       "The mode of the file a new line is written to (default: a new file gets 0644, an existing "
       "one keeps its mode)."},
      {"update_cache",
       ArgType::kBool,
       false,
       true,
       {},
       {"update-cache"},
       "Refresh the package lists after a change."},
      {"update_cache_retries",
       ArgType::kInt,
       false,
       5,
       {},
       {},
       "How many times to try the refresh."},
      {"update_cache_retry_max_delay",
       ArgType::kInt,
       false,
       12,
       {},
       {},
       "The longest wait between tries, in seconds (waits double from 1)."},
      {"filename",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The file's name in /etc/apt/sources.list.d, without `.list` (added)."},
      {"codename",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Accepted for Ansible's playbooks; Ansible uses it only for PPAs, which hostprep refuses."},
      {"install_python_apt",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Accepted and ignored: hostprep needs no Python on the host."},
      {"validate_certs",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Accepted and ignored: hostprep fetches nothing for this module."},
  };
  spec.examples =
      "- name: Docker's repository, signed by its key\n"
      "  ansible.builtin.apt_repository:\n"
      "    repo: \"deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] "
      "https://download.docker.com/linux/debian bookworm stable\"\n"
      "    filename: docker\n"
      "\n"
      "- name: an old source gone\n"
      "  apt_repository:\n"
      "    repo: deb http://archive.example.org/debian bookworm main\n"
      "    state: absent\n"
      "    update_cache: false\n";
  spec.notes =
      "Where hostprep differs from Ansible on purpose: `ppa:` sources are refused at validate "
      "time (they need Launchpad's API and a key server over the network; write the deb line "
      "and add the key with apt_key or a keyring file); a repo or filename holding a line break "
      "or another control character is refused (it would become another line of the sources "
      "file); a filename with a '/' is refused (Ansible would write it relative to its working "
      "directory); only the default places are read (Ansible asks apt's Dir::Etc settings); the "
      "registered result has no `diff` key, the diff is shown with --diff as a unified diff of "
      "each file; a failed refresh says apt-get's exit code where Ansible quotes python-apt's "
      "exception. Check mode reports the change the real run makes.";
  return spec;
}

bool IsWordByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || u >= 0x80;
}

// Python's re.sub(r'\[[^\]]+\]', '', s).
std::string DropOptions(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') {
      const size_t close = s.find(']', i + 1);
      if (close != std::string::npos && close > i + 1) {
        i = close;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Python's re.sub(r'\w+://', '', s).
std::string DropSchemes(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && IsWordByte(s[j])) ++j;
    if (j > i && s.compare(j, 3, "://") == 0) {
      i = j + 3;
      continue;
    }
    if (j > i) {
      out.append(s, i, j - i);
      i = j;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// Lines as Python reads a text file: universal newlines, the last one
// without its line break when the file has none.
std::vector<std::string> FileLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(line);
      line.clear();
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      line += text[i];
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string DumpLine(const AptSourceLine& l) {
  std::string out = l.enabled ? "" : "# ";
  out += l.source;
  if (!l.comment.empty()) out += " # " + l.comment;
  return out + "\n";
}

// The text before the comment of a line that is not a valid, enabled
// source, as Ansible's module names it in its error.
std::string InvalidPart(const std::string& line) {
  std::string rest = PyStrip(line);
  if (StartsWith(rest, "#")) rest = rest.substr(1);
  const size_t hash = rest.find('#');
  if (hash != std::string::npos && hash > 0) rest = rest.substr(0, hash);
  return rest;
}

}  // namespace

AptSourceLine ParseAptSourceLine(const std::string& text) {
  AptSourceLine l;
  std::string line = PyStrip(text);
  if (StartsWith(line, "#")) {
    l.enabled = false;
    line = line.substr(1);
  }
  const size_t hash = line.find('#');
  if (hash != std::string::npos && hash > 0) {
    l.comment = PyStrip(line.substr(hash + 1));
    line = line.substr(0, hash);
  }
  l.source = PyStrip(line);
  if (!l.source.empty()) {
    const std::vector<std::string> words = PySplit(l.source);
    if (words[0] == "deb" || words[0] == "deb-src") {
      l.valid = true;
      l.source.clear();
      for (const std::string& w : words) l.source += (l.source.empty() ? "" : " ") + w;
    }
  }
  return l;
}

std::string AptSourceFile(const std::string& source, const std::string& filename) {
  std::vector<std::string> parts;
  for (const std::string& w : PySplit(DropSchemes(DropOptions(source)))) {
    if (w != "deb" && w != "deb-src") parts.push_back(w);
  }
  if (!filename.empty()) return filename + ".list";
  if (parts.empty()) return "";
  std::string first = parts[0];
  const size_t at = first.find('@');
  if (at != std::string::npos) first = first.substr(at + 1);
  std::string name;
  std::string word;
  for (char c : first + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 && static_cast<unsigned char>(c) < 0x80) {
      word += c;
    } else if (!word.empty()) {
      name += (name.empty() ? "" : "_") + word;
      word.clear();
    }
  }
  return name + ".list";
}

std::map<std::string, std::string> DumpAptSources(const AptSources& sources) {
  std::map<std::string, std::string> out;
  for (const auto& [path, lines] : sources) {
    if (lines.empty()) continue;
    std::string text;
    for (const AptSourceLine& l : lines) text += DumpLine(l);
    out[path] = text;
  }
  return out;
}

AptRepositoryModule::AptRepositoryModule() : spec_(AptRepositorySpec()) {}

void AptRepositoryModule::Validate(const Value& args, bool templates_pending,
                                   std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (ArgReady(args, "repo")) {
    const std::string repo = StringArg(args, "repo");
    const std::string problem = LineBreakProblem(repo);
    if (PyStrip(repo).empty()) {
      errors->push_back({"repo", "Please set argument 'repo' to a non-empty value"});
    } else if (!problem.empty()) {
      errors->push_back({"repo", fmt::format("repo {} holds {}: it would become another line of "
                                             "the sources file; give one source line",
                                             Quoted(repo), problem)});
    } else if (StartsWith(PyStrip(repo), "ppa:")) {
      errors->push_back(
          {"repo", fmt::format("repo {}: hostprep does not support PPAs (they need Launchpad and "
                               "a key server over the network): write the PPA's deb line "
                               "and add its key with apt_key or a keyring file",
                               Quoted(repo))});
    }
  }
  if (ArgReady(args, "filename")) {
    const std::string filename = StringArg(args, "filename");
    const std::string problem = LineBreakProblem(filename);
    if (filename.empty()) {
      errors->push_back({"filename",
                         "argument 'filename' is empty: give a file name without "
                         "'.list', or leave it out to have one made from the repo"});
    } else if (!problem.empty() || filename.find('/') != std::string::npos) {
      errors->push_back(
          {"filename",
           fmt::format("filename {} is not a plain file name ({}): give the name of "
                       "the file in /etc/apt/sources.list.d, without '.list'",
                       Quoted(filename), problem.empty() ? "it holds a '/'" : problem)});
    }
  }
}

std::vector<Read> AptRepositoryModule::Probe(const Value& args, const Value& facts) const {
  (void)args;
  (void)facts;
  return {Read::Query({"/bin/sh", "-c", scripts::kAptSources, "sh"})};
}

namespace {

// Ansible's removal: every enabled line with the source popped by the index
// it had when read, as its module does (so with two such lines in one file
// the second pop may hit another line, or fail as Python's does).
Status RemoveSource(const std::string& source, AptSources* sources) {
  for (auto& [path, lines] : *sources) {
    std::vector<std::pair<size_t, AptSourceLine>> indexed;
    for (size_t n = 0; n < lines.size(); ++n) indexed.emplace_back(n, lines[n]);
    for (size_t i = 0; i < indexed.size(); ++i) {
      const auto& [n, l] = indexed[i];
      if (!l.valid || !l.enabled || l.source != source) continue;
      if (n >= indexed.size()) {
        return Status::Error(fmt::format(
            "{} has the source more than once: Ansible's module fails on it (pop index out of "
            "range); remove the duplicate lines first",
            path));
      }
      indexed.erase(indexed.begin() + static_cast<std::ptrdiff_t>(n));
    }
    lines.clear();
    for (auto& [n, l] : indexed) lines.push_back(std::move(l));
  }
  return Status::Ok();
}

}  // namespace

Result<Change> AptRepositoryModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                         const Value& facts) const {
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: no apt_repository read");
  const ReadResult& read = reads[0];
  if (!read.status.ok()) return read.status;
  const std::string what = fmt::format("{} and {}/*.list", kSourcesList, kSourcesDir);
  if (read.exec.exit_code != 0) {
    return Status::Error(fmt::format("read {} failed (rc={}): {}", what, read.exec.exit_code,
                                     Trim(read.exec.stderr_data)));
  }
  Result<FileListing> listing = ParseFileListing(read.exec.stdout_data, what);
  if (!listing.ok()) return listing.status();

  AptSources sources;
  for (const auto& [path, text] : listing->files) {
    for (const std::string& line : FileLines(text))
      sources[path].push_back(ParseAptSourceLine(line));
    sources.try_emplace(path);
  }
  const std::map<std::string, std::string> before = DumpAptSources(sources);

  const std::string repo = StringArg(args, "repo");
  const std::string state = StringArg(args, "state");
  const AptSourceLine wanted = ParseAptSourceLine(repo);
  if (!wanted.valid || !wanted.enabled) {
    return Status::Error("Invalid repository string: " + InvalidPart(repo));
  }
  std::string new_file;
  if (state == "present") {
    bool found = false;
    for (auto& [path, lines] : sources) {
      for (AptSourceLine& l : lines) {
        if (l.valid && l.source == wanted.source) {
          l.enabled = true;
          found = true;
        }
      }
    }
    if (!found) {
      const std::string name = AptSourceFile(wanted.source, StringArg(args, "filename"));
      if (name.empty()) return Status::Error("Invalid repository string: " + InvalidPart(repo));
      new_file = fmt::format("{}/{}", kSourcesDir, name);
      sources[new_file].push_back({true, true, wanted.source, ""});
    }
  } else if (Status removed = RemoveSource(wanted.source, &sources); !removed.ok()) {
    return removed;
  }
  const std::map<std::string, std::string> after = DumpAptSources(sources);

  Change change;
  change.result["repo"] = repo;
  change.result["state"] = state;
  change.changed = before != after;
  if (!change.changed) return change;

  std::set<std::string> paths;
  for (const auto& [path, text] : before) paths.insert(path);
  for (const auto& [path, text] : after) paths.insert(path);
  for (const std::string& path : paths) {
    const auto b = before.find(path);
    const auto a = after.find(path);
    const std::string old_text = b == before.end() ? "" : b->second;
    const std::string new_text = a == after.end() ? "" : a->second;
    if (old_text == new_text) continue;
    change.diff +=
        UnifiedDiff(old_text, new_text, "before: " + (b == before.end() ? "/dev/null" : path),
                    "after: " + (a == after.end() ? "/dev/null" : path));
  }

  // Ansible writes every file back; only those whose text changes are
  // written here, which leaves the same bytes. A file left without lines
  // (an empty one too) goes.
  std::vector<std::string> revert;
  std::vector<std::string> touched;
  for (const auto& [path, lines] : sources) {
    const auto raw = listing->files.find(path);
    const bool existed = raw != listing->files.end();
    if (lines.empty()) {
      if (!existed) continue;
      change.actions.push_back(RemoveAction(path));
    } else {
      const std::string text = after.at(path);
      if (existed && raw->second == text) continue;
      Action write = WriteFileAction(path, text);
      if (path == new_file && args.contains("mode") && args["mode"].is_number_integer()) {
        write.mode = args["mode"].get<unsigned>();
      }
      change.actions.push_back(std::move(write));
    }
    touched.push_back(path);
    const auto b = before.find(path);
    if (b == before.end()) {
      revert.insert(revert.end(), {"rm", path});
    } else {
      revert.insert(revert.end(), {"put", path, b->second});
    }
  }
  change.message = fmt::format("would {} {} in {}", state == "present" ? "add" : "remove",
                               Quoted(wanted.source), fmt::join(touched, ", "));
  if (BoolArg(args, "update_cache", true)) {
    const std::vector<std::string> update = AptUpdateArgv(
        args.value("update_cache_retries", 5), args.value("update_cache_retry_max_delay", 12));
    std::vector<std::string> argv = {"/bin/sh", "-c", scripts::kAptUpdateRevert, "sh",
                                     std::to_string(update.size())};
    argv.insert(argv.end(), update.begin(), update.end());
    argv.insert(argv.end(), revert.begin(), revert.end());
    change.actions.push_back(ExecAction(std::move(argv)));
    change.message += " and refresh the package lists";
  }
  change.command_output = false;
  return change;
}

}  // namespace hostprep::modules
