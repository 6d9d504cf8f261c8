// The run's record of what every host knows and how far it has come. What
// it knows is read through the `hostvars` magic variable: a host's
// inventory variables (with its inventory magic variables), its facts once
// gathered, its include_vars, registered results and set_fact values, and
// the extra vars, as Ansible's hostvars gives them (play vars and role
// variables are not in it, as in Ansible).
//
// How far each host has come is its rank (rank.h). Hosts do not wait for
// each other, except where reading another host's variables would
// otherwise see that host behind (Ansible's linear strategy runs every
// task on every host before the next): a host reading `hostvars[h]` at its
// task of rank r waits until h has finished its tasks before r, or h's run
// of the play ended. So the idiom of kubeadm roles, one host registering a
// result that the others read the task after, works, and so do other
// hosts' facts at the first task. Only a host in a task that may wait
// does (HostPlay lets it: not while it plans ahead or reads ahead), and
// one that waits has nothing of its own unfinished, so whom it waits for
// is strictly behind it: no two hosts wait for each other. A host not
// started (--forks, a later serial batch) is not waited for.
//
// A play with `strategy: linear` goes in lock-step (AwaitTurn): a host
// starts the task of rank r once every host of the batch has finished its
// tasks before r (or ended its run). There every host of the batch is
// under way from the start, and --forks bounds how many run a step at
// once: slots, which a host gives up while it waits on the board.
//
// Thread-safe: workers publish their own host's values and read any host's.
#ifndef HOSTPREP_ENGINE_RUN_HOST_VARS_BOARD_H_
#define HOSTPREP_ENGINE_RUN_HOST_VARS_BOARD_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/value.h"
#include "engine/inventory/inventory.h"
#include "engine/run/rank.h"
#include "engine/template/variables.h"

namespace hostprep {

class HostVarsBoard {
 public:
  class View;  // below: what one host reads
  // Borrows `inventory`; it must outlive the board.
  HostVarsBoard(const Inventory& inventory, Value groups, Value extra_vars);
  ~HostVarsBoard();

  // The hosts of the batch starting, in order (who runs a run_once task),
  // and how many of them may hold a slot at once (0: no limit; see
  // TakeSlot). Call while no worker runs.
  void BeginBatch(const std::vector<std::string>& batch, size_t slots = 0);

  // What a run_once task left for the batch's other hosts: its registered
  // result and set_fact values (registered), its include_vars (included),
  // and whether it failed (they fail with it, as in Ansible).
  struct Once {
    Value registered = Value::object();
    Value included = Value::object();
    Value facts = Value::object();  // a module's ansible_facts (setup...), merged
    bool failed = false;
    std::string host;  // the host that ran it
  };
  // The `occurrence`th time `reader` reaches the run_once `task` (at the
  // reader's rank; nothing of its own unfinished): nullopt when the reader
  // is the one to run it (the first host of the batch that is still in
  // its run and has not passed the task), else the result of the host
  // that ran it, waiting for it as long as that host is under way.
  std::optional<Once> AwaitOnce(const View& reader, const void* task, size_t occurrence);
  void PostOnce(const void* task, size_t occurrence, Once result);

  // The magic variables every host has in the play starting (playbook_dir,
  // omit, ansible_version, ...), and what lookup() runs in its hosts'
  // variables (not owned; null: none). Call while no worker runs.
  void BeginPlay(Value magic, const Lookups* lookups = nullptr);

  // `host`'s worker starts its play (before it gathers facts), finished
  // the tasks before `done_rank`, and ended the play (idempotent; gives up
  // its slot).
  void Started(const std::string& host);
  void Progress(const std::string& host, const Rank& done_rank);
  void Finished(const std::string& host);
  // After Finished, from the thread that keeps the run's state (the
  // scheduler's): packs what `host` published and copies what stays for
  // the run into that thread's memory, out of the worker's (see the .cc).
  void Settle(const std::string& host);

  // strategy: linear. Blocks until `host` holds one of the batch's slots
  // (at once when they are not limited); a host waiting on the board gives
  // its slot up and takes one again before it goes on.
  void TakeSlot(const std::string& host);
  // strategy: linear. Blocks until every other host of the batch under way
  // has finished its tasks before the reader's rank (View::At), or ended
  // its run. The reader has nothing of its own unfinished before it.
  void AwaitTurn(const View& reader);

  // delegate_facts: another host's delegated set_fact (registered),
  // include_vars (included) or module's ansible_facts (facts, merged over
  // the host's) gave `host` these values: in its hostvars at once, and its
  // own from its next task (TakeGiven). False: `host` is not in the
  // inventory.
  struct Given {
    Value registered = Value::object();
    Value included = Value::object();
    Value facts = Value::object();
  };
  bool Give(const std::string& host, const Given& given);
  // What was given to `host` since it last took (empty objects when
  // nothing was).
  Given TakeGiven(const std::string& host);

  // A delegated task acted on `host` (by name): whatever that host read
  // ahead may no longer hold. Touches(host) counts the times, for the host
  // to compare with the count it last saw.
  void Touch(const std::string& host);
  size_t Touches(const std::string& host) const;
  // The facts gathered (they stay for the run, packed: see Entry).
  void SetFacts(const std::string& host, const Value& facts);
  // The facts `host` has gathered in this run so far; nullopt when it has
  // gathered none (yet). Does not wait. Unpacks them: a copy of its own.
  std::optional<Value> Facts(const std::string& host) const;
  // Whether `host` has gathered facts in this run (cheap: no unpacking).
  bool HasFacts(const std::string& host) const;
  // register: / set_fact (registered) and include_vars (included) values.
  void SetRegistered(const std::string& host, const std::string& name, const Value& value);
  void SetIncluded(const std::string& host, const std::string& name, const Value& value);

  // What `reader`'s templates see as `hostvars`. Borrows the board.
  class View : public HostScopes {
   public:
    View(const HostVarsBoard* board, std::string reader)
        : board_(board), reader_(std::move(reader)) {}
    // The rank of the task this host renders for, and whether it may wait
    // there (see the header); the host's worker sets them.
    void At(Rank rank) { rank_ = std::move(rank); }
    void Allow() { may_wait_ = true; }
    void Forbid() { may_wait_ = false; }
    // A read while waiting was forbidden would have waited: what was
    // rendered saw another host behind (cleared by the call).
    bool TakeBlocked() { return std::exchange(blocked_, false); }

    std::vector<std::string> Hosts() const override;
    std::shared_ptr<const Variables> Scope(const std::string& host) const override;
    std::string MissingHint(const std::string& host, const std::string& name) const override;

   private:
    friend class HostVarsBoard;
    const HostVarsBoard* board_;
    std::string reader_;
    Rank rank_;
    bool may_wait_ = false;
    mutable bool blocked_ = false;
  };

 private:
  struct HostScope;
  struct Entry {
    std::unique_ptr<Variables> inventory;  // built on first read; fixed for the run
    // The facts, as MessagePack (PackFacts): every host's stay for the run,
    // and parsed they take six times the room (at 10,000 hosts, 420 MiB
    // parsed against 70 MiB packed). Unpacked when read, which is rare:
    // another host's `hostvars` (its scope is kept, below), a delegated
    // task's target, the host's own next play.
    std::optional<std::string> facts;
    // register:/set_fact and include_vars values; packed together into
    // `vars_packed` while the host is not running (Freeze), unpacked when
    // one is written again (Thaw).
    Value registered = Value::object();
    Value included = Value::object();
    std::string vars_packed;
    bool running = false;  // in its run of the play
    Rank done_rank;
    bool slot = false;                       // holds one of the batch's slots
    size_t touches = 0;                      // see Touch
    Given given;                             // see Give, until taken
    std::shared_ptr<const HostScope> scope;  // the last one built; reset by every write
  };

  std::shared_ptr<const Variables> ScopeFor(const std::string& host, const View& reader) const;
  std::shared_ptr<const HostScope> Build(const std::string& host, Entry* entry) const;
  Entry& EntryOf(const std::string& host) const;  // mu_ held
  // mu_ held. Packs a finished host's registered and included values, and
  // unpacks them before a write.
  static void Freeze(Entry* entry);
  static void Thaw(Entry* entry);
  // Waits on progressed_ until `ready`, giving `host`'s slot up meanwhile
  // and taking one again before it returns.
  template <typename Ready>
  void Wait(std::unique_lock<std::mutex>& lock, const std::string& host, Ready ready) const;

  const Inventory& inventory_;
  const Value groups_;
  const Value extra_vars_;
  Variables groups_scope_;       // `groups`, the parent of every host's inventory scope (Build)
  std::set<std::string> known_;  // the inventory's hosts

  mutable std::mutex mu_;
  mutable std::condition_variable progressed_;
  mutable std::map<std::string, Entry> entries_;
  std::vector<std::string> batch_;
  size_t slots_ = 0;  // 0: no limit
  mutable size_t slots_used_ = 0;
  std::map<std::pair<const void*, size_t>, Once> once_;  // this batch's
  std::shared_ptr<const Value> magic_;
  const Lookups* lookups_ = nullptr;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_RUN_HOST_VARS_BOARD_H_
