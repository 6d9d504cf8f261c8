#include "modules/containerd_toml.h"

#include <fmt/format.h>

#include <sstream>

namespace hostprep::modules {

namespace {

bool IsBareKey(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const char* TomlTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

Result<toml::array> ToTomlArray(const Value& value);

// Inserts `value` (not null) under `key`, replacing what is there.
Status InsertValue(toml::table* table, const std::string& key, const Value& value) {
  if (value.is_boolean()) {
    table->insert_or_assign(key, value.get<bool>());
  } else if (value.is_number_integer()) {
    table->insert_or_assign(key, value.get<int64_t>());
  } else if (value.is_number_float()) {
    table->insert_or_assign(key, value.get<double>());
  } else if (value.is_string()) {
    table->insert_or_assign(key, value.get<std::string>());
  } else if (value.is_array()) {
    Result<toml::array> array = ToTomlArray(value);
    if (!array.ok()) return array.status();
    table->insert_or_assign(key, std::move(*array));
  } else if (value.is_object()) {
    toml::table sub;
    for (const auto& [k, v] : value.items()) {
      if (v.is_null()) continue;
      Status s = InsertValue(&sub, k, v);
      if (!s.ok()) return s;
    }
    table->insert_or_assign(key, std::move(sub));
  }
  return Status::Ok();
}

Result<toml::array> ToTomlArray(const Value& value) {
  toml::array array;
  for (const Value& item : value) {
    if (item.is_null()) return Status::Error("an array cannot hold null");
    // Wrap in a table to reuse InsertValue's conversion, then move the node out.
    toml::table holder;
    Status s = InsertValue(&holder, "x", item);
    if (!s.ok()) return s;
    array.push_back(std::move(*holder.get("x")));
  }
  return array;
}

}  // namespace

Result<toml::table> ParseToml(const std::string& text, const std::string& path) {
  try {
    return toml::parse(std::string_view(text), std::string_view(path));
  } catch (const toml::parse_error& e) {
    return Status::Error(fmt::format("{}:{}:{}: invalid TOML: {} (fix or remove the file)", path,
                                     e.source().begin.line, e.source().begin.column,
                                     e.description()));
  }
}

std::string FormatToml(const toml::table& table) {
  std::ostringstream out;
  out << toml::toml_formatter{table, toml::format_flags::none};
  std::string text = out.str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

std::string TomlKeyPath(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) {
    if (!out.empty()) out += '.';
    out += IsBareKey(key) ? key : TomlString(key);
  }
  return out;
}

std::string TomlString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

const toml::node* FindToml(const toml::table& root, const std::vector<std::string>& keys) {
  const toml::table* table = &root;
  const toml::node* node = nullptr;
  for (const std::string& key : keys) {
    if (table == nullptr) return nullptr;
    node = table->get(key);
    if (node == nullptr) return nullptr;
    table = node->as_table();
  }
  return node;
}

Status SetTomlValue(toml::table* root, const std::vector<std::string>& keys, const Value& value) {
  if (keys.empty()) return Status::Error("internal error: empty TOML key path");
  toml::table* table = root;
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    toml::node* node = table->get(keys[i]);
    if (node == nullptr) {
      if (value.is_null()) return Status::Ok();
      node = &table->insert_or_assign(keys[i], toml::table{}).first->second;
    }
    if (!node->is_table()) {
      const std::vector<std::string> where(keys.begin(), keys.begin() + i + 1);
      return Status::Error(fmt::format("cannot set {}: {} is {}, not a table", TomlKeyPath(keys),
                                       TomlKeyPath(where), TomlTypeName(*node)));
    }
    table = node->as_table();
  }
  if (value.is_null()) {
    table->erase(keys.back());
    return Status::Ok();
  }
  Status s = InsertValue(table, keys.back(), value);
  if (!s.ok())
    return Status::Error(fmt::format("cannot set {}: {}", TomlKeyPath(keys), s.message()));
  return Status::Ok();
}

namespace {

// `keys` is the path of `table` from the root, for messages.
Status Merge(toml::table* table, std::vector<std::string>* keys, const Value& settings) {
  for (const auto& [key, value] : settings.items()) {
    keys->push_back(key);
    Status s;
    if (value.is_object()) {
      toml::node* node = table->get(key);
      if (node == nullptr) node = &table->insert_or_assign(key, toml::table{}).first->second;
      if (node->is_table()) {
        s = Merge(node->as_table(), keys, value);
      } else {
        s = Status::Error(fmt::format("cannot merge a mapping into {}: it is {}, not a table",
                                      TomlKeyPath(*keys), TomlTypeName(*node)));
      }
    } else {
      if (value.is_null()) {
        table->erase(key);
      } else {
        s = InsertValue(table, key, value);
        if (!s.ok()) {
          s = Status::Error(fmt::format("cannot set {}: {}", TomlKeyPath(*keys), s.message()));
        }
      }
    }
    keys->pop_back();
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status MergeTomlSettings(toml::table* root, const Value& settings) {
  std::vector<std::string> keys;
  return Merge(root, &keys, settings);
}

}  // namespace hostprep::modules
