namespace Veil.Orchestrations.Boot;

/// <summary>
/// Ends a boot, power action or delete that did not do what it was asked as a <b>failed</b> orchestration, with the
/// server's fault as its failure message: so <c>?status=failed</c> finds every failed boot, and the instance's
/// failure says why in the operator's words. It is thrown only after the outcome is on the server's record, so a
/// replay reaches it again with nothing left to do.
/// </summary>
public sealed class ServerActionFailedException : Exception
{
    public ServerActionFailedException(string message)
        : base(message)
    {
    }

    public ServerActionFailedException()
        : base("The server action failed.")
    {
    }

    public ServerActionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
