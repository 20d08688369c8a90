#pragma once
// tshark decodes certificates with its ASN.1 dissectors; each attribute or
// extension whose OID belongs to the X.509 SAT/CE modules adds an "x509sat"
// or "x509ce" layer to frame.protocols. This walks the DER just far enough to
// add the same layers in the same order.
#include <string>

#include "strato/dissector.h"

namespace strato::tls {

void add_x509_layers(DissectContext& ctx, Tvb cert);

// The subject as tshark prints it after a certificate: RDNs last first,
// "id-at-commonName=example.com,id-at-organizationName=Example".
std::string x509_subject(Tvb cert);

}  // namespace strato::tls
