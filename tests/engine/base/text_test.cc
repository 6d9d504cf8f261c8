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

}  // namespace
}  // namespace hostprep
