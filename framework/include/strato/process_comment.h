#pragma once
// ProcessInfo as `Key: value` lines, the form ptcpdump puts in pcapng
// opt_comment so Wireshark users see which process sent a packet. ptcpdump's
// key names are used where it has one (PID, Cmd, Args, ThreadId, ParentPID,
// UserId, ContainerId, ContainerName, PodName, PodNamespace); strato adds
// Comm, User, CgroupID and Cgroup for the rest.
#include <string>
#include <string_view>

#include "strato/event.h"

namespace strato {

// Appends one line per known field (unset ones are left out), '\n'-separated,
// no trailing newline; nothing when every field is unset. Newlines inside
// values become spaces, as the format is line based.
void format_process_comment(const ProcessInfo& p, std::string& out);

// Fills `p` from the process lines of `comment` (other lines are ignored);
// true when at least one was found. Without a Comm line, proc.name comes
// from ptcpdump's ThreadName, else from the last component of Cmd.
bool parse_process_comment(std::string_view comment, ProcessInfo& p);

// Whether `line` is a `Key: value` line with one of the keys above (or
// ptcpdump's other process keys), so writers do not repeat it.
bool is_process_comment_line(std::string_view line);

}  // namespace strato
