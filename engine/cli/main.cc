// hostprep: the controller binary. Everything lives in the libraries; this
// file only wires the built-in modules to the command line.
#include "engine/cli/cli.h"
#include "modules/builtin.h"

int main(int argc, char** argv) {
  hostprep::ModuleRegistry modules;
  hostprep::modules::RegisterBuiltinModules(&modules);
  return hostprep::RunCli(argc, argv, modules);
}
