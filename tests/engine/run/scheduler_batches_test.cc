#include <doctest/doctest.h>

#include "engine/run/scheduler.h"

namespace hostprep {
namespace {

std::vector<std::string> Hosts(int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back("h" + std::to_string(i));
  return out;
}

std::vector<size_t> Sizes(const std::vector<std::vector<std::string>>& batches) {
  std::vector<size_t> out;
  for (const auto& b : batches) out.push_back(b.size());
  return out;
}

TEST_CASE("serial batches split hosts as ansible-playbook does") {
  struct Row {
    int hosts;
    Value serial;
    std::vector<size_t> sizes;
  };
  std::vector<Row> rows = {
      {5, Value::array(), {5}},
      {5, Value::array({0}), {5}},
      {5, Value::array({2}), {2, 2, 1}},
      {10, Value::array({"30%"}), {3, 3, 3, 1}},
      {3, Value::array({"10%"}), {1, 1, 1}},
      {10, Value::array({1, 3, "50%"}), {1, 3, 5, 1}},
      {0, Value::array({2}), {}},
  };
  for (const Row& row : rows) {
    std::vector<Value> serial(row.serial.begin(), row.serial.end());
    CHECK_MESSAGE(Sizes(SerialBatches(Hosts(row.hosts), serial)) == row.sizes, row.serial.dump());
  }
}

TEST_CASE("serial batches keep inventory order") {
  auto batches = SerialBatches(Hosts(3), {Value(2)});
  CHECK(batches[0] == std::vector<std::string>{"h1", "h2"});
  CHECK(batches[1] == std::vector<std::string>{"h3"});
}

}  // namespace
}  // namespace hostprep
