using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>Key pairs (nova's os-keypairs) and what a launch does with a key name, user data and the config drive.</summary>
[Collection(nameof(LocalVeil))]
public sealed class KeyPairApiTests(LocalVeil stack)
{
    private static readonly JsonSerializerOptions Json = VeilJson.Options;

    private static string Project() => "project-keys-" + Guid.NewGuid().ToString("N")[..6];

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    [Fact]
    public async Task List_SortedAndPagedByLimitAndMarker_NextPageInTheLinkHeader_BadLimitOrMarkerNamed()
    {
        using var carol = stack.Api(Project());
        foreach (var name in new[] { "c-desk", "a-laptop", "b-phone" })
        {
            Assert.Equal(HttpStatusCode.Created, (await carol.PostAsJsonAsync("/api/keypairs", new { name, publicKey = SshKeys.Ed25519() })).StatusCode);
        }

        var first = await carol.GetAsync("/api/keypairs?limit=2");
        var next = first.Headers.GetValues("Link").Single();
        var second = await carol.GetAsync(next[1..next.IndexOf('>', StringComparison.Ordinal)]);
        var unknown = await carol.GetAsync("/api/keypairs?marker=z-none");
        var zero = await carol.GetAsync("/api/keypairs?limit=0");

        Assert.Equal(["a-laptop", "b-phone"], (await first.Content.ReadFromJsonAsync<KeyPair[]>(Json))!.Select(k => k.Name));
        Assert.Equal("</api/keypairs?limit=2&marker=b-phone>; rel=\"next\"", next);
        Assert.Equal(["c-desk"], (await second.Content.ReadFromJsonAsync<KeyPair[]>(Json))!.Select(k => k.Name));
        Assert.False(second.Headers.Contains("Link"));
        Assert.Equal((HttpStatusCode.BadRequest, "marker 'z-none' is not in this list (it names the last item of the page before)."), (unknown.StatusCode, await DetailAsync(unknown)));
        Assert.Equal((HttpStatusCode.BadRequest, "limit is 0; ask for 1-1000 items, or leave it out for up to 1000."), (zero.StatusCode, await DetailAsync(zero)));
    }

    [Fact]
    public async Task KeyPair_UploadedListedShownDeleted_OnlyItsUserSeesIt_NameTakenOnce()
    {
        using var alice = stack.Api(Project());
        using var bob = stack.Api(Project());
        var publicKey = SshKeys.Ed25519();

        var created = await alice.PostAsJsonAsync("/api/keypairs", new { name = "laptop", publicKey = publicKey + "\n" });
        var keyPair = await created.Content.ReadFromJsonAsync<KeyPair>(Json);
        var again = await alice.PostAsJsonAsync("/api/keypairs", new { name = "laptop", publicKey = SshKeys.Ed25519() });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/keypairs/laptop", created.Headers.Location?.OriginalString);
        Assert.Equal(publicKey, keyPair!.PublicKey);
        Assert.Equal("ssh-ed25519", keyPair.Type);
        Assert.Equal(OpenSshPublicKey.Parse(publicKey).Key!.Fingerprint, keyPair.Fingerprint);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(publicKey, (await alice.GetFromJsonAsync<KeyPair>("/api/keypairs/laptop", Json))!.PublicKey);
        Assert.Equal(["laptop"], (await alice.GetFromJsonAsync<KeyPair[]>("/api/keypairs", Json))!.Select(k => k.Name));
        Assert.Empty((await bob.GetFromJsonAsync<KeyPair[]>("/api/keypairs", Json))!);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync("/api/keypairs/laptop")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync("/api/keypairs/laptop")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/api/keypairs/laptop")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync("/api/keypairs/laptop")).StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<KeyPair[]>("/api/keypairs", Json))!);
    }

    [Theory]
    [InlineData("laptop", "ssh-dss AAAAB3NzaC1kc3M=", "publicKey", "'ssh-dss' is not one of")]
    [InlineData("laptop", "-----BEGIN OPENSSH PRIVATE KEY----- b3Bl -----END OPENSSH PRIVATE KEY-----", "publicKey", "PEM block")]
    [InlineData("laptop", "", "publicKey", "empty")]
    [InlineData("my key", "ssh-ed25519 AAAA", "name", "Key pair name 'my key'")]
    public async Task KeyPair_BadNameOrKey_400NamingTheField_NothingStored(string name, string publicKey, string field, string detail)
    {
        using var tenant = stack.Api(Project());

        var response = await tenant.PostAsJsonAsync("/api/keypairs", new { name, publicKey });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await tenant.GetFromJsonAsync<KeyPair[]>("/api/keypairs", Json))!);
    }

    [Fact]
    public async Task Launch_WithKeyNameAndUserData_ServerHasAConfigDriveWithThem_Active()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api(Project());
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);
        (await tenant.PostAsJsonAsync("/api/keypairs", new { name = "laptop", publicKey = SshKeys.Ed25519() })).EnsureSuccessStatusCode();
        var userData = Convert.ToBase64String("#cloud-config\nhostname: web\n"u8.ToArray());

        var created = await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("web", flavor, image, KeyName: "laptop", UserData: userData), Json);
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];
        var settled = await stack.SettledAsync(server.ProjectId, server.ServerId);

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal("laptop", server.KeyName);
        Assert.True(server.ConfigDrive);
        Assert.Equal(ServerStatus.Active, settled.Status);
        Assert.Contains("disk.config", settled.DomainXml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_WithoutKeyOrUserData_NoConfigDrive_UnlessAsked()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api(Project());
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);

        var plain = (await (await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("plain", flavor, image), Json)).Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];
        var asked = (await (await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("asked", flavor, image, ConfigDrive: true), Json)).Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];

        Assert.False(plain.ConfigDrive);
        Assert.Null(plain.KeyName);
        Assert.True(asked.ConfigDrive);
        Assert.DoesNotContain("disk.config", (await stack.SettledAsync(plain.ProjectId, plain.ServerId)).DomainXml, StringComparison.Ordinal);
        Assert.Contains("disk.config", (await stack.SettledAsync(asked.ProjectId, asked.ServerId)).DomainXml, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadLaunches() => new()
    {
        { """{"keyName":"nowhere"}""", "keyName", "Key pair 'nowhere' does not exist" },
        { """{"userData":"#cloud-config"}""", "userData", "must be base64" },
        { $$"""{"userData":"{{Convert.ToBase64String(new byte[GuestRules.MaxUserDataBytes + 1])}}"}""", "userData", $"at most {GuestRules.MaxUserDataBytes}" },
        { $$"""{"userData":"{{Convert.ToBase64String("x"u8.ToArray())}}","configDrive":false}""", "configDrive", "only on its config drive" },
        { $$"""{"userData":"{{Convert.ToBase64String(new byte[GuestRules.MaxUserDataBytes])}}","metadata":{{Metadata(120)}}}""", "userData", "must stay under" },
    };

    private static string Metadata(int items) =>
        JsonSerializer.Serialize(Enumerable.Range(0, items).ToDictionary(i => $"key-{i}", _ => new string('v', 250)));

    [Theory]
    [MemberData(nameof(BadLaunches))]
    public async Task Launch_BadKeyNameOrUserData_400NamingTheField_NoServerCreated(string extra, string field, string detail)
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api(Project());
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);
        var body = $$"""{"name":"web","flavorName":"{{flavor}}","imageId":"{{image}}",{{extra[1..]}}""";

        var response = await tenant.PostAsync("/api/servers", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await tenant.GetFromJsonAsync<ServerRecord[]>("/api/servers", Json))!);
    }

    [Fact]
    public async Task Launch_AsMuchUserDataKeyAndMetadataAsTheRulesAllow_SpawnCommandFitsItsQueue_Active()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api(Project());
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);
        var publicKey = SshKeys.Ed25519(new string('c', OpenSshPublicKey.MaxLength - 100));
        (await tenant.PostAsJsonAsync("/api/keypairs", new { name = "big", publicKey })).EnsureSuccessStatusCode();
        var userData = Convert.ToBase64String(new byte[GuestRules.MaxUserDataBytes]);
        var metadata = new Dictionary<string, string>();
        var guest = GuestSpecBuilder.Plain("big", Guid.NewGuid()) with { KeyPair = new GuestKey("big", publicKey), UserData = userData, ConfigDrive = true };
        while (GuestRules.Check(guest with { Metadata = new Dictionary<string, string>(metadata) { [$"k{metadata.Count}"] = new string('<', 255) } }).Count == 0)
        {
            metadata[$"k{metadata.Count}"] = new string('<', 255); // each '<' is six characters of JSON
        }

        metadata.Remove($"k{metadata.Count - 1}"); // this spec's names and ids are not the launched server's: keep a margin

        var created = await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("big", flavor, image, Metadata: metadata, KeyName: "big", UserData: userData), Json);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];

        Assert.NotEmpty(metadata);
        Assert.Equal(ServerStatus.Active, (await stack.SettledAsync(server.ProjectId, server.ServerId)).Status);
    }

    [Fact]
    public async Task DeletingTheKeyPair_LeavesTheServerItLaunched()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api(Project());
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);
        (await tenant.PostAsJsonAsync("/api/keypairs", new { name = "old", publicKey = SshKeys.Ed25519() })).EnsureSuccessStatusCode();
        var server = (await (await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("web", flavor, image, KeyName: "old"), Json)).Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];

        (await tenant.DeleteAsync("/api/keypairs/old")).EnsureSuccessStatusCode();

        var settled = await stack.SettledAsync(server.ProjectId, server.ServerId);
        Assert.Equal(ServerStatus.Active, settled.Status);
        Assert.Equal("old", settled.KeyName);
    }
}
