#pragma once
// Fields of the ICMPv6 message bodies (Neighbor Discovery, NDP options,
// MLD), shared by the files that dissect them. Names follow tshark 4.0.
#include <string>

#include "netcommon.h"

namespace strato::icmpv6 {

extern const ValueName kPrf[];          // router/route preference
extern const ValueName kOptionTypes[];  // NDP option types
extern const ValueName kPlc[];          // PREF64 prefix length codes
const char* name_of(const ValueName* t, uint64_t v);

struct Fields {
  FieldId proto, reserved;
  // Router Advertisement
  FieldId ra_hop, ra_flag, ra_m, ra_o, ra_h, ra_prf, ra_p, ra_rsv, ra_life, ra_reach, ra_retrans;
  // Neighbor Solicitation/Advertisement, Redirect
  FieldId ns_target, na_flag, na_r, na_s, na_o, na_rsv, na_target, rd_target, rd_dst;
  // options
  FieldId opt, opt_type, opt_len, opt_reserved, opt_padding, linkaddr, src_linkaddr, target_linkaddr;
  FieldId pfx_len, pfx_flag, pfx_l, pfx_a, pfx_r, pfx_rsv, pfx_valid, pfx_pref, prefix;
  FieldId redirected, mtu, adv_int, ha_pref, ha_life, ri_flag, ri_prf, ri_rsv, ri_life;
  FieldId rdnss_life, rdnss, dnssl_life, dnssl, p64_life, p64_plc, p64_prefix, opt_data, invalid_len, undecoded;
  // MLD
  FieldId mld_delay, mld_code, mld_mcast, mld_flag, mld_s, mld_qrv, mld_frsv, mld_qqi, mld_nsrc, mld_src;
  FieldId mldr_nrec, mldr_mar, mldr_type, mldr_aux_len, mldr_nsrc, mldr_mcast, mldr_src, mldr_aux;

  void register_fields(FieldRegistry& reg, FieldId protocol);
};

// One bit field of a flags byte/word: its line in the tree and its text on
// the header line ("Flags: 0x20, Home Agent, Prf (...): Medium").
struct Bit {
  FieldId f;
  uint32_t mask;
  const char* name;
  enum Kind { SetNotSet, TrueFalse, Named, Number } kind;
  const ValueName* names = nullptr;
  const char* fmt = nullptr;  // value shown as printf(fmt) inside the name's parentheses
};

// Adds "Name: 0x.." with one child per bit field; returns the header item.
int add_flags(DissectContext& ctx, Tvb tvb, uint32_t off, uint32_t nbytes, FieldId header, const char* name,
              const Bit* bits, size_t nbits, int parent);

// Router/Neighbor Discovery and Redirect bodies (types 133-137). Appends to
// `info` and returns false when the message is cut short.
bool dissect_nd(DissectContext& ctx, const Fields& hf, Dissector* ipv6, uint8_t type, Tvb tvb, int top,
                std::string& info);

// Multicast Listener Query/Report/Done (130-132) and MLDv2 Report (143).
bool dissect_mld(DissectContext& ctx, const Fields& hf, uint8_t type, Tvb tvb, int top);

}  // namespace strato::icmpv6
