#include "engine/run/host_state.h"

namespace hostprep {

HostCost HostState::cost() const {
  HostCost total = io.cost();
  for (const auto& [name, delegate] : delegates) {
    const HostCost c = delegate->io.cost();
    total.round_trips += c.round_trips;
    total.bytes_sent += c.bytes_sent;
    total.bytes_received += c.bytes_received;
    total.connect_seconds += c.connect_seconds;
    total.probe_seconds += c.probe_seconds;
    total.apply_seconds += c.apply_seconds;
  }
  return total;
}

void HostState::Settle() {
  // A copy is made in the calling thread's arena; the worker's is freed.
  if (facts) facts = Value(*facts);
  registered = Value(registered);
  included_vars = Value(included_vars);
  facts_subset = FactSubset(facts_subset);
}

}  // namespace hostprep
