"""Names no claim id or citation key may take: the site's own pages, and names file systems reserve.

A claim's page is ``claims/<id>/`` and its source ``claims/<id>.yaml``; a
reference's page is ``references/<key>/``.  An id ``index`` would overwrite the
claims index, and ``con`` or ``lpt1`` cannot be a file name on Windows, so the
repository could not even be checked out there.
"""

from __future__ import annotations

import os
from pathlib import Path

# folders under docs/ that the generator owns (it writes and prunes them)
OWNED = ("claims", "references", "coverage", "data", "evidence", "research", "assets/generated")
# what MkDocs and Material write into the site themselves: index pages, the search plugin's
# search/ folder, sitemap.xml(.gz), 404.html and the theme's assets/ folder
MKDOCS_OUTPUTS = ("index", "search", "sitemap", "404", "assets")
# kept free for archived versions of a page (/claims/<id>/v/<n>/), the further pages of a listing
# (/claims/page/<n>/) and the folders of generated files
RESERVED_EXTRA = ("v", "page", "cite", "search-logs", "second-reviews", "claims-index")
WINDOWS = ("con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10)))
WINDOWS_TODO = ("con, prn, aux, nul, com1–com9 and lpt1–lpt9 cannot be file names on Windows, "
                "so the file could not be checked out there")


def site_names(root: Path) -> frozenset[str]:
    """Every name the built site uses for its own pages and folders, derived from what it generates:
    the generator's folders, the hand-written pages and folders in docs/, and MkDocs' own outputs."""
    names = {o.split("/")[0] for o in OWNED}
    names |= set(MKDOCS_OUTPUTS) | set(RESERVED_EXTRA)
    docs = root / "docs"
    try:
        with os.scandir(docs) as entries:
            for entry in entries:
                if not entry.name.startswith("."):
                    names.add(Path(entry.name).stem.lower() if entry.is_file(follow_symlinks=False) else entry.name.lower())
    except OSError:
        pass
    return frozenset(names)


def name_problem(name: str, site: frozenset[str]) -> tuple[str, str] | None:
    """(what, todo) if ``name`` may not be used as an id or key (its kind is said by the caller), else None."""
    low = name.lower()
    if low in WINDOWS:
        return "is a reserved file name on Windows", WINDOWS_TODO
    if low in site:
        return ("collides with the site's own pages",
                f"choose another name; the site uses: {', '.join(sorted(site))}")
    return None
