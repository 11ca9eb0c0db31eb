#!/bin/sh
# LibreOffice headless (libreoffice-writer-nogui) from Debian's registry, only for the test that opens a .docx in a
# real word processor (`make setup` / `make test`). Rendering needs none of it: Word files are written by
# python-docx and PDFs by Typst, both from wheels.
set -e
if [ "$1" != "--libreoffice" ] || command -v soffice >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装 libreoffice-writer-nogui(测试用:检查 Word 文件能被文字处理软件打开)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libreoffice-writer-nogui >/dev/null
else
  echo "警告:缺少 libreoffice-writer-nogui,相关测试将跳过。请以 root 运行 make setup。" >&2
fi
