using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Veil.Hosting;

namespace Veil.Identity;

public static class AuthOptionsExtensions
{
    /// <summary>What the API and the Portal both hold of <c>Auth</c>, checked at start; outside Development the
    /// provider must be reached over HTTPS, since the keys that check every token are fetched from it.</summary>
    public static OptionsBuilder<VeilAuthOptions> AddVeilAuthOptions(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var development = environment.IsDevelopment();
        return services.AddCheckedOptions<VeilAuthOptions>(configuration, VeilAuthOptions.Section)
            .Validate(o => development || !o.UsesAuthority || !Uri.TryCreate(o.Authority, UriKind.Absolute, out var uri) || uri.Scheme == Uri.UriSchemeHttps,
                $"{VeilAuthOptions.Section}:{nameof(VeilAuthOptions.Authority)} must be an https URL outside Development: the keys that check every token are fetched from it.");
    }

    /// <summary>Plain HTTP to the provider only in Development (a provider on the developer's machine).</summary>
    public static bool RequireHttpsMetadata(IHostEnvironment environment) => !environment.IsDevelopment();
}
