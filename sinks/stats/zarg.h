#pragma once
// Parsing of tshark -z arguments: "conv,tcp", "io,phs,FILTER", ...
#include <memory>
#include <string>

#include "statistic.h"

namespace strato::stats {

struct ZArg {
  std::string name;    // "conv,tcp"
  std::string filter;  // text after the name's trailing comma, or ""
};

// Throws strato::usage_error naming the argument and listing the supported
// ones when `arg` names no statistic we have.
ZArg parse_zarg(const std::string& arg);
std::unique_ptr<Statistic> make_statistic(const ZArg& z);

}  // namespace strato::stats
