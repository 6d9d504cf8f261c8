#include "engine/run/facts_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/base/text.h"

namespace hostprep {

namespace {

// FNV-1a: stable across builds and machines, unlike std::hash.
uint64_t Fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

std::string FactsCache::DefaultDir() {
  if (const char* v = std::getenv("HOSTPREP_FACTS_CACHE")) {
    const std::string dir = v;
    return dir == "none" ? "" : dir;
  }
  if (!Env("XDG_CACHE_HOME").empty()) return Env("XDG_CACHE_HOME") + "/hostprep/facts";
  if (!Env("HOME").empty()) return Env("HOME") + "/.cache/hostprep/facts";
  return "";
}

std::string FactsCache::PathFor(const std::string& host, const std::string& connection) const {
  std::string name = Slugify(host);
  if (name.size() > 64) name.resize(64);
  return fmt::format("{}/{}-{:016x}.json", dir_, name, Fnv1a(host + "\n" + connection));
}

std::optional<Value> FactsCache::Load(const std::string& host,
                                      const std::string& connection) const {
  if (dir_.empty()) return std::nullopt;
  std::ifstream in(PathFor(host, connection));
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  Value facts = Value::parse(text.str(), nullptr, false);
  if (facts.is_discarded() || !facts.is_object()) return std::nullopt;
  return facts;
}

void FactsCache::Store(const std::string& host, const std::string& connection,
                       const Value& facts) const {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return;
  const std::string path = PathFor(host, connection);
  const std::string tmp = fmt::format("{}.{}.{}.tmp", path, getpid(),
                                      std::hash<std::thread::id>()(std::this_thread::get_id()));
  // Readable by the user alone: the facts hold the host's environment,
  // which may carry secrets (tokens, passwords exported in a login file).
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const std::string text = facts.dump();
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0 || done != text.size()) {
    std::filesystem::remove(tmp, ec);
    return;
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace hostprep
