namespace Veil.Hosting;

/// <summary>Settings that know their own rules: each problem is a sentence naming the setting (<c>Boot:MaxAttempts</c>),
/// its value and what it must be.</summary>
public interface ICheckedOptions
{
    IEnumerable<string> Problems();
}
