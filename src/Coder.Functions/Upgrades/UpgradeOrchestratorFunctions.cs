using Coder.Orchestrations.Common;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Coder.Functions.Upgrades;

/// <summary>Thin orchestration triggers for upgrades and rollouts; the deterministic code lives in Coder.Orchestrations.</summary>
public sealed class UpgradeOrchestratorFunctions
{
    [Function(nameof(InPlaceUpgradeOrchestrator))]
    public Task<UpgradeOutcome> InPlace([OrchestrationTrigger] TaskOrchestrationContext context) =>
        InPlaceUpgradeOrchestrator.RunAsync(context, OrchestrationInput.Of<UpgradeInput>(context));

    [Function(nameof(BlueGreenUpgradeOrchestrator))]
    public Task<UpgradeOutcome> BlueGreen([OrchestrationTrigger] TaskOrchestrationContext context) =>
        BlueGreenUpgradeOrchestrator.RunAsync(context, OrchestrationInput.Of<UpgradeInput>(context));

    [Function(nameof(RolloutOrchestrator))]
    public Task<RolloutOutcome> Rollout([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RolloutOrchestrator.RunAsync(context, OrchestrationInput.Of<RolloutInput>(context));
}
