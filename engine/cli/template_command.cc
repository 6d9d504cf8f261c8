// hostprep template: renders one template file on this machine, as the
// template module would render it for a host, and prints the result. For
// writing and debugging templates without a run, and for the template
// benchmark (--repeat).
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/base/secrets.h"
#include "engine/cli/cli.h"
#include "engine/cli/commands.h"
#include "engine/cli/common.h"
#include "engine/run/controller_lookups.h"
#include "engine/run/local_templates.h"
#include "engine/run/run_options.h"
#include "engine/template/templar.h"

namespace hostprep {

namespace po = boost::program_options;

int TemplateCommand(const std::vector<std::string>& args, const ModuleRegistry&) {
  std::string path, host;
  std::vector<std::string> inventories, extra;
  int repeat = 1;
  bool allow_commands = false;
  std::string managed = kDefaultAnsibleManaged;
  po::options_description desc(
      "usage: hostprep template TEMPLATE [-e VARS] [-i INVENTORY --host HOST]\n\n"
      "Renders TEMPLATE as the template module renders it for a host (Ansible's Jinja2,\n"
      "trim_blocks, ansible_managed, lookups) and prints the result. Its {% include %}s\n"
      "and lookups are found beside it and in the current directory.\n\noptions");
  desc.add_options()("help,h", "show this help")("extra-vars,e", po::value(&extra),
                                                 "variables, as for run (repeatable)")(
      "inventory,i", po::value(&inventories), "inventory whose variables --host's are")(
      "host", po::value(&host), "render with this inventory host's variables")(
      "allow-lookup-commands", po::bool_switch(&allow_commands),
      "let the pipe and lines lookups run shell commands")(
      "ansible-managed", po::value(&managed),
      "the text of {{ ansible_managed }} (ansible.cfg's ansible_managed)")(
      "repeat", po::value(&repeat),
      "render N times and say on stderr how long one render took (for benchmarks)")(
      "template", po::value(&path), "the template file");
  po::positional_options_description pos;
  pos.add("template", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  if (Status s = StoreAnsibleConfig(desc, &vm); !s.ok()) {
    fmt::print(stderr, "hostprep template: {}\n", s.message());
    return kExitBadOption;
  }
  if (Status s = CheckManagedFormat(managed); !s.ok()) {
    fmt::print(stderr, "hostprep template: {}\n", s.message());
    return kExitBadOption;
  }
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return kExitOk;
  }
  if (path.empty() || repeat < 1 || (!host.empty() && inventories.empty())) {
    fmt::print(stderr,
               "hostprep template: need TEMPLATE, a --repeat of at least 1, and -i with "
               "--host\n");
    return kExitBadOption;
  }
  Value extra_vars;
  if (int code = ReadExtraVarsOrReport("template", extra, &extra_vars); code != kExitOk)
    return code;
  Variables inventory_vars;
  std::unique_ptr<Inventory> inv;
  if (!host.empty()) {
    inv = LoadInventoryOrReport(inventories);
    if (!inv) return kExitBadInput;
    if (inv->FindHost(host) == nullptr) {
      fmt::print(stderr, "hostprep template: host '{}' is not in the inventory\n", host);
      return kExitBadInput;
    }
    inv->HostVariables(host, &inventory_vars);
    inventory_vars.Set("groups", inv->GroupsValue(), "inventory");
  }
  const ControllerFiles files;
  const std::optional<std::string> text = files.ReadLocal(path);
  if (!text) {
    fmt::print(stderr, "hostprep template: cannot read {}\n", path);
    return kExitBadInput;
  }
  std::error_code ec;
  const std::string here = std::filesystem::current_path(ec).string();
  const ControllerLookups lookups(here, allow_commands, managed);
  inventory_vars.SetLookups(&lookups);
  inventory_vars.Set("ansible_search_path", Value::array({here}), "hostprep", Trust::kData);
  inventory_vars.Set("omit", OmitToken(), "hostprep");
  if (host.empty()) inventory_vars.Set("inventory_hostname", "localhost", "hostprep");
  Variables top(&inventory_vars);
  top.SetAll(extra_vars, "extra vars (-e)");
  const Variables template_vars = TemplateVars(top, path, path, managed);
  const std::vector<std::string> search_paths;
  const LocalTemplateLoader loader(files, path, search_paths, here);
  TemplateOptions options;
  options.origin = path;
  const auto start = std::chrono::steady_clock::now();
  Result<std::string> rendered = Status::Error("not rendered");
  for (int i = 0; i < repeat; ++i)
    rendered = Templar(template_vars).RenderDocument(*text, options, &loader);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!rendered.ok()) {
    fmt::print(stderr, "{}\n", Secrets::Redact(rendered.message()));
    return kExitBadInput;
  }
  std::fwrite(rendered->data(), 1, rendered->size(), stdout);
  if (vm.count("repeat")) {
    fmt::print(stderr, "rendered {} time{} in {:.6f} s: {:.6f} ms per render\n", repeat,
               repeat == 1 ? "" : "s", seconds, seconds * 1000 / repeat);
  }
  return kExitOk;
}

}  // namespace hostprep
