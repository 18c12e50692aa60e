namespace Coder.Cli.Output;

/// <summary>A series as one line of block characters, scaled to 0–100 (percentages).</summary>
public static class Sparkline
{
    const string Blocks = "▁▂▃▄▅▆▇█";

    public static string Render(IEnumerable<double?> values, int width = 60)
    {
        var list = values.ToList();
        if (list.Count > width)
        {
            // Keep the newest points: that is what someone watching a workspace wants to see.
            list = list.Skip(list.Count - width).ToList();
        }

        return new string(list.Select(v => v is null ? ' ' : Blocks[(int)Math.Clamp(Math.Round(v.Value / 100 * (Blocks.Length - 1)), 0, Blocks.Length - 1)]).ToArray());
    }
}
