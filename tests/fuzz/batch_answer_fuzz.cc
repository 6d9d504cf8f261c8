// The parser of the remote batch script's answer (ParseSteps), fed what a
// compromised target may send back to a fixed request: stats, reads and
// queries (streamed, and answered at once for a guard), a guard, a write, a
// command, and reads after them. The target controls the answer completely:
// forged markers and tags, lying sizes and step numbers, binary noise. The
// input is
//   EXIT STDOUT [ "\n--stderr--\n" STDERR ]
// where EXIT is one byte: the exit code is 0 below 0xf0, else EXIT - 0xf0.
// The answer marker is the fixed kKey below, so seeds can frame segments.
//
// Whatever comes back, the engine must get either an error or one result per
// step, and the reads to ask again must be what the transport can ask again:
// reads of files streamed in the batch, not yet answered.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/transport/remote_steps.h"
#include "engine/transport/transport.h"
#include "tests/fuzz/fuzz_util.h"

namespace hostprep {
namespace {

// 32 digits frame the answer; the last 16 name the temp files of writes.
const std::string kKey =
    "0123456789abcdef0123456789abcdef"
    "fedcba9876543210";
constexpr char kStderrSeparator[] = "\n--stderr--\n";

using K = RemoteRead::Kind;

const std::vector<Step>& Steps() {
  static const std::vector<Step>* steps = [] {
    WriteRequest write;
    write.path = "/etc/hostprep/c.conf";
    write.content = "content\n";
    write.mode = 0644;
    write.validate_argv = {"/usr/bin/check", "%s"};
    return new std::vector<Step>{
        Step::Read({K::kStat, "/etc/a", {}}),                           // 0 s
        Step::Read({K::kReadFile, "/etc/b", {}}),                       // 1 r
        Step::Read({K::kExec, "", {"/bin/sh", "-c", "echo $1", "q"}}),  // 2 x
        Step::Read({K::kStat, "/etc/a", {}}, true),                     // 3 S
        Step::Read({K::kReadFile, "/etc/b", {}}, true),                 // 4 R
        Step::Read({K::kExec, "", {"cat", "/proc/x"}}, true),           // 5 Q
        Step::Guard({{3, 3}, {4, 4}}),                                  // 6 g
        Step::Write(write),                                             // 7 w
        Step::Exec({"systemctl", "restart", "x"}, "in"),                // 8 X
        Step::Read({K::kReadFile, "/proc/sys/net/x", {}}),              // 9 r
        Step::Read({K::kStat, "/etc/link", {}}),                        // 10 s
    };
  }();
  return *steps;
}

bool IsStreamedFileRead(const Step& step) {
  return step.kind == Step::Kind::kRead && step.read.kind == K::kReadFile && !step.now;
}

void CheckResults(const Result<std::vector<StepResult>>& results,
                  const std::vector<size_t>* again) {
  if (!results.ok()) {
    fuzz::RequireMessage(results.message());
    return;
  }
  const std::vector<Step>& steps = Steps();
  fuzz::Require(results->size() == steps.size(), "one result per step");
  if (again != nullptr) {
    for (size_t i = 0; i < again->size(); ++i) {
      const size_t step = (*again)[i];
      fuzz::Require(step < steps.size(), "a read to ask again is a step");
      fuzz::Require(i == 0 || (*again)[i - 1] < step, "reads to ask again are listed in order");
      fuzz::Require(IsStreamedFileRead(steps[step]),
                    "only a streamed file read is asked again (the transport re-asks its read)");
      fuzz::Require(!(*results)[step].ran, "a read to ask again has no answer yet");
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepResult& r = (*results)[i];
    if (!r.ran) continue;
    if (!r.status.ok()) fuzz::RequireMessage(r.status.message());
    if (!r.read.status.ok()) fuzz::RequireMessage(r.read.status.message());
  }
}

void FuzzBatchAnswer(const std::string& input) {
  if (input.empty()) return;
  ExecResult answer;
  const unsigned char exit_byte = static_cast<unsigned char>(input[0]);
  answer.exit_code = exit_byte < 0xf0 ? 0 : exit_byte - 0xf0;
  const std::string rest = input.substr(1);
  const size_t cut = rest.find(kStderrSeparator);
  answer.stdout_data = rest.substr(0, cut);
  if (cut != std::string::npos) answer.stderr_data = rest.substr(cut + sizeof kStderrSeparator - 1);

  std::vector<size_t> again;
  CheckResults(ParseSteps(Steps(), kKey, answer, &again), &again);
  CheckResults(ParseSteps(Steps(), kKey, answer), nullptr);
}

}  // namespace
}  // namespace hostprep

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hostprep::fuzz::kMaxInput) return -1;
  hostprep::FuzzBatchAnswer(hostprep::fuzz::Text(data, size));
  return 0;
}
