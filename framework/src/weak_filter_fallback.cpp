// TEMPORARY: lets the framework link before the display filter lands.
#include "strato/display_filter.h"
#include "strato/error.h"

namespace strato {
__attribute__((weak)) std::unique_ptr<DisplayFilter> DisplayFilter::compile(std::string_view) {
  throw usage_error("display filters are not available in this build");
}
}  // namespace strato
