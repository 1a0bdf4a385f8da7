"""Sentences of the article that carry no claim, each set aside with a reason.

``source/set-aside.yaml`` is a list of ``{starts: <first words>, reason: <why>}``.
Every sentence of the article is either covered by a claim's quote or listed
here; the coverage page shows both.
"""

from __future__ import annotations

from . import textfile, yamlstrict
from .article import Article, normalise
from .problems import Problems

PATH = "source/set-aside.yaml"


def load(root, article: Article, problems: Problems) -> dict[int, str]:
    """Sentence number → reason, adding a problem for each entry that is malformed or matches nothing."""
    path = root / PATH
    if not path.exists():
        return {}
    text = textfile.read(path, PATH, problems, 100_000)
    if text is None:
        return {}
    try:
        doc = yamlstrict.load(text)
    except yamlstrict.YamlError as exc:
        problems.add(PATH, exc.line, exc.col, exc.what, exc.todo)
        return {}
    out: dict[int, str] = {}
    if not isinstance(doc.data, list):
        problems.add(PATH, 1, 1, "set-aside file is not a list", "write '- starts: ...' / '  reason: ...' items")
        return out
    for i, item in enumerate(doc.data):
        line, col = doc.pos((i,))
        if not (isinstance(item, dict) and set(item) == {"starts", "reason"}
                and all(isinstance(item[k], str) and item[k].strip() for k in item)):
            problems.add(PATH, line, col, "set-aside item needs exactly 'starts' and 'reason' (both text)",
                         "write '- starts: <first words of the sentence>' and '  reason: <why no claim>'")
            continue
        start = normalise(item["starts"])
        hits = [s for s in article.sentences if s.text.startswith(start)]
        if len(hits) != 1:
            problems.add(PATH, line, col,
                         f"'starts' matches {len(hits)} sentences of the article: \"{start[:50]}\"",
                         "copy enough of the sentence's first words to match exactly one sentence")
            continue
        out[hits[0].number] = item["reason"].strip()
    return out
