// `command`: runs a program on the target.
#ifndef HOSTPREP_MODULES_COMMAND_H_
#define HOSTPREP_MODULES_COMMAND_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/module.h"

namespace hostprep::modules {

// Splits a command line into words with a POSIX shell's quoting rules and
// nothing else: 'single quotes' keep everything, "double quotes" keep
// everything but \" \\ \$ \` and \newline, a backslash outside quotes keeps
// the next character. No variables, globbing, pipes, redirections or
// comments: "a|b", ";", "$HOME" and "*" are plain words. Fails on an
// unterminated quote or a trailing backslash.
Result<std::vector<std::string>> SplitCommandLine(const std::string& line);

// A command as a person would type it: words quoted only where needed.
std::string DisplayArgv(const std::vector<std::string>& argv);

// Always plans to run the command (changed), unless `creates` exists or
// `removes` does not: then the task is skipped. The engine runs the kExec
// action and applies rc, changed_when and failed_when.
class CommandModule final : public Module {
 public:
  CommandModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_COMMAND_H_
