#include "engine/transport/fake_transport.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/base/text.h"

namespace hostprep {

namespace {

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> out;
  for (std::string& part : Split(path, '/')) {
    if (!part.empty() && part != ".") out.push_back(std::move(part));
  }
  return out;
}

// "/a//b/./c/" -> "/a/b/c"; ".." is taken lexically.
std::string Normalize(const std::string& path) {
  std::vector<std::string> parts;
  for (std::string& part : Components(path)) {
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(std::move(part));
    }
  }
  std::string out;
  for (const std::string& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

std::string ParentOf(const std::string& normalized) {
  const size_t slash = normalized.rfind('/');
  return slash == 0 ? "/" : normalized.substr(0, slash);
}

std::string ChildPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string Base(const std::string& normalized) {
  return normalized.substr(normalized.rfind('/') + 1);
}

std::string ArgvText(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + ShellQuote(a);
  return out;
}

}  // namespace

FakeTransport::FakeTransport(std::string name) : name_(std::move(name)) {
  entries_["/"].info = {FileType::kDirectory, 0755, "root", "root", 4096, ""};
}

void FakeTransport::MakeParents(const std::string& path) {
  std::string dir = ParentOf(path);
  std::vector<std::string> missing;
  while (!entries_.count(dir)) {
    missing.push_back(dir);
    dir = ParentOf(dir);
  }
  for (const std::string& d : missing) {
    entries_[d].info = {FileType::kDirectory, 0755, "root", "root", 4096, ""};
  }
}

void FakeTransport::AddFile(const std::string& path, const std::string& content, unsigned mode,
                            const std::string& owner, const std::string& group) {
  const std::string p = Normalize(path);
  MakeParents(p);
  entries_[p] = {{FileType::kFile, mode, owner, group, content.size(), ""}, content};
}

void FakeTransport::AddDirectory(const std::string& path, unsigned mode, const std::string& owner,
                                 const std::string& group) {
  const std::string p = Normalize(path);
  MakeParents(p);
  entries_[p] = {{FileType::kDirectory, mode, owner, group, 4096, ""}, ""};
}

void FakeTransport::AddSymlink(const std::string& path, const std::string& target) {
  const std::string p = Normalize(path);
  MakeParents(p);
  entries_[p] = {{FileType::kSymlink, 0777, "root", "root", target.size(), target}, ""};
}

void FakeTransport::Remove(const std::string& path) {
  const std::string p = Normalize(path);
  for (auto it = entries_.begin(); it != entries_.end();) {
    const bool below = p == "/" ? it->first != "/" : StartsWith(it->first, p + "/");
    it = (it->first == p && p != "/") || below ? entries_.erase(it) : std::next(it);
  }
}

void FakeTransport::DenyAccess(const std::string& path) { denied_.push_back(Normalize(path)); }

std::string FakeTransport::Resolve(const std::string& path) const {
  std::vector<std::string> todo = Components(path);
  std::reverse(todo.begin(), todo.end());
  std::string current = "/";
  int hops = 0;
  while (!todo.empty()) {
    const std::string part = todo.back();
    todo.pop_back();
    if (part == "..") {
      current = ParentOf(current);
      continue;
    }
    const std::string next = ChildPath(current, part);
    auto it = entries_.find(next);
    if (it == entries_.end() || it->second.info.type != FileType::kSymlink) {
      current = next;
      continue;
    }
    if (++hops > 40) return "";
    const std::string& target = it->second.info.link_target;
    std::vector<std::string> more = Components(target);
    todo.insert(todo.end(), more.rbegin(), more.rend());
    if (StartsWith(target, "/")) current = "/";
  }
  return current;
}

FileInfo FakeTransport::Info(const std::string& path) const {
  const std::string p = Normalize(path);
  // lstat: the parents are followed, the last component is not.
  const std::string parent = p == "/" ? "/" : Resolve(ParentOf(p));
  auto it = entries_.find(p == "/" ? p : ChildPath(parent, Base(p)));
  return it == entries_.end() ? FileInfo{} : it->second.info;
}

std::optional<std::string> FakeTransport::Content(const std::string& path) const {
  auto it = entries_.find(Resolve(path));
  if (it == entries_.end() || it->second.info.type != FileType::kFile) return std::nullopt;
  return it->second.content;
}

std::vector<std::string> FakeTransport::Paths() const {
  std::vector<std::string> out;
  for (const auto& [path, entry] : entries_) {
    if (path != "/") out.push_back(path);
  }
  return out;
}

void FakeTransport::AddExecResponse(std::vector<std::string> argv_prefix, ExecResult result) {
  responses_.emplace_back(std::move(argv_prefix), std::move(result));
}

void FakeTransport::SetUnreachable(std::string message) { unreachable_ = std::move(message); }

void FakeTransport::FailAfter(int operations) { operations_left_ = operations; }

int FakeTransport::CountCalls(Call::Kind kind) const {
  return static_cast<int>(
      std::count_if(calls_.begin(), calls_.end(), [&](const Call& c) { return c.kind == kind; }));
}

Status FakeTransport::BeginOperation() {
  if (unreachable_)
    return Status::Unreachable(fmt::format("connect to {}: {}", name_, *unreachable_));
  if (lost_) return Status::Unreachable(fmt::format("connection to {} lost", name_));
  if (operations_left_) {
    if (*operations_left_ <= 0)
      return Status::Unreachable(fmt::format("connection to {} lost", name_));
    --*operations_left_;
  }
  ++stats_.round_trips;
  return Status::Ok();
}

Status FakeTransport::CheckAccess(const std::string& verb, const std::string& path) const {
  const std::string p = Normalize(path);
  for (const std::string& d : denied_) {
    if (p == d || StartsWith(p, d == "/" ? "/" : d + "/")) {
      return Status::Error(fmt::format("{} {}: permission denied", verb, path));
    }
  }
  return Status::Ok();
}

ExecResult FakeTransport::Answer(const ExecRequest& request) const {
  if (handler_) {
    if (std::optional<ExecResult> answer = handler_(request)) return *answer;
  }
  const ExecResult* best = nullptr;
  size_t best_size = 0;
  for (const auto& [prefix, result] : responses_) {
    if (prefix.size() > request.argv.size() || (best && prefix.size() < best_size)) continue;
    if (std::equal(prefix.begin(), prefix.end(), request.argv.begin())) {
      best = &result;
      best_size = prefix.size();
    }
  }
  if (best) return *best;
  return {127, "", fmt::format("fake: no scripted answer for: {}\n", ArgvText(request.argv))};
}

Status FakeTransport::Connect() {
  calls_.push_back({Call::Kind::kConnect, "", {}, "", {}});
  if (unreachable_)
    return Status::Unreachable(fmt::format("connect to {}: {}", name_, *unreachable_));
  if (refused_connects_ > 0) {
    --refused_connects_;
    return Status::Unreachable(fmt::format("connect to {}: connection refused", name_));
  }
  lost_ = false;
  connected_ = true;
  return Status::Ok();
}

void FakeTransport::LoseConnection(int refused_connects) {
  lost_ = true;
  refused_connects_ = refused_connects;
}

Result<ExecResult> FakeTransport::Exec(const ExecRequest& request) {
  calls_.push_back({Call::Kind::kExec, "", request.argv, request.stdin_data, request.become});
  if (Status s = BeginOperation(); !s.ok()) return s;
  ExecResult result = Answer(request);
  stats_.bytes_sent += request.stdin_data.size();
  stats_.bytes_received += result.stdout_data.size() + result.stderr_data.size();
  return result;
}

Result<std::optional<std::string>> FakeTransport::ReadFile(const std::string& path,
                                                           const Become& become) {
  calls_.push_back({Call::Kind::kReadFile, path, {}, "", become});
  if (Status s = BeginOperation(); !s.ok()) return s;
  if (Status s = CheckAccess("read", path); !s.ok()) return s;
  auto it = entries_.find(Resolve(path));
  if (it == entries_.end()) return std::optional<std::string>();
  if (it->second.info.type == FileType::kDirectory) {
    return Status::Error(fmt::format("read {}: is a directory", path));
  }
  stats_.bytes_received += it->second.content.size();
  return std::optional<std::string>(it->second.content);
}

Result<FileInfo> FakeTransport::Stat(const std::string& path, const Become& become) {
  calls_.push_back({Call::Kind::kStat, path, {}, "", become});
  if (Status s = BeginOperation(); !s.ok()) return s;
  if (Status s = CheckAccess("stat", path); !s.ok()) return s;
  return Info(path);
}

Status FakeTransport::WriteFile(const WriteRequest& request) {
  calls_.push_back({Call::Kind::kWriteFile, request.path, {}, request.content, request.become});
  if (Status s = BeginOperation(); !s.ok()) return s;
  if (Status s = CheckAccess("write", request.path); !s.ok()) return s;
  stats_.bytes_sent += request.content.size();
  const std::string& path = request.path;
  // Written through a symlink to the file it resolves to, like the real one;
  // or, without follow, in the link's place.
  const std::string target = request.follow ? Resolve(path) : path;
  if (target.empty()) return Status::Error(fmt::format("write {}: too many symlinks", path));
  auto old = entries_.find(target);
  if (old != entries_.end() && old->second.info.type == FileType::kDirectory) {
    return Status::Error(fmt::format("write {}: is a directory", path));
  }
  const std::string dir = ParentOf(target);
  auto parent = entries_.find(dir);
  if (parent == entries_.end() || parent->second.info.type != FileType::kDirectory) {
    return Status::Error(fmt::format("write {}: directory {} does not exist", path, dir));
  }

  if (!request.validate_argv.empty()) {
    // The temp file exists while validation runs, so a handler can read it.
    const std::string temp = ChildPath(dir, ".hostprep.fake");
    ExecRequest validate;
    validate.become = request.become;
    for (const std::string& arg : request.validate_argv) {
      std::string a = arg;
      for (size_t at = a.find("%s"); at != std::string::npos; at = a.find("%s", at + temp.size())) {
        a.replace(at, 2, temp);
      }
      validate.argv.push_back(a);
    }
    calls_.back().argv = validate.argv;
    entries_[temp] = {{FileType::kFile, 0600, "root", "root", request.content.size(), ""},
                      request.content};
    ExecResult result = Answer(validate);
    entries_.erase(temp);
    if (result.exit_code != 0) {
      return Status::Error(
          fmt::format("write {}: validation failed: {}", path, Trim(result.stderr_data)));
    }
  }

  const bool replacing = old != entries_.end() && old->second.info.type != FileType::kSymlink;
  FileInfo info{FileType::kFile, 0644, "root", "root", request.content.size(), ""};
  if (replacing) {
    info.mode = old->second.info.mode;
    info.owner = old->second.info.owner;
    info.group = old->second.info.group;
  }
  if (request.mode) info.mode = *request.mode;
  if (!request.owner.empty()) info.owner = request.owner;
  if (!request.group.empty()) info.group = request.group;
  entries_[target] = {info, request.content};
  return Status::Ok();
}

Result<std::vector<ReadResult>> FakeTransport::ReadMany(const std::vector<RemoteRead>& reads,
                                                        const Become& become, int timeout_seconds) {
  if (reads.empty()) return std::vector<ReadResult>();
  const uint64_t before = stats_.round_trips;
  Result<std::vector<ReadResult>> results = Transport::ReadMany(reads, become, timeout_seconds);
  stats_.round_trips = before + 1;
  return results;
}

Result<std::vector<StepResult>> FakeTransport::RunSteps(const std::vector<Step>& steps,
                                                        const Become& become, int timeout_seconds) {
  if (steps.empty()) return std::vector<StepResult>();
  const uint64_t before = stats_.round_trips;
  Result<std::vector<StepResult>> results = Transport::RunSteps(steps, become, timeout_seconds);
  stats_.round_trips = before + 1;
  return results;
}

}  // namespace hostprep
