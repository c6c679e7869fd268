using Microsoft.Extensions.Logging;
using Veil.DurableTask.AzureStorage;
using Veil.Storage.Queues;

namespace Veil.DurableTask.Worker;

/// <summary>What every part of a worker shares.</summary>
internal sealed class WorkerServices(
    TaskHub hub,
    HistoryStore history,
    InstanceStore instances,
    MessageSender sender,
    ParkedMessageStore parked,
    DurableTaskRegistry registry,
    IServiceProvider services,
    ILoggerFactory loggers,
    TimeProvider time)
{
    public TaskHub Hub => hub;

    public DurableTaskOptions Options => hub.Options;

    public HistoryStore History => history;

    public InstanceStore Instances => instances;

    public MessageSender Sender => sender;

    public ParkedMessageStore Parked => parked;

    public DurableTaskRegistry Registry => registry;

    public IServiceProvider Services => services;

    public ILoggerFactory Loggers => loggers;

    public TimeProvider Time => time;

    /// <summary>Partitions this worker owns, by number; set by the worker.</summary>
    public Dictionary<int, PartitionProcessor> Owned { get; } = [];

    public ActivityRunner Activities { get; set; } = null!;

    /// <summary>Hands a message to the instance's partition if this worker owns it. False: send it through its control queue.</summary>
    public bool TryDeliverLocally(TaskMessage message, QueueAck? ack)
    {
        PartitionProcessor? processor;
        lock (Owned)
        {
            Owned.TryGetValue(hub.PartitionOf(message.InstanceId), out processor);
        }

        return processor is not null && processor.Deliver(message, ack);
    }
}
