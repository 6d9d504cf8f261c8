#include "engine/module/read_result.h"

#include "engine/base/text.h"

namespace hostprep {

std::optional<BecomeMethod> BecomeMethodNamed(const std::string& name) {
  const std::string n = Trim(name);
  if (n == "sudo" || n == "ansible.builtin.sudo") return BecomeMethod::kSudo;
  if (n == "su" || n == "ansible.builtin.su") return BecomeMethod::kSu;
  return std::nullopt;
}

bool SameBecome(const Become& a, const Become& b) {
  return a.enabled == b.enabled &&
         (!a.enabled || (a.user == b.user && a.flags == b.flags && a.method == b.method));
}

bool SameAnswer(const ReadResult& a, const ReadResult& b) {
  return a.status.ok() == b.status.ok() && a.status.message() == b.status.message() &&
         a.content == b.content && a.stat.type == b.stat.type && a.stat.mode == b.stat.mode &&
         a.stat.owner == b.stat.owner && a.stat.group == b.stat.group &&
         a.stat.size == b.stat.size && a.stat.link_target == b.stat.link_target &&
         a.exec.exit_code == b.exec.exit_code && a.exec.stdout_data == b.exec.stdout_data &&
         a.exec.stderr_data == b.exec.stderr_data;
}

}  // namespace hostprep
