using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Veil.Portal.Accounts;

/// <summary>
/// Failed sign-ins, counted per account and client address: <see cref="PortalOptions.SignInFailuresBeforeLockout"/>
/// failures from one address lock that account for that address (only) for <see cref="PortalOptions.SignInLockout"/>.
/// An anonymous caller can lock themselves out of <c>admin</c>, never lock out the admin signing in from elsewhere.
/// An admin can lift an account's lockouts (<see cref="Unlock"/>). Kept in this Portal process's memory.
/// </summary>
public sealed class SignInThrottle(IOptions<PortalOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Account, string Address), Failures> failures = new();

    /// <summary>Until when the account is locked for sign-ins from <paramref name="address"/>; null when it is not.</summary>
    public DateTimeOffset? LockedUntil(string account, IPAddress? address) =>
        failures.TryGetValue(Key(account, address), out var seen) && seen.LockedUntil is { } until && until > time.GetUtcNow() ? until : null;

    /// <summary>Counts a failed sign-in; the answer is when the account became locked for that address, if it did now.</summary>
    public DateTimeOffset? Failed(string account, IPAddress? address)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (failures.Count > MaxRemembered)
        {
            Forget(now - settings.SignInLockout);
        }

        var after = failures.AddOrUpdate(Key(account, address),
            _ => new Failures(1, now, null),
            (_, seen) => seen.LockedUntil is { } until && until <= now ? new Failures(1, now, null) : seen with { Count = seen.Count + 1, Last = now });
        if (after.LockedUntil is null && after.Count >= settings.SignInFailuresBeforeLockout)
        {
            var until = now + settings.SignInLockout;
            failures[Key(account, address)] = after with { LockedUntil = until };
            return until;
        }

        return null;
    }

    /// <summary>A successful sign-in forgets that address's failures for the account.</summary>
    public void Succeeded(string account, IPAddress? address) => failures.TryRemove(Key(account, address), out _);

    /// <summary>Lifts every lockout of the account and forgets its failures; the number of addresses it was locked for.</summary>
    public int Unlock(string account)
    {
        var now = time.GetUtcNow();
        var lifted = 0;
        foreach (var key in failures.Keys.Where(k => k.Account == Normalize(account)))
        {
            if (failures.TryRemove(key, out var seen) && seen.LockedUntil > now)
            {
                lifted++;
            }
        }

        return lifted;
    }

    /// <summary>The lockouts in force: account, address, failures and until when.</summary>
    public IReadOnlyList<SignInLockout> Lockouts()
    {
        var now = time.GetUtcNow();
        return failures.Where(f => f.Value.LockedUntil > now)
            .Select(f => new SignInLockout(f.Key.Account, f.Key.Address, f.Value.Count, f.Value.LockedUntil!.Value))
            .OrderBy(l => l.Account, StringComparer.Ordinal).ThenBy(l => l.Address, StringComparer.Ordinal).ToList();
    }

    /// <summary>Beyond this many account-address pairs, the ones neither locked nor failing lately are forgotten (a caller
    /// trying many names must not fill the Portal's memory).</summary>
    private const int MaxRemembered = 10_000;

    private void Forget(DateTimeOffset before)
    {
        foreach (var (key, seen) in failures)
        {
            if (seen.Last < before && !(seen.LockedUntil > before))
            {
                failures.TryRemove(key, out _);
            }
        }
    }

    private static (string, string) Key(string account, IPAddress? address) => (Normalize(account), address?.ToString() ?? "unknown");

    private static string Normalize(string account) => account.Trim().ToLowerInvariant();

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset? LockedUntil);
}

/// <summary>An account locked for sign-ins from one address.</summary>
public sealed record SignInLockout(string Account, string Address, int Failures, DateTimeOffset Until);
