// Test doubles for the engine's run: two small modules whose reads and
// actions land on FakeTransports, and a TransportFactory that hands each
// host the same FakeTransport on every run.
#ifndef HOSTPREP_TESTS_ENGINE_RUN_RUN_TEST_UTIL_H_
#define HOSTPREP_TESTS_ENGINE_RUN_RUN_TEST_UTIL_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/module/module.h"
#include "engine/run/host_io.h"
#include "engine/transport/fake_transport.h"

namespace hostprep::testing {

// `put`: keeps `path` holding `content`. One read, one atomic write.
class PutModule : public Module {
 public:
  PutModule() {
    spec_.name = "put";
    spec_.summary = "test module";
    spec_.args = {{"path", ArgType::kString, true, nullptr, {}, {}, ""},
                  {"content", ArgType::kString, false, "", {}, {}, ""}};
  }
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value& args, const Value&) const override {
    return {Read::File(args["path"].get<std::string>())};
  }
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value&) const override {
    if (!reads[0].status.ok()) return reads[0].status;
    Change c;
    const std::string want = args["content"].get<std::string>();
    if (reads[0].content == want) return c;
    c.changed = true;
    c.diff = "content of " + args["path"].get<std::string>();
    Action a;
    a.kind = Action::Kind::kWriteFile;
    a.path = args["path"].get<std::string>();
    a.content = want;
    c.actions.push_back(a);
    return c;
  }

 private:
  ArgSpec spec_;
};

// `run` (or another name): an argv the fake answers; changed when it ran.
class RunModule : public Module {
 public:
  explicit RunModule(std::string name = "run") {
    spec_.name = std::move(name);
    spec_.summary = "test module";
    spec_.free_form_arg = "cmd";
    spec_.args = {{"cmd", ArgType::kString, true, nullptr, {}, {}, ""}};
  }
  const ArgSpec& spec() const override { return spec_; }
  std::vector<Read> Probe(const Value&, const Value&) const override { return {}; }
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>&,
                      const Value&) const override {
    Change c;
    c.changed = true;
    Action a;
    a.kind = Action::Kind::kExec;
    a.argv = {args["cmd"].get<std::string>()};
    c.actions.push_back(a);
    return c;
  }

 private:
  ArgSpec spec_;
};

// Hands each host the same persistent FakeTransport on every run.
class Hosts : public TransportFactory {
 public:
  FakeTransport& operator[](const std::string& host) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = fakes_.find(host);
    if (it == fakes_.end()) {
      it = fakes_.emplace(host, std::make_unique<FakeTransport>(host)).first;
      ExecResult facts;
      facts.stdout_data =
          "exists=/etc/os-release\n/etc/os-release:NAME=\"Debian GNU/Linux\"\n"
          "/etc/os-release:ID=debian\n/etc/os-release:VERSION_ID=\"12\"\nend=hostprep-facts\n";
      it->second->AddExecResponse(FactsRead().argv, facts);
      it->second->AddDirectory("/etc/modules-load.d");
      it->second->AddExecResponse({"true"}, ExecResult{});
      it->second->AddExecResponse({"false"}, ExecResult{1, "", "it failed\n"});
    }
    return *it->second;
  }
  Result<std::unique_ptr<Transport>> Create(const std::string& host,
                                            const ConnectionSettings& settings) override {
    std::atomic<int>* open = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      created_[host] = settings;
      open = &open_[host];
    }
    return std::unique_ptr<Transport>(std::make_unique<Forward>(&(*this)[host], open));
  }
  // How many transports made for `host` are open (made and not yet closed).
  int Open(const std::string& host) {
    std::lock_guard<std::mutex> lock(mu_);
    return open_[host].load();
  }
  // The settings of the last transport made for `host`.
  ConnectionSettings Created(const std::string& host) {
    std::lock_guard<std::mutex> lock(mu_);
    return created_[host];
  }

 private:
  class Forward : public Transport {
   public:
    Forward(FakeTransport* f, std::atomic<int>* open) : f_(f), open_(open) { ++*open_; }
    ~Forward() override { --*open_; }
    Status Connect() override { return f_->Connect(); }
    Result<ExecResult> Exec(const ExecRequest& r) override { return f_->Exec(r); }
    Result<std::optional<std::string>> ReadFile(const std::string& p, const Become& b) override {
      return f_->ReadFile(p, b);
    }
    Status WriteFile(const WriteRequest& r) override { return f_->WriteFile(r); }
    Result<FileInfo> Stat(const std::string& p, const Become& b) override { return f_->Stat(p, b); }
    Result<std::vector<ReadResult>> ReadMany(const std::vector<RemoteRead>& reads, const Become& b,
                                             int timeout) override {
      return f_->ReadMany(reads, b, timeout);
    }
    Result<std::vector<StepResult>> RunSteps(const std::vector<Step>& steps, const Become& b,
                                             int timeout) override {
      return f_->RunSteps(steps, b, timeout);
    }
    TransportStats stats() const override { return f_->stats(); }
    std::string description() const override { return f_->description(); }

   private:
    FakeTransport* f_;
    std::atomic<int>* open_;
  };
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<FakeTransport>> fakes_;
  std::map<std::string, ConnectionSettings> created_;
  std::map<std::string, std::atomic<int>> open_;  // map nodes are stable
};

}  // namespace hostprep::testing

#endif  // HOSTPREP_TESTS_ENGINE_RUN_RUN_TEST_UTIL_H_
