#pragma once
#include <string>
#include <vector>

#include "json_text.h"
#include "strato/event.h"

namespace strato::json {

// "layers" of tshark -T ek: each protocol an object of all its fields,
// subtrees flattened into it, keyed "<protocol>_<field>" with dots made
// underscores ("ip_ip_src"), text items under "text"; protocols inside
// another (ICMP's quoted "ip", "_ws_expert") nest as objects. Repeated keys
// among siblings become arrays; booleans are true/false, FT_NONE items null,
// calendar times ISO 8601 in UTC.
void write_ek_layers(const Event& ev, Writer& w);

}  // namespace strato::json
