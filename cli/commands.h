#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace strato::cli {

int read_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);
int fields_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int interfaces_command(const std::vector<std::string>& args);
int capture_command(const std::vector<std::string>& args);
int batch_command(const std::vector<std::string>& args);

void print_read_help(std::ostream& os);
// Options of every source plugin, from their descriptors (extcap-style).
void print_source_options(std::ostream& os);

}  // namespace strato::cli
