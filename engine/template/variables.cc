#include "engine/template/variables.h"

#include <algorithm>
#include <set>

namespace hostprep {

void Variables::Set(const std::string& name, Value value, std::string origin, Trust trust) {
  vars_[name] = VarEntry{std::move(value), std::move(origin), trust};
}

void Variables::SetAll(const Value& mapping, const std::string& origin, Trust trust) {
  if (!mapping.is_object()) return;
  for (auto it = mapping.begin(); it != mapping.end(); ++it)
    Set(it.key(), it.value(), origin, trust);
}

const Variables* Variables::NearestFallback() const {
  for (const Variables* scope = this; scope != nullptr; scope = scope->parent_) {
    if (scope->fallback_ != nullptr) return scope->fallback_;
  }
  return nullptr;
}

const HostScopes* Variables::host_scopes() const {
  for (const Variables* scope = this; scope != nullptr; scope = scope->parent_) {
    if (scope->host_scopes_ != nullptr) return scope->host_scopes_;
  }
  return nullptr;
}

const Lookups* Variables::lookups() const {
  for (const Variables* scope = this; scope != nullptr; scope = scope->parent_) {
    if (scope->lookups_ != nullptr) return scope->lookups_;
  }
  return nullptr;
}

const std::vector<std::string>& LookupNames() {
  static const std::vector<std::string> kNames = {
      "dict", "env",    "file", "fileglob", "first_found", "indexed_items", "items",    "lines",
      "list", "nested", "pipe", "sequence", "subelements", "template",      "together", "vars"};
  return kNames;
}

const VarEntry* Variables::Find(std::string_view name) const {
  const std::string key(name);
  for (const Variables* scope = this; scope != nullptr; scope = scope->parent_) {
    auto it = scope->vars_.find(key);
    if (it != scope->vars_.end()) return &it->second;
  }
  const Variables* fallback = NearestFallback();
  return fallback == nullptr ? nullptr : fallback->Find(name);
}

std::vector<std::string> Variables::Names() const {
  std::set<std::string> names;
  for (const Variables* scope = this; scope != nullptr; scope = scope->parent_) {
    for (const auto& [name, entry] : scope->vars_) names.insert(name);
  }
  if (const Variables* fallback = NearestFallback()) {
    for (const std::string& name : fallback->Names()) names.insert(name);
  }
  return {names.begin(), names.end()};
}

Value Variables::Flatten() const {
  Value out = Value::object();
  for (const std::string& name : Names()) out[name] = Find(name)->value;
  return out;
}

}  // namespace hostprep
