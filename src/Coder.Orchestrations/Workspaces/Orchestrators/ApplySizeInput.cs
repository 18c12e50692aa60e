using Coder.Orchestrations.Operations;

namespace Coder.Orchestrations.Workspaces.Orchestrators;

public sealed record ApplySizeInput(WorkspaceOperationInput Operation, double Cpu, int MemoryMiB, int Replicas);
