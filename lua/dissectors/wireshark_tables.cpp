// Wireshark 4.0's numbering tables as tshark 4.0 exposes them to Lua
// (wtap_encaps/wtap, wtap_filetypes, ENC_*, MENU_*), and the WTAP encap ↔
// pcap LINKTYPE mapping strato's "link_type" table needs for "wtap_encap".
#include "wireshark_tables.h"

namespace strato::luad {

static const NamedValue kWtapEncaps[] = {
    {"PER_PACKET", -1}, {"UNKNOWN", 0}, {"ETHERNET", 1}, {"TOKEN_RING", 2}, {"SLIP", 3}, {"PPP", 4}, {"FDDI", 5},
    {"FDDI_BITSWAPPED", 6}, {"RAW_IP", 7}, {"ARCNET", 8}, {"ARCNET_LINUX", 9}, {"ATM_RFC1483", 10},
    {"LINUX_ATM_CLIP", 11}, {"LAPB", 12}, {"ATM_PDUS", 13}, {"ATM_PDUS_UNTRUNCATED", 14}, {"NULL", 15},
    {"ASCEND", 16}, {"ISDN", 17}, {"IP_OVER_FC", 18}, {"PPP_WITH_PHDR", 19}, {"IEEE_802_11", 20},
    {"IEEE_802_11_PRISM", 21}, {"IEEE_802_11_WITH_RADIO", 22}, {"IEEE_802_11_RADIOTAP", 23}, {"IEEE_802_11_AVS", 24},
    {"SLL", 25}, {"FRELAY", 26}, {"FRELAY_WITH_PHDR", 27}, {"CHDLC", 28}, {"CISCO_IOS", 29}, {"LOCALTALK", 30},
    {"OLD_PFLOG", 31}, {"HHDLC", 32}, {"DOCSIS", 33}, {"COSINE", 34}, {"WFLEET_HDLC", 35}, {"SDLC", 36}, {"TZSP", 37},
    {"ENC", 38}, {"PFLOG", 39}, {"CHDLC_WITH_PHDR", 40}, {"BLUETOOTH_H4", 41}, {"MTP2", 42}, {"MTP3", 43},
    {"IRDA", 44}, {"USER0", 45}, {"USER1", 46}, {"USER2", 47}, {"USER3", 48}, {"USER4", 49}, {"USER5", 50},
    {"USER6", 51}, {"USER7", 52}, {"USER8", 53}, {"USER9", 54}, {"USER10", 55}, {"USER11", 56}, {"USER12", 57},
    {"USER13", 58}, {"USER14", 59}, {"USER15", 60}, {"SYMANTEC", 61}, {"APPLE_IP_OVER_IEEE1394", 62},
    {"BACNET_MS_TP", 63}, {"NETTL_RAW_ICMP", 64}, {"NETTL_RAW_ICMPV6", 65}, {"GPRS_LLC", 66}, {"JUNIPER_ATM1", 67},
    {"JUNIPER_ATM2", 68}, {"REDBACK", 69}, {"NETTL_RAW_IP", 70}, {"NETTL_ETHERNET", 71}, {"NETTL_TOKEN_RING", 72},
    {"NETTL_FDDI", 73}, {"NETTL_UNKNOWN", 74}, {"MTP2_WITH_PHDR", 75}, {"JUNIPER_PPPOE", 76}, {"GCOM_TIE1", 77},
    {"GCOM_SERIAL", 78}, {"NETTL_X25", 79}, {"K12", 80}, {"JUNIPER_MLPPP", 81}, {"JUNIPER_MLFR", 82},
    {"JUNIPER_ETHER", 83}, {"JUNIPER_PPP", 84}, {"JUNIPER_FRELAY", 85}, {"JUNIPER_CHDLC", 86}, {"JUNIPER_GGSN", 87},
    {"LINUX_LAPD", 88}, {"CATAPULT_DCT2000", 89}, {"BER", 90}, {"JUNIPER_VP", 91}, {"USB_FREEBSD", 92},
    {"IEEE802_16_MAC_CPS", 93}, {"NETTL_RAW_TELNET", 94}, {"USB_LINUX", 95}, {"MPEG", 96}, {"PPI", 97}, {"ERF", 98},
    {"BLUETOOTH_H4_WITH_PHDR", 99}, {"SITA", 100}, {"SCCP", 101}, {"BLUETOOTH_HCI", 102}, {"IPMB_KONTRON", 103},
    {"IEEE802_15_4", 104}, {"X2E_XORAYA", 105}, {"FLEXRAY", 106}, {"LIN", 107}, {"MOST", 108}, {"CAN20B", 109},
    {"LAYER1_EVENT", 110}, {"X2E_SERIAL", 111}, {"I2C_LINUX", 112}, {"IEEE802_15_4_NONASK_PHY", 113}, {"TNEF", 114},
    {"USB_LINUX_MMAPPED", 115}, {"GSM_UM", 116}, {"DPNSS", 117}, {"PACKETLOGGER", 118}, {"NSTRACE_1_0", 119},
    {"NSTRACE_2_0", 120}, {"FIBRE_CHANNEL_FC2", 121}, {"FIBRE_CHANNEL_FC2_WITH_FRAME_DELIMS", 122},
    {"JPEG_JFIF", 123}, {"IPNET", 124}, {"SOCKETCAN", 125}, {"IEEE_802_11_NETMON", 126}, {"IEEE802_15_4_NOFCS", 127},
    {"RAW_IPFIX", 128}, {"RAW_IP4", 129}, {"RAW_IP6", 130}, {"LAPD", 131}, {"DVBCI", 132}, {"MUX27010", 133},
    {"MIME", 134}, {"NETANALYZER", 135}, {"NETANALYZER_TRANSPARENT", 136}, {"IP_OVER_IB_SNOOP", 137},
    {"MPEG_2_TS", 138}, {"PPP_ETHER", 139}, {"NFC_LLCP", 140}, {"NFLOG", 141}, {"V5_EF", 142},
    {"BACNET_MS_TP_WITH_PHDR", 143}, {"IXVERIWAVE", 144}, {"SDH", 145}, {"DBUS", 146}, {"AX25_KISS", 147},
    {"AX25", 148}, {"SCTP", 149}, {"INFINIBAND", 150}, {"JUNIPER_SVCS", 151}, {"USBPCAP", 152}, {"RTAC_SERIAL", 153},
    {"BLUETOOTH_LE_LL", 154}, {"WIRESHARK_UPPER_PDU", 155}, {"STANAG_4607", 156}, {"STANAG_5066_D_PDU", 157},
    {"NETLINK", 158}, {"BLUETOOTH_LINUX_MONITOR", 159}, {"BLUETOOTH_BREDR_BB", 160},
    {"BLUETOOTH_LE_LL_WITH_PHDR", 161}, {"NSTRACE_3_0", 162}, {"LOGCAT", 163}, {"LOGCAT_BRIEF", 164},
    {"LOGCAT_PROCESS", 165}, {"LOGCAT_TAG", 166}, {"LOGCAT_THREAD", 167}, {"LOGCAT_TIME", 168},
    {"LOGCAT_THREADTIME", 169}, {"LOGCAT_LONG", 170}, {"PKTAP", 171}, {"EPON", 172}, {"IPMI_TRACE", 173},
    {"LOOP", 174}, {"JSON", 175}, {"NSTRACE_3_5", 176}, {"ISO14443", 177}, {"GFP_T", 178}, {"GFP_F", 179},
    {"IP_OVER_IB_PCAP", 180}, {"JUNIPER_VN", 181}, {"USB_DARWIN", 182}, {"LORATAP", 183}, {"3MB_ETHERNET", 184},
    {"VSOCK", 185}, {"NORDIC_BLE", 186}, {"NETMON_NET_NETEVENT", 187}, {"NETMON_HEADER", 188},
    {"NETMON_NET_FILTER", 189}, {"NETMON_NETWORK_INFO_EX", 190}, {"MA_WFP_CAPTURE_V4", 191},
    {"MA_WFP_CAPTURE_V6", 192}, {"MA_WFP_CAPTURE_2V4", 193}, {"MA_WFP_CAPTURE_2V6", 194},
    {"MA_WFP_CAPTURE_AUTH_V4", 195}, {"MA_WFP_CAPTURE_AUTH_V6", 196}, {"JUNIPER_ST", 197}, {"ETHERNET_MPACKET", 198},
    {"DOCSIS31_XRA31", 199}, {"DPAUXMON", 200}, {"RUBY_MARSHAL", 201}, {"RFC7468", 202}, {"SYSTEMD_JOURNAL", 203},
    {"EBHSCR", 204}, {"VPP", 205}, {"IEEE802_15_4_TAP", 206}, {"LOG_3GPP", 207}, {"USB_2_0", 208}, {"MP4", 209},
    {"SLL2", 210}, {"ZWAVE_SERIAL", 211}, {"ETW", 212}, {"ERI_ENB_LOG", 213}, {"ZBNCP", 214},
    {"USB_2_0_LOW_SPEED", 215}, {"USB_2_0_FULL_SPEED", 216}, {"USB_2_0_HIGH_SPEED", 217},
};
static const NamedValue kWtapFiletypes[] = {
    {"UNKNOWN", -1}, {"PCAPNG", 0}, {"TSPREC_SEC", 0}, {"PCAP", 1}, {"TSPREC_DSEC", 1}, {"PCAP_NSEC", 2},
    {"TSPREC_CSEC", 2}, {"PCAP_AIX", 3}, {"TSPREC_MSEC", 3}, {"PCAP_SS990417", 4}, {"PCAP_SS990915", 5},
    {"PCAP_SS991029", 6}, {"TSPREC_USEC", 6}, {"PCAP_NOKIA", 7}, {"5VIEWS", 8}, {"AETHRA", 9}, {"TSPREC_NSEC", 9},
    {"ASCEND", 10}, {"BER", 11}, {"BLF", 12}, {"BTSNOOP", 13}, {"CAMINS", 15}, {"COLASOFT_CAPSA", 17},
    {"COLASOFT_PACKET_BUILDER", 18}, {"COMMVIEW", 19}, {"COSINE", 21}, {"CSIDS", 22}, {"DAINTREE_SNA", 23},
    {"DBS_ETHERWATCH", 24}, {"CATAPULT_DCT2000", 25}, {"DCT3TRACE", 26}, {"DPA400", 27}, {"ERF", 28}, {"EYESDN", 30},
    {"HCIDUMP", 31}, {"I4BTRACE", 32}, {"IPFIX", 33}, {"IPTRACE_1_0", 34}, {"IPTRACE_2_0", 35}, {"ISERIES", 36},
    {"ISERIES_UNICODE", 37}, {"JSON", 38}, {"K12", 39}, {"K12TEXT", 40}, {"LANALYZER", 41}, {"LOG_3GPP", 42},
    {"LOGCAT", 43}, {"LOGCAT_BRIEF", 44}, {"LOGCAT_PROCESS", 45}, {"LOGCAT_TAG", 46}, {"LOGCAT_THREAD", 47},
    {"LOGCAT_TIME", 48}, {"LOGCAT_THREADTIME", 49}, {"LOGCAT_LONG", 50}, {"MIME", 51}, {"JPEG_JFIF", 52},
    {"MPEG_2_TS", 53}, {"MP4", 54}, {"MPEG", 55}, {"MPLOG", 56}, {"NETMON_1_x", 57}, {"NETMON_2_x", 58},
    {"NETSCREEN", 59}, {"NETTL", 60}, {"NETTRACE_3GPP_32_423", 61}, {"NETXRAY_OLD", 62}, {"NETXRAY_1_0", 63},
    {"NETXRAY_1_1", 64}, {"NETXRAY_2_00x", 65}, {"NGSNIFFER_UNCOMPRESSED", 66}, {"NGSNIFFER_COMPRESSED", 67},
    {"NETSCALER_1_0", 68}, {"NETSCALER_2_0", 69}, {"NETSCALER_3_0", 70}, {"NETSCALER_3_5", 71},
    {"NETWORK_INSTRUMENTS", 72}, {"PACKETLOGGER", 73}, {"PEEKCLASSIC_V56", 74}, {"PEEKCLASSIC_V7", 75},
    {"PEEKTAGGED", 76}, {"PPPDUMP", 77}, {"RADCOM", 78}, {"RFC7468", 79}, {"RUBY_MARSHAL", 80}, {"SNOOP", 81},
    {"SHOMITI", 82}, {"STANAG_4607", 83}, {"SYSTEMD_JOURNAL", 84}, {"TNEF", 85}, {"TOSHIBA", 86},
    {"VISUAL_NETWORKS", 87}, {"VMS", 88}, {"VWR_80211", 89}, {"VWR_ETH", 90},
};
static const NamedValue kEncodings[] = {
    {"ENC_ASCII", 0}, {"ENC_BIG_ENDIAN", 0}, {"ENC_NA", 0}, {"ENC_TIME_SECS_NSECS", 0}, {"ENC_TIME_TIMESPEC", 0},
    {"ENC_TIME_NTP", 2}, {"ENC_UTF_8", 2}, {"ENC_VARINT_PROTOBUF", 2}, {"ENC_TIME_TOD", 4}, {"ENC_UTF_16", 4},
    {"ENC_VARINT_QUIC", 4}, {"ENC_UCS_2", 6}, {"ENC_TIME_NTP_BASE_ZERO", 8}, {"ENC_TIME_RTPS", 8}, {"ENC_UCS_4", 8},
    {"ENC_VARINT_ZIGZAG", 8}, {"ENC_ISO_8859_1", 10}, {"ENC_ISO_8859_2", 12}, {"ENC_3GPP_TS_23_038_7BITS", 14},
    {"ENC_ISO_646_IRV", 14}, {"ENC_ISO_8859_3", 14}, {"ENC_ISO_8859_4", 16}, {"ENC_TIME_SECS_USECS", 16},
    {"ENC_TIME_TIMEVAL", 16}, {"ENC_ISO_8859_5", 18}, {"ENC_TIME_SECS", 18}, {"ENC_ISO_8859_6", 20},
    {"ENC_TIME_MSECS", 20}, {"ENC_ISO_8859_7", 22}, {"ENC_ISO_8859_8", 24}, {"ENC_TIME_SECS_NTP", 24},
    {"ENC_ISO_8859_9", 26}, {"ENC_ISO_8859_10", 28}, {"ENC_ISO_8859_11", 30}, {"ENC_TIME_RFC_3971", 32},
    {"ENC_ISO_8859_13", 34}, {"ENC_TIME_MSEC_NTP", 34}, {"ENC_ISO_8859_14", 36}, {"ENC_TIME_MIP6", 36},
    {"ENC_ISO_8859_15", 38}, {"ENC_TIME_CLASSIC_MAC_OS_SECS", 38}, {"ENC_ISO_8859_16", 40}, {"ENC_TIME_NSECS", 40},
    {"ENC_WINDOWS_1250", 42}, {"ENC_3GPP_TS_23_038_7BITS_PACKED", 44}, {"ENC_EBCDIC", 46}, {"ENC_MAC_ROMAN", 48},
    {"ENC_TIME_USECS", 48}, {"ENC_CP437", 50}, {"ENC_ASCII_7BITS", 52}, {"ENC_T61", 54}, {"ENC_EBCDIC_CP037", 56},
    {"ENC_WINDOWS_1252", 58}, {"ENC_WINDOWS_1251", 60}, {"ENC_CP855", 62}, {"ENC_CP866", 64},
    {"ENC_ISO_646_BASIC", 66}, {"ENC_BCD_DIGITS_0_9", 68}, {"ENC_KEYPAD_ABC_TBCD", 70}, {"ENC_KEYPAD_BC_TBCD", 72},
    {"ENC_3GPP_TS_23_038_7BITS_UNPACKED", 76}, {"ENC_ETSI_TS_102_221_ANNEX_A", 78}, {"ENC_GB18030", 80},
    {"ENC_EUC_KR", 82}, {"ENC_APN_STR", 84}, {"ENC_CHARENCODING_MASK", 65534}, {"ENC_STR_MASK", 65534},
    {"ENC_BCD_ODD_NUM_DIG", 65536}, {"ENC_ISO_8601_DATE", 65536}, {"ENC_SEP_NONE", 65536},
    {"ENC_BCD_SKIP_FIRST", 131072}, {"ENC_ISO_8601_TIME", 131072}, {"ENC_SEP_COLON", 131072},
    {"ENC_ISO_8601_DATE_TIME", 196608}, {"ENC_RFC_822", 262144}, {"ENC_SEP_DASH", 262144}, {"ENC_RFC_1123", 524288},
    {"ENC_SEP_DOT", 524288}, {"ENC_ISO_8601_DATE_TIME_BASIC", 1048576}, {"ENC_SEP_SPACE", 1048576},
    {"ENC_SEP_MASK", 2031616}, {"ENC_STR_TIME_MASK", 2031616}, {"ENC_NUM_PREF", 2097152}, {"ENC_STR_NUM", 16777216},
    {"ENC_STR_HEX", 33554432}, {"ENC_STRING", 50331648}, {"ENC_ZIGBEE", 1073741824},
    {"ENC_LITTLE_ENDIAN", 2147483648},
};
static const NamedValue kMenuGroups[] = {
    {"MENU_ANALYZE_UNSORTED", 0}, {"MENU_PACKET_ANALYZE_UNSORTED", 0}, {"MENU_ANALYZE_CONVERSATION", 1},
    {"MENU_ANALYZE_CONVERSATION_FILTER", 1}, {"MENU_PACKET_STAT_UNSORTED", 2}, {"MENU_STAT_UNSORTED", 2},
    {"MENU_STAT_GENERIC", 3}, {"MENU_STAT_CONVERSATION", 4}, {"MENU_STAT_CONVERSATION_LIST", 4},
    {"MENU_STAT_ENDPOINT", 5}, {"MENU_STAT_ENDPOINT_LIST", 5}, {"MENU_STAT_RESPONSE", 6},
    {"MENU_STAT_RESPONSE_TIME", 6}, {"MENU_STAT_RSERPOOL", 7}, {"MENU_STAT_TELEPHONY", 8},
    {"MENU_STAT_TELEPHONY_ANSI", 9}, {"MENU_STAT_TELEPHONY_GSM", 10}, {"MENU_STAT_TELEPHONY_LTE", 11},
    {"MENU_STAT_TELEPHONY_MTP3", 12}, {"MENU_STAT_TELEPHONY_SCTP", 13}, {"MENU_TOOLS_UNSORTED", 14},
    {"MENU_LOG_ANALYZE_UNSORTED", 15}, {"MENU_LOG_STAT_UNSORTED", 16},
};

// WTAP_ENCAP_* → LINKTYPE_* for the encapsulations with a pcap link type
// (wiretap's pcap-common table, one direction).
static const NamedValue kWtapToLinktype[] = {
    {"NULL", 0},        {"ETHERNET", 1},      {"AX25", 3},          {"TOKEN_RING", 6},  {"SLIP", 8},
    {"PPP", 9},         {"FDDI", 10},         {"PPP_ETHER", 51},    {"ATM_RFC1483", 100}, {"RAW_IP", 101},
    {"CHDLC", 104},     {"IEEE_802_11", 105}, {"FRELAY", 107},      {"LOOP", 108},      {"ENC", 109},
    {"SLL", 113},       {"PFLOG", 117},       {"IEEE_802_11_PRISM", 119}, {"IEEE_802_11_RADIOTAP", 127},
    {"ARCNET_LINUX", 129}, {"MTP2", 140},     {"MTP3", 141},        {"SCCP", 142},      {"DOCSIS", 143},
    {"IRDA", 144},      {"USER0", 147},       {"USER1", 148},       {"USER2", 149},     {"USER3", 150},
    {"USER4", 151},     {"USER5", 152},       {"USER6", 153},       {"USER7", 154},     {"USER8", 155},
    {"USER9", 156},     {"USER10", 157},      {"USER11", 158},      {"USER12", 159},    {"USER13", 160},
    {"USER14", 161},    {"USER15", 162},      {"IEEE_802_11_AVS", 163}, {"LINUX_LAPD", 177},
    {"BLUETOOTH_H4", 187}, {"USB_LINUX", 189}, {"PPI", 192},        {"IEEE802_15_4", 195}, {"ERF", 197},
    {"AX25_KISS", 202}, {"LAPD", 203},        {"IPNET", 226},       {"SOCKETCAN", 227}, {"RAW_IP4", 228},
    {"RAW_IP6", 229},   {"IEEE802_15_4_NOFCS", 230}, {"DBUS", 231}, {"MPEG_2_TS", 243}, {"NFLOG", 239},
    {"INFINIBAND", 247}, {"SCTP", 248},       {"BLUETOOTH_LE_LL", 251}, {"NETLINK", 253}, {"PKTAP", 258},
    {"EPON", 259},      {"ISO14443", 264},    {"SDLC", 268},        {"LORATAP", 270},   {"NORDIC_BLE", 272},
    {"SLL2", 276},
};

bool wtap_to_linktype(int64_t wtap, uint32_t& linktype) {
  for (const NamedValue& m : kWtapToLinktype)
    for (const NamedValue& e : kWtapEncaps)
      if (e.value == wtap && std::string_view(e.name) == m.name) {
        linktype = static_cast<uint32_t>(m.value);
        return true;
      }
  return false;
}

const NamedValueList kWtapEncapsList{kWtapEncaps, std::size(kWtapEncaps)};
const NamedValueList kWtapFiletypesList{kWtapFiletypes, std::size(kWtapFiletypes)};
const NamedValueList kEncodingsList{kEncodings, std::size(kEncodings)};
const NamedValueList kMenuGroupsList{kMenuGroups, std::size(kMenuGroups)};

}  // namespace strato::luad
