"""Regional bulletins in a batch: first every member's monthly aggregates (locally or on a Dask cluster), then one
regional bulletin per region x period x kind, published like a district's under outputs/regions/<region>/."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bulletin.config import kind_fits
from bulletin.errors import BulletinError
from bulletin.region import REGIONS_FOLDER, load_region


@dataclass(frozen=True)
class RegionOutcome:
    """One regional bulletin of a batch: rendered, or why not."""

    region: str
    period: str
    kind: str
    message: str | None = None  # None: rendered

    @property
    def ok(self) -> bool:
        """True if the bulletin was rendered."""
        return self.message is None

    @property
    def key(self) -> str:
        """regions/<region>/<period>/<kind>, as the index names it."""
        return f"{REGIONS_FOLDER}/{self.region}/{self.period}/{self.kind}"


def aggregate_district(district: str, data_dir: str, params_dir: str) -> str | None:
    """Validate, store and aggregate one district (a task for a worker process or a Dask worker); None when done,
    else why its aggregates could not be made (it is then named as missing in the regional bulletins)."""
    from bulletin.figures.aggregates import district_aggregates
    from bulletin.figures.workdays import load_calendar

    try:
        district_aggregates(Path(data_dir), district, load_calendar(Path(params_dir)))
    except BulletinError as exc:
        return str(exc)
    return None


def aggregate_members(districts: list[str], data_dir: Path, params_dir: Path, *, jobs: int = 1,
                      scheduler: str | None = None) -> dict[str, str | None]:
    """Aggregates of every district, computed once per changed district: on the Dask cluster at `scheduler`, in `jobs`
    local processes, or in this one. {district: None, or why it has none}."""
    args = [(d, str(Path(data_dir).resolve()), str(Path(params_dir).resolve())) for d in districts]
    if scheduler is not None:
        from bulletin.run.batch_pools import DaskPool

        pool = DaskPool(scheduler)
        try:
            futures = [pool.client.submit(aggregate_district, *a, pure=False) for a in args]
            return dict(zip(districts, pool.client.gather(futures)))
        finally:
            pool.close()
    if jobs > 1 and len(args) > 1:
        with ProcessPoolExecutor(min(jobs, len(args))) as pool:
            return dict(zip(districts, pool.map(aggregate_district, *zip(*args))))
    return {a[0]: aggregate_district(*a) for a in args}


def render_regions(regions: tuple[str, ...], periods: tuple[str, ...], kinds: tuple[str, ...] | None, *,
                   data_dir: Path, params_dir: Path, out_dir: Path, notebooks_dir: Path | None = None,
                   jobs: int = 1, scheduler: str | None = None, force: bool = False, echo=print) -> list[RegionOutcome]:
    """Every regional bulletin of the regions x periods x kinds (the region's kinds that fit the period when kinds is
    None), after their members' aggregates; a failed one never stops the others. A bulletin whose inputs (region,
    members' exports and params, scheme, calendar, notebook, code) and files are unchanged is skipped unless `force`."""
    from bulletin.run.manifest import Manifest

    data_dir, params_dir, out_dir = Path(data_dir).resolve(), Path(params_dir).resolve(), Path(out_dir).resolve()
    notebooks_dir = Path(notebooks_dir or "notebooks").resolve()
    settings = {r: load_region(params_dir, r) for r in regions}
    members = sorted({d for s in settings.values() for d in s.districts})
    problems = aggregate_members(members, data_dir, params_dir, jobs=jobs, scheduler=scheduler)
    for district, message in problems.items():
        if message:
            echo(f"{district}:未能汇总({message}),相关地区通报将注明该区县数据缺失。")
    manifest = Manifest.load(out_dir)
    wanted = {}
    for region, s in settings.items():
        for period in periods:
            for kind in (kinds or s.kinds):
                if kind in s.kinds and kind_fits(kind, period):
                    job = (region, period, kind)
                    inputs = _inputs(manifest, s, job, data_dir, params_dir, notebooks_dir, problems)
                    if force or not manifest.is_current(RegionOutcome(*job).key, inputs, _folder(out_dir, job)):
                        wanted[job] = inputs
                    else:
                        echo(f"地区通报 {RegionOutcome(*job).key}:输入未变,跳过")

    dirs = (data_dir, params_dir, out_dir, notebooks_dir)
    if len(wanted) > 1:
        # Several: in worker processes with a warm kernel zygote each (as district batches), so every bulletin's
        # kernel is forked ready instead of started; spawn, not fork, for the same reason as batch.LocalPool.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max(1, min(jobs, len(wanted))), mp_context=context, initializer=_warm,
                                 initargs=(os.getpid(),)) as pool:
            done = list(pool.map(render_region_job, wanted, [dirs] * len(wanted), [True] * len(wanted)))
    else:
        done = [render_region_job(job, dirs, False) for job in wanted]
    outcomes = []
    for job, (message, digests) in zip(wanted, done):
        outcome = RegionOutcome(*job, message)
        if digests is not None:
            manifest.record(outcome.key, wanted[job], _folder(out_dir, job), digests, {})
        else:  # the index marks it (and keeps showing an earlier good version, if any), as for a district
            manifest.record_failure(outcome.key, message)
        echo(f"地区通报 {outcome.key}:" + ("已生成" if outcome.ok else f"失败——{outcome.message}"))
        outcomes.append(outcome)
    if done:
        manifest.save()
    return outcomes


def _warm(parent: int) -> None:
    """Worker start-up as a district batch's: die with this process, ignore Ctrl-C, warm kernels."""
    from bulletin.run.batch_work import warm_up

    warm_up(parent=parent)


def render_region_job(job: tuple[str, str, str], dirs: tuple[Path, Path, Path, Path], warm: bool
                      ) -> tuple[str | None, dict[str, str] | None]:
    """Render one regional bulletin (in a worker): (None, file digests) when done, else (why, None)."""
    from bulletin.run.runner import run_region

    data_dir, params_dir, out_dir, notebooks_dir = dirs
    try:
        result = run_region(*job, data_dir=data_dir, params_dir=params_dir, out_dir=out_dir,
                            notebooks_dir=notebooks_dir, warm=warm)
    except BulletinError as exc:
        return str(exc), None
    except Exception as exc:  # noqa: BLE001 - one region's crash is its failure, never the batch's
        return f"渲染出错:{type(exc).__name__}: {exc}", None
    return None, result.digests


def _folder(out_dir: Path, job: tuple[str, str, str]) -> Path:
    from bulletin.document.regional import region_dir

    return region_dir(out_dir, job[0], job[1])


def _inputs(manifest, region, job: tuple[str, str, str], data_dir: Path, params_dir: Path, notebooks_dir: Path,
            problems: dict[str, str | None]) -> str:
    """Hash of what a regional bulletin reads: its region file, each member's params and store fingerprint (or why
    it has none), the scheme, the calendar, the notebook and the code."""
    from bulletin.data.store import fingerprint
    from bulletin.document.wording import override_files

    files: list[tuple[str, Path | None]] = [("region", params_dir / REGIONS_FOLDER / f"{region.id}.yaml"),
                                            ("notebook", notebooks_dir / "regional.ipynb")]
    if region.scoring:
        files.append(("scoring", params_dir / "scoring" / f"{region.scoring}.yaml"))
    calendar = params_dir / "calendar.yaml"
    files.append(("calendar", calendar if calendar.is_file() else None))
    files += [(f"district:{d}", params_dir / "districts" / f"{d}.yaml") for d in region.districts]
    wording = set(override_files(params_dir, region.id))  # the region's, its kinds' and every region's templates
    wording.update(p for p in (params_dir / "wording" / "regional").rglob("*.j2") if p.is_file())
    files += [(p.relative_to(params_dir).as_posix(), p) for p in sorted(wording)]
    members = {d: problems.get(d) or fingerprint(data_dir, d) for d in region.districts}
    return manifest.inputs_hash(files, {"region": job[0], "period": job[1], "kind": job[2], "members": members})
