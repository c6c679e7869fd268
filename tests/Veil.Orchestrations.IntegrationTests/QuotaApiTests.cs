using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Quotas;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>Project quotas through the API: set by admins, read by tenants, counted with the servers they limit.</summary>
[Collection(nameof(LocalVeil))]
public sealed class QuotaApiTests(LocalVeil stack)
{
    private static readonly JsonSerializerOptions Json = VeilJson.Options;

    [Fact]
    public async Task TwentyConcurrentLaunches_QuotaOfFive_ExactlyFiveCreated_RestRefused403NamingInstances()
    {
        var (admin, tenant, project) = Project();
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);
        (await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(instances: 5), Json)).EnsureSuccessStatusCode();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => tenant.PostAsJsonAsync("/api/servers", new { name = $"crowd-{i}", flavorName = flavor, imageId = image })));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.Forbidden).ToList();
        var quota = await tenant.GetFromJsonAsync<QuotaView>("/api/quota", Json);

        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(15, refused.Count);
        var problem = await refused[0].Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("instances", problem.GetProperty("quota").GetString());
        Assert.Equal("Quota exceeded for instances: requested 1, but already used 5 of 5 instances.", problem.GetProperty("detail").GetString());
        Assert.Equal(5, (await stack.Store.ListAsync(project)).Count);
        Assert.Equal(5, quota!.Usage.Instances);
        Assert.Equal(5, quota.Limits.Instances);
        Assert.True(quota.SetByAdmin);
    }

    [Fact]
    public async Task CountAboveQuota_Refused_NothingCreated_DeletingFreesTheQuota()
    {
        var (admin, tenant, project) = Project();
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);
        (await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(instances: 2), Json)).EnsureSuccessStatusCode();

        var three = await tenant.PostAsJsonAsync("/api/servers", new { name = "web", flavorName = flavor, imageId = image, count = 3 });
        var two = await tenant.PostAsJsonAsync("/api/servers", new { name = "web", flavorName = flavor, imageId = image, count = 2 });
        var servers = (await two.Content.ReadFromJsonAsync<ServerRecord[]>(Json))!;
        var full = await tenant.PostAsJsonAsync("/api/servers", new { name = "more", flavorName = flavor, imageId = image });
        await stack.SettledAsync(project, servers[0].ServerId);
        await tenant.DeleteAsync($"/api/servers/{servers[0].ServerId}");
        Assert.Equal(ServerStatus.Deleted, (await stack.SettledAsync(project, servers[0].ServerId)).Status);
        var afterDelete = await tenant.PostAsJsonAsync("/api/servers", new { name = "again", flavorName = flavor, imageId = image });

        Assert.Equal(HttpStatusCode.Forbidden, three.StatusCode);
        Assert.Contains("requested 3, but already used 0 of 2 instances", await three.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, two.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, full.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, afterDelete.StatusCode);
        Assert.Equal(3, (await stack.Store.ListAsync(project)).Count);
    }

    [Fact]
    public async Task CoresRamAndEncryptionContexts_EachRefusedByName_PlainServerStillFits()
    {
        var (admin, tenant, project) = Project();
        var snpImage = "img-" + Guid.NewGuid().ToString("N")[..8];
        var snpFlavor = "snp-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/images", new { id = snpImage, properties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" } });
        await admin.PostAsJsonAsync("/api/flavors", new { name = snpFlavor, vCpus = 2, memoryMiB = 2048, diskGiB = 20, extraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" } });
        (await admin.PostAsJsonAsync($"/api/flavors/{snpFlavor}/approve", new { })).EnsureSuccessStatusCode();
        var (plainImage, plainFlavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);

        (await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(snp: 1), Json)).EnsureSuccessStatusCode();
        var firstSnp = await tenant.PostAsJsonAsync("/api/servers", new { name = "a", flavorName = snpFlavor, imageId = snpImage });
        var secondSnp = await tenant.PostAsJsonAsync("/api/servers", new { name = "b", flavorName = snpFlavor, imageId = snpImage });
        var plain = await tenant.PostAsJsonAsync("/api/servers", new { name = "c", flavorName = plainFlavor, imageId = plainImage });
        (await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(cores: 4), Json)).EnsureSuccessStatusCode();
        var overCores = await tenant.PostAsJsonAsync("/api/servers", new { name = "d", flavorName = snpFlavor, imageId = snpImage });
        (await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(ramMiB: 3000), Json)).EnsureSuccessStatusCode();
        var overRam = await tenant.PostAsJsonAsync("/api/servers", new { name = "e", flavorName = plainFlavor, imageId = plainImage });
        var quota = await tenant.GetFromJsonAsync<QuotaView>("/api/quota", Json);

        Assert.Equal(HttpStatusCode.Accepted, firstSnp.StatusCode);
        Assert.Equal("mem_encryption_context:amd-sev-snp", (await secondSnp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quota").GetString());
        Assert.Contains("already used 1 of 1 SEV-SNP memory-encryption contexts", await secondSnp.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);
        Assert.Equal("cores", (await overCores.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quota").GetString());
        Assert.Contains("requested 2, but already used 3 of 4 cores", await overCores.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("ram", (await overRam.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quota").GetString());
        Assert.Equal(new[] { 2, 3, 2560, 1 }, new[] { quota!.Usage.Instances, quota.Usage.Cores, quota.Usage.RamMiB, quota.Usage.MemEncryptionContexts["amd-sev-snp"] });
    }

    [Fact]
    public async Task RetryWithTheSameIdempotencyKey_AtTheLimit_ReturnsTheSameServers()
    {
        var (admin, tenant, project) = Project();
        var (image, flavor) = await ApiTests.PlainImageAndApprovedFlavorAsync(admin);
        (await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(instances: 2), Json)).EnsureSuccessStatusCode();

        async Task<HttpResponseMessage> LaunchAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/servers") { Content = JsonContent.Create(new { name = "web", flavorName = flavor, imageId = image, count = 2 }) };
            request.Headers.Add("Idempotency-Key", "quota-retry");
            return await tenant.SendAsync(request);
        }

        var first = await (await LaunchAsync()).Content.ReadFromJsonAsync<ServerRecord[]>(Json);
        var retry = await LaunchAsync();

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(first!.Select(s => s.ServerId), (await retry.Content.ReadFromJsonAsync<ServerRecord[]>(Json))!.Select(s => s.ServerId));
        Assert.Equal(2, (await stack.Store.ListAsync(project)).Count);
    }

    [Fact]
    public async Task SettingQuotas_AdminsOnly_BadLimitsRefusedNamingTheField_DefaultsUntilSet()
    {
        var (admin, tenant, project) = Project();

        var before = await admin.GetFromJsonAsync<QuotaView>($"/api/admin/quotas/{project}", Json);
        var byTenant = await tenant.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(instances: 100), Json);
        var negative = await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", Limits(cores: -2), Json);
        var unknownModel = await admin.PutAsJsonAsync($"/api/admin/quotas/{project}", new { instances = 1, cores = 1, ramMiB = 1, memEncryptionContexts = new Dictionary<string, int> { ["amd-tdx"] = 1 } });
        var missing = await admin.PutAsync($"/api/admin/quotas/{project}", new StringContent("{\"instances\": 3}", System.Text.Encoding.UTF8, "application/json"));
        var badProject = await admin.GetAsync("/api/admin/quotas/..%2F..");

        Assert.False(before!.SetByAdmin);
        Assert.Equal(QuotaSet.Unlimited, before.Limits.Instances); // the test stack runs with Development's unlimited defaults
        Assert.Equal(HttpStatusCode.Forbidden, byTenant.StatusCode);
        Assert.Equal("cores", (await negative.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal("memEncryptionContexts.amd-tdx", (await unknownModel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("cores", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badProject.StatusCode);
        Assert.False((await admin.GetFromJsonAsync<QuotaView>($"/api/admin/quotas/{project}", Json))!.SetByAdmin);
    }

    private (HttpClient Admin, HttpClient Tenant, string Project) Project()
    {
        var project = "project-quota-" + Guid.NewGuid().ToString("N")[..6];
        return (stack.Api("ops", "admin"), stack.Api(project), project);
    }

    private static QuotaSet Limits(int instances = QuotaSet.Unlimited, int cores = QuotaSet.Unlimited, int ramMiB = QuotaSet.Unlimited, int snp = QuotaSet.Unlimited) =>
        new(instances, cores, ramMiB, new Dictionary<string, int> { ["amd-sev-snp"] = snp });
}
