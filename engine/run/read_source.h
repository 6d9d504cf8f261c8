// What the task executor may ask about a host without doing any I/O itself:
// the answers read so far, and files on the controller. HostIo is the real
// one; tests hand the executor an in-memory one.
#ifndef HOSTPREP_ENGINE_RUN_READ_SOURCE_H_
#define HOSTPREP_ENGINE_RUN_READ_SOURCE_H_

#include <optional>
#include <string>

#include "engine/module/read_result.h"

namespace hostprep {

class ReadSource {
 public:
  virtual ~ReadSource() = default;

  // The answer to `read` made as `become`, when it has been read since the
  // host last changed; nullopt when it has to be read.
  virtual std::optional<ReadResult> Find(const Become& become, const RemoteRead& read) const = 0;

  // The content of a file on the controller (an absolute path); nullopt
  // when it does not exist or cannot be read.
  virtual std::optional<std::string> ReadLocal(const std::string& path) const = 0;

  // The type and permission bits of a file on the controller (symlinks
  // followed); kMissing when it does not exist.
  virtual FileInfo StatLocal(const std::string& path) const = 0;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_READ_SOURCE_H_
