using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Runtime.IO;

/// <summary>What a path or an open handle is: a regular file behaves differently from a pipe or a device both when
/// read (no positional reads) and when written (no replacing by rename).</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    Pipe,
    Socket,
    CharacterDevice,
    BlockDevice,
    /// <summary>Not known on this platform: treated as a regular file, as before.</summary>
    Unknown,
}

/// <summary>
/// The file type from statx(2), whose layout is the same on every Linux architecture (.NET 10 exposes no file type);
/// elsewhere only regular files and folders are told apart.
/// </summary>
internal static unsafe partial class FileKinds
{
    private const int AtFdCwd = -100, AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode

    /// <summary>The kind of what <paramref name="path"/> names, following symbolic links.</summary>
    public static FileKind OfPath(string path)
    {
        if (OperatingSystem.IsLinux() && TryStatx(AtFdCwd, path, 0, out FileKind kind)) return kind;
        return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Unknown : FileKind.Missing;
    }

    /// <summary>The kind of an open file.</summary>
    public static FileKind OfHandle(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux()) return FileKind.Unknown;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return TryStatx((int)handle.DangerousGetHandle(), "", AtEmptyPath, out FileKind kind) ? kind : FileKind.Unknown;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>Whether a file of this kind can be replaced by renaming a new one over it (pipes and devices cannot:
    /// writing to them means writing through).</summary>
    public static bool IsReplaceable(FileKind kind) => kind is FileKind.Missing or FileKind.Regular or FileKind.Unknown;

    private static bool TryStatx(int directory, string path, int flags, out FileKind kind)
    {
        byte* buffer = stackalloc byte[256];
        kind = FileKind.Unknown;
        try
        {
            if (Statx(directory, path, flags, StatxType, buffer) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is 2 or 20) { kind = FileKind.Missing; return true; } // ENOENT, ENOTDIR
                return false;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // a C library without statx (glibc before 2.28): fall back
        }
        int mode = *(ushort*)(buffer + ModeOffset) & 0xF000;
        kind = mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Pipe,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Unknown,
        };
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
