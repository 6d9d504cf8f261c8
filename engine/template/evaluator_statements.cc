// The statements of a template ({% if %}, {% for %}, {% set %}, macros,
// include and import) as Jinja2 renders them.
#include <algorithm>

#include "engine/template/evaluator.h"
#include "engine/template/evaluator_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep {
namespace {

size_t TrailingNewlines(const std::string& s) {
  size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\n') ++n;
  return n;
}

// Jinja iterates lists, a mapping's keys and a string's characters.
Result<Value> IterItems(const Value& v) {
  if (v.is_array()) return v;
  Value out = Value::array();
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) out.push_back(it.key());
  } else if (v.is_string()) {
    for (std::string& c : Utf8Chars(v.get_ref<const std::string&>())) out.push_back(c);
  } else {
    return Status::Error("'" + TypeName(v) + "' object is not iterable");
  }
  return out;
}

}  // namespace

Evaluator::Frame& Evaluator::Push(const Frame* parent) {
  frames_.emplace_back();
  Frame& f = frames_.back();
  f.parent = parent;
  f.prev = scope_;
  scope_ = &f;
  return f;
}

void Evaluator::Pop() {
  Frame& f = frames_.back();
  for (auto& [name, value] : f.vars) namespaces_.erase(&value);
  scope_ = f.prev;
  frames_.pop_back();
}

const Value* Evaluator::FindLocal(const std::string& name) const {
  for (const Frame* f = scope_; f != nullptr; f = f->parent) {
    auto it = f->vars.find(name);
    if (it != f->vars.end()) return &it->second;
  }
  return nullptr;
}

Value* Evaluator::FindLocalMutable(const std::string& name) {
  return const_cast<Value*>(FindLocal(name));
}

const Evaluator::Macro* Evaluator::FindMacro(const std::string& name) const {
  for (const Frame* f = scope_; f != nullptr; f = f->parent) {
    auto it = f->macros.find(name);
    if (it != f->macros.end()) return &it->second;
  }
  return nullptr;
}

const Evaluator::Frame* Evaluator::FindModule(const std::string& name) const {
  for (const Frame* f = scope_; f != nullptr; f = f->parent) {
    auto it = f->modules.find(name);
    if (it != f->modules.end()) return it->second;
  }
  return nullptr;
}

Result<std::string> Evaluator::RenderDocument(std::string_view text, const TemplateOptions& options,
                                              const TemplateLoader* loader) {
  loader_ = loader;
  options_ = options;
  Result<ParsedTemplate> parsed = ParseTemplate(text, options);
  if (!parsed.ok()) return parsed.status();
  std::string out;
  Status s = RenderParsed(*parsed, &out);
  if (!s.ok()) {
    if (s.message().rfind(kUndefinedMark, 0) == 0) {
      return Status::Error(s.message().substr(kUndefinedMark.size()));
    }
    return s;
  }
  return out;
}

// A template with its own root frame (no locals of whoever renders it),
// with the trailing newlines of its source restored as Ansible does.
Status Evaluator::RenderParsed(const ParsedTemplate& t, std::string* out) {
  Frame* saved = scope_;
  scope_ = nullptr;
  Push(nullptr);
  Status s = RenderBody(t.body, t, out);
  Pop();
  scope_ = saved;
  if (!s.ok()) return s;
  const size_t have = TrailingNewlines(*out);
  if (t.trailing_newlines > have) out->append(t.trailing_newlines - have, '\n');
  return Status::Ok();
}

Status Evaluator::Locate(const Status& s, const ParsedTemplate& t, size_t pos) {
  if (t.origin.empty() || s.message().rfind(t.origin + ":", 0) == 0) return s;
  std::string message = s.message();
  if (message.rfind(kUndefinedMark, 0) == 0) message = message.substr(kUndefinedMark.size());
  if (message.find(".j2:") != std::string::npos && message.find(": ") < message.find(".j2:")) {
    return s;
  }
  SourcePosition p = PositionOf(t.source, pos);
  return Status::Error(t.origin + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                       ": " + message);
}

Status Evaluator::RenderBody(const std::vector<Stmt>& body, const ParsedTemplate& t,
                             std::string* out) {
  for (const Stmt& s : body) {
    Status st = RenderStmt(s, t, out);
    if (!st.ok()) {
      return Locate(st, t, s.kind == StmtKind::kOutput && s.expr ? s.expr->begin : s.pos);
    }
    output_size_ = std::max(output_size_, out->size());
    if (out->size() > kMaxOutput) {
      return Status::Error("the template's output grows past " + std::to_string(kMaxOutput >> 20) +
                           " MiB");
    }
  }
  return Status::Ok();
}

Status Evaluator::Assign(const std::vector<std::string>& targets, const Value& v, Frame* frame) {
  if (targets.size() == 1) {
    frame->vars[targets[0]] = v;
    return Status::Ok();
  }
  Result<Value> items = IterItems(v);
  if (!items.ok()) return Status::Error("cannot unpack " + TypeName(v));
  if (items->size() != targets.size()) {
    return Status::Error(
        items->size() > targets.size()
            ? "too many values to unpack (expected " + std::to_string(targets.size()) + ")"
            : "not enough values to unpack (expected " + std::to_string(targets.size()) + ", got " +
                  std::to_string(items->size()) + ")");
  }
  for (size_t i = 0; i < targets.size(); ++i) frame->vars[targets[i]] = (*items)[i];
  return Status::Ok();
}

Status Evaluator::RenderStmt(const Stmt& s, const ParsedTemplate& t, std::string* out) {
  const std::string_view src = t.source;
  switch (s.kind) {
    case StmtKind::kText:
      out->append(s.text);
      return Status::Ok();
    case StmtKind::kOutput: {
      Result<Operand> r = Eval(*s.expr, src);
      if (!r.ok()) return r.status();
      if (!r->defined) return Status::Error(std::string(kUndefinedMark) + r->why);
      Status m = Materialize(&*r);
      if (!m.ok()) return m;
      out->append(ToText(r->get()));
      return Status::Ok();
    }
    case StmtKind::kIf: {
      Result<Value> cond = EvalValue(*s.expr, src);
      if (!cond.ok()) return cond.status();
      return RenderBody(PyTruthy(*cond) ? s.body : s.else_body, t, out);
    }
    case StmtKind::kFor: {
      Result<Value> items = EvalValue(*s.expr, src);
      if (!items.ok()) return items.status();
      return RenderFor(s, t, *items, 0, out);
    }
    case StmtKind::kSet: {
      Result<Value> v = EvalValue(*s.expr, src);
      if (!v.ok()) return v.status();
      if (!s.name.empty()) {
        Value* ns = FindLocalMutable(s.targets[0]);
        if (!ns || !namespaces_.count(ns)) {
          return Status::Error("cannot set attribute '" + s.name + "' of '" + s.targets[0] +
                               "': only a namespace() takes attributes");
        }
        (*ns)[s.name] = std::move(*v);
        return Status::Ok();
      }
      Status a = Assign(s.targets, *v, scope_);
      if (!a.ok()) return a;
      const bool is_namespace = s.expr->kind == NodeKind::kCall &&
                                s.expr->kids[0]->kind == NodeKind::kName &&
                                s.expr->kids[0]->name == "namespace";
      if (is_namespace) namespaces_.insert(&scope_->vars[s.targets[0]]);
      return Status::Ok();
    }
    case StmtKind::kSetBlock:
    case StmtKind::kFilterBlock: {
      std::string body;
      Status b = RenderBody(s.body, t, &body);
      if (!b.ok()) return b;
      Value v = body;
      if (s.filter) {
        Push(scope_).vars[std::string(kBlockBody)] = std::move(v);
        Result<Value> r = EvalValue(*s.filter, src);
        Pop();
        if (!r.ok()) return r.status();
        v = std::move(*r);
      }
      if (s.kind == StmtKind::kFilterBlock) {
        out->append(ToText(v));
        return Status::Ok();
      }
      scope_->vars[s.targets[0]] = std::move(v);
      return Status::Ok();
    }
    case StmtKind::kMacro:
      scope_->macros[s.name] = Macro{&s, &t, scope_};
      return Status::Ok();
    case StmtKind::kCallBlock: {
      const Node* saved_node = caller_node_;
      const Macro saved = caller_;
      caller_node_ = s.expr.get();
      caller_ = Macro{&s, &t, scope_};
      Result<Value> r = EvalValue(*s.expr, src);
      caller_node_ = saved_node;
      caller_ = saved;
      if (!r.ok()) return r.status();
      out->append(ToText(*r));
      return Status::Ok();
    }
    case StmtKind::kWith: {
      std::vector<Value> values;
      for (const auto& d : s.defaults) {
        Result<Value> v = EvalValue(*d, src);
        if (!v.ok()) return v.status();
        values.push_back(std::move(*v));
      }
      Frame& f = Push(scope_);
      for (size_t i = 0; i < s.targets.size(); ++i) f.vars[s.targets[i]] = std::move(values[i]);
      Status b = RenderBody(s.body, t, out);
      Pop();
      return b;
    }
    case StmtKind::kInclude:
    case StmtKind::kImport:
    case StmtKind::kFromImport:
      return RenderIncludeOrImport(s, t, out);
  }
  return Status::Error("internal error: unknown statement");
}

Status Evaluator::RenderFor(const Stmt& s, const ParsedTemplate& t, const Value& iterable,
                            int depth, std::string* out) {
  Result<Value> all = IterItems(iterable);
  if (!all.ok()) return all.status();
  Value items = Value::array();
  for (Value& item : *all) {
    if (!s.cond) {
      items.push_back(std::move(item));
      continue;
    }
    Frame& f = Push(scope_);
    Status a = Assign(s.targets, item, &f);
    Result<Value> keep = a.ok() ? EvalValue(*s.cond, t.source) : Result<Value>(a);
    Pop();
    if (!keep.ok()) return keep.status();
    if (PyTruthy(*keep)) items.push_back(std::move(item));
  }
  if (items.empty()) return RenderBody(s.else_body, t, out);
  const long long n = static_cast<long long>(items.size());
  for (long long i = 0; i < n; ++i) {
    Frame& f = Push(scope_);
    Status a = Assign(s.targets, items[static_cast<size_t>(i)], &f);
    if (!a.ok()) {
      Pop();
      return a;
    }
    Value loop = {
        {"index", i + 1},  {"index0", i},        {"revindex", n - i}, {"revindex0", n - i - 1},
        {"first", i == 0}, {"last", i == n - 1}, {"length", n},       {"depth", depth + 1},
        {"depth0", depth}};
    if (i > 0) loop["previtem"] = items[static_cast<size_t>(i - 1)];
    if (i < n - 1) loop["nextitem"] = items[static_cast<size_t>(i + 1)];
    f.vars["loop"] = std::move(loop);
    if (s.recursive) {
      f.loop = &s;
      f.loop_tmpl = &t;
      f.loop_depth = depth;
    }
    Status b = RenderBody(s.body, t, out);
    Pop();
    if (!b.ok()) return b;
  }
  return Status::Ok();
}

Result<const ParsedTemplate*> Evaluator::LoadTemplate(const Value& name, const ParsedTemplate& from,
                                                      bool ignore_missing) {
  std::vector<std::string> names;
  if (name.is_array()) {
    for (const Value& n : name) names.push_back(ToText(n));
  } else if (name.is_string()) {
    names.push_back(name.get<std::string>());
  } else {
    return Status::Error("a template name must be a string, not " + TypeName(name));
  }
  if (!loader_) {
    return Status::Error("'" + (names.empty() ? std::string() : names[0]) +
                         "' cannot be included here: only a template file (the template module, "
                         "or file's template) can include or import other templates");
  }
  for (const std::string& n : names) {
    auto cached = loaded_by_name_.find(n);
    if (cached != loaded_by_name_.end()) return cached->second;
    Result<std::optional<TemplateLoader::Found>> found = loader_->Load(n);
    if (!found.ok()) return found.status();
    if (!*found) continue;
    TemplateOptions o = options_;
    o.origin = (*found)->origin;
    Result<ParsedTemplate> parsed = ParseTemplate((*found)->source, o);
    if (!parsed.ok()) return parsed.status();
    loaded_.push_back(std::make_unique<ParsedTemplate>(std::move(*parsed)));
    loaded_by_name_[n] = loaded_.back().get();
    return loaded_.back().get();
  }
  (void)from;
  if (ignore_missing) return static_cast<const ParsedTemplate*>(nullptr);
  return Status::Error("template '" + (names.size() == 1 ? names[0] : PyRepr(name)) +
                       "' not found in the template search path");
}

Status Evaluator::RenderIncludeOrImport(const Stmt& s, const ParsedTemplate& t, std::string* out) {
  Result<Value> name = EvalValue(*s.expr, t.source);
  if (!name.ok()) return name.status();
  if (call_depth_ >= kMaxCallDepth) return Status::Error("templates include each other too deeply");
  Result<const ParsedTemplate*> loaded =
      LoadTemplate(*name, t, s.kind == StmtKind::kInclude && s.ignore_missing);
  if (!loaded.ok()) return loaded.status();
  if (*loaded == nullptr) return Status::Ok();
  const ParsedTemplate& inc = **loaded;
  ++call_depth_;
  Status st;
  if (s.kind == StmtKind::kInclude) {
    std::string text;
    Push(scope_);
    st = RenderBody(inc.body, inc, &text);
    Pop();
    if (st.ok()) out->append(text);
  } else {
    // The imported template's top level runs once, in a frame of its own:
    // its macros and variables are what the import gives.
    module_frames_.emplace_back();
    Frame* module = &module_frames_.back();
    Frame* saved = scope_;
    scope_ = module;
    std::string ignored;
    st = RenderBody(inc.body, inc, &ignored);
    scope_ = saved;
    if (st.ok() && s.kind == StmtKind::kImport) scope_->modules[s.name] = module;
    for (size_t i = 0; st.ok() && i < s.targets.size(); ++i) {
      auto m = module->macros.find(s.targets[i]);
      auto v = module->vars.find(s.targets[i]);
      if (m != module->macros.end()) {
        scope_->macros[s.aliases[i]] = m->second;
      } else if (v != module->vars.end()) {
        scope_->vars[s.aliases[i]] = v->second;
      } else {
        st = Status::Error("the template '" + ToText(*name) + "' has no macro or variable '" +
                           s.targets[i] + "'");
      }
    }
  }
  --call_depth_;
  return st;
}

}  // namespace hostprep
