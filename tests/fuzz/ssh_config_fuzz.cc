// The ssh_config reader on arbitrary text, asked about a few hosts (Host
// globs and negations, first value wins, IdentityFile accumulating, Port and
// ServerAlive* checked), then the ProxyJump it found parsed into hops; and
// the same text read as ansible_ssh_common_args (-J, -o ProxyJump=...,
// -o ServerAliveInterval=...).
//
// ReadSshConfig reads a path: the input is written to a memfd once per run
// and read back through /proc/self/fd/N, so nothing is written to disk.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/transport/ssh_config.h"
#include "tests/fuzz/fuzz_util.h"

namespace hostprep {
namespace {

// The memfd holding the input, open for the life of the process.
struct ConfigFile {
  int fd = -1;
  std::string path;  // /proc/self/fd/N
};

const ConfigFile& Config() {
  static const ConfigFile* file = [] {
    auto* f = new ConfigFile;
    f->fd = memfd_create("hostprep-fuzz-ssh-config", MFD_CLOEXEC);
    fuzz::Require(f->fd >= 0, "memfd_create works");
    f->path = "/proc/self/fd/" + std::to_string(f->fd);
    return f;
  }();
  return *file;
}

void WriteConfig(const std::string& text) {
  const int fd = Config().fd;
  fuzz::Require(ftruncate(fd, 0) == 0, "ftruncate of the memfd works");
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = pwrite(fd, text.data() + done, text.size() - done, done);
    fuzz::Require(n > 0, "pwrite to the memfd works");
    done += static_cast<size_t>(n);
  }
}

void CheckJumps(const std::string& spec) {
  Result<std::vector<JumpSpec>> hops = ParseProxyJump(spec);
  if (!hops.ok()) {
    fuzz::RequireMessage(hops.message());
    return;
  }
  for (const JumpSpec& hop : *hops) {
    fuzz::Require(!hop.host.empty(), "every hop names a host");
    fuzz::Require(hop.port >= 0 && hop.port <= 65535, "a hop's port is a port");
  }
}

void FuzzSshConfig(const std::string& text) {
  WriteConfig(text);
  for (const char* host : {"node1", "bastion.example.com", "10.0.0.1", "", "*"}) {
    Result<SshHostConfig> config = ReadSshConfig(Config().path, host, "/home/fuzz");
    if (!config.ok()) {
      fuzz::RequireMessage(config.message());
      fuzz::Require(config.message().rfind(Config().path + ":", 0) == 0,
                    "an ssh config error names the file and line");
      continue;
    }
    fuzz::Require(config->port >= 0 && config->port <= 65535, "the port is a port");
    CheckJumps(config->proxy_jump);
  }
  CheckJumps(text);
  CheckJumps(ProxyJumpFromArgs(text));
  Result<int> interval = ParseAliveInterval(OptionFromArgs(text, "ServerAliveInterval"));
  if (!interval.ok()) fuzz::RequireMessage(interval.message());
  Result<int> count = ParseAliveCountMax(OptionFromArgs(text, "ServerAliveCountMax"));
  if (!count.ok()) fuzz::RequireMessage(count.message());
}

}  // namespace
}  // namespace hostprep

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hostprep::fuzz::kMaxInput) return -1;
  hostprep::FuzzSshConfig(hostprep::fuzz::Text(data, size));
  return 0;
}
