#!/usr/bin/env python3
"""Joins the --real runner's TSV with labels.tsv and prints, per rule, precision and recall.

usage: score.py runner.tsv [labels.tsv]

labels.tsv columns: repo, commit, path (inside the repo), line, rule, verdict, reason.
verdict: TP / FP judge a reported diagnostic; SHOULD marks a site where the rule should fire (recall);
NOFIRE marks a site checked and judged correct to stay silent (a report there is a false positive).
A label matches a diagnostic of the same rule and file within 3 lines (rules report on the construct,
labels sit on the line a reader would point at). A diagnostic without a verdict is counted as unjudged.
"""
import csv, os, sys
from collections import defaultdict

SLACK = 3
runner = sys.argv[1]
labels_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'labels.tsv')

def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        return [r for r in csv.reader(f, delimiter='\t') if r and not r[0].startswith('#')]

# Runner paths are "owner+name/path"; labels say "owner/name" and "path".
reported = [(r[0], r[2], int(r[3])) for r in rows(runner)[1:]]
labels = [(l[4], l[0].replace('/', '+') + '/' + l[2], int(l[3]), l[5].upper()) for l in rows(labels_path)]

def near(rule, path, line, items):
    return [i for i in items if i[0] == rule and i[1] == path and abs(i[2] - line) <= SLACK]

stats = defaultdict(lambda: defaultdict(int))
for rule, path, line in reported:
    s = stats[rule]
    s['reported'] += 1
    verdicts = {l[3] for l in near(rule, path, line, labels)}
    if 'FP' in verdicts or 'NOFIRE' in verdicts:
        s['FP'] += 1
    elif verdicts & {'TP', 'SHOULD'}:
        s['TP'] += 1
    else:
        s['unjudged'] += 1
        print(f'unjudged: {rule} {path}:{line}', file=sys.stderr)
for rule, path, line, verdict in labels:
    if verdict == 'NOFIRE':
        stats[rule]['silent'] += 1 - bool(near(rule, path, line, reported))
    if verdict in ('SHOULD', 'TP'):  # a true positive is a should-fire site too
        stats[rule]['labelled'] += 1
        stats[rule]['found'] += bool(near(rule, path, line, reported))

def ratio(a, b):
    return f'{a / b:.0%}' if b else '-'

rules = sorted(set(stats) | {f'PL{n}' for n in (1001, 1002, 1003, 2001, 2002, 2003, 2004, 2005, 2006, 3001, 3002, 3003)})
print('rule\treported\tTP\tFP\tunjudged\tprecision\tlabelled\tfound\trecall\tchecked-silent')
total = defaultdict(int)
for rule in rules:
    s = stats[rule]
    for k in ('reported', 'TP', 'FP', 'unjudged', 'labelled', 'found', 'silent'):
        total[k] += s[k]
    print(f"{rule}\t{s['reported']}\t{s['TP']}\t{s['FP']}\t{s['unjudged']}\t{ratio(s['TP'], s['TP'] + s['FP'])}\t{s['labelled']}\t{s['found']}\t{ratio(s['found'], s['labelled'])}\t{s['silent']}")
t = total
print(f"all\t{t['reported']}\t{t['TP']}\t{t['FP']}\t{t['unjudged']}\t{ratio(t['TP'], t['TP'] + t['FP'])}\t{t['labelled']}\t{t['found']}\t{ratio(t['found'], t['labelled'])}\t{t['silent']}")
