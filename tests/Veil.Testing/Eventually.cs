namespace Veil.Testing;

/// <summary>
/// Waiting for something asynchronous to become true, with a deadline that fails the test (a TimeoutException)
/// saying what was last seen.
/// Deadlines are generous (a busy 2-core machine is slow, not wrong); no test asserts how long a wait took.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Reads until <paramref name="done"/> holds and returns that value; fails with <paramref name="describe"/>
    /// of the last value read once <paramref name="timeout"/> has passed.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, Func<T, string> describe, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(describe);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {(timeout ?? DefaultTimeout).TotalSeconds:0} s: {describe(value)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails saying <paramref name="what"/> after the timeout.</summary>
    public static Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Until(condition, ok => ok, _ => what, timeout);
}
