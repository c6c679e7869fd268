using Bunit;
using Veil.Portal.Components.Pages;
using Veil.Portal.Launch;
using Veil.Shared.Guests;

namespace Veil.Portal.Tests;

public sealed class KeyPairsTests : BunitTest
{
    public KeyPairsTests() =>
        Api.Answers["/api/keypairs"] = """[{"name":"laptop","publicKey":"ssh-ed25519 AAAA x","type":"ssh-ed25519","fingerprint":"SHA256:abc","createdAt":"2026-12-01T10:00:00Z"}]""";

    [Fact]
    public void Page_ListsTheUsersKeyPairsWithTypeAndFingerprint()
    {
        var page = Render<KeyPairs>();

        page.WaitForAssertion(() => Assert.Equal("laptop", page.Find("[data-testid=key-pair-name]").TextContent));
        Assert.Contains("SHA256:abc", page.Find("[data-testid=key-pairs]").TextContent, StringComparison.Ordinal);
        Assert.Contains("ssh-ed25519", page.Find("[data-testid=key-pairs]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_PrivateKeyPasted_RefusedSayingWhy_NothingSent()
    {
        var page = Render<KeyPairs>();
        page.WaitForAssertion(() => page.Find("[data-testid=key-pair-name]"));
        Type(page, "new-name", "laptop2");
        page.Find("textarea[data-testid=new-public-key], [data-testid=new-public-key] textarea").Input("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----");

        page.Find("[data-testid=add]").Click();

        page.WaitForAssertion(() => Assert.Contains("one line", page.Find("[data-testid=problem]").TextContent, StringComparison.Ordinal));
        Assert.False(Api.Bodies.ContainsKey("/api/keypairs"));
    }

    [Fact]
    public void Add_PublicKey_SentToTheApiAsTyped()
    {
        // ssh-ed25519's wire format: the type and 32 key bytes, each after its big-endian length.
        byte[] blob = [0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 32, .. new byte[32]];
        var key = $"ssh-ed25519 {Convert.ToBase64String(blob)} me@desk";
        var page = Render<KeyPairs>();
        page.WaitForAssertion(() => page.Find("[data-testid=key-pair-name]"));
        Type(page, "new-name", "desktop");
        page.Find("textarea[data-testid=new-public-key], [data-testid=new-public-key] textarea").Input(key);

        page.Find("[data-testid=add]").Click();

        page.WaitForAssertion(() => Assert.True(Api.Bodies.ContainsKey("/api/keypairs")));
        Assert.Contains("\"desktop\"", Api.Bodies["/api/keypairs"], StringComparison.Ordinal);
        Assert.Contains(key.Split(' ')[1], Api.Bodies["/api/keypairs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_AsksTheApiForThatKeyPair()
    {
        var page = Render<KeyPairs>();
        page.WaitForAssertion(() => page.Find("[data-testid=delete-laptop]"));

        page.Find("[data-testid=delete-laptop]").Click();

        page.WaitForAssertion(() => Assert.Contains("/api/keypairs/laptop Bearer", Api.Seen));
    }

    [Fact]
    public void LaunchRequest_UserDataSentBase64_KeyNameKept_TooMuchRefusedOnDetails()
    {
        var request = new LaunchRequest { Name = "web", FlavorName = "m1.small", ImageId = "debian", KeyName = "laptop", UserData = "#cloud-config\nhostname: web\n" };

        var api = request.ToApiRequest();

        Assert.Equal("laptop", api.KeyName);
        Assert.Equal("#cloud-config\nhostname: web\n", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(api.UserData!)));
        Assert.Null(new LaunchRequest { Name = "web" }.ToApiRequest().UserData);
        Assert.Null(request.DetailsProblem());
        Assert.Equal($"user data is {GuestRules.MaxUserDataBytes + 1} bytes; at most {GuestRules.MaxUserDataBytes} are allowed.",
            new LaunchRequest { Name = "web", UserData = new string('x', GuestRules.MaxUserDataBytes + 1) }.DetailsProblem());
    }

    [Fact]
    public void LaunchWizard_LoadsTheUsersKeyPairs_SaysWhenThereAreNone()
    {
        Api.Answers["/api/keypairs"] = "[]";

        var page = Render<LaunchWizard>();

        page.WaitForAssertion(() => Assert.Contains("/api/keypairs Bearer", Api.Seen));
        page.WaitForAssertion(() => Assert.Contains("You have no key pairs", page.Markup, StringComparison.Ordinal));
    }
}
