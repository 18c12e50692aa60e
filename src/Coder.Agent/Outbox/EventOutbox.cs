using System.Text.Json;
using Coder.Agent.Diagnostics;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Outbox;

/// <summary>
/// The durable outbox. Every event is appended to <c>outbox.jsonl</c> and fsynced before anyone may send it; the delivered
/// position lives in <c>outbox.checkpoint</c>. After a restart the agent resumes after the last delivered seq and continues
/// numbering after the highest seq it ever wrote, so nothing is lost or repeated. The outbox is bounded: when full it drops
/// the oldest metrics first, then other droppable events, but never lifecycle or script events, and counts what it dropped.
/// </summary>
public sealed class EventOutbox : IDisposable
{
    const string LogFileName = "outbox.jsonl";
    const string CheckpointFileName = "outbox.checkpoint";
    const int CompactAfterAckedLines = 512;

    readonly Lock _gate = new();
    readonly List<AgentEnvelope> _pending = [];
    readonly string _logPath;
    readonly string _checkpointPath;
    readonly string _workspaceId;
    readonly string _agentId;
    readonly int _capacity;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    FileStream _log;
    long _ackedSeq;
    long _nextSeq;
    long _ackedLinesInFile;
    long _dropped;
    TaskCompletionSource _appended = NewSignal();

    EventOutbox(string directory, string workspaceId, string agentId, int capacity, TimeProvider time, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        _logPath = Path.Combine(directory, LogFileName);
        _checkpointPath = Path.Combine(directory, CheckpointFileName);
        _workspaceId = workspaceId;
        _agentId = agentId;
        _capacity = capacity;
        _time = time;
        _logger = logger;
        // A fresh agent has nothing to clean up, so it skips the rewrite (two fsyncs before its first event).
        bool fresh = !File.Exists(_logPath) && !File.Exists(_checkpointPath);
        Load();
        if (!fresh) Rewrite();
        _log = OpenForAppend();
    }

    public static EventOutbox Open(string directory, string workspaceId, string agentId, int capacity, TimeProvider time, ILogger logger) =>
        new(directory, workspaceId, agentId, capacity, time, logger);

    public int PendingCount
    {
        get { lock (_gate) return _pending.Count; }
    }

    public long AckedSeq
    {
        get { lock (_gate) return _ackedSeq; }
    }

    /// <summary>Numbers the event, makes it durable, and wakes the sender.</summary>
    public AgentEnvelope Append<T>(string type, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var element = JsonSerializer.SerializeToElement(payload, typeInfo);
        TaskCompletionSource signal;
        AgentEnvelope envelope;
        lock (_gate)
        {
            envelope = new AgentEnvelope(_workspaceId, _agentId, _nextSeq++, _time.GetUtcNow(), type, element);
            if (_pending.Count >= _capacity && MakeRoom())
            {
                _pending.Add(envelope);
                Rewrite();
                _log.Dispose();
                _log = OpenForAppend();
            }
            else
            {
                _pending.Add(envelope);
                _log.Write(Serialize(envelope));
                _log.Flush(flushToDisk: true);
            }
            signal = _appended;
            _appended = NewSignal();
        }
        signal.TrySetResult();
        return envelope;
    }

    /// <summary>The oldest undelivered events, in seq order.</summary>
    public IReadOnlyList<AgentEnvelope> Peek(int max)
    {
        lock (_gate)
        {
            return _pending.Count <= max ? [.. _pending] : _pending.GetRange(0, max);
        }
    }

    /// <summary>Marks every event up to <paramref name="seq"/> delivered and persists that position.</summary>
    public void Acknowledge(long seq)
    {
        lock (_gate)
        {
            int removed = 0;
            while (removed < _pending.Count && _pending[removed].Seq <= seq) removed++;
            if (removed == 0) return;
            _pending.RemoveRange(0, removed);
            _ackedSeq = Math.Max(_ackedSeq, seq);
            _ackedLinesInFile += removed;
            // Not fsynced: after a power loss a stale position only re-sends events that ingest drops by (agentId, seq), and
            // the next seq is also recovered from the fsynced log, so no seq is ever reused.
            WriteCheckpoint(flushToDisk: false);
            if (_ackedLinesInFile >= CompactAfterAckedLines || (_pending.Count == 0 && _ackedLinesInFile > 0 && _log.Length > 1 << 20))
            {
                Compact();
            }
        }
    }

    /// <summary>How many events were dropped since the last call.</summary>
    public long TakeDroppedCount()
    {
        lock (_gate)
        {
            long dropped = _dropped;
            _dropped = 0;
            return dropped;
        }
    }

    /// <summary>Completes when an event is appended after this call (or is already pending).</summary>
    public Task WaitForEventsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _pending.Count > 0 ? Task.CompletedTask : _appended.Task.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    static byte[] Serialize(AgentEnvelope envelope)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(envelope, CoderJsonContext.Default.AgentEnvelope);
        byte[] line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Drops down to 90% of capacity: oldest metrics first, then heartbeats, logs, sessions and custom events.</summary>
    bool MakeRoom()
    {
        int target = _capacity * 9 / 10;
        int before = _pending.Count;
        foreach (string type in (ReadOnlySpan<string>)[AgentEventTypes.Metrics, AgentEventTypes.Heartbeat, AgentEventTypes.Log,
                     AgentEventTypes.Session, AgentEventTypes.Custom])
        {
            for (int i = 0; i < _pending.Count && _pending.Count > target;)
            {
                if (_pending[i].Type == type) _pending.RemoveAt(i);
                else i++;
            }
        }
        int dropped = before - _pending.Count;
        _dropped += dropped;
        if (dropped > 0) Log.OutboxDropped(_logger, dropped, _capacity);
        return dropped > 0;
    }

    void Compact()
    {
        _log.Dispose();
        Rewrite();
        _log = OpenForAppend();
    }

    /// <summary>Replaces the log with exactly the pending events (crash safe), then records the position.</summary>
    void Rewrite()
    {
        using var buffer = new MemoryStream();
        foreach (var envelope in _pending) buffer.Write(Serialize(envelope));
        DurableFile.WriteAtomically(_logPath, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        _ackedLinesInFile = 0;
        WriteCheckpoint();
    }

    void WriteCheckpoint(bool flushToDisk = true) =>
        DurableFile.WriteAtomically(_checkpointPath,
            JsonSerializer.SerializeToUtf8Bytes(new OutboxCheckpoint(_ackedSeq, _nextSeq), AgentJsonContext.Default.OutboxCheckpoint), flushToDisk);

    FileStream OpenForAppend() => new(_logPath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);

    void Load()
    {
        if (File.Exists(_checkpointPath))
        {
            try
            {
                var checkpoint = JsonSerializer.Deserialize(File.ReadAllBytes(_checkpointPath), AgentJsonContext.Default.OutboxCheckpoint);
                if (checkpoint is not null)
                {
                    _ackedSeq = checkpoint.AckedSeq;
                    _nextSeq = checkpoint.NextSeq;
                }
            }
            catch (JsonException ex)
            {
                Log.OutboxCorrupt(_logger, _checkpointPath, ex);
            }
        }
        long maxSeq = _ackedSeq;
        if (File.Exists(_logPath))
        {
            foreach (string line in File.ReadLines(_logPath))
            {
                if (line.Length == 0) continue;
                AgentEnvelope? envelope;
                try
                {
                    envelope = JsonSerializer.Deserialize(line, CoderJsonContext.Default.AgentEnvelope);
                }
                catch (JsonException)
                {
                    // A torn last line from a crash mid-write: that event was never acknowledged to anyone, so it is dropped here.
                    continue;
                }
                if (envelope is null) continue;
                maxSeq = Math.Max(maxSeq, envelope.Seq);
                if (envelope.Seq > _ackedSeq && (_pending.Count == 0 || envelope.Seq > _pending[^1].Seq)) _pending.Add(envelope);
            }
        }
        _nextSeq = Math.Max(Math.Max(_nextSeq, maxSeq + 1), 1);
    }
}
