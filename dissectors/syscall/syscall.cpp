// Syscall events (strato/syscall_event.h) as sysdig shows them: evt.*,
// proc.*, thread.*, user.*, fd.* and container.* fields, Protocol
// "syscall", Info `curl(4242) connect fd=5 127.0.0.1:43110->127.0.0.1:9 =
// -111 ECONNREFUSED 0.05ms`.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "strato/dissector.h"
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
  if (e.family == scap::kAfInet6) return "[" + scap::endpoint_ip(e) + "]:" + std::to_string(e.port);
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

class SyscallDissector : public Dissector {
 public:
  const char* name() const override { return "syscall"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("syscall", "System Call");
    type_ = reg.add_field(proto_, "evt.type", "Event type", FieldType::String);
    res_ = reg.add_field(proto_, "evt.res", "Result (errno name on failure)", FieldType::String);
    rawres_ = reg.add_field(proto_, "evt.rawres", "Raw result", FieldType::Int, Base::Dec, 64);
    failed_ = reg.add_field(proto_, "evt.failed", "Failed (present only when the call failed)", FieldType::Boolean);
    latency_ = reg.add_field(proto_, "evt.latency", "Latency (ns, exit - enter)", FieldType::UInt, Base::Dec, 64);
    args_ = reg.add_field(proto_, "evt.args", "Arguments", FieldType::String);
    cpu_ = reg.add_field(proto_, "evt.cpu", "CPU", FieldType::UInt, Base::Dec, 16);
    pname_ = reg.add_field(proto_, "proc.name", "Process name", FieldType::String);
    pid_ = reg.add_field(proto_, "proc.pid", "Process id", FieldType::Int, Base::Dec, 64);
    ppid_ = reg.add_field(proto_, "proc.ppid", "Parent process id", FieldType::Int, Base::Dec, 64);
    cmdline_ = reg.add_field(proto_, "proc.cmdline", "Command line", FieldType::String);
    exe_ = reg.add_field(proto_, "proc.exe", "Executable", FieldType::String);
    tid_ = reg.add_field(proto_, "thread.tid", "Thread id", FieldType::Int, Base::Dec, 64);
    uid_ = reg.add_field(proto_, "user.uid", "User id", FieldType::Int, Base::Dec, 64);
    fdnum_ = reg.add_field(proto_, "fd.num", "File descriptor", FieldType::Int, Base::Dec, 64);
    fdname_ = reg.add_field(proto_, "fd.name", "File descriptor name", FieldType::String);
    fdtype_ = reg.add_field(proto_, "fd.type", "File descriptor type", FieldType::String);
    lip_ = reg.add_field(proto_, "fd.lip", "Local IP", FieldType::String);
    lport_ = reg.add_field(proto_, "fd.lport", "Local port", FieldType::UInt, Base::Dec, 16);
    rip_ = reg.add_field(proto_, "fd.rip", "Remote IP", FieldType::String);
    rport_ = reg.add_field(proto_, "fd.rport", "Remote port", FieldType::UInt, Base::Dec, 16);
    container_ = reg.add_field(proto_, "container.id", "Container id", FieldType::String);
  }

  void register_handoffs(DissectorTables& t) override { t.add("link_type", kLinkTypeSyscallEvent, this); }

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
    if (ctx.want_labels()) ctx.set_label(top, "System Call: " + type);
    ctx.add_string(type_, Tvb{}, 0, 0, type, top);
    ctx.add_uint(cpu_, Tvb{}, 0, 0, v.cpu, top);

    // Result: the leading res/fd parameter of exit events.
    bool have_res = false;
    int64_t res = 0;
    if (info && !info->params.empty() && v.params.size() >= 1) {
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
      ctx.add_string(res_, Tvb{}, 0, 0, res_text, top);
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
            val = printable(v.params[i]);
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

    // Process.
    const ProcessInfo* p = ev.process.get();
    int64_t pid = p ? p->pid : -1, tid = p && p->tid >= 0 ? p->tid : static_cast<int64_t>(v.tid);
    std::string comm = p ? p->comm : std::string();
    if (p) {
      ctx.add_string(pname_, Tvb{}, 0, 0, p->comm, top);
      ctx.add_int(pid_, Tvb{}, 0, 0, p->pid, top);
      if (p->ppid >= 0) ctx.add_int(ppid_, Tvb{}, 0, 0, p->ppid, top);
      if (!p->args.empty() || !p->comm.empty()) {
        auto sp = p->args.find(' ');
        std::string cmdline = p->comm + (sp == std::string::npos ? std::string() : p->args.substr(sp));
        ctx.add_string(cmdline_, Tvb{}, 0, 0, cmdline, top);
      }
      if (!p->exe.empty()) ctx.add_string(exe_, Tvb{}, 0, 0, p->exe, top);
      if (p->uid >= 0) ctx.add_int(uid_, Tvb{}, 0, 0, p->uid, top);
      ctx.add_string(container_, Tvb{}, 0, 0, p->container_id.empty() ? "host" : p->container_id, top);
    }
    ctx.add_int(tid_, Tvb{}, 0, 0, tid, top);

    // File descriptor.
    std::string fdname;
    if (fd >= 0) ctx.add_int(fdnum_, Tvb{}, 0, 0, fd, top);
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
        fdname = local ? endpoint_text(*local) + "->" + endpoint_text(*remote) : endpoint_text(*remote);
      } else {
        fdname = remote->path;
      }
    } else if (!path.empty()) {
      ctx.add_string(fdtype_, Tvb{}, 0, 0, "file", top);
      fdname = path;
    }
    std::string fdtype;
    if (fdname.empty() && comment_text(ev.comment, "FdName", fdname) && comment_text(ev.comment, "FdType", fdtype))
      ctx.add_string(fdtype_, Tvb{}, 0, 0, fdtype, top);
    if (!fdname.empty()) ctx.add_string(fdname_, Tvb{}, 0, 0, fdname, top);

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
  FieldId proto_, type_, res_, rawres_, failed_, latency_, args_, cpu_, pname_, pid_, ppid_, cmdline_, exe_, tid_,
      uid_, fdnum_, fdname_, fdtype_, lip_, lport_, rip_, rport_, container_;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<SyscallDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "syscall", "System calls (scap events from strato capture)",
                         strato::create)
