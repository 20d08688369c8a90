#pragma once
// TCP options: tree items, the Info suffix ("MSS=1460 SACK_PERM ...") and
// the window-scale shift the analysis needs.
#include <string>

#include "strato/dissector.h"

namespace strato::tcp {

struct OptionFields {
  FieldId options, kind, len, mss, mss_val, wscale, wscale_shift, wscale_mult, sack_perm, sack, sack_le, sack_re,
      sack_count, timestamp, tsval, tsecr, nop, eol, unknown, unknown_payload, exp, exp_exid,
      exp_data, acc_ecn, ee0b, eceb, ee1b, tfo, tfo_request, tfo_cookie, tfo_syn;
  void register_fields(FieldRegistry& reg, FieldId proto);
};

struct OptionResult {
  int ws_shift = -1;
  std::string info;  // " MSS=1460 SACK_PERM ..." (leading spaces included)
  bool truncated = false;
  bool mss = false;  // an MSS option was present
  int item = -1;     // the "Options" tree item
};

// `tvb` is the options area (header bytes 20..hdr_len).
// `pure_syn`: the segment is a SYN without ACK (a Fast Open cookie on it
// gets tshark's expert note).
OptionResult dissect_options(DissectContext& ctx, const OptionFields& F, Tvb tvb, int parent, uint32_t seq_base,
                             bool relative_sack, bool pure_syn = false);

}  // namespace strato::tcp
