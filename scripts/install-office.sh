#!/bin/sh
# WeasyPrint (the PDF layout engine) needs Pango, for every render (`make demo` too). With --libreoffice, also
# LibreOffice headless (libreoffice-writer-nogui), which only the test that opens a .docx in a real word
# processor uses (`make setup` / `make test`). Both from Debian's registry.
set -e
missing=""
# Each library on its own: a machine that has Pango from elsewhere may still lack HarfBuzz's subsetter, without
# which WeasyPrint falls back to fontTools and spends some 15 s per PDF subsetting the CJK fonts.
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0" || missing="$missing libharfbuzz-subset0"
if [ "$1" = "--libreoffice" ]; then
  command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
fi
if [ -z "$missing" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装$missing(生成 PDF 与 Word 文件检查)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
else
  echo "警告:缺少$missing。PDF 需要 Pango;LibreOffice 仅用于测试。请以 root 运行 make setup。" >&2
fi
