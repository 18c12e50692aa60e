using System.Globalization;

namespace Coder.Cli.Commands;

/// <summary>Parses <c>--size 2x4096</c>: CPU cores, then memory in MiB.</summary>
public static class SizeSyntax
{
    public static Contracts.Workspaces.WorkspaceSize Parse(string text)
    {
        string[] parts = text.Split('x', 'X');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double cpu)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int memory))
        {
            return new Contracts.Workspaces.WorkspaceSize(cpu, memory);
        }

        throw new CliUsageException($"--size '{text}' is not CPUxMEMORY, e.g. 2x4096 (2 cores, 4096 MiB).");
    }
}
