#include "engine/transport/remote_steps.h"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <random>
#include <string_view>

#include "engine/base/text.h"
#include "engine/transport/remote_shell.h"
#include "engine/transport/scripts.h"  // generated from scripts/*.sh

namespace hostprep {

namespace {

// The batch script and what its records and answers are: scripts/steps.sh.

Status Bad(const std::string& what) {
  return Status::Error(fmt::format("unexpected answer from the remote script ({})", what));
}

// One segment of an answer stream: DATA "\n" MARKER " " TAG "\n".
struct Segment {
  std::string_view data;
  std::vector<std::string_view> tag;  // the tag's words
};

std::vector<std::string_view> WordViews(std::string_view text) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t space = text.find(' ', at);
    const size_t stop = space == std::string_view::npos ? text.size() : space;
    if (stop > at) out.push_back(text.substr(at, stop - at));
    at = stop + 1;
  }
  return out;
}

// An exit code as the script prints one ($?, 0 to 255): the negative codes
// are this parser's own marks (not run, read again), never the target's.
bool ToExitCode(std::string_view text, int* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty() && *out >= 0 && *out <= 255;
}

bool ToNumber(std::string_view text, uint64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// The segment of `out` that starts at `*at`, and `*at` moved past it;
// false when no full segment is left.
bool NextSegment(std::string_view out, const std::string& separator, size_t* at, Segment* segment) {
  const size_t found = out.find(separator, *at);
  if (found == std::string_view::npos) return false;
  const size_t tag_at = found + separator.size();
  const size_t eol = out.find('\n', tag_at);
  if (eol == std::string_view::npos) return false;
  segment->data = out.substr(*at, found - *at);
  segment->tag = WordViews(out.substr(tag_at, eol - tag_at));
  *at = eol + 1;
  return !segment->tag.empty();
}

// Where the answer proper starts: after the "start" segment.
Result<size_t> Start(std::string_view out, const std::string& separator) {
  size_t at = 0;
  Segment first;
  if (!NextSegment(out, separator, &at, &first) || first.tag.size() != 1 ||
      first.tag[0] != "start") {
    return Bad("no start marker");
  }
  return at;
}

// The exit code of a read whose answer must be asked for again on its own.
constexpr int kReadAgain = -2;

// The answers being put together, one per step; a step without one did not run.
class Answers {
 public:
  explicit Answers(const std::vector<Step>& steps)
      : steps_(steps), results_(steps.size(), ExecResult{-1, "", ""}) {}

  Status Stdout(std::string_view out, const std::string& separator);
  Status Stderr(std::string_view err, const std::string& separator);
  std::vector<ExecResult> Take() { return std::move(results_); }

 private:
  Result<size_t> Index(std::string_view word) const {
    uint64_t i = 0;
    if (!ToNumber(word, &i) || i >= results_.size()) return Bad("bad step number");
    return static_cast<size_t>(i);
  }
  Status Stats(const Segment& s);
  Status Links(const Segment& s);
  Status Blob(const Segment& s);
  Status Files(const Segment& s, std::string_view out, size_t* at);

  const std::vector<Step>& steps_;
  std::vector<ExecResult> results_;                             // exit code -1: not run
  std::map<size_t, std::vector<std::string_view>> stat_lines_;  // step -> words
};

bool IsStat(const Step& step) {
  return step.kind == Step::Kind::kRead && step.read.kind == RemoteRead::Kind::kStat;
}

// A read the batch's shared `cat` answers (an r record): only these are in a
// blob, and only these can be asked again on their own.
bool IsStreamedRead(const Step& step) {
  return step.kind == Step::Kind::kRead && step.read.kind == RemoteRead::Kind::kReadFile &&
         !step.now;
}

Status Answers::Stats(const Segment& s) {
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= s.data.size();) {
    const size_t eol = std::min(s.data.find('\n', at), s.data.size());
    lines.push_back(s.data.substr(at, eol - at));
    at = eol + 1;
  }
  if (lines.size() != s.tag.size() - 1) return Bad("wrong number of stat lines");
  for (size_t k = 0; k < lines.size(); ++k) {
    Result<size_t> i = Index(s.tag[k + 1]);
    if (!i.ok()) return i.status();
    std::vector<std::string_view> words = WordViews(lines[k]);
    if (words.size() != 9) return Bad("bad stat line");
    if (IsStat(steps_[*i])) {
      // The single stat's answer: its six fields.
      std::string answer;
      for (size_t w = 0; w < 6; ++w) {
        answer.append(words[w]);
        answer.push_back(w == 5 ? '\n' : ' ');
      }
      results_[*i] = ExecResult{0, std::move(answer), ""};
    }
    stat_lines_[*i] = std::move(words);
  }
  return Status::Ok();
}

Status Answers::Links(const Segment& s) {
  std::string_view data = s.data;
  for (size_t k = 1; k < s.tag.size(); ++k) {
    Result<size_t> i = Index(s.tag[k]);
    if (!i.ok()) return i.status();
    const size_t nul = data.find('\0');
    if (nul == std::string_view::npos || results_[*i].exit_code != 0) return Bad("bad link list");
    results_[*i].stdout_data.append(data.substr(0, nul));
    results_[*i].stdout_data.push_back('\n');
    data.remove_prefix(nul + 1);
  }
  if (!data.empty()) return Bad("trailing link data");
  return Status::Ok();
}

Status Answers::Blob(const Segment& s) {
  std::string_view data = s.data;
  std::vector<std::pair<size_t, uint64_t>> sizes;  // step, size
  uint64_t total = 0;  // never above data.size(), so the sum cannot wrap
  bool adds_up = true;
  for (size_t k = 1; k < s.tag.size(); ++k) {
    Result<size_t> i = Index(s.tag[k]);
    if (!i.ok()) return i.status();
    // Anything else would be asked again as a read it is not.
    if (!IsStreamedRead(steps_[*i])) return Bad("blob of a step that is no read");
    auto line = stat_lines_.find(*i);
    uint64_t size = 0;
    if (line == stat_lines_.end() || !ToNumber(line->second[3], &size)) {
      return Bad("blob without sizes");
    }
    sizes.emplace_back(*i, size);
    if (size > data.size() - total) adds_up = false;
    if (adds_up) total += size;
  }
  if (!adds_up || data.size() != total) {
    // A file whose size lies (/proc or /sys reached through a symlink) or
    // that changed size after the check: each must be read on its own.
    for (const auto& [i, size] : sizes) results_[i].exit_code = kReadAgain;
    return Status::Ok();
  }
  for (const auto& [i, size] : sizes) {
    results_[i] = ExecResult{0, std::string(data.substr(0, size)), ""};
    data.remove_prefix(size);
  }
  return Status::Ok();
}

// "files I RC...", then `wc -c` of I.o I.e for each, a total line, and
// their bytes in the same order.
Status Answers::Files(const Segment& s, std::string_view out, size_t* at) {
  if (s.tag.size() % 2 != 1) return Bad("odd files line");
  const size_t count = (s.tag.size() - 1) / 2;
  std::vector<uint64_t> sizes;
  for (;;) {
    const size_t eol = out.find('\n', *at);
    if (eol == std::string_view::npos) return Bad("sizes cut short");
    std::vector<std::string_view> f = WordViews(out.substr(*at, eol - *at));
    *at = eol + 1;
    if (f.size() != 2) return Bad("bad size line");
    if (f[1] == "total") break;
    uint64_t size = 0;
    if (!ToNumber(f[0], &size)) return Bad("bad size line");
    sizes.push_back(size);
  }
  if (sizes.size() != 2 * count) return Bad("wrong number of sizes");
  for (size_t k = 0; k < count; ++k) {
    Result<size_t> i = Index(s.tag[1 + 2 * k]);
    if (!i.ok()) return i.status();
    ExecResult& r = results_[*i];
    if (!ToExitCode(s.tag[2 + 2 * k], &r.exit_code)) return Bad("bad exit code");
    for (std::string* part : {&r.stdout_data, &r.stderr_data}) {
      const uint64_t size = sizes[2 * k + (part == &r.stdout_data ? 0 : 1)];
      if (out.size() - *at < size) return Bad("data cut short");
      *part = std::string(out.substr(*at, size));
      *at += size;
    }
  }
  return Status::Ok();
}

Status Answers::Stdout(std::string_view out, const std::string& separator) {
  Result<size_t> start = Start(out, separator);
  if (!start.ok()) return start.status();
  size_t at = *start;
  Segment s;
  while (NextSegment(out, separator, &at, &s)) {
    const std::string_view kind = s.tag[0];
    Status st;
    if (kind == "end") {
      return at == out.size() && s.data.empty() ? Status::Ok() : Bad("trailing data");
    } else if (kind == "o" && s.tag.size() == 3) {
      Result<size_t> i = Index(s.tag[1]);
      int rc = 0;
      if (!i.ok()) return i.status();
      if (!ToExitCode(s.tag[2], &rc)) return Bad("bad exit code");
      results_[*i] = ExecResult{rc, std::string(s.data), ""};
      continue;
    } else if (kind == "stat") {
      st = Stats(s);
    } else if (kind == "link") {
      st = Links(s);
    } else if (kind == "blob") {
      st = Blob(s);
    } else if (kind == "files" && s.data.empty()) {
      st = Files(s, out, &at);
    } else if (kind != "void") {
      return Bad("unknown tag");
    }
    if (!st.ok()) return st;
  }
  return Bad("no end marker");
}

Status Answers::Stderr(std::string_view err, const std::string& separator) {
  Result<size_t> start = Start(err, separator);
  if (!start.ok()) return start.status();
  size_t at = *start;
  Segment s;
  while (NextSegment(err, separator, &at, &s)) {
    if (s.tag[0] == "end") return Status::Ok();
    if (s.tag[0] != "e" || s.tag.size() != 2) return Bad("unknown stderr tag");
    Result<size_t> i = Index(s.tag[1]);
    if (!i.ok()) return i.status();
    results_[*i].stderr_data = std::string(s.data);
  }
  return Bad("no end marker on stderr");
}

}  // namespace

std::string NewAnswerMarker() {
  std::random_device random;
  std::string out;
  for (int i = 0; i < 6; ++i) out += fmt::format("{:08x}", random());
  return out;
}

ExecRequest StepsCommand(const std::vector<Step>& steps, const Become& become,
                         const std::string& marker) {
  ExecRequest request;
  request.argv = {"sh", "-c", scripts::kSteps, "sh"};
  // The first 32 digits frame the answer; the last 16 name the temp files
  // of writes, so that those names tell nothing about the marker.
  request.stdin_data = marker.substr(0, 32) + "\n" + marker.substr(32) + "\n";
  std::vector<std::string>& argv = request.argv;
  auto add_argv = [&](const std::vector<std::string>& command) {
    argv.push_back(std::to_string(command.size()));
    argv.insert(argv.end(), command.begin(), command.end());
  };
  for (const Step& step : steps) {
    switch (step.kind) {
      case Step::Kind::kRead:
        if (step.read.kind == RemoteRead::Kind::kExec) {
          argv.push_back(step.now ? "Q" : "x");
          add_argv(step.read.argv);
        } else {
          const bool stat = step.read.kind == RemoteRead::Kind::kStat;
          argv.push_back(step.now ? (stat ? "S" : "R") : (stat ? "s" : "r"));
          argv.push_back(step.read.path);
        }
        break;
      case Step::Kind::kGuard:
        argv.insert(argv.end(), {"g", std::to_string(step.same.size())});
        for (const auto& [a, b] : step.same) {
          argv.insert(argv.end(), {std::to_string(a), std::to_string(b)});
        }
        break;
      case Step::Kind::kWrite: {
        const WriteRequest& w = step.write;
        argv.insert(argv.end(), {w.follow ? "w" : "W", std::to_string(w.content.size()), w.path,
                                 w.mode ? fmt::format("{:o}", *w.mode) : "", w.owner, w.group});
        add_argv(w.validate_argv);
        request.stdin_data += w.content;
        break;
      }
      case Step::Kind::kExec:
        argv.insert(argv.end(), {"X", std::to_string(step.stdin_data.size())});
        add_argv(step.argv);
        request.stdin_data += step.stdin_data;
        break;
    }
  }
  request.become = become;
  return request;
}

std::vector<Step> ReadSteps(const std::vector<RemoteRead>& reads) {
  std::vector<Step> steps;
  steps.reserve(reads.size());
  for (const RemoteRead& read : reads) steps.push_back(Step::Read(read));
  return steps;
}

std::vector<ReadResult> ReadAnswers(std::vector<StepResult> results) {
  std::vector<ReadResult> out;
  out.reserve(results.size());
  for (StepResult& r : results) out.push_back(std::move(r.read));
  return out;
}

Result<std::vector<StepResult>> ParseSteps(const std::vector<Step>& steps,
                                           const std::string& marker, const ExecResult& result,
                                           std::vector<size_t>* read_again) {
  if (result.exit_code != 0) {
    return Status::Error(fmt::format("the remote script failed: {}", ShellFailureReason(result)));
  }
  const std::string separator = "\n" + marker.substr(0, 32) + " ";
  Answers answers(steps);
  Status st = answers.Stdout(result.stdout_data, separator);
  if (st.ok()) st = answers.Stderr(result.stderr_data, separator);
  if (!st.ok()) return st;
  std::vector<ExecResult> parts = answers.Take();
  std::vector<StepResult> results(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    ExecResult& part = parts[i];
    StepResult& r = results[i];
    if (part.exit_code == kReadAgain) {
      if (read_again == nullptr) return Bad("blob size differs");
      read_again->push_back(i);
      continue;
    }
    r.ran = part.exit_code != -1;
    if (!r.ran) continue;
    const Step& step = steps[i];
    switch (step.kind) {
      case Step::Kind::kWrite:
        r.status = ParseWriteFile(step.write.path, part);
        break;
      case Step::Kind::kExec:
      case Step::Kind::kGuard:
        r.exec = std::move(part);
        break;
      case Step::Kind::kRead:
        switch (step.read.kind) {
          case RemoteRead::Kind::kStat: {
            Result<FileInfo> info = ParseStat(step.read.path, part);
            if (info.ok())
              r.read.stat = *info;
            else
              r.read.status = info.status();
            break;
          }
          case RemoteRead::Kind::kReadFile: {
            Result<std::optional<std::string>> content = ParseReadFile(step.read.path, part);
            if (content.ok())
              r.read.content = *content;
            else
              r.read.status = content.status();
            break;
          }
          case RemoteRead::Kind::kExec:
            r.read.exec = std::move(part);
            break;
        }
        break;
    }
  }
  return results;
}

}  // namespace hostprep
