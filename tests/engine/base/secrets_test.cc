#include "engine/base/secrets.h"

#include <doctest/doctest.h>

namespace hostprep {
namespace {

// The registry lives as long as the process: every test uses values of its
// own, which no other test prints.

TEST_CASE("secrets are replaced by the marker wherever they appear, longest first") {
  Secrets::Add("s3cr3t-alpha");
  Secrets::Add("s3cr3t-alpha-longer");
  CHECK(Secrets::Any());
  CHECK(Secrets::Redact("a s3cr3t-alpha b s3cr3t-alpha-longer c s3cr3t-alphas3cr3t-alpha") ==
        "a ******** b ******** c ****************");
  CHECK(Secrets::Redact("nothing here") == "nothing here");
}

TEST_CASE("secrets are found in their JSON and XML spellings too") {
  Secrets::Add("pa\"ss\\w<o>rd&1");
  CHECK(Secrets::Redact(R"({"stdout": "pa\"ss\\w<o>rd&1"})") == R"({"stdout": "********"})");
  CHECK(Secrets::Redact("<failure message=\"pa&quot;ss\\w&lt;o&gt;rd&amp;1\"/>") ==
        "<failure message=\"********\"/>");
}

TEST_CASE("values shorter than the minimum are not searched for") {
  Secrets::Add("on");
  Secrets::Add("");
  CHECK(Secrets::Redact("turned on") == "turned on");
}

}  // namespace
}  // namespace hostprep
