// How far a host has come in a play, comparable between the hosts of the
// play because they share its tasks: {0} while it gathers facts, {n} at the
// play's n-th plan entry (tasks, and the handlers after each flush), and
// {n, j} at the j-th task (from 0) that the include at entry n brought in;
// an include inside it adds a third number, and so on. Ranks compare
// element by element (std::vector's order), so the include comes before
// what it brought in, and that before entry n + 1.
//
// Two hosts at the same rank run the same task, or (different files
// included at one entry) tasks at the same depth of their includes.
#ifndef HOSTPREP_ENGINE_RUN_RANK_H_
#define HOSTPREP_ENGINE_RUN_RANK_H_

#include <cstddef>
#include <vector>

namespace hostprep {

using Rank = std::vector<size_t>;

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_RANK_H_
