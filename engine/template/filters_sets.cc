// Ansible's filters on lists and mappings (core.py and mathstuff.py):
// set operations, flatten, combine, dict2items/items2dict, zip, product,
// permutations, combinations, subelements, extract, and the math filters.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/base/text.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

constexpr size_t kMaxItems = 1 << 20;  // bound on generated lists

bool Has(const Value& list, const Value& v) {
  return std::any_of(list.begin(), list.end(), [&](const Value& o) { return ValuesEqual(o, v); });
}

Value UniqueOf(const Value& list) {
  Value out = Value::array();
  for (const Value& v : list) {
    if (!Has(out, v)) out.push_back(v);
  }
  return out;
}

Result<Value> ListArg(std::string_view filter, const Value& v) {
  if (v.is_array()) return v;
  if (v.is_object() || v.is_string()) return Iterable(filter, v);
  return WrongType(filter, "a list", v);
}

Result<Value> SetOp(std::string_view filter, const Value& in, const Value& other) {
  Result<Value> a = ListArg(filter, in);
  if (!a.ok()) return a.status();
  Result<Value> b = ListArg(filter, other);
  if (!b.ok()) return b.status();
  Value out = Value::array();
  if (filter == "union") {
    for (const Value& v : *b) a->push_back(v);
    return UniqueOf(*a);
  }
  if (filter == "symmetric_difference") {
    Result<Value> both = SetOp("intersect", *a, *b);
    Result<Value> all = SetOp("union", *a, *b);
    for (const Value& v : *all) {
      if (!Has(*both, v)) out.push_back(v);
    }
    return out;
  }
  bool keep_common = filter == "intersect";
  for (const Value& v : *a) {
    if (Has(*b, v) == keep_common) out.push_back(v);
  }
  return UniqueOf(out);
}
Result<Value> Union(const Value& in, const Args& a) { return SetOp("union", in, a[0]); }
Result<Value> Intersect(const Value& in, const Args& a) { return SetOp("intersect", in, a[0]); }
Result<Value> Difference(const Value& in, const Args& a) { return SetOp("difference", in, a[0]); }
Result<Value> SymmetricDifference(const Value& in, const Args& a) {
  return SetOp("symmetric_difference", in, a[0]);
}

bool IsNull(const Value& v) {
  return v.is_null() || (v.is_string() && (v == "None" || v == "null"));
}

Status FlattenInto(const Value& list, long long levels, bool skip_nulls, int depth, Value* out) {
  if (depth > 512) return FilterError("flatten", "lists nested too deep");
  for (const Value& v : list) {
    if (skip_nulls && IsNull(v)) continue;
    if (v.is_array() && levels != 0) {
      Status s = FlattenInto(v, levels < 0 ? -1 : levels - 1, skip_nulls, depth + 1, out);
      if (!s.ok()) return s;
    } else {
      out->push_back(v);
    }
  }
  return Status::Ok();
}

Result<Value> Flatten(const Value& in, const Args& a) {
  Result<Value> list = ListArg("flatten", in);
  if (!list.ok()) return list.status();
  long long levels = -1;
  if (!a[0].is_null()) {
    Result<long long> n = IntArg("flatten", "levels", a[0]);
    if (!n.ok()) return n.status();
    levels = std::max(0LL, *n);
  }
  Value out = Value::array();
  Status s = FlattenInto(*list, levels, PyTruthy(a[1]), 0, &out);
  if (!s.ok()) return s;
  return out;
}

// zip_longest and product take their lists positionally and a keyword
// (fillvalue, repeat) that the spec can only bind after them: kListSlots
// parameters hold the lists, Unset when not given.
constexpr size_t kListSlots = 8;

std::vector<CallableParam> ListSlots(CallableParam keyword) {
  std::vector<CallableParam> params;
  for (size_t i = 1; i <= kListSlots; ++i)
    params.push_back(Opt("iterable" + std::to_string(i), Unset()));
  params.push_back(std::move(keyword));
  return params;
}

std::vector<CallableParam> CombineParams() {
  std::vector<CallableParam> params = ListSlots(Opt("recursive", false));
  for (size_t i = 0; i < kListSlots; ++i) params[i].name = "dict" + std::to_string(i + 1);
  params.push_back(Opt("list_merge", "replace"));
  return params;
}

// Ansible's merge_hash(x, y): y's keys win.
Result<Value> MergeHash(const Value& x, const Value& y, bool recursive, const std::string& lists,
                        int depth) {
  if (depth > 512) return FilterError("combine", "mappings nested too deep");
  if (x.empty() || x == y) return y;
  Value out = x;
  for (auto it = y.begin(); it != y.end(); ++it) {
    auto xi = out.find(it.key());
    if (xi == out.end()) {
      out[it.key()] = *it;
    } else if (xi->is_object() && it->is_object()) {
      if (!recursive) {
        *xi = *it;
        continue;
      }
      Result<Value> merged = MergeHash(*xi, *it, recursive, lists, depth + 1);
      if (!merged.ok()) return merged;
      *xi = std::move(*merged);
    } else if (xi->is_array() && it->is_array()) {
      Value merged = Value::array();
      if (lists == "replace") {
        merged = *it;
      } else if (lists == "keep") {
        merged = *xi;
      } else if (lists == "append" || lists == "append_rp") {
        for (const Value& v : *xi) {
          if (lists == "append" || !Has(*it, v)) merged.push_back(v);
        }
        for (const Value& v : *it) merged.push_back(v);
      } else {
        merged = *it;
        for (const Value& v : *xi) {
          if (lists == "prepend" || !Has(*it, v)) merged.push_back(v);
        }
      }
      *xi = std::move(merged);
    } else {
      *xi = *it;
    }
  }
  return out;
}

Result<Value> Combine(const Value& in, const Args& a) {
  std::string lists = PyStr(a[kListSlots + 1]);
  static const char* kModes[] = {"replace", "keep", "append", "prepend", "append_rp", "prepend_rp"};
  if (std::find(std::begin(kModes), std::end(kModes), lists) == std::end(kModes)) {
    return FilterError("combine",
                       "list_merge must be replace, keep, append, prepend, "
                       "append_rp or prepend_rp, got '" +
                           lists + "'");
  }
  std::vector<Value> dicts;
  auto add = [&](const Value& v, bool outer) -> Status {
    if (v.is_object()) {
      dicts.push_back(v);
    } else if (v.is_array()) {
      for (const Value& item : v) {
        if (!item.is_object()) return WrongType("combine", "mappings", item);
        dicts.push_back(item);
      }
    } else {
      return WrongType("combine", outer ? "a mapping" : "a mapping to combine with", v);
    }
    return Status::Ok();
  };
  Status s = add(in, true);
  for (size_t k = 0; s.ok() && k < a.size(); ++k) {
    if (k != kListSlots && k != kListSlots + 1 && !IsUnset(a[k])) s = add(a[k], false);
  }
  if (!s.ok()) return s;
  if (dicts.empty()) return Value::object();
  Value result = dicts.back();
  for (size_t i = dicts.size() - 1; i-- > 0;) {
    Result<Value> merged = MergeHash(dicts[i], result, PyTruthy(a[kListSlots]), lists, 0);
    if (!merged.ok()) return merged;
    result = std::move(*merged);
  }
  return result;
}

Result<Value> Dict2Items(const Value& in, const Args& a) {
  if (!in.is_object()) return WrongType("dict2items", "a mapping", in);
  Value out = Value::array();
  for (auto it = in.begin(); it != in.end(); ++it) {
    Value item = Value::object();
    item[PyStr(a[0])] = it.key();
    item[PyStr(a[1])] = it.value();
    out.push_back(std::move(item));
  }
  return out;
}

Result<Value> Items2Dict(const Value& in, const Args& a) {
  if (!in.is_array()) return WrongType("items2dict", "a list", in);
  Value out = Value::object();
  std::string k = PyStr(a[0]), v = PyStr(a[1]);
  for (const Value& item : in) {
    if (!item.is_object() || !item.contains(k) || !item.contains(v)) {
      return FilterError("items2dict", "every item needs the keys '" + k + "' and '" + v + "'");
    }
    out[PyStr(item[k])] = item[v];
  }
  return out;
}

// The input and the extra positional arguments as lists, for zip & co.
Result<std::vector<Value>> Lists(std::string_view filter, const Value& in, const Args& a,
                                 size_t first_extra, size_t skip = SIZE_MAX) {
  std::vector<Value> lists;
  Result<Value> l = ListArg(filter, in);
  if (!l.ok()) return l.status();
  lists.push_back(std::move(*l));
  for (size_t k = first_extra; k < a.size(); ++k) {
    if (k == skip || IsUnset(a[k])) continue;
    Result<Value> e = ListArg(filter, a[k]);
    if (!e.ok()) return e.status();
    lists.push_back(std::move(*e));
  }
  return lists;
}

Result<Value> Zip(const Value& in, const Args& a, bool longest, const Value& fill) {
  std::string_view name = longest ? "zip_longest" : "zip";
  Result<std::vector<Value>> lists = Lists(name, in, a, 0, longest ? kListSlots : SIZE_MAX);
  if (!lists.ok()) return lists.status();
  size_t n = longest ? 0 : SIZE_MAX;
  for (const Value& l : *lists) n = longest ? std::max(n, l.size()) : std::min(n, l.size());
  Value out = Value::array();
  for (size_t i = 0; i < n; ++i) {
    Value row = Value::array();
    for (const Value& l : *lists) row.push_back(i < l.size() ? l[i] : fill);
    out.push_back(std::move(row));
  }
  return out;
}
Result<Value> ZipFilter(const Value& in, const Args& a) { return Zip(in, a, false, Value()); }
Result<Value> ZipLongest(const Value& in, const Args& a) { return Zip(in, a, true, a[kListSlots]); }

Result<Value> Product(const Value& in, const Args& a) {
  Result<std::vector<Value>> lists = Lists("product", in, a, 0, kListSlots);
  if (!lists.ok()) return lists.status();
  Result<long long> repeat = IntArg("product", "repeat", a[kListSlots]);
  if (!repeat.ok()) return repeat.status();
  if (*repeat < 0) return FilterError("product", "repeat argument cannot be negative");
  std::vector<Value> pools;
  double total = 1;
  for (long long r = 0; r < *repeat; ++r) {
    for (const Value& l : *lists) {
      pools.push_back(l);
      total *= static_cast<double>(l.size());
    }
  }
  if (total > kMaxItems) return FilterError("product", "too many combinations");
  Value out = Value::array();
  out.push_back(Value::array());
  for (const Value& pool : pools) {
    Value next = Value::array();
    for (const Value& prefix : out) {
      for (const Value& v : pool) {
        Value row = prefix;
        row.push_back(v);
        next.push_back(std::move(row));
      }
    }
    out = std::move(next);
  }
  return out;
}

// itertools.permutations / combinations, in their order.
void Choose(const Value& pool, size_t r, bool ordered, std::vector<size_t>* picked,
            std::vector<bool>* used, Value* out) {
  if (picked->size() == r) {
    Value row = Value::array();
    for (size_t i : *picked) row.push_back(pool[i]);
    out->push_back(std::move(row));
    return;
  }
  size_t from = ordered || picked->empty() ? 0 : picked->back() + 1;
  for (size_t i = from; i < pool.size(); ++i) {
    if ((*used)[i]) continue;
    (*used)[i] = true;
    picked->push_back(i);
    Choose(pool, r, ordered, picked, used, out);
    picked->pop_back();
    (*used)[i] = false;
  }
}

Result<Value> Arrange(std::string_view filter, const Value& in, const Value& r_arg, bool ordered) {
  Result<Value> pool = ListArg(filter, in);
  if (!pool.ok()) return pool.status();
  long long r = static_cast<long long>(pool->size());
  if (!r_arg.is_null()) {
    Result<long long> n = IntArg(filter, "length", r_arg);
    if (!n.ok()) return n.status();
    if (*n < 0) return FilterError(filter, "r must be non-negative");
    r = *n;
  }
  Value out = Value::array();
  if (r > static_cast<long long>(pool->size())) return out;
  double count = 1;
  for (long long i = 0; i < r; ++i) {
    count *= static_cast<double>(static_cast<long long>(pool->size()) - i);
    if (!ordered) count /= static_cast<double>(i + 1);
  }
  if (count > kMaxItems) return FilterError(filter, "too many results");
  std::vector<size_t> picked;
  std::vector<bool> used(pool->size());
  Choose(*pool, static_cast<size_t>(r), ordered, &picked, &used, &out);
  return out;
}
Result<Value> Permutations(const Value& in, const Args& a) {
  return Arrange("permutations", in, a[0], true);
}
Result<Value> Combinations(const Value& in, const Args& a) {
  return Arrange("combinations", in, a[0], false);
}

Result<Value> Subelements(const Value& in, const Args& a) {
  Value elements = Value::array();
  if (in.is_object()) {
    for (const Value& v : in) elements.push_back(v);
  } else if (in.is_array()) {
    elements = in;
  } else {
    return FilterError("subelements", "obj must be a list of dicts or a nested dict");
  }
  std::vector<std::string> path;
  if (a[0].is_array()) {
    for (const Value& p : a[0]) path.push_back(PyStr(p));
  } else if (a[0].is_string()) {
    path = Split(a[0].get<std::string>(), '.');
  } else {
    return FilterError("subelements", "subelements must be a list or a string");
  }
  Value out = Value::array();
  for (const Value& element : elements) {
    Value values = element;
    for (const std::string& key : path) {
      if (!values.is_object()) {
        return FilterError(
            "subelements",
            "the key " + key + " should point to a dictionary, got '" + ToText(values) + "'");
      }
      if (!values.contains(key)) {
        if (PyTruthy(a[1])) {
          values = Value::array();
          break;
        }
        return FilterError("subelements",
                           "could not find '" + key + "' key in iterated item " + PyRepr(values));
      }
      values = Value(values[key]);
    }
    if (!values.is_array()) {
      return FilterError("subelements", "the key '" + path.back() +
                                            "' should point to a list, got " + PyRepr(values));
    }
    for (const Value& v : values) out.push_back({element, v});
  }
  return out;
}

Result<Value> Extract(const Value& in, const Args& a) {
  std::vector<Value> keys = {in};
  if (a[1].is_array()) {
    keys.insert(keys.end(), a[1].begin(), a[1].end());
  } else if (!a[1].is_null()) {
    keys.push_back(a[1]);
  }
  const Value* v = &a[0];
  for (const Value& key : keys) {
    v = GetItem(*v, key);
    if (v == nullptr) return FilterError("extract", "no item " + PyRepr(key) + " in the container");
  }
  return *v;
}

Result<double> Number(std::string_view filter, const Value& v) {
  if (!IsNumeric(v)) return WrongType(filter, "a number", v);
  return AsDouble(v);
}

Result<Value> Log(const Value& in, const Args& a) {
  Result<double> x = Number("log", in), base = Number("log", a[0]);
  if (!x.ok()) return x.status();
  if (!base.ok()) return base.status();
  if (*x <= 0 || *base <= 0 || *base == 1) return FilterError("log", "math domain error");
  if (*base == 10) return Value(std::log10(*x));
  return Value(std::log(*x) / std::log(*base));
}

Result<Value> Pow(const Value& in, const Args& a) {
  Result<double> x = Number("pow", in), y = Number("pow", a[0]);
  if (!x.ok()) return x.status();
  if (!y.ok()) return y.status();
  double r = std::pow(*x, *y);
  if (std::isnan(r) && !std::isnan(*x) && !std::isnan(*y)) {
    return FilterError("pow", "math domain error");
  }
  if (std::isinf(r) && std::isfinite(*x) && std::isfinite(*y)) {
    return FilterError("pow", *x == 0 ? "math domain error" : "math range error");
  }
  return Value(r);
}

Result<Value> Root(const Value& in, const Args& a) {
  Result<double> x = Number("root", in), base = Number("root", a[0]);
  if (!x.ok()) return x.status();
  if (!base.ok()) return base.status();
  if (*base == 2) {
    if (*x < 0) return FilterError("root", "math domain error");
    return Value(std::sqrt(*x));
  }
  if (*base == 0) return FilterError("root", "float division by zero");
  double r = std::pow(*x, 1.0 / *base);
  if (std::isnan(r)) return FilterError("root", "math domain error");
  return Value(r);
}

struct SizeUnit {
  char suffix;
  double limit;
};
constexpr SizeUnit kUnits[] = {{'Y', 0x1p80}, {'Z', 0x1p70}, {'E', 0x1p60},
                               {'P', 0x1p50}, {'T', 0x1p40}, {'G', 0x1p30},
                               {'M', 0x1p20}, {'K', 0x1p10}, {'B', 1}};

Result<Value> HumanReadable(const Value& in, const Args& a) {
  double size = 0;
  if (IsNumeric(in)) {
    size = AsDouble(in);
  } else if (!in.is_string() || !ParseFloat(in.get<std::string>(), &size)) {
    return FilterError("human_readable", "can't interpret following string: " + PyStr(in));
  }
  bool bits = PyTruthy(a[0]);
  std::string unit = a[1].is_null() ? "" : PyUpper(PyStr(a[1]));
  SizeUnit chosen = kUnits[8];
  for (const SizeUnit& u : kUnits) {
    chosen = u;
    if ((unit.empty() && size >= u.limit) || (!unit.empty() && unit[0] == u.suffix)) break;
  }
  std::string suffix = chosen.limit != 1 ? std::string(1, chosen.suffix) + (bits ? "b" : "B")
                                         : (bits ? "bits" : "Bytes");
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.2f %s", size / chosen.limit, suffix.c_str());
  return Value(std::string(buf));
}

Result<Value> HumanToBytes(const Value& in, const Args& a) {
  std::string s = PyStr(in);
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == '.') ++i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::string number = s.substr(start, i - start);
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  size_t u = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  std::string unit = s.substr(u, i - u);
  double num = 0;
  if (!ParseFloat(number, &num)) {
    return FilterError("human_to_bytes", "can't interpret following string: " + s);
  }
  if (unit.empty() && !a[0].is_null()) unit = PyStr(a[0]);
  if (unit.empty()) return Value(static_cast<long long>(PyRoundHalfEven(num)));
  char key = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
  const SizeUnit* found = nullptr;
  for (const SizeUnit& su : kUnits) {
    if (su.suffix == key) found = &su;
  }
  if (found == nullptr) {
    return FilterError("human_to_bytes", "can't interpret following string: " + s);
  }
  bool bits = PyTruthy(a[1]);
  if (unit.size() > 1 && PyLower(unit).find(bits ? "bit" : "byte") == std::string::npos &&
      unit[1] != (bits ? 'b' : 'B')) {
    return FilterError("human_to_bytes", "can't interpret following string: " + s);
  }
  double bytes = PyRoundHalfEven(num * found->limit);
  if (bytes >= 9.2e18) return FilterError("human_to_bytes", "value does not fit in 64 bits");
  return Value(static_cast<long long>(bytes));
}

}  // namespace

void AddSetFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"union", {Req("other")}}, Union, {}},
      {{"intersect", {Req("other")}}, Intersect, {}},
      {{"difference", {Req("other")}}, Difference, {}},
      {{"symmetric_difference", {Req("other")}}, SymmetricDifference, {}},
      {{"flatten", {Opt("levels", nullptr), Opt("skip_nulls", true)}}, Flatten, {}},
      {{"combine", CombineParams(), true}, Combine, {}},
      {{"dict2items", {Opt("key_name", "key"), Opt("value_name", "value")}}, Dict2Items, {}},
      {{"items2dict", {Opt("key_name", "key"), Opt("value_name", "value")}}, Items2Dict, {}},
      {{"zip", {}, true}, ZipFilter, {}},
      {{"zip_longest", ListSlots(Opt("fillvalue", nullptr)), true}, ZipLongest, {}},
      {{"product", ListSlots(Opt("repeat", 1)), true}, Product, {}},
      {{"permutations", {Opt("r", nullptr)}}, Permutations, {}},
      {{"combinations", {Req("r")}}, Combinations, {}},
      {{"subelements", {Req("subelements"), Opt("skip_missing", false)}}, Subelements, {}},
      {{"extract", {Req("container"), Opt("morekeys", nullptr)}}, Extract, {}},
      {{"log", {Opt("base", std::exp(1.0))}}, Log, {}},
      {{"pow", {Req("y")}}, Pow, {}},
      {{"root", {Opt("base", 2)}}, Root, {}},
      {{"human_readable", {Opt("isbits", false), Opt("unit", nullptr)}}, HumanReadable, {}},
      {{"human_to_bytes", {Opt("default_unit", nullptr), Opt("isbits", false)}}, HumanToBytes, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
