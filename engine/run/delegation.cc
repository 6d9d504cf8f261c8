#include "engine/run/delegation.h"

#include "engine/template/variables.h"

namespace hostprep {

bool IsLocalName(const std::string& name) {
  return name == "localhost" || name == "127.0.0.1" || name == "::1";
}

Result<ConnectionSettings> DelegateSettings(const std::string& name, const Inventory& inventory,
                                            const Value& extra_vars,
                                            const DelegateDefaults& defaults) {
  Variables vars;
  if (inventory.FindHost(name) != nullptr) {
    inventory.HostVariables(name, &vars);
  } else if (IsLocalName(name)) {
    vars.Set("ansible_connection", "local", "the implicit localhost");
  }
  Variables top(&vars);
  top.SetAll(extra_vars, "extra vars (-e)");
  Result<ConnectionSettings> settings = ReadConnectionSettings(name, top, &vars);
  if (!settings.ok()) return settings;
  const bool own_connection =
      top.Find("ansible_connection") != nullptr || vars.Find("connection") != nullptr;
  if (!own_connection)
    settings->connection = IsLocalName(name) && IsLocalName(settings->address) ? "local" : "ssh";
  if (settings->user.empty()) settings->user = defaults.user;
  return settings;
}

std::string DelegateLabel(const std::string& name, const ConnectionSettings& settings) {
  if (settings.address.empty() || settings.address == name) return name;
  return name + "(" + settings.address + ")";
}

}  // namespace hostprep
