namespace Coder.Connect.Protocol;

/// <summary>Which stream of a session a data frame carries; the values are on the wire.</summary>
public enum MuxChannel : byte
{
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
}
