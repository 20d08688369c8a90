#include "x509_layers.h"

#include <cstring>

namespace strato::tls {

namespace {

struct Der {
  uint8_t tag = 0;
  uint32_t hdr = 0, len = 0;  // header bytes, content bytes
};

bool read_der(Tvb t, uint32_t off, uint32_t end, Der& d) {
  if (off + 2 > end || !t.has(off, 2)) return false;
  d.tag = t.u8(off);
  uint8_t l = t.u8(off + 1);
  if (l < 0x80) {
    d.hdr = 2;
    d.len = l;
  } else {
    unsigned n = l & 0x7f;
    if (n == 0 || n > 3 || off + 2 + n > end) return false;
    d.len = 0;
    for (unsigned i = 0; i < n; ++i) d.len = d.len << 8 | t.u8(off + 2 + i);
    d.hdr = 2 + n;
  }
  return off + d.hdr + d.len <= end;
}

// OID 2.5.4.x (attribute types: x509sat) and 2.5.29.x (extensions: x509ce).
const char* layer_of_oid(Tvb t, uint32_t off, uint32_t len) {
  if (len >= 3 && t.u8(off) == 0x55 && t.u8(off + 1) == 0x04) return "x509sat";
  if (len >= 3 && t.u8(off) == 0x55 && t.u8(off + 1) == 0x1d) return "x509ce";
  return nullptr;
}

// Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value }
void walk_name(DissectContext& ctx, Tvb t, uint32_t off, uint32_t end) {
  Der rdn;
  while (read_der(t, off, end, rdn)) {
    uint32_t a = off + rdn.hdr, aend = a + rdn.len;
    Der atv;
    while (read_der(t, a, aend, atv)) {
      Der oid;
      if (read_der(t, a + atv.hdr, a + atv.hdr + atv.len, oid) && oid.tag == 0x06)
        if (const char* l = layer_of_oid(t, a + atv.hdr + oid.hdr, oid.len)) ctx.add_layer(l);
      a += atv.hdr + atv.len;
    }
    off = aend;
  }
}

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, BIT STRING }.
// tshark hands the parameters of an id-ecPublicKey key (1.2.840.10045.2.1,
// the curve) to its PKCS#1 dissector, which adds a "pkcs-1" layer; RSA keys
// and signature algorithms (NULL or absent parameters) add none.
void walk_public_key_info(DissectContext& ctx, Tvb t, uint32_t off, uint32_t end) {
  static const uint8_t kEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
  Der alg, oid, params;
  if (!read_der(t, off, end, alg) || alg.tag != 0x30) return;
  uint32_t a = off + alg.hdr, aend = a + alg.len;
  if (!read_der(t, a, aend, oid) || oid.tag != 0x06 || oid.len != sizeof kEcPublicKey) return;
  for (uint32_t i = 0; i < oid.len; ++i)
    if (t.u8(a + oid.hdr + i) != kEcPublicKey[i]) return;
  if (read_der(t, a + oid.hdr + oid.len, aend, params)) ctx.add_layer("pkcs-1");
}

const char* attribute_name(Tvb t, uint32_t off, uint32_t len) {
  static const uint8_t kEmail[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01};
  if (len == sizeof kEmail && std::memcmp(t.data + off, kEmail, len) == 0) return "pkcs-9-at-emailAddress";
  if (len != 3 || t.u8(off) != 0x55 || t.u8(off + 1) != 0x04) return nullptr;
  switch (t.u8(off + 2)) {
    case 3: return "id-at-commonName";
    case 4: return "id-at-surname";
    case 5: return "id-at-serialNumber";
    case 6: return "id-at-countryName";
    case 7: return "id-at-localityName";
    case 8: return "id-at-stateOrProvinceName";
    case 9: return "id-at-streetAddress";
    case 10: return "id-at-organizationName";
    case 11: return "id-at-organizationalUnitName";
    case 12: return "id-at-title";
    case 17: return "id-at-postalCode";
    case 42: return "id-at-givenName";
    default: return nullptr;
  }
}

}  // namespace

std::string x509_subject(Tvb t) {
  Der cert, tbs, f;
  if (!read_der(t, 0, t.len, cert) || cert.tag != 0x30) return {};
  uint32_t p = cert.hdr;
  if (!read_der(t, p, t.len, tbs) || tbs.tag != 0x30) return {};
  uint32_t end = p + tbs.hdr + tbs.len;
  p += tbs.hdr;
  int index = 0;
  while (read_der(t, p, end, f)) {
    if (f.tag != 0xa0 && index++ == 4 && f.tag == 0x30) break;
    p += f.hdr + f.len;
  }
  if (p >= end) return {};
  std::string out;
  uint32_t r = p + f.hdr, rend = r + f.len;
  Der rdn;
  while (read_der(t, r, rend, rdn)) {
    std::string one;
    uint32_t a = r + rdn.hdr, aend = a + rdn.len;
    Der atv, oid, val;
    while (read_der(t, a, aend, atv)) {
      uint32_t o = a + atv.hdr, oend = o + atv.len;
      if (read_der(t, o, oend, oid) && oid.tag == 0x06 && read_der(t, o + oid.hdr + oid.len, oend, val)) {
        const char* n = attribute_name(t, o + oid.hdr, oid.len);
        if (!one.empty()) one += "+";
        one += std::string(n ? n : "unknown") + "=" + std::string(t.str(o + oid.hdr + oid.len + val.hdr, val.len));
      }
      a += atv.hdr + atv.len;
    }
    out = out.empty() ? one : one + "," + out;
    r += rdn.hdr + rdn.len;
  }
  return out;
}

void add_x509_layers(DissectContext& ctx, Tvb t) {
  Der cert, tbs;
  if (!read_der(t, 0, t.len, cert) || cert.tag != 0x30) return;
  uint32_t p = cert.hdr;
  if (!read_der(t, p, t.len, tbs) || tbs.tag != 0x30) return;
  uint32_t end = p + tbs.hdr + tbs.len;
  p += tbs.hdr;
  Der f;
  int index = 0;  // position among TBSCertificate fields after the optional version
  while (read_der(t, p, end, f)) {
    uint32_t c = p + f.hdr;
    if (f.tag == 0xa0) {  // [0] version
    } else if (f.tag == 0xa3) {  // [3] extensions: SEQUENCE OF Extension
      Der seq, ext;
      if (read_der(t, c, c + f.len, seq)) {
        uint32_t e = c + seq.hdr, eend = e + seq.len;
        while (read_der(t, e, eend, ext)) {
          Der oid;
          if (read_der(t, e + ext.hdr, e + ext.hdr + ext.len, oid) && oid.tag == 0x06)
            if (const char* l = layer_of_oid(t, e + ext.hdr + oid.hdr, oid.len)) ctx.add_layer(l);
          e += ext.hdr + ext.len;
        }
      }
    } else {
      // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
      if ((index == 2 || index == 4) && f.tag == 0x30) walk_name(ctx, t, c, c + f.len);
      if (index == 5 && f.tag == 0x30) walk_public_key_info(ctx, t, c, c + f.len);
      ++index;
    }
    p = c + f.len;
  }
}

}  // namespace strato::tls
