namespace Veil.Shared.Hosts;

/// <summary>The <c>kvm_amd</c> module parameters Veil reads: <c>sev</c>, <c>sev_es</c>, <c>sev_snp</c>.</summary>
public static class KvmAmdParameter
{
    public const string Sev = "sev";
    public const string SevEs = "sev_es";
    public const string SevSnp = "sev_snp";

    /// <summary>The sysfs path of a parameter, relative to the host root.</summary>
    public static string RelativePath(string parameter) => $"sys/module/kvm_amd/parameters/{parameter}";

    /// <summary><c>1</c> or <c>Y</c> is on, <c>0</c> or <c>N</c> off, a missing file off (older kernels lack it).</summary>
    public static SwitchState Parse(string? content) => content?.Trim() switch
    {
        null => SwitchState.Off,
        "1" or "Y" or "y" => SwitchState.On,
        "0" or "N" or "n" => SwitchState.Off,
        _ => SwitchState.Unknown,
    };

    /// <summary>How a value reads in the checklist: <c>Y</c>, <c>(file missing)</c>.</summary>
    public static string Describe(string? content) => content is null ? "(file missing)" : $"'{content.Trim()}'";
}
