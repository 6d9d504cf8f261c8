#include "modules/builtin.h"

#include <memory>

#include "modules/ansible_package.h"
#include "modules/ansible_sysctl.h"
#include "modules/apt.h"
#include "modules/apt_key.h"
#include "modules/apt_repository.h"
#include "modules/assert.h"
#include "modules/authorized_key.h"
#include "modules/blockinfile.h"
#include "modules/command.h"
#include "modules/containerd_config.h"
#include "modules/copy.h"
#include "modules/cron.h"
#include "modules/deb822_repository.h"
#include "modules/debug.h"
#include "modules/dnf.h"
#include "modules/dpkg_selections.h"
#include "modules/fail.h"
#include "modules/file.h"
#include "modules/get_url.h"
#include "modules/getent.h"
#include "modules/group.h"
#include "modules/hostname.h"
#include "modules/ini_file.h"
#include "modules/kernel_module.h"
#include "modules/lineinfile.h"
#include "modules/modprobe.h"
#include "modules/mount.h"
#include "modules/package.h"
#include "modules/package_facts.h"
#include "modules/pam_limits.h"
#include "modules/reboot.h"
#include "modules/replace.h"
#include "modules/rpm_key.h"
#include "modules/selinux.h"
#include "modules/service.h"
#include "modules/service_facts.h"
#include "modules/setup.h"
#include "modules/shell.h"
#include "modules/stat.h"
#include "modules/swap.h"
#include "modules/sysctl.h"
#include "modules/template.h"
#include "modules/timezone.h"
#include "modules/ufw.h"
#include "modules/unarchive.h"
#include "modules/user.h"
#include "modules/validate_argument_spec.h"
#include "modules/wait_for.h"
#include "modules/wait_for_connection.h"

namespace hostprep::modules {

void RegisterBuiltinModules(ModuleRegistry* registry) {
  registry->Register(std::make_unique<AnsiblePackageModule>());
  registry->Register(std::make_unique<AnsibleSysctlModule>());
  registry->Register(std::make_unique<AptModule>());
  registry->Register(std::make_unique<AptKeyModule>());
  registry->Register(std::make_unique<AptRepositoryModule>());
  registry->Register(std::make_unique<AssertModule>());
  registry->Register(std::make_unique<AuthorizedKeyModule>());
  registry->Register(std::make_unique<BlockInFileModule>());
  registry->Register(std::make_unique<CommandModule>());
  registry->Register(std::make_unique<ContainerdConfigModule>());
  registry->Register(std::make_unique<CopyModule>());
  registry->Register(std::make_unique<CronModule>());
  registry->Register(std::make_unique<Deb822RepositoryModule>());
  registry->Register(std::make_unique<DebugModule>());
  registry->Register(std::make_unique<DpkgSelectionsModule>());
  registry->Register(std::make_unique<DnfModule>("dnf"));
  registry->Register(std::make_unique<DnfModule>("yum"));
  registry->Register(std::make_unique<GetUrlModule>());
  registry->Register(std::make_unique<FailModule>());
  registry->Register(std::make_unique<FileModule>());
  registry->Register(std::make_unique<GetentModule>());
  registry->Register(std::make_unique<GroupModule>());
  registry->Register(std::make_unique<HostnameModule>());
  registry->Register(std::make_unique<IniFileModule>());
  registry->Register(std::make_unique<KernelModuleModule>());
  registry->Register(std::make_unique<LineInFileModule>());
  registry->Register(std::make_unique<ModprobeModule>());
  registry->Register(std::make_unique<MountModule>());
  registry->Register(std::make_unique<PackageModule>());
  registry->Register(std::make_unique<PackageFactsModule>());
  registry->Register(std::make_unique<PamLimitsModule>());
  registry->Register(std::make_unique<RebootModule>());
  registry->Register(std::make_unique<ReplaceModule>());
  registry->Register(std::make_unique<RpmKeyModule>());
  registry->Register(std::make_unique<SelinuxModule>());
  registry->Register(std::make_unique<ServiceModule>());
  registry->Register(std::make_unique<ServiceFactsModule>());
  registry->Register(std::make_unique<SetupModule>());
  registry->Register(std::make_unique<ShellModule>());
  registry->Register(std::make_unique<StatModule>());
  registry->Register(std::make_unique<SwapModule>());
  registry->Register(std::make_unique<SysctlModule>());
  registry->Register(std::make_unique<TemplateModule>());
  registry->Register(std::make_unique<TimezoneModule>());
  registry->Register(std::make_unique<UfwModule>());
  registry->Register(std::make_unique<UnarchiveModule>());
  registry->Register(std::make_unique<UserModule>());
  registry->Register(std::make_unique<ValidateArgumentSpecModule>());
  registry->Register(std::make_unique<WaitForModule>());
  registry->Register(std::make_unique<WaitForConnectionModule>());
}

}  // namespace hostprep::modules
