// hostprep report merge RESULTS... [--junit FILE] [--results FILE]: the
// --results files of the shards of one run (or of runs on several
// controllers) as one run: one PLAY RECAP, one JUnit report, one results
// file and the exit code one run over all the hosts would have had.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <utility>

#include "engine/base/secrets.h"
#include "engine/cli/cli.h"
#include "engine/cli/commands.h"
#include "engine/cli/run_outputs.h"
#include "engine/output/atomic_file.h"
#include "engine/output/text_reporter.h"

namespace hostprep {

namespace po = boost::program_options;

namespace {

constexpr const char* kMergeUsage =
    "usage: hostprep report merge RESULTS.json... [--junit FILE] [--results FILE]\n\n"
    "Merges the --results files of a run's shards (hostprep run --shard I/N --results FILE):\n"
    "prints one PLAY RECAP over all their hosts, writes one JUnit report and one results\n"
    "file, and exits with the code one run over all the hosts would have: 4 a play could not\n"
    "start, else 2 a host failed, else 3 a host was unreachable, else 0 (6 for pending\n"
    "changes of --check --detailed-exitcode runs).\n\noptions";

// Reads every file; prints every file's problem before giving up.
bool ReadResultFiles(const std::vector<std::string>& files, std::vector<RunResults>* out) {
  bool ok = true;
  for (const std::string& file : files) {
    Result<RunResults> r = ReadResultsFile(file);
    if (r.ok()) {
      out->push_back(std::move(*r));
    } else {
      fmt::print(stderr, "hostprep report merge: {}\n", r.message());
      ok = false;
    }
  }
  return ok;
}

// Writes --junit and --results of the merged results; false (and said on
// stderr) when one could not be written.
bool WriteMerged(const RunResults& merged, const std::string& junit, const std::string& results) {
  bool ok = true;
  if (!junit.empty()) {
    JunitReporter report(junit);
    ReplayResults(merged, &report);
    report.RunEnd(merged.exit_code);
    if (!report.write_status().ok()) {
      fmt::print(stderr, "hostprep report merge: {}\n", report.write_status().message());
      ok = false;
    }
  }
  if (!results.empty()) {
    const std::string text =
        ResultsToJson(merged).dump(-1, ' ', false, Value::error_handler_t::replace) + "\n";
    if (Status s = WriteFileAtomically("--results", results, Secrets::Redact(text)); !s.ok()) {
      fmt::print(stderr, "hostprep report merge: {}\n", s.message());
      ok = false;
    }
  }
  return ok;
}

int MergeCommand(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string junit, results, color = "auto";
  po::options_description desc(kMergeUsage);
  desc.add_options()("help,h", "show this help")("junit", po::value(&junit),
                                                 "write the merged JUnit XML report there")(
      "results", po::value(&results), "write the merged results there (a results file again)")(
      "color", po::value(&color), "auto (default), always or never");
  po::options_description all;
  all.add(desc).add_options()("files", po::value(&files), "the results files");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return kExitOk;
  }
  if (files.empty()) {
    fmt::print(
        stderr,
        "hostprep report merge: no results files given (see hostprep report merge --help)\n");
    return kExitBadOption;
  }
  if (color != "auto" && color != "always" && color != "never") {
    fmt::print(stderr, "hostprep report merge: --color must be auto, always or never, not '{}'\n",
               color);
    return kExitBadOption;
  }
  const std::pair<const char*, std::string> outputs[] = {{"--junit", junit},
                                                         {"--results", results}};
  for (const auto& [option, path] : outputs) {
    if (path.empty()) continue;
    if (Status s = CheckWritablePath(option, path); !s.ok()) {
      fmt::print(stderr, "hostprep report merge: {}\n", s.message());
      return kExitBadOption;
    }
  }
  std::vector<RunResults> parts;
  if (!ReadResultFiles(files, &parts)) return kExitBadInput;
  Result<RunResults> merged = MergeResults(std::move(parts), files);
  if (!merged.ok()) {
    fmt::print(stderr, "hostprep report merge: {}\n", merged.message());
    return kExitBadInput;
  }
  merged->exit_code = ResultsExitCode(*merged);
  TextReporterOptions text;
  text.color =
      color == "always" || (color == "auto" && isatty(fileno(stdout)) && !std::getenv("NO_COLOR"));
  TextReporter recap(stdout, text);
  std::map<std::string, HostStats> stats;
  std::vector<std::string> order;
  for (const HostResult& h : merged->hosts) {
    stats[h.host] = h.stats;
    order.push_back(h.host);
  }
  recap.Recap(stats, order);
  if (!merged->error.empty()) fmt::print(stderr, "hostprep report merge: {}\n", merged->error);
  const bool written = WriteMerged(*merged, junit, results);
  return merged->exit_code == kExitOk && !written ? kExitError : merged->exit_code;
}

}  // namespace

int ReportCommand(const std::vector<std::string>& args, const ModuleRegistry&) {
  if (args.empty()) {
    fmt::print(stderr, "hostprep report: missing subcommand (see hostprep report merge --help)\n");
    return kExitBadOption;
  }
  // `report --help` is merge's: the one subcommand there is.
  if (args[0] == "-h" || args[0] == "--help") return MergeCommand({"--help"});
  if (args[0] != "merge") {
    fmt::print(stderr,
               "hostprep report: unknown subcommand '{}' (the one there is: merge; see hostprep "
               "report merge --help)\n",
               args[0]);
    return kExitBadOption;
  }
  return MergeCommand(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace hostprep
