// The dynamic inventory reader on arbitrary script output: the `--list`
// JSON (groups as mappings or bare lists, _meta.hostvars) and, when _meta is
// missing, each host's `--host` answer. Nothing is run: the input is
//   LIST_JSON [ "\n--host\n" HOST_JSON ]
// and every host's `--host` answer is HOST_JSON, or a failed script when the
// input has no second part. Then the queries a run makes of the inventory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/source.h"
#include "engine/base/status.h"
#include "engine/inventory/dynamic_inventory.h"
#include "engine/inventory/inventory_builder.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/inventory_checks.h"

namespace hostprep {
namespace {

constexpr char kHostSeparator[] = "\n--host\n";

void FuzzDynamicInventory(const std::string& input) {
  const size_t cut = input.find(kHostSeparator);
  const std::string list = input.substr(0, cut);
  const bool has_host = cut != std::string::npos;
  const std::string host = has_host ? input.substr(cut + sizeof kHostSeparator - 1) : "";
  InventoryBuilder builder;
  Diagnostics diags;
  const bool loaded =
      LoadInventoryJson("/nonexistent-hostprep-fuzz/inventory.py", list, &builder, &diags,
                        [&](const std::string& name) -> Result<std::string> {
                          if (!has_host)
                            return Status::Error("inventory script '--host " + name + "' exited 1");
                          return host;
                        });
  fuzz::CheckLoadedInventory(loaded, diags, &builder);
}

}  // namespace
}  // namespace hostprep

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hostprep::fuzz::kMaxInput) return -1;
  hostprep::FuzzDynamicInventory(hostprep::fuzz::Text(data, size));
  return 0;
}
