namespace Coder.Connect.Protocol;

/// <summary>A frame that breaks the connect protocol; the connection ends.</summary>
public sealed class MuxProtocolException(string message) : Exception(message);
