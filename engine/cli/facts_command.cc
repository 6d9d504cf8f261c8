// hostprep facts -i INV [--limit P]: gathers facts from every host, in
// parallel, and prints them as one JSON mapping host -> facts.
#include <fmt/format.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "engine/cli/cli.h"
#include "engine/cli/commands.h"
#include "engine/cli/common.h"
#include "engine/facts/facts.h"

namespace hostprep {

namespace po = boost::program_options;

namespace {

// Facts of one host, or the error that kept us from them.
Result<Value> HostFacts(const Inventory& inv, const std::string& host, const Value& extra,
                        const std::string& connection, const FactSubset& subset,
                        TransportFactory* factory) {
  Variables vars;
  inv.HostVariables(host, &vars);
  Variables top(&vars);
  top.SetAll(extra, "extra vars (-e)");
  Result<ConnectionSettings> settings = ReadConnectionSettings(host, top, &vars);
  if (!settings.ok()) return settings.status();
  if (!connection.empty()) settings->connection = connection;
  Result<std::unique_ptr<Transport>> t = factory->Create(host, *settings);
  if (!t.ok()) return t.status();
  Status s = (*t)->Connect();
  if (!s.ok()) return s;
  ExecRequest request;
  request.argv = FactsRead(false, subset).argv;
  Result<ExecResult> out = (*t)->Exec(request);
  if (!out.ok()) return out.status();
  Result<Value> all = ParseFacts(*out);
  if (!all.ok()) return all;
  return SelectFacts(*all, subset);
}

// setup's filter over the facts' names as setup returns them (ansible_...).
Value Filtered(const Value& facts, const std::vector<std::string>& patterns) {
  Value out = Value::object();
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    if (FactFilterKeeps(patterns, FactVariableName(it.key(), facts))) out[it.key()] = it.value();
  }
  return out;
}

}  // namespace

int FactsCommand(const std::vector<std::string>& args, const ModuleRegistry&) {
  std::vector<std::string> inventories, extra, subsets, filters;
  std::string limit = "all", connection;
  int forks = 0;
  SshCliOptions ssh;
  po::options_description desc(
      "usage: hostprep facts -i INVENTORY [--limit PATTERN] [--gather-subset LIST] "
      "[--filter PATTERN]\n\noptions");
  desc.add_options()("help,h", "show this help")("inventory,i", po::value(&inventories),
                                                 "inventory (repeatable)")(
      "limit,l", po::value(&limit), "host pattern (default all)")("extra-vars,e", po::value(&extra),
                                                                  "variables, as for run")(
      "connection,c", po::value(&connection), "connection type for every host: ssh or local")(
      "forks,f", po::value(&forks), "hosts at once (default all, up to 256)")(
      "gather-subset", po::value(&subsets),
      "Ansible's gather_subset: min, network, !hardware... (repeatable or comma-separated; "
      "default all)")(
      "filter", po::value(&filters),
      "only facts whose name (ansible_...) matches this shell pattern (repeatable)");
  AddSshOptions(&desc, &ssh);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  if (Status s = StoreAnsibleConfig(desc, &vm); !s.ok()) {
    fmt::print(stderr, "hostprep facts: {}\n", s.message());
    return kExitBadOption;
  }
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return kExitOk;
  }
  Value extra_vars;
  if (int code = ReadExtraVarsOrReport("facts", extra, &extra_vars); code != kExitOk) return code;
  Result<FactSubset> subset = ResolveFactSubset(subsets);
  if (!subset.ok()) {
    fmt::print(stderr, "hostprep facts: --gather-subset: {}\n", subset.message());
    return kExitBadOption;
  }
  Result<SshOptions> ssh_options = ResolveSshOptions(ssh);
  if (!ssh_options.ok()) {
    fmt::print(stderr, "hostprep facts: {}\n", ssh_options.message());
    return kExitBadOption;
  }
  std::unique_ptr<Inventory> inv = LoadInventoryOrReport(inventories);
  if (!inv) return kExitBadInput;
  Result<std::vector<std::string>> hosts = inv->Match(limit);
  if (!hosts.ok()) {
    fmt::print(stderr, "hostprep facts: {}\n", hosts.message());
    return kExitBadInput;
  }
  std::unique_ptr<TransportFactory> factory =
      MakeTransportFactory(inv.get(), std::move(*ssh_options));
  std::vector<Result<Value>> results(hosts->size(), Status::Error("not gathered"));
  std::atomic<size_t> next{0};
  size_t workers = std::min<size_t>(hosts->size(), forks > 0 ? forks : 256);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < hosts->size(); i = next++) {
        results[i] = HostFacts(*inv, (*hosts)[i], extra_vars, connection, *subset, factory.get());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  Value out = Value::object();
  int code = kExitOk;
  for (size_t i = 0; i < hosts->size(); ++i) {
    if (results[i].ok()) {
      out[(*hosts)[i]] = Filtered(*results[i], filters);
    } else {
      fmt::print(stderr, "unreachable: [{}] {}\n", (*hosts)[i], results[i].message());
      code = kExitUnreachable;
    }
  }
  std::puts(out.dump(4).c_str());
  return code;
}

}  // namespace hostprep
