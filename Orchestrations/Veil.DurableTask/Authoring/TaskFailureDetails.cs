namespace Veil.DurableTask;

/// <summary>Why a task failed, kept in history: the exception's type, message and stack, and its inner failure.</summary>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, TaskFailureDetails? InnerFailure = null)
{
    public static TaskFailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // A task's failure keeps the task's own details inside, as Microsoft.DurableTask does.
        return exception is TaskFailedException failed
            ? new TaskFailureDetails(typeof(TaskFailedException).FullName!, failed.Message, failed.StackTrace, failed.FailureDetails)
            : new TaskFailureDetails(
                exception.GetType().FullName ?? exception.GetType().Name,
                exception.Message,
                exception.StackTrace,
                exception.InnerException is { } inner ? FromException(inner) : null);
    }

    /// <summary>True when the failure (or an inner one) came from an exception of type <typeparamref name="T"/>.</summary>
    public bool IsCausedBy<T>()
        where T : Exception =>
        ErrorType == typeof(T).FullName || (InnerFailure?.IsCausedBy<T>() ?? false);

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
