// File operations on a target that has only a POSIX sh and coreutils (or
// busybox): every file operation and batch of operations as one shell command,
// shared by LocalTransport and SshTransport.
//
// Every path and value travels as a positional argument of
//   sh -c SCRIPT sh ARG1 ARG2 ...
// and file content on stdin; the scripts below are constant text, so no value
// can become shell code whatever it holds (spaces, quotes, newlines, "$(...)").
//
// Tools used on the target: sh, cat, stat -c, mktemp, mv, chmod, chown, rm,
// readlink (-z where it works), sync, head -c, wc -c, cmp; all run with
// LC_ALL=C so their messages can be recognised.
#ifndef HOSTPREP_ENGINE_TRANSPORT_REMOTE_SHELL_H_
#define HOSTPREP_ENGINE_TRANSPORT_REMOTE_SHELL_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/transport/transport.h"

namespace hostprep {

// Whether `become` changes who runs a command: it is on and `login_user`
// is not the requested user ("" means root).
bool BecomeWraps(const Become& become, const std::string& login_user);

// The argv that runs `argv` with `become` through sudo: unchanged unless
// BecomeWraps, else
//   sudo -n -u USER -- argv...
// `-n` makes sudo fail instead of prompting; see CheckBecome.
std::vector<std::string> BecomeArgv(const Become& become, const std::string& login_user,
                                    const std::vector<std::string>& argv);

// The argv for become with a password: the password is the first line of
// stdin for `sudo -S -p ''`, then a line holding `marker`, then the request's
// own stdin; a small sh in front of `argv` drops every line up to the marker,
// so the command gets exactly its own stdin whether sudo asked for the
// password or not (NOPASSWD, cached credentials). Unlike BecomeArgv, always
// wraps: call it only when BecomeArgv did.
std::vector<std::string> PasswordBecomeArgv(const Become& become, const std::string& marker,
                                            const std::vector<std::string>& argv);

// The argv that runs `argv` as become.user through su (become_method: su):
// scripts/su_become.sh, which gives su only the password (the first line of
// stdin when `with_password`, followed by a line holding `marker`, as for
// PasswordBecomeArgv) and the command the rest of stdin, runs
// `su [-m] -s /bin/sh -c ... -- USER`, so the command is never a shell line
// and works for users whose login shell is not sh, and reports su's own
// refusal after `marker` with exit 125 (CheckSuBecome). Only su's -m of
// become.flags is passed on. Call it only when BecomeWraps.
std::vector<std::string> SuBecomeArgv(const Become& become, const std::string& marker,
                                      bool with_password, const std::vector<std::string>& argv);

// An error when su refused to run the command (SuBecomeArgv's exit 125 with
// its marker): a wrong or missing password, an unknown user. Ok otherwise,
// including when the command ran and failed.
Status CheckSuBecome(const ExecResult& result, const Become& become, const std::string& marker,
                     bool with_password);

// An error when a command run through sudo was refused by sudo itself
// ("sudo needs a password on this host: use --ask-become-pass"); ok otherwise,
// including when the command ran and failed.
Status CheckBecome(const ExecResult& result);

// The tool's own words for a failed command, for a message the user can act
// on ("permission denied"), without the "sh: 1:" or "cat: 'x':" noise.
std::string ShellFailureReason(const ExecResult& result);

// The request and the reading of its answer for each file operation. Split
// in two so the engine can batch several reads into one round trip later.
//
// ReadFile follows symlinks. Missing (or a path through a non-directory) is
// nullopt; "read PATH: permission denied", "read PATH: is a directory" and
// other failures are errors.
ExecRequest ReadFileCommand(const std::string& path, const Become& become);
Result<std::optional<std::string>> ParseReadFile(const std::string& path, const ExecResult& result);

// Stat has lstat(2) semantics: a symlink is kSymlink with its link_target.
// Missing is a FileInfo with type kMissing; permission denied is an error.
ExecRequest StatCommand(const std::string& path, const Become& become);
Result<FileInfo> ParseStat(const std::string& path, const ExecResult& result);

// WriteFile's answer: the content goes on stdin into
// `mktemp DIR/.hostprep.XXXXXX` beside the file, which gets its mode (given,
// else the old file's, else 0644) and owner/group (given, else the old
// file's when replacing and allowed), is checked with validate_argv ("%s" =
// the temp path), synced, and renamed over PATH with `mv -f`. A symlink at
// PATH is written through: the file it resolves to (readlink -f) is replaced
// and the link stays, as Ansible does. On any failure the temp file is
// removed and the old file is left as it was. A refused validation is
// "validation failed: STDERR". The write itself is a step of StepsCommand
// (engine/transport/remote_steps.h).
Status ParseWriteFile(const std::string& path, const ExecResult& result);

// A Transport whose file operations and batches are the commands above, each
// exactly one RunCommand, and whose Exec adds become. Subclasses supply the
// way to run an argv on the host.
class ShellTransport : public Transport {
 public:
  Result<ExecResult> Exec(const ExecRequest& request) final;
  Result<std::optional<std::string>> ReadFile(const std::string& path, const Become& become) final;
  Status WriteFile(const WriteRequest& request) final;
  Result<FileInfo> Stat(const std::string& path, const Become& become) final;
  // One round trip for all of `reads` (RunSteps of ReadSteps, remote_steps.h).
  Result<std::vector<ReadResult>> ReadMany(const std::vector<RemoteRead>& reads,
                                           const Become& become, int timeout_seconds) final;
  // One round trip for all of `steps` (StepsCommand).
  Result<std::vector<StepResult>> RunSteps(const std::vector<Step>& steps, const Become& become,
                                           int timeout_seconds) final;

  // With a password, become uses PasswordBecomeArgv instead of `sudo -n`,
  // and su gets it (SuBecomeArgv). The password only ever travels on the
  // command's stdin.
  void set_become_password(std::string password);

 protected:
  // Runs `argv` as the connected user (no shell re-splitting), feeding
  // `stdin_data`. Counts one round trip. Error Status only when the host
  // could not be asked at all; exit codes follow ExecResult.
  virtual Result<ExecResult> RunCommand(const std::vector<std::string>& argv,
                                        const std::string& stdin_data, int timeout_seconds) = 0;

  // The user commands run as without become, so that become to that same
  // user needs no sudo.
  virtual std::string login_user() const = 0;

 private:
  Result<ExecResult> SuExec(const ExecRequest& request);
  // The stdin of a command run with the become password: the password, the
  // marker, then the command's own (PasswordBecomeArgv, SuBecomeArgv).
  std::string PasswordStdin(const std::string& stdin_data) const;

  std::string become_password_;
  // Random per transport, see PasswordBecomeArgv and SuBecomeArgv.
  std::string become_marker_ = NewBecomeMarker();

  static std::string NewBecomeMarker();
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_REMOTE_SHELL_H_
