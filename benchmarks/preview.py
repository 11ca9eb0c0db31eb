"""How fast `bulletin preview` shows an edit: seconds from saving a sentence to the page serving it.

    .venv/bin/python benchmarks/preview.py                  # demo district yunhe at full demo scale, 5 edits
    .venv/bin/python benchmarks/preview.py --edits 3 --scale 0.3

Writes the demo data into a temporary folder (never the repository's data/), starts the preview on a free
127.0.0.1 port in this process, waits for the first page, then saves a new sentence several times and polls
the page (every 10 ms) until it serves it. The edit is a Markdown prose cell of the notebook; a wording
template edit (params/wording/**) takes the same path: no export or params file changed, so the kernel reuses
the tables and figures and only the cells re-run.
Prints the first render, each edit's latency, and the median and worst; the target is 1.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from bulletin.demo import write_demo  # noqa: E402
from bulletin.run.preview import Preview  # noqa: E402


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, text: str, timeout: float = 600) -> float:
    """Seconds until the page contains text."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in _get(url):
            return time.perf_counter() - start
        time.sleep(0.01)
    raise SystemExit(f"the preview never served {text!r}")


def _edit_notebook(notebook: Path, marker: str) -> None:
    """Save the notebook with one Markdown sentence (replacing the previous one)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if "基准测试句子" not in c.source]
    at = next(i for i, c in enumerate(nb.cells) if "b.title_block()" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(f"基准测试句子{marker}:本月受理{{{{ cases.received|count }}}}。"))
    nbformat.write(nb, notebook)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="demo data scale (1.0 = the demo's own size)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    try:
        shutil.copytree(ROOT / "params" / "scoring", work / "params" / "scoring")
        write_demo(work / "data", work / "params", districts=["yunhe"], first_month="2023-06", last_month="2024-06",
                   scale=args.scale)
        (work / "notebooks").mkdir()
        notebook = work / "notebooks" / "monthly.ipynb"
        shutil.copy(ROOT / "notebooks" / "monthly.ipynb", notebook)
        preview = Preview("yunhe", "2024-06", "monthly", data_dir=work / "data", params_dir=work / "params",
                          notebooks_dir=work / "notebooks", port=0, log=lambda text: None)
        thread = threading.Thread(target=preview.serve, daemon=True)
        started = time.perf_counter()
        thread.start()
        first = _wait_for(preview.url, "一、总体运行情况")
        print(f"first render (zygote start, validation, figures, cells): {first:.2f} s")
        latencies = []
        for n in range(1, args.edits + 1):
            time.sleep(0.5)  # an analyst's pause between saves
            marker = f"第{n}次"
            t0 = time.perf_counter()
            _edit_notebook(notebook, marker)
            _wait_for(preview.url, f"基准测试句子{marker}")
            latencies.append(time.perf_counter() - t0)
            print(f"edit {n}: save -> served in {latencies[-1]:.2f} s (last render {preview.page.seconds:.2f} s)")
        print(f"median {statistics.median(latencies):.2f} s, worst {max(latencies):.2f} s over {len(latencies)} edits "
              f"(target 1.5 s); total {time.perf_counter() - started:.1f} s")
        preview.close()
        thread.join(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
