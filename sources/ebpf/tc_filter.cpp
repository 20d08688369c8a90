// Placeholder: the pcap-filter → TC program translator lands here.
