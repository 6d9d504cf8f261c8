// What a module learns about a host: the read-only questions the engine asks
// for it (RemoteRead) and their answers (ReadResult: a file's status, its
// content, a query's output), with the privilege they are asked with.
// Plain data, part of the module API: modules read these, the transports
// fill them in (engine/transport/transport.h includes this, not the reverse).
#ifndef HOSTPREP_ENGINE_MODULE_READ_RESULT_H_
#define HOSTPREP_ENGINE_MODULE_READ_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"

namespace hostprep {

// How a host's commands become another user: Ansible's become_method.
enum class BecomeMethod { kSudo, kSu };

// Privilege escalation for one request: run as `user` through sudo or su.
struct Become {
  bool enabled = false;
  std::string user;                     // "" = root
  std::vector<std::string> flags = {};  // become_flags: sudo's -H, -E; su's -m
  BecomeMethod method = BecomeMethod::kSudo;
};

// The method a become_method value names (sudo, su, ansible.builtin.sudo,
// ansible.builtin.su, spaces around), or nullopt.
std::optional<BecomeMethod> BecomeMethodNamed(const std::string& name);

// The two run as the same user (the user does not matter without become).
bool SameBecome(const Become& a, const Become& b);

struct ExecResult {
  int exit_code = 0;  // 128+N when killed by signal N; 124 on timeout
  std::string stdout_data;
  std::string stderr_data;
};

enum class FileType { kMissing, kFile, kDirectory, kSymlink, kOther };

struct FileInfo {
  FileType type = FileType::kMissing;
  unsigned mode = 0;  // permission bits, including setuid/setgid/sticky (07777)
  std::string owner;  // user name (numeric id when the name is unknown)
  std::string group;  // group name (numeric id when the name is unknown)
  uint64_t size = 0;
  std::string link_target;  // for kSymlink
  uint32_t uid = 0;         // numeric owner and group, as Ansible reports them
  uint32_t gid = 0;
  bool exists() const { return type != FileType::kMissing; }
};

// One read-only question about the host, for ReadMany.
struct RemoteRead {
  enum class Kind {
    kStat,      // lstat `path` (Stat's semantics)
    kReadFile,  // content of `path` (ReadFile's semantics)
    kExec,      // run the read-only query `argv`; stdin is empty
  };
  Kind kind = Kind::kStat;
  std::string path;
  std::vector<std::string> argv;

  bool operator==(const RemoteRead&) const = default;
};

// The answer to one read, in the same position as the read.
struct ReadResult {
  Status status;  // the read itself failed (permission denied, ...)
  FileInfo stat;  // kStat
  std::optional<std::string>
      content;      // kReadFile (and the engine's local reads); nullopt = missing
  ExecResult exec;  // kExec
  Value value;      // the controller's answers: kEvaluate, kCondition, kSetting
};

// The two answers are the same: same error, content, file info and output.
bool SameAnswer(const ReadResult& a, const ReadResult& b);

// A read as the transport makes it: with its privilege.
struct PendingRead {
  Become become;
  RemoteRead read;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_MODULE_READ_RESULT_H_
