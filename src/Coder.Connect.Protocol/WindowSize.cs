using System.Runtime.InteropServices;

namespace Coder.Connect.Protocol;

/// <summary>
/// The kernel's <c>struct winsize</c> (Linux), which the TIOCGWINSZ and TIOCSWINSZ ioctls read and write: the CLI reads the
/// local terminal's size with it, the agent sets its pseudo-terminal's to what a resize frame carries.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct WindowSize(ushort Rows, ushort Cols, ushort XPixels = 0, ushort YPixels = 0);
