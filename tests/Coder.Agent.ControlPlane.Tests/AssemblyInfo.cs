using System.Runtime.Versioning;

// The agent is Linux-only (procfs, cgroups, setsid); so are the tests that drive it.
[assembly: SupportedOSPlatform("linux")]
