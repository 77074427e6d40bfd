#!/usr/bin/env python3
"""sets.py LISTENERS_BIN: runs listeners, ss, netstat, lsof and checks they report
the same set of listening address:port pairs. Prints 'same N' or the differences."""
import subprocess, sys

def sh(argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout

def v6(a):
    # IPv6 text as '[addr]'; v4-mapped ones as 'v4m:a.b.c.d' (netstat and lsof print
    # them in dotted IPv4 form, ss and listeners as ::ffff:a.b.c.d).
    a = a.strip('[]')
    if a.lower().startswith('::ffff:') and '.' in a:
        a = a[7:]
    return 'v4m:' + a if '.' in a else '[' + a + ']'

def from_listeners(b):
    s, owned = set(), set()
    for ln in sh([b, '--format', 'table']).splitlines()[1:]:
        f = ln.split()
        port, fam, addr = f[0], f[1], f[2]
        k = (v6(addr) if fam == 'ipv6' else addr) + ':' + port
        s.add(k)
        if f[3] != '-':
            owned.add(k)
    return s, owned

def from_ss():
    s = set()
    for ln in sh(['ss', '-ltnH']).splitlines():
        a = ln.split()[3]
        if a.startswith('*:'):
            a = '[::]' + a[1:]
        addr, port = a.rsplit(':', 1)
        s.add((v6(addr) if addr.startswith('[') else addr) + ':' + port)
    return s

def from_netstat():
    s = set()
    for ln in sh(['netstat', '-ltn']).splitlines():
        f = ln.split()
        if not f or f[0] not in ('tcp', 'tcp6') or f[-1] != 'LISTEN':
            continue
        addr, port = f[3].rsplit(':', 1)
        s.add((v6(addr) if f[0] == 'tcp6' else addr) + ':' + port)
    return s

def from_lsof():
    s, t = set(), ''
    for ln in sh(['lsof', '-nP', '-iTCP', '-sTCP:LISTEN', '-Ftn']).splitlines():
        if ln.startswith('t'):
            t = ln[1:]
        elif ln.startswith('n'):
            addr, port = ln[1:].rsplit(':', 1)
            if addr == '*':
                addr = '[::]' if t == 'IPv6' else '0.0.0.0'
            elif t == 'IPv6':
                addr = v6(addr)
            s.add(addr + ':' + port)
    return s

# lsof lists only sockets it finds through some process's fds: compare it with
# the attributed rows (pid 1's fd/ is unreadable here, so 0.0.0.0:2024 has none).
ref_all, ref_owned = from_listeners(sys.argv[1])
bad = []
for name, fn in (('ss', from_ss), ('netstat', from_netstat), ('lsof', from_lsof)):
    o = fn()
    ref = ref_owned if name == 'lsof' else ref_all
    if o != ref:
        bad.append('%s: only listeners %s; only %s %s' % (name, sorted(ref - o)[:5], name, sorted(o - ref)[:5]))
print(('same %d (lsof %d attributed)' % (len(ref_all), len(ref_owned))) if not bad else 'DIFFER ' + ' | '.join(bad))
