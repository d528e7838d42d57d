; BranchLedger (支部台账) Windows installer — NSIS 3, Unicode, per user, no administrator rights.
;
;   makensis /DVERSION=0.2.0 /DBUNDLE_DIR=C:\path\to\dist\branch-ledger packaging\windows\branch-ledger.nsi
;
; (makensis works in this script's folder: give BUNDLE_DIR as an absolute path.)
;
; BUNDLE_DIR is the one-folder PyInstaller bundle built on Windows from packaging/branch-ledger.spec
; (branch-ledger.exe for the console/CLI, branch-ledger-gui.exe for shortcuts, _internal/). The
; step-by-step build is in docs/packaging.md; the CI job in .github/workflows/windows-installer.yml.
;
; What it does:
; * installs for the current user into %LOCALAPPDATA%\Programs\BranchLedger (no UAC prompt);
; * Start-menu entry and desktop shortcut 支部台账, with the app's icon;
; * upgrades in place: a new version finds the old folder in the registry, asks to close a
;   running app, replaces the program files and keeps everything else;
; * the uninstaller removes the program and its shortcuts only. The clerk's ledger, backups and
;   logs in %LOCALAPPDATA%\BranchLedger (platformdirs' data folder) are never touched: the program
;   folder is a different one, and the script refuses to install into the data folder.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
!ifdef FAST
  SetCompress off  ; tests on Linux only check that the script compiles against a bundle layout
!else
  SetCompressor /SOLID lzma
!endif

!ifndef VERSION
  !error "pass /DVERSION=x.y.z (branch_ledger/__init__.py)"
!endif
!ifndef BUNDLE_DIR
  !error "pass /DBUNDLE_DIR=path/to/dist/branch-ledger"
!endif
!ifndef OUTFILE
  !define OUTFILE "BranchLedger-${VERSION}-setup.exe"
!endif
; makensis runs in this script's folder, so this path (and a relative BUNDLE_DIR) is relative to it.
!define ICON "../../resources/icons/branch-ledger.ico"
!define APP_EXE "branch-ledger-gui.exe"
!define CLI_EXE "branch-ledger.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\BranchLedger"
!define DATA_DIR_NAME "BranchLedger"  ; %LOCALAPPDATA%\BranchLedger: desktop_app/paths.py

; Everything the installer needs from the bundle, checked at compile time.
!if /FileExists "${BUNDLE_DIR}/${APP_EXE}"
!else
  !error "${BUNDLE_DIR}/${APP_EXE} not found: build the bundle on Windows first"
!endif
!if /FileExists "${BUNDLE_DIR}/${CLI_EXE}"
!else
  !error "${BUNDLE_DIR}/${CLI_EXE} not found"
!endif
!if /FileExists "${BUNDLE_DIR}/_internal/resources/fonts/BranchLedgerSerifSC-Regular.ttf"
!else
  !error "${BUNDLE_DIR}/_internal/resources missing: not a BranchLedger bundle"
!endif

Name "支部台账 BranchLedger ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\BranchLedger"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "支部台账 BranchLedger ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "BranchLedger"
VIAddVersionKey /LANG=0 "FileDescription" "支部台账 BranchLedger installer"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "BranchLedger maintainers"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString MSG_RUNNING ${LANG_SIMPCHINESE} "支部台账正在运行。请先关闭程序（数据已自动保存），然后点“重试”。"
LangString MSG_RUNNING ${LANG_ENGLISH} "BranchLedger is running. Please close it (your data is saved), then click Retry."
LangString MSG_DATA_DIR ${LANG_SIMPCHINESE} "不能安装到台账数据目录中，请选择其他文件夹。"
LangString MSG_DATA_DIR ${LANG_ENGLISH} "The program cannot be installed into the ledger's data folder; choose another folder."
LangString MSG_KEPT ${LANG_SIMPCHINESE} "程序已卸载。您的台账数据仍保存在：$LOCALAPPDATA\${DATA_DIR_NAME}"
LangString MSG_KEPT ${LANG_ENGLISH} "BranchLedger was removed. Your ledger data is kept in: $LOCALAPPDATA\${DATA_DIR_NAME}"
LangString SEC_DESKTOP ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString SEC_DESKTOP ${LANG_ENGLISH} "Desktop shortcut"

Function .onInit
  SetShellVarContext current  ; per user: Start menu and desktop of the clerk, not of all users
FunctionEnd

Function .onVerifyInstDir
  ${If} "$INSTDIR" == "$LOCALAPPDATA\${DATA_DIR_NAME}"
    Abort
  ${EndIf}
FunctionEnd

; A running app (or a scheduled `branch-ledger sync`) keeps its .exe open: replacing files under
; it would fail half-way, so wait until the clerk closed it. An .exe that can be opened for
; writing is not running.
!macro WaitUntilClosed EXE
  ${Do}
    ${IfNot} ${FileExists} "$INSTDIR\${EXE}"
      ${Break}
    ${EndIf}
    ClearErrors
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${IfNot} ${Errors}
      FileClose $0
      ${Break}
    ${EndIf}
    ${If} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(MSG_RUNNING)" /SD IDCANCEL IDCANCEL`
      Quit
    ${EndIf}
  ${Loop}
!macroend

Section "支部台账 BranchLedger" SecMain
  SectionIn RO
  ${If} "$INSTDIR" == "$LOCALAPPDATA\${DATA_DIR_NAME}"
    MessageBox MB_ICONSTOP "$(MSG_DATA_DIR)"
    Abort
  ${EndIf}
  !insertmacro WaitUntilClosed "${APP_EXE}"
  !insertmacro WaitUntilClosed "${CLI_EXE}"
  ; Upgrade in place: the previous version's program files go, nothing else in the folder does.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  SetOutPath "$INSTDIR"
  File "${BUNDLE_DIR}/${APP_EXE}"
  File "${BUNDLE_DIR}/${CLI_EXE}"
  File /r "${BUNDLE_DIR}/_internal"
  File "/oname=branch-ledger.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\支部台账.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\branch-ledger.ico" 0 \
    SW_SHOWNORMAL "" "支部台账 BranchLedger"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "支部台账 BranchLedger"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "BranchLedger"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\branch-ledger.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "$(SEC_DESKTOP)" SecDesktop
  CreateShortcut "$DESKTOP\支部台账.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\branch-ledger.ico" 0 \
    SW_SHOWNORMAL "" "支部台账 BranchLedger"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ${If} "$INSTDIR" == "$LOCALAPPDATA\${DATA_DIR_NAME}"
    Abort  ; never: that folder holds the ledger
  ${EndIf}
  !insertmacro WaitUntilClosed "${APP_EXE}"
  !insertmacro WaitUntilClosed "${CLI_EXE}"
  Delete "$SMPROGRAMS\支部台账.lnk"
  Delete "$DESKTOP\支部台账.lnk"
  ; Only what the installer put there — an explicit list, never RMDir /r "$INSTDIR" itself.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\branch-ledger.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if now empty
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ${IfNot} ${Silent}
    MessageBox MB_ICONINFORMATION "$(MSG_KEPT)"
  ${EndIf}
SectionEnd
