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
// Statements ({% if %}, {% for %}, {% set %}, macros...) render as Jinja2
// does; names they bind live in frames above Variables and shadow it. A
// template rendered from a file (TemplateOptions::origin) names the file,
// line and column of the statement where a rendering error happened.
//
// An Evaluator keeps the stack of variables being rendered (to detect
// loops) and the renderings done so far (each variable is rendered once), so
// it is single-threaded and meant to be used for one call.
// Variables must not change while it is in use.
#ifndef HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_H_
#define HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/value.h"
#include "engine/template/expression_parser.h"
#include "engine/template/template_parser.h"
#include "engine/template/variables.h"

namespace hostprep {

// Finds the templates that `{% include %}` and `{% import %}` name, as
// Ansible's template search path does. Thread-safe for reading.
class TemplateLoader {
 public:
  struct Found {
    std::string source;
    std::string origin;  // the path, for messages
  };
  virtual ~TemplateLoader() = default;
  // The template called `name`; nullopt when no such template exists, an
  // error when it exists but cannot be read.
  virtual Result<std::optional<Found>> Load(const std::string& name) const = 0;
};

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

  // A whole template as Ansible's template module renders it: always
  // text, trailing newlines of the source kept. `loader` finds what it
  // includes and imports (null: none can be).
  Result<std::string> RenderDocument(std::string_view text, const TemplateOptions& options,
                                     const TemplateLoader* loader);

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

  // A macro and where its body looks up names after its own frame.
  struct Frame;
  struct Macro {
    const Stmt* stmt = nullptr;
    const ParsedTemplate* tmpl = nullptr;
    const Frame* parent = nullptr;
  };
  // The variables a template sets (`set`, for targets, macro parameters),
  // innermost last; a name not found here is looked up in Variables.
  struct Frame {
    const Frame* parent = nullptr;
    Frame* prev = nullptr;  // the scope to return to when this frame goes
    std::unordered_map<std::string, Value> vars;
    std::unordered_map<std::string, Macro> macros;
    std::unordered_map<std::string, const Frame*> modules;  // `import ... as name`
    // A recursive for loop, for `loop(items)` in its body.
    const Stmt* loop = nullptr;
    const ParsedTemplate* loop_tmpl = nullptr;
    int loop_depth = 0;
  };
  using Args = std::vector<std::pair<std::string, Value>>;  // name "" = positional

  Result<Operand> RenderTemplate(std::string_view text);
  Status RenderParsed(const ParsedTemplate& t, std::string* out);
  Status RenderBody(const std::vector<Stmt>& body, const ParsedTemplate& t, std::string* out);
  Status RenderStmt(const Stmt& s, const ParsedTemplate& t, std::string* out);
  Status RenderFor(const Stmt& s, const ParsedTemplate& t, const Value& items, int depth,
                   std::string* out);
  Status RenderIncludeOrImport(const Stmt& s, const ParsedTemplate& t, std::string* out);
  Result<const ParsedTemplate*> LoadTemplate(const Value& name, const ParsedTemplate& from,
                                             bool ignore_missing);
  Status Assign(const std::vector<std::string>& targets, const Value& v, Frame* frame);
  Frame& Push(const Frame* parent);
  void Pop();
  const Value* FindLocal(const std::string& name) const;
  Value* FindLocalMutable(const std::string& name);
  const Macro* FindMacro(const std::string& name) const;
  const Frame* FindModule(const std::string& name) const;
  Result<Operand> EvalFunctionCall(const Node& node, std::string_view src);
  Result<Args> EvalArgs(const Node& node, std::string_view src);
  Result<Value> CallMacro(const Macro& m, const Args& args, const Macro* caller);
  Result<Value> CallGlobal(const std::string& name, const Args& args, const Node& node);
  Result<Value> CallLookup(const std::string& function, const Args& args);
  Result<Value> CallMethod(const Node& callee, std::string_view src, const Args& args);
  Status Locate(const Status& s, const ParsedTemplate& t, size_t pos);
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

  std::deque<Frame> frames_;
  Frame* scope_ = nullptr;  // where names are looked up first; null: only Variables
  TemplateOptions options_;
  // The {% call %} whose macro call is being evaluated, and its body as
  // the `caller` macro.
  const Node* caller_node_ = nullptr;
  Macro caller_;
  std::deque<Frame> module_frames_;  // imported templates' top-level names
  std::unordered_set<const Value*> namespaces_;
  const TemplateLoader* loader_ = nullptr;
  std::vector<std::unique_ptr<ParsedTemplate>> loaded_;
  std::unordered_map<std::string, const ParsedTemplate*> loaded_by_name_;
  int call_depth_ = 0;
  size_t output_size_ = 0;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_TEMPLATE_EVALUATOR_H_
