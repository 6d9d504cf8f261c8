// Evaluates parsed templates and expressions against Variables.
//
// Undefined values follow Ansible (StrictUndefined with chaining): a missing
// variable, attribute, key or index gives an undefined operand that carries
// the reason; `default`, `is defined` and `is undefined` look at it, `a.b.c`
// passes it along, and any other use turns it into an error with that reason
// ("undefined variable 'x'", "'a' has no attribute 'b'").
//
// Variables are rendered lazily: a variable whose value is a string with
// "{{" is rendered when an expression reads it, and strings inside a list or
// mapping variable when they are read or when the whole value is used. An
// error there is prefixed "in variable 'x' (from <origin>): ". If such a
// rendering is undefined, the variable reads as undefined (so
// `x | default(1)` works when x's template uses a missing variable, as in
// Ansible); other errors are errors.
//
// `hostvars` (when the Variables chain has HostScopes) is read lazily:
// `hostvars[h].x` renders only h's variable x, in h's own scope, as
// Ansible's HostVarsVars does; using `hostvars[h]` or `hostvars` whole
// renders every variable (one that fails stays as written).
//
// Inside expressions `and`, `or`, `not` and `if` use Python truthiness as
// Jinja does (PyTruthy: the string "false" is true); only the final result
// of a condition uses Ansible's Truthy (templar.h). None renders as "" in
// text, as ToText does (Jinja would print "None").
//
// An Evaluator keeps the stack of variables being rendered (to detect
// loops) and the renderings done so far (each variable is rendered once), so
// it is single-threaded and meant to be used for one call.
// Variables must not change while it is in use.
#ifndef HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_H_
#define HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/template/expression_parser.h"
#include "engine/template/variables.h"

namespace hostprep {

class Evaluator {
 public:
  explicit Evaluator(const Variables& vars) : vars_(vars) {}

  // A string's rendering: the native value of a single "{{ expr }}", else
  // text. A string without templates is returned as it is.
  Result<Value> RenderText(std::string_view text);

  // Renders every string in `v`, through lists and mappings (keys too).
  Result<Value> RenderValue(const Value& v);

  // The value of a bare expression.
  Result<Value> EvaluateExpression(std::string_view expr);

 private:
  // An intermediate value. It borrows from Variables when it can (`ref`), and
  // remembers the variable it came from (`owner`) while strings inside it may
  // still be unrendered templates.
  struct Operand {
    const Value* ref = nullptr;
    Value owned;
    bool defined = true;
    std::string why;  // the reason it is undefined
    std::string owner;
    std::string origin;
    // `hostvars` itself (hosts) or `hostvars[h]` (scope: h's variables),
    // read one key at a time; Materialize turns them into mappings.
    const HostScopes* hosts = nullptr;
    std::shared_ptr<const Variables> scope;
    std::string scope_host;
    const Value& get() const { return ref ? *ref : owned; }
  };
  static Operand Of(Value v);
  static Operand Undefined(std::string why);

  Result<Operand> RenderTemplate(std::string_view text);
  Result<Operand> RenderVariableText(const std::string& text, const std::string& owner,
                                     const std::string& origin);
  Result<Operand> RenderStored(const Value* stored, const std::string& owner,
                               const std::string& origin);
  Status Materialize(Operand* op);
  Status RenderNested(Value* v, const std::string& owner, const std::string& origin);
  Result<Operand> Lookup(const std::string& name);
  Result<Operand> HostChild(const Operand& hosts, const Value& key);
  Result<Operand> ScopeChild(const Operand& scope, const Value& key, std::string_view display);

  Result<Operand> Eval(const Node& node, std::string_view src);
  Result<Value> EvalValue(const Node& node, std::string_view src);
  Result<Operand> Child(Operand obj, const Value& key, bool by_attr, std::string_view display);
  Result<Operand> EvalSlice(const Node& node, std::string_view src);
  Result<Operand> EvalCompare(const Node& node, std::string_view src);
  Result<Operand> EvalCall(const Node& node, std::string_view src);
  Result<Value> EvalContainer(const Node& node, std::string_view src);

  const Variables& vars_;
  std::vector<std::string> active_;  // variables being rendered, outermost first
  // Renderings of values stored in Variables, by address: template strings,
  // and lists or mappings holding templates.
  std::unordered_map<const Value*, Operand> rendered_;
  std::unordered_map<const Value*, Value> materialized_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_H_
