#pragma once
// EDNS(0) options of an OPT record's data (RFC 6891 6.1.2) and the option
// bodies tshark 4.0 decodes.
#include "dns_fields.h"
#include "strato/dissector.h"

namespace strato::dns {

void dissect_opt_options(DissectContext& ctx, const Fields& F, Tvb m, uint32_t p, uint32_t end, int parent);

}  // namespace strato::dns
