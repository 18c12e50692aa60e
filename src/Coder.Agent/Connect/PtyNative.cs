using Coder.Connect.Protocol;
using System.Runtime.InteropServices;

namespace Coder.Agent.Connect;

/// <summary>The libc calls behind a pseudo-terminal (Linux numbering): source-generated, so they survive trimming and AOT.</summary>
public static partial class PtyNative
{
    public const int ReadWrite = 0x2;
    public const int NoControllingTerminal = 0x100;
    const ulong SetWindowSize = 0x5414; // TIOCSWINSZ

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int OpenPseudoTerminal(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    public static partial int Grant(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int Unlock(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static unsafe partial int PtsName(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int IoctlWindowSize(int fd, ulong request, WindowSize* size);

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    public static partial int Duplicate(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>The terminal's foreground process group (a shell's running job has its own), or -1.</summary>
    [LibraryImport("libc", EntryPoint = "tcgetpgrp", SetLastError = true)]
    public static partial int ForegroundGroup(int fd);

    public static unsafe string SubordinatePath(int fd)
    {
        byte* buffer = stackalloc byte[128];
        if (PtsName(fd, buffer, 128) != 0) throw new IOException($"ptsname_r failed (errno {Marshal.GetLastPInvokeError()})");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? throw new IOException("ptsname_r returned no name");
    }

    public static unsafe void Resize(int fd, ushort cols, ushort rows)
    {
        var size = new WindowSize(rows, cols);
        if (IoctlWindowSize(fd, SetWindowSize, &size) != 0) throw new IOException($"TIOCSWINSZ failed (errno {Marshal.GetLastPInvokeError()})");
    }
}
