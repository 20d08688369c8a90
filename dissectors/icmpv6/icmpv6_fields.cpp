#include "icmpv6_fields.h"

#include <cstdio>

namespace strato::icmpv6 {

const ValueName kPrf[] = {{0, "Medium"}, {1, "High"}, {2, "Reserved"}, {3, "Low"}, {0, nullptr}};
const ValueName kOptionTypes[] = {{1, "Source link-layer address"},
                               {2, "Target link-layer address"},
                               {3, "Prefix information"},
                               {4, "Redirected header"},
                               {5, "MTU"},
                               {6, "NBMA Shortcut Limit Option"},
                               {7, "Advertisement Interval"},
                               {8, "Home Agent Information"},
                               {9, "Source Address List"},
                               {10, "Target Address List"},
                               {11, "CGA"},
                               {12, "RSA Signature"},
                               {13, "Timestamp"},
                               {14, "Nonce"},
                               {15, "Trust Anchor"},
                               {16, "Certificate"},
                               {17, "IP Address/Prefix Option"},
                               {18, "New Router Prefix Information Option"},
                               {19, "Link-layer Address Option"},
                               {20, "Neighbor Advertisement Acknowledgment Option"},
                               {23, "MAP Option"},
                               {24, "Route Information"},
                               {25, "Recursive DNS Server"},
                               {26, "RA Flags Extension Option"},
                               {27, "Handover Key Request Option"},
                               {28, "Handover Key Reply Option"},
                               {29, "Handover Assist Information Option"},
                               {30, "Mobile Node Identifier Option"},
                               {31, "DNS Search List Option"},
                               {32, "Proxy Signature (PS)"},
                               {33, "Address Registration Option"},
                               {34, "6LoWPAN Context Option"},
                               {35, "Authoritative Border Router"},
                               {36, "6LoWPAN Capability Indication Option"},
                               {37, "DHCP Captive-Portal"},
                               {38, "PREF64 Option"},
                               {138, "CARD Request option"},
                               {139, "CARD Reply option"},
                               {253, "RFC3692-style Experiment 1"},
                               {254, "RFC3692-style Experiment 2"},
                               {0, nullptr}};
namespace {

const ValueName kRecordTypes[] = {{1, "Include"},           {2, "Exclude"},           {3, "Changed to include"},
                                  {4, "Changed to exclude"}, {5, "Allow new sources"}, {6, "Block old sources"},
                                  {0, nullptr}};

}  // namespace

const ValueName kPlc[] = {{0, "96 bits prefix length"}, {1, "64 bits prefix length"},
                          {2, "56 bits prefix length"}, {3, "48 bits prefix length"},
                          {4, "40 bits prefix length"}, {5, "32 bits prefix length"}, {0, nullptr}};

const char* name_of(const ValueName* t, uint64_t v) {
  for (; t && t->name; ++t)
    if (t->value == v) return t->name;
  return nullptr;
}

void Fields::register_fields(FieldRegistry& reg, FieldId p) {
  proto = p;
  auto u = [&](const char* abbrev, const char* name, uint8_t bits, uint64_t mask = 0, const ValueName* names = nullptr,
               Base base = Base::Dec) { return reg.add_field(p, abbrev, name, FieldType::UInt, base, bits, mask, names); };
  auto b = [&](const char* abbrev, const char* name, uint64_t mask) {
    return reg.add_field(p, abbrev, name, FieldType::Boolean, Base::Dec, 8, mask);
  };
  auto v6 = [&](const char* abbrev, const char* name) { return reg.add_field(p, abbrev, name, FieldType::IPv6); };
  auto none = [&](const char* abbrev, const char* name) { return reg.add_field(p, abbrev, name, FieldType::Label); };
  reserved = reg.add_field(p, "icmpv6.reserved", "Reserved", FieldType::Bytes);

  ra_hop = u("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", 8);
  ra_flag = u("icmpv6.nd.ra.flag", "Flags", 8, 0, nullptr, Base::Hex);
  ra_m = b("icmpv6.nd.ra.flag.m", "Managed address configuration", 0x80);
  ra_o = b("icmpv6.nd.ra.flag.o", "Other configuration", 0x40);
  ra_h = b("icmpv6.nd.ra.flag.h", "Home Agent", 0x20);
  ra_prf = u("icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", 8, 0x18, kPrf);
  ra_p = b("icmpv6.nd.ra.flag.p", "Proxy", 0x04);
  ra_rsv = u("icmpv6.nd.ra.flag.rsv", "Reserved", 8, 0x03);
  ra_life = u("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", 16);
  ra_reach = u("icmpv6.nd.ra.reachable_time", "Reachable time (ms)", 32);
  ra_retrans = u("icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", 32);

  ns_target = v6("icmpv6.nd.ns.target_address", "Target Address");
  na_flag = u("icmpv6.nd.na.flag", "Flags", 32, 0, nullptr, Base::Hex);
  na_r = b("icmpv6.nd.na.flag.r", "Router", 0x80000000u);
  na_s = b("icmpv6.nd.na.flag.s", "Solicited", 0x40000000u);
  na_o = b("icmpv6.nd.na.flag.o", "Override", 0x20000000u);
  na_rsv = u("icmpv6.nd.na.flag.rsv", "Reserved", 32, 0x1fffffffu);
  na_target = v6("icmpv6.nd.na.target_address", "Target Address");
  rd_target = v6("icmpv6.nd.rd.target_address", "Target Address");
  rd_dst = v6("icmpv6.rd.na.destination_address", "Destination Address");

  opt = none("icmpv6.opt", "ICMPv6 Option");
  opt_type = u("icmpv6.opt.type", "Type", 8, 0, kOptionTypes);
  opt_len = u("icmpv6.opt.length", "Length", 8);
  opt_reserved = none("icmpv6.opt.reserved", "Reserved");
  opt_padding = none("icmpv6.opt.padding", "Padding");
  linkaddr = reg.add_field(p, "icmpv6.opt.linkaddr", "Link-layer address", FieldType::Ether);
  src_linkaddr = reg.add_field(p, "icmpv6.opt.src_linkaddr", "Source Link-layer address", FieldType::Ether);
  target_linkaddr = reg.add_field(p, "icmpv6.opt.target_linkaddr", "Target Link-layer address", FieldType::Ether);
  pfx_len = u("icmpv6.opt.prefix.length", "Prefix Length", 8);
  pfx_flag = u("icmpv6.opt.prefix.flag", "Flag", 8, 0, nullptr, Base::Hex);
  pfx_l = b("icmpv6.opt.prefix.flag.l", "On-link flag(L)", 0x80);
  pfx_a = b("icmpv6.opt.prefix.flag.a", "Autonomous address-configuration flag(A)", 0x40);
  pfx_r = b("icmpv6.opt.prefix.flag.r", "Router address flag(R)", 0x20);
  pfx_rsv = u("icmpv6.opt.prefix.flag.reserved", "Reserved", 8, 0x1f);
  pfx_valid = u("icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", 32);
  pfx_pref = u("icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", 32);
  prefix = v6("icmpv6.opt.prefix", "Prefix");
  redirected = none("icmpv6.opt.redirected_packet", "Redirected Packet");
  mtu = u("icmpv6.opt.mtu", "MTU", 32);
  adv_int = u("icmpv6.opt.advertisement_interval", "Advertisement Interval", 32);
  ha_pref = u("icmpv6.opt.home_agent_preference", "Home Agent Preference", 16);
  // tshark 4.0 names the lifetime "Home Agent Preference" too.
  ha_life = u("icmpv6.opt.home_agent_lifetime", "Home Agent Preference", 16);
  ri_flag = u("icmpv6.opt.route_info.flag", "Flag", 8, 0, nullptr, Base::Hex);
  ri_prf = u("icmpv6.opt.route_info.flag.route_preference", "Route Preference", 8, 0x18, kPrf);
  ri_rsv = u("icmpv6.opt.route_info.flag.reserved", "Reserved", 8, 0xe7);
  ri_life = u("icmpv6.opt.route_lifetime", "Route Lifetime", 32);
  rdnss_life = u("icmpv6.opt.rdnss.lifetime", "Lifetime", 32);
  rdnss = v6("icmpv6.opt.rdnss", "Recursive DNS Servers");
  dnssl_life = u("icmpv6.opt.dnssl.lifetime", "Lifetime", 32);
  dnssl = reg.add_field(p, "icmpv6.opt.dnssl", "Domain Names", FieldType::String);
  p64_life = u("icmpv6.opt.pref64.scaled_lifetime", "Scaled Lifetime", 16, 0xfff8);
  p64_plc = u("icmpv6.opt.pref64.plc", "PLC (Prefix Length Code)", 16, 0x0007, kPlc, Base::Hex);
  p64_prefix = v6("icmpv6.opt.pref64.prefix", "Prefix");
  opt_data = reg.add_field(p, "icmpv6.data", "Data", FieldType::Bytes);
  undecoded = none("icmpv6.undecoded.option", "Undecoded option");
  invalid_len = none("icmpv6.invalid_option_length", "Invalid Option Length");

  mld_delay = u("icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", 16);
  mld_code = u("icmpv6.mld.maximum_response_code", "Maximum Response Code", 16);
  mld_mcast = v6("icmpv6.mld.multicast_address", "Multicast Address");
  mld_flag = u("icmpv6.mld.flag", "Flags", 8, 0, nullptr, Base::Hex);
  mld_s = b("icmpv6.mld.flag.s", "Suppress Router-Side Processing", 0x08);
  mld_qrv = u("icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", 8, 0x07);
  mld_frsv = u("icmpv6.mld.flag.reserved", "Reserved", 8, 0xf0);
  mld_qqi = u("icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", 8);
  mld_nsrc = u("icmpv6.mld.nb_sources", "Number of Sources", 16);
  mld_src = v6("icmpv6.mld.source_address", "Source Address");
  mldr_nrec = u("icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", 16);
  mldr_mar = none("icmpv6.mldr.mar", "Multicast Address Record");
  mldr_type = u("icmpv6.mldr.mar.record_type", "Record Type", 8, 0, kRecordTypes);
  mldr_aux_len = u("icmpv6.mldr.mar.aux_data_len", "Aux Data Len", 8);
  mldr_nsrc = u("icmpv6.mldr.mar.nb_sources", "Number of Sources", 16);
  mldr_mcast = v6("icmpv6.mldr.mar.multicast_address", "Multicast Address");
  mldr_src = v6("icmpv6.mldr.mar.source_address", "Source Address");
  mldr_aux = reg.add_field(p, "icmpv6.mldr.mar.auxiliary_data", "Auxiliary Data", FieldType::Bytes);
}

int add_flags(DissectContext& ctx, Tvb tvb, uint32_t off, uint32_t nbytes, FieldId header, const char* name,
              const Bit* bits, size_t nbits, int parent) {
  uint32_t v = nbytes == 1 ? tvb.u8(off) : nbytes == 2 ? tvb.u16(off) : tvb.u32(off);
  int top = ctx.add_uint(header, tvb, off, nbytes, v, parent);
  const bool labels = ctx.want_labels();
  std::string head;
  if (labels) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s: 0x%0*x", name, int(nbytes * 2), v);
    head = buf;
  }
  for (size_t i = 0; i < nbits; ++i) {
    const Bit& b = bits[i];
    uint32_t shift = __builtin_ctz(b.mask);
    uint32_t x = (v & b.mask) >> shift;
    int item = ctx.add_uint(b.f, tvb, off, nbytes, x, top);
    if (!labels) continue;
    std::string text = b.name;
    text += ": ";
    switch (b.kind) {
      case Bit::SetNotSet:
        text += x ? "Set" : "Not set";
        if (x) head.append(", ").append(b.name);
        break;
      case Bit::TrueFalse:
        text += x ? "True" : "False";
        if (x) head.append(", ").append(b.name);
        break;
      case Bit::Named: {
        const char* vn = nullptr;
        for (const ValueName* n = b.names; n && n->name; ++n)
          if (n->value == x) vn = n->name;
        char num[24];
        std::snprintf(num, sizeof num, b.fmt ? b.fmt : "%u", x);
        text.append(vn ? vn : "Unknown").append(" (").append(num).append(")");
        head.append(", ").append(b.name).append(": ").append(vn ? vn : "Unknown");
        break;
      }
      case Bit::Number:
        text += std::to_string(x);
        break;
    }
    ctx.set_label(item, net::bits_label(v, nbytes * 8, b.mask, text));
  }
  if (labels) ctx.set_label(top, head);
  return top;
}

}  // namespace strato::icmpv6
