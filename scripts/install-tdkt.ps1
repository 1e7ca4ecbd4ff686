<#
.SYNOPSIS
  Install tdkt (the TDKT add-in for Excel) on a Windows PC: offline, no administrator rights.

.DESCRIPTION
  Run from the USB folder that holds this script, tdkt_install.py, tdkt.xlam and wheelhouse\:
    powershell -NoProfile -ExecutionPolicy Bypass -File .\install-tdkt.ps1
  1. Stops if Excel is running (a running Excel keeps the add-in and the venv locked).
  2. Chooses the Python: tdkt_install.py "choose" (64-bit CPython from python.org, not the
     Microsoft Store build, a version the wheelhouse has wheels for; the newest such).
  3. Creates %LOCALAPPDATA%\tdkt\venv and installs the wheelhouse into it with pip
     --no-index --require-hashes (every wheel pinned and hashed).
  4. Checks both xlwings DLLs are in the venv root (64-bit and 32-bit Office).
  5. Writes %USERPROFILE%\.tdkt\tdkt.conf: ASCII, no BOM, %LOCALAPPDATA% kept as a variable.
  6. Copies tdkt.xlam into the per-user XLSTART folder (a default trusted location) and removes
     its Mark of the Web (Unblock-File).
  7. Runs tdkt once from the venv.

  This file is ASCII on purpose: Windows PowerShell 5.1 reads a script without a BOM in the ANSI
  code page. The Vietnamese messages are written as \u escapes and decoded at run time
  ([regex]::Unescape); tests/test_installer_script.py checks both rules and parses the script.
#>
param(
  [string]$Wheelhouse = "",
  [string]$Addin = "",
  [string]$Python = "",
  [string]$Venv = ""
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version 2

$Messages = @{
  start                            = 'C\u00e0i \u0111\u1eb7t tdkt (add-in T\u0110KT cho Excel): kh\u00f4ng c\u1ea7n m\u1ea1ng, kh\u00f4ng c\u1ea7n quy\u1ec1n qu\u1ea3n tr\u1ecb.'
  excel_running                    = 'Excel \u0111ang m\u1edf. H\u00e3y l\u01b0u c\u00f4ng vi\u1ec7c, \u0111\u00f3ng m\u1ecdi c\u1eeda s\u1ed5 Excel r\u1ed3i ch\u1ea1y l\u1ea1i t\u1eadp l\u1ec7nh n\u00e0y (khi Excel \u0111ang m\u1edf, add-in v\u00e0 m\u00f4i tr\u01b0\u1eddng Python kh\u00f4ng thay \u0111\u01b0\u1ee3c).'
  missing_file                     = 'Kh\u00f4ng t\u00ecm th\u1ea5y t\u1ec7p ho\u1eb7c th\u01b0 m\u1ee5c: '
  no_runner                        = 'Kh\u00f4ng t\u00ecm th\u1ea5y Python n\u00e0o tr\u00ean m\u00e1y. H\u00e3y c\u00e0i Python 64-bit b\u1ea3n python.org (t\u1ec7p python-3.x.x-amd64.exe tr\u00ean USB, ch\u1ecdn Install for me only) r\u1ed3i ch\u1ea1y l\u1ea1i.'
  candidates                       = 'C\u00e1c b\u1ea3n Python t\u00ecm th\u1ea5y:'
  no_python                        = 'Kh\u00f4ng c\u00f3 b\u1ea3n Python d\u00f9ng \u0111\u01b0\u1ee3c. C\u1ea7n Python 64-bit b\u1ea3n python.org, m\u1ed9t trong c\u00e1c phi\u00ean b\u1ea3n: '
  reason_chosen                    = '\u0111\u01b0\u1ee3c ch\u1ecdn'
  reason_acceptable                = 'd\u00f9ng \u0111\u01b0\u1ee3c'
  reason_not_cpython               = 'kh\u00f4ng ph\u1ea3i CPython'
  reason_not_64bit                 = 'b\u1ea3n 32-bit: c\u1ea7n b\u1ea3n 64-bit (Office 32-bit v\u1eabn d\u00f9ng \u0111\u01b0\u1ee3c Python 64-bit)'
  reason_store_build               = 'b\u1ea3n Microsoft Store: xlwings kh\u00f4ng d\u00f9ng \u0111\u01b0\u1ee3c, h\u00e3y c\u00e0i b\u1ea3n python.org'
  reason_version_not_in_wheelhouse = 'phi\u00ean b\u1ea3n n\u00e0y kh\u00f4ng c\u00f3 trong b\u1ed9 g\u00f3i (wheelhouse)'
  reason_does_not_run              = 'kh\u00f4ng ch\u1ea1y \u0111\u01b0\u1ee3c'
  reason_free_threaded             = 'b\u1ea3n free-threaded (3.13t): b\u1ed9 g\u00f3i kh\u00f4ng h\u1ee3p, h\u00e3y d\u00f9ng b\u1ea3n th\u01b0\u1eddng'
  reason_wrong_platform            = 'b\u1ea3n cho m\u00e1y ARM64: b\u1ed9 g\u00f3i ch\u1ec9 c\u00f3 cho m\u00e1y x64'
  python_chosen                    = 'Python \u0111\u01b0\u1ee3c ch\u1ecdn: '
  venv                             = 'T\u1ea1o m\u00f4i tr\u01b0\u1eddng Python ri\u00eang cho tdkt: '
  venv_failed                      = 'Kh\u00f4ng t\u1ea1o \u0111\u01b0\u1ee3c m\u00f4i tr\u01b0\u1eddng Python (venv).'
  pip                              = 'C\u00e0i tdkt t\u1eeb b\u1ed9 g\u00f3i tr\u00ean USB (kh\u00f4ng d\u00f9ng m\u1ea1ng)...'
  pip_failed                       = 'C\u00e0i g\u00f3i th\u1ea5t b\u1ea1i: b\u1ed9 g\u00f3i (wheelhouse) thi\u1ebfu g\u00f3i ho\u1eb7c c\u00f3 t\u1ec7p b\u1ecb h\u1ecfng. H\u00e3y ch\u00e9p l\u1ea1i th\u01b0 m\u1ee5c wheelhouse t\u1eeb b\u1ed9 c\u00e0i.'
  dll_missing                      = 'Thi\u1ebfu t\u1ec7p c\u1ee7a xlwings trong m\u00f4i tr\u01b0\u1eddng Python: '
  dll_ok                           = 'xlwings v\u00e0 hai t\u1ec7p DLL (cho Office 64-bit v\u00e0 32-bit): \u0111\u1ee7. Phi\u00ean b\u1ea3n xlwings: '
  config_written                   = '\u0110\u00e3 ghi c\u1ea5u h\u00ecnh ng\u01b0\u1eddi d\u00f9ng: '
  config_failed                    = 'Kh\u00f4ng ghi \u0111\u01b0\u1ee3c c\u1ea5u h\u00ecnh ng\u01b0\u1eddi d\u00f9ng.'
  addin_copied                     = '\u0110\u00e3 ch\u00e9p add-in v\u00e0o th\u01b0 m\u1ee5c kh\u1edfi \u0111\u1ed9ng c\u1ee7a Excel (v\u1ecb tr\u00ed tin c\u1eady m\u1eb7c \u0111\u1ecbnh): '
  check                            = 'Ki\u1ec3m tra tdkt trong m\u00f4i tr\u01b0\u1eddng v\u1eeba c\u00e0i...'
  check_failed                     = 'Kh\u00f4ng ch\u1ea1y \u0111\u01b0\u1ee3c tdkt trong m\u00f4i tr\u01b0\u1eddng v\u1eeba c\u00e0i: xem th\u00f4ng b\u00e1o \u1edf tr\u00ean.'
  done                             = 'Xong. M\u1edf Excel: th\u1ebb T\u0110KT xu\u1ea5t hi\u1ec7n tr\u00ean ribbon. Th\u1eed g\u00f5 v\u00e0o m\u1ed9t \u00f4: =TDKT_TYLE(7;10) (k\u1ebft qu\u1ea3 70).'
}

function Get-Message([string]$Key) {
  return [regex]::Unescape($Messages[$Key])
}

function Write-Step([string]$Key, [string]$Detail = "") {
  Write-Host ((Get-Message $Key) + $Detail)
}

function Stop-Install([string]$Key, [string]$Detail = "") {
  Write-Host ((Get-Message $Key) + $Detail) -ForegroundColor Red
  exit 1
}

function Invoke-Native([string]$Exe, [string[]]$Arguments) {
  # Under "Stop", Windows PowerShell 5.1 turns a native program's redirected stderr line into a
  # terminating error: run native programs under "Continue" and judge them by their exit code.
  $ErrorActionPreference = "Continue"
  try {
    $output = & $Exe @Arguments 2>$null
    $code = $LASTEXITCODE
  } catch {
    $output = @()
    $code = -1
  }
  return [pscustomobject]@{ Code = $code; Output = (@($output) -join "`n") }
}

function Invoke-Visible([string]$Exe, [string[]]$Arguments) {
  $ErrorActionPreference = "Continue"
  try {
    & $Exe @Arguments | Out-Host
    return $LASTEXITCODE
  } catch {
    return -1
  }
}

function Resolve-Input([string]$Given, [string]$Default) {
  $path = $Given
  if (-not $path) { $path = Join-Path $PSScriptRoot $Default }
  if (-not (Test-Path -LiteralPath $path)) { Stop-Install "missing_file" $path }
  return (Resolve-Path -LiteralPath $path).Path
}

# Python's own output (tdkt, pip) in UTF-8, and decoded as UTF-8 here.
$env:PYTHONUTF8 = "1"
try { [Console]::OutputEncoding = [System.Text.Encoding]::UTF8 } catch { }

Write-Step "start"
if (Get-Process -Name "EXCEL" -ErrorAction SilentlyContinue) { Stop-Install "excel_running" }

$Wheelhouse = Resolve-Input $Wheelhouse "wheelhouse"
$Addin = Resolve-Input $Addin "tdkt.xlam"
$Helper = Resolve-Input "" "tdkt_install.py"
$Requirements = Resolve-Input (Join-Path $Wheelhouse "requirements.txt") "wheelhouse\requirements.txt"

# Any Python 3 can run the helper, which then chooses the interpreter for the venv.
$runners = @()
$launcher = Get-Command "py.exe" -ErrorAction SilentlyContinue
if ($launcher) { $runners += , @($launcher.Path, "-3") }
$patterns = @((Join-Path $env:LOCALAPPDATA "Programs\Python\Python3*\python.exe"),
              (Join-Path $env:ProgramFiles "Python3*\python.exe"))
foreach ($pattern in $patterns) {
  foreach ($found in @(Get-ChildItem -Path $pattern -ErrorAction SilentlyContinue)) {
    $runners += , @($found.FullName)
  }
}
$choice = $null
foreach ($runner in $runners) {
  $helperArgs = @($runner | Select-Object -Skip 1) + @($Helper, "choose", "--wheelhouse", $Wheelhouse)
  if ($Python) { $helperArgs += @("--given", $Python) }
  $result = Invoke-Native $runner[0] $helperArgs
  if ($result.Code -eq 0 -or $result.Code -eq 3) {
    $choice = $result.Output | ConvertFrom-Json
    break
  }
}
if ($null -eq $choice) { Stop-Install "no_runner" }
if (-not $choice.chosen) {
  Write-Step "candidates"
  foreach ($candidate in @($choice.candidates)) {
    Write-Host ("  " + $candidate.path + " (" + $candidate.version + "): " + (Get-Message ("reason_" + $candidate.verdict)))
  }
  Stop-Install "no_python" (@($choice.accepted) -join ", ")
}
$py = $choice.chosen
Write-Step "python_chosen" $py

# -Venv C:\tdkt\venv: for a Windows user name with letters outside the ANSI code page, which
# xlwings' VBA passes to the DLL as ANSI text.
$venvDir = $Venv
# Path.Combine keeps a rooted path as it is (Join-Path would glue "C:\a" and "C:\b")
if ($venvDir) { $venvDir = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine((Get-Location).Path, $venvDir)) }
if (-not $venvDir) { $venvDir = Join-Path $env:LOCALAPPDATA "tdkt\venv" }
Write-Step "venv" $venvDir
if ((Invoke-Visible $py @("-m", "venv", "--clear", $venvDir)) -ne 0) { Stop-Install "venv_failed" }
$venvPy = Join-Path $venvDir "Scripts\python.exe"

Write-Step "pip"
$pipArgs = @("-m", "pip", "install", "--no-index", "--find-links", $Wheelhouse, "--require-hashes",
             "-r", $Requirements, "--disable-pip-version-check", "--no-warn-script-location")
if ((Invoke-Visible $venvPy $pipArgs) -ne 0) { Stop-Install "pip_failed" }

$result = Invoke-Native $venvPy @($Helper, "verify", "--venv", $venvDir)
if ($result.Code -ne 0) {
  $missing = $result.Output
  if ($result.Code -eq 4) { $missing = (@(($result.Output | ConvertFrom-Json).missing) -join ", ") }
  Stop-Install "dll_missing" $missing
}
Write-Step "dll_ok" ($result.Output | ConvertFrom-Json).xlwings

$config = Join-Path $env:USERPROFILE ".tdkt\tdkt.conf"
$result = Invoke-Native $venvPy @($Helper, "write-config", "--venv", $venvDir, "--config", $config)
if ($result.Code -ne 0) { Stop-Install "config_failed" (" " + $result.Output) }
Write-Step "config_written" $config

$xlstart = Join-Path $env:APPDATA "Microsoft\Excel\XLSTART"
New-Item -ItemType Directory -Force -Path $xlstart | Out-Null
$installed = Join-Path $xlstart "tdkt.xlam"
Copy-Item -LiteralPath $Addin -Destination $installed -Force
if (Get-Command "Unblock-File" -ErrorAction SilentlyContinue) { Unblock-File -LiteralPath $installed }
Write-Step "addin_copied" $xlstart

Write-Step "check"
if ((Invoke-Visible $venvPy @("-m", "addin", "--version")) -ne 0) { Stop-Install "check_failed" }
if ((Invoke-Visible $venvPy @("-c", "import addin.udfs, addin.macros")) -ne 0) { Stop-Install "check_failed" }
Write-Step "done"
