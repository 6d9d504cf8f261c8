#include "modules/text_edit.h"

#include <fmt/format.h>

#include "modules/file_plan.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

constexpr size_t kProbed = 3;

}  // namespace

std::vector<Read> ProbeTextEdit(const std::string& path) {
  return {Read::Stat(path), Read::File(path), Read::Stat(Parent(path))};
}

Result<Change> PlanTextEdit(const Value& args, const std::vector<ReadResult>& reads,
                            const MissingFile& missing, const EditFn& edit) {
  if (reads.size() < kProbed) {
    return Status::Error(fmt::format("internal error: {} reads for {}", reads.size(), kProbed));
  }
  const std::string path = StringArg(args, "path");
  for (const ReadResult& r : {reads[0], reads[2]}) {
    if (!r.status.ok()) return r.status;
  }
  Result<Followed> followed = FollowLink("path", path, reads[0].stat, reads, kProbed);
  if (!followed.ok()) return followed.status();
  if (!followed->more.empty()) {
    Change more;
    more.more_reads = std::move(followed->more);
    return more;
  }
  const FileInfo& real = followed->real;
  if (real.type == FileType::kDirectory) {
    return Status::Error(fmt::format("path {} is a directory", path));
  }
  const bool exists = real.exists();
  if (!exists && missing.must_exist) {
    return Status::Error(fmt::format("path {} does not exist", path));
  }
  if (!exists && StringArg(args, "state") == "absent") {
    Change none;
    none.result["msg"] = missing.absent_msg;
    return none;
  }
  if (!exists && !BoolArg(args, "create", false)) {
    return Status::Error(
        fmt::format("file {} does not exist (create: true would create it)", path));
  }
  if (exists && !reads[1].status.ok()) return reads[1].status;
  Result<TextEdit> edited =
      edit(exists ? std::optional<std::string>(reads[1].content.value_or("")) : std::nullopt);
  if (!edited.ok()) return edited.status();
  if (edited->settled) {
    Change none;
    none.result["msg"] = edited->msg;
    return none;
  }

  const Attrs want = AttrsFrom(args);
  const ContentTarget target{path, followed->real_path, real, IdsOf(real),
                             exists ? &reads[1] : nullptr};
  const ContentWrite write{edited->text, want, BoolArg(args, "backup", false),
                           ValidateArgv(StringArg(args, "validate"))};
  Result<Change> change = PlanContent(target, write);
  if (!change.ok()) return change;
  if (!exists && !reads[2].stat.exists()) {
    change->actions.insert(change->actions.begin(),
                           MakeAction(Action::Kind::kMakeDirectory, Parent(path), Attrs{}));
  }
  // Ansible's message, with its words for an attribute change (for a new
  // file: attributes other than a new file's 0644 root:root).
  const bool attrs = exists ? ChangesAttrs(*change)
                            : (want.mode && *want.mode != 0644) ||
                                  (!want.owner.empty() && want.owner != "root") ||
                                  (!want.group.empty() && want.group != "root");
  change->result["msg"] = EditMessage(edited->msg, attrs);
  return change;
}

}  // namespace hostprep::modules
