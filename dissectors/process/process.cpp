// sysdig's process fields (proc.*, thread.*, user.*, container.*, k8s.*,
// cgroup.*) for any event that carries a ProcessInfo: syscall events, and
// packets whose owning socket's process the kernel knew. The frame dissector
// calls it right after its own tree, so -V shows "Process: curl (4242)"
// second; it is not a layer and stays out of frame.protocols (a file read
// back with process metadata must still match tshark's protocol stack).
#include <string>

#include "strato/dissector.h"

namespace strato {
namespace {

// sysdig's proc.cmdline: the comm, then the arguments after argv[0].
std::string cmdline(const ProcessInfo& p) {
  auto sp = p.args.find(' ');
  return p.comm + (sp == std::string::npos ? std::string() : p.args.substr(sp));
}

class ProcessDissector : public Dissector {
 public:
  const char* name() const override { return "process"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("process", "Process");
    name_ = reg.add_field(proto_, "proc.name", "Process name", FieldType::String);
    pid_ = reg.add_field(proto_, "proc.pid", "Process id", FieldType::Int, Base::Dec, 64);
    ppid_ = reg.add_field(proto_, "proc.ppid", "Parent process id", FieldType::Int, Base::Dec, 64);
    cmdline_ = reg.add_field(proto_, "proc.cmdline", "Command line", FieldType::String);
    exe_ = reg.add_field(proto_, "proc.exe", "Executable", FieldType::String);
    tid_ = reg.add_field(proto_, "thread.tid", "Thread id", FieldType::Int, Base::Dec, 64);
    uid_ = reg.add_field(proto_, "user.uid", "User id", FieldType::Int, Base::Dec, 64);
    user_ = reg.add_field(proto_, "user.name", "User name", FieldType::String);
    cid_ = reg.add_field(proto_, "container.id", "Container id", FieldType::String);
    cname_ = reg.add_field(proto_, "container.name", "Container name", FieldType::String);
    pod_ = reg.add_field(proto_, "k8s.pod.name", "Kubernetes pod name", FieldType::String);
    ns_ = reg.add_field(proto_, "k8s.ns.name", "Kubernetes namespace name", FieldType::String);
    cgroup_ = reg.add_field(proto_, "cgroup.path", "Cgroup path", FieldType::String);
  }

  uint32_t dissect(DissectContext& ctx, Tvb, int parent) override {
    const ProcessInfo* p = ctx.event().process.get();
    if (!p) return 0;
    int top = ctx.add_protocol(proto_, Tvb{}, 0, 0, parent, "");
    if (ctx.want_labels()) ctx.set_label(top, "Process: " + p->comm + " (" + std::to_string(p->pid) + ")");
    ctx.add_string(name_, Tvb{}, 0, 0, p->comm, top);
    ctx.add_int(pid_, Tvb{}, 0, 0, p->pid, top);
    if (p->ppid >= 0) ctx.add_int(ppid_, Tvb{}, 0, 0, p->ppid, top);
    if (!p->args.empty() || !p->comm.empty()) ctx.add_string(cmdline_, Tvb{}, 0, 0, cmdline(*p), top);
    if (!p->exe.empty()) ctx.add_string(exe_, Tvb{}, 0, 0, p->exe, top);
    // A syscall event without a known tid gets it from its own header (the
    // syscall dissector adds it then).
    if (p->tid >= 0) ctx.add_int(tid_, Tvb{}, 0, 0, p->tid, top);
    if (p->uid >= 0) ctx.add_int(uid_, Tvb{}, 0, 0, p->uid, top);
    if (!p->user_name.empty()) ctx.add_string(user_, Tvb{}, 0, 0, p->user_name, top);
    const bool host = p->container_id.empty();
    ctx.add_string(cid_, Tvb{}, 0, 0, host ? "host" : p->container_id, top);
    if (host || !p->container_name.empty())
      ctx.add_string(cname_, Tvb{}, 0, 0, host ? "host" : p->container_name, top);
    if (!p->pod_name.empty()) ctx.add_string(pod_, Tvb{}, 0, 0, p->pod_name, top);
    if (!p->pod_namespace.empty()) ctx.add_string(ns_, Tvb{}, 0, 0, p->pod_namespace, top);
    if (!p->cgroup_path.empty()) ctx.add_string(cgroup_, Tvb{}, 0, 0, p->cgroup_path, top);
    return 1;
  }

 private:
  FieldId proto_, name_, pid_, ppid_, cmdline_, exe_, tid_, uid_, user_, cid_, cname_, pod_, ns_, cgroup_;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<ProcessDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "process",
                         "Process metadata of an event: sysdig's proc.*, thread.*, user.*, container.*, k8s.* fields",
                         strato::create)
