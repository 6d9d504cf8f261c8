#include "engine/base/unified_diff.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hostprep {

namespace {

// Past this many differing lines the greedy search's trace would need tens
// of megabytes; a plain replacement is shown instead.
constexpr int kMaxEdits = 2000;

enum class Op { kEqual, kDelete, kInsert };

// Lines keep their "\n", so "x" at the end of a file differs from "x\n":
// exactly what "\ No newline at end of file" reports.
std::vector<std::string_view> SplitLines(const std::string& text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.emplace_back(text.data() + start, end - start);
    start = end;
  }
  return lines;
}

// Myers' greedy O(ND) search on line ids, with the trace kept per step so the
// path can be walked back. `v` holds the furthest x on each diagonal k.
std::vector<Op> Myers(const std::vector<int>& a, const std::vector<int>& b) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  const int limit = std::min(n + m, kMaxEdits);
  const int offset = limit + 1;
  std::vector<int> v(2 * limit + 3, 0);
  std::vector<std::vector<int>> trace;  // trace[d][k + d] = v[k] after step d
  int found = -1;
  for (int d = 0; d <= limit && found < 0; ++d) {
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                  ? v[offset + k + 1]
                  : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[offset + k] = x;
      if (x >= n && y >= m) found = d;
    }
    trace.emplace_back(v.begin() + offset - d, v.begin() + offset + d + 1);
  }

  std::vector<Op> ops;
  if (found < 0) {
    ops.assign(n, Op::kDelete);
    ops.insert(ops.end(), m, Op::kInsert);
    return ops;
  }
  int x = n;
  int y = m;
  for (int d = found; d > 0; --d) {
    const std::vector<int>& prev = trace[d - 1];
    auto at = [&](int k) { return prev[k + d - 1]; };
    const int k = x - y;
    const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
    const int prev_k = down ? k + 1 : k - 1;
    const int prev_x = at(prev_k);
    const int prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      ops.push_back(Op::kEqual);
      --x, --y;
    }
    if (down) {
      ops.push_back(Op::kInsert);
      --y;
    } else {
      ops.push_back(Op::kDelete);
      --x;
    }
  }
  while (x > 0 && y > 0) {
    ops.push_back(Op::kEqual);
    --x, --y;
  }
  std::reverse(ops.begin(), ops.end());
  return ops;
}

// The edit script for the whole texts: the common prefix and suffix are
// taken off first, which is most of a config file edit.
std::vector<Op> EditScript(const std::vector<std::string_view>& a,
                           const std::vector<std::string_view>& b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::unordered_map<std::string_view, int> ids;
  auto to_ids = [&](const std::vector<std::string_view>& lines) {
    std::vector<int> out;
    for (size_t i = prefix; i < lines.size() - suffix; ++i) {
      out.push_back(ids.emplace(lines[i], static_cast<int>(ids.size())).first->second);
    }
    return out;
  };
  std::vector<int> ia = to_ids(a);
  std::vector<int> ib = to_ids(b);
  std::vector<Op> ops(prefix, Op::kEqual);
  std::vector<Op> middle = Myers(ia, ib);
  ops.insert(ops.end(), middle.begin(), middle.end());
  ops.insert(ops.end(), suffix, Op::kEqual);
  return ops;
}

struct Entry {
  Op op;
  size_t a;  // lines of `before` consumed before this entry
  size_t b;  // lines of `after` consumed before this entry
};

std::string Range(size_t start, size_t count) {
  // diff prints an empty range as the line before it: "-0,0", "+3,0".
  if (count == 1) return std::to_string(start + 1);
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

void AppendLine(char prefix, std::string_view line, std::string* out) {
  out->push_back(prefix);
  out->append(line);
  if (line.empty() || line.back() != '\n') out->append("\n\\ No newline at end of file\n");
}

void AppendHunk(const std::vector<Entry>& entries, size_t begin, size_t end,
                const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                std::string* out) {
  size_t old_count = 0;
  size_t new_count = 0;
  for (size_t i = begin; i < end; ++i) {
    if (entries[i].op != Op::kInsert) ++old_count;
    if (entries[i].op != Op::kDelete) ++new_count;
  }
  *out += "@@ -" + Range(entries[begin].a, old_count) + " +" + Range(entries[begin].b, new_count) +
          " @@\n";
  for (size_t i = begin; i < end; ++i) {
    const Entry& e = entries[i];
    switch (e.op) {
      case Op::kEqual:
        AppendLine(' ', a[e.a], out);
        break;
      case Op::kDelete:
        AppendLine('-', a[e.a], out);
        break;
      case Op::kInsert:
        AppendLine('+', b[e.b], out);
        break;
    }
  }
}

}  // namespace

std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_label, const std::string& after_label,
                        int context) {
  if (before == after) return "";
  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  std::vector<std::string_view> a = SplitLines(before);
  std::vector<std::string_view> b = SplitLines(after);

  std::vector<Entry> entries;
  size_t ai = 0;
  size_t bi = 0;
  for (Op op : EditScript(a, b)) {
    entries.push_back({op, ai, bi});
    if (op != Op::kInsert) ++ai;
    if (op != Op::kDelete) ++bi;
  }

  std::string out = "--- " + before_label + "\n+++ " + after_label + "\n";
  size_t i = 0;
  while (i < entries.size()) {
    if (entries[i].op == Op::kEqual) {
      ++i;
      continue;
    }
    // A hunk starts `ctx` lines before its first change and grows while the
    // next change is no more than 2 * ctx equal lines away.
    const size_t begin = i >= ctx ? i - ctx : 0;
    size_t last = i;
    size_t j = i + 1;
    while (j < entries.size()) {
      if (entries[j].op != Op::kEqual) {
        last = j++;
        continue;
      }
      size_t run = j;
      while (run < entries.size() && entries[run].op == Op::kEqual) ++run;
      if (run == entries.size() || run - j > 2 * ctx) break;
      j = run;
    }
    const size_t end = std::min(entries.size(), last + 1 + ctx);
    AppendHunk(entries, begin, end, a, b, &out);
    i = end;
  }
  return out;
}

}  // namespace hostprep
