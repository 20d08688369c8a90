#include "ring_options.h"

#include "strato/error.h"

namespace po = boost::program_options;

namespace strato::cli {

void add_ring_options(po::options_description& o) {
  o.add_options()
    ("ring-buffer,b", po::value<std::vector<std::string>>()->composing(),
     "with -w, switch files as dumpcap -b: filesize:KB, duration:SEC, interval:SEC, packets:N (any reached "
     "switches), files:N (keep the newest N); names PREFIX_NNNNN_YYYYMMDDhhmmss.EXT")
    ("compress", po::value<std::string>(), "compress -w output: zstd or gzip (implied by a .zst or .gz name)");
}

void apply_ring_options(const std::string& cmd, const po::variables_map& vm,
                        std::multimap<std::string, std::string>& sink_opts) {
  bool writing = vm.count("write") != 0;
  if (vm.count("ring-buffer")) {
    if (!writing) throw usage_error(cmd + ": -b needs -w FILE");
    if (vm["write"].as<std::string>() == "-") throw usage_error(cmd + ": -b cannot switch files of standard output (-w -)");
    for (auto& b : vm["ring-buffer"].as<std::vector<std::string>>()) sink_opts.emplace("ring", b);
  }
  if (vm.count("compress")) {
    if (!writing) throw usage_error(cmd + ": --compress needs -w FILE");
    sink_opts.emplace("compress", vm["compress"].as<std::string>());
  }
}

}  // namespace strato::cli
