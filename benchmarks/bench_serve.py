"""Page load times of ``transflow serve`` on a 2,000-article workspace (not a test).

Targets (issue 14): the index under 1 s, an article page under 0.3 s. Measured through
Flask's test client (the whole request: routing, page data, template), on the generated
corpus of ``benchmarks/corpus.py`` (N variants of the seed article, synced and translated)::

    python benchmarks/bench_serve.py --articles 2000 [--root /tmp/bench-serve]

"cold" is the first index load of a fresh server: ``status``, ``check`` and a dry-run
``build`` of every article (``transflow serve`` does this once before it prints its
address), first with an empty results cache (``.transflow-cache``, as on a fresh clone),
then for a second server with the cache filled. "warm" is every later load of the same
server, which recomputes only articles whose files changed; one article is then edited on
disk to show the cost of a change. Times are medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_workspace

from transflow.config import load_config
from transflow.web.app import create_app
from transflow.web.model import Workspace

TOKEN = "bench"


def timed(call: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--root", type=Path, default=Path("/tmp/transflow-bench-serve"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = args.root / str(args.articles)
    if not (root / "transflow.toml").exists():
        start = time.perf_counter()
        make_workspace(root, args.articles)
        print(f"workspace: {args.articles} articles made in {time.perf_counter() - start:.1f} s")
    config = load_config(root)
    shutil.rmtree(root / ".transflow-cache", ignore_errors=True)
    workers = os.cpu_count() or 1

    def fresh() -> Any:
        client = create_app(config, token=TOKEN,
                            workspace=Workspace(config, workers=workers)).test_client()
        client.get(f"/?token={TOKEN}")
        return client

    client = fresh()

    def index() -> None:
        response = client.get("/")
        assert response.status_code == 200, response.status_code

    slug = "article-00042"

    def article() -> None:
        response = client.get(f"/a/nl/{slug}")
        assert response.status_code == 200, response.status_code

    cold = timed(index, 1)
    client = fresh()
    cached = timed(index, 1)
    warm = timed(index, args.repeat)
    page = timed(article, args.repeat)
    source = root / "articles" / f"{slug}.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more paragraph.\n",
                      encoding="utf-8")
    changed = timed(index, 1)
    size = len(client.get("/").get_data())
    print(f"index, cold, empty results cache: {cold:.2f} s")
    print(f"index, cold, filled results cache: {cached:.2f} s")
    print(f"index, warm (median of {args.repeat}):    {warm:.3f} s   target < 1 s "
          f"({size / 1024:.0f} KiB of HTML)")
    print(f"index after one article edit:  {changed:.3f} s")
    print(f"article page (median of {args.repeat}):   {page:.3f} s   target < 0.3 s")


if __name__ == "__main__":
    main()
