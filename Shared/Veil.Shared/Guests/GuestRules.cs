using Veil.Shared.Catalog;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Guests;

/// <summary>
/// What a guest must be for any host to define it, whatever the host: the API checks every server of a request with
/// these before it creates any, and the host checks them again before it builds the XML.
/// </summary>
public static class GuestRules
{
    /// <summary>The most servers one launch request may create (the Portal's wizard and the API both read it).</summary>
    public const int MaxServersPerLaunch = 50;

    /// <summary>
    /// The most user data a server may have, decoded. nova allows 64 KiB of base64; Veil's spawn command carries the
    /// guest on one queue message (64 KiB in all), so it allows 16 KiB.
    /// </summary>
    public const int MaxUserDataBytes = 16 * 1024;

    /// <summary>
    /// The most a guest may come to as JSON: its spawn command travels on one host queue message, which holds 64 KiB,
    /// so metadata, key pair and user data, each within its own limit, must also fit together.
    /// </summary>
    public const int MaxSpecJsonBytes = 48 * 1024;

    /// <summary>Why <paramref name="userData"/> (base64) cannot be a server's user data, or null.</summary>
    public static string? UserDataProblem(string? userData)
    {
        if (userData is null)
        {
            return null;
        }

        var bytes = new byte[userData.Length];
        if (!Convert.TryFromBase64String(userData, bytes, out var length))
        {
            return "user data must be base64 (as nova takes it); encode the cloud-config or script first.";
        }

        return length > MaxUserDataBytes ? $"user data is {length} bytes; at most {MaxUserDataBytes} are allowed." : null;
    }

    /// <summary>Why a flavor's disk of <paramref name="diskGiB"/> cannot hold the image's disk, or null (also when its size is not known).</summary>
    public static string? ImageDiskProblem(GuestImage? image, int diskGiB) =>
        image?.Disk?.VirtualSizeBytes is { } size && size > (long)diskGiB << 30
            ? $"the image's disk is {Math.Ceiling(size / (double)(1L << 30))} GiB ({size} bytes), larger than the flavor's {diskGiB} GiB disk; choose a flavor with a larger disk."
            : null;

    /// <summary>Why a launch of <paramref name="count"/> servers is refused, or null.</summary>
    public static string? CountProblem(int count) =>
        count is < 1 or > MaxServersPerLaunch ? $"count {count} must be between 1 and {MaxServersPerLaunch}." : null;

    /// <summary>The name of the <paramref name="index"/>-th (from 0) of <paramref name="count"/> servers launched as
    /// <paramref name="name"/>: the name itself for one, <c>name-1</c>, <c>name-2</c>, … for several, as nova does.</summary>
    public static string ServerName(string name, int count, int index) => count == 1 ? name : $"{name}-{index + 1}";

    /// <summary>Why <paramref name="name"/> cannot name <paramref name="count"/> servers, or null (checks the longest name the launch gives).</summary>
    public static string? NameProblem(string? name, int count) =>
        GuestText.Problem("server name", name is null ? null : ServerName(name, count, Math.Max(count, 1) - 1), GuestText.MaxNameLength);

    /// <summary>Every problem of the spec, each named by the request field it comes from.</summary>
    public static IReadOnlyList<FieldProblem> Check(GuestSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<FieldProblem>();
        void Text(string field, string what, string? value, int maxLength)
        {
            if (GuestText.Problem(what, value, maxLength) is { } problem)
            {
                problems.Add(new(field, problem));
            }
        }

        Text("name", "server name", spec.Name, GuestText.MaxNameLength);
        Text("projectId", "project id", spec.ProjectId, GuestText.MaxNameLength);
        Text("flavorName", "flavor name", spec.FlavorName, GuestText.MaxNameLength);
        if (spec.ServerId == Guid.Empty)
        {
            problems.Add(new("serverId", "server id is the empty UUID; give the server a unique id."));
        }

        if (spec.VCpus is < 1 or > 1024)
        {
            problems.Add(new("vCpus", $"vCPUs is {spec.VCpus}; it must be between 1 and 1024."));
        }

        if (spec.MemoryMiB is < 16 or > 16 * 1024 * 1024)
        {
            problems.Add(new("memoryMiB", $"memory is {spec.MemoryMiB} MiB; it must be between 16 MiB and 16 TiB."));
        }

        if (spec.DiskGiB is < 1 or > 64 * 1024)
        {
            problems.Add(new("diskGiB", $"disk is {spec.DiskGiB} GiB; it must be between 1 GiB and 64 TiB."));
        }

        if (ImageDiskProblem(spec.Image, spec.DiskGiB) is { } diskProblem)
        {
            problems.Add(new("diskGiB", diskProblem));
        }

        if (spec.Metadata.Count > GuestText.MaxMetadataItems)
        {
            problems.Add(new("metadata", $"metadata has {spec.Metadata.Count} items; at most {GuestText.MaxMetadataItems} are allowed."));
        }

        foreach (var (key, value) in spec.Metadata)
        {
            Text("metadata", $"metadata key '{key}'", key, GuestText.MaxMetadataKeyLength);
            Text("metadata", $"metadata value of '{key}'", value, GuestText.MaxMetadataValueLength);
        }

        if (spec.ImageProperties.TryGetValue(RequestKeys.ImageKernelCommandLine, out var cmdline) && cmdline.Any(char.IsControl))
        {
            problems.Add(new("imageProperties", $"image property {RequestKeys.ImageKernelCommandLine} contains a control character; remove it."));
        }

        if (UserDataProblem(spec.UserData) is { } userDataProblem)
        {
            problems.Add(new("userData", userDataProblem));
        }

        if (spec.KeyPair is { } keyPair && OpenSshPublicKey.Parse(keyPair.PublicKey).Problem is { } keyProblem)
        {
            problems.Add(new("keyName", $"key pair '{keyPair.Name}': {keyProblem}"));
        }

        if ((spec.KeyPair is not null || spec.UserData is not null) && !spec.ConfigDrive)
        {
            problems.Add(new("configDrive", "a key pair or user data reaches the guest only on a config drive; this spec has none."));
        }

        problems.AddRange(DeviceBuilder.BusProblems(spec.ImageProperties).Select(p => new FieldProblem("imageProperties", p)));
        if (problems.Count == 0 && System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(spec, Contracts.VeilJson.Options).Length is var size and > MaxSpecJsonBytes)
        {
            problems.Add(new(spec.UserData is null ? "metadata" : "userData",
                $"the server's metadata, key pair and user data come to {size} bytes with the rest of it; together they must stay under {MaxSpecJsonBytes} (one host queue message). Send less user data or fewer metadata items."));
        }

        return problems;
    }
}
