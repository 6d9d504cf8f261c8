#include "engine/base/secrets.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <shared_mutex>
#include <vector>

#include "engine/base/text.h"

namespace hostprep {

namespace {

struct Registry {
  std::shared_mutex mu;
  std::set<std::string> values;
  std::vector<std::string> longest_first;  // every spelling of every value
  std::atomic<bool> any{false};
};

Registry& TheRegistry() {
  static Registry* registry = new Registry();  // never destroyed: used until exit
  return *registry;
}

// The spelling a JSON writer gives the value inside a string.
std::string JsonSpelling(std::string_view value) {
  const std::string quoted = nlohmann::json(std::string(value))
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

void ReplaceAll(std::string* text, const std::string& what) {
  for (size_t at = text->find(what); at != std::string::npos;
       at = text->find(what, at + sizeof Secrets::kMarker - 1)) {
    text->replace(at, what.size(), Secrets::kMarker);
  }
}

}  // namespace

void Secrets::Add(std::string_view value) {
  if (value.size() < kMinLength) return;
  Registry& r = TheRegistry();
  std::unique_lock lock(r.mu);
  if (!r.values.emplace(value).second) return;
  for (std::string spelling : {std::string(value), JsonSpelling(value), XmlEscaped(value)}) {
    if (std::find(r.longest_first.begin(), r.longest_first.end(), spelling) ==
        r.longest_first.end()) {
      r.longest_first.push_back(std::move(spelling));
    }
  }
  std::stable_sort(r.longest_first.begin(), r.longest_first.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  r.any = true;
}

std::string Secrets::Redact(std::string_view text) {
  std::string out(text);
  Registry& r = TheRegistry();
  if (!r.any) return out;
  std::shared_lock lock(r.mu);
  for (const std::string& secret : r.longest_first) ReplaceAll(&out, secret);
  return out;
}

bool Secrets::Any() { return TheRegistry().any; }

}  // namespace hostprep
