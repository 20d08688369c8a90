#pragma once
// Capture filters (pcap-filter syntax) compiled by libpcap for each link type
// and run with bpf_filter. Kept apart from everything else because
// <pcap/pcap.h> clashes with libbpf headers.
#include <cstdint>
#include <memory>
#include <string>

namespace strato::file {

class CaptureFilter {
 public:
  // Compiles for Ethernet to reject syntax errors at once (usage error naming
  // the filter and libpcap's message).
  explicit CaptureFilter(const std::string& expr);
  ~CaptureFilter();
  // True when the packet passes. Compiles lazily for new link types (and
  // byte orders: libpcap compiles DLT_NULL filters per the file's); a filter
  // that does not apply to a link type is a usage error.
  bool match(uint32_t link_type, bool swapped, const uint8_t* data, uint32_t cap_len, uint32_t orig_len);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strato::file
