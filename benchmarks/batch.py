"""The same monthly bulletins rendered three ways: the naive CLI loop, `bulletin batch`, and a re-run.

    .venv/bin/python benchmarks/batch.py                 # 100 bulletins (2 demo districts x 50 months)
    .venv/bin/python benchmarks/batch.py --count 10 --naive-sample 4   # a quick look

`bulletin batch` writes every format (html, docx, pdf, json, xlsx, ipynb); the naive loop writes the
html page only, as before the Word and PDF formats existed. The warm per-bulletin cost of the Word and
PDF formats is measured apart, in this process, on the documents of the first `--formats-sample`
rendered bulletins (renderers loaded once, as in a batch worker; wall and CPU seconds).

The naive way is one `papermill` CLI call and one `jupyter nbconvert` CLI call per bulletin. Both
ways read the same validated Parquet store, filled before timing starts. `--naive-sample K` times
the naive loop on the first K bulletins only and extrapolates to all (marked as such). Peak memory
is the largest sum of PSS (RSS with shared pages split between their sharers, so a forked kernel's
pages shared with its zygote count once) over the whole process tree (CLI, workers, zygotes,
kernels), sampled every 0.1 s. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bulletin.demo import write_demo
from bulletin.figures.periods import parse_period
from bulletin.data.store import load_tables

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DISTRICTS = ("yunhe", "tongshan")


def _memory(process: psutil.Process) -> int:
    """PSS where the system tells it (pages shared by forked kernels counted once), else RSS."""
    try:
        return process.memory_full_info().pss
    except (psutil.AccessDenied, AttributeError):
        return process.memory_info().rss


def run_measured(args: list[str], **kwargs) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run a command; its wall seconds, the peak memory of its process tree (bytes) and the result."""
    started = time.perf_counter()
    process = psutil.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                total = 0
                for p in tree:
                    try:
                        total += _memory(p)
                    except psutil.Error:
                        pass
                peak = max(peak, total)
            except psutil.Error:
                pass
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    stop.set()
    sampler.join()
    result = subprocess.CompletedProcess(args, process.returncode, out, err)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{out}\n{err}")
    return time.perf_counter() - started, peak, result


def months(count: int) -> list[str]:
    """count consecutive months ending 2024-12."""
    last = parse_period("2024-12")
    first = parse_period(f"{2024 - (count - 1) // 12 - 1}-01")
    every = [p.text for p in parse_period(f"{first.text}..{last.text}").month_periods()]
    return every[-count:]


def format_costs(out_dir: Path, sample: int) -> list[tuple[str, float, float]]:
    """Mean warm seconds (wall, CPU) per bulletin of the page, Word and PDF renderers over `sample` bulletins."""
    import nbformat

    from bulletin.document.docx import docx_bytes
    from bulletin.document.formats import warm
    from bulletin.document.html import notebook_document
    from bulletin.document.page import render_page
    from bulletin.document.pdf import pdf_bytes

    warm()
    documents = [notebook_document(nbformat.read(path, as_version=4))
                 for path in sorted(out_dir.glob("*/*/monthly.ipynb"))[:sample]]
    rows = []
    for name, render in (("html (page from blocks)", render_page), ("docx (python-docx)", docx_bytes),
                         ("pdf (Typst)", pdf_bytes)):
        wall, cpu = time.perf_counter(), time.process_time()
        for document in documents:
            render(document, "benchmark")
        rows.append((name, (time.perf_counter() - wall) / len(documents), (time.process_time() - cpu) / len(documents)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100, help="bulletins (even: 2 districts x count/2 months)")
    parser.add_argument("--naive-sample", type=int, default=0, help="time the naive loop on this many only")
    parser.add_argument("--scale", type=float, default=1.0, help="demo data volume (1.0: 5k-12k cases a month)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--formats-sample", type=int, default=10, help="bulletins to time the formats on, warm")
    args = parser.parse_args()
    periods = months(args.count // len(DISTRICTS))
    jobs = [(d, p) for d in DISTRICTS for p in periods]

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        data, params = root / "data", root / "params"
        shutil.copytree(ROOT / "params" / "scoring", params / "scoring")
        t0 = time.perf_counter()
        history = parse_period(periods[0]).year_ago().text  # a year before the first bulletin: 同比 and trend
        write_demo(data, params, districts=list(DISTRICTS), first_month=history, last_month="2024-12", scale=args.scale)
        for district in DISTRICTS:
            load_tables(data, district)  # fill the validated store: both ways read it
        print(f"准备数据:{time.perf_counter() - t0:.1f} 秒({len(DISTRICTS)}个区县,{history}至2024-12)", flush=True)
        runfile = root / "run.yaml"
        runfile.write_text(f"districts: [{', '.join(DISTRICTS)}]\nperiods: [{', '.join(periods)}]\nkinds: [monthly]\n",
                           encoding="utf-8")

        sample = jobs[: args.naive_sample] if args.naive_sample else jobs
        naive_out = root / "naive"
        naive_out.mkdir()
        script = " && ".join(
            f"{BIN / 'papermill'} {ROOT / 'notebooks' / 'monthly.ipynb'} {naive_out / f'{d}-{p}.ipynb'} -k python3 "
            f"-p district {d} -p period {p} -p kind monthly -p data_dir {data} -p params_dir {params} --no-progress-bar "
            f"--log-level ERROR && {BIN / 'jupyter'} nbconvert --to html --log-level ERROR {naive_out / f'{d}-{p}.ipynb'}"
            for d, p in sample
        )
        naive_s, naive_rss, _ = run_measured(["sh", "-c", script])
        naive_total = naive_s * len(jobs) / len(sample)

        batch_cmd = [str(BIN / "bulletin"), "batch", str(runfile), "--jobs", str(args.jobs), "--profile",
                     "--data-dir", str(data), "--params-dir", str(params), "--out-dir", str(root / "outputs"),
                     "--notebooks-dir", str(ROOT / "notebooks")]
        batch_s, batch_rss, batch = run_measured(batch_cmd, cwd=root)
        rerun_s, rerun_rss, rerun = run_measured(batch_cmd, cwd=root)
        costs = format_costs(root / "outputs", args.formats_sample)

    gib = 1024 ** 3
    label = f"naive CLI loop ({len(sample)} timed, extrapolated)" if len(sample) < len(jobs) else "naive CLI loop"
    rows = [
        (label, naive_total, naive_rss),
        (f"bulletin batch --jobs {args.jobs}", batch_s, batch_rss),
        ("re-run, nothing changed", rerun_s, rerun_rss),
    ]
    print(f"\n{len(jobs)} monthly bulletins, {os.cpu_count()} cores, scale {args.scale}")
    print(f"{'method':<44}{'wall s':>9}{'per min':>9}{'peak mem':>11}{'speed-up':>10}")
    for name, seconds, rss in rows:
        per_min = len(jobs) / seconds * 60
        print(f"{name:<44}{seconds:>9.1f}{per_min:>9.1f}{rss / gib:>9.2f}Gi{naive_total / seconds:>9.1f}x")
    print("\n" + batch.stdout.strip())
    print(rerun.stdout.strip().splitlines()[0])
    print(f"\nwarm cost per bulletin of each format (mean over {args.formats_sample}, one process, renderers loaded):")
    print(f"{'format':<28}{'wall s':>9}{'cpu s':>9}")
    for name, wall, cpu in costs:
        print(f"{name:<28}{wall:>9.3f}{cpu:>9.3f}")


if __name__ == "__main__":
    main()
