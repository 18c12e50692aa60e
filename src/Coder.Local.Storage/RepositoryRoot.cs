namespace Coder.Local.Storage;

public static class RepositoryRoot
{
    /// <summary>The folder holding Coder.sln and package.json, found upwards from the binaries (or the working directory).</summary>
    public static string Find()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Coder.sln")) && File.Exists(Path.Combine(dir.FullName, "package.json"))) return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Coder.sln with package.json) was not found above " + AppContext.BaseDirectory);
    }
}
