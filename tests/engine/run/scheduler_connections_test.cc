// When a host's connection closes: once no later play may include the host
// (or it failed), not at the end of the run; and what a host keeps between
// its plays (its facts, on the hostvars board) comes back for the next one.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "tests/engine/run/scheduler_test_util.h"

namespace hostprep {
namespace {

// Records, as each play starts, how many connections each host has open.
class OpenAtPlayStart : public testing::Recorder {
 public:
  explicit OpenAtPlayStart(testing::Hosts* hosts) : hosts_(hosts) {}
  void PlayStart(const std::string& play, const std::vector<std::string>& names,
                 bool check) override {
    Recorder::PlayStart(play, names, check);
    open.push_back({{"h1", hosts_->Open("h1")}, {"h2", hosts_->Open("h2")}});
  }
  std::vector<std::map<std::string, int>> open;

 private:
  testing::Hosts* hosts_;
};

using Open = std::map<std::string, int>;

// Two plays: h1 and h2, then h1 alone.
constexpr const char* kBothThenH1 = R"(
- hosts: all
  tasks:
    - {name: both, put: {path: /etc/a, content: a}}
- hosts: h1
  tasks:
    - {name: h1 only, put: {path: /etc/b, content: b}}
)";

// Runs `playbook` on h1 and h2; the connections open at each play's start.
std::vector<Open> OpenPerPlay(testing::SchedulerFixture* f, const std::string& playbook) {
  OpenAtPlayStart rec(&f->hosts);
  CHECK(f->Run(playbook, "h1,h2,", &rec).exit_code() == 0);
  return rec.open;
}

TEST_CASE("a host's connection closes after the last play that includes it, not before") {
  testing::SchedulerFixture f;
  const std::vector<Open> open = OpenPerPlay(&f, std::string(kBothThenH1) + R"(- hosts: h1
  tasks:
    - {name: h1 again, put: {path: /etc/c, content: "{{ ansible_os_family }}"}}
)");
  // h2 is in no later play: closed; h1 keeps its session across plays.
  CHECK(open ==
        std::vector<Open>{{{"h1", 0}, {"h2", 0}}, {{"h1", 1}, {"h2", 0}}, {{"h1", 1}, {"h2", 0}}});
  CHECK(f.hosts.Open("h1") == 0);
  // The third play has the facts of the first: gathered once, kept on the
  // hostvars board between the plays.
  const std::vector<std::string> script = FactsRead().argv;
  int gathered = 0;
  for (const FakeTransport::Call& c : f.hosts["h1"].calls())
    gathered += c.kind == FakeTransport::Call::Kind::kExec && c.argv.size() >= script.size() &&
                std::equal(script.begin(), script.end(), c.argv.begin());
  CHECK(gathered == 1);
  CHECK(f.hosts["h1"].Content("/etc/c") == "Debian");
}

TEST_CASE("a host a later play includes again keeps its connection through the plays between") {
  testing::SchedulerFixture f;
  const std::vector<Open> open = OpenPerPlay(&f, std::string(kBothThenH1) + R"(- hosts: all
  tasks:
    - {name: both again, put: {path: /etc/c, content: "{{ hostvars['h1'].ansible_os_family }}"}}
)");
  CHECK(open ==
        std::vector<Open>{{{"h1", 0}, {"h2", 0}}, {{"h1", 1}, {"h2", 1}}, {{"h1", 1}, {"h2", 1}}});
  CHECK(f.hosts["h2"].Content("/etc/c") == "Debian");
}

}  // namespace
}  // namespace hostprep
