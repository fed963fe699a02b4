#!/usr/bin/env python3
"""Who calls the hot methods of a JFR recording: reads `jfr print --events jdk.ExecutionSample`
output and, for the samples whose top frame matches PATTERN, counts the first caller frames
that match CALLER (default: Kindling code outside the CPU backend).

    jfr print --events jdk.ExecutionSample --stack-depth 64 rec.jfr > samples.txt
    benchmarks/jfr_callers.py samples.txt 'Convert\\.(load|store)' ['dev\\.kindling\\.(?!backend)']
"""
import collections
import re
import sys

samples, pattern = open(sys.argv[1]).read(), re.compile(sys.argv[2])
caller = re.compile(sys.argv[3] if len(sys.argv) > 3 else r'dev\.kindling\.(?!backend)')
total, matched, counts = 0, 0, collections.Counter()
for event in samples.split('jdk.ExecutionSample'):
    frames = re.findall(r'^\s+([\w.$]+\.[\w$<>]+)\(.*?line: (\d+)', event, re.M)
    if not frames:
        continue
    total += 1
    if not pattern.search(frames[0][0]):
        continue
    matched += 1
    counts[next((f'{f}:{line}' for f, line in frames[1:] if caller.search(f)), '(none)')] += 1
print(f'{matched} of {total} samples ({100.0 * matched / max(total, 1):.0f}%) have a top frame matching {pattern.pattern}; first callers:')
for name, n in counts.most_common(12):
    print(f'{n:6d}  {name}')
