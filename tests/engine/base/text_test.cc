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

TEST_CASE("did you mean takes the closest name, the first of equally close ones") {
  CHECK(DidYouMean("hosts", {"hots", "hostx", "hosts"}) == "hosts");
  CHECK(DidYouMean("abcdef", {"abcxxf", "abcdxf", "abcdeg"}) == "abcdxf");
  CHECK(DidYouMean("abcdef", {"abcdeg", "abcdex"}) == "abcdeg");
  // Names of very different lengths are never near.
  CHECK(DidYouMean("web", {"web-frontend-production-01"}) == "");
  const std::string long_name(150, 'a');
  CHECK(DidYouMean(long_name, {std::string(150, 'b'), long_name + "bb"}) == long_name + "bb");
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

TEST_CASE("invalid UTF-8 is found at its first byte, overlong forms and surrogates included") {
  const struct {
    std::string text;
    size_t at;
  } cases[] = {
      {"", std::string::npos},
      {"plain ascii", std::string::npos},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", std::string::npos},
      {std::string("nul \0 is valid", 14), std::string::npos},
      {"caf\xe9 latin-1", 3},      // a lead byte without its continuation
      {"\x91", 0},                 // a lone continuation byte
      {"ab\xc3", 2},               // cut short
      {"a\xe2\x82", 1},            // cut short
      {"\xc0\xaf", 0},             // overlong '/'
      {"\xe0\x80\xaf", 0},         // overlong '/'
      {"\xf0\x80\x80\xaf", 0},     // overlong '/'
      {"x\xed\xa0\x80", 1},        // the surrogate U+D800
      {"\xf4\x90\x80\x80", 0},     // U+110000
      {"\xf5\x80\x80\x80", 0},     // no such lead byte
      {"ok \xe2\x82\xac\xff", 6},  // after a valid sequence
  };
  for (const auto& c : cases) {
    CAPTURE(Escaped(c.text));
    CHECK(FindInvalidUtf8(c.text) == c.at);
  }
}

TEST_CASE("Quoted keeps printable values in single quotes and escapes the rest") {
  CHECK(Quoted("br_netfilter") == "'br_netfilter'");
  CHECK(Quoted("it's") == "'it's'");
  CHECK(Quoted("a\nok: [web2]") == "\"a\\nok: [web2]\"");
  CHECK(Quoted("\x1b[31mred") == "\"\\x1b[31mred\"");
  CHECK(Quoted("a\tb") == "\"a\\tb\"");
}

}  // namespace
}  // namespace hostprep
