// hostprep validate | graph | inventory | modules | doc: commands that never
// change a host (and, but for facts, never contact one).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "engine/base/secrets.h"
#include "engine/base/text.h"
#include "engine/cli/cli.h"
#include "engine/cli/commands.h"
#include "engine/cli/common.h"
#include "engine/graph/task_graph.h"
#include "engine/run/play_keywords.h"
#include "engine/run/resources.h"

namespace hostprep {

namespace po = boost::program_options;

namespace {

// Parses `args` with `desc` and one positional, then what ansible.cfg
// gives; returns the exit code when the command is done (after --help, or
// a bad ansible.cfg), nothing when it goes on.
std::optional<int> ParseCommand(const std::string& command, const std::vector<std::string>& args,
                                po::options_description& desc, const char* positional,
                                po::variables_map* vm) {
  po::positional_options_description pos;
  if (positional != nullptr) pos.add(positional, 1);
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), *vm);
  if (Status s = StoreAnsibleConfig(desc, vm); !s.ok()) {
    fmt::print(stderr, "hostprep {}: {}\n", command, s.message());
    return kExitBadOption;
  }
  po::notify(*vm);
  if (vm->count("help")) {
    std::cout << desc << "\n";
    return kExitOk;
  }
  return std::nullopt;
}

}  // namespace

int ValidateCommand(const std::vector<std::string>& args, const ModuleRegistry& modules) {
  std::string path;
  std::vector<std::string> inventories;
  po::options_description desc("usage: hostprep validate PLAYBOOK [-i INVENTORY]\n\noptions");
  desc.add_options()("help,h", "show this help")("inventory,i", po::value(&inventories),
                                                 "also load and check this inventory (repeatable)")(
      "playbook", po::value(&path), "the playbook");
  po::variables_map vm;
  if (std::optional<int> done = ParseCommand("validate", args, desc, "playbook", &vm)) return *done;
  if (path.empty()) {
    fmt::print(stderr, "hostprep validate: missing PLAYBOOK\n");
    return kExitBadOption;
  }
  std::unique_ptr<Playbook> pb = LoadPlaybookOrReport(path, modules);
  std::unique_ptr<Inventory> inv;
  if (!inventories.empty()) inv = LoadInventoryOrReport(inventories);
  if (!pb || (!inventories.empty() && !inv)) return kExitBadInput;
  size_t tasks = 0, handlers = 0;
  for (const Play& play : pb->plays) {
    // The tasks as written: not the flushes and role ends hostprep adds.
    tasks += std::count_if(play.tasks.begin(), play.tasks.end(),
                           [](const TaskSpec& t) { return !t.implicit; });
    handlers += play.handlers.size();
    if (inv) {
      std::vector<std::string> problems;
      // A templated pattern as it renders with no -e (as written when it cannot).
      const std::string pattern = PlayPattern(play, inv->GroupsValue(), RunOptions{});
      Result<std::vector<std::string>> hosts = inv->Match(pattern, &problems);
      if (!hosts.ok()) problems.push_back(hosts.message());
      for (const std::string& problem : problems) {
        fmt::print(stderr, "{}: warning: play '{}': {}\n", play.hosts_location.ToString(),
                   play.DisplayName(), problem);
      }
    }
  }
  fmt::print("{}: ok ({} play{}, {} task{}, {} handler{})\n", path, pb->plays.size(),
             pb->plays.size() == 1 ? "" : "s", tasks, tasks == 1 ? "" : "s", handlers,
             handlers == 1 ? "" : "s");
  return kExitOk;
}

int GraphCommand(const std::vector<std::string>& args, const ModuleRegistry& modules) {
  std::string path, host, format = "text";
  std::vector<std::string> inventories, extra;
  po::options_description desc(
      "usage: hostprep graph PLAYBOOK [-i INVENTORY] [--host H] [--format text|dot|mermaid]\n\n"
      "options");
  desc.add_options()("help,h", "show this help")("inventory,i", po::value(&inventories),
                                                 "inventory (for --host)")(
      "host", po::value(&host), "render paths with this host's variables (automatic edges)")(
      "format", po::value(&format), "text (default), dot or mermaid")(
      "extra-vars,e", po::value(&extra), "variables, as for run")("playbook", po::value(&path),
                                                                  "the playbook");
  po::variables_map vm;
  if (std::optional<int> done = ParseCommand("graph", args, desc, "playbook", &vm)) return *done;
  if (path.empty() || (format != "text" && format != "dot" && format != "mermaid")) {
    fmt::print(stderr, "hostprep graph: need PLAYBOOK and --format text, dot or mermaid\n");
    return kExitBadOption;
  }
  Value extra_vars;
  if (int code = ReadExtraVarsOrReport("graph", extra, &extra_vars); code != kExitOk) return code;
  std::unique_ptr<Playbook> pb = LoadPlaybookOrReport(path, modules);
  std::unique_ptr<Inventory> inv = LoadInventoryOrReport(inventories);
  if (!pb || !inv) return kExitBadInput;
  if (!host.empty() && inv->FindHost(host) == nullptr) {
    fmt::print(stderr, "hostprep graph: no host '{}' in the inventory{}\n", host,
               DidYouMeanSuffix(host, inv->host_names()));
    return kExitBadInput;
  }
  for (const Play& play : pb->plays) {
    Variables base;
    if (!host.empty()) {
      inv->HostVariables(host, &base);
      base.Set("groups", inv->GroupsValue(), "inventory");
    }
    Variables play_vars(&base);
    play_vars.SetAll(play.vars, "play vars");
    Variables top(&play_vars);
    top.SetAll(extra_vars, "extra vars (-e)");
    Result<TaskGraph> g = TaskGraph::Build(play, PlayResources(play, modules, top));
    if (!g.ok()) {
      fmt::print(stderr, "{}\n", g.message());
      return kExitBadInput;
    }
    std::string title = play.DisplayName() + (host.empty() ? "" : " (" + host + ")");
    if (format == "dot") {
      std::fputs(g->ToDot(title).c_str(), stdout);
    } else if (format == "mermaid") {
      std::fputs(g->ToMermaid().c_str(), stdout);
    } else {
      fmt::print("play '{}'{}:\n{}", play.DisplayName(), host.empty() ? "" : " on " + host,
                 g->ToText());
    }
  }
  return kExitOk;
}

int InventoryCommand(const std::vector<std::string>& args, const ModuleRegistry&) {
  std::vector<std::string> inventories;
  std::string host, graph_root;
  bool list = false, graph = false;
  po::options_description desc(
      "usage: hostprep inventory -i INVENTORY (--list | --graph [GROUP] | --host NAME)\n\n"
      "options");
  desc.add_options()("help,h", "show this help")("inventory,i", po::value(&inventories),
                                                 "inventory (repeatable)")(
      "list", po::bool_switch(&list), "all hosts and groups with variables, as JSON")(
      "graph", po::bool_switch(&graph), "the group tree")("host", po::value(&host),
                                                          "one host's merged variables, as JSON")(
      "group", po::value(&graph_root), "root group for --graph (default all)");
  po::variables_map vm;
  if (std::optional<int> done = ParseCommand("inventory", args, desc, "group", &vm)) return *done;
  if (int(list) + int(graph) + int(!host.empty()) != 1) {
    fmt::print(stderr, "hostprep inventory: give exactly one of --list, --graph, --host NAME\n");
    return kExitBadOption;
  }
  std::unique_ptr<Inventory> inv = LoadInventoryOrReport(inventories);
  if (!inv) return kExitBadInput;
  if (list) {
    std::puts(Secrets::Redact(inv->ToListJson().dump(4)).c_str());
  } else if (graph) {
    std::string root = graph_root.empty() ? "all" : graph_root;
    if (inv->FindGroup(root) == nullptr) {
      fmt::print(stderr, "hostprep inventory: no group '{}'{}\n", root,
                 DidYouMeanSuffix(root, inv->group_names()));
      return kExitBadInput;
    }
    std::fputs(inv->ToGraph(root).c_str(), stdout);
  } else {
    if (inv->FindHost(host) == nullptr) {
      fmt::print(stderr, "hostprep inventory: no host '{}'{}\n", host,
                 DidYouMeanSuffix(host, inv->host_names()));
      return kExitBadInput;
    }
    Variables vars;
    inv->HostVariables(host, &vars);
    std::puts(Secrets::Redact(vars.Flatten().dump(4)).c_str());
  }
  return kExitOk;
}

int ModulesCommand(const std::vector<std::string>& args, const ModuleRegistry& modules) {
  if (!args.empty() && args[0] != "--help" && args[0] != "-h") {
    fmt::print(stderr, "hostprep modules: takes no arguments\n");
    return kExitBadOption;
  }
  // Summaries in one column, past the longest name.
  size_t width = 20;
  for (const std::string& name : modules.names()) width = std::max(width, name.size() + 1);
  for (const std::string& name : modules.names()) {
    const ArgSpec& spec = modules.Find(name)->spec();
    fmt::print("{:<{}} {}\n", name, width, spec.summary);
    if (!spec.ansible_names.empty()) {
      fmt::print("{:<{}} also as {}\n", "", width, fmt::join(spec.ansible_names, ", "));
    }
  }
  return kExitOk;
}

namespace {

const char* TypeLabel(ArgType t) {
  switch (t) {
    case ArgType::kString:
      return "string";
    case ArgType::kInt:
      return "integer";
    case ArgType::kBool:
      return "boolean";
    case ArgType::kList:
      return "list";
    case ArgType::kMap:
      return "mapping";
    case ArgType::kMode:
      return "mode";
    case ArgType::kRaw:
      return "any";
  }
  return "any";
}

}  // namespace

int DocCommand(const std::vector<std::string>& args, const ModuleRegistry& modules) {
  if (args.size() != 1 || args[0] == "--help" || args[0] == "-h") {
    fmt::print(stderr, "usage: hostprep doc MODULE (one of: {})\n",
               fmt::join(modules.names(), ", "));
    return args.size() == 1 ? kExitOk : kExitBadOption;
  }
  const Module* m = modules.Find(args[0]);
  if (m == nullptr) {
    fmt::print(stderr, "hostprep doc: no module '{}'{} (modules: {})\n", args[0],
               DidYouMeanSuffix(args[0], modules.names()), fmt::join(modules.names(), ", "));
    return kExitBadOption;
  }
  const ArgSpec& s = m->spec();
  std::string out = fmt::format("{} - {}\n\n", s.name, s.summary);
  if (!s.ansible_names.empty())
    out += fmt::format("Ansible's names: {}\n\n", fmt::join(s.ansible_names, ", "));
  if (!s.description.empty()) out += Trim(s.description) + "\n\n";
  out += "ARGUMENTS\n";
  for (const ArgDef& a : s.args) {
    std::string head =
        fmt::format("  {} ({}{})", a.name, TypeLabel(a.type), a.required ? ", required" : "");
    out += head + "\n";
    if (!a.description.empty()) out += "      " + a.description + "\n";
    if (!a.choices.empty()) out += fmt::format("      choices: {}\n", fmt::join(a.choices, ", "));
    if (!a.default_value.is_null()) out += "      default: " + ToText(a.default_value) + "\n";
    if (!a.aliases.empty()) out += fmt::format("      aliases: {}\n", fmt::join(a.aliases, ", "));
    if (a.name == s.free_form_arg) out += "      (may be given as the module's plain value)\n";
    if (a.secret) out += "      (secret: its value is shown as ******** in every output)\n";
  }
  for (const auto& group : s.mutually_exclusive) {
    out += fmt::format("  mutually exclusive: {}\n", fmt::join(group, ", "));
  }
  if (!s.notes.empty()) out += "\nNOTES\n" + s.notes + (EndsWith(s.notes, "\n") ? "" : "\n");
  if (!s.examples.empty()) {
    out += "\nEXAMPLES\n" + s.examples + (EndsWith(s.examples, "\n") ? "" : "\n");
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace hostprep
