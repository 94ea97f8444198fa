; Vendor Console: the Windows installer (Inno Setup 6). It cannot be built on the Linux CI; see the
; README, "Build the installer", Windows.
;
;   1. pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\vendor-console.spec
;   2. iscc /DAppVersion=0.1.0 packaging\windows\vendor-console.iss
;
; Installs per user (no administrator rights, like install.sh on Linux) into
; %LOCALAPPDATA%\Programs\Vendor Console, with a Start menu entry and an optional desktop icon.
; Uninstalling removes the program; accounts, settings, logs and the keys in Windows Credential
; Locker stay (delete %APPDATA%\Vendor Console to forget the accounts).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Vendor Console"
#define AppExe "vendor-console.exe"
#define Root "..\.."

[Setup]
; A fixed AppId keeps upgrades and uninstall pointing at the same installation.
AppId={{6C1E2B0A-4F3D-4B8E-9C57-2A1D7E5F3B90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Vendor Console
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=vendor-console-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\resources\vendor-console.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Asks a running console to close before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The PyInstaller onedir bundle, as built by the spec.
Source: "{#Root}\dist\vendor-console\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
