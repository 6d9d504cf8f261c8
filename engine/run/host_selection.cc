#include "engine/run/host_selection.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <set>

namespace hostprep {

uint64_t HostNameHash(std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

int ShardOfHost(std::string_view host, int count) {
  if (count <= 1) return 1;
  return static_cast<int>(HostNameHash(host) % static_cast<uint64_t>(count)) + 1;
}

namespace {

// A whole decimal number (digits only), or nullopt.
std::optional<int> Number(std::string_view text) {
  int n = 0;
  if (text.empty() || text.size() > 6) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

}  // namespace

Status ParseShard(const std::string& text, int* index, int* count) {
  const size_t slash = text.find('/');
  const std::optional<int> i =
      slash == std::string::npos ? std::nullopt : Number(std::string_view(text).substr(0, slash));
  const std::optional<int> n =
      slash == std::string::npos ? std::nullopt : Number(std::string_view(text).substr(slash + 1));
  if (!i || !n) {
    return Status::Error(fmt::format(
        "--shard '{}': expected I/N, this run's shard I of N shards, such as 2/5", text));
  }
  if (*n < 1) {
    return Status::Error(fmt::format("--shard {}: the number of shards must be 1 or more", text));
  }
  if (*i < 1 || *i > *n) {
    return Status::Error(
        fmt::format("--shard {}: the shard must be from 1 to {} (shards count from 1)", text, *n));
  }
  *index = *i;
  *count = *n;
  return Status::Ok();
}

std::vector<std::string> SelectRunHosts(const Inventory& inventory, const RunOptions& options,
                                        std::vector<std::string> hosts, std::string* limit_error) {
  if (!options.limit.empty()) {
    Result<std::vector<std::string>> limit = inventory.Match(options.limit);
    std::set<std::string> allowed;
    if (limit.ok()) {
      allowed.insert(limit->begin(), limit->end());
    } else if (limit_error != nullptr) {
      *limit_error = limit.message();
    }
    std::erase_if(hosts, [&](const std::string& h) { return !allowed.count(h); });
  }
  if (options.shard_count > 0) {
    std::erase_if(hosts, [&](const std::string& h) {
      return ShardOfHost(h, options.shard_count) != options.shard_index;
    });
  }
  if (options.retry_hosts) {
    std::erase_if(hosts, [&](const std::string& h) { return !options.retry_hosts->count(h); });
  }
  return hosts;
}

}  // namespace hostprep
