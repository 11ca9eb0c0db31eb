"""The `bulletin` command: parses arguments and calls the library; user errors print in Chinese, never a traceback."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Optional

import typer

from bulletin.errors import BulletinError, DataError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="政务服务通报:由导出数据生成各区县、各期通报。")

DataDir = typer.Option(Path("data"), "--data-dir", help="输入数据目录")
ParamsDir = typer.Option(Path("params"), "--params-dir", help="参数目录")
OutDir = typer.Option(Path("outputs"), "--out-dir", help="输出目录")
NotebooksDir = typer.Option(None, "--notebooks-dir", help="通报笔记本目录(默认为 notebooks/,不存在时用安装包自带的笔记本)")


def friendly(command):
    """Run a command so that expected failures print a Chinese message and exit 1, without a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DataError as exc:
            if exc.report is not None:
                typer.echo(exc.report.to_text(), err=True)
            typer.echo(f"错误:{exc}", err=True)
            raise typer.Exit(1) from None
        except BulletinError as exc:
            typer.echo(f"错误:{exc}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("已中断。", err=True)
            raise typer.Exit(130) from None

    return wrapper


@app.command()
@friendly
def init(
    folder: Path = typer.Argument(..., help="新项目文件夹(不存在则新建)"),
    district: str = typer.Option(..., "--district", help="区县代码:小写字母、数字、下划线、连字符,如 yunhe"),
    name: str = typer.Option(..., "--name", help="单位名称,如 云河区"),
    scope: Optional[str] = typer.Option(None, "--scope", help="句中所用范围,如 全区(默认按名称末字推断)"),
    issuer: Optional[str] = typer.Option(None, "--issuer", help="发文单位(默认为“名称+政务服务中心”)"),
    force: bool = typer.Option(False, "--force", help="文件夹非空也写入:保留已有参数和数据,只更新笔记本"),
) -> None:
    """新建一个单位自己的通报项目:笔记本、参数(区县、考核办法、工作日历)、数据文件夹及说明。"""
    from bulletin.project import DATA_NOTE, init_project

    written, kept = init_project(folder, district, name, scope=scope, issuer=issuer, force=force)
    typer.echo(f"已在 {folder} 写入 {len(written)} 个文件" + (f",保留已有文件 {len(kept)} 个" if kept else "") + "。")
    typer.echo(f"下一步:把导出的表放入 {folder / 'data' / district}(见其中的 {DATA_NOTE}),"
               f"修改 {folder / 'params' / 'districts' / (district + '.yaml')},然后在该文件夹中运行:")
    typer.echo(f"  bulletin validate --district {district}")
    typer.echo(f"  bulletin run --district {district} --period 2024-06 --kind monthly")


@app.command()
@friendly
def demo(
    data_dir: Path = DataDir,
    params_dir: Path = ParamsDir,
    out_dir: Path = OutDir,
    notebooks_dir: Optional[Path] = NotebooksDir,
) -> None:
    """生成示例数据并渲染全部示例通报及索引页。"""
    from bulletin.run.batch import render_many
    from bulletin.config import load_run
    from bulletin.demo import write_demo
    from bulletin.run.index_page import write_index

    districts = write_demo(data_dir, params_dir)
    typer.echo(f"已生成示例数据:{'、'.join(districts)}(数据目录 {data_dir})")
    spec = load_run(params_dir / "runs" / "demo.yaml", params_dir)
    outcomes = render_many(spec, data_dir=data_dir, params_dir=params_dir, out_dir=out_dir, notebooks_dir=notebooks_dir,
                           jobs=os.cpu_count() or 1)
    outcomes += _render_regions(params_dir / "runs" / "demo.yaml", spec, data_dir, params_dir, out_dir, notebooks_dir,
                                os.cpu_count() or 1, None)
    index = write_index(out_dir)
    typer.echo(f"索引页:{index}")
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


def _render_regions(runfile: Path, spec, data_dir: Path, params_dir: Path, out_dir: Path, notebooks_dir: Path,
                    jobs: int, scheduler: Optional[str], force: bool = False) -> list:
    """The run file's regional bulletins (`regions:`), after the districts'; their outcomes."""
    from bulletin.region import run_regions
    from bulletin.run.regional import render_regions

    regions = run_regions(runfile)
    if not regions:
        return []
    return render_regions(regions, spec.periods, spec.kinds, data_dir=data_dir, params_dir=params_dir, out_dir=out_dir,
                          notebooks_dir=notebooks_dir, jobs=jobs, scheduler=scheduler, force=force, echo=typer.echo)


@app.command()
@friendly
def run(
    district: Optional[str] = typer.Option(None, "--district", help="区县代码,如 yunhe"),
    region: Optional[str] = typer.Option(None, "--region", help="地区代码(params/regions/<地区>.yaml),渲染比较所辖区县的地区通报"),
    period: str = typer.Option(..., "--period", help="统计期,如 2024-06、2024-Q2、2024-H1、2024"),
    kind: Optional[str] = typer.Option(None, "--kind", help="通报类型;省略则渲染该区县启用的全部类型"),
    data_dir: Path = DataDir,
    params_dir: Path = ParamsDir,
    out_dir: Path = OutDir,
    notebooks_dir: Optional[Path] = NotebooksDir,
) -> None:
    """渲染一期通报。"""
    from bulletin.config import check_id, kind_fits, params_warnings
    from bulletin.errors import ParamError
    from bulletin.figures.periods import parse_period
    from bulletin.run.index_page import write_index
    from bulletin.run.runner import run_bulletin

    if (district is None) == (region is None):
        raise BulletinError("请指定 --district(区县通报)或 --region(地区通报)之一。")
    if region is not None:
        _run_region(region, period, kind, data_dir, params_dir, out_dir, notebooks_dir)
        write_index(out_dir)
        return
    settings, warnings = params_warnings(params_dir, check_id(district))
    _warn(warnings)
    if kind:
        kinds = [kind]
    else:  # the enabled kinds written for this shape of period (monthly for 2024-06, quarterly for 2024-Q2, ...)
        text = parse_period(period).text
        kinds = [k for k in settings.kinds if kind_fits(k, text)]
        if not kinds:
            raise ParamError(f"区县“{district}”启用的通报类型({'、'.join(settings.kinds)})都不适用于统计期“{text}”。"
                             "请用 --kind 指定,或换一个统计期。")
    rendered = False
    try:
        for k in kinds:
            result = run_bulletin(district, period, k, data_dir=data_dir, params_dir=params_dir, out_dir=out_dir,
                                  notebooks_dir=notebooks_dir)
            rendered = True
            for path in result.files:
                typer.echo(f"已生成:{path}")
            _forget_failure(out_dir, f"{result.district}/{result.period}/{result.kind}")
    finally:
        if rendered:  # also when a later kind failed: the index shows what was rendered
            write_index(out_dir)


def _warn(warnings) -> None:
    """Print params warnings (unknown keys, skipped files) to stderr."""
    for warning in warnings:
        typer.echo(f"警告:{warning}", err=True)


def _run_region(region: str, period: str, kind: Optional[str], data_dir: Path, params_dir: Path, out_dir: Path,
                notebooks_dir: Path) -> None:
    """One region's bulletins for the period: the kind given, or every kind the region enables that fits the period."""
    from bulletin.config import check_kind, kind_fits
    from bulletin.region import REGIONS_FOLDER, load_region
    from bulletin.run.regional import aggregate_members
    from bulletin.run.runner import run_region

    settings = load_region(params_dir, region)
    kinds = [check_kind(kind)] if kind else [k for k in settings.kinds if kind_fits(k, period)]
    if not kinds:
        raise BulletinError(f"地区“{region}”启用的通报类型都不适用于统计期“{period}”。")
    for district, message in aggregate_members(list(settings.districts), data_dir, params_dir).items():
        if message:
            typer.echo(f"{district}:未能汇总({message}),地区通报将注明该区县数据缺失。", err=True)
    for k in kinds:
        result = run_region(region, period, k, data_dir=data_dir, params_dir=params_dir, out_dir=out_dir,
                            notebooks_dir=notebooks_dir)
        for path in result.files:
            typer.echo(f"已生成:{path}")
        _forget_failure(out_dir, f"{REGIONS_FOLDER}/{region}/{result.period}/{k}")


def _forget_failure(out_dir: Path, key: str) -> None:
    """A batch that failed this bulletin marked it in the manifest; it rendered now, so the index must not say so."""
    from bulletin.run.manifest import MANIFEST_NAME, Manifest

    if (Path(out_dir) / MANIFEST_NAME).exists():
        manifest = Manifest.load(out_dir)
        manifest.clear_failure(key)
        manifest.save()


@app.command()
@friendly
def batch(
    runfile: Path = typer.Argument(..., help="运行清单,如 params/runs/demo.yaml"),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="并行数(默认为CPU核数)"),
    force: bool = typer.Option(False, "--force", help="输入未变的通报也重新渲染"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="单份通报时限(秒),超时即终止该份"),
    retries: int = typer.Option(1, "--retries", min=0, help="内核意外退出等临时故障的重试次数"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask 集群调度器地址,如 tcp://host:8786"),
    profile: bool = typer.Option(False, "--profile", help="结束时打印各环节耗时"),
    data_dir: Path = DataDir,
    params_dir: Path = ParamsDir,
    out_dir: Path = OutDir,
    notebooks_dir: Optional[Path] = NotebooksDir,
) -> None:
    """按运行清单批量渲染通报:并行、增量(输入未变则跳过)、可续跑;单个失败不影响其他,结束时汇总。"""
    from bulletin.run.batch import render_many
    from bulletin.config import load_run
    from bulletin.run.index_page import write_index

    spec = load_run(runfile, params_dir)
    _warn(spec.warnings)
    outcomes = render_many(spec, data_dir=data_dir, params_dir=params_dir, out_dir=out_dir,
                           notebooks_dir=notebooks_dir, jobs=jobs or os.cpu_count() or 1, force=force,
                           timeout=timeout, retries=retries, scheduler=scheduler, profile=profile) if spec.districts else []
    outcomes += _render_regions(runfile, spec, data_dir, params_dir, out_dir, notebooks_dir, jobs or os.cpu_count() or 1,
                                scheduler, force)
    write_index(out_dir)
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


@app.command()
@friendly
def validate(
    district: str = typer.Option(..., "--district", help="区县代码"),
    data_dir: Path = DataDir,
    out_dir: Path = OutDir,
) -> None:
    """校验区县数据,打印校验报告并写出 outputs/<区县>/validation.html。"""
    from bulletin.config import check_id
    from bulletin.data.validation import validate_district
    from bulletin.run.outputs import write_report_page

    _, report = validate_district(data_dir, check_id(district))
    typer.echo(report.to_text())
    typer.echo(f"校验报告页:{write_report_page(report, data_dir, out_dir)}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@friendly
def ingest(
    district: Optional[list[str]] = typer.Option(None, "--district", help="区县代码,可重复;省略则为数据目录下的全部区县"),
    jobs: int = typer.Option(2, "--jobs", min=1, help="并行进程数"),
    data_dir: Path = DataDir,
    out_dir: Path = OutDir,
) -> None:
    """校验并把区县数据转存为按月分区的 Parquet(仅处理导出文件有变化的区县)。"""
    from bulletin.config import check_id
    from bulletin.run.ingest import district_ids, ingest_many
    from bulletin.data.validation import TABLE_LABELS
    from bulletin.run.outputs import write_report_page

    chosen = [check_id(d) for d in district] if district else district_ids(data_dir)
    if not chosen:
        raise BulletinError(f"数据目录 {data_dir} 下没有区县数据文件夹。")
    failed = []
    for done in ingest_many(data_dir, chosen, jobs):
        if done.message is not None:
            typer.echo(f"{done.district}:失败——{done.message}", err=True)
            failed.append(done)
            continue
        if done.report is None:
            typer.echo(f"{done.district}:数据未变化,已是最新({done.seconds:.1f}秒)")
            continue
        page = write_report_page(done.report, data_dir, out_dir)
        rows = "、".join(f"{TABLE_LABELS[t]}{n}行" for t, n in done.rows.items())
        if done.ok and not done.stored:
            typer.echo(f"{done.district}:校验通过,但无法写入 {data_dir / '.store'}(目录不可写?),未入库。", err=True)
        elif done.ok:
            typer.echo(f"{done.district}:已入库 {rows or '无数据表'};错误0处,警告{done.warnings}处"
                       f"({done.seconds:.1f}秒)。校验报告页:{page}")
        else:
            typer.echo(f"{done.district}:未入库,错误{done.errors}处,警告{done.warnings}处。校验报告页:{page}", err=True)
            typer.echo(done.report.to_text(), err=True)
            failed.append(done)
    typer.echo(f"共{len(chosen)}个区县,成功{len(chosen) - len(failed)}个,失败{len(failed)}个。")
    if failed:
        raise typer.Exit(1)


@app.command()
@friendly
def preview(
    district: str = typer.Option(..., "--district", help="区县代码,如 yunhe"),
    period: str = typer.Option(..., "--period", help="统计期,如 2024-06"),
    kind: str = typer.Option("monthly", "--kind", help="通报类型"),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="端口(仅本机 127.0.0.1 可访问;0 为任一空闲端口)"),
    data_dir: Path = DataDir,
    params_dir: Path = ParamsDir,
    notebooks_dir: Path = NotebooksDir,
) -> None:
    """在本机预览一期通报:笔记本、参数、措辞模板或数据一经保存即重新生成,浏览器页面自动刷新(Ctrl-C 停止)。"""
    from bulletin.config import check_id, check_kind
    from bulletin.run.preview import Preview
    from bulletin.run.runner import default_notebooks_dir

    notebooks_dir = notebooks_dir or default_notebooks_dir()
    check_id(district)
    check_kind(kind)
    try:
        server = Preview(district, period, kind, data_dir=data_dir, params_dir=params_dir, notebooks_dir=notebooks_dir,
                         port=port, log=lambda text: typer.echo(text, err=True))
    except OSError as exc:
        raise BulletinError(f"无法在 127.0.0.1:{port} 上启动预览(端口被占用?换一个 --port):{exc.strerror}") from None
    typer.echo(f"预览地址:{server.url}  (Ctrl-C 停止)", err=True)
    server.serve()
    typer.echo("预览已停止。", err=True)


@app.command()
@friendly
def index(out_dir: Path = OutDir) -> None:
    """重建 outputs/index.html。"""
    from bulletin.run.index_page import write_index

    typer.echo(f"索引页:{write_index(out_dir)}")


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
