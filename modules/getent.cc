#include "modules/getent.h"

#include <map>

#include "engine/base/text.h"
#include "modules/module_util.h"

namespace hostprep::modules {

namespace {

ArgSpec GetentSpec() {
  ArgSpec spec;
  spec.name = "getent";
  spec.ansible_names = {"ansible.builtin.getent", "ansible.legacy.getent"};
  spec.summary = "read a name service database (passwd, group, hosts...) into facts";
  spec.description =
      "Ansible's getent module: runs `getent DATABASE [KEY]` on the host and sets the fact "
      "`getent_DATABASE` (`ansible_facts.getent_passwd`...), a mapping from each entry's first "
      "field to the list of its other fields, as Ansible's does: a role reads a user's home "
      "as `getent_passwd[user][4]`. Read with the other tasks' reads in the probe round trip.";
  spec.args = {
      {"database",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "The database: passwd, group, shadow, gshadow, hosts, services, protocols... (what the "
       "host's getent knows)."},
      {"key",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "The entry to read; without it, the whole database."},
      {"service", ArgType::kString, false, nullptr, {}, {}, "The NSS service to ask (`-s`)."},
      {"split",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "What separates the fields; ':' for passwd, shadow, group and gshadow, blanks "
       "otherwise."},
      {"fail_key",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Fail when `key` is not in the database; false sets it to null and the task is ok."},
  };
  spec.examples =
      "- name: the deploy user's entry\n"
      "  ansible.builtin.getent:\n"
      "    database: passwd\n"
      "    key: deploy\n"
      "- name: its home\n"
      "  debug:\n"
      "    msg: \"{{ getent_passwd['deploy'][4] }}\"\n";
  spec.notes =
      "As Ansible's: read-only, runs in check mode, never changed. Lines end where Python's "
      "splitlines ends them.";
  return spec;
}

// Python's str.split(sep), or str.split() when `sep` is null.
std::vector<std::string> SplitFields(const std::string& line,
                                     const std::optional<std::string>& sep) {
  if (!sep) {
    std::vector<std::string> out;
    size_t i = 0;
    auto blank = [](char c) {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    };
    while (i < line.size()) {
      while (i < line.size() && blank(line[i])) ++i;
      const size_t start = i;
      while (i < line.size() && !blank(line[i])) ++i;
      if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
  }
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at = line.find(*sep); at != std::string::npos; at = line.find(*sep, start)) {
    out.push_back(line.substr(start, at - start));
    start = at + sep->size();
  }
  out.push_back(line.substr(start));
  return out;
}

Value StringsFrom(const std::vector<std::string>& words, size_t from) {
  Value list = Value::array();
  for (size_t i = from; i < words.size(); ++i) list.push_back(words[i]);
  return list;
}

}  // namespace

GetentModule::GetentModule() : spec_(GetentSpec()) {}

void GetentModule::Validate(const Value& args, bool templates_pending,
                            std::vector<ArgError>* errors) const {
  (void)templates_pending;
  if (OptArg(args, "split").value_or(":").empty())
    errors->push_back({"split", "an empty separator splits nothing: give one, such as ':'"});
}

std::vector<Read> GetentModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  std::vector<std::string> argv = {"getent", StringArg(args, "database")};
  if (std::optional<std::string> key = OptArg(args, "key")) argv.push_back(*key);
  if (std::optional<std::string> service = OptArg(args, "service"))
    argv.insert(argv.end(), {"-s", *service});
  return {Read::Query(argv)};
}

Result<Change> GetentModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                  const Value& facts) const {
  (void)facts;
  const ReadResult& answer = reads.at(0);
  if (!answer.status.ok()) return answer.status;
  const std::string database = StringArg(args, "database");
  std::optional<std::string> split = OptArg(args, "split");
  if (!split && (database == "passwd" || database == "shadow" || database == "group" ||
                 database == "gshadow"))
    split = ":";
  Value tree = Value::object();
  Change change;
  const int rc = answer.exec.exit_code;
  if (rc == 0) {
    std::map<std::string, int> seen;
    for (const std::string& line : PySplitLines(answer.exec.stdout_data)) {
      const std::vector<std::string> record = SplitFields(line, split);
      // str.split() of a blank line is empty (Ansible's module fails on it).
      if (record.empty()) return Status::Error("getent printed a blank line");
      const std::string& name = record[0];
      const int count = ++seen[name];
      if (count == 1) {
        tree[name] = StringsFrom(record, 1);
        continue;
      }
      if (count == 2) tree[name] = Value::array({tree[name]});
      tree[name].push_back(StringsFrom(record, 1));
    }
  } else if (rc == 2 && !BoolArg(args, "fail_key", true)) {
    tree[OptArg(args, "key").value_or("")] = nullptr;
    change.result["msg"] = "One or more supplied key could not be found in the database.";
  } else {
    switch (rc) {
      case 1:
        return Status::Error("Missing arguments, or database unknown.");
      case 2:
        return Status::Error("One or more supplied key could not be found in the database.");
      case 3:
        return Status::Error("Enumeration not supported on this database.");
      case 127:
        return Status::Error("Failed to find required executable \"getent\"");
      default:
        return Status::Error("Unexpected failure!");
    }
  }
  change.result["ansible_facts"] = Value::object({{"getent_" + database, tree}});
  return change;
}

}  // namespace hostprep::modules
