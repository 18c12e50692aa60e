namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <param name="BlueComputeName">The instance the switch retired.</param>
/// <param name="GraceSeconds">How long blue stays stopped before it is destroyed (<see cref="RolloutOptions.BlueGraceSeconds"/>).</param>
public sealed record GreenSwitch(string BlueComputeName, double GraceSeconds);
