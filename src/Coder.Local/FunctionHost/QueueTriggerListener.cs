using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coder.Local.FunctionHost;

/// <summary>
/// Serves one queue-triggered function the way the Functions host does: batches of 16, the message deleted on success,
/// made visible again on failure, and moved to <c>{queue}-poison</c> after 5 dequeues. Polling backs off when idle.
/// </summary>
public sealed partial class QueueTriggerListener(FunctionDescriptor function, IServiceProvider services, StorageClientFactory storage, ILogger<QueueTriggerListener> logger) : BackgroundService
{
    const int BatchSize = 16;
    const int MaxDequeueCount = 5;
    static readonly TimeSpan MaxPollingInterval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queues = storage.CreateQueueServiceClient();
        string name = storage.Prefix + function.Trigger;
        var queue = queues.GetQueueClient(name);
        var poison = queues.GetQueueClient(name + "-poison");
        await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        var idle = TimeSpan.FromMilliseconds(25);
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(BatchSize, TimeSpan.FromMinutes(5), stoppingToken)).Value;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReceiveFailed(logger, name, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }

            if (messages.Length == 0)
            {
                await Task.Delay(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxPollingInterval.Ticks));
                continue;
            }

            idle = TimeSpan.FromMilliseconds(25);
            await Task.WhenAll(messages.Select(m => HandleAsync(queue, poison, m, stoppingToken)));
        }
    }

    async Task HandleAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await FunctionInvoker.InvokeAsync(function, services, message.MessageText, null, cancellationToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailed(logger, function.Name, message.DequeueCount, e);
            try
            {
                await ReleaseAsync(queue, poison, message, cancellationToken);
            }
            catch (Exception release) when (release is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Storage itself is unreachable (an outage): the message comes back when its visibility timeout lapses, as
                // on the Functions host. Throwing here would end the listener, and with it the host.
                LogReleaseFailed(logger, function.Name, release);
            }
        }
    }

    static async Task ReleaseAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount >= MaxDequeueCount)
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(message.MessageText, cancellationToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        else
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.FromSeconds(1), cancellationToken: cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from queue {Queue} failed")]
    static partial void LogReceiveFailed(ILogger logger, string queue, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} failed on a message (dequeue count {DequeueCount})")]
    static partial void LogHandlerFailed(ILogger logger, string function, long dequeueCount, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function}: releasing a failed message failed; it returns after its visibility timeout")]
    static partial void LogReleaseFailed(ILogger logger, string function, Exception exception);
}
