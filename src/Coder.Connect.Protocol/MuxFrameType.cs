namespace Coder.Connect.Protocol;

/// <summary>The frame types of the connect protocol; the values are on the wire (see <see cref="MuxFrameCodec"/>).</summary>
public enum MuxFrameType : byte
{
    Open = 1,
    Data = 2,
    Resize = 3,
    Signal = 4,
    Exit = 5,
    Close = 6,
    Error = 7,
    Window = 8,
}
