using DurableTask.Core;

namespace Veil.TaskHub.Hosting;

/// <summary>
/// How DurableTask.Core's worker finds an orchestration or activity by name: each <see cref="Create"/> makes a fresh
/// SDK shim (the worker keeps one per episode, or per extended session).
/// </summary>
internal sealed class RegisteredTask<T> : ObjectCreator<T>
{
    private readonly Func<T> create;

    /// <summary>Veil does not version its orchestrations: every name is registered, and scheduled, with version "".</summary>
    public RegisteredTask(string name, Func<T> create)
    {
        Name = name;
        Version = "";
        this.create = create;
    }

    public override T Create() => create();
}
