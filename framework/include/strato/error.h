#pragma once
// Errors carry a one-line message that already names the place (file, offset,
// column, plugin) and the cause; callers print it as is.
#include <stdexcept>
#include <string>

namespace strato {

class Error : public std::runtime_error {
 public:
  enum class Kind { Usage = 1, Input = 2 };  // doubles as the process exit code
  explicit Error(const std::string& msg, Kind k = Kind::Input) : std::runtime_error(msg), kind_(k) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// Usage errors (bad flags, bad filters, bad pipeline files) exit with 1.
inline Error usage_error(const std::string& msg) { return Error(msg, Error::Kind::Usage); }

// Non-fatal problems (truncated last record, skipped corrupt block) go through
// here so the CLI can print them to stderr and count them.
void warn(const std::string& msg);
size_t warning_count();

}  // namespace strato
