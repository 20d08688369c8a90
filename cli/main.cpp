// strato: subcommands read, run, fields, plugins, interfaces. Exit codes
// follow tshark: 0 ok, 1 usage or filter error, 2 input error.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "strato/error.h"

namespace {

void usage(std::ostream& os) {
  os << "Usage: strato COMMAND [options]\n\n"
        "Commands:\n"
        "  read        read capture files, dissect, filter, print (tshark's flags: -r -Y -f -T -e -E -c -w -V -x -q -z -n)\n"
        "  run FILE    run a pipeline file (YAML)\n"
        "  fields      list every registered field (like tshark -G fields)\n"
        "  plugins     list loaded plugins and their options\n"
        "  interfaces  list capture sources and their interfaces (also: strato -D)\n"
        "  capture     live syscall events via eBPF (--syscalls --pid --comm -Y -T -e -c -a -q)\n"
        "  batch GLOB  reprocess many archives in parallel ('DIR/**/*.pcapng.zst' -Y -T -w --merge --jobs --resume)\n\n"
        "`strato -r FILE ...` is short for `strato read -r FILE ...`. `strato COMMAND --help` for details.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    usage(std::cerr);
    return 1;
  }
  std::string cmd = args.front();
  try {
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
      usage(std::cout);
      return 0;
    }
    if (cmd == "-D") return strato::cli::interfaces_command({});
    if (!cmd.empty() && cmd[0] == '-') return strato::cli::read_command(args);
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "read") return strato::cli::read_command(rest);
    if (cmd == "run") return strato::cli::run_command(rest);
    if (cmd == "fields") return strato::cli::fields_command(rest);
    if (cmd == "plugins") return strato::cli::plugins_command(rest);
    if (cmd == "interfaces") return strato::cli::interfaces_command(rest);
    if (cmd == "capture") return strato::cli::capture_command(rest);
    if (cmd == "batch") return strato::cli::batch_command(rest);
    std::cerr << "strato: unknown command '" << cmd << "'\n";
    usage(std::cerr);
    return 1;
  } catch (const strato::Error& e) {
    std::fflush(stdout);
    std::cerr << "strato: " << e.what() << "\n";
    return static_cast<int>(e.kind());
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "strato: " << e.what() << "\n";
    return 2;
  }
}
