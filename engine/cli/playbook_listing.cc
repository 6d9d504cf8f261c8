#include "engine/cli/playbook_listing.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "engine/playbook/task_selection.h"
#include "engine/run/host_selection.h"
#include "engine/run/play_keywords.h"
#include "engine/run/scheduler.h"

namespace hostprep {

namespace {

// The play's hosts within --limit, --shard and --retry-failed, in inventory order.
std::vector<std::string> PlayHosts(const Play& play, const Inventory& inventory,
                                   const RunOptions& options) {
  Result<std::vector<std::string>> matched =
      inventory.Match(PlayPattern(play, inventory.GroupsValue(), options));
  if (!matched.ok()) return {};
  return SelectRunHosts(inventory, options, *matched, nullptr);
}

}  // namespace

std::string PlaybookListing(const Playbook& playbook, const std::string& shown_path,
                            const Inventory& inventory, const RunOptions& options,
                            const ListingRequest& request) {
  const Value groups = inventory.GroupsValue();
  std::string out = fmt::format("\nplaybook: {}\n", shown_path);
  for (size_t i = 0; i < playbook.plays.size(); ++i) {
    const Play& play = playbook.plays[i];
    const std::set<std::string> play_tags(play.tags.begin(), play.tags.end());
    const std::string pattern = PlayPattern(play, groups, options);
    out += fmt::format("\n  play #{} ({}): {}\tTAGS: [{}]\n", i + 1, pattern,
                       PlayName(play, groups, options), fmt::join(play_tags, ","));
    if (request.hosts) {
      const std::vector<std::string> hosts = PlayHosts(play, inventory, options);
      out += fmt::format("    pattern: ['{}']\n    hosts ({}):\n", pattern, hosts.size());
      for (const std::string& h : hosts) out += fmt::format("      {}\n", h);
    }
    if (!request.tasks && !request.tags) continue;
    if (request.tasks) out += "    tasks:\n";
    std::set<std::string> all_tags = play_tags;
    for (const TaskSpec& task : play.tasks) {
      if (!IsListedTask(task) || !SelectedByTags(task.tags, options.tags, options.skip_tags))
        continue;
      std::set<std::string> tags = play_tags;
      tags.insert(task.tags.begin(), task.tags.end());
      all_tags.insert(task.tags.begin(), task.tags.end());
      if (request.tasks) {
        out += fmt::format("      {}\tTAGS: [{}]\n", ListedName(task), fmt::join(tags, ", "));
      }
    }
    if (request.tags) out += fmt::format("      TASK TAGS: [{}]\n", fmt::join(all_tags, ", "));
  }
  return out;
}

}  // namespace hostprep
