#include "engine/playbook/include_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "engine/playbook/field_reader.h"
#include "engine/playbook/task_links.h"
#include "engine/playbook/task_list.h"

namespace hostprep {

namespace {

// Includes deeper than this are a file including itself without end.
constexpr size_t kMaxIncludeDepth = 32;

}  // namespace

IncludeLoader::IncludeLoader(const Play& play, const ModuleRegistry& modules)
    : play_(play), modules_(modules) {}

Result<std::shared_ptr<const IncludedFile>> IncludeLoader::Load(const TaskSpec& include,
                                                                const std::string& name) {
  if (include.include == nullptr) {
    return Status::Error("internal error: task '" + include.DisplayName() + "' is not an include");
  }
  const IncludeSpec& spec = *include.include;
  if (!spec.role.empty()) {
    // include_role: the role's tasks, read with the playbook.
    std::lock_guard<std::mutex> lock(mu_);
    const Key key(&include, "");
    auto it = loaded_.find(key);
    if (it == loaded_.end()) it = loaded_.emplace(key, Read(include, "")).first;
    return it->second;
  }
  std::string path = FindTaskFile(name, spec.scope, spec.playbook_dir);
  std::error_code ec;
  if (!path.empty()) path = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (path.empty()) {
    return Status::Error(fmt::format(
        "{}include_tasks: no task file '{}' (looked in {})", spec.file_location.Prefix(), name,
        std::filesystem::path(name).is_absolute()
            ? std::string("that path")
            : fmt::format("{}", fmt::join(TaskFileDirs(spec.scope, spec.playbook_dir), ", "))));
  }
  if (spec.scope.files.size() > kMaxIncludeDepth) {
    return Status::Error(fmt::format(
        "{}include_tasks: includes nest deeper than {} files "
        "(through {}): a file includes itself without end",
        spec.file_location.Prefix(), kMaxIncludeDepth, fmt::join(spec.scope.files, " -> ")));
  }
  std::lock_guard<std::mutex> lock(mu_);
  const Key key(&include, path);
  auto it = loaded_.find(key);
  if (it == loaded_.end()) it = loaded_.emplace(key, Read(include, path)).first;
  return it->second;
}

// Parsed as the play's task files are: errors collected by a reader of the
// include's file, anchored at the include.
Result<std::shared_ptr<const IncludedFile>> IncludeLoader::Read(const TaskSpec& include,
                                                                const std::string& path) const {
  const IncludeSpec& spec = *include.include;
  FieldReader root(spec.file_location.file,
                   std::filesystem::path(spec.file_location.file).parent_path().string());
  TaskListParser parser(modules_, spec.playbook_dir);
  TaskListScope scope = spec.scope;
  scope.reader = &root;
  std::vector<TaskDraft> drafts;
  if (spec.role.empty()) {
    parser.ParseFile(path, spec.file_location, scope, &drafts);
  } else {
    drafts = spec.role_tasks;
  }
  if (root.error_count() == 0) {
    FieldReader reader(spec.role.empty() ? path : spec.file_location.file,
                       std::filesystem::path(path).parent_path().string());
    LinkIncludedTasks(&drafts, include.id, play_.handlers, &reader);
    Diagnostics errors;
    reader.Flush(&errors);
    root.Adopt(errors, spec.file_location);
  }
  Diagnostics errors;
  root.Flush(&errors);
  if (!errors.empty()) {
    return Status::Error(fmt::format("{}: {} has {}:\n{}", include.module,
                                     spec.role.empty() ? path : "role " + spec.role,
                                     errors.size() == 1 ? "an error" : "errors", errors.Format()));
  }
  auto file = std::make_shared<IncludedFile>();
  file->path = spec.role.empty() ? path : spec.role;
  for (size_t i = 0; i < drafts.size(); ++i) {
    drafts[i].spec.index = i;
    InheritFromPlay(play_, &drafts[i].spec);
    file->tasks.push_back(std::move(drafts[i].spec));
  }
  return std::shared_ptr<const IncludedFile>(std::move(file));
}

}  // namespace hostprep
