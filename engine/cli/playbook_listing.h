// `hostprep run --list-hosts / --list-tasks / --list-tags`: what a run
// would take, printed as ansible-playbook prints it, without contacting a
// host.
#ifndef HOSTPREP_ENGINE_CLI_PLAYBOOK_LISTING_H_
#define HOSTPREP_ENGINE_CLI_PLAYBOOK_LISTING_H_

#include <string>

#include "engine/inventory/inventory.h"
#include "engine/playbook/playbook.h"
#include "engine/run/run_options.h"

namespace hostprep {

struct ListingRequest {
  bool hosts = false;  // each play's pattern and the hosts it matches (within --limit)
  bool tasks = false;  // each play's tasks the tags select, with their tags
  bool tags = false;   // each play's tags and those of the tasks the tags select
};

// The listing of `playbook` (given on the command line as `shown_path`),
// in Ansible's layout: a "playbook:" line, then per play
// "  play #N (pattern): name<TAB>TAGS: [...]" and what `request` asks for.
// Dynamic includes show as the include task, as in Ansible; imports show
// their tasks.
std::string PlaybookListing(const Playbook& playbook, const std::string& shown_path,
                            const Inventory& inventory, const RunOptions& options,
                            const ListingRequest& request);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_CLI_PLAYBOOK_LISTING_H_
