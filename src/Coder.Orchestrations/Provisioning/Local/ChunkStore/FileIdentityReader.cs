using System.Runtime.InteropServices;

namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// Reads a <see cref="FileIdentity"/> with <c>statx(2)</c> from libc: .NET exposes neither the inode nor the change
/// time. Null where statx is unavailable (not Linux, old libc), which only means the file is read again.
/// </summary>
static partial class FileIdentityReader
{
    const int AtFdCwd = -100;
    const int AtSymlinkNoFollow = 0x100;
    const uint StatxBasicStats = 0x7FF;
    const uint StatxRequired = 0x40 | 0x80 | 0x100 | 0x200; // STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE
    const int StatxSize = 256;

    // struct statx offsets (the kernel ABI, stable): stx_mask 0, stx_ino 32, stx_size 40, stx_ctime 96, stx_mtime 112;
    // a timestamp is { s64 tv_sec; u32 tv_nsec; s32 reserved }.
    const int MaskOffset = 0;
    const int InodeOffset = 32;
    const int SizeOffset = 40;
    const int ChangeTimeOffset = 96;
    const int ModifyTimeOffset = 112;

    static bool _unavailable = !OperatingSystem.IsLinux();

    public static FileIdentity? TryRead(string path)
    {
        if (_unavailable) return null;
        Span<byte> buffer = stackalloc byte[StatxSize];
        int result;
        try
        {
            result = Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return null;
        }

        if (result != 0) return null;
        uint mask = MemoryMarshal.Read<uint>(buffer[MaskOffset..]);
        if ((mask & StatxRequired) != StatxRequired) return null;
        return new FileIdentity(
            MemoryMarshal.Read<ulong>(buffer[InodeOffset..]),
            MemoryMarshal.Read<long>(buffer[SizeOffset..]),
            Nanoseconds(buffer[ModifyTimeOffset..]),
            Nanoseconds(buffer[ChangeTimeOffset..]));
    }

    static long Nanoseconds(Span<byte> timestamp) =>
        MemoryMarshal.Read<long>(timestamp) * 1_000_000_000L + MemoryMarshal.Read<uint>(timestamp[8..]);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);
}
