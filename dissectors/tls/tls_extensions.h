#pragma once
// Hello extensions (RFC 8446 section 4.2 and friends) as tshark 4.0 shows
// them, and the JA3/JA3S fingerprints built from the hellos.
#include <string>

#include "tls_handshake.h"

namespace strato::tls {

// The extension-dependent parts of a JA3 string, GREASE values left out.
struct Ja3Parts {
  std::string exts, groups, formats;
};

// Extensions block of a hello at p..end of h (p at the Extensions Length).
void hello_extensions(DissectContext& ctx, const Fields& F, Tvb h, uint32_t p, uint32_t end, bool server,
                      Session& s, int parent, Ja3Parts& ja3);

bool is_grease(uint16_t v);
void ja3_append(std::string& list, unsigned v);  // "a-b-c"

}  // namespace strato::tls
