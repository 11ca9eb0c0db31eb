"""Province-scale regional bulletin: 150 districts, 10M cases over 24 months (benchmarks/ingest.py's generator),
ingested, aggregated per district, then one regional monthly bulletin rendered. Prints a table of times and peak
memory.

    .venv/bin/python benchmarks/regional.py                                   # 150 districts, 10M cases (minutes)
    .venv/bin/python benchmarks/regional.py --districts 12 --rows 240000 --dir /tmp/bench-region   # small run

Targets (issue 19): the regional monthly bulletin renders in at most 10 s after ingest, within 2 GiB.
The data is written under a temporary folder (or --dir), never inside the repository.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import PeakMemory, _district_id, _generate_district, _write_params  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REGION = "province"


def _write_region(params: Path, districts: list[str]) -> None:
    """params/regions/province.yaml over every district, scored with the demo region's scheme."""
    (params / "regions").mkdir(parents=True, exist_ok=True)
    (params / "scoring").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "params" / "scoring" / "shili.yaml", params / "scoring" / "shili.yaml")
    (params / "regions" / f"{REGION}.yaml").write_text(
        "name: 示例省\nscope: 全省\nissuer: 示例省政务服务管理办公室\ndistricts: all\nkinds: [monthly]\n"
        "satisfaction: good_rate\nscoring: shili\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="case rows over all districts (default 10M)")
    parser.add_argument("--districts", type=int, default=150)
    parser.add_argument("--evaluations", type=float, default=1.0, help="evaluation rows per case row")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--period", default="2024-06")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep generated data and its store (skip what is there)")
    args = parser.parse_args(argv)

    from bulletin.document.regional import open_region
    from bulletin.run.ingest import ingest_many
    from bulletin.run.regional import aggregate_members
    from bulletin.run.batch_work import warm_up
    from bulletin.run.runner import run_region

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bulletin-bench-region-"))
    if ROOT in work.resolve().parents or work.resolve() == ROOT:
        parser.error("--dir must be outside the repository")
    data, params, out = work / "data", work / "params", work / "outputs"
    districts = [_district_id(i) for i in range(args.districts)]
    per_district = args.rows // args.districts
    table: list[tuple[str, str]] = []
    try:
        t0 = time.perf_counter()
        if not (args.keep and (data / districts[-1] / "cases").is_dir()):
            shutil.rmtree(data, ignore_errors=True)
            with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                list(pool.map(_generate_district, [data] * len(districts), range(len(districts)),
                              [per_district] * len(districts), [args.evaluations] * len(districts)))
        _write_params(params, districts)
        _write_region(params, districts)
        table.append(("generate CSV exports", f"{time.perf_counter() - t0:8.1f} s"))

        if not args.keep:
            shutil.rmtree(data / ".store", ignore_errors=True)
        t1 = time.perf_counter()
        results = list(ingest_many(data, districts, args.jobs))
        cases = sum(r.rows.get("cases", 0) for r in results if r.rows)
        table.append(("ingest + validate", f"{time.perf_counter() - t1:8.1f} s  ({cases} cases stored, jobs={args.jobs})"))

        with PeakMemory() as memory:
            t2 = time.perf_counter()
            problems = aggregate_members(districts, data, params, jobs=args.jobs)
            t3 = time.perf_counter()
        failed = [d for d, m in problems.items() if m]
        table.append(("aggregate every district (once)", f"{t3 - t2:8.1f} s  ({len(districts)} districts, "
                                                         f"{len(failed)} failed, jobs={args.jobs})"))
        table.append(("  peak memory (all processes)", f"{memory.peak / 2**30:8.2f} GiB"))
        t4 = time.perf_counter()
        aggregate_members(districts, data, params, jobs=1)
        table.append(("  again, nothing changed (read from the store)", f"{time.perf_counter() - t4:8.1f} s"))

        t5 = time.perf_counter()
        figures = open_region(REGION, args.period, "monthly", data, params).figures
        table.append((f"regional figures {args.period} (in this process)",
                      f"{time.perf_counter() - t5:8.2f} s  (received {figures['cases']['received']})"))
        with PeakMemory() as memory:
            t6 = time.perf_counter()
            result = run_region(REGION, args.period, "monthly", data_dir=data, params_dir=params, out_dir=out,
                                notebooks_dir=ROOT / "notebooks")
            t7 = time.perf_counter()
        size = sum(p.stat().st_size for p in result.files)
        table.append((f"regional monthly bulletin {args.period} (render)", f"{t7 - t6:8.2f} s  (target <= 10 s; "
                                                                            f"{size / 2**20:.1f} MiB written)"))
        table.append(("  peak memory (all processes)", f"{memory.peak / 2**30:8.2f} GiB  (target <= 2 GiB)"))
        warm_up()  # what a batch worker does once at start-up: a pre-imported kernel zygote and the HTML exporter
        with PeakMemory() as memory:
            t8 = time.perf_counter()
            run_region(REGION, args.period, "monthly", data_dir=data, params_dir=params, out_dir=out,
                       notebooks_dir=ROOT / "notebooks", warm=True)
            t9 = time.perf_counter()
        table.append(("  the same in a warm batch worker (forked kernel)", f"{t9 - t8:8.2f} s"))
        table.append(("  peak memory (all processes)", f"{memory.peak / 2**30:8.2f} GiB"))
    finally:
        if args.dir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    width = max(len(name) for name, _ in table)
    print(f"benchmarks/regional.py  rows={args.rows:,}  districts={args.districts}  cpus={os.cpu_count()}  "
          f"python={sys.version.split()[0]}")
    for name, value in table:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
