namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>Bring up a blue-green upgrade's green instance from <paramref name="Point"/>, blue's snapshot.</summary>
public sealed record GreenInput(UpgradeInput Upgrade, RestorePoint Point);
