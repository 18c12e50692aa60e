using System.Globalization;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// <c>--workspaces N</c> (default 2,000) is the largest step; the steps are 500, 1,000, 2,000 up to it, and N itself
/// (<c>--workspaces 4000</c> adds 4,000). <c>--steps 500,1000</c> names them outright. <c>--quick</c>: 100 and 250.
/// </summary>
sealed record FleetOptions(IReadOnlyList<int> Steps)
{
    public const int DefaultWorkspaces = 2_000;

    /// <summary>The step the goals are judged at.</summary>
    public const int GoalStep = 2_000;

    /// <summary>Options that take a value: the runner must not read the value as a scenario name.</summary>
    public static IReadOnlyList<string> ValuedOptions { get; } = ["--workspaces", "--steps"];

    public static FleetOptions Parse(IReadOnlyList<string> args, bool quick)
    {
        string? steps = ValueOf(args, "--steps");
        if (steps is not null)
            return new FleetOptions([.. steps.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(n => n > 0).Distinct().Order()]);
        if (quick && ValueOf(args, "--workspaces") is null) return new FleetOptions([100, 250]);
        int top = ValueOf(args, "--workspaces") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : DefaultWorkspaces;
        return new FleetOptions([.. new[] { 500, 1_000, 2_000 }.Where(s => s < top).Append(top).Order()]);
    }

    static string? ValueOf(IReadOnlyList<string> args, string option)
    {
        for (int i = 0; i < args.Count - 1; i++)
            if (args[i] == option) return args[i + 1];
        return null;
    }
}
