#!/bin/sh
# Install bulletin on a machine without network from a bundle made by scripts/build-wheelhouse.sh.
# Usage: sh install-offline.sh WHEELHOUSE [VENV] [EXTRAS]
#   VENV    the virtual environment to create or reuse (default ./bulletin-venv)
#   EXTRAS  e.g. lab,cluster (default: every extra the bundle holds wheels for: lab and cluster when present)
# Needs Python 3.11 (python3.11 or python3; PYTHON=... to choose). Never touches the network (pip --no-index).
set -eu

if [ $# -lt 1 ]; then
  echo "用法:sh install-offline.sh 离线包目录 [虚拟环境目录] [extras,如 lab,cluster]" >&2
  exit 2
fi
WH=$(cd "$1" && pwd)
VENV=${2:-bulletin-venv}
if [ ! -d "$WH/wheels" ] || ! ls "$WH"/wheels/bulletin-*.whl >/dev/null 2>&1; then
  echo "错误:$WH 不是离线安装包(缺少 wheels/bulletin-*.whl)。" >&2
  exit 1
fi
if [ $# -ge 3 ]; then
  EXTRAS=$3
else
  EXTRAS=""
  ls "$WH"/wheels/jupyterlab-*.whl >/dev/null 2>&1 && EXTRAS="lab"
  ls "$WH"/wheels/distributed-*.whl >/dev/null 2>&1 && EXTRAS="${EXTRAS:+$EXTRAS,}cluster"
fi
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  command -v python3.11 >/dev/null 2>&1 && PYTHON=python3.11
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "错误:需要 Python 3.11($PYTHON 的版本不符)。可用 PYTHON=/路径/python3.11 指定。" >&2
  exit 1
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
REQ=bulletin
[ -n "$EXTRAS" ] && REQ="bulletin[$EXTRAS]"
echo "安装 $REQ 到 $VENV(离线)..."
"$VENV/bin/python" -m pip install -q --no-index --find-links "$WH/wheels" -c "$WH/constraints.txt" "$REQ"
"$VENV/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (bulletin)" >/dev/null

if [ -d "$WH/fonts" ] && ls "$WH"/fonts/*.ttc >/dev/null 2>&1; then
  if command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q "Noto Sans CJK SC"; then
    :
  else
    FONT_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/fonts"  # read by bulletin's charts (and by fontconfig)
    mkdir -p "$FONT_DIR"
    cp "$WH"/fonts/*.ttc "$WH"/fonts/LICENSE-* "$FONT_DIR/" 2>/dev/null || true
    echo "已安装中文字体到 $FONT_DIR"
  fi
fi
echo "完成。命令:$VENV/bin/bulletin(新建项目:$VENV/bin/bulletin init 文件夹 --district 代码 --name 名称)"
