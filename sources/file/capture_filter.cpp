#include "capture_filter.h"

#include <pcap/pcap.h>

#include <vector>

#include "strato/error.h"

namespace strato::file {

namespace {

// pcap_open_dead takes a DLT_ value; files hold LINKTYPE_ values. They are
// equal except for a few historical types.
int linktype_to_dlt(uint32_t lt) {
  switch (lt) {
    case 100: return DLT_ATM_RFC1483;
    case 101: return DLT_RAW;
    case 102: return DLT_SLIP_BSDOS;
    case 103: return DLT_PPP_BSDOS;
    case 106: return DLT_ATM_CLIP;
    default: return static_cast<int>(lt);
  }
}

}  // namespace

struct CaptureFilter::Impl {
  std::string expr;
  struct Compiled {
    uint32_t link_type;
    bpf_program prog;
  };
  std::vector<Compiled> progs;
  const Compiled* last = nullptr;

  const Compiled& compile(uint32_t link_type) {
    pcap_t* p = pcap_open_dead(linktype_to_dlt(link_type), 262144);
    if (!p) throw Error("capture filter: cannot initialise libpcap");
    bpf_program prog{};
    if (pcap_compile(p, &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      std::string msg = pcap_geterr(p);
      pcap_close(p);
      throw usage_error("capture filter '" + expr + "': " + msg +
                        (link_type == 1 ? "" : " (link type " + std::to_string(link_type) + ")"));
    }
    pcap_close(p);
    progs.push_back({link_type, prog});
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

bool CaptureFilter::match(uint32_t link_type, const uint8_t* data, uint32_t cap_len, uint32_t orig_len) {
  const Impl::Compiled* c = impl_->last;
  if (!c || c->link_type != link_type) {
    c = nullptr;
    for (auto& x : impl_->progs)
      if (x.link_type == link_type) c = &x;
    if (!c) {
      impl_->last = nullptr;  // progs may reallocate
      c = &impl_->compile(link_type);
    }
    impl_->last = c;
  }
  return bpf_filter(c->prog.bf_insns, data, orig_len, cap_len) != 0;
}

}  // namespace strato::file
