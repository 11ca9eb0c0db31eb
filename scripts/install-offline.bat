@echo off
chcp 65001 >nul
rem Install bulletin offline on Windows: install-offline.bat WHEELHOUSE [VENV] [EXTRAS]
rem Runs install-offline.ps1 beside this file (PowerShell, no administrator rights needed).
if "%~1"=="" (
  echo 用法: install-offline.bat 离线包目录 [虚拟环境目录] [extras]
  exit /b 2
)
set "VENV=%~2"
if "%VENV%"=="" set "VENV=bulletin-venv"
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install-offline.ps1" -Wheelhouse "%~1" -Venv "%VENV%" -Extras "%~3"
exit /b %ERRORLEVEL%
