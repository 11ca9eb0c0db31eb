"""Render many bulletins (districts x periods x kinds); a failure never stops the others."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .config import RunSpec, load_district
from .errors import BulletinError
from .runner import run_bulletin


@dataclass(frozen=True)
class Job:
    """One bulletin to render."""

    district: str
    period: str
    kind: str


@dataclass(frozen=True)
class Outcome:
    """How one job ended: ok, or the Chinese error message."""

    job: Job
    ok: bool
    message: str = ""


def expand(spec: RunSpec, params_dir: Path) -> list[Job]:
    """The run file's jobs: each kind (listed, or else enabled for the district) for the periods it fits."""
    from .runner import kind_fits

    jobs = []
    for district in spec.districts:
        kinds = spec.kinds or load_district(params_dir, district).kinds
        for period in spec.periods:
            for kind in kinds:
                if kind_fits(kind, period):
                    jobs.append(Job(district, period, kind))
    return jobs


def _render(job: Job, dirs: dict) -> Outcome:
    try:
        run_bulletin(job.district, job.period, job.kind, **dirs)
        return Outcome(job, True)
    except BulletinError as exc:
        return Outcome(job, False, str(exc))
    except Exception as exc:  # a bug must not stop the other bulletins; it is reported in the summary
        return Outcome(job, False, f"{type(exc).__name__}: {exc}")


def render_many(
    spec: RunSpec,
    *,
    data_dir: Path,
    params_dir: Path,
    out_dir: Path,
    notebooks_dir: Path | None = None,
    jobs: int = 1,
) -> list[Outcome]:
    """Render every job of the run spec with a progress bar, print a summary; the failed outcomes."""
    todo = expand(spec, params_dir)
    dirs = {"data_dir": data_dir, "params_dir": params_dir, "out_dir": out_dir, "notebooks_dir": notebooks_dir}
    outcomes: list[Outcome] = []
    with tqdm(total=len(todo), desc="渲染通报", unit="份", dynamic_ncols=True) as bar:
        if jobs <= 1:
            for job in todo:
                outcomes.append(_render(job, dirs))
                bar.update(1)
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(_render, job, dirs) for job in todo]
                for future in as_completed(futures):
                    outcomes.append(future.result())
                    bar.update(1)
    failures = [o for o in outcomes if not o.ok]
    print(f"完成:成功{len(outcomes) - len(failures)}份,失败{len(failures)}份。")
    for outcome in sorted(failures, key=lambda o: (o.job.district, o.job.period, o.job.kind)):
        j = outcome.job
        print(f"  失败 {j.district} {j.period} {j.kind}:{outcome.message}")
    return failures
