// An in-memory host for engine and scheduler tests: a small filesystem,
// scripted command answers, a record of every call, and injectable failures.
//
// Thread-compatible: one FakeTransport serves one host on one thread, and it
// shares nothing with other instances, so tests may run many in parallel.
#ifndef HOSTPREP_ENGINE_TRANSPORT_FAKE_TRANSPORT_H_
#define HOSTPREP_ENGINE_TRANSPORT_FAKE_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/transport/transport.h"

namespace hostprep {

class FakeTransport final : public Transport {
 public:
  // One call made on the transport, in order.
  struct Call {
    enum class Kind { kConnect, kExec, kReadFile, kWriteFile, kStat };
    Kind kind = Kind::kExec;
    std::string path;               // ReadFile, WriteFile, Stat
    std::vector<std::string> argv;  // Exec; WriteFile: the validate argv as run
    std::string data;               // Exec: stdin; WriteFile: content
    Become become;
  };

  // Answers an Exec, or nullopt to fall through to the response table.
  using ExecHandler = std::function<std::optional<ExecResult>(const ExecRequest&)>;

  explicit FakeTransport(std::string name = "fake");

  // --- the filesystem. Paths are absolute; "a//b/" is "a/b". Adding an
  // entry creates its missing parent directories (0755, root). New files
  // and directories belong to the owner/group set here.
  void AddFile(const std::string& path, const std::string& content, unsigned mode = 0644,
               const std::string& owner = "root", const std::string& group = "root");
  void AddDirectory(const std::string& path, unsigned mode = 0755,
                    const std::string& owner = "root", const std::string& group = "root");
  void AddSymlink(const std::string& path, const std::string& target);
  void Remove(const std::string& path);  // and everything below it
  // Any operation touching `path` (or below it) fails with "permission denied".
  void DenyAccess(const std::string& path);
  // lstat of the entry; kMissing when there is none.
  FileInfo Info(const std::string& path) const;
  // Content of a regular file (symlinks followed); nullopt otherwise.
  std::optional<std::string> Content(const std::string& path) const;
  // Every path in the filesystem, sorted.
  std::vector<std::string> Paths() const;

  // --- commands. The handler is asked first, then the table: the longest
  // argv prefix wins. An unanswered command exits 127 with stderr
  // "fake: no scripted answer for: ARGV".
  void SetExecHandler(ExecHandler handler) { handler_ = std::move(handler); }
  void AddExecResponse(std::vector<std::string> argv_prefix, ExecResult result);

  // --- failures.
  // Connect (and every later operation) fails: "connect to NAME: MESSAGE",
  // an unreachable Status.
  void SetUnreachable(std::string message);
  // After `operations` more successful operations (Exec, ReadFile,
  // WriteFile, Stat), every operation fails with "connection to NAME lost",
  // an unreachable Status, as a real transport reports a lost connection.
  void FailAfter(int operations);
  // The host goes away (a reboot): every operation fails with "connection
  // to NAME lost" until a Connect succeeds, and the next
  // `refused_connects` Connects fail with "connect to NAME: connection
  // refused" (unreachable Statuses).
  void LoseConnection(int refused_connects);

  // --- what happened.
  const std::vector<Call>& calls() const { return calls_; }
  bool connected() const { return connected_; }
  int CountCalls(Call::Kind kind) const;
  void ClearCalls() { calls_.clear(); }

  // Transport.
  Status Connect() override;
  Result<ExecResult> Exec(const ExecRequest& request) override;
  Result<std::optional<std::string>> ReadFile(const std::string& path,
                                              const Become& become) override;
  Status WriteFile(const WriteRequest& request) override;
  Result<FileInfo> Stat(const std::string& path, const Become& become) override;
  // Answers each read as its own call (recorded in calls()), but counts one
  // round trip for the whole batch, as the shell transports make.
  Result<std::vector<ReadResult>> ReadMany(const std::vector<RemoteRead>& reads,
                                           const Become& become, int timeout_seconds) override;
  // Likewise: each step is its own call, the batch one round trip.
  Result<std::vector<StepResult>> RunSteps(const std::vector<Step>& steps, const Become& become,
                                           int timeout_seconds) override;
  TransportStats stats() const override { return stats_; }
  std::string description() const override { return "fake " + name_; }

 private:
  struct Entry {
    FileInfo info;
    std::string content;
  };

  Status BeginOperation();
  ExecResult Answer(const ExecRequest& request) const;
  Status CheckAccess(const std::string& verb, const std::string& path) const;
  // Follows symlinks (up to 40, like the kernel); "" when a link loops.
  std::string Resolve(const std::string& path) const;
  void MakeParents(const std::string& path);

  std::string name_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> denied_;
  ExecHandler handler_;
  std::vector<std::pair<std::vector<std::string>, ExecResult>> responses_;
  std::optional<std::string> unreachable_;
  std::optional<int> operations_left_;
  bool lost_ = false;         // LoseConnection: until the next Connect
  int refused_connects_ = 0;  // LoseConnection: Connects still to refuse
  bool connected_ = false;
  std::vector<Call> calls_;
  TransportStats stats_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_FAKE_TRANSPORT_H_
