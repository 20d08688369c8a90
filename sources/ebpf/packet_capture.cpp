// Packet capture on TC clsact hooks (in progress).
