using System.Runtime.Versioning;

// The agent it hosts is Linux-only (pseudo-terminals, process groups); so are these tests.
[assembly: SupportedOSPlatform("linux")]
