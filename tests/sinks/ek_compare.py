#!/usr/bin/env python3
"""Compares two tshark -T ek outputs (argv[1] tshark's, argv[2] strato's):
the index lines exactly, and each packet's layers as the ordered list of
(key path, value) pairs, duplicate keys kept. Keys strato does not make are
left out: name resolution (_resolved, _oui, _host), and TCP options, which
tshark registers as protocols of their own and so names without a prefix.
Prints the first differences and exits 1 when any packet differs."""
import difflib
import json
import re
import sys

SKIP = re.compile(r'(_resolved|_oui|_host|tcp_options_[a-z_0-9]*|tcp_tcp_options_[a-z_0-9]*)$')


def pairs(line):
    out = []

    def walk(items, path):
        for k, v in items:
            if isinstance(v, list) and v and isinstance(v[0], tuple):
                walk(v, path + [k])
            elif isinstance(v, list) and v and isinstance(v[0], list):
                for x in v:
                    walk(x, path + [k])
            elif not SKIP.search(k):
                out.append('/'.join(path + [k]) + '=' + json.dumps(v))

    walk(json.loads(line, object_pairs_hook=lambda p: p), [])
    return out


def main():
    a = open(sys.argv[1]).read().splitlines()
    b = open(sys.argv[2]).read().splitlines()
    if len(a) != len(b):
        print("lines: tshark %d, strato %d" % (len(a), len(b)))
        return 1
    bad = 0
    for i, (x, y) in enumerate(zip(a, b)):
        if x.startswith('{"index"'):
            if x != y:
                bad += 1
                print("line %d: %s != %s" % (i + 1, x, y))
            continue
        px, py = pairs(x), pairs(y)
        if px != py:
            bad += 1
            if bad <= 3:
                print("line %d:" % (i + 1))
                for d in list(difflib.unified_diff(px, py, lineterm='', n=0))[2:14]:
                    print("  " + d[:200])
    print("differ: %d of %d lines" % (bad, len(a)))
    return 1 if bad else 0


sys.exit(main())
