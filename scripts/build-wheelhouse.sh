#!/bin/sh
# Build an offline install bundle (wheelhouse) for machines without internet (政务内网):
#   wheels/     every pinned wheel of the core install and the chosen extras, for Linux x86-64 (CPython 3.11) and,
#               where PyPI has them, Windows x86-64; plus the wheel of bulletin itself
#   fonts/      the CJK fonts the charts use (Noto Sans/Serif CJK from Debian's fonts-noto-cjk) with their licence
#   constraints.txt, install-offline.sh, install-offline.ps1, install-offline.bat, README.txt
# Usage: scripts/build-wheelhouse.sh [OUT] [--extras lab,cluster] [--no-windows] [--no-fonts] [--python PY]
#                                     [--python-version 3.11.N]
# The wheels are chosen for the Python version given (default: that of PY); some pins need a recent 3.11
# (soupsieve 4.1.3 needs 3.11.5 or later), so the offline machine needs at least that version.
# Run on a machine that reaches PyPI; copy OUT to the offline machine and run OUT/install-offline.sh OUT there.
# Not included: the browser for the tests ([dev] is not bundled), Python itself, the build tools.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=""
EXTRAS="lab,cluster"
WINDOWS=1
FONTS=1
PYTHON=${PYTHON:-python3}
PY_VERSION=""
while [ $# -gt 0 ]; do
  case "$1" in
    --extras) EXTRAS="$2"; shift 2 ;;
    --no-windows) WINDOWS=0; shift ;;
    --no-fonts) FONTS=0; shift ;;
    --python) PYTHON="$2"; shift 2 ;;
    --python-version) PY_VERSION="$2"; shift 2 ;;
    -*) echo "未知选项:$1" >&2; exit 2 ;;
    *) OUT="$1"; shift ;;
  esac
done
OUT=${OUT:-$ROOT/wheelhouse}
PY_VERSION=${PY_VERSION:-$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')}
LINUX_PLATFORMS="--platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_5_x86_64 --platform linux_x86_64"
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS || true  # only PyPI and what we build: no stray local wheels in the bundle

mkdir -p "$OUT/wheels"
OUT=$(cd "$OUT" && pwd)
echo "构建 bulletin 的 wheel ..."
rm -f "$OUT"/wheels/bulletin-*.whl
# From a clean copy of what the package is made of: a build/ folder left in the checkout could add stale modules.
SRC=$(mktemp -d)
trap 'rm -rf "$SRC"' EXIT
cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$SRC/"
(cd "$ROOT" && tar cf - --exclude=__pycache__ --exclude='*.egg-info' lib) | (cd "$SRC" && tar xf -)
"$PYTHON" -m pip wheel -q --no-deps -w "$OUT/wheels" "$SRC"
WHEEL=$(ls "$OUT"/wheels/bulletin-*.whl | head -n 1)
REQ="$WHEEL"
[ -n "$EXTRAS" ] && REQ="$WHEEL[$EXTRAS]"

echo "下载 Linux x86-64 的依赖(按 constraints.txt 锁定的版本)..."
"$PYTHON" -m pip download -q -d "$OUT/wheels" -c "$ROOT/constraints.txt" --only-binary=:all: \
  $LINUX_PLATFORMS --python-version "$PY_VERSION" --implementation cp "$REQ"

: > "$OUT/MISSING-windows.txt"
if [ "$WINDOWS" = 1 ]; then
  echo "下载 Windows x86-64 的二进制依赖(PyPI 上有的)..."
  WIN="--only-binary=:all: --platform win_amd64 --python-version $PY_VERSION --implementation cp"
  if ! "$PYTHON" -m pip download -q -d "$OUT/wheels" -c "$ROOT/constraints.txt" $WIN "$REQ" 2>/dev/null; then
    # Some package has no Windows wheel: fetch the others one by one and list the missing ones.
    # Pure-Python wheels (*-none-any) serve both systems; only the compiled ones need a Windows build.
    for whl in "$OUT"/wheels/*.whl; do
      case "$whl" in *-none-any.whl|*win_amd64*) continue ;; esac
      base=$(basename "$whl")
      name=$(echo "$base" | cut -d- -f1)
      version=$(echo "$base" | cut -d- -f2)
      ls "$OUT"/wheels/"$name"-"$version"-*win_amd64.whl >/dev/null 2>&1 && continue
      "$PYTHON" -m pip download -q --no-deps -d "$OUT/wheels" $WIN "$name==$version" 2>/dev/null \
        || echo "$name==$version" >> "$OUT/MISSING-windows.txt"
    done
  fi
  # pip evaluates environment markers for this machine: dependencies only Windows has (colorama, pywinpty ...)
  # are asked for explicitly.
  "$PYTHON" "$ROOT/scripts/windows_requirements.py" "$OUT/wheels" | while read -r requirement; do
    [ -n "$requirement" ] || continue
    "$PYTHON" -m pip download -q -d "$OUT/wheels" -c "$ROOT/constraints.txt" $WIN "$requirement" 2>/dev/null \
      || echo "$requirement" >> "$OUT/MISSING-windows.txt"
  done
  if [ -s "$OUT/MISSING-windows.txt" ]; then
    echo "注意:以下包在 PyPI 上没有 Windows x86-64 的 wheel(见 MISSING-windows.txt):" >&2
    cat "$OUT/MISSING-windows.txt" >&2
  fi
fi

if [ "$FONTS" = 1 ]; then
  mkdir -p "$OUT/fonts"
  found=0
  for f in /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc \
           /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc; do
    if [ -f "$f" ]; then cp "$f" "$OUT/fonts/"; found=1; fi
  done
  if [ "$found" = 1 ] && [ -f /usr/share/doc/fonts-noto-cjk/copyright ]; then
    cp /usr/share/doc/fonts-noto-cjk/copyright "$OUT/fonts/LICENSE-fonts-noto-cjk.txt"  # SIL Open Font License 1.1
  else
    echo "警告:本机没有 fonts-noto-cjk(apt-get install fonts-noto-cjk),离线包不含中文字体。" >&2
  fi
fi

cp "$ROOT/constraints.txt" "$OUT/constraints.txt"
cp "$ROOT/scripts/install-offline.sh" "$ROOT/scripts/install-offline.ps1" "$ROOT/scripts/install-offline.bat" "$OUT/"
chmod +x "$OUT/install-offline.sh"
cat > "$OUT/README.txt" <<EOF
bulletin 离线安装包(extras: ${EXTRAS:-无};适用于 Python $PY_VERSION 及以上的 3.11 版本)

Linux(含麒麟、统信UOS,x86-64,需 Python 3.11):  sh install-offline.sh .   [目标虚拟环境,默认 ./bulletin-venv]
Windows(x86-64,需 Python 3.11):                  install-offline.bat .     或 powershell -File install-offline.ps1 -Wheelhouse .
安装时不访问网络(pip --no-index --find-links wheels)。字体 fonts/ 为 Noto CJK(SIL OFL 1.1,见 fonts/LICENSE-fonts-noto-cjk.txt)。
不含:Python 本身、测试工具与浏览器([dev])、Windows 上缺少 wheel 的包(见 MISSING-windows.txt)。
安装后新建项目:bulletin init 我的项目 --district 代码 --name 名称
EOF
echo "离线安装包:$OUT"
echo "大小:全部 $(du -sh "$OUT" | cut -f1),wheels $(du -sh "$OUT/wheels" | cut -f1)$([ -d "$OUT/fonts" ] && echo ",fonts $(du -sh "$OUT/fonts" | cut -f1)")"
