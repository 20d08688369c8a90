// ICMP (IPv4): type/code, verified checksum (tshark checks ICMP's), echo
// identifiers with request/reply matching, and for error messages the
// offending IP header, dissected with pinfo.in_error_packet set.
#include <cstdio>
#include <unordered_map>

#include "echo_pairing.h"
#include "netcommon.h"

namespace strato {
namespace {

const ValueName kTypes[] = {{0, "Echo (ping) reply"},
                            {3, "Destination unreachable"},
                            {4, "Source quench (flow control)"},
                            {5, "Redirect"},
                            {8, "Echo (ping) request"},
                            {9, "Router advertisement"},
                            {10, "Router solicitation"},
                            {11, "Time-to-live exceeded"},
                            {12, "Parameter problem"},
                            {13, "Timestamp request"},
                            {14, "Timestamp reply"},
                            {15, "Information request"},
                            {16, "Information reply"},
                            {17, "Address mask request"},
                            {18, "Address mask reply"},
                            {42, "Extended Echo request"},
                            {43, "Extended Echo reply"},
                            {0, nullptr}};
const ValueName kUnreach[] = {{0, "Network unreachable"},
                              {1, "Host unreachable"},
                              {2, "Protocol unreachable"},
                              {3, "Port unreachable"},
                              {4, "Fragmentation needed"},
                              {5, "Source route failed"},
                              {6, "Destination network unknown"},
                              {7, "Destination host unknown"},
                              {8, "Source host isolated"},
                              {9, "Network administratively prohibited"},
                              {10, "Host administratively prohibited"},
                              {11, "Network unreachable for TOS"},
                              {12, "Host unreachable for TOS"},
                              {13, "Communication administratively filtered"},
                              {14, "Host precedence violation"},
                              {15, "Precedence cutoff in effect"},
                              {0, nullptr}};
const ValueName kTimeEx[] = {{0, "Time to live exceeded in transit"}, {1, "Fragment reassembly time exceeded"}, {0, nullptr}};
const ValueName kRedirect[] = {{0, "Redirect for network"},
                               {1, "Redirect for host"},
                               {2, "Redirect for TOS and network"},
                               {3, "Redirect for TOS and host"},
                               {0, nullptr}};
const ValueName kParam[] = {{0, "Pointer indicates the error"}, {1, "Required option missing"}, {2, "Bad length"}, {0, nullptr}};

const ValueName kExtEchoReq[] = {{0, "No error"}, {0, nullptr}};
const ValueName kExtEchoRsp[] = {{0, "No error"},
                                 {1, "Malformed Query"},
                                 {2, "No Such Interface"},
                                 {3, "No Such Table Entry"},
                                 {4, "Multiple Interfaces Satisfy Query"},
                                 {0, nullptr}};

const char* lookup(const ValueName* t, uint64_t v) {
  for (; t->name; ++t)
    if (t->value == v) return t->name;
  return nullptr;
}

const ValueName* code_table(uint8_t type) {
  switch (type) {
    case 3: return kUnreach;
    case 5: return kRedirect;
    case 11: return kTimeEx;
    case 12: return kParam;
    case 42: return kExtEchoReq;
    case 43: return kExtEchoRsp;
    default: return nullptr;
  }
}

using net::EchoKey;
using net::EchoState;

class IcmpDissector : public Dissector {
 public:
  const char* name() const override { return "icmp"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("icmp", "Internet Control Message Protocol");
    type_ = reg.add_field(proto_, "icmp.type", "Type", FieldType::UInt, Base::Dec, 8, 0, kTypes);
    code_ = reg.add_field(proto_, "icmp.code", "Code", FieldType::UInt, Base::Dec, 8);
    checksum_ = reg.add_field(proto_, "icmp.checksum", "Checksum", FieldType::UInt, Base::Hex, 16);
    checksum_status_ = reg.add_field(proto_, "icmp.checksum.status", "Checksum Status", FieldType::UInt, Base::Dec, 8);
    ident_ = reg.add_field(proto_, "icmp.ident", "Identifier (BE)", FieldType::UInt, Base::DecHex, 16);
    ident_le_ = reg.add_field(proto_, "icmp.ident_le", "Identifier (LE)", FieldType::UInt, Base::DecHex, 16);
    seq_ = reg.add_field(proto_, "icmp.seq", "Sequence Number (BE)", FieldType::UInt, Base::DecHex, 16);
    ext_seq_ = reg.add_field(proto_, "icmp.ext.echo.seq", "Sequence Number", FieldType::UInt, Base::DecHex, 8);
    ext_req_res_ = reg.add_field(proto_, "icmp.ext.echo.req.res", "Reserved", FieldType::UInt, Base::Hex, 8, 0xfe);
    ext_req_local_ = reg.add_field(proto_, "icmp.ext.echo.req.local", "Local bit", FieldType::Boolean, Base::Dec, 8, 0x01);
    seq_le_ = reg.add_field(proto_, "icmp.seq_le", "Sequence Number (LE)", FieldType::UInt, Base::DecHex, 16);
    resp_in_ = reg.add_field(proto_, "icmp.resp_in", "Response frame", FieldType::FrameNum);
    resp_to_ = reg.add_field(proto_, "icmp.resp_to", "Request frame", FieldType::FrameNum);
    resptime_ = reg.add_field(proto_, "icmp.resptime", "Response time", FieldType::Double);
    unused_ = reg.add_field(proto_, "icmp.unused", "Unused", FieldType::Bytes);
    mtu_ = reg.add_field(proto_, "icmp.mtu", "MTU of next hop", FieldType::UInt, Base::Dec, 16);
    gateway_ = reg.add_field(proto_, "icmp.redir_gw", "Gateway Address", FieldType::IPv4);
    pointer_ = reg.add_field(proto_, "icmp.pointer", "Pointer", FieldType::UInt, Base::Dec, 32);
    data_time_ = reg.add_field(proto_, "icmp.data_time", "Timestamp from icmp data", FieldType::AbsTime, Base::Calendar);
    data_time_rel_ = reg.add_field(proto_, "icmp.data_time_relative", "Timestamp from icmp data (relative)",
                                   FieldType::RelTime);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override { t.add("ip.proto", 1, this); }
  void resolve(DissectorTables& t) override {
    ip_ = t.find("ip");
    ttl_ = FieldRegistry::instance().find("ip.ttl");
  }
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<EchoState>(); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override;

 private:
  FieldId proto_, type_, code_, checksum_, checksum_status_, ident_, ident_le_, seq_, seq_le_, resp_in_, resp_to_,
      resptime_, unused_, mtu_, gateway_, pointer_, data_time_, data_time_rel_, short_;
  FieldId ttl_ = kNoField;
  FieldId ext_seq_, ext_req_res_, ext_req_local_;
  Dissector* ip_ = nullptr;
};

uint32_t IcmpDissector::dissect(DissectContext& ctx, Tvb tvb, int parent) {
  PacketInfo& pi = ctx.pinfo;
  const bool err = pi.in_error_packet;
  int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "icmp");
  net::label(ctx, top, [&] { return "Internet Control Message Protocol"; });
  if (!err) ctx.set_protocol_column("ICMP");
  if (!tvb.has(0, 4)) {
    net::out_of_bytes(ctx, short_, "ICMP", top, tvb);
    return tvb.len ? tvb.len : 1;
  }
  const net::IpLayerInfo* ipl = net::ip_layer(pi);
  const unsigned ttl = ipl ? ipl->ttl : 0;
  uint8_t type = tvb.u8(0), code = tvb.u8(1);
  uint16_t ck = tvb.u16(2);
  const char* tname = lookup(kTypes, type);
  const ValueName* ct = code_table(type);
  const char* cname = ct ? lookup(ct, code) : nullptr;
  // ICMP's tree puts the number first: "Type: 0 (Echo (ping) reply)".
  net::label(ctx, ctx.add_uint(type_, tvb, 0, 1, type, top), [&] {
    return "Type: " + std::to_string(type) + (tname ? std::string(" (") + tname + ")" : std::string());
  });
  net::label(ctx, ctx.add_uint(code_, tvb, 1, 1, code, top), [&] { return "Code: " + std::to_string(code) + (cname ? std::string(" (") + cname + ")" : ""); });
  {
    char buf[80];
    // Verified only when the whole message was captured (as tshark).
    bool whole = net::reported_len(ctx, tvb) == tvb.len;
    uint8_t status = 2;
    if (whole && !err) {
      uint16_t calc = net::fold16(net::sum16(tvb.data, tvb.len));
      if (calc == 0) {
        std::snprintf(buf, sizeof buf, "Checksum: 0x%04x [correct]", ck);
        status = 1;
      } else {
        uint16_t should = net::fold16(net::sum16(tvb.data, tvb.len) - ck);
        std::snprintf(buf, sizeof buf, "Checksum: 0x%04x [incorrect, should be 0x%04x]", ck, should);
        status = 0;
      }
    } else {
      std::snprintf(buf, sizeof buf, "Checksum: 0x%04x [unverified]", ck);
    }
    net::label(ctx, ctx.add_uint(checksum_, tvb, 2, 2, ck, top), [&] { return buf; });
    static const char* st[] = {"Checksum Status: Bad", "Checksum Status: Good", "Checksum Status: Unverified"};
    net::label(ctx, ctx.add_uint(checksum_status_, tvb, 2, 0, status, top, FieldValue::Generated), [&] { return st[status]; });
  }
  std::string info = tname ? tname : "Unknown ICMP (obsolete or malformed?)";
  if (cname) info += std::string(" (") + cname + ")";

  switch (type) {
    case 0:
    case 8:
    case 13:
    case 14:
    case 15:
    case 16:
    case 17:
    case 18: {
      if (!tvb.has(4, 4)) {
        if (!err) ctx.info() = info;
        net::out_of_bytes(ctx, short_, "ICMP", top, tvb);
        return tvb.len;
      }
      uint16_t id = tvb.u16(4), sq = tvb.u16(6);
      char buf[96];
      std::snprintf(buf, sizeof buf, "Identifier (BE): %u (0x%04x)", id, id);
      net::label(ctx, ctx.add_uint(ident_, tvb, 4, 2, id, top), [&] { return buf; });
      std::snprintf(buf, sizeof buf, "Identifier (LE): %u (0x%04x)", tvb.u16le(4), tvb.u16le(4));
      net::label(ctx, ctx.add_uint(ident_le_, tvb, 4, 2, tvb.u16le(4), top), [&] { return buf; });
      std::snprintf(buf, sizeof buf, "Sequence Number (BE): %u (0x%04x)", sq, sq);
      net::label(ctx, ctx.add_uint(seq_, tvb, 6, 2, sq, top), [&] { return buf; });
      std::snprintf(buf, sizeof buf, "Sequence Number (LE): %u (0x%04x)", tvb.u16le(6), tvb.u16le(6));
      net::label(ctx, ctx.add_uint(seq_le_, tvb, 6, 2, tvb.u16le(6), top), [&] { return buf; });
      if (type == 0 || type == 8) {
        std::snprintf(buf, sizeof buf, "%-21sid=0x%04x, seq=%u/%u, ttl=%u", info.c_str(), id, sq, tvb.u16le(6),
                      unsigned(ttl));
        info = buf;
        if (!err) {
          auto& st = ctx.shard_state<EchoState>(this);
          EchoKey k{};
          const Address& req = type == 8 ? pi.net_src : pi.net_dst;
          const Address& rsp = type == 8 ? pi.net_dst : pi.net_src;
          std::memcpy(k.a, req.bytes, 16);
          std::memcpy(k.b, rsp.bytes, 16);
          k.id = id;
          k.seq = sq;
          const Event& ev = ctx.event();
          if (type == 8) {
            st.requests[k] = {ev.number, ev.ts_ns};
          } else {
            auto it = st.requests.find(k);
            if (it != st.requests.end()) {
              net::label(ctx, ctx.add_uint(resp_to_, tvb, 0, 0, it->second.frame, top, FieldValue::Generated), [&] { return "Request frame: " + std::to_string(it->second.frame); });
              double ms = double(ev.ts_ns - it->second.ts_ns) / 1e6;
              std::snprintf(buf, sizeof buf, "Response time: %.3f ms", ms);
              net::label(ctx, ctx.add_double(resptime_, tvb, 0, 0, ms, top, FieldValue::Generated), [&] { return buf; });
              info += " (request in " + std::to_string(it->second.frame) + ")";
            } else {
              info += " (no response found!)";
            }
          }
        }
      }
      if (!err) ctx.info() = info;
      Tvb rest = tvb.sub(8);
      if ((type == 0 || type == 8) && rest.len >= 8) {
        // ping puts a timeval first; tshark shows it when its seconds are
        // within a day of the capture time (big- or little-endian).
        uint32_t now = uint32_t(ctx.event().ts_ns / 1000000000ull);
        uint32_t secs = rest.u32(0), usecs = rest.u32(4);
        auto near = [now](uint32_t s) { return (s > now ? s - now : now - s) < 86400; };
        if (!near(secs) || usecs >= 1000000) {
          secs = rest.u32le(0);
          usecs = rest.u32le(4);
        }
        if (near(secs) && usecs < 1000000) {
          uint64_t t = uint64_t(secs) * 1000000000ull + uint64_t(usecs) * 1000ull;
          ctx.add_abs_time(data_time_, t, top, 0);
          ctx.add_rel_time(data_time_rel_, int64_t(ctx.event().ts_ns - t), top);
          rest = rest.sub(8);
        }
      }
      if (rest.len) ctx.call_data(rest, top);
      return tvb.len;
    }
    case 3:
    case 4:
    case 5:
    case 11:
    case 12: {
      if (!err) ctx.info() = info;
      if (!tvb.has(4, 4)) {
        net::out_of_bytes(ctx, short_, "ICMP", top, tvb);
        return tvb.len;
      }
      if (type == 5)
        ctx.add_ipv4(gateway_, tvb, 4, tvb.u32(4), top);
      else if (type == 12)
        ctx.add_uint(pointer_, tvb, 4, 1, tvb.u8(4), top);
      else if (type == 3 && code == 4)
        ctx.add_uint(mtu_, tvb, 6, 2, tvb.u16(6), top);
      else
        ctx.add_bytes(unused_, tvb, 4, 4, top);
      Tvb inner = tvb.sub(8);
      if (inner.len && ip_ && (inner.u8(0) >> 4) == 4) {
        // The quoted datagram: dissected for display only, without touching
        // any flow state, and without changing this packet's columns.
        PacketInfo saved = pi;
        pi.in_error_packet = true;
        ctx.call(ip_, inner, top);
        pi = saved;
      } else if (inner.len) {
        ctx.call_data(inner, top);
      }
      return tvb.len;
    }
    case 42:
    case 43: {
      // RFC 8335 PROBE. tshark pads the type name to 20 columns here.
      char pad[96];
      std::snprintf(pad, sizeof pad, "%-20s", tname);
      info = pad;
      if (cname) info += std::string(" (") + cname + ")";
      if (!err) ctx.info() = info;
      if (!tvb.has(4, 4)) {
        net::out_of_bytes(ctx, short_, "ICMP", top, tvb);
        return tvb.len;
      }
      char buf[96];
      uint16_t id = tvb.u16(4);
      std::snprintf(buf, sizeof buf, "Identifier (BE): %u (0x%04x)", id, id);
      net::label(ctx, ctx.add_uint(ident_, tvb, 4, 2, id, top), [&] { return buf; });
      std::snprintf(buf, sizeof buf, "Identifier (LE): %u (0x%04x)", tvb.u16le(4), tvb.u16le(4));
      net::label(ctx, ctx.add_uint(ident_le_, tvb, 4, 2, tvb.u16le(4), top), [&] { return buf; });
      uint8_t sq = tvb.u8(6), b = tvb.u8(7);
      std::snprintf(buf, sizeof buf, "Sequence Number: %u (0x%02x)", sq, sq);
      net::label(ctx, ctx.add_uint(ext_seq_, tvb, 6, 1, sq, top), [&] { return buf; });
      if (type == 42) {
        std::snprintf(buf, sizeof buf, "Reserved: 0x%02x", b >> 1);
        net::label(ctx, ctx.add_uint(ext_req_res_, tvb, 7, 1, b >> 1, top), [&] { return net::bits_label(b, 8, 0xfe, buf); });
        net::label(ctx, ctx.add_bool(ext_req_local_, tvb, 7, 1, b & 1, top), [&] { return net::flag_label(b, 8, 0x01, "Local bit"); });
      }
      // The extension structure that follows stays inside ICMP.
      return tvb.len;
    }
    default:
      // Types tshark knows nothing about keep their bytes inside ICMP.
      if (!err) ctx.info() = info;
      return tvb.len;
  }
}

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<IcmpDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "icmp", "Internet Control Message Protocol", strato::create)
