using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>
/// The Unix user each sandboxed workspace runs as: one per workspace (its blue and green instances share it), from a
/// fixed high range no distribution hands out, recorded in the data folder so a restarted host, or a second host on the
/// same folder, gives the workspace the same user. Both records are created exclusively (a symbolic link, which
/// fails when the name exists), so two hosts racing for one workspace or one uid end with a single owner.
/// </summary>
public sealed class WorkspaceUids
{
    /// <summary>Far above system and login users and the first subuid ranges, so no account on the machine shares a workspace uid.</summary>
    public const int First = 2_000_000;
    public const int Count = 1_000_000;

    readonly string _byWorkspace;
    readonly string _taken;

    public WorkspaceUids(string dataDirectory)
    {
        string root = Path.Combine(Path.GetFullPath(dataDirectory), "uids");
        _byWorkspace = Path.Combine(root, "workspaces");
        _taken = Path.Combine(root, "taken");
    }

    /// <summary>The workspace's recorded uid, or null when it has none yet.</summary>
    public int? Find(string workspaceId)
    {
        string path = Path.Combine(_byWorkspace, workspaceId);
        try
        {
            // A record is a symbolic link whose target is the uid; a data folder from before holds regular files.
            string recorded = new FileInfo(path).LinkTarget ?? File.ReadAllText(path);
            return int.TryParse(recorded.Trim(), CultureInfo.InvariantCulture, out int uid) ? uid : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The workspace's uid: the recorded one, or a free one claimed and recorded now.</summary>
    public int GetOrAllocate(string workspaceId)
    {
        if (Find(workspaceId) is { } known) return known;
        Directory.CreateDirectory(_byWorkspace);
        Directory.CreateDirectory(_taken);

        // Start where the workspace id hashes to, so concurrent allocations rarely probe the same numbers.
        int start = (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(workspaceId))) % Count);
        for (int step = 0; step < Count; step++)
        {
            int uid = First + ((start + step) % Count);
            if (!TryCreate(Path.Combine(_taken, Str(uid)), workspaceId)) continue;
            if (TryCreate(Path.Combine(_byWorkspace, workspaceId), Str(uid))) return uid;

            // Another host recorded this workspace first: give our claim back and use theirs.
            File.Delete(Path.Combine(_taken, Str(uid)));
            return Find(workspaceId) ?? throw new InvalidOperationException($"The uid record of {workspaceId} vanished while it was allocated.");
        }

        throw new InvalidOperationException($"All {Count} workspace uids are taken.");
    }

    /// <summary>Frees the workspace's uid once nothing of the workspace is left.</summary>
    public void Release(string workspaceId)
    {
        if (Find(workspaceId) is not { } uid) return;
        File.Delete(Path.Combine(_byWorkspace, workspaceId));
        File.Delete(Path.Combine(_taken, Str(uid)));
    }

    /// <summary>Records <paramref name="content"/> at <paramref name="path"/>; false when the name already exists.</summary>
    static bool TryCreate(string path, string content)
    {
        // symlink(2) creates the name and its content in one step and fails when the name exists, so of two hosts racing
        // for one record exactly one wins and no reader sees it half-written. (File.Move without overwrite is not that:
        // on Linux it checks and then renames, so a second mover could replace the first one's record.)
        try
        {
            File.CreateSymbolicLink(path, content);
            return true;
        }
        catch (IOException) when (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            return false;
        }
    }

    static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
