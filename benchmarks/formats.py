"""Warm seconds per bulletin of the Word and PDF renderers, on real executed notebooks.

    .venv/bin/python benchmarks/formats.py outputs/yunhe/2024-06/monthly.ipynb   # one or more executed notebooks
    .venv/bin/python benchmarks/formats.py --runs 9 outputs/*/2024-06/monthly.ipynb
    .venv/bin/python benchmarks/formats.py          # renders one demo bulletin (yunhe, 2024-06) in a temp folder first

Each notebook becomes its Document (as the runner does); the renderers are loaded and warmed first
(`bulletin.document.formats.warm`, as in a batch worker), then each renders every document `--runs` times.
`docx_bytes` and `pdf_bytes` are looked up by name when the script runs, so whatever renderer those names
stand for is what is timed. Prints the median (and fastest, slowest) wall and CPU seconds per bulletin of
each format and of both together; the issue's target is under 0.3 s for Word + PDF. Asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

FORMATS = (("docx", "bulletin.document.docx", "docx_bytes"), ("pdf", "bulletin.document.pdf", "pdf_bytes"))


def demo_notebook(root: Path) -> Path:
    """One monthly demo bulletin (yunhe, 2024-06, full demo scale) rendered under root; its executed notebook."""
    from bulletin.demo import write_demo
    from bulletin.run.runner import run_bulletin

    shutil.copytree(ROOT / "params" / "scoring", root / "params" / "scoring")
    write_demo(root / "data", root / "params", districts=["yunhe"], first_month="2023-06", last_month="2024-06")
    run_bulletin("yunhe", "2024-06", "monthly", data_dir=root / "data", params_dir=root / "params",
                 out_dir=root / "outputs", notebooks_dir=ROOT / "notebooks")
    return root / "outputs" / "yunhe" / "2024-06" / "monthly.ipynb"


def timed(render, documents: list, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each render of each document."""
    wall, cpu = [], []
    for _ in range(runs):
        for document in documents:
            w, c = time.perf_counter(), time.process_time()
            render(document, "基准测试")
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="executed bulletin notebooks (default: a demo one)")
    parser.add_argument("--runs", type=int, default=5, help="renders of each document per format (median of these)")
    args = parser.parse_args()

    from bulletin.document.formats import warm
    from bulletin.document.html import notebook_document

    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        paths = args.notebooks
        if not paths:
            started = time.perf_counter()
            paths = [demo_notebook(Path(tmp))]
            print(f"示例通报已生成:{time.perf_counter() - started:.1f} 秒", flush=True)
        documents = [notebook_document(nbformat.read(path, as_version=4)) for path in paths]
    warm()
    rows = []
    for name, module, function in FORMATS:
        render = getattr(importlib.import_module(module), function)
        rows.append((f"{name} ({module}.{function})", *timed(render, documents, args.runs)))
    both = [sum(row[1][i] for row in rows) for i in range(len(rows[0][1]))]
    both_cpu = [sum(row[2][i] for row in rows) for i in range(len(rows[0][2]))]
    rows.append(("docx + pdf", both, both_cpu))

    print(f"\nwarm seconds per bulletin: {len(documents)} document(s) x {args.runs} runs, median (fastest-slowest)")
    print(f"{'format':<44}{'wall s':>9}{'range':>17}{'cpu s':>9}")
    for name, wall, cpu in rows:
        spread = f"{min(wall):.3f}-{max(wall):.3f}"
        print(f"{name:<44}{statistics.median(wall):>9.3f}{spread:>17}{statistics.median(cpu):>9.3f}")


if __name__ == "__main__":
    main()
