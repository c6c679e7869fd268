using System.Net;
using Microsoft.Extensions.Options;
using Veil.Portal.Accounts;

namespace Veil.Portal.Tests;

/// <summary>Failed sign-ins lock an account for the address they came from only, for a while, or until unlocked.</summary>
public sealed class SignInThrottleTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Owner = IPAddress.Parse("198.51.100.20");

    private readonly Clock clock = new();
    private readonly SignInThrottle throttle;

    public SignInThrottleTests() => throttle = new SignInThrottle(Options.Create(new PortalOptions { SignInFailuresBeforeLockout = 3, SignInLockout = TimeSpan.FromMinutes(5) }), clock);

    [Fact]
    public void StrangersFailures_LockTheAccountForTheStrangerOnly()
    {
        Assert.Null(throttle.Failed("admin", Stranger));
        Assert.Null(throttle.Failed("ADMIN", Stranger));
        var until = throttle.Failed("admin", Stranger);

        Assert.Equal(clock.Now + TimeSpan.FromMinutes(5), until);
        Assert.Equal(until, throttle.LockedUntil("admin", Stranger));
        Assert.Null(throttle.LockedUntil("admin", Owner));
        Assert.Equal([new SignInLockout("admin", "203.0.113.7", 3, until!.Value)], throttle.Lockouts());
    }

    [Fact]
    public void Lockout_EndsOnItsOwn_AndTheCountStartsAfresh()
    {
        for (var i = 0; i < 3; i++)
        {
            throttle.Failed("alice", Stranger);
        }

        clock.Now += TimeSpan.FromMinutes(5);

        Assert.Null(throttle.LockedUntil("alice", Stranger));
        Assert.Null(throttle.Failed("alice", Stranger));
        Assert.Empty(throttle.Lockouts());
    }

    [Fact]
    public void Unlock_LiftsEveryAddressesLockoutOfThatAccountOnly()
    {
        for (var i = 0; i < 3; i++)
        {
            throttle.Failed("alice", Stranger);
            throttle.Failed("alice", Owner);
            throttle.Failed("bob", Stranger);
        }

        Assert.Equal(2, throttle.Unlock("Alice"));
        Assert.Null(throttle.LockedUntil("alice", Stranger));
        Assert.Null(throttle.LockedUntil("alice", Owner));
        Assert.NotNull(throttle.LockedUntil("bob", Stranger));
    }

    [Fact]
    public void SuccessfulSignIn_ForgetsThatAddressesFailures()
    {
        throttle.Failed("alice", Owner);
        throttle.Failed("alice", Owner);
        throttle.Succeeded("alice", Owner);

        Assert.Null(throttle.Failed("alice", Owner));
        Assert.Null(throttle.Failed("alice", Owner));
        Assert.NotNull(throttle.Failed("alice", Owner));
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
