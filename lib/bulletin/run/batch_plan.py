"""Planning a batch: the jobs a run file asks for, which of them are current (skipped), and what each reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bulletin.document.wording import override_files
from bulletin.config import KIND_LABELS, RunSpec, kind_fits, params_warnings
from bulletin.data.store import sources
from bulletin.errors import BulletinError
from bulletin.run.manifest import Manifest
from bulletin.run.outputs import bulletin_dir


@dataclass(frozen=True)
class Job:
    """One bulletin to render."""

    district: str
    period: str
    kind: str

    @property
    def key(self) -> str:
        """district/period/kind, as in the manifest."""
        return f"{self.district}/{self.period}/{self.kind}"


@dataclass(frozen=True)
class Outcome:
    """How one job ended: ok, skipped (already current) or failed with the Chinese error message."""

    job: Job
    status: str  # "ok", "skipped", "failed"
    message: str = ""
    seconds: dict = field(default_factory=dict)  # stage -> seconds (rendered ones)
    outputs: dict = field(default_factory=dict)  # file name -> sha256 (rendered ones)
    attempts: int = 0

    @property
    def ok(self) -> bool:
        """Rendered now or already current."""
        return self.status != "failed"


@dataclass(frozen=True)
class Settings:
    """Where a worker finds its inputs and writes its outputs, and how long a bulletin may take."""

    data_dir: Path
    params_dir: Path
    out_dir: Path
    notebooks_dir: Path
    timeout: float | None = None  # seconds per bulletin; None = no limit
    retries: int = 1  # further tries after a transient failure (the kernel died)
    inflight: Path | None = None  # local pools: where workers mark what they are doing (see LocalPool)


@dataclass
class Expanded:
    """A run file's jobs, the bulletins refused before any work (bad district params, kind not enabled), and
    the warnings of the districts' params files (unknown keys)."""

    jobs: list[Job]
    refused: list[Outcome]
    warnings: list[str]


def expand(spec: RunSpec, params_dir: Path) -> Expanded:
    """The run file's jobs: each kind (listed, or else enabled for the district) for the periods it fits; and a
    failed outcome for each bulletin of a district whose params file (or scheme) cannot be read or that does not
    enable the kind (the other districts still render)."""
    jobs, failed, warnings = [], [], []
    for district in spec.districts:
        try:
            settings, found = params_warnings(params_dir, district)
            enabled, problem = settings.kinds, ""
            warnings += found
        except BulletinError as exc:
            enabled, problem = (), str(exc)
        for period in spec.periods:
            for kind in spec.kinds or enabled or tuple(KIND_LABELS):
                if not kind_fits(kind, period):
                    continue
                job = Job(district, period, kind)
                if problem:
                    failed.append(Outcome(job, "failed", problem))
                elif kind not in enabled:
                    failed.append(Outcome(job, "failed", f"区县“{district}”未启用通报类型“{kind}”"
                                                         f"(见 params/districts/{district}.yaml 的 kinds)。"))
                else:
                    jobs.append(job)
    return Expanded(jobs, failed, list(dict.fromkeys(warnings)))


def district_inputs(district: str, settings: Settings, manifest: Manifest) -> str:
    """Hash of what every bulletin of a district reads: its exports, its params, the scheme and the calendar."""
    params = settings.params_dir
    files: list[tuple[str, Path | None]] = [
        (f"data/{p.relative_to(settings.data_dir / district).as_posix()}", p) for p in sources(settings.data_dir, district)
    ]
    scoring = params_warnings(params, district)[0].scoring
    named = {
        "district": params / "districts" / f"{district}.yaml",
        "scoring": params / "scoring" / f"{scoring}.yaml" if scoring else None,
        "calendar": params / "calendar.yaml",
    }
    files += [(name, p if p is not None and p.is_file() else None) for name, p in named.items()]
    files += [(p.relative_to(params).as_posix(), p) for p in override_files(params, district)]  # wording templates
    return manifest.inputs_hash(files, {"district": district})


def plan(jobs: list[Job], settings: Settings, manifest: Manifest, force: bool) -> tuple[dict[Job, str], list[Outcome]]:
    """Jobs to render (with the hash of their inputs), and the ones skipped because their outputs are current or
    failed because their district's inputs cannot even be listed (the other districts still render)."""
    districts: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    for district in sorted({j.district for j in jobs}):
        try:
            districts[district] = district_inputs(district, settings, manifest)
        except (BulletinError, OSError) as exc:
            unreadable[district] = str(exc)
    todo: dict[Job, str] = {}
    skipped: list[Outcome] = []
    for job in jobs:
        if job.district in unreadable:
            skipped.append(Outcome(job, "failed", unreadable[job.district]))
            continue
        notebook = settings.notebooks_dir / f"{job.kind}.ipynb"
        inputs = manifest.inputs_hash([("notebook", notebook if notebook.is_file() else None)],
                                      {"district": districts[job.district], "period": job.period, "kind": job.kind})
        if not force and manifest.is_current(job.key, inputs, bulletin_dir(settings.out_dir, job.district, job.period)):
            skipped.append(Outcome(job, "skipped"))
        else:
            todo[job] = inputs
    return todo, skipped
