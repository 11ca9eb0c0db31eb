#!/bin/sh
# The browser tests (tests/test_browser.py) drive Debian's chromium through Playwright: a browser
# download by Playwright itself is not possible on offline machines, so the distribution's package is used.
set -e
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装浏览器 chromium(用于浏览器测试)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
else
  echo "警告:未找到 chromium,浏览器测试将被跳过。请以 root 运行 make setup,或执行 apt-get install chromium。" >&2
fi
