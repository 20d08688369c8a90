#pragma once
// Names shared by IPv4 and IPv6: IP protocol numbers and DSCP/ECN codepoints.
#include "strato/field.h"

namespace strato::net {

inline const ValueName kIpProtoNames[] = {
    {0, "IPv6 Hop-by-Hop Option"}, {1, "ICMP"}, {2, "IGMP"}, {4, "IPIP"}, {6, "TCP"}, {8, "EGP"}, {9, "IGRP"},
    {17, "UDP"}, {27, "RDP"}, {33, "DCCP"}, {41, "IPv6"}, {43, "Routing Header for IPv6"}, {44, "Fragment Header for IPv6"},
    {46, "RSVP"}, {47, "GRE"}, {50, "ESP"}, {51, "AH"}, {58, "ICMPv6"}, {59, "No Next Header for IPv6"},
    {60, "Destination Options for IPv6"}, {88, "EIGRP"}, {89, "OSPF IGP"}, {97, "Ether-IP"}, {103, "PIM"},
    {108, "IPComp"}, {112, "VRRP"}, {115, "Layer 2 Tunneling"}, {132, "SCTP"}, {135, "Mobility Header"},
    {136, "UDPLite"}, {137, "MPLS in IP"}, {0, nullptr}};

inline const char* ip_proto_name(uint64_t v) {
  for (const ValueName* n = kIpProtoNames; n->name; ++n)
    if (n->value == v) return n->name;
  return nullptr;
}

inline const ValueName kDscpNames[] = {
    {0, "Default"}, {1, "Lower Effort"}, {8, "Class Selector 1"}, {10, "Assured Forwarding 11"},
    {12, "Assured Forwarding 12"}, {14, "Assured Forwarding 13"}, {16, "Class Selector 2"},
    {18, "Assured Forwarding 21"}, {20, "Assured Forwarding 22"}, {22, "Assured Forwarding 23"},
    {24, "Class Selector 3"}, {26, "Assured Forwarding 31"}, {28, "Assured Forwarding 32"},
    {30, "Assured Forwarding 33"}, {32, "Class Selector 4"}, {34, "Assured Forwarding 41"},
    {36, "Assured Forwarding 42"}, {38, "Assured Forwarding 43"}, {40, "Class Selector 5"},
    {44, "Voice Admit"}, {46, "Expedited Forwarding"}, {48, "Class Selector 6"}, {56, "Class Selector 7"},
    {0, nullptr}};

inline const char* dscp_short(unsigned v) {
  switch (v) {
    case 0: return "CS0";
    case 1: return "LE";
    case 8: return "CS1";
    case 10: return "AF11";
    case 12: return "AF12";
    case 14: return "AF13";
    case 16: return "CS2";
    case 18: return "AF21";
    case 20: return "AF22";
    case 22: return "AF23";
    case 24: return "CS3";
    case 26: return "AF31";
    case 28: return "AF32";
    case 30: return "AF33";
    case 32: return "CS4";
    case 34: return "AF41";
    case 36: return "AF42";
    case 38: return "AF43";
    case 40: return "CS5";
    case 44: return "VA";
    case 46: return "EF";
    case 48: return "CS6";
    case 56: return "CS7";
    default: return nullptr;
  }
}

inline const ValueName kEcnNames[] = {{0, "Not ECN-Capable Transport"},
                                      {1, "ECN-Capable Transport codepoint '01'"},
                                      {2, "ECN-Capable Transport codepoint '10'"},
                                      {3, "Congestion Experienced"},
                                      {0, nullptr}};
inline const char* ecn_short(unsigned v) {
  static const char* s[] = {"Not-ECT", "ECT(1)", "ECT(0)", "CE"};
  return s[v & 3];
}

}  // namespace strato::net
