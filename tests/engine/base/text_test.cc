#include "engine/base/text.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

TEST_CASE("did you mean finds near names, swapped letters included") {
  const std::vector<std::string> keys = {"after", "when", "mode", "file", "notify", "register"};
  struct Row {
    const char* typo;
    const char* suggestion;
  };
  for (const Row& row :
       {Row{"afer", "after"}, Row{"mdoe", "mode"}, Row{"fiel", "file"}, Row{"notfy", "notify"},
        Row{"regsiter", "register"}, Row{"WHEN", "when"}, Row{"xyz", ""}, Row{"completely", ""}}) {
    CHECK_MESSAGE(DidYouMean(row.typo, keys) == row.suggestion, row.typo);
  }
  CHECK(DidYouMeanSuffix("afer", keys) == " (did you mean 'after'?)");
  CHECK(DidYouMeanSuffix("zzz", keys) == "");
}

TEST_CASE("shell quoting keeps every value one literal word") {
  CHECK(ShellQuote("/etc/hosts") == "/etc/hosts");
  CHECK(ShellQuote("") == "''");
  CHECK(ShellQuote("a b") == "'a b'");
  CHECK(ShellQuote("x; rm -rf /") == "'x; rm -rf /'");
  CHECK(ShellQuote("it's") == "'it'\\''s'");
  CHECK(ShellQuote("$(reboot)") == "'$(reboot)'");
}

TEST_CASE("slugs make task ids from names") {
  CHECK(Slugify("containerd config") == "containerd-config");
  CHECK(Slugify("  Swap OFF!! now ") == "swap-off-now");
  CHECK(Slugify("net.ipv4 / forwarding") == "net-ipv4-forwarding");
  CHECK(Slugify("kube_node") == "kube_node");
}

TEST_CASE("split and trim") {
  CHECK(Split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(Split("", ',') == std::vector<std::string>{""});
  CHECK(Trim("  a b \n") == "a b");
}

TEST_CASE("escaped text shows control characters as C escapes") {
  CHECK(Escaped("600\nkernel.panic = 1") == "\"600\\nkernel.panic = 1\"");
  CHECK(Escaped(std::string("a\0b\x1b\x7f\t\"\\", 8)) == "\"a\\0b\\x1b\\x7f\\t\\\"\\\\\"");
  CHECK(Escaped("plain ü") == "\"plain ü\"");
}

TEST_CASE("a line break problem names the first control character and where it is") {
  CHECK(LineBreakProblem("1024\t65000") == "");
  CHECK(LineBreakProblem("600\nx") == "a newline (\\n) at byte 3");
  CHECK(LineBreakProblem("a\rb") == "a carriage return (\\r) at byte 1");
  CHECK(LineBreakProblem(std::string("ab\0", 3)) == "a NUL byte (\\0) at byte 2");
  CHECK(LineBreakProblem("\x1b[2J") == "an escape character (\\x1b) at byte 0");
  CHECK(LineBreakProblem("x\x7f") == "a control character (\\x7f) at byte 1");
}

}  // namespace
}  // namespace hostprep
