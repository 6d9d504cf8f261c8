// The INI inventory reader on arbitrary text: sections, host lines with
// ranges and ports, Python-literal values, [group:children] and
// [group:vars]; then the queries a run makes of the inventory it built.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/source.h"
#include "engine/inventory/ini_inventory.h"
#include "engine/inventory/inventory_builder.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/inventory_checks.h"

namespace hostprep {
namespace {

void FuzzIniInventory(const std::string& text) {
  InventoryBuilder builder;
  Diagnostics diags;
  const bool loaded =
      LoadIniInventory("/nonexistent-hostprep-fuzz/hosts.ini", text, &builder, &diags);
  fuzz::CheckLoadedInventory(loaded, diags, &builder);
}

}  // namespace
}  // namespace hostprep

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hostprep::fuzz::kMaxInput) return -1;
  hostprep::FuzzIniInventory(hostprep::fuzz::Text(data, size));
  return 0;
}
