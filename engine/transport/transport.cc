#include "engine/transport/transport.h"

namespace hostprep {

Result<std::vector<ReadResult>> Transport::ReadMany(const std::vector<RemoteRead>& reads,
                                                    const Become& become, int timeout_seconds) {
  // Each operation's error stays with its read, as Stat/ReadFile cannot tell
  // "permission denied" from a lost connection; the module reports it.
  std::vector<ReadResult> results;
  results.reserve(reads.size());
  for (const RemoteRead& read : reads) {
    ReadResult r;
    switch (read.kind) {
      case RemoteRead::Kind::kStat: {
        Result<FileInfo> s = Stat(read.path, become);
        if (s.ok()) r.stat = *s; else r.status = s.status();
        break;
      }
      case RemoteRead::Kind::kReadFile: {
        Result<std::optional<std::string>> c = ReadFile(read.path, become);
        if (c.ok()) r.content = *c; else r.status = c.status();
        break;
      }
      case RemoteRead::Kind::kExec: {
        ExecRequest request;
        request.argv = read.argv;
        request.become = become;
        request.timeout_seconds = timeout_seconds;
        Result<ExecResult> e = Exec(request);
        if (e.ok()) r.exec = *e; else r.status = e.status();
        break;
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

Result<std::vector<StepResult>> Transport::RunSteps(const std::vector<Step>& steps,
                                                    const Become& become, int timeout_seconds) {
  std::vector<StepResult> results(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    StepResult& r = results[i];
    r.ran = true;
    if (step.kind == Step::Kind::kGuard) {
      for (const auto& [a, b] : step.same) {
        if (!SameAnswer(results[a].read, results[b].read)) r.exec.exit_code = 1;
      }
      if (r.exec.exit_code != 0) break;
      continue;
    }
    if (step.kind == Step::Kind::kRead) {
      Result<std::vector<ReadResult>> answer = ReadMany({step.read}, become, timeout_seconds);
      if (!answer.ok()) return answer.status();
      r.read = std::move(answer->front());
      continue;
    }
    if (step.kind == Step::Kind::kWrite) {
      WriteRequest write = step.write;
      write.become = become;
      r.status = WriteFile(write);
      if (!r.status.ok()) break;
      continue;
    }
    ExecRequest request;
    request.argv = step.argv;
    request.stdin_data = step.stdin_data;
    request.become = become;
    request.timeout_seconds = timeout_seconds;
    Result<ExecResult> exec = Exec(request);
    if (!exec.ok()) return exec.status();
    r.exec = std::move(*exec);
    if (r.exec.exit_code != 0) break;
  }
  return results;
}

}  // namespace hostprep
