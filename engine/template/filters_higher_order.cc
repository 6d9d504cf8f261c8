// Jinja's filters that apply another filter or test by name: map, select,
// reject, selectattr, rejectattr. The named callable gets the extra
// arguments positionally, as its own spec binds them.
#include "engine/template/filters.h"
#include "engine/template/filters_internal.h"
#include "engine/template/predicates.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

// Binds positional `extra` arguments against `spec` (defaults for the
// rest), or says why they do not fit.
Result<Args> Bind(std::string_view filter, std::string_view kind, const CallableSpec& spec,
                  const Args& extra) {
  if (extra.size() > spec.params.size() && !spec.varargs) {
    return FilterError(filter, std::string(kind) + " '" + spec.name + "' takes at most " +
                                   std::to_string(spec.params.size()) + " argument" +
                                   (spec.params.size() == 1 ? "" : "s") + ", got " +
                                   std::to_string(extra.size()));
  }
  Args out;
  for (size_t k = 0; k < spec.params.size(); ++k) {
    if (k < extra.size()) {
      out.push_back(extra[k]);
    } else if (spec.params[k].required) {
      return FilterError(filter, std::string(kind) + " '" + spec.name + "' needs argument '" +
                                     spec.params[k].name + "'");
    } else {
      out.push_back(spec.params[k].default_value);
    }
  }
  for (size_t k = spec.params.size(); k < extra.size(); ++k) out.push_back(extra[k]);
  return out;
}

// A test applied by name to an item that exists: `defined` holds and
// `undefined` does not (the evaluator answers them for variables).
Result<bool> TestByName(std::string_view filter, const Value& name, const Value& item,
                        const Args& extra) {
  if (!name.is_string()) return WrongType(filter, "a test name", name);
  const std::string& test = name.get_ref<const std::string&>();
  if (test == "defined" || test == "undefined") return test == "defined";
  const CallableSpec* spec = FindTest(test);
  if (spec == nullptr) return FilterError(filter, "no test named '" + test + "'");
  Result<Args> args = Bind(filter, "test", *spec, extra);
  if (!args.ok()) return args.status();
  Result<bool> r = ApplyTest(*spec, item, *args);
  if (!r.ok()) return r.status().WithContext(std::string(filter));
  return r;
}

Result<Value> Map(const Value& in, const Args& a) {
  Result<Value> items = Iterable("map", in);
  if (!items.ok()) return items.status();
  Value out = Value::array();
  if (IsUnset(a[0])) {
    if (IsUnset(a[1])) return FilterError("map", "map requires a filter argument");
    std::string attr = PyStr(a[1]);
    for (const Value& item : *items) {
      const Value* v = GetAttribute(item, attr);
      if (v == nullptr && IsUnset(a[2])) {
        return FilterError("map", "an item has no attribute '" + attr + "'");
      }
      out.push_back(v != nullptr ? *v : a[2]);
    }
    return out;
  }
  if (!a[0].is_string()) return WrongType("map", "a filter name", a[0]);
  const std::string& name = a[0].get_ref<const std::string&>();
  const CallableSpec* spec = FindFilter(name);
  if (spec == nullptr) return FilterError("map", "no filter named '" + name + "'");
  Args extra;
  for (size_t k = 1; k < a.size(); ++k) {
    if (k < 3 && IsUnset(a[k])) break;
    extra.push_back(a[k]);
  }
  Result<Args> args = Bind("map", "filter", *spec, extra);
  if (!args.ok()) return args.status();
  for (const Value& item : *items) {
    Result<Value> v = ApplyFilter(*spec, item, *args);
    if (!v.ok()) return v.status().WithContext("map");
    out.push_back(std::move(*v));
  }
  return out;
}

Result<Value> SelectOrReject(std::string_view filter, const Value& in, const Args& a, bool select) {
  Result<Value> items = Iterable(filter, in);
  if (!items.ok()) return items.status();
  Value out = Value::array();
  Args extra(a.size() > 1 ? a.begin() + 1 : a.end(), a.end());
  for (const Value& item : *items) {
    Result<bool> hit =
        a.empty() ? Result<bool>(PyTruthy(item)) : TestByName(filter, a[0], item, extra);
    if (!hit.ok()) return hit.status();
    if (*hit == select) out.push_back(item);
  }
  return out;
}
Result<Value> Select(const Value& in, const Args& a) {
  return SelectOrReject("select", in, a, true);
}
Result<Value> Reject(const Value& in, const Args& a) {
  return SelectOrReject("reject", in, a, false);
}

// selectattr/rejectattr: a missing attribute satisfies `undefined` only;
// with any other test it is an error, as Ansible's strict undefined.
Result<Value> AttrSelectOrReject(std::string_view filter, const Value& in, const Args& a,
                                 bool select) {
  Result<Value> items = Iterable(filter, in);
  if (!items.ok()) return items.status();
  std::string attr = PyStr(a[0]);
  Value out = Value::array();
  Args extra(a.size() > 2 ? a.begin() + 2 : a.end(), a.end());
  for (const Value& item : *items) {
    const Value* v = GetAttribute(item, attr);
    Result<bool> hit = false;
    std::string test = a.size() > 1 && a[1].is_string() ? a[1].get<std::string>() : "";
    if (v == nullptr && (test == "defined" || test == "undefined")) {
      hit = test == "undefined";
    } else if (v == nullptr) {
      return FilterError(filter, "an item has no attribute '" + attr + "'");
    } else if (a.size() < 2) {
      hit = PyTruthy(*v);
    } else {
      hit = TestByName(filter, a[1], *v, extra);
    }
    if (!hit.ok()) return hit.status();
    if (*hit == select) out.push_back(item);
  }
  return out;
}
Result<Value> SelectAttr(const Value& in, const Args& a) {
  return AttrSelectOrReject("selectattr", in, a, true);
}
Result<Value> RejectAttr(const Value& in, const Args& a) {
  return AttrSelectOrReject("rejectattr", in, a, false);
}

}  // namespace

void AddHigherOrderFilters(std::vector<FilterEntry>* out) {
  const Value u = Unset();
  std::vector<FilterEntry> entries = {
      {{"map", {Opt("filter", u), Opt("attribute", u), Opt("default", u)}, true}, Map, {}},
      {{"select", {}, true}, Select, {}},
      {{"reject", {}, true}, Reject, {}},
      {{"selectattr", {Req("attribute")}, true}, SelectAttr, {}},
      {{"rejectattr", {Req("attribute")}, true}, RejectAttr, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
