#pragma once
// `strato capture -f 'pcap filter'` in the kernel: libpcap compiles the expression to classic
// BPF, which is translated here into an eBPF SCHED_CLS (tc, direct-action) program. Packet
// loads go through bpf_skb_load_bytes, so non-linear skbs work; an out-of-range load is
// "no match", as in classic BPF. Never alters or drops a packet: no match is TC_ACT_UNSPEC.
// At tc an offloaded VLAN tag lives in skb metadata, not in the bytes, so `vlan` filters only
// see tags still in the frame. protochain loops stop after 64 headers ("no match").
#include <cstdint>
#include <string>

namespace strato::ebpf {

// Compiles `expr` with libpcap for `linktype` (DLT_*) and snaplen, loads the translation, and
// returns its fd (the caller closes it). On match it tail-calls slot 0 of the
// BPF_MAP_TYPE_PROG_ARRAY `prog_array_fd`; on no match, or when the tail call fails, it returns
// TC_ACT_UNSPEC (-1) so other tc programs still run.
// A bad filter throws strato::usage_error("capture: -f '<expr>': <libpcap's message>"); a load
// failure throws strato::Error naming the cause and the verifier's last line.
int load_tc_filter(const std::string& expr, int linktype, uint32_t snaplen, int prog_array_fd);

// The same translation returning 1 on match and 0 on no match, for tests
// (bpf_prog_test_run_opts) and callers that want the verdict.
int load_tc_filter_verdict(const std::string& expr, int linktype, uint32_t snaplen);

}  // namespace strato::ebpf
