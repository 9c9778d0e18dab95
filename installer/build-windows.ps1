# Build the Windows app: a one-folder PyInstaller bundle and a zip of it.
#
#   powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1
#
# makes dist\human-pretraining\ with human-pretraining.exe (the command line) and
# human-pretrainingw.exe (the same app without a console window: pin this one to
# the Start menu; "autostart on" uses it), and
# dist\human-pretraining-VERSION-windows-ARCH.zip. Unzip it anywhere you can write,
# e.g. %LOCALAPPDATA%\Programs. The executables are not signed, so SmartScreen may
# ask once ("More info" -> "Run anyway").
# Settings as in build-linux.sh: $env:BUNDLE_PYTHON, $env:DIST_DIR, $env:WORK_DIR.
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root
$dist = if ($env:DIST_DIR) { $env:DIST_DIR } else { Join-Path $root "dist" }
$work = if ($env:WORK_DIR) { $env:WORK_DIR } else { Join-Path $root "build" }

function Invoke-Checked([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe $arguments failed with exit code $LASTEXITCODE" }
}

if ($env:BUNDLE_PYTHON) {
    $python = $env:BUNDLE_PYTHON
} else {
    Invoke-Checked "py" @("-3.11", "-m", "venv", (Join-Path $work "bundle-venv"))
    $python = Join-Path $work "bundle-venv\Scripts\python.exe"
    Invoke-Checked $python @("-m", "pip", "install", "-q", "--upgrade", "pip")
    # Pillow lets PyInstaller turn the PNG icon into the .ico Windows needs.
    Invoke-Checked $python @("-m", "pip", "install", "-q", ".[bundle]")
}

Invoke-Checked $python @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--workpath", (Join-Path $work "pyinstaller"), "--distpath", $dist,
    "installer\human-pretraining.spec")

$app = Join-Path $dist "human-pretraining"
$version = ((& (Join-Path $app "human-pretraining.exe") --version) -split " ")[1]
$arch = $env:PROCESSOR_ARCHITECTURE.ToLower()
$archive = Join-Path $dist "human-pretraining-$version-windows-$arch.zip"
if (Test-Path $archive) { Remove-Item $archive }
Compress-Archive -Path $app -DestinationPath $archive
Write-Host "Built $app and $archive"
