// Transport::RunSteps (and ReadMany) as one shell command on the target:
// the batch protocol that ShellTransport (SSH and local) sends.
//
//   sh -c SCRIPT sh RECORDS...
//
// The script is constant text. Every path and argv element is a positional
// argument; the answer marker (see below), the content of every write and the
// stdin of every command travel on stdin, in that order. No value can become
// shell code whatever it holds.
//
// Answers come back on stdout and stderr, each cut into segments that end in
// a line holding the marker: DATA "\n" MARKER " " TAG "\n". The marker is 128
// random bits made for each request and sent only on stdin, so neither a file
// being read nor a command's output can forge one (argv would be visible to
// every user of the host in /proc). Reads stream straight into the answer:
// no temp file, no process beyond those that read. Only the steps that a
// later step must compare (guard reads), and changes, keep their output in a
// private temp dir, sent at the end framed by sizes.
#ifndef HOSTPREP_ENGINE_TRANSPORT_REMOTE_STEPS_H_
#define HOSTPREP_ENGINE_TRANSPORT_REMOTE_STEPS_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/transport/transport.h"

namespace hostprep {

// A fresh answer marker: 48 hex digits from the OS's random source. The
// first 32 frame the answer; the last 16 name the temp files of writes
// (.hostprep.DIGITS.N beside the file, created with O_EXCL), so that those
// names, which other users may list, tell nothing about the first 32.
std::string NewAnswerMarker();

// The command for `steps`. Each step's answer has the semantics of the
// single operation (ParseStat, ParseReadFile, ParseWriteFile, an exec's own
// ExecResult); a read's exec runs with stdin from /dev/null. `marker` must be
// NewAnswerMarker()'s, and the same one given to ParseSteps.
ExecRequest StepsCommand(const std::vector<Step>& steps, const Become& become,
                         const std::string& marker);

// The answers to StepsCommand(steps, _, marker). A script that could not run
// at all (no temp dir, an answer cut short or not framed by the marker) is an
// error Status for the whole batch. Reads that the batch's shared `cat`
// could not answer (a file whose size lies: /proc or /sys behind a symlink)
// are left not run and listed in `*read_again`, to be asked again on their
// own (Step::Read(read, true)); without `read_again` they are an error.
Result<std::vector<StepResult>> ParseSteps(const std::vector<Step>& steps,
                                           const std::string& marker, const ExecResult& result,
                                           std::vector<size_t>* read_again = nullptr);

// ReadMany as RunSteps: one kRead step per read, in order, and the reads'
// answers of their results.
std::vector<Step> ReadSteps(const std::vector<RemoteRead>& reads);
std::vector<ReadResult> ReadAnswers(std::vector<StepResult> results);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TRANSPORT_REMOTE_STEPS_H_
