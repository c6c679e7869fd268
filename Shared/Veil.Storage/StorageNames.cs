using System.Text.RegularExpressions;

namespace Veil.Storage;

/// <summary>Azure Storage's naming rules, checked where names are made so a bad one fails with a clear message.</summary>
public static partial class StorageNames
{
    /// <summary>Queue names: 3-63 characters, lowercase letters, digits and single hyphens, starting and ending alphanumeric.</summary>
    public static bool IsValidQueueName(string? name) =>
        name is { Length: >= 3 and <= 63 } && QueueName().IsMatch(name);

    public static string RequireQueueName(string name) => IsValidQueueName(name)
        ? name
        : throw new ArgumentException(
            $"'{name}' is not a valid queue name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
            nameof(name));

    /// <summary>A host's name: what makes a valid queue <c>host-&lt;name&gt;</c>, at most <see cref="Veil.Shared.Contracts.HostQueues.MaxHostNameLength"/> characters.</summary>
    public static bool IsValidHostName(string? name) =>
        name is { Length: > 0 and <= Veil.Shared.Contracts.HostQueues.MaxHostNameLength } && IsValidQueueName(Veil.Shared.Contracts.HostQueues.Commands(name));

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();
}
