#include "engine/base/unified_diff.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/base/text.h"

namespace hostprep {
namespace {

std::string Numbers(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += std::to_string(i) + "\n";
  return out;
}

// Applies a diff made by UnifiedDiff to `before`; checks the context lines
// on the way, so a wrong hunk header or context fails the test.
std::string Apply(const std::string& before, const std::string& diff) {
  std::vector<std::string> old_lines;
  for (size_t s = 0; s < before.size();) {
    size_t e = before.find('\n', s);
    e = e == std::string::npos ? before.size() : e + 1;
    old_lines.push_back(before.substr(s, e - s));
    s = e;
  }
  std::vector<std::string> diff_lines;
  for (size_t s = 0; s < diff.size();) {
    size_t e = diff.find('\n', s);
    diff_lines.push_back(diff.substr(s, e - s));
    s = e + 1;
  }
  std::string out;
  size_t next_old = 0;  // 0-based index of the next old line not yet copied
  std::string* last_added = nullptr;
  for (size_t i = 2; i < diff_lines.size(); ++i) {
    const std::string& line = diff_lines[i];
    if (StartsWith(line, "@@ -")) {
      size_t start = std::stoul(line.substr(4));
      size_t comma = line.find(',');
      size_t space = line.find(' ', 4);
      bool empty =
          comma != std::string::npos && comma < space && std::stoul(line.substr(comma + 1)) == 0;
      size_t first = empty ? start : start - 1;
      REQUIRE(first >= next_old);
      while (next_old < first) out += old_lines[next_old++];
      continue;
    }
    if (line == "\\ No newline at end of file") {
      // Marks the line before it; only a kept or added line is in `out`.
      if (last_added == &out) out.pop_back();
      continue;
    }
    last_added = nullptr;
    const std::string text = line.substr(1) + "\n";
    if (line[0] == ' ' || line[0] == '-') {
      REQUIRE(next_old < old_lines.size());
      std::string old = old_lines[next_old++];
      if (old.back() != '\n') old += "\n";  // the marker line follows
      REQUIRE(old == text);
      if (line[0] == ' ') {
        out += text;
        last_added = &out;
      }
    } else {
      REQUIRE(line[0] == '+');
      out += text;
      last_added = &out;
    }
  }
  while (next_old < old_lines.size()) out += old_lines[next_old++];
  return out;
}

TEST_CASE("unified diff matches diff -u output for hand-checked cases") {
  struct Case {
    const char* name;
    std::string before;
    std::string after;
    int context;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"equal texts", "a\nb\n", "a\nb\n", 3, ""},
      {"one changed line", "a\nb\nc\n", "a\nB\nc\n", 3,
       "--- before: /x\n+++ after: /x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
      {"new file", "", "x\n", 3, "--- before: /x\n+++ after: /x\n@@ -0,0 +1 @@\n+x\n"},
      {"removed file", "a\nb\n", "", 3, "--- before: /x\n+++ after: /x\n@@ -1,2 +0,0 @@\n-a\n-b\n"},
      {"newline added at end", "a", "a\n", 3,
       "--- before: /x\n+++ after: /x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n"},
      {"newline dropped at end", "a\nb\n", "a\nb", 3,
       "--- before: /x\n+++ after: /x\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n"
       "\\ No newline at end of file\n"},
      {"context without newline", "a\nb", "A\nb", 3,
       "--- before: /x\n+++ after: /x\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n"
       "\\ No newline at end of file\n"},
      {"near changes share a hunk, far ones do not", Numbers(1, 20),
       "1\ntwo\n3\n4\n5\n6\n7\n8\nnine\n10\n11\n12\n13\n14\n15\n16\n17\neighteen\n19\n20\n", 3,
       "--- before: /x\n+++ after: /x\n"
       "@@ -1,12 +1,12 @@\n 1\n-2\n+two\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+nine\n 10\n 11\n 12\n"
       "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n"},
      {"insertion in the middle with one line of context", Numbers(1, 6), "1\n2\n3\nnew\n4\n5\n6\n",
       1, "--- before: /x\n+++ after: /x\n@@ -3,2 +3,3 @@\n 3\n+new\n 4\n"},
      {"no context", Numbers(1, 5), "1\n2\nX\n4\n5\n", 0,
       "--- before: /x\n+++ after: /x\n@@ -3 +3 @@\n-3\n+X\n"},
      {"pure deletion with no context", Numbers(1, 5), "1\n2\n4\n5\n", 0,
       "--- before: /x\n+++ after: /x\n@@ -3 +2,0 @@\n-3\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(UnifiedDiff(c.before, c.after, "before: /x", "after: /x", c.context) == c.expected);
  }
}

TEST_CASE("unified diff of a moved block is minimal") {
  // Moving one line down two places is one deletion and one insertion.
  const std::string diff = UnifiedDiff("a\nb\nc\nd\n", "b\nc\na\nd\n", "before", "after");
  CHECK(diff == "--- before\n+++ after\n@@ -1,4 +1,4 @@\n-a\n b\n c\n+a\n d\n");
}

TEST_CASE("unified diff applied to the old text gives the new text for random edits") {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> lines;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) lines.push_back(std::string(1, static_cast<char>('a' + rng() % 5)));
    std::vector<std::string> edited = lines;
    const int edits = static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = edited.empty() ? 0 : rng() % (edited.size() + 1);
      switch (rng() % 3) {
        case 0:
          edited.insert(edited.begin() + pos, "new" + std::to_string(e));
          break;
        case 1:
          if (pos < edited.size()) edited.erase(edited.begin() + pos);
          break;
        default:
          if (pos < edited.size()) edited[pos] = "changed";
          break;
      }
    }
    auto join = [&](const std::vector<std::string>& v, bool final_newline) {
      std::string s;
      for (size_t i = 0; i < v.size(); ++i) {
        s += v[i];
        if (i + 1 < v.size() || final_newline) s += "\n";
      }
      return s;
    };
    const std::string before = join(lines, rng() % 4 != 0);
    const std::string after = join(edited, rng() % 4 != 0);
    CAPTURE(before);
    CAPTURE(after);
    const std::string diff = UnifiedDiff(before, after, "b", "a", static_cast<int>(rng() % 4));
    CHECK((diff.empty() == (before == after)));
    if (!diff.empty()) CHECK(Apply(before, diff) == after);
  }
}

TEST_CASE("unified diff of two entirely different large files stays correct") {
  std::string before;
  std::string after;
  for (int i = 0; i < 3000; ++i) {
    before += "old " + std::to_string(i) + "\n";
    after += "new " + std::to_string(i) + "\n";
  }
  const std::string diff = UnifiedDiff(before, after, "b", "a");
  CHECK(StartsWith(diff, "--- b\n+++ a\n@@ -1,3000 +1,3000 @@\n-old 0\n"));
  CHECK(Apply(before, diff) == after);
}

}  // namespace
}  // namespace hostprep
