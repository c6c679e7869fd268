using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Veil.Hosting;
using Veil.Storage.Queues;

namespace Veil.Storage;

public static class StorageExtensions
{
    /// <summary>The storage account from the <c>Storage</c> section, validated at start, and the parked-message store.</summary>
    public static IServiceCollection AddVeilStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<StorageOptions>(configuration, StorageOptions.Section);
        services.AddSingleton(sp => new StorageAccount(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        services.AddSingleton<ParkedMessageStore>();
        return services;
    }
}
