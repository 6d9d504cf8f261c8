#include "modules/copy.h"

#include <fmt/format.h>

#include "engine/base/text.h"
#include "engine/template/value_ops.h"
#include "modules/dest_file.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec CopySpec() {
  ArgSpec spec;
  spec.name = "copy";
  spec.ansible_names = {"ansible.builtin.copy", "ansible.legacy.copy"};
  spec.summary = "copy a file from the controller, or write given content, to the target";
  spec.description =
      "Ansible's copy module. Writes `dest` with the content of `src` (a file on the "
      "controller, looked for in the role's files/ and the playbook's directory, or with "
      "`remote_src` a file on the target) or with `content`, then sets mode, owner and "
      "group. The write is atomic: a temp file beside the target, validated, synced and "
      "renamed over the old one. Registers dest, checksum (SHA-1), md5sum (when written), "
      "size, state, mode, owner, group, uid and gid, and backup_file.";
  spec.args = {
      {"src",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "A file on the controller (relative: found in the role's files/, then the "
       "playbook's files/ and directory), or on the target with remote_src."},
      {"content",
       ArgType::kRaw,
       false,
       nullptr,
       {},
       {},
       "The content to write. A mapping or list is written as JSON, as Ansible writes it."},
      {"remote_src",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "src is a file on the target, not on the controller."},
      {"checksum",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The SHA-1 checksum the content must have; otherwise the task fails and nothing is "
       "written."},
      {"directory_mode",
       ArgType::kMode,
       false,
       nullptr,
       {},
       {},
       "The mode of the directory created for a dest ending with '/'."},
      {"local_follow",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Accepted for Ansible's playbooks: a symlink as src is always followed."},
      {"decrypt",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Accepted for Ansible's playbooks (hostprep refuses Vault files)."},
  };
  for (ArgDef& def : DestArgs()) spec.args.push_back(std::move(def));
  spec.mutually_exclusive = {{"src", "content"}};
  spec.required_one_of = {{"src", "content"}};
  spec.examples =
      "- name: kernel modules to load at boot\n"
      "  ansible.builtin.copy:\n"
      "    dest: /etc/modules-load.d/k8s.conf\n"
      "    content: |\n"
      "      overlay\n"
      "      br_netfilter\n"
      "    mode: '0644'\n"
      "- name: sudoers entry, checked before it is installed\n"
      "  copy: {src: deploy.sudoers, dest: /etc/sudoers.d/deploy, mode: '0440',\n"
      "         validate: visudo -cf %s}\n"
      "- name: a binary into a directory, under its own name\n"
      "  copy: {src: bin/helm, dest: /usr/local/bin/, mode: '0755'}\n";
  spec.notes =
      "Differences from Ansible: `dest` must be absolute. A directory as `src` (a tree "
      "copy) is not supported yet. `validate` is split on whitespace and run without a "
      "shell. The registered `src` is not the temp path "
      "Ansible reports, and uid/gid are left out for a new file whose owner is not given as "
      "a number. --diff shows content and attribute changes in one block; check mode "
      "reports exactly what a run would change.";
  return spec;
}

bool FromContent(const Value& args) { return args.contains("content"); }
bool RemoteSrc(const Value& args) {
  return !FromContent(args) && args.contains("remote_src") && args["remote_src"] == true;
}

// Where ProbeDest's reads start: after the source's own.
size_t DestFirst(const Value& args) {
  if (FromContent(args)) return 0;
  return RemoteSrc(args) ? 2 : 1;
}

std::string SourceName(const Value& args) {
  return FromContent(args) ? "" : BaseName(StringArg(args, "src"));
}

// Content as Ansible's copy action writes it: a string as it is, a mapping
// or list as JSON, other scalars as Python prints them.
Result<std::string> ContentText(const Value& content) {
  if (content.is_string()) return content.get<std::string>();
  if (content.is_boolean()) return std::string(content.get<bool>() ? "True" : "False");
  if (content.is_null()) {
    return Status::Error("content is null: give the text to write, or use src");
  }
  return PyJsonDumps(content);
}

// The source's content and mode, from the reads before ProbeDest's.
struct Source {
  std::string content;
  std::optional<unsigned> mode;
};

Result<Source> SourceOf(const Value& args, const std::vector<ReadResult>& reads) {
  if (FromContent(args)) {
    Result<std::string> text = ContentText(args["content"]);
    if (!text.ok()) return text.status();
    return Source{std::move(*text), std::nullopt};
  }
  const std::string src = StringArg(args, "src");
  const ReadResult& stat = reads[0];
  if (!stat.status.ok()) return stat.status;
  const char* where = RemoteSrc(args) ? "on the target" : "on the controller";
  if (stat.stat.type == FileType::kDirectory) {
    return Status::Error(fmt::format(
        "src {} is a directory {}: copying a directory tree is not supported yet; copy its "
        "files one by one (with_fileglob)",
        Quoted(src), where));
  }
  const ReadResult& file = RemoteSrc(args) ? reads[1] : reads[0];
  if (!file.status.ok()) return file.status;
  if (!file.content)
    return Status::Error(fmt::format("src {} does not exist {}", Quoted(src), where));
  std::optional<unsigned> mode;
  if (stat.stat.exists()) mode = stat.stat.mode;
  return Source{*file.content, mode};
}

}  // namespace

CopyModule::CopyModule() : spec_(CopySpec()) {}

void CopyModule::Validate(const Value& args, bool templates_pending,
                          std::vector<ArgError>* errors) const {
  (void)templates_pending;
  ValidateDest(args, errors);
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  if (ready("src") && EndsWith(StringArg(args, "src"), "/")) {
    errors->push_back({"src", fmt::format("src {} is a directory: copying a directory tree is "
                                          "not supported yet; copy its files one by one",
                                          Quoted(StringArg(args, "src")))});
  }
  if (ready("dest") && FromContent(args) && EndsWith(StringArg(args, "dest"), "/")) {
    errors->push_back({"dest", "content needs the path of a file as dest, not a directory"});
  }
  if (FromContent(args) && args.contains("remote_src") && args["remote_src"] == true) {
    errors->push_back({"remote_src", "remote_src is used with src, not with content"});
  }
  if (ready("checksum")) {
    const std::string sum = StringArg(args, "checksum");
    if (sum.size() != 40 || sum.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      errors->push_back({"checksum", fmt::format("checksum {} is not a SHA-1 checksum (40 hex "
                                                 "digits, as sha1sum prints it)",
                                                 Quoted(sum))});
    }
  }
}

std::vector<Read> CopyModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<Read> reads;
  if (RemoteSrc(args)) {
    reads = {Read::Stat(StringArg(args, "src")), Read::File(StringArg(args, "src"))};
  } else if (!FromContent(args)) {
    reads = {Read::Local(StringArg(args, "src"), false)};
  }
  for (Read& r : ProbeDest(DestFileFrom(args, SourceName(args), std::nullopt))) {
    reads.push_back(std::move(r));
  }
  return reads;
}

Result<Change> CopyModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                const Value& facts) const {
  const size_t first = DestFirst(args);
  if (reads.size() < first) {
    return Status::Error(fmt::format("internal error: copy got {} reads", reads.size()));
  }
  (void)facts;
  Result<Source> source = SourceOf(args, reads);
  if (!source.ok()) return source.status();
  const DestFile dest = DestFileFrom(args, SourceName(args), source->mode);
  return PlanDest(dest, source->content, reads, first);
}

Resources CopyModule::Declare(const Value& args) const { return DeclareDest(args); }

}  // namespace hostprep::modules
