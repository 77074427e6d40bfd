#!/usr/bin/env python3
"""abtime.py RUNS 'cmd A' 'cmd B' [...more B commands]

Paired A/B timer: one warm-up of each, then RUNS rounds; each round runs A
and every B back to back, the order alternating (A B, B A, ...), and takes
the ratio A/B per round. Prints, per B, one line:
  B_LABEL median_A_ms median_B_ms median_ratio_A/B min_ratio max_ratio maxrss_A_KiB maxrss_B_KiB
stdout/stderr of the commands go to /dev/null. Wall time = fork to wait4.
"""
import os, shlex, statistics, sys, time

def run(argv):
    dn = os.open(os.devnull, os.O_RDWR)
    t0 = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, dn, 1), (os.POSIX_SPAWN_DUP2, dn, 2)])
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    os.close(dn)
    return (t1 - t0) / 1e6, ru.ru_maxrss

def main():
    runs = int(sys.argv[1])
    a = shlex.split(sys.argv[2])
    bs = [shlex.split(x) for x in sys.argv[3:]]
    run(a)
    for b in bs:
        run(b)
    ta, rssa = [], 0
    tb = [[] for _ in bs]; rssb = [0 for _ in bs]; ratios = [[] for _ in bs]
    for i in range(runs):
        for j, b in enumerate(bs):
            if (i + j) % 2 == 0:
                x, ra = run(a); y, rb = run(b)
            else:
                y, rb = run(b); x, ra = run(a)
            ta.append(x); tb[j].append(y); ratios[j].append(x / y)
            rssa = max(rssa, ra); rssb[j] = max(rssb[j], rb)
    for j, b in enumerate(bs):
        r = ratios[j]
        print("%s %.2f %.2f %.3f %.3f %.3f %d %d" % (os.path.basename(b[0]), statistics.median(ta),
              statistics.median(tb[j]), statistics.median(r), min(r), max(r), rssa, rssb[j]))

main()
