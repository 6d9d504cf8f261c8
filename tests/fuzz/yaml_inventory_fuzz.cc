// The YAML inventory reader on arbitrary text: YAML syntax and duplicate
// keys (the yaml-cpp adapter), Ansible's all/hosts/children/vars shape,
// host ranges and ports in keys, the shape test that tells YAML from INI;
// then the queries a run makes of the inventory it built.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/source.h"
#include "engine/inventory/inventory_builder.h"
#include "engine/inventory/yaml_inventory.h"
#include "engine/yaml/yaml_file.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/inventory_checks.h"

namespace hostprep {
namespace {

void FuzzYamlInventory(const std::string& text) {
  YamlDocument doc;
  Diagnostics diags;
  const bool parsed = LoadYamlString(text, "/nonexistent-hostprep-fuzz/hosts.yml", &doc, &diags);
  fuzz::RequireDiagnostics(diags);
  fuzz::Require(parsed == diags.empty(), "YAML fails exactly when it reports a problem");
  if (!parsed) return;
  (void)LooksLikeYamlInventory(doc.root);
  (void)ToValue(doc.root).dump();
  InventoryBuilder builder;
  const bool loaded = LoadYamlInventory(doc, &builder, &diags);
  fuzz::CheckLoadedInventory(loaded, diags, &builder);
}

}  // namespace
}  // namespace hostprep

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hostprep::fuzz::kMaxInput) return -1;
  hostprep::FuzzYamlInventory(hostprep::fuzz::Text(data, size));
  return 0;
}
