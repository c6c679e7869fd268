using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Veil.Shared.Guests;

namespace Veil.HostWorker.Storage;

/// <summary>
/// What a guest finds on its config drive, in nova's layout that cloud-init's ConfigDrive datasource reads:
/// <c>openstack/latest/meta_data.json</c> (its id, name, hostname, project, metadata and public keys) and, when it
/// has any, <c>openstack/latest/user_data</c> exactly as the tenant gave it.
/// </summary>
public static class ConfigDriveContents
{
    public const string MetaDataPath = "openstack/latest/meta_data.json";
    public const string UserDataPath = "openstack/latest/user_data";

    /// <summary>Each file's path on the drive and its bytes.</summary>
    public static IReadOnlyList<(string Path, byte[] Content)> Files(GuestSpec guest)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var meta = new JsonObject
        {
            ["uuid"] = guest.ServerId.ToString("D"),
            ["name"] = guest.Name,
            ["hostname"] = Hostname(guest),
            ["project_id"] = guest.ProjectId,
            ["launch_index"] = 0,
            ["availability_zone"] = "veil",
            ["meta"] = new JsonObject(guest.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
        };
        if (guest.KeyPair is { } key)
        {
            meta["public_keys"] = new JsonObject { [key.Name] = key.PublicKey };
            meta["keys"] = new JsonArray(new JsonObject { ["name"] = key.Name, ["type"] = "ssh", ["data"] = key.PublicKey });
        }

        // A file, not a web page: keys' '+' and names' '<' stay as they are, as a guest's own tools read them.
        var json = meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var files = new List<(string, byte[])> { (MetaDataPath, Encoding.UTF8.GetBytes(json)) };
        if (guest.UserData is { } userData)
        {
            files.Add((UserDataPath, Convert.FromBase64String(userData)));
        }

        return files;
    }

    /// <summary>The guest's host name, from its server name as nova makes it: lower case, letters, digits, '-' and '.', at most 63.</summary>
    public static string Hostname(GuestSpec guest)
    {
        ArgumentNullException.ThrowIfNull(guest);
        var text = new StringBuilder();
        foreach (var c in guest.Name.ToLowerInvariant())
        {
            text.Append(c switch
            {
                ' ' or '_' => '-',
                >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.' => c,
                _ => '\0',
            });
        }

        var name = text.ToString().Replace("\0", "", StringComparison.Ordinal);
        name = name[..Math.Min(name.Length, 63)].Trim('-', '.');
        return name.Length > 0 ? name : $"server-{guest.ServerId:N}"[..15];
    }
}
