// Jinja's filters over sequences: join, sort, unique, min, max, sum,
// reverse, batch, slice, dictsort, groupby.
#include <algorithm>

#include "engine/base/text.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

// Jinja's ignore_case postprocessing: strings compare lower-cased.
Value CaseKey(const Value& v, bool case_sensitive) {
  return !case_sensitive && v.is_string() ? Value(PyLower(v.get<std::string>())) : v;
}

// make_multi_attrgetter / make_attrgetter: the sort key of an item, a list
// when `attribute` names several comma-separated paths.
Result<Value> KeyOf(std::string_view filter, const Value& item, const Value& attribute,
                    bool case_sensitive, bool multi, const Value* fallback = nullptr) {
  if (attribute.is_null()) return CaseKey(item, case_sensitive);
  std::string attr = PyStr(attribute);
  if (IsIntegral(attribute)) {
    const Value* v = GetItem(item, attribute);
    if (v == nullptr) return FilterError(filter, "an item has no attribute '" + attr + "'");
    return CaseKey(*v, case_sensitive);
  }
  std::vector<std::string> parts = multi ? Split(attr, ',') : std::vector<std::string>{attr};
  Value keys = Value::array();
  for (const std::string& part : parts) {
    const Value* v = GetAttribute(item, part);
    if (v == nullptr && fallback != nullptr) v = fallback;
    if (v == nullptr) return FilterError(filter, "an item has no attribute '" + part + "'");
    keys.push_back(CaseKey(*v, case_sensitive));
  }
  return multi ? keys : keys[0];
}

Result<Value> Join(const Value& in, const Args& a) {
  Result<Value> items = Iterable("join", in);
  if (!items.ok()) return items.status();
  std::string sep = PyStr(a[0]), out;
  bool first = true;
  for (const Value& item : *items) {
    Result<Value> v = KeyOf("join", item, a[1], true, false);
    if (!v.ok()) return v.status();
    if (!first) out += sep;
    first = false;
    out += PyStr(*v);
  }
  return Value(out);
}

// Sorts `items` by `keys` stably, as Python's sorted (reverse keeps the
// order of equal items).
Result<Value> SortByKeys(std::string_view filter, const Value& items,
                         const std::vector<Value>& keys, bool reverse) {
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Status error;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (!error.ok()) return false;
    Result<int> c = CompareValues(keys[x], keys[y], "<");
    if (!c.ok()) error = c.status();
    return c.ok() && (reverse ? *c > 0 : *c < 0);
  });
  if (!error.ok()) return error.WithContext(std::string(filter));
  Value out = Value::array();
  for (size_t i : order) out.push_back(items[i]);
  return out;
}

Result<Value> Sort(const Value& in, const Args& a) {
  Result<Value> items = Iterable("sort", in);
  if (!items.ok()) return items.status();
  std::vector<Value> keys;
  for (const Value& v : *items) {
    Result<Value> key = KeyOf("sort", v, a[2], PyTruthy(a[1]), a[2].is_string());
    if (!key.ok()) return key.status();
    keys.push_back(std::move(*key));
  }
  return SortByKeys("sort", *items, keys, PyTruthy(a[0]));
}

Result<Value> Unique(const Value& in, const Args& a) {
  Result<Value> items = Iterable("unique", in);
  if (!items.ok()) return items.status();
  Value out = Value::array();
  std::vector<Value> seen;
  for (const Value& item : *items) {
    Result<Value> key = KeyOf("unique", item, a[1], PyTruthy(a[0]), false);
    if (!key.ok()) return key.status();
    if (std::none_of(seen.begin(), seen.end(),
                     [&](const Value& o) { return ValuesEqual(o, *key); })) {
      seen.push_back(*key);
      out.push_back(item);
    }
  }
  return out;
}

Result<Value> MinOrMax(std::string_view name, const Value& in, const Args& a) {
  Result<Value> items = Iterable(name, in);
  if (!items.ok()) return items.status();
  if (items->empty()) return FilterError(name, "the " + TypeName(in) + " is empty");
  size_t best = 0;
  Value best_key;
  for (size_t i = 0; i < items->size(); ++i) {
    Result<Value> key = KeyOf(name, (*items)[i], a[1], PyTruthy(a[0]), false);
    if (!key.ok()) return key.status();
    if (i == 0) {
      best_key = *key;
      continue;
    }
    Result<int> c = CompareValues(*key, best_key, "<");
    if (!c.ok()) return c.status().WithContext(std::string(name));
    if (name == "min" ? *c < 0 : *c > 0) best = i, best_key = *key;
  }
  return (*items)[best];
}
Result<Value> Min(const Value& in, const Args& a) { return MinOrMax("min", in, a); }
Result<Value> Max(const Value& in, const Args& a) { return MinOrMax("max", in, a); }

// Python's sum(items, start): numbers add, lists concatenate
// (`| sum(start=[])` flattens a level).
Result<Value> Sum(const Value& in, const Args& a) {
  Result<Value> items = Iterable("sum", in);
  if (!items.ok()) return items.status();
  Value total = a[1];
  for (const Value& item : *items) {
    Result<Value> v = KeyOf("sum", item, a[0], true, false);
    if (!v.ok()) return v.status();
    if (total.is_string() || v->is_string()) {
      return FilterError("sum", "cannot add " + TypeName(*v) + " to " + TypeName(total) +
                                    " (use join for strings)");
    }
    Result<Value> next = Arithmetic("+", total, *v);
    if (!next.ok()) return next.status().WithContext("sum");
    total = std::move(*next);
  }
  return total;
}

Result<Value> Reverse(const Value& in, const Args&) {
  Result<Value> items = Iterable("reverse", in);
  if (!items.ok()) return items.status();
  Value out = Value::array();
  for (auto it = items->rbegin(); it != items->rend(); ++it) out.push_back(*it);
  if (!in.is_string()) return out;
  std::string s;
  for (const Value& c : out) s += c.get<std::string>();
  return Value(s);
}

Result<Value> Batch(const Value& in, const Args& a) {
  Result<Value> items = Iterable("batch", in);
  if (!items.ok()) return items.status();
  Result<long long> n = IntArg("batch", "line count", a[0]);
  if (!n.ok()) return n.status();
  if (*n <= 0) return FilterError("batch", "line count must be positive, got " + ToText(a[0]));
  Value out = Value::array(), cur = Value::array();
  for (const Value& item : *items) {
    if (static_cast<long long>(cur.size()) == *n) {
      out.push_back(std::move(cur));
      cur = Value::array();
    }
    cur.push_back(item);
  }
  if (!cur.empty()) {
    if (!a[1].is_null()) {
      while (static_cast<long long>(cur.size()) < *n) cur.push_back(a[1]);
    }
    out.push_back(std::move(cur));
  }
  return out;
}

Result<Value> Slice(const Value& in, const Args& a) {
  Result<Value> items = Iterable("slice", in);
  if (!items.ok()) return items.status();
  Result<long long> slices = IntArg("slice", "slice count", a[0]);
  if (!slices.ok()) return slices.status();
  if (*slices <= 0) return FilterError("slice", "integer division or modulo by zero");
  if (*slices > (1 << 20)) return FilterError("slice", "slice count is too large");
  long long length = static_cast<long long>(items->size());
  long long per = length / *slices, extra = length % *slices, offset = 0;
  Value out = Value::array();
  for (long long k = 0; k < *slices; ++k) {
    long long start = offset + k * per;
    if (k < extra) ++offset;
    long long end = offset + (k + 1) * per;
    Value tmp = Value::array();
    for (long long i = start; i < end; ++i) tmp.push_back((*items)[static_cast<size_t>(i)]);
    if (!a[1].is_null() && k >= extra) tmp.push_back(a[1]);
    out.push_back(std::move(tmp));
  }
  return out;
}

Result<Value> DictSort(const Value& in, const Args& a) {
  if (!in.is_object()) return WrongType("dictsort", "a mapping", in);
  std::string by = PyStr(a[1]);
  if (by != "key" && by != "value") {
    return FilterError("dictsort", "you can only sort by either \"key\" or \"value\"");
  }
  Value items = Value::array();
  std::vector<Value> keys;
  for (auto it = in.begin(); it != in.end(); ++it) {
    items.push_back({it.key(), it.value()});
    keys.push_back(CaseKey(by == "key" ? Value(it.key()) : it.value(), PyTruthy(a[0])));
  }
  return SortByKeys("dictsort", items, keys, PyTruthy(a[2]));
}

// Jinja's groupby: sorted by the attribute, then grouped; the grouper is
// the first item's own value when grouping ignores case.
Result<Value> GroupBy(const Value& in, const Args& a) {
  Result<Value> items = Iterable("groupby", in);
  if (!items.ok()) return items.status();
  bool case_sensitive = PyTruthy(a[2]);
  const Value* fallback = a[1].is_null() ? nullptr : &a[1];
  std::vector<Value> keys;
  for (const Value& item : *items) {
    Result<Value> key = KeyOf("groupby", item, a[0], case_sensitive, false, fallback);
    if (!key.ok()) return key.status();
    keys.push_back(std::move(*key));
  }
  std::vector<size_t> order(items->size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  Status error;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    Result<int> c = CompareValues(keys[x], keys[y], "<");
    if (!c.ok() && error.ok()) error = c.status();
    return c.ok() && *c < 0;
  });
  if (!error.ok()) return error.WithContext("groupby");
  Value out = Value::array();
  for (size_t k = 0; k < order.size();) {
    size_t j = k;
    Value group = Value::array();
    while (j < order.size() && ValuesEqual(keys[order[j]], keys[order[k]])) {
      group.push_back((*items)[order[j++]]);
    }
    Result<Value> grouper = KeyOf("groupby", group[0], a[0], true, false, fallback);
    if (!grouper.ok()) return grouper.status();
    out.push_back({*grouper, group});
    k = j;
  }
  return out;
}

}  // namespace

void AddCollectionFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"join", {Opt("d", ""), Opt("attribute", nullptr)}}, Join, {}},
      {{"sort", {Opt("reverse", false), Opt("case_sensitive", false), Opt("attribute", nullptr)}},
       Sort,
       {}},
      {{"unique", {Opt("case_sensitive", false), Opt("attribute", nullptr)}}, Unique, {}},
      {{"min", {Opt("case_sensitive", false), Opt("attribute", nullptr)}}, Min, {}},
      {{"max", {Opt("case_sensitive", false), Opt("attribute", nullptr)}}, Max, {}},
      {{"sum", {Opt("attribute", nullptr), Opt("start", 0)}}, Sum, {}},
      {{"reverse", {}}, Reverse, {}},
      {{"batch", {Req("linecount"), Opt("fill_with", nullptr)}}, Batch, {}},
      {{"slice", {Req("slices"), Opt("fill_with", nullptr)}}, Slice, {}},
      {{"dictsort", {Opt("case_sensitive", false), Opt("by", "key"), Opt("reverse", false)}},
       DictSort,
       {}},
      {{"groupby", {Req("attribute"), Opt("default", nullptr), Opt("case_sensitive", false)}},
       GroupBy,
       {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
