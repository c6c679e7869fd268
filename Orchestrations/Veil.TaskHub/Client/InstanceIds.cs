namespace Veil.TaskHub.Client;

/// <summary>What an instance id may be: it is a key in the hub's tables and a part of its queue messages.</summary>
public static class InstanceIds
{
    /// <exception cref="ArgumentException">The id is empty, longer than 256 characters, or holds / \ # ? or a control character.</exception>
    public static void Validate(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        if (instanceId.Length > 256 || instanceId.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?'))
        {
            throw new ArgumentException($"Instance id '{instanceId}' is not allowed: use at most 256 characters, none of / \\ # ? or control characters (it is a table key).", nameof(instanceId));
        }
    }
}
