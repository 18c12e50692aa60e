using System.Text;
using Coder.Contracts.Agents;

namespace Coder.Agent.Scripts;

/// <summary>
/// Collects one stream's lines into <c>log</c> events with a size cap per batch (so a batch always fits a 64 KiB queue
/// message after base64) and a total cap per script; output past the total cap is discarded and the last batch is marked
/// <c>truncated</c>. Lines longer than the batch cap are cut and marked too.
/// </summary>
public sealed class LogBatcher(string source, string stream, Action<LogPayload> ship, int batchBytes = LogBatcher.DefaultBatchBytes,
    long totalBytes = LogBatcher.DefaultTotalBytes)
{
    public const int DefaultBatchBytes = 32 * 1024;
    public const long DefaultTotalBytes = 1024 * 1024;

    readonly Lock _gate = new();
    readonly List<string> _lines = [];
    int _bytes;
    long _total;
    bool _truncated;
    bool _overTotal;

    public void Add(string line)
    {
        lock (_gate)
        {
            if (_overTotal) return;
            int size = Encoding.UTF8.GetByteCount(line) + 1;
            if (_total + size > totalBytes)
            {
                _overTotal = true;
                _truncated = true;
                FlushLocked();
                return;
            }
            if (size > batchBytes)
            {
                line = line[..Math.Min(line.Length, batchBytes / 4)];
                size = Encoding.UTF8.GetByteCount(line) + 1;
                _truncated = true;
            }
            if (_bytes + size > batchBytes) FlushLocked();
            _lines.Add(line);
            _bytes += size;
            _total += size;
        }
    }

    public void Flush()
    {
        lock (_gate) FlushLocked();
    }

    void FlushLocked()
    {
        if (_lines.Count == 0 && !_truncated) return;
        ship(new LogPayload(source, stream, [.. _lines], _truncated));
        _lines.Clear();
        _bytes = 0;
        _truncated = false;
    }
}
