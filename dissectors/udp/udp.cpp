// UDP: ports, length, checksum (not verified, as tshark by default),
// udp.stream, per-stream timestamps, then the payload through table
// "udp.port" (low port first), the "udp" heuristics, else data.
#include <unordered_map>

#include "flow_key.h"
#include "netcommon.h"

namespace strato {
namespace {

struct UdpFlow {
  uint64_t stream;
  uint64_t first_ns, last_ns;
  bool first_forward;  // direction of the flow's first packet
};

struct UdpState : ShardState {
  std::unordered_map<net::FlowKey, UdpFlow, net::FlowKeyHash> flows;
};

class UdpDissector : public Dissector {
 public:
  const char* name() const override { return "udp"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("udp", "User Datagram Protocol");
    srcport_ = reg.add_field(proto_, "udp.srcport", "Source Port", FieldType::UInt, Base::Dec, 16);
    dstport_ = reg.add_field(proto_, "udp.dstport", "Destination Port", FieldType::UInt, Base::Dec, 16);
    port_ = reg.add_field(proto_, "udp.port", "Source or Destination Port", FieldType::UInt, Base::Dec, 16);
    length_ = reg.add_field(proto_, "udp.length", "Length", FieldType::UInt, Base::Dec, 16);
    checksum_ = reg.add_field(proto_, "udp.checksum", "Checksum", FieldType::UInt, Base::Hex, 16);
    checksum_status_ = reg.add_field(proto_, "udp.checksum.status", "Checksum Status", FieldType::UInt, Base::Dec, 8);
    stream_ = reg.add_field(proto_, "udp.stream", "Stream index", FieldType::UInt);
    ts_ = reg.add_field(kNoField, "text", "Text item", FieldType::Label);  // tshark's "Timestamps" text item
    time_rel_ = reg.add_field(proto_, "udp.time_relative", "Time since first frame", FieldType::RelTime);
    time_delta_ = reg.add_field(proto_, "udp.time_delta", "Time since previous frame", FieldType::RelTime);
    payload_ = reg.add_field(proto_, "udp.payload", "Payload", FieldType::Bytes);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override { t.add("ip.proto", 17, this); }
  void resolve(DissectorTables& t) override {
    ports_ = t.table("udp.port");
    heur_ = t.heuristics("udp");
  }
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<UdpState>(); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < 8 ? tvb.len : 8, parent, "udp");
    net::label(ctx, top, [&] { return "User Datagram Protocol"; });
    PacketInfo& pi = ctx.pinfo;
    if (!pi.in_error_packet) ctx.set_protocol_column("UDP");
    if (!tvb.has(0, 8)) {
      if (tvb.has(0, 4)) add_ports(ctx, tvb, top);
      net::out_of_bytes(ctx, short_, "UDP", top, tvb);
      return tvb.len ? tvb.len : 1;
    }
    uint16_t sp = tvb.u16(0), dp = tvb.u16(2), ulen = tvb.u16(4), ck = tvb.u16(6);
    add_ports(ctx, tvb, top);
    net::label(ctx, top, [&] { return "User Datagram Protocol, Src Port: " + std::to_string(sp) + ", Dst Port: " + std::to_string(dp); });
    int li = ctx.add_uint(length_, tvb, 4, 2, ulen, top);
    net::label(ctx, li, [&] { return "Length: " + std::to_string(ulen); });
    if (!pi.in_error_packet && ctx.want_columns()) {
      std::string& info = ctx.info();
      info.clear();
      append_uint(sp, info);
      info += " \xe2\x86\x92 ";
      append_uint(dp, info);
      info += " Len=";
      append_uint(ulen >= 8 ? ulen - 8 : 0, info);
    }
    if (ulen == 0 && pi.net_src.family == Address::IPv6) {
      // RFC 2675 jumbogram: the length comes from IPv6.
      uint32_t r = net::reported_len(ctx, tvb);
      ulen = r > 0xffff ? 0xffff : uint16_t(r);
    }
    if (ulen < 8) {
      net::label(ctx, li, [&] { return "Length: " + std::to_string(ulen) + " (bogus, must be at least 8)"; });
      if (!pi.in_error_packet) ctx.info() = "Bogus UDP length (" + std::to_string(ulen) + ", must be at least 8)";
      return tvb.len;
    }
    {
      net::label(ctx, ctx.add_uint(checksum_, tvb, 6, 2, ck, top), [&] {
        char buf[64];
        std::snprintf(buf, sizeof buf, ck == 0 ? "Checksum: 0x%04x [zero-value ignored]" : "Checksum: 0x%04x [unverified]", ck);
        return std::string(buf);
      });
      net::label(ctx, ctx.add_uint(checksum_status_, tvb, 6, 0, ck == 0 ? 3 : 2, top, FieldValue::Generated), [&] { return ck == 0 ? "Checksum Status: Not present" : "Checksum Status: Unverified"; });
    }
    pi.srcport = sp;
    pi.dstport = dp;
    pi.l4 = nullptr;
    // A datagram quoted in an ICMP error finds (or starts) its flow's stream,
    // as tshark does, but leaves the flow's timing alone. The engine
    // dissects such errors on the quoted flow's shard.
    const bool err = pi.in_error_packet;
    if (!err || pi.net_src.family != Address::None) {
      auto& st = ctx.shard_state<UdpState>(this);
      bool fwd;
      net::FlowKey key = net::make_flow_key(pi, sp, dp, fwd);
      uint64_t now = ctx.event().ts_ns;
      auto it = st.flows.find(key);
      if (it == st.flows.end())
        it = st.flows.emplace(key, UdpFlow{ctx.new_stream(DissectContext::UdpStream), now, now, fwd}).first;
      UdpFlow& f = it->second;
      ctx.add_stream(stream_, tvb, f.stream, top);
      if (!err) {
        pi.stream = f.stream;
        pi.to_server = fwd == f.first_forward;
        int t = ctx.add_label(ts_, tvb, 0, 0, "Timestamps", top);
        if (t >= 0) ctx.dissection().fields[t].flags |= FieldValue::Generated;
        net::label(ctx, ctx.add_rel_time(time_rel_, int64_t(now - f.first_ns), t), [&] { return "Time since first frame: " + seconds(int64_t(now - f.first_ns)) + " seconds"; });
        net::label(ctx, ctx.add_rel_time(time_delta_, int64_t(now - f.last_ns), t), [&] { return "Time since previous frame: " + seconds(int64_t(now - f.last_ns)) + " seconds"; });
        f.last_ns = now;
      }
    }
    uint32_t plen = ulen - 8u;
    Tvb payload = tvb.sub(8, plen);
    if (payload.len > 0) {
      int p = ctx.add_bytes(payload_, payload, 0, payload.len, top);
      net::label(ctx, p, [&] { return "UDP payload (" + std::to_string(payload.len) + (payload.len == 1 ? " byte)" : " bytes)"); });
      if (!net::dispatch_ports(ctx, ports_, heur_, sp, dp, payload, -1)) ctx.call_data(payload, -1);
    }
    return tvb.len;
  }

 private:
  static std::string seconds(int64_t ns) {
    std::string s;
    append_seconds(ns, s);
    return s;
  }
  void add_ports(DissectContext& ctx, Tvb tvb, int top) {
    uint16_t sp = tvb.u16(0), dp = tvb.u16(2);
    net::label(ctx, ctx.add_uint(srcport_, tvb, 0, 2, sp, top), [&] { return "Source Port: " + std::to_string(sp); });
    net::label(ctx, ctx.add_uint(dstport_, tvb, 2, 2, dp, top), [&] { return "Destination Port: " + std::to_string(dp); });
    ctx.add_uint(port_, tvb, 0, 2, sp, top, FieldValue::Hidden);
    ctx.add_uint(port_, tvb, 2, 2, dp, top, FieldValue::Hidden);
  }

  FieldId proto_, srcport_, dstport_, port_, length_, checksum_, checksum_status_, stream_, ts_, time_rel_,
      time_delta_, payload_, short_;
  const DissectorTables::Table* ports_ = nullptr;
  const std::vector<Dissector*>* heur_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<UdpDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "udp", "User Datagram Protocol", strato::create)
