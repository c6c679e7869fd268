using Veil.Hosting;

namespace Veil.Storage;

/// <summary>Where Veil keeps its state: one Azure Storage account (Azurite locally). Bound from <c>Storage</c>.</summary>
public sealed class StorageOptions : ICheckedOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// An Azure Storage connection string. Default: <c>UseDevelopmentStorage=true</c>, Azurite on 127.0.0.1:10000-10002.
    /// </summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    public IEnumerable<string> Problems() => SettingRules.Of(
        SettingRules.Required($"{Section}:{nameof(ConnectionString)}", ConnectionString, "an Azure Storage connection string, or UseDevelopmentStorage=true for Azurite"));
}
