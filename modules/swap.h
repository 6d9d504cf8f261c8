// `swap`: turns swap off for good (Kubernetes nodes).
#ifndef HOSTPREP_MODULES_SWAP_H_
#define HOSTPREP_MODULES_SWAP_H_

#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/module/module.h"

namespace hostprep::modules {

// The devices and files listed as active in /proc/swaps (its header line
// skipped, octal escapes such as \040 decoded).
std::vector<std::string> ParseProcSwaps(const std::string& content);

// `fstab` with every uncommented line whose type field (the third) is
// "swap" prefixed with "# "; every other line is kept byte for byte.
// `commented` receives the lines that were commented out (without "\n").
std::string CommentOutSwapLines(const std::string& fstab, std::vector<std::string>* commented);

// state: absent turns off every active swap (swapoff per device), comments
// out the swap lines of the fstab and, with mask: true, masks swap.target.
// Reads /proc/swaps and the fstab; with mask: true also what
// /etc/systemd/system/swap.target and /run/systemd/system/swap.target are
// (one query script; masked: a symlink to /dev/null or an empty file;
// another unit file in /etc is a plan error) and, when the facts name a service manager other than
// systemd, /usr/bin/systemctl and /bin/systemctl (neither there and swap.target to mask: a plan
// error). Stateless and thread-safe.
class SwapModule final : public Module {
 public:
  SwapModule();
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_SWAP_H_
