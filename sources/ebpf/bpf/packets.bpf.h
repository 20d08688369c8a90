/* Packets from TC clsact hooks, each tagged with the process that owns its
 * flow. Included by syscalls.bpf.c: the packet programs share the ring
 * buffer (so packets and syscalls arrive in one order), the drop counter
 * and the pid/comm filters with the syscall programs.
 *
 * Ownership is learnt where the kernel runs in the owner's context:
 *  - socket cookie → owner when a TCP socket starts connecting or listening
 *    (inet_sock_set_state, tp_btf only: it needs a trusted sock pointer);
 *  - flow 5-tuple → owner at the exit of connect/accept/send/recv calls
 *    (STRATO_D_OWNER), and for flows open before the capture, from /proc;
 *  - an egress packet whose socket cookie is known teaches its 5-tuple, so
 *    the replies (which carry no socket at TC ingress) find the owner too.
 * The TC programs never change a packet and return TC_ACT_UNSPEC, so other
 * TC programs on the interface (CNI plugins) still run. */
#ifndef STRATO_PACKETS_BPF_H
#define STRATO_PACKETS_BPF_H

#define TC_ACT_UNSPEC (-1)
#define STRATO_ETH_P_IP 0x0800
#define STRATO_ETH_P_IPV6 0x86DD
#define STRATO_LOOPBACK_IFINDEX 1

const volatile __u32 pkt_snaplen = 262144;

struct pkt_scratch {
  struct strato_packet h;
  unsigned char data[STRATO_PKT_MAX];
};

/* Too large for a per-CPU map: an array indexed by CPU (user space sizes
 * it). TC programs run with bottom halves off, so one CPU never nests. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pkt_scratch);
} pkt_buf SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct strato_flow_key);
  __type(value, struct strato_owner);
} flow_owners SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, __u64);
  __type(value, struct strato_owner);
} cookie_owners SEC(".maps");

static __always_inline void current_owner(struct strato_owner* o) {
  __u64 pt = bpf_get_current_pid_tgid();
  o->tgid = pt >> 32;
  o->tid = (__u32)pt;
  o->uid = (__u32)bpf_get_current_uid_gid();
  o->flags = filter_cgroup_on && in_filter_cgroup() ? STRATO_OWNER_IN_CGROUP : 0;
  o->cgroup_id = bpf_get_current_cgroup_id();
  bpf_get_current_comm(o->comm, sizeof(o->comm));
}

static __always_inline void map_v4(unsigned char* dst, const void* v4) {
  __builtin_memset(dst, 0, 10);
  dst[10] = 0xff;
  dst[11] = 0xff;
  __builtin_memcpy(dst + 12, v4, 4);
}

/* A socket tuple (strato_tuple, from fd_tuple) as a flow key. */
static __always_inline bool tuple_key(const struct strato_tuple* t, struct strato_flow_key* k) {
  __builtin_memset(k, 0, sizeof(*k));
  if (t->family == 2) {
    map_v4(k->laddr, t->saddr);
    if (t->dport) map_v4(k->raddr, t->daddr);
  } else if (t->family == 10) {
    __builtin_memcpy(k->laddr, t->saddr, 16);
    if (t->dport) __builtin_memcpy(k->raddr, t->daddr, 16);
  } else {
    return false;
  }
  if (!t->sport) return false;
  k->proto = t->proto;
  k->lport = t->sport;
  k->rport = t->dport;
  return true;
}

static __always_inline void note_owner(const struct strato_tuple* t) {
  struct strato_flow_key k;
  if (!tuple_key(t, &k)) return;
  /* A server reads the same flow thousands of times: write only news. */
  __u64 pt = bpf_get_current_pid_tgid();
  struct strato_owner* known = bpf_map_lookup_elem(&flow_owners, &k);
  if (known && known->tgid == (pt >> 32) && known->tid == (__u32)pt) return;
  struct strato_owner o;
  current_owner(&o);
  bpf_map_update_elem(&flow_owners, &k, &o, BPF_ANY);
}

/* TCP_SYN_SENT = 2, TCP_LISTEN = 10: both happen in the owner's context
 * (connect, listen). A connecting socket has no local port yet, so its
 * cookie is the handle; a listener's port is known and becomes a wildcard. */
static __always_inline int on_sock_state(struct sock* sk, int newstate, bool with_cookie) {
  if (newstate != 2 && newstate != 10) return 0;
  if ((bpf_get_current_pid_tgid() >> 32) == self_tgid) return 0;
  struct strato_owner o;
  current_owner(&o);
  if (with_cookie) {
    __u64 cookie = bpf_get_socket_cookie(sk);
    if (cookie) bpf_map_update_elem(&cookie_owners, &cookie, &o, BPF_ANY);
  }
  if (newstate == 10) {
    struct strato_flow_key k;
    __builtin_memset(&k, 0, sizeof(k));
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if (family == 2) {
      __u32 s = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
      if (s) map_v4(k.laddr, &s);
    } else if (family == 10) {
      BPF_CORE_READ_INTO(&k.laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
    } else {
      return 0;
    }
    k.proto = BPF_CORE_READ(sk, sk_protocol);
    k.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
    if (k.lport) bpf_map_update_elem(&flow_owners, &k, &o, BPF_ANY);
  }
  return 0;
}

/* Owners without syscall tracepoints. Switching any syscall tracepoint on
 * puts every task of the host on the kernel's slow syscall path (a few
 * percent of a busy server), so a packets-only capture learns owners where
 * the kernel already is in the owner's context:
 *  - cgroup sock_create: a new socket's cookie, before its first packet;
 *  - cgroup post_bind4/6: a bound port (servers' wildcard, UDP too);
 *  - sock_send_length/sock_recv_length (kernel 6.3+): any socket read or
 *    written, so accepted sockets, which no process creates, are learnt. */
static __always_inline void note_owner_of(const struct strato_tuple* t, const struct strato_owner* o) {
  struct strato_flow_key k;
  if (tuple_key(t, &k)) bpf_map_update_elem(&flow_owners, &k, o, BPF_ANY);
}

static __always_inline int on_sock_io(struct sock* sk) {
  __u64 pt = bpf_get_current_pid_tgid();
  if (!sk || (pt >> 32) == self_tgid) return 0;
  __u16 family = sk->__sk_common.skc_family;
  if (family != 2 && family != 10) return 0;
  __u64 cookie = bpf_get_socket_cookie(sk);
  /* A server reads the same socket thousands of times: write only news. */
  struct strato_owner* known = bpf_map_lookup_elem(&cookie_owners, &cookie);
  if (known && known->tgid == (pt >> 32) && known->tid == (__u32)pt) return 0;
  struct strato_owner o;
  current_owner(&o);
  bpf_map_update_elem(&cookie_owners, &cookie, &o, BPF_ANY);
  struct strato_tuple t = {};
  t.family = family;
  t.proto = sk->sk_protocol;
  t.sport = sk->__sk_common.skc_num;
  t.dport = bpf_ntohs(sk->__sk_common.skc_dport);
  if (family == 2) {
    __builtin_memcpy(t.saddr, &sk->__sk_common.skc_rcv_saddr, 4);
    __builtin_memcpy(t.daddr, &sk->__sk_common.skc_daddr, 4);
  } else {
    __builtin_memcpy(t.saddr, &sk->__sk_common.skc_v6_rcv_saddr, 16);
    __builtin_memcpy(t.daddr, &sk->__sk_common.skc_v6_daddr, 16);
  }
  note_owner_of(&t, &o);
  return 0;
}

static __always_inline bool inet_sock(const struct bpf_sock* sk) {
  return (sk->family == 2 || sk->family == 10) && (sk->protocol == 6 || sk->protocol == 17);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(own_sock_send, struct sock* sk, int ret, int flags) { return on_sock_io(sk); }
SEC("tp_btf/sock_recv_length")
int BPF_PROG(own_sock_recv, struct sock* sk, int ret, int flags) { return on_sock_io(sk); }

SEC("cgroup/sock_create")
int own_sock_create(struct bpf_sock* sk) {
  if (!inet_sock(sk) || (bpf_get_current_pid_tgid() >> 32) == self_tgid) return 1;
  __u64 cookie = bpf_get_socket_cookie(sk);
  struct strato_owner o;
  current_owner(&o);
  bpf_map_update_elem(&cookie_owners, &cookie, &o, BPF_ANY);
  return 1; /* never refuses a socket */
}

/* A bound port, as a listener's: the wildcard key (any address stays
 * zero). Each hook may read only its own family's address field. */
static __always_inline int on_post_bind(struct bpf_sock* sk, bool v6) {
  if (!inet_sock(sk) || !sk->src_port || (bpf_get_current_pid_tgid() >> 32) == self_tgid) return 1;
  struct strato_flow_key k;
  __builtin_memset(&k, 0, sizeof(k));
  k.proto = sk->protocol;
  k.lport = sk->src_port;
  if (!v6) {
    __u32 a = sk->src_ip4;
    if (a) map_v4(k.laddr, &a);
  } else {
    __u32 a[4] = {sk->src_ip6[0], sk->src_ip6[1], sk->src_ip6[2], sk->src_ip6[3]};
    __builtin_memcpy(k.laddr, a, 16);
  }
  struct strato_owner o;
  current_owner(&o);
  bpf_map_update_elem(&flow_owners, &k, &o, BPF_ANY);
  return 1;
}

SEC("cgroup/post_bind4")
int own_bind4(struct bpf_sock* sk) { return on_post_bind(sk, false); }
SEC("cgroup/post_bind6")
int own_bind6(struct bpf_sock* sk) { return on_post_bind(sk, true); }

struct pkt_flow {
  __u8 proto;
  bool quoted; /* the flow of the datagram an ICMP error quotes */
  __u16 sport, dport;
  unsigned char saddr[16], daddr[16];
};

/* The addresses and protocol of the IPv4 (v6 false) or IPv6 header at `l3`,
 * and where its payload starts. Fragments after the first carry no ports:
 * false. Extension headers are not followed. */
static __always_inline bool ip_header(struct __sk_buff* skb, __u32 l3, bool v6, struct pkt_flow* f, __u32* l4) {
  if (!v6) {
    __u8 ip[20];
    if (bpf_skb_load_bytes(skb, l3, ip, sizeof(ip))) return false;
    if ((ip[0] >> 4) != 4) return false;
    if (((ip[6] & 0x1f) << 8 | ip[7]) != 0) return false;
    f->proto = ip[9];
    map_v4(f->saddr, ip + 12);
    map_v4(f->daddr, ip + 16);
    *l4 = l3 + (ip[0] & 0xf) * 4;
    return true;
  }
  __u8 ip6[40];
  if (bpf_skb_load_bytes(skb, l3, ip6, sizeof(ip6))) return false;
  if ((ip6[0] >> 4) != 6) return false;
  f->proto = ip6[6];
  __builtin_memcpy(f->saddr, ip6 + 8, 16);
  __builtin_memcpy(f->daddr, ip6 + 24, 16);
  *l4 = l3 + 40;
  return true;
}

/* The 5-tuple of an IPv4/IPv6 TCP or UDP packet whose network header starts
 * at `l3`; for an ICMP error (destination unreachable, time exceeded, ...),
 * the one of the datagram it quotes, whose sender the kernel hands the error
 * to (how a refused UDP send becomes ECONNREFUSED). */
static __always_inline bool packet_flow(struct __sk_buff* skb, __u32 l3, __u16 proto_be, struct pkt_flow* f) {
  __u32 l4;
  bool v6;
  if (proto_be == bpf_htons(STRATO_ETH_P_IP))
    v6 = false;
  else if (proto_be == bpf_htons(STRATO_ETH_P_IPV6))
    v6 = true;
  else
    return false;
  f->quoted = false;
  if (!ip_header(skb, l3, v6, f, &l4)) return false;
  if (f->proto == (v6 ? 58 : 1)) {
    __u8 type;
    if (bpf_skb_load_bytes(skb, l4, &type, 1)) return false;
    /* ICMP 3, 4, 11, 12; ICMPv6 1 to 4: errors, which quote a datagram after 8 bytes. */
    bool error = v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 11 || type == 12;
    if (!error || !ip_header(skb, l4 + 8, v6, f, &l4)) return false;
    f->quoted = true;
  }
  if (f->proto != 6 && f->proto != 17) return false;
  __be16 ports[2];
  if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports))) return false;
  f->sport = bpf_ntohs(ports[0]);
  f->dport = bpf_ntohs(ports[1]);
  return true;
}

/* Exact flow first, then the socket listening on (or bound to) the port. */
static __always_inline struct strato_owner* flow_owner(const struct pkt_flow* f, bool local_is_src) {
  struct strato_flow_key k;
  __builtin_memset(&k, 0, sizeof(k));
  k.proto = f->proto;
  if (local_is_src) {
    __builtin_memcpy(k.laddr, f->saddr, 16);
    __builtin_memcpy(k.raddr, f->daddr, 16);
    k.lport = f->sport;
    k.rport = f->dport;
  } else {
    __builtin_memcpy(k.laddr, f->daddr, 16);
    __builtin_memcpy(k.raddr, f->saddr, 16);
    k.lport = f->dport;
    k.rport = f->sport;
  }
  struct strato_owner* o = bpf_map_lookup_elem(&flow_owners, &k);
  if (o) return o;
  __builtin_memset(k.raddr, 0, 16);
  k.rport = 0;
  o = bpf_map_lookup_elem(&flow_owners, &k);
  if (o) return o;
  __builtin_memset(k.laddr, 0, 16);
  return bpf_map_lookup_elem(&flow_owners, &k);
}

static __always_inline void learn_flow(const struct pkt_flow* f, const struct strato_owner* o) {
  struct strato_flow_key k;
  __builtin_memset(&k, 0, sizeof(k));
  k.proto = f->proto;
  __builtin_memcpy(k.laddr, f->saddr, 16);
  __builtin_memcpy(k.raddr, f->daddr, 16);
  k.lport = f->sport;
  k.rport = f->dport;
  if (!bpf_map_lookup_elem(&flow_owners, &k)) bpf_map_update_elem(&flow_owners, &k, o, BPF_ANY);
}

static __always_inline bool owner_passes(const struct strato_owner* o) {
  if (filter_cgroup_on && !(o->flags & STRATO_OWNER_IN_CGROUP)) return false;
  if (filter_pid_on && !pid_marked(o->tgid)) return false;
  if (filter_comm_on) {
    for (int i = 0; i < 16; i++) {
      if (o->comm[i] != filter_comm[i]) return false;
      if (!o->comm[i]) break;
    }
  }
  return true;
}

static __always_inline void count_drop(void) {
  __u32 zero = 0;
  __u64* n = bpf_map_lookup_elem(&drops, &zero);
  if (n) *n += 1;
}

static __always_inline int capture_packet(struct __sk_buff* skb, bool egress, __u32 l3) {
  __u32 cpu = bpf_get_smp_processor_id();
  struct pkt_scratch* b = bpf_map_lookup_elem(&pkt_buf, &cpu);
  if (!b) return TC_ACT_UNSPEC;
  struct strato_packet* h = &b->h;
  h->ts = bpf_ktime_get_boot_ns();
  h->_reserved = 0;
  h->kind = STRATO_PACKET;
  h->ifindex = skb->ifindex;
  h->len = skb->len;
  h->egress = egress;
  h->owned = 0;
  h->protocol = skb->protocol;
  h->_pad = 0;

  struct strato_owner* o = NULL;
  if (egress) {
    __u64 cookie = bpf_get_socket_cookie(skb);
    if (cookie) o = bpf_map_lookup_elem(&cookie_owners, &cookie);
  }
  /* A TCP socket keeps one flow: once it is learnt, its packets need no
   * parsing here (a new owner from the socket hooks resets the mark). */
  struct pkt_flow f;
  bool have_flow = o && (o->flags & STRATO_OWNER_FLOW_KNOWN) ? false : packet_flow(skb, l3, skb->protocol, &f);
  if (have_flow && f.quoted) {
    /* An ICMP error goes to the quoted datagram's sender: on lo and on the
     * way in that is a local socket; on the way out, a remote one that sent
     * to a local port nobody served. The kernel's ICMP socket owns nothing. */
    bool loopback = skb->ifindex == STRATO_LOOPBACK_IFINDEX;
    o = flow_owner(&f, !egress || loopback);
  } else if (have_flow) {
    if (o) {
      learn_flow(&f, o);
      if (f.proto == 6) o->flags |= STRATO_OWNER_FLOW_KNOWN;
    } else {
      bool loopback = skb->ifindex == STRATO_LOOPBACK_IFINDEX;
      /* On lo both ends are local: the sender first, then the receiver. */
      if (egress || loopback) o = flow_owner(&f, true);
      if (!o && (!egress || loopback)) o = flow_owner(&f, false);
    }
  }
  if (o) {
    h->owned = 1;
    __builtin_memcpy(&h->owner, o, sizeof(*o));
    h->owner.flags &= ~STRATO_OWNER_FLOW_KNOWN;
  } else {
    __builtin_memset(&h->owner, 0, sizeof(h->owner));
  }
  if ((filter_pid_on || filter_comm_on || filter_cgroup_on) && (!o || !owner_passes(&h->owner))) return TC_ACT_UNSPEC;

  __u64 n = skb->len;
  if (n > pkt_snaplen) n = pkt_snaplen;
  if (n > STRATO_PKT_MAX) n = STRATO_PKT_MAX;
  /* clang folds the clamps into one it keeps on a copy; the verifier needs the bound on this register. */
  asm volatile("%[n] &= 0xffff" : [n] "+r"(n));
  if (n == 0) return TC_ACT_UNSPEC;
  if (bpf_skb_load_bytes(skb, 0, b->data, n)) return TC_ACT_UNSPEC;
  h->caplen = n;
  void* ring = this_cpu_ring();
  if (!ring || bpf_ringbuf_output(ring, b, sizeof(struct strato_packet) + n, ring_flags(ring))) count_drop();
  return TC_ACT_UNSPEC;
}

/* Link layers: Ethernet (and lo, which has an all-zero Ethernet header)
 * puts the network header at 14; ARPHRD_NONE devices (tun, wireguard) at 0. */
SEC("tc")
int tc_eth_ingress(struct __sk_buff* skb) { return capture_packet(skb, false, 14); }
SEC("tc")
int tc_eth_egress(struct __sk_buff* skb) { return capture_packet(skb, true, 14); }
SEC("tc")
int tc_raw_ingress(struct __sk_buff* skb) { return capture_packet(skb, false, 0); }
SEC("tc")
int tc_raw_egress(struct __sk_buff* skb) { return capture_packet(skb, true, 0); }

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_sock_state, struct sock* sk, int oldstate, int newstate) {
  return on_sock_state(sk, newstate, true);
}
SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(raw_sock_state, struct sock* sk, int oldstate, int newstate) {
  return on_sock_state(sk, newstate, false);
}

#endif
