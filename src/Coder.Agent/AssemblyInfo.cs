using System.Runtime.Versioning;

// The agent runs inside Linux workspaces: it reads /proc and cgroups, uses process groups and a Unix socket.
[assembly: SupportedOSPlatform("linux")]
