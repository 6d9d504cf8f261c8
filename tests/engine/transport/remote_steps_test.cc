#include "engine/transport/remote_steps.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace hostprep {
namespace {

// The marker tests use; a real one comes from NewAnswerMarker.
const std::string kKey =
    "0123456789abcdef0123456789abcdef"
    "fedcba9876543210";
const std::string kM = kKey.substr(0, 32);

// The framed answer of the remote script, from its segments.
std::string Seg(const std::string& data, const std::string& tag) {
  return data + "\n" + kM + " " + tag + "\n";
}
std::string Start() { return Seg("", "start"); }
std::string End() { return Seg("", "end"); }

using K = RemoteRead::Kind;

Result<std::vector<ReadResult>> ParseReads(const std::vector<RemoteRead>& reads,
                                           const ExecResult& result) {
  Result<std::vector<StepResult>> parsed = ParseSteps(ReadSteps(reads), kKey, result);
  if (!parsed.ok()) return parsed.status();
  return ReadAnswers(std::move(*parsed));
}

std::string Parse(const std::vector<RemoteRead>& reads, const ExecResult& r) {
  return ParseReads(reads, r).message();
}

TEST_CASE("answer markers are 48 random hex digits, new each time") {
  const std::string a = NewAnswerMarker();
  CHECK(a.size() == 48);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(NewAnswerMarker() != a);
}

TEST_CASE("the steps command sends the marker and contents on stdin, never in argv") {
  WriteRequest w;
  w.path = "/etc/x";
  w.content = "secret content";
  const std::vector<Step> steps = {Step::Read({K::kStat, "/etc/a", {}}), Step::Write(w),
                                   Step::Exec({"tee", "/y"}, "more")};
  const ExecRequest request = StepsCommand(steps, {}, kKey);
  CHECK(request.stdin_data == kM + "\nfedcba9876543210\nsecret contentmore");
  for (const std::string& arg : request.argv) {
    CHECK(arg.find(kM) == std::string::npos);
    CHECK(arg.find("secret") == std::string::npos);
  }
}

TEST_CASE("steps parser splits streamed answers, stat lines, links and blobs") {
  const std::vector<RemoteRead> reads = {
      {K::kReadFile, "/a", {}}, {K::kStat, "/a", {}},  {K::kStat, "/l", {}},
      {K::kReadFile, "/b", {}}, {K::kExec, "", {"q"}}, {K::kStat, "/gone", {}},
  };
  const std::string out = "motd from a login script\n" + Start() +
                          Seg("81a4 0 0 3 root root 11 100 100\n"
                              "81a4 0 0 3 root root 11 100 100\n"
                              "a1ff 0 0 1 root root 12 100 100\n"
                              "8180 0 0 2 root root 13 100 100",
                              "stat 0 1 2 3") +
                          Seg(std::string("target\nwith newline\0", 20), "link 2") +
                          Seg("aaabb", "blob 0 3") + Seg("out\nno newline", "o 4 3") +
                          Seg("", "o 5 1") + End();
  const std::string err = "sudo noise\n" + Start() + Seg("err", "e 4") +
                          Seg("stat: cannot statx '/gone': No such file or directory", "e 5") +
                          End();
  Result<std::vector<ReadResult>> r = ParseReads(reads, {0, out, err});
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK((*r)[0].content == std::string("aaa"));
  CHECK((*r)[1].stat.type == FileType::kFile);
  CHECK((*r)[1].stat.size == 3);
  CHECK((*r)[1].stat.owner == "root");
  CHECK((*r)[2].stat.type == FileType::kSymlink);
  CHECK((*r)[2].stat.link_target == "target\nwith newline");
  CHECK((*r)[3].content == std::string("bb"));
  CHECK((*r)[4].exec.exit_code == 3);
  CHECK((*r)[4].exec.stdout_data == "out\nno newline");
  CHECK((*r)[4].exec.stderr_data == "err");
  CHECK((*r)[5].status.ok());
  CHECK((*r)[5].stat.type == FileType::kMissing);
}

TEST_CASE("steps parser takes a voided blob's files from their own answers") {
  const std::vector<RemoteRead> reads = {{K::kReadFile, "/a", {}}};
  const std::string out = Start() + Seg("8180 0 0 3 root root 11 100 100", "stat 0") +
                          Seg("aaX", "void") + Seg("aaaa", "o 0 0") + End();
  const std::string err = Start() + Seg("", "e 0") + End();
  Result<std::vector<ReadResult>> r = ParseReads(reads, {0, out, err});
  REQUIRE(r.ok());
  CHECK((*r)[0].content == std::string("aaaa"));
}

TEST_CASE("steps parser lists the reads of a blob that does not add up, to be read again") {
  const std::vector<Step> steps = {Step::Read({K::kReadFile, "/proc-behind-a-link", {}}),
                                   Step::Read({K::kStat, "/a", {}})};
  const std::string out = Start() +
                          Seg("8180 0 0 0 root root 11 100 100\n"
                              "81a4 0 0 3 root root 12 100 100",
                              "stat 0 1") +
                          Seg("Linux\n", "blob 0") + End();
  std::vector<size_t> again;
  Result<std::vector<StepResult>> r = ParseSteps(steps, kKey, {0, out, Start() + End()}, &again);
  REQUIRE(r.ok());
  CHECK(again == std::vector<size_t>{0});
  CHECK(!(*r)[0].ran);
  CHECK((*r)[1].ran);
  CHECK((*r)[1].read.stat.size == 3);
}

TEST_CASE("steps parser reads the outputs kept in files and marks steps that did not run") {
  const std::vector<Step> steps = {Step::Exec({"false"}), Step::Read({K::kStat, "/a", {}})};
  const std::string out = Start() + Seg("", "files 0 1") + "3 0.o\n4 0.e\n7 total\nabcdefg" + End();
  Result<std::vector<StepResult>> r = ParseSteps(steps, kKey, {0, out, Start() + End()});
  REQUIRE(r.ok());
  CHECK((*r)[0].ran);
  CHECK((*r)[0].exec.exit_code == 1);
  CHECK((*r)[0].exec.stdout_data == "abc");
  CHECK((*r)[0].exec.stderr_data == "defg");
  CHECK(!(*r)[1].ran);
}

TEST_CASE("steps parser refuses an answer that is cut short or not framed by its marker") {
  const std::vector<RemoteRead> one = {{K::kReadFile, "/x", {}}};
  const std::string err = Start() + End();
  const std::string stat = Seg("8180 0 0 5 root root 11 100 100", "stat 0");
  struct Case {
    std::string out;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "unexpected answer from the remote script (no start marker)"},
      {Start() + stat + Seg("ab", "blob 0") + End(),
       "unexpected answer from the remote script (blob size differs)"},
      {Start() + stat + Seg("abcdef", "blob 0") + End(),
       "unexpected answer from the remote script (blob size differs)"},
      {Start() + Seg("ab", "blob 0") + End(),
       "unexpected answer from the remote script (blob without sizes)"},
      {Start() + stat, "unexpected answer from the remote script (no end marker)"},
      {Start() + End() + "x", "unexpected answer from the remote script (trailing data)"},
      {Start() + Seg("", "o 7 0") + End(),
       "unexpected answer from the remote script (bad step number)"},
      {Start() + Seg("", "frob") + End(), "unexpected answer from the remote script (unknown tag)"},
      {Start() + Seg("", "files 0 0") + "3 0.o\n0 0.e\n3 total\nab",
       "unexpected answer from the remote script (data cut short)"},
      // Another marker in the data is only data: it cannot end a segment.
      {Start() + Seg("x\nffffffffffffffffffffffffffffffff o 0 0\n", "o 0 0"),
       "unexpected answer from the remote script (no end marker)"},
  };
  for (const Case& c : cases) {
    INFO(c.out);
    CHECK(Parse(one, {0, c.out, err}) == c.message);
  }
  CHECK(Parse(one, {0, Start() + End(), "no marker"}) ==
        "unexpected answer from the remote script (no start marker)");
  CHECK(Parse(one, {97, "", "cannot make a temporary directory\n"}) ==
        "the remote script failed: cannot make a temporary directory");
}

// Found by tests/fuzz/batch_answer_fuzz: a compromised target controls the
// whole answer, and must not make the engine ask again, as a read of a file,
// a step that is no such read (each such answer could ask for another round
// trip, without end).
TEST_CASE("steps parser refuses a blob or exit code that would make it ask again for a non-read") {
  const std::vector<RemoteRead> reads = {{K::kStat, "/a", {}}, {K::kReadFile, "/b", {}}};
  const std::string err = Start() + End();
  struct Case {
    std::string out;
    std::string message;
  };
  const std::vector<Case> cases = {
      // The fuzzer's minimised input: a blob naming the stat step.
      {Start() + Seg("4 0 0 3 r t 1 1 \xff\n4 0 0 5 o t 1 1 0", "stat 0 1") + Seg("", "blob 0") +
           End(),
       "unexpected answer from the remote script (blob of a step that is no read)"},
      // -2 is the parser's own mark for "read again"; -1 for "not run".
      {Start() + Seg("", "o 0 -2") + End(),
       "unexpected answer from the remote script (bad exit code)"},
      {Start() + Seg("", "o 0 -1") + End(),
       "unexpected answer from the remote script (bad exit code)"},
      {Start() + Seg("", "o 0 256") + End(),
       "unexpected answer from the remote script (bad exit code)"},
  };
  for (const Case& c : cases) {
    INFO(c.out);
    std::vector<size_t> again;
    Result<std::vector<StepResult>> r = ParseSteps(ReadSteps(reads), kKey, {0, c.out, err}, &again);
    CHECK(r.message() == c.message);
    CHECK(again.empty());
  }
}

TEST_CASE("steps parser asks again for blob sizes whose sum wraps around") {
  const std::vector<Step> steps = {Step::Read({K::kReadFile, "/a", {}}),
                                   Step::Read({K::kReadFile, "/b", {}})};
  const std::string out = Start() +
                          Seg("81a4 0 0 18446744073709551615 root root 11 100 100\n"
                              "81a4 0 0 6 root root 12 100 100",
                              "stat 0 1") +
                          Seg("hello", "blob 0 1") + End();
  std::vector<size_t> again;
  Result<std::vector<StepResult>> r = ParseSteps(steps, kKey, {0, out, Start() + End()}, &again);
  REQUIRE(r.ok());
  CHECK(again == std::vector<size_t>{0, 1});
}

}  // namespace
}  // namespace hostprep
