#include "engine/cli/playbook_listing.h"

#include <doctest/doctest.h>

#include "tests/engine/playbook/playbook_fixture.h"

namespace hostprep {
namespace {

using testing::PlaybookFixture;

// The layout was taken from ansible-playbook 2.14's --list-* output for the
// same playbook (tests/integration/compat compares runs; these are pinned).
constexpr char kSite[] = R"(- name: first play
  hosts: web
  tags: [p1]
  pre_tasks:
    - name: pre
      command: "true"
  tasks:
    - name: t1
      command: "true"
      tags: [b, a]
    - command: echo hi
    - block:
        - name: in block
          command: "true"
      rescue:
        - name: not listed
          command: "true"
      tags: [blk]
    - include_tasks: other.yml
  post_tasks:
    - name: debug only
      command: "true"
      tags: [never, dbg]
  handlers:
    - name: h
      command: "true"
- hosts: db
  tasks:
    - name: second
      command: "true"
)";

struct Listing {
  PlaybookFixture fx;
  std::unique_ptr<Playbook> playbook;
  std::unique_ptr<Inventory> inventory;
  RunOptions options;
  Listing() {
    fx.Write("other.yml", "- name: other\n  command: ls\n");
    auto out = fx.Parse(kSite);
    REQUIRE_MESSAGE(out.playbook != nullptr, out.errors);
    playbook = std::move(out.playbook);
    Diagnostics diags;
    inventory = Inventory::Load({fx.Write("hosts.ini", "[web]\nweb1\nweb2\n[db]\ndb1\n")}, &diags);
    REQUIRE(inventory != nullptr);
  }
  std::string Print(ListingRequest request) {
    return PlaybookListing(*playbook, "site.yml", *inventory, options, request);
  }
};

TEST_CASE("--list-tasks shows each play's tasks with their tags, as ansible-playbook does") {
  Listing l;
  CHECK(l.Print({.tasks = true}) ==
        "\nplaybook: site.yml\n"
        "\n  play #1 (web): first play\tTAGS: [p1]\n"
        "    tasks:\n"
        "      pre\tTAGS: [p1]\n"
        "      t1\tTAGS: [a, b, p1]\n"
        "      command\tTAGS: [p1]\n"
        "      in block\tTAGS: [blk, p1]\n"
        "      include_tasks\tTAGS: [p1]\n"
        "\n  play #2 (db): db\tTAGS: []\n"
        "    tasks:\n"
        "      second\tTAGS: []\n");
  l.options.tags = {"a"};
  CHECK(l.Print({.tasks = true}) ==
        "\nplaybook: site.yml\n"
        "\n  play #1 (web): first play\tTAGS: [p1]\n"
        "    tasks:\n"
        "      t1\tTAGS: [a, b, p1]\n"
        "\n  play #2 (db): db\tTAGS: []\n"
        "    tasks:\n");
}

TEST_CASE("--list-tags and --list-hosts show what the run would take") {
  Listing l;
  CHECK(l.Print({.tags = true}) ==
        "\nplaybook: site.yml\n"
        "\n  play #1 (web): first play\tTAGS: [p1]\n"
        "      TASK TAGS: [a, b, blk, p1]\n"
        "\n  play #2 (db): db\tTAGS: []\n"
        "      TASK TAGS: []\n");
  l.options.limit = "web2:db1";
  CHECK(l.Print({.hosts = true}) ==
        "\nplaybook: site.yml\n"
        "\n  play #1 (web): first play\tTAGS: [p1]\n"
        "    pattern: ['web']\n"
        "    hosts (1):\n"
        "      web2\n"
        "\n  play #2 (db): db\tTAGS: []\n"
        "    pattern: ['db']\n"
        "    hosts (1):\n"
        "      db1\n");
}

}  // namespace
}  // namespace hostprep
