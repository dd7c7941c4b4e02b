#!/usr/bin/env python3
"""Joins the --real runner's TSV with labels.tsv and prints, per rule, precision and recall.

usage: score.py runner.tsv [runner2.tsv ...] [--labels labels.tsv]
(several runner TSVs are concatenated, e.g. a run over one added repo beside the main run)

labels.tsv columns: repo, commit, path (inside the repo), line, rule, verdict, reason.
verdict: TP / FP judge a reported diagnostic; SHOULD marks a site where the rule should fire (recall);
NOFIRE marks a site checked and judged correct to stay silent (a report there is a false positive).
A label matches a diagnostic of the same rule and file within 3 lines (rules report on the construct,
labels sit on the line a reader would point at). A diagnostic without a verdict is counted as unjudged.
"""
import csv, os, sys
from collections import defaultdict

SLACK = 3
args = sys.argv[1:]
labels_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'labels.tsv')
if '--labels' in args:
    i = args.index('--labels'); labels_path = args[i + 1]; del args[i:i + 2]
runners = args

def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        return [r for r in csv.reader(f, delimiter='\t') if r and not r[0].startswith('#')]

# Runner paths are "owner+name/path"; labels say "owner/name" and "path".
reported = [(r[0], r[2], int(r[3])) for runner in runners for r in rows(runner)[1:]]
labels = [(l[4], l[0].replace('/', '+') + '/' + l[2], int(l[3]), l[5].upper(), l[6] if len(l) > 6 else '') for l in rows(labels_path)]

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
missed = []
for rule, path, line, verdict, reason in labels:
    if verdict == 'NOFIRE':
        stats[rule]['silent'] += 1 - bool(near(rule, path, line, reported))
    if verdict in ('SHOULD', 'TP'):  # a true positive is a should-fire site too
        hit = bool(near(rule, path, line, reported))
        dyn = reason.startswith('dynamic:')
        stats[rule]['labelled'] += 1
        stats[rule]['found'] += hit
        stats[rule]['dynamic'] += dyn
        stats[rule]['missed-dyn'] += dyn and not hit
        if not hit:
            missed.append((rule, path, line, reason))

def ratio(a, b):
    return f'{a / b:.0%}' if b else '-'

rules = sorted(set(stats) | {f'PL{n}' for n in (1001, 1002, 1003, 2001, 2002, 2003, 2004, 2005, 2006, 3001, 3002, 3003)})
print('rule\treported\tTP\tFP\tunjudged\tprecision\tlabelled\tfound\tmissed\t(dynamic)\trecall\tstatic-recall\tchecked-silent')
total = defaultdict(int)
for rule in rules:
    s = stats[rule]
    for k in ('reported', 'TP', 'FP', 'unjudged', 'labelled', 'found', 'dynamic', 'missed-dyn', 'silent'):
        total[k] += s[k]
def line(name, s):
    static = s['labelled'] - s['dynamic']
    print(f"{name}\t{s['reported']}\t{s['TP']}\t{s['FP']}\t{s['unjudged']}\t{ratio(s['TP'], s['TP'] + s['FP'])}\t{s['labelled']}\t{s['found']}"
          f"\t{s['labelled'] - s['found']}\t({s['missed-dyn']})\t{ratio(s['found'], s['labelled'])}\t{ratio(s['found'], static)}\t{s['silent']}")
for rule in rules:
    line(rule, stats[rule])
line('all', total)
# static-recall leaves out should-fire sites reachable only through a delegate/interface ("dynamic:" reasons).
if missed:
    print(f'\nmissed should-fire sites ({len(missed)}):')
    for rule, path, line_, reason in sorted(missed):
        print(f'{rule}\t{path}:{line_}\t{reason}')
