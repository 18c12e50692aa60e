namespace Coder.Contracts.Operations;

/// <summary>202 body of start, stop, restart, delete, scale, restore and upgrade.</summary>
public sealed record OperationAccepted(OperationRef Operation);
