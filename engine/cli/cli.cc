#include "engine/cli/cli.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/base/text.h"
#include "engine/cli/commands.h"
#include "engine/cli/version.h"

namespace hostprep {

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage = R"(usage: hostprep COMMAND [options]

commands:
  run PLAYBOOK -i INV       bring hosts to the state the playbook declares
  validate PLAYBOOK [-i INV] check a playbook (and inventory) without contacting any host
  graph PLAYBOOK [-i INV]   draw each play's task graph (text, dot, mermaid)
  inventory -i INV          show the inventory: --list, --graph, --host NAME
  facts -i INV              gather and print facts of the hosts
  template FILE [-e VARS]   render a template as the template module would, and print it
  report merge RESULTS...   one recap, JUnit report and exit code from the --results files of shards
  modules                   list the built-in modules
  doc MODULE                show a module's arguments and examples
  version                   print the version and the commit it was built from

`hostprep COMMAND --help` shows the options of a command.
)";

// Every host keeps its SSH session (a socket; two through a bastion) for the
// whole run, and a run may reach thousands of hosts: the default soft limit on
// open files (1024) would refuse connections long before anything else ran
// out. The hard limit is the operator's ceiling: the soft one is raised
// towards it, to at most 65536 (the programs hostprep starts inherit it, and
// some close every possible descriptor one by one).
void RaiseOpenFileLimit() {
  constexpr rlim_t kEnough = 65536;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t want = std::min(limit.rlim_max, kEnough);
  if (limit.rlim_cur >= want) return;
  limit.rlim_cur = want;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int RunCli(int argc, char** argv, const ModuleRegistry& modules) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitBadOption;
  }
  const std::string command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "version" || command == "--version") {
    std::puts(VersionLine().c_str());
    return kExitOk;
  }
  const std::map<std::string, CommandFn> commands = {
      {"run", RunCommand},      {"validate", ValidateCommand},
      {"graph", GraphCommand},  {"inventory", InventoryCommand},
      {"facts", FactsCommand},  {"modules", ModulesCommand},
      {"doc", DocCommand},      {"template", TemplateCommand},
      {"report", ReportCommand}};
  auto it = commands.find(command);
  if (it == commands.end()) {
    std::vector<std::string> names = {"run",     "validate", "graph",   "inventory", "facts",
                                      "modules", "doc",      "version", "template",  "report"};
    fmt::print(stderr, "hostprep: unknown command '{}'{}\n{}", command,
               DidYouMeanSuffix(command, names), kUsage);
    return kExitBadOption;
  }
  if (command == "run" || command == "facts") RaiseOpenFileLimit();
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    return it->second(args, modules);
  } catch (const po::error& e) {
    fmt::print(stderr, "hostprep {}: {}\n(see hostprep {} --help)\n", command, e.what(), command);
    return kExitBadOption;
  }
}

}  // namespace hostprep
