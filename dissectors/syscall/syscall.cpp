// Syscall events (strato/syscall_event.h) as sysdig shows them: evt.* and
// fd.* fields (proc.*, user.*, container.* come from the process dissector,
// which runs for every event with process metadata), Protocol "syscall", Info `curl(4242) connect fd=5 127.0.0.1:43110->127.0.0.1:9 =
// -111 ECONNREFUSED 0.05ms`.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "strato/dissector.h"
#include "strato/sockopt.h"
#include "strato/syscall_event.h"

namespace strato {
namespace {

using scap::Endpoint;
using scap::EventInfo;
using scap::EventView;
using scap::ParamType;

std::string printable(std::string_view b, size_t max = 32) {
  std::string s;
  for (size_t i = 0; i < b.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    s.push_back(c >= 0x20 && c < 0x7f ? char(c) : '.');
  }
  return s;
}

std::string endpoint_text(const Endpoint& e) {
  if (e.family == scap::kAfInet6) {
    // Appended piecewise: "[" + string trips GCC 12's -Wrestrict false positive.
    std::string s(1, '[');
    s += scap::endpoint_ip(e);
    s += "]:";
    s += std::to_string(e.port);
    return s;
  }
  if (e.family == scap::kAfInet) return scap::endpoint_ip(e) + ":" + std::to_string(e.port);
  return e.path;
}

// "Latency: 52000" / "FdName: /etc/hosts" comment lines written by the ebpf source.
bool comment_text(const std::string& comment, std::string_view key, std::string& v) {
  size_t pos = 0;
  while (pos < comment.size()) {
    size_t end = comment.find('\n', pos);
    if (end == std::string::npos) end = comment.size();
    std::string_view line(comment.data() + pos, end - pos);
    if (line.size() > key.size() + 1 && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      line.remove_prefix(key.size() + 1);
      if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
      v.assign(line);
      return true;
    }
    pos = end + 1;
  }
  return false;
}

bool comment_value(const std::string& comment, std::string_view key, uint64_t& v) {
  size_t pos = 0;
  while (pos < comment.size()) {
    size_t end = comment.find('\n', pos);
    if (end == std::string::npos) end = comment.size();
    std::string_view line(comment.data() + pos, end - pos);
    if (line.size() > key.size() + 1 && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      v = std::strtoull(std::string(line.substr(key.size() + 1)).c_str(), nullptr, 10);
      return true;
    }
    pos = end + 1;
  }
  return false;
}

// One end of a connection as fd.cip/fd.sip show it.
struct Side {
  std::string ip;
  uint16_t port = 0;
};

Side side_of(const Endpoint& e) { return {scap::endpoint_ip(e), e.port}; }

// "127.0.0.1:43110" or "[::1]:443"; false for anything else (unix paths).
bool parse_side(std::string_view t, Side& out) {
  size_t colon = t.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= t.size() || t.size() - colon > 6) return false;
  unsigned port = 0;
  for (char c : t.substr(colon + 1)) {
    if (c < '0' || c > '9') return false;
    port = port * 10 + unsigned(c - '0');
  }
  if (port > 65535) return false;
  std::string_view ip = t.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  out.ip.assign(ip);
  out.port = static_cast<uint16_t>(port);
  return true;
}

// "client->server" as the ebpf source names sockets.
bool parse_pair(std::string_view name, Side& client, Side& server) {
  size_t arrow = name.find("->");
  return arrow != std::string_view::npos && parse_side(name.substr(0, arrow), client) &&
         parse_side(name.substr(arrow + 2), server);
}

class SyscallDissector : public Dissector {
 public:
  const char* name() const override { return "syscall"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("syscall", "System Call");
    type_ = reg.add_field(proto_, "evt.type", "Event type", FieldType::String);
    num_ = reg.add_field(proto_, "evt.num", "Event number (sysdig's count in a .scap file, else frame.number)",
                         FieldType::UInt, Base::Dec, 64);
    dir_ = reg.add_field(proto_, "evt.dir", "Direction: > enter, < exit", FieldType::String);
    res_ = reg.add_field(proto_, "evt.res", "Result: SUCCESS, or the errno name of a failure (as sysdig)",
                         FieldType::String);
    rawres_ = reg.add_field(proto_, "evt.rawres", "Raw result", FieldType::Int, Base::Dec, 64);
    failed_ = reg.add_field(proto_, "evt.failed", "Failed (present only when the call failed)", FieldType::Boolean);
    latency_ = reg.add_field(proto_, "evt.latency", "Latency (ns, exit - enter)", FieldType::UInt, Base::Dec, 64);
    args_ = reg.add_field(proto_, "evt.args", "Arguments", FieldType::String);
    cpu_ = reg.add_field(proto_, "evt.cpu", "CPU", FieldType::UInt, Base::Dec, 16);
    buffer_ = reg.add_field(proto_, "evt.buffer", "I/O data", FieldType::Bytes);
    fdnum_ = reg.add_field(proto_, "fd.num", "File descriptor", FieldType::Int, Base::Dec, 64);
    fdname_ = reg.add_field(proto_, "fd.name", "File descriptor name", FieldType::String);
    fdtype_ = reg.add_field(proto_, "fd.type", "File descriptor type", FieldType::String);
    lip_ = reg.add_field(proto_, "fd.lip", "Local IP", FieldType::String);
    lport_ = reg.add_field(proto_, "fd.lport", "Local port", FieldType::UInt, Base::Dec, 16);
    rip_ = reg.add_field(proto_, "fd.rip", "Remote IP", FieldType::String);
    rport_ = reg.add_field(proto_, "fd.rport", "Remote port", FieldType::UInt, Base::Dec, 16);
    cip_ = reg.add_field(proto_, "fd.cip", "Client IP", FieldType::String);
    cport_ = reg.add_field(proto_, "fd.cport", "Client port", FieldType::UInt, Base::Dec, 16);
    sip_ = reg.add_field(proto_, "fd.sip", "Server IP", FieldType::String);
    sport_ = reg.add_field(proto_, "fd.sport", "Server port", FieldType::UInt, Base::Dec, 16);
  }

  void register_handoffs(DissectorTables& t) override { t.add("link_type", kLinkTypeSyscallEvent, this); }

  // thread.tid belongs to the process dissector; an event without process
  // metadata (or without its tid) still has the tid of its own header.
  void resolve(DissectorTables&) override { tid_ = FieldRegistry::instance().find("thread.tid"); }

  // Whether the local end of a call's socket tuple is the client: connect's
  // is, accept's is not; for other calls the socket's known name (client
  // first) decides, then the ports, and last sysdig's guess for unconnected
  // sockets: the sender is the client, the receiver the server.
  static bool local_is_client_end(uint16_t type, const Endpoint& local, const Endpoint* remote,
                                  const std::string& known_name) {
    if (type == scap::kConnectX) return true;
    if (type == scap::kAccept5X || type == scap::kAccept46X) return false;
    Side l = side_of(local), kc, ks;
    if (parse_pair(known_name, kc, ks)) {
      if (kc.ip == l.ip && kc.port == l.port) return true;
      if (ks.ip == l.ip && ks.port == l.port) return false;
    }
    // A socket whose connect or accept was not captured: a port from the
    // kernels' ephemeral ranges (Linux's from 32768, IANA's from 49152)
    // against one below them marks the client, as a privileged port against
    // an unprivileged one marks the server.
    if (remote) {
      const uint16_t lp = local.port, rp = remote->port;
      if ((lp >= 32768) != (rp >= 32768)) return lp >= 32768;
      if ((lp < 1024) != (rp < 1024)) return rp < 1024;
    }
    return type == scap::kSendtoX || type == scap::kSendmsgX;
  }

  // fd.cip/cport/sip/sport, sysdig's client and server ends: connect's local
  // end is the client, accept's the server; for other calls the socket's
  // known name (client first) decides, and without one sysdig's guess for
  // unconnected sockets: the sender is the client, the receiver the server.
  void add_client_server(DissectContext& ctx, int top, uint16_t type, const Endpoint* local, const Endpoint* remote,
                         const std::string& known_name) {
    Side client, server;
    bool have_client = false, have_server = false;
    const bool inet = remote && remote->family != scap::kAfUnix && remote->family != 0;
    if (type == scap::kConnectX && inet) {
      server = side_of(*remote), have_server = true;
      if (local) client = side_of(*local), have_client = true;
    } else if ((type == scap::kAccept5X || type == scap::kAccept46X) && inet && local) {
      client = side_of(*remote), server = side_of(*local), have_client = have_server = true;
    } else if (inet && local) {
      Side l = side_of(*local), r = side_of(*remote);
      const bool local_is_client = local_is_client_end(type, *local, remote, known_name);
      client = local_is_client ? l : r;
      server = local_is_client ? r : l;
      have_client = have_server = true;
    } else if (!remote) {
      have_client = have_server = parse_pair(known_name, client, server);
    }
    if (have_client) {
      ctx.add_string(cip_, Tvb{}, 0, 0, client.ip, top);
      ctx.add_uint(cport_, Tvb{}, 0, 0, client.port, top);
    }
    if (have_server) {
      ctx.add_string(sip_, Tvb{}, 0, 0, server.ip, top);
      ctx.add_uint(sport_, Tvb{}, 0, 0, server.port, top);
    }
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    Event& ev = ctx.event();
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "syscall");
    ctx.set_protocol_column("syscall");
    EventView v;
    std::string err;
    if (!scap::parse(tvb.data, tvb.len, v, err)) {
      ctx.set_label(top, "System Call: " + err);
      if (ctx.want_columns()) ctx.info() = err;
      ctx.mark_malformed("syscall", top);
      return tvb.len ? tvb.len : 1;
    }
    const EventInfo* info = scap::event_info(v.type);
    std::string type = info ? info->name : "event" + std::to_string(v.type);
    // Generic events name their syscall by its ppm_sc code, as sysdig does.
    if ((v.type == 0 || v.type == 1) && !v.params.empty()) {
      if (const char* sc = scap::syscall_name(v.u64(0))) type = sc;
    }
    const bool enter = scap::is_enter(v.type);
    if (ctx.want_labels()) ctx.set_label(top, "System Call: " + type);
    ctx.add_string(type_, Tvb{}, 0, 0, type, top);
    uint64_t num = ev.number;
    comment_value(ev.comment, "EvtNum", num);
    ctx.add_uint(num_, Tvb{}, 0, 0, num, top);
    ctx.add_string(dir_, Tvb{}, 0, 0, enter ? ">" : "<", top);
    ctx.add_uint(cpu_, Tvb{}, 0, 0, v.cpu, top);

    // Result: the leading res/fd parameter of exit events.
    bool have_res = false;
    int64_t res = 0;
    if (!enter && info && !info->params.empty() && v.params.size() >= 1) {
      const auto& p0 = info->params[0];
      if (std::string_view(p0.name) == "res" || std::string_view(p0.name) == "fd") {
        have_res = true;
        res = v.i64(0);
      }
    }
    std::string res_text;
    if (have_res) {
      const char* name = res < 0 ? scap::errno_name(-res) : nullptr;
      res_text = name ? name : std::to_string(res);
      // sysdig's value: SUCCESS for any result that is not an error, so
      // its `evt.res != SUCCESS` finds the failures here too.
      ctx.add_string(res_, Tvb{}, 0, 0, res < 0 ? std::string_view(res_text) : std::string_view("SUCCESS"), top);
      ctx.add_int(rawres_, Tvb{}, 0, 0, res, top);
      if (res < 0) ctx.add_bool(failed_, Tvb{}, 0, 0, true, top);
    }
    uint64_t latency = 0;
    bool have_latency = comment_value(ev.comment, "Latency", latency);
    if (have_latency) ctx.add_uint(latency_, Tvb{}, 0, 0, latency, top);

    // Parameters: evt.args text, fd.* from fd/name/tuple/addr.
    std::string args;
    int64_t fd = -1;
    std::string path;
    Endpoint src, dst, addr;
    std::string_view buffer;
    bool buffer_param = false;
    std::string sockopt;  // getsockopt: "SOL_SOCKET SO_ERROR val=ECONNREFUSED", for Info
    bool have_tuple = false, have_addr = false;
    const bool peer_first = v.type == scap::kAccept5X || v.type == scap::kAccept46X;
    if (info) {
      for (size_t i = 0; i < info->params.size() && i < v.params.size(); ++i) {
        const auto& pi = info->params[i];
        std::string val;
        switch (pi.type) {
          case ParamType::String:
            val = std::string(v.str(i));
            if (std::string_view(pi.name) == "name" || std::string_view(pi.name) == "path") path = val;
            break;
          case ParamType::Bytes:
            // getsockopt's value: a type byte, then an errno, a number or bytes.
            if (v.type == scap::kGetsockoptX && std::string_view(pi.name) == "val") {
              val = scap::sockopt_value_text(v.params[i]);
              if (!val.empty()) sockopt += " val=" + val;
              break;
            }
            val = printable(v.params[i]);
            if (std::string_view(pi.name) == "data") buffer = v.params[i], buffer_param = true;
            break;
          case ParamType::SockTuple:
            have_tuple = scap::decode_tuple(v.params[i], src, dst);
            if (have_tuple) val = endpoint_text(src) + "->" + endpoint_text(dst);
            break;
          case ParamType::SockAddr:
            have_addr = scap::decode_sockaddr(v.params[i], addr);
            if (have_addr) val = endpoint_text(addr);
            break;
          case ParamType::Flags32: {
            if (v.type == scap::kGetsockoptX && std::string_view(pi.name) == "level") {
              val = scap::sockopt_level_text(v.u64(i));
              break;
            }
            if (v.type == scap::kGetsockoptX && std::string_view(pi.name) == "optname") {
              val = scap::sockopt_name_text(i > 0 ? v.u64(i - 1) : 0, v.u64(i));
              sockopt = scap::sockopt_level_text(i > 0 ? v.u64(i - 1) : 0) + " " + val;
              break;
            }
            char b[16];
            std::snprintf(b, sizeof b, "0x%" PRIx64, v.u64(i));
            val = b;
            break;
          }
          case ParamType::UInt64:
          case ParamType::UInt32:
          case ParamType::UInt16:
          case ParamType::UInt8:
            val = std::to_string(v.u64(i));
            break;
          default:
            val = std::to_string(v.i64(i));
            break;
        }
        if (std::string_view(pi.name) == "fd" && (i != 0 || !have_res || res >= 0)) fd = v.i64(i);
        if (i == 0 && have_res) continue;
        if (!args.empty()) args += ' ';
        args += pi.name;
        args += '=';
        args += val;
      }
    }
    ctx.add_string(args_, Tvb{}, 0, 0, args, top);
    // The data parameter points into tvb, so the field references the event's bytes.
    if (buffer_param) {
      auto off = static_cast<uint32_t>(reinterpret_cast<const uint8_t*>(buffer.data()) - tvb.data);
      ctx.add_bytes(buffer_, tvb, off, static_cast<uint32_t>(buffer.size()), top);
    }

    const ProcessInfo* p = ev.process.get();
    int64_t pid = p ? p->pid : -1;
    std::string comm = p ? p->comm : std::string();
    if (tid_ != kNoField && !(p && p->tid >= 0)) ctx.add_int(tid_, Tvb{}, 0, 0, static_cast<int64_t>(v.tid), top);

    // File descriptor.
    std::string fdname;
    if (fd >= 0) ctx.add_int(fdnum_, Tvb{}, 0, 0, fd, top);
    // The source's fd table names sockets client first ("cip:cport->sip:sport"),
    // which also tells the role of the local end for calls without a tuple.
    std::string known_name;
    const bool have_known_name = comment_text(ev.comment, "FdName", known_name);
    const Endpoint *local = nullptr, *remote = nullptr;
    if (have_tuple) {
      local = peer_first ? &dst : &src;
      remote = peer_first ? &src : &dst;
    } else if (have_addr) {
      remote = &addr;
    }
    if (remote) {
      const char* ft = remote->family == scap::kAfInet ? "ipv4" : remote->family == scap::kAfInet6 ? "ipv6" : "unix";
      ctx.add_string(fdtype_, Tvb{}, 0, 0, ft, top);
      if (remote->family != scap::kAfUnix) {
        if (local) {
          ctx.add_string(lip_, Tvb{}, 0, 0, scap::endpoint_ip(*local), top);
          ctx.add_uint(lport_, Tvb{}, 0, 0, local->port, top);
        }
        ctx.add_string(rip_, Tvb{}, 0, 0, scap::endpoint_ip(*remote), top);
        ctx.add_uint(rport_, Tvb{}, 0, 0, remote->port, top);
        // Client first, as sysdig names a connection on every call: an
        // accepted socket's calls name the peer first.
        if (!local)
          fdname = endpoint_text(*remote);
        else if (local_is_client_end(v.type, *local, remote, known_name))
          fdname = endpoint_text(*local) + "->" + endpoint_text(*remote);
        else
          fdname = endpoint_text(*remote) + "->" + endpoint_text(*local);
      } else {
        fdname = remote->path;
      }
    } else if (!path.empty()) {
      ctx.add_string(fdtype_, Tvb{}, 0, 0, "file", top);
      fdname = path;
    }
    std::string fdtype;
    // Unnamed fds (eventfd, unconnected sockets) still have a type.
    const bool typed_by_params = remote || !path.empty();
    if (fdname.empty() && have_known_name) fdname = known_name;
    // A relative path the source resolved (against the cwd) names the fd as sysdig does.
    if (!remote && !path.empty() && path[0] != '/' && have_known_name && !known_name.empty() && known_name[0] == '/')
      fdname = known_name;
    if (!typed_by_params && comment_text(ev.comment, "FdType", fdtype)) ctx.add_string(fdtype_, Tvb{}, 0, 0, fdtype, top);
    if (!fdname.empty()) ctx.add_string(fdname_, Tvb{}, 0, 0, fdname, top);
    add_client_server(ctx, top, v.type, local, remote, have_known_name ? known_name : std::string());
    // Calls without the tuple (read, write, getsockopt...) on a socket whose
    // role the fd table knows: its ends, as sysdig gives them.
    std::string role;
    Side client, server;
    if (!remote && have_known_name && comment_text(ev.comment, "FdLocal", role) &&
        (role == "client" || role == "server") && parse_pair(known_name, client, server)) {
      const Side& l = role == "client" ? client : server;
      const Side& r = role == "client" ? server : client;
      ctx.add_string(lip_, Tvb{}, 0, 0, l.ip, top);
      ctx.add_uint(lport_, Tvb{}, 0, 0, l.port, top);
      ctx.add_string(rip_, Tvb{}, 0, 0, r.ip, top);
      ctx.add_uint(rport_, Tvb{}, 0, 0, r.port, top);
    }

    if (ctx.want_columns()) {
      std::string& s = ctx.info();
      s = comm + "(" + std::to_string(pid) + ") " + type;
      if (!fdname.empty() && remote) {
        if (fd >= 0 && !(v.type == scap::kAccept5X || v.type == scap::kAccept46X)) s += " fd=" + std::to_string(fd);
        s += " " + fdname;
      } else if (!path.empty()) {
        s += " " + path;
      } else if (!fdname.empty() && fd >= 0) {
        s += " fd=" + std::to_string(fd) + "(" + fdname + ")";
      } else if (!args.empty()) {
        s += " " + args;
      }
      if (!sockopt.empty()) s += " " + sockopt;
      if (have_res) {
        s += " = " + std::to_string(res);
        if (res < 0) s += " " + res_text;
      }
      if (have_latency) {
        char b[32];
        std::snprintf(b, sizeof b, " %.2fms", latency / 1e6);
        s += b;
      }
    }
    return tvb.len ? tvb.len : 1;
  }

 private:
  FieldId proto_, type_, num_, dir_, res_, rawres_, failed_, latency_, args_, cpu_, buffer_, fdnum_, fdname_, fdtype_, lip_,
      lport_, rip_, rport_, cip_, cport_, sip_, sport_;
  FieldId tid_ = kNoField;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<SyscallDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "syscall", "System calls (scap events from strato capture)",
                         strato::create)
