#include "engine/template/evaluator.h"

#include <algorithm>

#include "engine/template/evaluator_internal.h"
#include "engine/template/filters.h"
#include "engine/template/predicates.h"
#include "engine/template/template_parser.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

// Chains of variables deeper than this are almost surely a mistake, and
// each level costs stack.
constexpr size_t kMaxVariableDepth = 40;

bool ContainsTemplate(const Value& v) {
  if (v.is_string()) return NeedsRendering(v.get_ref<const std::string&>());
  if (v.is_array() || v.is_object()) {
    return std::any_of(v.begin(), v.end(),
                       [](const Value& item) { return ContainsTemplate(item); });
  }
  return false;
}

std::string_view Span(const Node& node, std::string_view src) {
  if (node.begin >= src.size() || node.end < node.begin) return "";
  return src.substr(node.begin, node.end - node.begin);
}

bool IsDigits(const std::string& s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Article(const std::string& type) { return (type[0] == 'i' ? "an " : "a ") + type; }

// A host's variables as one mapping, each rendered in the host's scope;
// one whose rendering fails stays as written, as printing hostvars should
// not fail on a variable nobody reads.
Value ScopeVars(const Variables& scope) {
  Value out = Value::object();
  for (const std::string& name : scope.Names()) {
    const VarEntry& entry = *scope.Find(name);
    const Value& raw = entry.value;
    if (entry.trust == Trust::kData) {
      out[name] = raw;
      continue;
    }
    Result<Value> v = Evaluator(scope).RenderValue(raw);
    out[name] = v.ok() ? std::move(*v) : raw;
  }
  return out;
}

Value AllHostVars(const HostScopes& hosts) {
  Value out = Value::object();
  for (const std::string& host : hosts.Hosts()) {
    std::shared_ptr<const Variables> scope = hosts.Scope(host);
    if (scope) out[host] = ScopeVars(*scope);
  }
  return out;
}

}  // namespace

Evaluator::Operand Evaluator::Of(Value v) {
  Operand op;
  op.owned = std::move(v);
  return op;
}

Evaluator::Operand Evaluator::Undefined(std::string why) {
  Operand op;
  op.defined = false;
  op.why = std::move(why);
  return op;
}

Result<Value> Evaluator::RenderText(std::string_view text) {
  if (!NeedsRendering(text)) return Value(std::string(text));
  Result<Operand> r = RenderTemplate(text);
  if (!r.ok()) return r.status();
  Status s = Materialize(&*r);
  if (!s.ok()) return s;
  return r->ref ? *r->ref : std::move(r->owned);
}

Result<Value> Evaluator::RenderValue(const Value& v) {
  if (v.is_string()) return RenderText(v.get_ref<const std::string&>());
  if (v.is_array()) {
    Value out = Value::array();
    for (const Value& item : v) {
      Result<Value> r = RenderValue(item);
      if (!r.ok()) return r;
      out.push_back(std::move(*r));
    }
    return out;
  }
  if (v.is_object()) {
    Value out = Value::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      Result<Value> key = RenderText(it.key());
      if (!key.ok()) return key;
      Result<Value> r = RenderValue(it.value());
      if (!r.ok()) return r;
      out[ToText(*key)] = std::move(*r);
    }
    return out;
  }
  return v;
}

Result<Value> Evaluator::EvaluateExpression(std::string_view expr) {
  Result<ParsedExpression> parsed = ParseExpression(expr);
  if (!parsed.ok()) return parsed.status();
  return EvalValue(*parsed->root, parsed->source);
}

// A template's value without turning undefined into an error, so that a
// variable whose template reads a missing variable is itself undefined.
Result<Evaluator::Operand> Evaluator::RenderTemplate(std::string_view text) {
  Result<ParsedTemplate> parsed = ParseTemplate(text);
  if (!parsed.ok()) return parsed.status();
  if (const Node* single = parsed->single()) {
    if (frames_.empty()) return Eval(*single, parsed->source);
  }
  std::string out;
  Status s = RenderParsed(*parsed, &out);
  if (!s.ok()) {
    if (s.message().rfind(kUndefinedMark, 0) == 0) {
      return Undefined(s.message().substr(kUndefinedMark.size()));
    }
    return s;
  }
  return Of(Value(std::move(out)));
}

Result<Evaluator::Operand> Evaluator::RenderVariableText(const std::string& text,
                                                         const std::string& owner,
                                                         const std::string& origin) {
  if (std::find(active_.begin(), active_.end(), owner) != active_.end()) {
    return Status::Error("recursive loop in variable '" + owner + "'");
  }
  if (active_.size() >= kMaxVariableDepth) {
    return Status::Error("variables refer to each other more than " +
                         std::to_string(kMaxVariableDepth) + " levels deep");
  }
  active_.push_back(owner);
  Result<Operand> r = RenderTemplate(text);
  active_.pop_back();
  std::string context =
      "in variable '" + owner + "'" + (origin.empty() ? "" : " (from " + origin + ")");
  if (!r.ok()) return r.status().WithContext(context);
  if (!r->defined) return Undefined(context + ": " + r->why);
  return r;
}

// Turns an operand into a final value: an error if undefined, and every
// template string inside a variable's list or mapping rendered.
Status Evaluator::Materialize(Operand* op) {
  if (!op->defined) return Status::Error(op->why);
  if (op->hosts != nullptr || op->scope) {
    op->owned = op->hosts != nullptr ? AllHostVars(*op->hosts) : ScopeVars(*op->scope);
    op->hosts = nullptr;
    op->scope.reset();
    op->scope_host.clear();
    op->ref = nullptr;
    op->owner.clear();
    return Status::Ok();
  }
  if (op->owner.empty() || !ContainsTemplate(op->get())) return Status::Ok();
  auto cached = op->ref ? materialized_.find(op->ref) : materialized_.end();
  if (cached != materialized_.end()) {
    op->owned = cached->second;
  } else {
    Value copy = op->get();
    Status s = RenderNested(&copy, op->owner, op->origin);
    if (!s.ok()) return s;
    if (op->ref) materialized_[op->ref] = copy;
    op->owned = std::move(copy);
  }
  op->ref = nullptr;
  op->owner.clear();
  return Status::Ok();
}

Status Evaluator::RenderNested(Value* v, const std::string& owner, const std::string& origin) {
  if (v->is_string()) {
    if (!NeedsRendering(v->get_ref<const std::string&>())) return Status::Ok();
    Result<Operand> r = RenderVariableText(v->get<std::string>(), owner, origin);
    if (!r.ok()) return r.status();
    Status s = Materialize(&*r);
    if (!s.ok()) return s;
    *v = r->get();
    return Status::Ok();
  }
  if (v->is_array() || v->is_object()) {
    for (Value& item : *v) {
      Status s = RenderNested(&item, owner, origin);
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

// Renders a template string stored in Variables, once per Evaluator: a
// variable read many times (or variables that each read the next one several
// times) must not cost exponential time.
Result<Evaluator::Operand> Evaluator::RenderStored(const Value* stored, const std::string& owner,
                                                   const std::string& origin) {
  auto cached = rendered_.find(stored);
  if (cached != rendered_.end()) return cached->second;
  Result<Operand> r = RenderVariableText(stored->get<std::string>(), owner, origin);
  if (r.ok()) rendered_[stored] = *r;
  return r;
}

Result<Evaluator::Operand> Evaluator::Lookup(const std::string& name) {
  if (const Value* local = FindLocal(name)) {
    Operand op;
    op.ref = local;
    return op;
  }
  const VarEntry* entry = vars_.Find(name);
  if (!entry && name == "hostvars" && vars_.host_scopes() != nullptr) {
    Operand op;
    op.hosts = vars_.host_scopes();
    return op;
  }
  if (!entry) return Undefined("undefined variable '" + name + "'");
  Operand op;
  op.ref = &entry->value;
  if (entry->trust == Trust::kData) return op;  // never rendered: see Trust
  if (entry->value.is_string() && NeedsRendering(entry->value.get_ref<const std::string&>())) {
    return RenderStored(&entry->value, name, entry->origin);
  }
  op.owner = name;
  op.origin = entry->origin;
  return op;
}

Result<Value> Evaluator::EvalValue(const Node& node, std::string_view src) {
  Result<Operand> r = Eval(node, src);
  if (!r.ok()) return r.status();
  Status s = Materialize(&*r);
  if (!s.ok()) return s;
  return r->ref ? *r->ref : std::move(r->owned);
}

// obj.key (by_attr) or obj[key]. Missing children are undefined, as in
// Jinja, so `a.b | default(x)` works; the reason names the expression.
// hostvars[h]: h's scope, or undefined for a host the inventory lacks.
Result<Evaluator::Operand> Evaluator::HostChild(const Operand& hosts, const Value& key) {
  const std::string host = key.is_string() ? key.get<std::string>() : ToText(key);
  std::shared_ptr<const Variables> scope = hosts.hosts->Scope(host);
  if (!scope)
    return Undefined("'hostvars' has no host '" + host + "' (it is not in the inventory)");
  Operand op;
  op.scope = std::move(scope);
  op.owner = "hostvars['" + host + "']";
  op.scope_host = host;
  return op;
}

// hostvars[h].x: x rendered in h's scope by an evaluator of its own, so
// that the templates in h's variables see h's values, not the reader's.
Result<Evaluator::Operand> Evaluator::ScopeChild(const Operand& scope, const Value& key,
                                                 std::string_view display) {
  const std::string name = key.is_string() ? key.get<std::string>() : ToText(key);
  Evaluator sub(*scope.scope);
  Result<Operand> r = sub.Lookup(name);
  if (!r.ok()) return r.status().WithContext(scope.owner);
  if (!r->defined && scope.scope->Find(name) != nullptr) {
    return Undefined(scope.owner + ": " + r->why);  // its template reads something undefined
  }
  if (!r->defined) {
    const HostScopes* hosts = vars_.host_scopes();
    const std::string hint = hosts ? hosts->MissingHint(scope.scope_host, name) : "";
    return Undefined("'" + std::string(display) + "' has no attribute '" + name + "'" +
                     (hint.empty() ? "" : " (" + hint + ")"));
  }
  Status s = sub.Materialize(&*r);
  if (!s.ok()) return s.WithContext(scope.owner);
  return Of(r->ref ? *r->ref : std::move(r->owned));
}

Result<Evaluator::Operand> Evaluator::Child(Operand obj, const Value& key, bool by_attr,
                                            std::string_view display) {
  if (!obj.defined) return obj;
  if (obj.hosts != nullptr) return HostChild(obj, key);
  if (obj.scope) return ScopeChild(obj, key, display);
  const Value& v = obj.get();
  std::string name = "'" + std::string(display) + "'";
  const Value* child = nullptr;
  Value extracted;
  if (v.is_object()) {
    std::string k = key.is_string() ? key.get<std::string>() : ToText(key);
    auto it = v.find(k);
    if (it == v.end()) {
      return Undefined(name + (by_attr ? " has no attribute '" : " has no key '") + k + "'");
    }
    child = &*it;
  } else if (v.is_array() || (v.is_string() && !by_attr)) {
    long long size =
        static_cast<long long>(v.is_array() ? v.size() : Utf8Length(v.get<std::string>()));
    long long index = 0;
    if (IsIntegral(key)) {
      index = AsInteger(key);
    } else if (key.is_string() && by_attr && IsDigits(key.get<std::string>())) {
      index = std::stoll(key.get<std::string>());
    } else if (by_attr) {
      return Undefined(name + " has no attribute '" + ToText(key) + "' (it is a list)");
    } else {
      return Undefined(name + " is " + Article(TypeName(v)) + " and cannot be indexed by " +
                       Article(TypeName(key)));
    }
    if (index < 0) index += size;
    if (index < 0 || index >= size) {
      return Undefined("index " + ToText(key) + " is out of range for " + name + " (it has " +
                       std::to_string(size) + " item" + (size == 1 ? ")" : "s)"));
    }
    if (v.is_array()) {
      child = &v[static_cast<size_t>(index)];
    } else {
      extracted = Utf8Chars(v.get<std::string>())[static_cast<size_t>(index)];
    }
  } else if (by_attr) {
    return Undefined(name + " has no attribute '" + ToText(key) + "' (it is " +
                     Article(TypeName(v)) + ")");
  } else {
    return Undefined(name + " is " + Article(TypeName(v)) + " and cannot be indexed");
  }
  Operand out;
  if (!child) {
    out.owned = std::move(extracted);
    return out;
  }
  out.owner = obj.owner;
  out.origin = obj.origin;
  if (obj.ref) {
    out.ref = child;
  } else {
    out.owned = *child;
  }
  if (!out.owner.empty() && out.get().is_string() &&
      NeedsRendering(out.get().get_ref<const std::string&>())) {
    if (out.ref) return RenderStored(out.ref, out.owner, out.origin);
    return RenderVariableText(out.get().get<std::string>(), out.owner, out.origin);
  }
  return out;
}

Result<Value> Evaluator::EvalContainer(const Node& node, std::string_view src) {
  Value out = node.kind == NodeKind::kList ? Value::array() : Value::object();
  for (size_t i = 0; i < node.kids.size(); ++i) {
    Result<Value> item = EvalValue(*node.kids[i], src);
    if (!item.ok()) return item;
    if (node.kind == NodeKind::kList) {
      out.push_back(std::move(*item));
      continue;
    }
    if (item->is_array() || item->is_object()) {
      return Status::Error("a mapping key must be a string or number, not " +
                           Article(TypeName(*item)));
    }
    Result<Value> value = EvalValue(*node.kids[++i], src);
    if (!value.ok()) return value;
    out[ToText(*item)] = std::move(*value);
  }
  return out;
}

Result<Evaluator::Operand> Evaluator::Eval(const Node& node, std::string_view src) {
  auto value = [&](size_t k) { return EvalValue(*node.kids[k], src); };
  switch (node.kind) {
    case NodeKind::kLiteral:
      return Of(node.literal);
    case NodeKind::kName:
      return Lookup(node.name);
    case NodeKind::kGetAttr:
    case NodeKind::kGetItem: {
      Result<Operand> obj = Eval(*node.kids[0], src);
      if (!obj.ok()) return obj;
      Value key = node.name;
      if (node.kind == NodeKind::kGetItem) {
        Result<Value> k = value(1);
        if (!k.ok()) return k.status();
        key = std::move(*k);
      }
      return Child(std::move(*obj), key, node.kind == NodeKind::kGetAttr, Span(*node.kids[0], src));
    }
    case NodeKind::kSlice:
      return EvalSlice(node, src);
    case NodeKind::kList:
    case NodeKind::kDict: {
      Result<Value> v = EvalContainer(node, src);
      if (!v.ok()) return v.status();
      return Of(std::move(*v));
    }
    case NodeKind::kNegate:
    case NodeKind::kPlus: {
      Result<Value> v = value(0);
      if (!v.ok()) return v.status();
      if (!IsNumeric(*v)) {
        return Status::Error(std::string("bad operand type for unary ") +
                             (node.kind == NodeKind::kNegate ? "-" : "+") + ": " + TypeName(*v));
      }
      if (node.kind == NodeKind::kPlus) return Of(IsIntegral(*v) ? Value(AsInteger(*v)) : *v);
      Result<Value> r = Arithmetic("-", Value(0), *v);
      if (!r.ok()) return r.status();
      return Of(std::move(*r));
    }
    case NodeKind::kNot: {
      Result<Value> v = value(0);
      if (!v.ok()) return v.status();
      return Of(!PyTruthy(*v));
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      // Python semantics: the deciding operand itself, not a bool.
      Result<Operand> left = Eval(*node.kids[0], src);
      if (!left.ok()) return left;
      Status s = Materialize(&*left);
      if (!s.ok()) return s;
      if (PyTruthy(left->get()) == (node.kind == NodeKind::kOr)) return left;
      return Eval(*node.kids[1], src);
    }
    case NodeKind::kBinary: {
      Result<Value> a = value(0);
      if (!a.ok()) return a.status();
      Result<Value> b = value(1);
      if (!b.ok()) return b.status();
      if (node.name == "%" && a->is_string()) {
        // Python's printf-style formatting, as the format filter does it.
        // Only a tuple spreads into the arguments: a list (a variable's,
        // a filter's, `[...]`) is one argument, as in Python.
        const CallableSpec* format = FindFilter("format");
        std::vector<Value> args;
        const Node& right = *node.kids[1];
        const bool tuple =
            right.kind == NodeKind::kList && right.begin < src.size() && src[right.begin] == '(';
        if (b->is_array() && tuple) {
          args.assign(b->begin(), b->end());
        } else {
          args.push_back(*b);
        }
        Result<Value> r = ApplyFilter(*format, *a, args);
        if (!r.ok()) return r.status();
        return Of(std::move(*r));
      }
      Result<Value> r = Arithmetic(node.name, *a, *b);
      if (!r.ok()) return r.status();
      return Of(std::move(*r));
    }
    case NodeKind::kCompare:
      return EvalCompare(node, src);
    case NodeKind::kCondExpr: {
      Result<Value> cond = value(1);
      if (!cond.ok()) return cond.status();
      if (PyTruthy(*cond)) return Eval(*node.kids[0], src);
      // Without `else`, Jinja gives an undefined that prints as "".
      if (!node.kids[2]) return Of(Value());
      return Eval(*node.kids[2], src);
    }
    case NodeKind::kFilter:
    case NodeKind::kTest:
      return EvalCall(node, src);
    case NodeKind::kCall:
      return EvalFunctionCall(node, src);
  }
  return Status::Error("internal error: unknown expression node");
}

// Python slicing: a[start:stop:step] with negative and missing bounds. A
// slice of something undefined stays undefined, as Ansible's Undefined
// gives itself for any item (`x.missing[:-1] | default('d')`).
Result<Evaluator::Operand> Evaluator::EvalSlice(const Node& node, std::string_view src) {
  Result<Operand> obj = Eval(*node.kids[0], src);
  if (!obj.ok() || !obj->defined) return obj;
  Status s = Materialize(&*obj);
  if (!s.ok()) return s;
  long long bounds[3] = {0, 0, 1};
  bool given[3] = {false, false, false};
  for (int k = 0; k < 3; ++k) {
    if (!node.kids[k + 1]) continue;
    Result<Value> b = EvalValue(*node.kids[k + 1], src);
    if (!b.ok()) return b.status();
    if (b->is_null()) continue;
    if (!IsIntegral(*b)) return Status::Error("slice bounds must be integers, got " + TypeName(*b));
    bounds[k] = AsInteger(*b);
    given[k] = true;
  }
  const Value& v = obj->get();
  std::vector<std::string> chars;
  if (v.is_string()) chars = Utf8Chars(v.get<std::string>());
  if (!v.is_string() && !v.is_array()) {
    return Status::Error("'" + std::string(Span(*node.kids[0], src)) + "' is " +
                         Article(TypeName(v)) + " and cannot be sliced");
  }
  long long size = static_cast<long long>(v.is_string() ? chars.size() : v.size());
  long long step = bounds[2];
  if (step == 0) return Status::Error("slice step cannot be zero");
  auto clamp = [&](long long i) {
    if (i < 0) i += size;
    return std::clamp(i, step > 0 ? 0LL : -1LL, step > 0 ? size : size - 1);
  };
  long long start = given[0] ? clamp(bounds[0]) : (step > 0 ? 0 : size - 1);
  long long stop = given[1] ? clamp(bounds[1]) : (step > 0 ? size : -1);
  Value out = v.is_string() ? Value("") : Value::array();
  for (long long i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (v.is_string()) {
      out.get_ref<std::string&>() += chars[static_cast<size_t>(i)];
    } else {
      out.push_back(v[static_cast<size_t>(i)]);
    }
  }
  return Of(std::move(out));
}

Result<Evaluator::Operand> Evaluator::EvalCompare(const Node& node, std::string_view src) {
  Result<Value> left = EvalValue(*node.kids[0], src);
  if (!left.ok()) return left.status();
  for (size_t i = 0; i < node.ops.size(); ++i) {
    Result<Value> right = EvalValue(*node.kids[i + 1], src);
    if (!right.ok()) return right.status();
    const std::string& op = node.ops[i];
    bool holds = false;
    if (op == "==" || op == "!=") {
      holds = ValuesEqual(*left, *right) == (op == "==");
    } else if (op == "in" || op == "not in") {
      Result<bool> in = Contains(*right, *left);
      if (!in.ok()) return in.status();
      holds = *in == (op == "in");
    } else {
      Result<int> c = CompareValues(*left, *right, op);
      if (!c.ok()) return c.status();
      holds = op == "<" ? *c < 0 : op == "<=" ? *c <= 0 : op == ">" ? *c > 0 : *c >= 0;
    }
    if (!holds) return Of(false);
    left = std::move(right);
  }
  return Of(true);
}

Result<Evaluator::Operand> Evaluator::EvalCall(const Node& node, std::string_view src) {
  Result<Operand> input = Eval(*node.kids[0], src);
  if (!input.ok()) return input;
  const CallableSpec& spec = *node.spec;
  bool is_filter = node.kind == NodeKind::kFilter;
  if (is_filter && spec.name == "default") {
    // The replacement is evaluated only when needed, so `x | default(y)`
    // with x defined works even where y is not.
    bool boolean = false;
    if (node.kids[2]) {
      Result<Value> b = EvalValue(*node.kids[2], src);
      if (!b.ok()) return b.status();
      boolean = PyTruthy(*b);
    }
    if (input->defined) {
      if (!boolean) return input;
      Status s = Materialize(&*input);
      if (!s.ok()) return s;
      if (PyTruthy(input->get())) return input;
    }
    if (!node.kids[1]) return Of(spec.params[0].default_value);
    return Eval(*node.kids[1], src);
  }
  if (!is_filter && (spec.name == "defined" || spec.name == "undefined")) {
    return Of((input->defined == (spec.name == "defined")) != node.negated);
  }
  Status s = Materialize(&*input);
  if (!s.ok()) return s;
  std::vector<Value> args;
  for (size_t k = 0; k + 1 < node.kids.size(); ++k) {
    if (!node.kids[k + 1]) {
      args.push_back(spec.params[k].default_value);
      continue;
    }
    Result<Value> arg = EvalValue(*node.kids[k + 1], src);
    if (!arg.ok()) return arg.status();
    args.push_back(std::move(*arg));
  }
  if (is_filter) {
    Result<Value> r = ApplyFilter(spec, input->get(), args);
    if (!r.ok()) return r.status();
    return Of(std::move(*r));
  }
  Result<bool> r = ApplyTest(spec, input->get(), args);
  if (!r.ok()) return r.status();
  return Of(*r != node.negated);
}

}  // namespace hostprep
