# Install bulletin on a Windows x86-64 machine without network from a bundle made by scripts/build-wheelhouse.sh.
# Usage: powershell -ExecutionPolicy Bypass -File install-offline.ps1 -Wheelhouse D:\wheelhouse [-Venv bulletin-venv] [-Extras lab,cluster]
# Needs Python 3.11 (the `py` launcher or python.exe on PATH). Never touches the network (pip --no-index).
param(
    [Parameter(Mandatory = $true)][string]$Wheelhouse,
    [string]$Venv = "bulletin-venv",
    [string]$Extras = $null
)
$ErrorActionPreference = "Stop"
$wh = (Resolve-Path $Wheelhouse).Path
$wheels = Join-Path $wh "wheels"
if (-not (Get-ChildItem -Path $wheels -Filter "bulletin-*.whl" -ErrorAction SilentlyContinue)) {
    Write-Error "错误:$wh 不是离线安装包(缺少 wheels\bulletin-*.whl)。"
}
if ($null -eq $Extras -or $Extras -eq "") {
    $parts = @()
    if (Get-ChildItem -Path $wheels -Filter "jupyterlab-*.whl" -ErrorAction SilentlyContinue) { $parts += "lab" }
    if (Get-ChildItem -Path $wheels -Filter "distributed-*.whl" -ErrorAction SilentlyContinue) { $parts += "cluster" }
    $Extras = $parts -join ","
}
$python = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $python)) {
    if (Get-Command py -ErrorAction SilentlyContinue) { & py -3.11 -m venv $Venv } else { & python -m venv $Venv }
    if ($LASTEXITCODE -ne 0) { Write-Error "错误:无法用 Python 3.11 创建虚拟环境 $Venv。" }
}
$req = "bulletin"
if ($Extras) { $req = "bulletin[$Extras]" }
Write-Host "安装 $req 到 $Venv(离线)..."
& $python -m pip install -q --no-index --find-links $wheels -c (Join-Path $wh "constraints.txt") $req
if ($LASTEXITCODE -ne 0) {
    Write-Error "安装失败:可能有包缺少 Windows 版本,见 $(Join-Path $wh 'MISSING-windows.txt')。"
}
& $python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (bulletin)" | Out-Null

# Fonts for the charts: per-user fonts folder (no administrator rights needed); matplotlib reads it.
$fonts = Join-Path $wh "fonts"
if (Test-Path $fonts) {
    $target = Join-Path $env:LOCALAPPDATA "Microsoft\Windows\Fonts"
    New-Item -ItemType Directory -Force -Path $target | Out-Null
    Get-ChildItem -Path $fonts -Filter "*.ttc" | ForEach-Object { Copy-Item $_.FullName -Destination $target -Force }
    Write-Host "已复制中文字体到 $target"
}
Write-Host "完成。命令:$(Join-Path $Venv 'Scripts\bulletin.exe')(新建项目:bulletin init 文件夹 --district 代码 --name 名称)"
