// Builds what the facts script prints (engine/facts/scripts/facts.sh), for
// the tests of what the controller makes of it.
#ifndef HOSTPREP_TESTS_ENGINE_FACTS_FACTS_TEST_UTIL_H_
#define HOSTPREP_TESTS_ENGINE_FACTS_FACTS_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/facts/facts.h"

namespace hostprep::testing {

struct ScriptOutput {
  std::vector<std::string> values;           // "key=value" lines
  std::map<std::string, std::string> files;  // path -> content, as grep prints it
  std::vector<std::string> net;              // what ip printed; none: no ip
  bool ip = false;                           // whether ip ran (net=begin/end)

  // The output: the values, each file's lines as "PATH:LINE" (a file
  // without content prints nothing, as grep), the net section, the end.
  std::string Text() const {
    std::string out;
    for (const std::string& v : values) out += v + "\n";
    for (const auto& [path, content] : files) {
      if (content.empty()) continue;
      std::vector<std::string> lines = Split(content, '\n');
      if (!content.empty() && content.back() == '\n') lines.pop_back();
      for (const std::string& line : lines) out += path + ":" + line + "\n";
    }
    if (ip || !net.empty()) {
      out += "net=begin\n";
      for (const std::string& line : net) out += line + "\n";
      out += "net=end\n";
    }
    return out + "end=hostprep-facts\n";
  }

  Value Facts() const {
    ExecResult r;
    r.stdout_data = Text();
    Result<Value> f = ParseFacts(r);
    REQUIRE_MESSAGE(f.ok(), f.message());
    return *f;
  }
};

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_ENGINE_FACTS_FACTS_TEST_UTIL_H_
