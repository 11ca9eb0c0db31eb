#!/bin/sh
# Charts need a CJK font (Noto Sans CJK SC, OFL) so that Chinese renders as glyphs, not boxes.
# Installed from Debian's registry; matplotlib registers the file explicitly (bulletin.document.charts).
set -e
if fc-list 2>/dev/null | grep -q "Noto Sans CJK SC"; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装中文字体 fonts-noto-cjk ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk >/dev/null
else
  echo "警告:未找到中文字体 Noto Sans CJK SC,图表中的中文可能显示为方框。请安装 fonts-noto-cjk。" >&2
fi
