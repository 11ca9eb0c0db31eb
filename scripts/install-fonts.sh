#!/bin/sh
# Chinese fonts for the charts and the PDF (all free, from Debian's registry):
#   fonts-noto-cjk     Noto Sans CJK SC (黑体 role, charts) and Noto Serif CJK SC (仿宋 and 小标宋 roles), OFL
#   fonts-arphic-ukai  AR PL UKai CN (楷体 role), Arphic Public License
#   fonts-arphic-uming AR PL UMing CN (fallback for the Song/仿宋 role), Arphic Public License
# matplotlib registers Noto Sans CJK SC explicitly (bulletin.document.charts); Typst (the PDF) finds them in the system font folders.
set -e
missing=""
fc-list 2>/dev/null | grep -q "Noto Sans CJK SC" || missing="$missing fonts-noto-cjk"
fc-list 2>/dev/null | grep -q "AR PL UKai CN" || missing="$missing fonts-arphic-ukai"
fc-list 2>/dev/null | grep -q "AR PL UMing CN" || missing="$missing fonts-arphic-uming"
if [ -z "$missing" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装中文字体$missing ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
else
  echo "警告:缺少中文字体($missing),图表和 PDF 中的中文可能显示为方框或改用其他字体。请以 root 运行 make setup。" >&2
fi
