#include "capture_filter.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "strato/error.h"

namespace strato::file {

namespace {

// libpcap compiles some filters differently for savefiles than for a dead
// handle (DLT_NULL address families: the BSD values instead of the local
// OS's), so compile against an in-memory savefile header of the right link
// type, exactly as tcpdump -r does. libpcap also maps LINKTYPE_ to DLT_ then.
pcap_t* open_for(uint32_t link_type, bool swapped, char* errbuf) {
  static thread_local unsigned char hdr[24];
  uint32_t words[] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, link_type};
  if (swapped) {
    for (auto& w : words) w = __builtin_bswap32(w);
    // Major and minor are two 16-bit fields, not one word.
    words[1] = 0x04000200;
  }
  std::memcpy(hdr, words, sizeof hdr);
  if (FILE* f = fmemopen(hdr, sizeof hdr, "rb")) {
    if (pcap_t* p = pcap_fopen_offline(f, errbuf)) return p;
    std::fclose(f);
  }
  return pcap_open_dead(static_cast<int>(link_type), 262144);
}

}  // namespace

struct CaptureFilter::Impl {
  std::string expr;
  struct Compiled {
    uint32_t link_type;
    bool swapped;
    bpf_program prog;
  };
  std::vector<Compiled> progs;
  const Compiled* last = nullptr;

  const Compiled& compile(uint32_t link_type, bool swapped = false) {
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_t* p = open_for(link_type, swapped, errbuf);
    if (!p) throw Error("capture filter: cannot initialise libpcap");
    bpf_program prog{};
    if (pcap_compile(p, &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      std::string msg = pcap_geterr(p);
      pcap_close(p);
      throw usage_error("capture filter '" + expr + "': " + msg +
                        (link_type == 1 ? "" : " (link type " + std::to_string(link_type) + ")"));
    }
    pcap_close(p);
    progs.push_back({link_type, swapped, prog});
    return progs.back();
  }

  ~Impl() {
    for (auto& c : progs) pcap_freecode(&c.prog);
  }
};

CaptureFilter::CaptureFilter(const std::string& expr) : impl_(std::make_unique<Impl>()) {
  impl_->expr = expr;
  impl_->progs.reserve(8);
  // Rejects syntax errors now; a filter for another link layer only (say
  // 802.11 or raw IP) is still accepted and checked when that link type shows up.
  try {
    impl_->compile(1);
  } catch (const Error&) {
    for (uint32_t lt : {101u, 105u, 127u, 113u}) {
      try {
        impl_->compile(lt);
        return;
      } catch (const Error&) {
      }
    }
    throw;
  }
}

CaptureFilter::~CaptureFilter() = default;

bool CaptureFilter::match(uint32_t link_type, bool swapped, const uint8_t* data, uint32_t cap_len,
                          uint32_t orig_len) {
  const Impl::Compiled* c = impl_->last;
  if (!c || c->link_type != link_type || c->swapped != swapped) {
    c = nullptr;
    for (auto& x : impl_->progs)
      if (x.link_type == link_type && x.swapped == swapped) c = &x;
    if (!c) {
      impl_->last = nullptr;  // progs may reallocate
      c = &impl_->compile(link_type, swapped);
    }
    impl_->last = c;
  }
  return bpf_filter(c->prog.bf_insns, data, orig_len, cap_len) != 0;
}

}  // namespace strato::file
