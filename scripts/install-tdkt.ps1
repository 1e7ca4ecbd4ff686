<#
.SYNOPSIS
  Cài đặt tdkt (add-in TĐKT cho Excel) trên máy Windows không có Internet.

.DESCRIPTION
  Chạy trong PowerShell của người dùng sẽ dùng Excel (không cần quyền quản trị):
    powershell -ExecutionPolicy Bypass -File install-tdkt.ps1 -Wheelhouse .\wheelhouse -Addin .\tdkt.xlam
  1. Tìm Python 3.11+ bản python.org (không dùng bản Microsoft Store).
  2. Tạo môi trường riêng %LOCALAPPDATA%\tdkt\venv, cài tdkt từ thư mục wheelhouse (không tải mạng).
  3. Ghi cấu hình người dùng %USERPROFILE%\.tdkt\tdkt.conf (đường dẫn Python).
  4. Chép tdkt.xlam vào thư mục XLSTART của Excel.
  5. Kiểm tra: import addin, phiên bản xlwings khớp với add-in.
#>
param(
  [Parameter(Mandatory = $true)][string]$Wheelhouse,
  [Parameter(Mandatory = $true)][string]$Addin,
  [string]$Python = ""
)
$ErrorActionPreference = "Stop"

function Find-Python {
  param([string]$Given)
  if ($Given) { return (Resolve-Path $Given).Path }
  $candidates = @()
  $launcher = Get-Command py.exe -ErrorAction SilentlyContinue
  if ($launcher) {
    foreach ($v in @("3.13", "3.12", "3.11")) {
      $exe = & py.exe "-$v" -c "import sys; print(sys.executable)" 2>$null
      if ($LASTEXITCODE -eq 0 -and $exe) { $candidates += $exe.Trim() }
    }
  }
  $candidates += Get-ChildItem "$env:LOCALAPPDATA\Programs\Python\Python31*\python.exe" -ErrorAction SilentlyContinue | ForEach-Object { $_.FullName }
  $candidates += Get-ChildItem "$env:ProgramFiles\Python31*\python.exe" -ErrorAction SilentlyContinue | ForEach-Object { $_.FullName }
  foreach ($exe in $candidates) {
    if ($exe -like "*WindowsApps*") { continue }  # Microsoft Store Python: COM server fails
    return $exe
  }
  throw "Không tìm thấy Python 3.11+ (bản python.org). Cài Python từ bộ cài kèm theo rồi chạy lại."
}

$py = Find-Python $Python
Write-Host "Python: $py"
if ($py -like "*WindowsApps*") { throw "Đây là Python của Microsoft Store: không dùng được với xlwings. Hãy cài bản python.org." }
& $py -c "import sys; assert sys.version_info >= (3, 11), sys.version" 
if ($LASTEXITCODE -ne 0) { throw "Cần Python 3.11 trở lên." }

$venv = Join-Path $env:LOCALAPPDATA "tdkt\venv"
Write-Host "Tạo môi trường Python riêng cho tdkt: $venv"
& $py -m venv --clear $venv
if ($LASTEXITCODE -ne 0) { throw "Không tạo được môi trường Python (venv)." }
$venvPy = Join-Path $venv "Scripts\python.exe"
$pythonw = Join-Path $venv "Scripts\pythonw.exe"

Write-Host "Cài tdkt từ $Wheelhouse (không dùng mạng)..."
& $venvPy -m pip install --no-index --find-links $Wheelhouse tdkt pywin32 colorama
if ($LASTEXITCODE -ne 0) { throw "pip install thất bại: kiểm tra thư mục wheelhouse có đủ gói." }

# The add-in's VBA loads xlwings64-<version>.dll from beside the interpreter or its parent
# folder (the venv root): check it is there and matches the add-in's xlwings version.
$xlwingsVersion = (& $venvPy -c "import xlwings; print(xlwings.__version__)").Trim()
$dll = Join-Path $venv "xlwings64-$xlwingsVersion.dll"
if (-not (Test-Path $dll)) { throw "Thiếu $dll: bộ cài xlwings không đầy đủ." }
Write-Host "xlwings $xlwingsVersion, DLL: $dll"

$confDir = Join-Path $env:USERPROFILE ".tdkt"
New-Item -ItemType Directory -Force -Path $confDir | Out-Null
$conf = @(
  '"Interpreter_Win","' + $pythonw + '"',
  '"UDF Modules","addin.udfs"'
)
Set-Content -Path (Join-Path $confDir "tdkt.conf") -Value $conf -Encoding UTF8
Write-Host "Đã ghi cấu hình: $confDir\tdkt.conf"

$xlstart = Join-Path $env:APPDATA "Microsoft\Excel\XLSTART"
New-Item -ItemType Directory -Force -Path $xlstart | Out-Null
Copy-Item -Force $Addin (Join-Path $xlstart "tdkt.xlam")
Write-Host "Đã chép add-in vào $xlstart"

Write-Host "Kiểm tra..."
& $venvPy -c "import addin, addin.udfs, addin.macros; print('tdkt', addin.__version__)"
if ($LASTEXITCODE -ne 0) { throw "Không import được tdkt: xem thông báo ở trên." }
& $venvPy -m addin rules show | Select-Object -First 3
Write-Host "Xong. Mở Excel: thẻ TĐKT xuất hiện trên ribbon. Xem docs/cai-dat-add-in.md để kiểm tra."
