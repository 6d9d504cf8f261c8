#include "engine/inventory/dynamic_inventory.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "engine/base/text.h"
#include "engine/inventory/host_range.h"

namespace hostprep {

namespace {

std::string CommandLine(const std::string& path, const std::vector<std::string>& args) {
  std::string out = path;
  for (const std::string& a : args) out += " " + a;
  return out;
}

enum class DrainEnd { kClosed, kTimedOut, kTooLarge };

// Reads everything from `out_fd` and `err_fd` until both close, `deadline`
// passes, or together they printed more than `limit` bytes.
DrainEnd Drain(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline, size_t limit,
               std::string* out, std::string* err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {out, err};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return DrainEnd::kTimedOut;
    int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return DrainEnd::kTimedOut;  // timed out (or poll broke): the caller kills
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
        if (out->size() + err->size() > limit) return DrainEnd::kTooLarge;
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  return DrainEnd::kClosed;
}

}  // namespace

Result<std::string> RunInventoryScript(const std::string& path,
                                       const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout) {
  const std::string what = fmt::format("inventory script '{}'", CommandLine(path, args));
  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Status::Error(what + ": pipe: " + strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return Status::Error(what + ": pipe: " + strerror(errno));
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    // Own process group, so a timeout kills whatever the script started too.
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execv(path.c_str(), argv.data());
    int e = errno;
    ssize_t ignored = write(exec_pipe[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  // Both sides set the group, so a kill at the timeout cannot race the child.
  if (pid > 0) setpgid(pid, pid);
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(exec_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(exec_pipe[0]);
    return Status::Error(what + ": fork: " + strerror(errno));
  }
  std::string out, err;
  const DrainEnd end = Drain(out_pipe[0], err_pipe[0], std::chrono::steady_clock::now() + timeout,
                             kInventoryScriptMaxOutput, &out, &err);
  if (end != DrainEnd::kClosed) kill(-pid, SIGKILL);
  int exec_errno = 0;
  bool exec_failed = read(exec_pipe[0], &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  close(out_pipe[0]);
  close(err_pipe[0]);
  close(exec_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (exec_failed)
    return Status::Error(fmt::format("cannot run {}: {}", what, strerror(exec_errno)));
  if (end == DrainEnd::kTimedOut) {
    return Status::Error(fmt::format("{} did not finish within {} s and was killed", what,
                                     timeout.count() / 1000.0));
  }
  if (end == DrainEnd::kTooLarge) {
    out.clear();
    err.clear();
    return Status::Error(fmt::format(
        "{} printed more than {} MiB and was killed: an inventory is not that large; check what "
        "the script prints",
        what, kInventoryScriptMaxOutput >> 20));
  }
  if (WIFSIGNALED(status)) {
    return Status::Error(fmt::format("{} was killed by signal {}", what, WTERMSIG(status)));
  }
  if (WEXITSTATUS(status) != 0) {
    std::string detail = Trim(err);
    return Status::Error(fmt::format("{} failed with exit code {}{}", what, WEXITSTATUS(status),
                                     detail.empty() ? "" : ": " + detail));
  }
  return out;
}

namespace {

Result<Value> ParseJson(const std::string& what, const std::string& text) {
  try {
    return Value::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(fmt::format("{} printed invalid JSON: {}", what, e.what()));
  }
}

class JsonInventoryReader {
 public:
  JsonInventoryReader(const std::string& path, InventoryBuilder* builder, Diagnostics* diags)
      : path_(path), builder_(builder), diags_(diags) {}

  void Error(std::string message) {
    diags_->Add(SourceLocation{path_, 0, 0}, std::move(message));
    ++errors_;
  }

  void ReadGroup(const std::string& group, const Value& data) {
    builder_->AddGroup(group, SourceLocation{path_, 0, 0});
    if (data.is_array()) {
      AddHosts(group, data);
      return;
    }
    if (!data.is_object()) {
      Error(
          fmt::format("group '{}' must be a list of hosts or a mapping with hosts, vars and "
                      "children, not {}",
                      group, TypeName(data)));
      return;
    }
    for (auto it = data.begin(); it != data.end(); ++it) {
      const std::string& key = it.key();
      if (key == "hosts") {
        if (it->is_array()) {
          AddHosts(group, *it);
        } else {
          Error(fmt::format("hosts of group '{}' must be a list, not {}", group, TypeName(*it)));
        }
      } else if (key == "vars") {
        if (!it->is_object()) {
          Error(fmt::format("vars of group '{}' must be a mapping, not {}", group, TypeName(*it)));
          continue;
        }
        for (auto v = it->begin(); v != it->end(); ++v) {
          builder_->SetGroupVar(group, v.key(), v.value(), path_);
        }
      } else if (key == "children") {
        AddChildren(group, *it);
      } else {
        Error(fmt::format("unknown key '{}' in group '{}'{}: a group has hosts, vars and children",
                          key, group, DidYouMeanSuffix(key, {"hosts", "vars", "children"})));
      }
    }
  }

  void AddHosts(const std::string& group, const Value& hosts) {
    for (const Value& h : hosts) {
      if (!h.is_string() || h.get<std::string>().empty()) {
        Error(fmt::format("a host in group '{}' must be a non-empty string, not {}", group,
                          h.dump()));
        continue;
      }
      if (std::string problem = HostNameProblem(h.get<std::string>()); !problem.empty()) {
        Error(fmt::format("group '{}': {}", group, problem));
        continue;
      }
      builder_->AddHost(h.get<std::string>(), group, SourceLocation{path_, 0, 0});
      seen_hosts_.insert(h.get<std::string>());
    }
  }

  void AddChildren(const std::string& group, const Value& children) {
    if (!children.is_array()) {
      Error(fmt::format("children of group '{}' must be a list of group names, not {}", group,
                        TypeName(children)));
      return;
    }
    for (const Value& c : children) {
      if (!c.is_string() || c.get<std::string>().empty()) {
        Error(fmt::format("a child of group '{}' must be a group name, not {}", group, c.dump()));
        continue;
      }
      if (!builder_->AddChild(group, c.get<std::string>(), SourceLocation{path_, 0, 0}, diags_)) {
        ++errors_;
      }
    }
  }

  void SetHostVars(const std::string& host, const Value& vars, const std::string& where) {
    if (vars.is_null()) return;
    if (!vars.is_object()) {
      Error(fmt::format("{} for host '{}' must be a mapping, not {}", where, host, TypeName(vars)));
      return;
    }
    for (auto v = vars.begin(); v != vars.end(); ++v) {
      builder_->SetHostVar(host, v.key(), v.value(), path_);
    }
  }

  const std::set<std::string>& seen_hosts() const { return seen_hosts_; }
  int errors() const { return errors_; }

 private:
  const std::string& path_;
  InventoryBuilder* builder_;
  Diagnostics* diags_;
  std::set<std::string> seen_hosts_;
  int errors_ = 0;
};

}  // namespace

bool LoadInventoryJson(const std::string& path, const std::string& json, InventoryBuilder* builder,
                       Diagnostics* diags, const HostVarsFetcher& host_vars) {
  const std::string what = fmt::format("inventory script '{} --list'", path);
  Result<Value> data = ParseJson(what, json);
  // These messages name the script themselves: no location in front.
  if (!data.ok()) {
    diags->Add(SourceLocation{}, data.message());
    return false;
  }
  if (!data->is_object()) {
    diags->Add(SourceLocation{},
               fmt::format("{} must print a JSON object of groups, not {}", what, TypeName(*data)));
    return false;
  }
  JsonInventoryReader reader(path, builder, diags);
  for (auto it = data->begin(); it != data->end(); ++it) {
    if (it.key() != "_meta") reader.ReadGroup(it.key(), it.value());
  }
  auto meta = data->find("_meta");
  if (meta != data->end()) {
    const Value* hostvars = nullptr;
    if (meta->is_object() && meta->contains("hostvars")) hostvars = &(*meta)["hostvars"];
    if (hostvars != nullptr && !hostvars->is_object()) {
      reader.Error(fmt::format("_meta.hostvars must be a mapping of host names, not {}",
                               TypeName(*hostvars)));
    } else if (hostvars != nullptr) {
      // As Ansible does, only hosts that some group lists are taken.
      for (const std::string& host : reader.seen_hosts()) {
        auto v = hostvars->find(host);
        if (v != hostvars->end()) reader.SetHostVars(host, *v, "_meta.hostvars");
      }
    }
    return reader.errors() == 0;
  }
  for (const std::string& host : reader.seen_hosts()) {
    Result<std::string> out = host_vars(host);
    if (!out.ok()) {
      reader.Error(out.message());
      continue;
    }
    Result<Value> vars =
        ParseJson(fmt::format("inventory script '{} --host {}'", path, host), *out);
    if (!vars.ok()) {
      reader.Error(vars.message());
      continue;
    }
    reader.SetHostVars(host, *vars, "--host output");
  }
  return reader.errors() == 0;
}

bool LoadDynamicInventory(const std::string& path, InventoryBuilder* builder, Diagnostics* diags,
                          std::chrono::milliseconds timeout) {
  Result<std::string> out = RunInventoryScript(path, {"--list"}, timeout);
  if (!out.ok()) {
    diags->Add(SourceLocation{}, out.message());
    return false;
  }
  return LoadInventoryJson(path, *out, builder, diags, [&](const std::string& host) {
    return RunInventoryScript(path, {"--host", host}, timeout);
  });
}

}  // namespace hostprep
