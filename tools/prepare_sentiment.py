#!/usr/bin/env python3
"""Prepares the sentiment task's two files from the fetched archives (docs/data.md).

usage: prepare_sentiment.py GROUND_TRUTH.txt GLOVE.npy GLOVE_INDEX.parquet OUT_DIR

- sentences.tsv: one sentence a line, `split<TAB>label<TAB>tokens` (tokens separated by one
  space), from movieReviewSnippets_GroundTruth.txt (`id<TAB>mean valence<TAB>text`): sentences
  with |valence| < 0.5 are dropped, label = 1 when the valence is positive, 0 when negative;
  the rest are shuffled by random.Random(0) in id order and cut 80/10/10 into
  train/valid/test.
- glove.6B.50d.txt: GloVe's own text format (`word v1 .. v50`), only the words the
  sentences use, in GloVe's order (most frequent first); each float32 written as its
  shortest round-trip decimal.

Runs once, in a throwaway venv holding numpy and pyarrow (tools/fetch_data.sh).
"""
import os
import random
import re
import sys

import numpy as np
import pyarrow.parquet as pq

MIN_ABS_VALENCE = 0.5
SPLIT_SEED = 0
SPLIT_FRACTIONS = (0.8, 0.1)  # train, valid; test is the rest

# GloVe 6B was built from text tokenized like the Penn Treebank: lower case, clitics and
# "n't" split off, punctuation as tokens of its own. Words with inner hyphens stay whole.
_CLITIC = re.compile(r"(\w)n't\b")
_TOKEN = re.compile(r"n't|'(?:s|re|ve|ll|d|m)\b|\w+(?:-\w+)*|[^\w\s]")


def tokenize(text):
    text = text.lower().replace("''", '"').replace("``", '"')
    text = _CLITIC.sub(r"\1 n't", text)
    return _TOKEN.findall(text)


def read_sentences(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                sys.exit(f"{path}:{number}: expected id<TAB>valence<TAB>text")
            rows.append((int(parts[0]), float(parts[1]), parts[2]))
    rows.sort()
    return rows


def main():
    truth, npy, index, out_dir = sys.argv[1:5]
    rows = [r for r in read_sentences(truth) if abs(r[1]) >= MIN_ABS_VALENCE]
    random.Random(SPLIT_SEED).shuffle(rows)
    n_train = int(len(rows) * SPLIT_FRACTIONS[0])
    n_valid = int(len(rows) * SPLIT_FRACTIONS[1])
    used = set()
    lines = []
    for i, (_, valence, text) in enumerate(rows):
        split = "train" if i < n_train else "valid" if i < n_train + n_valid else "test"
        tokens = tokenize(text)
        used.update(tokens)
        lines.append(f"{split}\t{1 if valence > 0 else 0}\t{' '.join(tokens)}\n")

    words = pq.read_table(index).column(0).to_pylist()
    vectors = np.load(npy, mmap_mode="r")
    if vectors.shape != (len(words), 50) or vectors.dtype != np.float32:
        sys.exit(f"{npy}: expected float32 ({len(words)}, 50), got {vectors.dtype} {vectors.shape}")
    keep = [i for i, w in enumerate(words) if w in used]
    rows_kept = np.ascontiguousarray(vectors[keep])

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "sentences.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(lines)
    with open(os.path.join(out_dir, "glove.6B.50d.txt"), "w", encoding="utf-8", newline="\n") as f:
        for row, i in enumerate(keep):
            values = " ".join(
                np.format_float_positional(v, unique=True, trim="-") for v in rows_kept[row])
            f.write(f"{words[i]} {values}\n")
    print(f"prepare_sentiment: {len(rows)} sentences ({n_train} train, {n_valid} valid, "
          f"{len(rows) - n_train - n_valid} test), {len(keep)} of {len(used)} words in GloVe")


if __name__ == "__main__":
    main()
