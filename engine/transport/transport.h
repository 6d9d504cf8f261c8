// The only way the engine touches a host. Modules never see a Transport: they
// declare reads and actions, and the engine carries them out through one.
//
// Implementations: LocalTransport (this machine, `connection: local`),
// SshTransport (libssh), FakeTransport (in-memory, for tests). Every method
// may block on I/O. One Transport serves one host and is used by one thread
// at a time (the host's worker); it is not thread-safe.
//
// Errors: a Status error from any method means the host could not be reached
// or the operation could not be carried out at all (connection lost, sudo
// refused, permission denied writing a file). A command that ran and exited
// non-zero is not a transport error: it is an ExecResult with exit_code != 0.
#ifndef HOSTPREP_ENGINE_TRANSPORT_TRANSPORT_H_
#define HOSTPREP_ENGINE_TRANSPORT_TRANSPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/read_result.h"

namespace hostprep {

struct ExecRequest {
  std::vector<std::string> argv;  // run as is, never re-split by a shell
  std::string stdin_data;         // sent on stdin, then stdin is closed
  Become become;
  int timeout_seconds = 0;  // 0 = no limit
};

struct WriteRequest {
  std::string path;
  std::string content;
  std::optional<unsigned> mode;  // unset: keep the old file's mode, else 0644 (umask-free)
  std::string owner;             // "" = keep / default
  std::string group;             // "" = keep / default
  // A command run on the new content before it replaces `path`; "%s" in any
  // argument is replaced by the temp file's path. Non-zero exit = refused.
  std::vector<std::string> validate_argv;
  // A symlink at `path`: true writes to the file it resolves to; false
  // replaces the link itself with the new file (Ansible's copy with
  // follow: false).
  bool follow = true;
  Become become;
};

// One step of Transport::RunSteps: a change (a file write or a command), a
// read, or a guard. A change's become and timeout are the batch's.
struct Step {
  enum class Kind { kRead, kWrite, kExec, kGuard };
  Kind kind = Kind::kRead;
  RemoteRead read;                // kRead
  bool now = false;               // kRead: answered on its own (a guard compares it)
  WriteRequest write;             // kWrite (write.become is ignored)
  std::vector<std::string> argv;  // kExec: run as is, never re-split by a shell
  std::string stdin_data;         // kExec
  // kGuard: pairs of earlier `now` read steps (by position) whose answers
  // must be the same; when any pair differs the guard fails, which stops
  // the batch as a failed change does.
  std::vector<std::pair<size_t, size_t>> same;

  static Step Read(RemoteRead r, bool now = false) {
    Step s;
    s.read = std::move(r);
    s.now = now;
    return s;
  }
  static Step Guard(std::vector<std::pair<size_t, size_t>> same) {
    Step s;
    s.kind = Kind::kGuard;
    s.same = std::move(same);
    return s;
  }
  static Step Write(WriteRequest w) {
    Step s;
    s.kind = Kind::kWrite;
    s.write = std::move(w);
    return s;
  }
  static Step Exec(std::vector<std::string> argv, std::string stdin_data = "") {
    Step s;
    s.kind = Kind::kExec;
    s.argv = std::move(argv);
    s.stdin_data = std::move(stdin_data);
    return s;
  }
};

// The outcome of one step, in the same position as the step.
struct StepResult {
  bool ran = false;  // false: an earlier change or guard failed, so this step was not run
  Status status;     // kWrite: WriteFile's outcome
  ExecResult exec;   // kExec: the command's result; kGuard: exit code 0 when all pairs matched
  ReadResult read;   // kRead: the read's answer
};

// Counters for --stats and the round-trip tests.
struct TransportStats {
  uint64_t round_trips = 0;  // remote operations that waited for an answer
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Opens the connection (idempotent). An error means unreachable.
  virtual Status Connect() = 0;

  virtual Result<ExecResult> Exec(const ExecRequest& request) = 0;

  // The file's content, or nullopt when it does not exist.
  virtual Result<std::optional<std::string>> ReadFile(const std::string& path,
                                                      const Become& become) = 0;

  // Writes atomically: a temp file in the same directory, fsync, rename. A
  // failure at any point leaves the old file as it was.
  virtual Status WriteFile(const WriteRequest& request) = 0;

  // lstat(2) of `path`: a symlink is reported as kSymlink, not followed.
  virtual Result<FileInfo> Stat(const std::string& path, const Become& become) = 0;

  // Answers every read in `reads`, in order, with the semantics of Stat,
  // ReadFile and Exec. A read that fails on its own (permission denied)
  // carries its error in its ReadResult; an error Status means the host
  // could not be asked. The base version makes one call per read; shell
  // transports override it to answer all of them in one round trip.
  virtual Result<std::vector<ReadResult>> ReadMany(const std::vector<RemoteRead>& reads,
                                                   const Become& become, int timeout_seconds);

  // Runs `steps` in order, with the semantics of WriteFile, Exec and
  // ReadMany's reads. A change that fails (a write's error, a command's
  // non-zero exit) or a guard that fails stops the batch: the steps after it
  // are not run. A read never stops it. An error Status means the host could not be asked; the
  // changes may then have run in part. The base version makes one call per
  // step; shell transports override it to run all of them in one round trip.
  virtual Result<std::vector<StepResult>> RunSteps(const std::vector<Step>& steps,
                                                   const Become& become, int timeout_seconds);

  virtual TransportStats stats() const = 0;

  // A short description for messages: "local", "ssh root@10.0.0.1:22".
  virtual std::string description() const = 0;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_TRANSPORT_H_
