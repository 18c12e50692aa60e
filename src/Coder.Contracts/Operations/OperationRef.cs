namespace Coder.Contracts.Operations;

public sealed record OperationRef(string Id, OperationKind Kind, OperationStatus Status, string StatusUrl);
