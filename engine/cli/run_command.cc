// hostprep run PLAYBOOK -i INV [options]
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "engine/cli/cli.h"
#include "engine/cli/commands.h"
#include "engine/cli/common.h"
#include "engine/cli/playbook_listing.h"
#include "engine/cli/run_outputs.h"
#include "engine/output/json_reporter.h"
#include "engine/output/text_reporter.h"
#include "engine/playbook/keywords.h"
#include "engine/playbook/task_selection.h"
#include "engine/run/facts_cache.h"
#include "engine/run/local_templates.h"
#include "engine/run/scheduler.h"
#include "engine/transport/ssh_log.h"

namespace hostprep {

namespace po = boost::program_options;

namespace {

// Takes -v, -vv, -vvv out of the arguments and returns the level.
int TakeVerbosity(std::vector<std::string>* args) {
  int level = 0;
  std::erase_if(*args, [&](const std::string& a) {
    if (a.size() >= 2 && a[0] == '-' && a.find_first_not_of('v', 1) == std::string::npos) {
      level += static_cast<int>(a.size()) - 1;
      return true;
    }
    if (a == "--verbose") {
      ++level;
      return true;
    }
    return false;
  });
  return level;
}

// Whether --start-at-task names a task of some play, found before any
// host is contacted (Ansible says so only after running the whole playbook).
bool HasStartTask(const Playbook& playbook, const RunOptions& opts) {
  return std::any_of(playbook.plays.begin(), playbook.plays.end(), [&](const Play& play) {
    return FindStartTask(play, opts.start_at_task, opts.tags, opts.skip_tags) != nullptr;
  });
}

}  // namespace

int RunCommand(const std::vector<std::string>& raw_args, const ModuleRegistry& modules) {
  std::vector<std::string> args = raw_args;
  const int verbosity = TakeVerbosity(&args);
  EnableSshLog(verbosity);
  std::string playbook_path, output = "text", color = "auto", connection, become_user,
                             become_method;
  std::vector<std::string> inventories, tags, skip_tags, extra;
  RunOptions opts;
  opts.facts_cache_dir = FactsCache::DefaultDir();
  opts.verbosity = verbosity;
  bool detailed = false, show_stats = false;
  ListingRequest listing;
  std::string trace_file;
  std::string strategy = "free";
  SshCliOptions ssh;
  po::options_description desc(
      "usage: hostprep run PLAYBOOK -i INVENTORY [options]\n\noptions");
  desc.add_options()("help,h", "show this help")(
      "inventory,i", po::value(&inventories),
      "inventory file, directory, script or 'h1,h2,' (repeatable)")(
      "check,C", po::bool_switch(&opts.check),
      "plan only: report what would change, change nothing")("diff,D", po::bool_switch(&opts.diff),
                                                             "show the diff of every change")(
      "limit,l", po::value(&opts.limit), "further limit the hosts to a pattern")(
      "tags,t", po::value(&tags), "run only tasks with these tags (comma-separated, repeatable)")(
      "skip-tags", po::value(&skip_tags), "skip tasks with these tags")(
      "extra-vars,e", po::value(&extra),
      "variables: key=value, @file.yml or a mapping (repeatable)")(
      "forks,f", po::value(&opts.forks), "hosts run at once (default: all, up to 256)")(
      "strategy", po::value(&strategy),
      "for plays that set none: free (default; hosts never wait for each other) or linear (each "
      "task on every host before the next)")("connection,c", po::value(&connection),
                                             "connection type for every host: ssh or local")(
      "become,b", po::bool_switch(&opts.become), "become (sudo, or su) for every play")(
      "become-user", po::value(&become_user), "user to become (default root)")(
      "become-method", po::value(&become_method),
      "sudo (default) or su, for plays and tasks that set no become_method and hosts whose "
      "inventory sets no ansible_become_method")("task-timeout", po::value(&opts.task_timeout),
                                                 "seconds a command may run (default: no limit)")(
      "allow-lookup-commands", po::bool_switch(&opts.allow_lookup_commands),
      "let the pipe and lines lookups run shell commands on this machine (off by default: a "
      "template cannot run a command here unless you say so)")(
      "allow-broken-conditionals", po::bool_switch(&opts.allow_broken_conditionals),
      "count a condition that is not a boolean by its truthiness, as Ansible 2.14 did (default: an "
      "error, as in Ansible 2.19)")(
      "ansible-managed", po::value(&opts.ansible_managed),
      "the text of {{ ansible_managed }} in template files, with {host}, {uid}, {file} and "
      "strftime's %-codes (ansible.cfg's ansible_managed; default 'Ansible managed')")(
      "output,o", po::value(&output), "text (default) or json (one event per line)")(
      "trace", po::value(&trace_file),
      "write a Chrome trace-event JSON of the run (Perfetto, chrome://tracing): a lane per host, "
      "spans for connect, probe and apply round trips and tasks")(
      "stats", po::bool_switch(&show_stats),
      "after the recap, what the run cost per host: round trips, bytes, time connecting, probing, "
      "applying")("color", po::value(&color), "auto (default), always or never")(
      "start-at-task", po::value(&opts.start_at_task),
      "start at the first task with this name (or 'role : name', or a glob); the plays before its "
      "play run nothing")("list-tasks", po::bool_switch(&listing.tasks),
                          "list the tasks the run would take, with their tags, and exit")(
      "list-tags", po::bool_switch(&listing.tags),
      "list the tags of each play and of the tasks the run would take, and exit")(
      "list-hosts", po::bool_switch(&listing.hosts), "list the hosts of each play, and exit")(
      "detailed-exitcode", po::bool_switch(&detailed),
      "with --check: exit 6 when changes are pending, 0 when none")(
      "playbook", po::value(&playbook_path), "the playbook");
  RunOutputOptions outputs;
  AddRunOutputOptions(&desc, &outputs);
  AddSshOptions(&desc, &ssh);
  po::positional_options_description pos;
  pos.add("playbook", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  if (Status s = StoreAnsibleConfig(desc, &vm); !s.ok()) {
    fmt::print(stderr, "hostprep run: {}\n", s.message());
    return kExitBadOption;
  }
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return kExitOk;
  }
  if (playbook_path.empty()) {
    fmt::print(stderr, "hostprep run: missing PLAYBOOK (see hostprep run --help)\n");
    return kExitBadOption;
  }
  if (output != "text" && output != "json") {
    fmt::print(stderr, "hostprep run: --output must be text or json, not '{}'\n", output);
    return kExitBadOption;
  }
  if (color != "auto" && color != "always" && color != "never") {
    fmt::print(stderr, "hostprep run: --color must be auto, always or never, not '{}'\n", color);
    return kExitBadOption;
  }
  if (std::optional<std::string> name = StrategyName(strategy)) {
    opts.strategy = *name;
  } else {
    fmt::print(stderr, "hostprep run: --strategy must be free or linear, not '{}'\n", strategy);
    return kExitBadOption;
  }
  if (opts.forks < 0) {
    fmt::print(stderr, "hostprep run: --forks must be 1 or more\n");
    return kExitBadOption;
  }
  if (Status s = CheckManagedFormat(opts.ansible_managed); !s.ok()) {
    fmt::print(stderr, "hostprep run: --ansible-managed: {}\n", s.message());
    return kExitBadOption;
  }
  if (detailed && !opts.check) {
    fmt::print(stderr, "hostprep run: --detailed-exitcode needs --check\n");
    return kExitBadOption;
  }
  if (Status s = ApplyRunOutputOptions(outputs, &opts); !s.ok()) {
    fmt::print(stderr, "hostprep run: {}\n", s.message());
    return kExitBadOption;
  }
  opts.tags = SplitList(tags);
  opts.skip_tags = SplitList(skip_tags);
  opts.connection = connection;
  opts.become_user = become_user;
  if (!become_method.empty()) {
    opts.become_method = BecomeMethodNamed(become_method);
    if (!opts.become_method) {
      fmt::print(stderr, "hostprep run: --become-method must be sudo or su, not '{}'\n",
                 become_method);
      return kExitBadOption;
    }
  }
  Value extra_vars;
  if (int code = ReadExtraVarsOrReport("run", extra, &extra_vars); code != kExitOk) return code;
  opts.extra_vars = std::move(extra_vars);
  Result<SshOptions> ssh_options = ResolveSshOptions(ssh);
  if (!ssh_options.ok()) {
    fmt::print(stderr, "hostprep run: {}\n", ssh_options.message());
    return kExitBadOption;
  }
  opts.ssh = std::move(*ssh_options);

  std::unique_ptr<Inventory> inventory = LoadInventoryOrReport(inventories);
  std::unique_ptr<Playbook> playbook = LoadPlaybookOrReport(playbook_path, modules);
  if (!inventory || !playbook) return kExitBadInput;
  if (listing.hosts || listing.tasks || listing.tags) {
    std::fputs(PlaybookListing(*playbook, playbook_path, *inventory, opts, listing).c_str(),
               stdout);
    return kExitOk;
  }
  if (!opts.start_at_task.empty() && !HasStartTask(*playbook, opts)) {
    fmt::print(stderr,
               "hostprep run: --start-at-task '{}' names no task of {} that the tags select (give "
               "a task's name, 'role : name' or a glob such as 'install*'; tasks of an "
               "include_tasks file cannot be started at, as in Ansible)\n",
               opts.start_at_task, playbook_path);
    return kExitBadOption;
  }

  const bool tty = isatty(fileno(stdout));
  std::unique_ptr<Reporter> reporter;
  if (output == "json") {
    reporter = std::make_unique<JsonReporter>(stdout, opts.diff);
  } else {
    TextReporterOptions t;
    t.show_diff = opts.diff;
    t.color = color == "always" || (color == "auto" && tty && !std::getenv("NO_COLOR"));
    t.progress = tty;
    t.verbosity = verbosity;
    t.show_stats = show_stats;
    reporter = std::make_unique<TextReporter>(stdout, t);
  }
  std::unique_ptr<TransportFactory> transports = MakeTransportFactory(inventory.get(), opts.ssh);
  RunOutputs report_files(outputs, playbook_path, *inventory, reporter.get());
  Scheduler scheduler(*playbook, *inventory, modules, transports.get(), report_files.reporter(),
                      opts);
  Trace trace;
  if (!trace_file.empty()) scheduler.set_trace(&trace);
  RunSummary summary = scheduler.Run();
  if (!trace_file.empty()) {
    Status written = trace.Write(trace_file);
    if (!written.ok()) reporter->Warning(written.message());
  }
  if (!summary.error.empty()) fmt::print(stderr, "hostprep run: {}\n", summary.error);
  int code = summary.exit_code();
  if (code == kExitOk && detailed && summary.changed) code = kExitDrift;
  return report_files.Finish(summary, opts, detailed, code);
}

}  // namespace hostprep
