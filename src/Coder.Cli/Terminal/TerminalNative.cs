using Coder.Connect.Protocol;
using System.Runtime.InteropServices;

namespace Coder.Cli.Terminal;

/// <summary>The libc terminal calls behind raw mode and the window size (Linux numbering), source-generated for AOT.</summary>
static partial class TerminalNative
{
    /// <summary>Larger than any libc's <c>struct termios</c> (glibc's is 60 bytes); the CLI never reads its fields.</summary>
    public const int TermiosBufferSize = 256;

    public const int StdinFd = 0;
    public const int StdoutFd = 1;
    const int SetNow = 0; // TCSANOW
    const ulong GetWindowSize = 0x5413; // TIOCGWINSZ

    [LibraryImport("libc", EntryPoint = "isatty")]
    public static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static unsafe partial int GetAttributes(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static unsafe partial int SetAttributes(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static unsafe partial void MakeRaw(byte* termios);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int IoctlWindowSize(int fd, ulong request, WindowSize* size);

    public static unsafe bool TryGetAttributes(int fd, byte[] termios)
    {
        fixed (byte* p = termios) return GetAttributes(fd, p) == 0;
    }

    public static unsafe bool TrySetAttributes(int fd, byte[] termios)
    {
        fixed (byte* p = termios) return SetAttributes(fd, SetNow, p) == 0;
    }

    public static unsafe void MakeRaw(byte[] termios)
    {
        fixed (byte* p = termios) MakeRaw(p);
    }

    /// <returns>The terminal's size, or null when <paramref name="fd"/> is no terminal.</returns>
    public static unsafe (ushort Cols, ushort Rows)? TryGetSize(int fd)
    {
        WindowSize size;
        if (IoctlWindowSize(fd, GetWindowSize, &size) != 0 || size.Cols == 0 || size.Rows == 0) return null;
        return (size.Cols, size.Rows);
    }
}
