#include "file_source.h"

namespace {

const strato::OptionSpec kOptions[] = {
    {"path", "fileselect", nullptr, "pcap or pcapng file to read (gzip/zstd compressed too); repeat to read several in order",
     true, true},
    {"filter", "string", nullptr, "capture filter in pcap-filter syntax (as tcpdump), applied while reading", false, false},
};

std::unique_ptr<strato::Plugin> create(const strato::Options& opts) {
  return std::make_unique<strato::file::FileSource>(opts.list("path"), opts.str("filter"));
}

}  // namespace

STRATO_PLUGIN(strato::PluginKind::Source, "file", "Reads pcap and pcapng files (optionally .gz or .zst)", kOptions,
              create)
