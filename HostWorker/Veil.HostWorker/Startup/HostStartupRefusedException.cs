namespace Veil.HostWorker.Startup;

/// <summary>Start-up validation refused this host; the message tells the operator what to do.</summary>
public sealed class HostStartupRefusedException : Exception
{
    /// <summary>The process exit code of a refused host (EX_CONFIG); the systemd unit does not restart on it.</summary>
    public const int ExitCode = Veil.Hosting.CheckedHost.BadSettingsExitCode;

    public HostStartupRefusedException(string message)
        : base(message)
    {
    }

    public HostStartupRefusedException()
    {
    }

    public HostStartupRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
