#include "engine/run/host_io.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "tests/engine/run/run_test_util.h"

namespace hostprep {
namespace {

// Counts the transports it makes.
class CountingHosts : public TransportFactory {
 public:
  Result<std::unique_ptr<Transport>> Create(const std::string& host,
                                            const ConnectionSettings& settings) override {
    ++made;
    return hosts.Create(host, settings);
  }
  testing::Hosts hosts;
  int made = 0;
};

ConnectionSettings Settings(const std::string& address) {
  ConnectionSettings s;
  s.address = address;
  return s;
}

PendingRead FileRead(const std::string& path, Become become = {}) {
  PendingRead r;
  r.become = std::move(become);
  r.read.kind = RemoteRead::Kind::kReadFile;
  r.read.path = path;
  return r;
}

Action Write(const std::string& path, const std::string& content) {
  Action a;
  a.kind = Action::Kind::kWriteFile;
  a.path = path;
  a.content = content;
  return a;
}

struct Fixture {
  CountingHosts factory;
  HostIo io{"h1"};
  Fixture() {
    io.BeginPlay(nullptr, 0);
    REQUIRE(io.Connect(&factory, Settings("10.0.0.1")).ok());
  }
  FakeTransport& host() { return factory.hosts["h1"]; }
};

TEST_CASE("host io keeps its transport across plays while the connection settings stay") {
  Fixture f;
  f.io.BeginPlay(nullptr, 0);
  REQUIRE(f.io.Connect(&f.factory, Settings("10.0.0.1")).ok());
  CHECK(f.factory.made == 1);
  f.io.BeginPlay(nullptr, 0);
  REQUIRE(f.io.Connect(&f.factory, Settings("10.0.0.2")).ok());
  CHECK(f.factory.made == 2);
}

TEST_CASE("host io reports an unreachable host from connect") {
  Fixture f;
  f.host().SetUnreachable("no route to host");
  HostIo other("h1");
  other.BeginPlay(nullptr, 0);
  const Status s = other.Connect(&f.factory, Settings("10.0.0.1"));
  CHECK(s.unreachable());
  CHECK(s.message() == "connect to h1: no route to host");
}

TEST_CASE("host io keeps what it read and asks once per become") {
  Fixture f;
  f.host().AddFile("/etc/a", "a\n");
  Become root{true, ""};
  Result<std::vector<ReadResult>> r =
      f.io.Read({FileRead("/etc/a"), FileRead("/etc/b"), FileRead("/etc/a", root)});
  REQUIRE(r.ok());
  CHECK((*r)[0].content == "a\n");
  CHECK((*r)[1].content == std::nullopt);
  CHECK(f.io.cost().round_trips == 2);  // one without become, one with
  CHECK(f.io.Has(FileRead("/etc/b")));
  CHECK(f.io.Find(root, FileRead("/etc/a").read)->content == "a\n");
  CHECK_FALSE(f.io.Has(FileRead("/etc/c")));
}

TEST_CASE("host io forgets every answer at a change and keeps the reads made after it") {
  Fixture f;
  f.host().AddFile("/etc/a", "old\n");
  f.io.ReadAhead({FileRead("/etc/a"), FileRead("/etc/b")});
  const uint64_t before = f.io.cost().round_trips;
  ActionOutcome done = f.io.Apply({Write("/etc/a", "new\n")}, Become{}, {FileRead("/etc/a")});
  CHECK(done.status.ok());
  CHECK(f.io.cost().round_trips == before + 1);  // the change and the read after it
  CHECK(f.io.Find(Become{}, FileRead("/etc/a").read)->content == "new\n");
  CHECK_FALSE(f.io.Has(FileRead("/etc/b")));  // dropped: the change could have touched it
  CHECK_FALSE(f.io.stale());                  // every read after was made
}

TEST_CASE("host io is stale after a change when a read after it needs another become") {
  Fixture f;
  f.io.ReadAhead({FileRead("/etc/a")});
  CHECK_FALSE(f.io.stale());
  f.io.Apply({Write("/etc/a", "x")}, Become{},
             {FileRead("/etc/a"), FileRead("/etc/secret", Become{true, ""})});
  CHECK(f.io.stale());
  CHECK(f.io.Has(FileRead("/etc/a")));
  f.io.ReadAhead({FileRead("/etc/secret", Become{true, ""})});
  CHECK_FALSE(f.io.stale());
}

TEST_CASE("host io stops a batch at a unit whose guard an earlier unit changed") {
  Fixture f;
  f.host().AddFile("/etc/a", "1");
  f.io.ReadAhead({FileRead("/etc/a")});
  // Both planned on /etc/a holding "1"; the first unit changes it.
  std::vector<BatchUnit> units = {{{FileRead("/etc/a").read}, {Write("/etc/a", "2")}},
                                  {{FileRead("/etc/a").read}, {Write("/etc/b", "b")}}};
  BatchOutcome done = f.io.Send(units, Become{}, {});
  REQUIRE(done.status.ok());
  CHECK_FALSE(done.units[0].guard_failed);
  CHECK(done.units[1].guard_failed);
  CHECK(f.host().Content("/etc/b") == std::nullopt);
  CHECK(f.io.stale());
  f.io.KeepGuardAnswers(Become{}, units[1].guard, done.units[1].guard_after);
  CHECK(f.io.Find(Become{}, FileRead("/etc/a").read)->content == "2");
}

TEST_CASE("host io reads files on the controller") {
  Fixture f;
  char path[] = "/tmp/host_io_test_XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << "local {{ x }}\n";
  CHECK(f.io.ReadLocal(path) == "local {{ x }}\n");
  std::remove(path);
  CHECK(f.io.ReadLocal(path) == std::nullopt);
}

}  // namespace
}  // namespace hostprep
