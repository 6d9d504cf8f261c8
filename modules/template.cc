#include "modules/template.h"

#include <fmt/format.h>

#include "engine/base/text.h"
#include "modules/dest_file.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

// Jinja's delimiters, which hostprep's template parser has built in.
struct Delimiter {
  const char* arg;
  const char* value;
};
constexpr Delimiter kDelimiters[] = {
    {"block_start_string", "{%"},  {"block_end_string", "%}"},     {"variable_start_string", "{{"},
    {"variable_end_string", "}}"}, {"comment_start_string", "{#"}, {"comment_end_string", "#}"},
};

ArgSpec TemplateSpec() {
  ArgSpec spec;
  spec.name = "template";
  spec.ansible_names = {"ansible.builtin.template", "ansible.legacy.template"};
  spec.summary = "render a Jinja2 template from the controller to a file on the target";
  spec.description =
      "Ansible's template module. Renders `src` (found in the role's templates/, then the "
      "playbook's templates/ and directory) with the task's variables, as Python's Jinja2 "
      "renders it with Ansible's filters, tests and lookups, and writes the result to "
      "`dest` atomically (a temp file beside the target, validated, synced and renamed over "
      "the old one), then sets mode, owner and group. Registers dest, checksum (SHA-1), "
      "md5sum (when written), size, state, mode, owner, group, uid and gid, and backup_file.";
  spec.args = {
      {"src",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "The template on the controller (relative: found in the role's templates/, then the "
       "playbook's templates/ and directory)."},
      {"trim_blocks",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Drop the first newline after a block tag, as Jinja's trim_blocks."},
      {"lstrip_blocks",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Strip blanks before a block tag at the start of a line, as Jinja's lstrip_blocks."},
      {"newline_sequence",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Only '\\n' (the default) is supported."},
      {"output_encoding",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Only utf-8 (the default) is supported."},
  };
  for (const Delimiter& d : kDelimiters) {
    spec.args.push_back({d.arg,
                         ArgType::kString,
                         false,
                         nullptr,
                         {},
                         {},
                         fmt::format("Only Jinja's default, '{}', is supported.", d.value)});
  }
  for (ArgDef& def : DestArgs()) spec.args.push_back(std::move(def));
  spec.examples =
      "- name: chrony configuration\n"
      "  ansible.builtin.template:\n"
      "    src: chrony.conf.j2\n"
      "    dest: /etc/chrony/chrony.conf\n"
      "    mode: '0644'\n"
      "    backup: true\n"
      "- name: sshd configuration, checked before it is installed\n"
      "  template: {src: sshd_config.j2, dest: /etc/ssh/sshd_config, validate: sshd -t -f %s}\n";
  spec.notes =
      "Differences from Ansible: `dest` must be absolute. Jinja's delimiters, "
      "newline_sequence and output_encoding can only be their defaults. `validate` is split "
      "on whitespace and run without a shell. uid/gid are left out for a new file whose owner "
      "is not given as a number. A template's syntax is "
      "checked by `hostprep validate` when its name has no variable in it. --diff shows "
      "content and attribute changes in one block; check mode reports exactly what a run "
      "would change.";
  return spec;
}

bool Ready(const Value& args, const char* key) {
  return args.contains(key) && !IsPendingTemplate(args[key]);
}

}  // namespace

TemplateModule::TemplateModule() : spec_(TemplateSpec()) {}

void TemplateModule::Validate(const Value& args, bool templates_pending,
                              std::vector<ArgError>* errors) const {
  (void)templates_pending;
  ValidateDest(args, errors);
  for (const Delimiter& d : kDelimiters) {
    if (Ready(args, d.arg) && StringArg(args, d.arg) != d.value) {
      errors->push_back({d.arg, fmt::format("{} {} is not supported: hostprep's templates use "
                                            "Jinja's default delimiters ('{}')",
                                            d.arg, Quoted(StringArg(args, d.arg)), d.value)});
    }
  }
  // YAML's '\n' (single quotes) is a backslash and an n: Ansible takes both.
  if (Ready(args, "newline_sequence")) {
    const std::string seq = StringArg(args, "newline_sequence");
    if (seq != "\n" && seq != "\\n") {
      errors->push_back({"newline_sequence", fmt::format("newline_sequence {} is not supported "
                                                         "yet: only '\\n' is",
                                                         Quoted(seq))});
    }
  }
  if (Ready(args, "output_encoding")) {
    const std::string enc = ToLower(StringArg(args, "output_encoding"));
    if (enc != "utf-8" && enc != "utf8") {
      errors->push_back(
          {"output_encoding", fmt::format("output_encoding {} is not supported: only utf-8 is",
                                          Quoted(StringArg(args, "output_encoding")))});
    }
  }
}

std::vector<Read> TemplateModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  Read source = Read::Local(StringArg(args, "src"), true);
  source.trim_blocks = BoolArg(args, "trim_blocks", true);
  source.lstrip_blocks = BoolArg(args, "lstrip_blocks", false);
  std::vector<Read> reads = {source};
  for (Read& r : ProbeDest(DestFileFrom(args, BaseName(StringArg(args, "src")), std::nullopt))) {
    reads.push_back(std::move(r));
  }
  return reads;
}

Result<Change> TemplateModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                    const Value& facts) const {
  (void)facts;
  if (reads.empty()) return Status::Error("internal error: template got no reads");
  const std::string src = StringArg(args, "src");
  const ReadResult& rendered = reads[0];
  if (!rendered.status.ok()) return rendered.status;
  if (rendered.stat.type == FileType::kDirectory) {
    return Status::Error(
        fmt::format("src {} is a directory on the controller, not a template", Quoted(src)));
  }
  if (!rendered.content) {
    return Status::Error(fmt::format("src {} does not exist on the controller", Quoted(src)));
  }
  std::optional<unsigned> mode;
  if (rendered.stat.exists()) mode = rendered.stat.mode;
  const DestFile dest = DestFileFrom(args, BaseName(src), mode);
  return PlanDest(dest, *rendered.content, reads, 1);
}

Resources TemplateModule::Declare(const Value& args) const { return DeclareDest(args); }

}  // namespace hostprep::modules
