using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.MemoryEncryption;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>The HTTP API as tenants and admins use it, through the real Orchestrations host.</summary>
[Collection(nameof(LocalVeil))]
public sealed class ApiTests(LocalVeil stack)
{
    // The Portal's reader: what these tests read, the Portal can read.
    private static readonly JsonSerializerOptions Json = VeilJson.Options;

    [Fact]
    public async Task Preflight_Snp_ModelResourcesAndTraits()
    {
        using var api = stack.Api("p1");

        var response = await api.PostAsJsonAsync("/api/mem-encryption/resolve", new
        {
            flavorExtraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" },
            imageProperties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("amd-sev-snp", body.GetProperty("model").GetString());
        Assert.Equal(1, body.GetProperty("resources").GetProperty("MEM_ENCRYPTION_CONTEXT").GetInt32());
        Assert.Equal(["HW_CPU_X86_AMD_SEV_SNP", "COMPUTE_SECURITY_STATELESS_FIRMWARE"], body.GetProperty("requiredTraits").EnumerateArray().Select(t => t.GetString()!).Order().Reverse());
    }

    [Fact]
    public async Task Preflight_NothingRequested_NullModelEmptyResources_ConflictIs400NamingIt()
    {
        using var api = stack.Api("p1");

        var plain = await (await api.PostAsJsonAsync("/api/mem-encryption/resolve", new { flavorExtraSpecs = new { }, imageProperties = new { } })).Content.ReadFromJsonAsync<JsonElement>();
        var conflict = await api.PostAsJsonAsync("/api/mem-encryption/resolve", new
        {
            flavorExtraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev" },
            imageProperties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_mem_encryption_model"] = "amd-sev-snp" },
        });
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(JsonValueKind.Null, plain.GetProperty("model").ValueKind);
        Assert.Empty(plain.GetProperty("resources").EnumerateObject());
        Assert.Equal(HttpStatusCode.BadRequest, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        Assert.Contains("hw:mem_encryption_model", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("hw_mem_encryption_model", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/mem-encryption/resolve", "{ not json", "body", "The request body is not valid JSON (line 1, byte 3): '")]
    [InlineData("/api/mem-encryption/resolve", "{\"flavorExtraSpecs\": {\"hw:mem_encryption\": true}}", "flavorExtraSpecs.hw:mem_encryption", "flavorExtraSpecs.hw:mem_encryption must be a string.")]
    [InlineData("/api/mem-encryption/resolve", "{\"flavorExtraSpecs\": [1,2]}", "flavorExtraSpecs", "flavorExtraSpecs must be an object whose every value is a string.")]
    [InlineData("/api/servers", "{\"name\": \"web\", \"count\": \"three\"}", "count", "count must be an integer from 1 to 50.")]
    [InlineData("/api/servers", "{\"name\": \"web\", \"metadata\": {\"tier\": 1}}", "metadata.tier", "metadata.tier must be a string.")]
    [InlineData("/api/servers", "{\"configDrive\": \"yes\"}", "configDrive", "configDrive must be true or false.")]
    [InlineData("/api/servers", "[1]", "body", "The body must be an object.")]
    [InlineData("/api/servers", "", "body", "A JSON body is required.")]
    [InlineData("/api/flavors", "{\"name\": \"f\", \"memoryMiB\": 1024, \"diskGiB\": 10}", "vCpus", "vCpus is required.")]
    [InlineData("/api/flavors", "{\"name\": \"f\", \"vCpus\": 1.5, \"memoryMiB\": 1024, \"diskGiB\": 10}", "vCpus", "vCpus must be an integer from 1 to 512.")]
    public async Task MalformedOrWrongTypes_400NamingTheFieldAndWhatItMustBe_InWordsNotTypeNames(string path, string body, string field, string detail)
    {
        using var api = stack.Api("p1");

        var response = await api.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotJsonOrAQueryValueOfTheWrongKind_SaysWhatToSend()
    {
        using var api = stack.Api("p1");

        var text = await api.PostAsync("/api/servers", new StringContent("name=web", Encoding.UTF8, "text/plain"));
        var length = await api.GetAsync($"/api/servers/{Guid.NewGuid()}/console-log?length=lots");
        var textProblem = await text.Content.ReadFromJsonAsync<JsonElement>();
        var lengthProblem = await length.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("The body must be JSON: send it with Content-Type: application/json.", textProblem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, length.StatusCode);
        Assert.Equal(("length", "length must be an integer; 'lots' is not."), (lengthProblem.GetProperty("field").GetString(), lengthProblem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task EveryAnswer_ReadsIntoTheSharedContract_WithThePortalsReader()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-contract");
        var flavor = "snp-" + Guid.NewGuid().ToString("N")[..8];
        var image = "img-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/images", new RegisterImageRequest(image, "Debian", new() { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" }), Json);
        await admin.PostAsJsonAsync("/api/flavors", new ProposeFlavorRequest(flavor, 2, 2048, 20, new() { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" }), Json);
        await admin.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new FlavorDecisionRequest(null), Json);
        var created = await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("contract", flavor, image), Json);
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];
        await stack.SettledAsync("project-contract", server.ServerId);

        var read = await tenant.GetFromJsonAsync<ServerRecord>($"/api/servers/{server.ServerId}", Json);
        // The server is ACTIVE once the boot has recorded its outcome; the orchestration completes a moment later.
        var actions = await Eventually.Until(
            () => tenant.GetFromJsonAsync<List<ServerActionView>>($"/api/servers/{server.ServerId}/actions", Json),
            a => a is [{ RuntimeStatus: InstanceStatus.Completed }],
            a => $"actions: {string.Join(", ", a?.Select(x => $"{x.Name} {x.RuntimeStatus}") ?? [])}");
        var flavors = await tenant.GetFromJsonAsync<List<Flavor>>("/api/flavors", Json);
        var images = await tenant.GetFromJsonAsync<List<Image>>("/api/images", Json);
        var capacity = await tenant.GetFromJsonAsync<FlavorCapacity>($"/api/flavors/{flavor}/capacity?imageId={image}", Json);
        var hosts = await admin.GetFromJsonAsync<List<HostView>>("/api/hosts", Json);
        var page = await admin.GetFromJsonAsync<OrchestrationPageView>($"/api/orchestrations?prefix={actions![0].InstanceId}", Json);
        var history = (await admin.GetFromJsonAsync<List<HistoryEventView>>($"/api/orchestrations/{actions[0].InstanceId}/history", Json))!;
        var warnings = await admin.GetFromJsonAsync<EngineWarningsView>("/api/orchestrations/warnings", Json);
        var parked = await admin.GetFromJsonAsync<List<ParkedMessage>>("/api/poison", Json);

        Assert.Equal(ServerStatus.Active, read!.Status);
        Assert.Equal(MemoryEncryptionModel.AmdSevSnp, read.Model);
        Assert.Equal(InstanceStatus.Completed, Assert.Single(actions).RuntimeStatus);
        Assert.Equal(MemoryEncryptionModel.AmdSevSnp, flavors!.Single(f => f.Name == flavor).Model);
        Assert.Equal(FlavorStatus.Approved, flavors!.Single(f => f.Name == flavor).Status);
        Assert.Equal("uefi", images!.Single(i => i.Id == image).Properties["hw_firmware_type"]);
        Assert.Equal("amd-sev-snp", capacity!.Model);
        Assert.Contains(hosts!, h => h.Pools.Any(p => p.Model == "amd-sev-snp"));
        Assert.Equal(InstanceStatus.Completed, Assert.Single(page!.Instances).RuntimeStatus);
        Assert.Contains(history, e => e.Type == HistoryEventKind.ExecutionStarted && e.Name == "BootServer");
        Assert.DoesNotContain(history, e => e.Type == HistoryEventKind.Other);
        Assert.Equal(InstanceStatus.Completed, history.Single(e => e.Type == HistoryEventKind.ExecutionCompleted).Status);
        Assert.Contains(history, e => e.Type == HistoryEventKind.TaskCompleted && e.ScheduledId is not null);
        Assert.NotNull(warnings!.Counts);
        Assert.NotNull(parked);
    }

    [Theory]
    [InlineData("/api/servers", "{\"name\":\"web\"}", "flavorName and imageId are required.")]
    [InlineData("/api/flavors", "{\"name\":\"small\",\"memoryMiB\":512}", "vCpus and diskGiB are required.")]
    public async Task BodyMissingAMember_400NamingIt_NothingCreated(string path, string body, string named)
    {
        using var api = stack.Api("project-missing", "admin");

        var response = await api.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await api.GetFromJsonAsync<ServerRecord[]>("/api/servers?project=project-missing", Json) is { } all ? all.Where(s => s.ProjectId == "project-missing") : []);
    }

    [Fact]
    public async Task NoToken_401()
    {
        using var api = stack.Anonymous();

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/servers")).StatusCode);
    }

    [Fact]
    public async Task FlavorApproval_OnlyAdmins_RejectNeedsReason_UnapprovedCannotBoot()
    {
        using var tenant = stack.Api("p-flavor");
        using var admin = stack.Api("ops", "admin");
        var name = "snp-" + Guid.NewGuid().ToString("N")[..8];
        var image = "img-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/images", new { id = image, name = "Debian", properties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" } });

        var proposed = await tenant.PostAsJsonAsync("/api/flavors", new { name, vCpus = 2, memoryMiB = 2048, diskGiB = 20, extraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" } });
        var bootPending = await tenant.PostAsJsonAsync("/api/servers", new { name = "early", flavorName = name, imageId = image });
        var tenantApproves = await tenant.PostAsJsonAsync($"/api/flavors/{name}/approve", new { });
        var rejectWithoutReason = await admin.PostAsJsonAsync($"/api/flavors/{name}/reject", new { });
        var approved = await admin.PostAsJsonAsync($"/api/flavors/{name}/approve", new { reason = "reviewed" });
        var decided = await approved.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bootPending.StatusCode);
        Assert.Contains("only approved flavors can boot", await bootPending.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, tenantApproves.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rejectWithoutReason.StatusCode);
        Assert.Equal("approved", decided.GetProperty("status").GetString());
        Assert.Equal("admin-of-ops", decided.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task FlavorWithConflictingModels_RefusedAtProposal()
    {
        using var tenant = stack.Api("p-flavor");

        var response = await tenant.PostAsJsonAsync("/api/flavors", new { name = "bad-" + Guid.NewGuid().ToString("N")[..6], vCpus = 1, memoryMiB = 1024, diskGiB = 10, extraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "maybe" } });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("extraSpecs", problem.GetProperty("field").GetString());
        Assert.Contains("hw:mem_encryption", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantBootsSnpServer_Active_OtherProjectSees404_AdminSeesIt()
    {
        using var admin = stack.Api("ops", "admin");
        using var alice = stack.Api("project-alice");
        using var bob = stack.Api("project-bob");
        var flavor = "snp-" + Guid.NewGuid().ToString("N")[..8];
        var image = "img-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/images", new { id = image, name = "Debian", properties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" } });
        await admin.PostAsJsonAsync("/api/flavors", new { name = flavor, vCpus = 2, memoryMiB = 2048, diskGiB = 20, extraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" } });
        await admin.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new { });

        var created = await alice.PostAsJsonAsync("/api/servers", new { name = "alice's <vm> & co", flavorName = flavor, imageId = image });
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];
        var active = await stack.SettledAsync("project-alice", server.ServerId);
        var fromApi = await alice.GetFromJsonAsync<ServerRecord>($"/api/servers/{server.ServerId}", Json);

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal(ServerStatus.Active, active.Status);
        Assert.Equal(ServerStatus.Active, fromApi!.Status);
        Assert.Equal("sev-snp", fromApi.LaunchSecurity!.Type);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/servers/{server.ServerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/servers/{server.ServerId}")).StatusCode);
        Assert.DoesNotContain(await bob.GetFromJsonAsync<ServerRecord[]>("/api/servers", Json) ?? [], s => s.ServerId == server.ServerId);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/servers/{server.ServerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/hosts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/orchestrations")).StatusCode);
        var hosts = await admin.GetFromJsonAsync<JsonElement>("/api/hosts");
        Assert.Contains(hosts.EnumerateArray(), h => h.GetProperty("name").GetString() == stack.Genoa && h.GetProperty("pools").EnumerateArray().Any(p => p.GetProperty("claimed").GetInt32() >= 1));
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/orchestrations/boot-{server.ServerId:N}/history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("name").ValueKind == JsonValueKind.String && e.GetProperty("name").GetString() == "ClaimAsid");

        // The owner reads the action log (nova's instance actions); other projects cannot.
        var actions = await alice.GetFromJsonAsync<JsonElement>($"/api/servers/{server.ServerId}/actions");
        var boot = Assert.Single(actions.EnumerateArray());
        Assert.Equal("BootServer", boot.GetProperty("name").GetString());
        Assert.Equal("completed", boot.GetProperty("runtimeStatus").GetString());
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>($"/api/servers/{server.ServerId}/actions"))[0].GetProperty("history").EnumerateArray(), e => e.GetProperty("type").GetString() == "task-completed");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/servers/{server.ServerId}/actions")).StatusCode);
    }

    [Fact]
    public async Task DeleteAskedTwice_BothAccepted_OneDeleteRuns()
    {
        using var admin = stack.Api("ops", "admin");
        var project = "project-twice-" + Guid.NewGuid().ToString("N")[..6];
        using var tenant = stack.Api(project);
        var server = await ActivePlainServerAsync(admin, tenant, project);

        var first = await tenant.DeleteAsync($"/api/servers/{server.ServerId}");
        var second = await tenant.DeleteAsync($"/api/servers/{server.ServerId}");
        var deleted = await stack.SettledAsync(project, server.ServerId);
        var actions = await tenant.GetFromJsonAsync<JsonElement>($"/api/servers/{server.ServerId}/actions");
        var afterwards = await tenant.DeleteAsync($"/api/servers/{server.ServerId}");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode, afterwards.StatusCode));
        Assert.Equal(ServerStatus.Deleted, deleted.Status);
        Assert.Single(actions.EnumerateArray(), a => a.GetProperty("name").GetString() == "DeleteServer");
        Assert.Equal(ServerStatus.Deleted, (await stack.Store.GetAsync(project, server.ServerId))!.Status);
    }

    [Fact]
    public async Task RestartOrRewind_OfABootWhoseServerIsActive_OrADeleteWhoseServerIsDeleted_409SayingWhy()
    {
        using var admin = stack.Api("ops", "admin");
        var project = "project-rerun-" + Guid.NewGuid().ToString("N")[..6];
        using var tenant = stack.Api(project);
        var server = await ActivePlainServerAsync(admin, tenant, project);

        var restart = await admin.PostAsJsonAsync($"/api/orchestrations/{server.BootInstanceId}/restart", new { });
        var rewind = await admin.PostAsJsonAsync($"/api/orchestrations/{server.BootInstanceId}/rewind", new { });
        await tenant.DeleteAsync($"/api/servers/{server.ServerId}");
        var deleted = await stack.SettledAsync(project, server.ServerId);
        var deleteAgain = await admin.PostAsJsonAsync($"/api/orchestrations/{deleted.DeleteInstanceId}/restart", new { });

        Assert.Equal(HttpStatusCode.Conflict, restart.StatusCode);
        Assert.Contains("is ACTIVE; booting it again would claim a second ASID slot", (await restart.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, rewind.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteAgain.StatusCode);
        Assert.Contains("is already DELETED", (await deleteAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single((await tenant.GetFromJsonAsync<JsonElement>($"/api/servers/{server.ServerId}/actions")).EnumerateArray(), a => a.GetProperty("name").GetString() == "BootServer");
    }

    [Fact]
    public async Task CreateWithIdempotencyKey_RetryGivesTheSameServer_OtherRequestWithTheKey422_BadKey400()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-idem-" + Guid.NewGuid().ToString("N")[..6]);
        var (image, flavor) = await PlainImageAndApprovedFlavorAsync(admin);
        async Task<HttpResponseMessage> CreateAsync(string name, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/servers") { Content = JsonContent.Create(new { name, flavorName = flavor, imageId = image }) };
            request.Headers.Add("Idempotency-Key", key);
            return await tenant.SendAsync(request);
        }

        var first = await (await CreateAsync("web", "retry-me-1")).Content.ReadFromJsonAsync<ServerRecord[]>(Json);
        var retried = await CreateAsync("web", "retry-me-1");
        var again = await retried.Content.ReadFromJsonAsync<ServerRecord[]>(Json);
        var reused = await CreateAsync("other-name", "retry-me-1");
        var bad = await CreateAsync("web", "two words");

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(first![0].ServerId, again![0].ServerId);
        Assert.Single(await tenant.GetFromJsonAsync<ServerRecord[]>("/api/servers", Json) ?? []);
        Assert.Equal(ServerStatus.Active, (await stack.SettledAsync(first[0].ProjectId, first[0].ServerId)).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Contains("same Idempotency-Key", (await reused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Idempotency-Key", (await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRetried_AfterTheServersBootEndedWithoutFinishingIt_ReturnsTheServerAndStartsNoSecondBoot()
    {
        using var admin = stack.Api("ops", "admin");
        var project = "project-once-" + Guid.NewGuid().ToString("N")[..6];
        using var tenant = stack.Api(project);
        var (image, flavor) = await PlainImageAndApprovedFlavorAsync(admin);
        var serverId = ServerIds.FromIdempotencyKey(project, "once-1", 0);
        var bootId = Boot.BootServer.InstanceIdFor(serverId);
        // The first request recorded the server and its boot ended with the server still BUILD (terminated by an
        // admin, or ended just after the retry read the record): here an instance under the boot's id that ended.
        var client = stack.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(Boot.DeleteServer), new Boot.DeleteServerInput(project, Guid.NewGuid(), new Boot.BootOptions().Limits()), new Microsoft.DurableTask.StartOrchestrationOptions(bootId));
        await client.WaitForInstanceCompletionAsync(bootId);
        var now = DateTimeOffset.UtcNow;
        await stack.Services.GetRequiredService<ServerStore>().SaveAsync(new ServerRecord
        {
            ServerId = serverId, ProjectId = project, Name = "web", FlavorName = flavor, ImageId = image, VCpus = 1, MemoryMiB = 512,
            BootInstanceId = bootId, CreatedAt = now, UpdatedAt = now,
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/servers") { Content = JsonContent.Create(new { name = "web", flavorName = flavor, imageId = image }) };
        request.Headers.Add("Idempotency-Key", "once-1");
        var retried = await tenant.SendAsync(request);
        var boot = await client.GetInstanceAsync(bootId);

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(serverId, Assert.Single((await retried.Content.ReadFromJsonAsync<ServerRecord[]>(Json))!).ServerId);
        Assert.Equal((nameof(Boot.DeleteServer), Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed), (boot!.Name, boot.RuntimeStatus));
    }

    [Theory]
    [InlineData(253, 10, 1, "name", "server name is 256 characters long")] // "-10" makes the tenth name too long
    [InlineData(8, 51, 1, "count", "count 51 must be between 1 and 50")]
    [InlineData(8, 3, 256, "metadata", "metadata value of 'note' is 256 characters long")]
    public async Task Launch_AnyServerOfTheRequestInvalid_400NamingTheField_NoServerCreated(int nameLength, int count, int noteLength, string field, string detail)
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-whole-" + Guid.NewGuid().ToString("N")[..6]);
        var (image, flavor) = await PlainImageAndApprovedFlavorAsync(admin);

        var response = await tenant.PostAsJsonAsync("/api/servers", new
        {
            name = new string('w', nameLength),
            count,
            flavorName = flavor,
            imageId = image,
            metadata = new Dictionary<string, string> { ["note"] = new string('n', noteLength) },
        });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await tenant.GetFromJsonAsync<ServerRecord[]>("/api/servers", Json) ?? []);
    }

    [Fact]
    public async Task Launch_CountThree_EquallyFreeHosts_EachServerBootsOnAnotherHost()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-spread-" + Guid.NewGuid().ToString("N")[..6]);
        var (image, flavor) = await PlainImageAndApprovedFlavorAsync(admin);

        var response = await tenant.PostAsJsonAsync("/api/servers", new { name = "web", count = 3, flavorName = flavor, imageId = image });
        var created = await response.Content.ReadFromJsonAsync<ServerRecord[]>(Json);
        var servers = await Task.WhenAll(created!.Select(s => stack.SettledAsync(s.ProjectId, s.ServerId)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.All(servers, s => Assert.Equal(ServerStatus.Active, s.Status));
        var listed = await tenant.GetFromJsonAsync<ServerRecord[]>("/api/servers", Json);
        Assert.Equal(servers.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.ServerId).Select(s => s.ServerId), listed!.Select(s => s.ServerId)); // newest first
        Assert.Equal(new[] { stack.Genoa, stack.Intel, stack.Rome }.Order(), servers.Select(s => s.HostName!).Order());
    }

    [Fact]
    public async Task FlavorCapacity_SaysHowManyHostsFitAndFreeSlots_OrWhyTheImageDoesNotFit()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-cap");
        var flavor = "snp-" + Guid.NewGuid().ToString("N")[..8];
        var uefi = "uefi-" + Guid.NewGuid().ToString("N")[..8];
        var bios = "bios-" + Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/images", new { id = uefi, properties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" } });
        await admin.PostAsJsonAsync("/api/images", new { id = bios, properties = new Dictionary<string, string>() });
        await admin.PostAsJsonAsync("/api/flavors", new { name = flavor, vCpus = 1, memoryMiB = 1024, diskGiB = 10, extraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" } });

        var fits = await tenant.GetFromJsonAsync<JsonElement>($"/api/flavors/{flavor}/capacity?imageId={uefi}");
        var unfit = await tenant.GetFromJsonAsync<JsonElement>($"/api/flavors/{flavor}/capacity?imageId={bios}");

        Assert.Equal("amd-sev-snp", fits.GetProperty("model").GetString());
        Assert.Equal(1, fits.GetProperty("hosts").GetInt32()); // only the SNP host of the three
        Assert.True(fits.GetProperty("freeSlots").GetInt32() > 0);
        Assert.Equal(0, unfit.GetProperty("hosts").GetInt32());
        Assert.Contains("hw_firmware_stateless", unfit.GetProperty("conflict").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync($"/api/flavors/{flavor}/capacity?imageId=no-such-image")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("/api/flavors/no-such-flavor/capacity")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/hosts")]
    [InlineData("GET", "/api/hosts/genoa")]
    [InlineData("GET", "/api/reconciliation")]
    [InlineData("GET", "/api/orchestrations")]
    [InlineData("GET", "/api/orchestrations/warnings")]
    [InlineData("POST", "/api/orchestrations/boot-x/terminate")]
    [InlineData("GET", "/api/poison")]
    [InlineData("POST", "/api/images")]
    [InlineData("POST", "/api/flavors/m1/approve")]
    public async Task AdminRoute_Tenant_403ProblemSayingTheAdminRoleIsNeeded_AdminNotRefused(string method, string path)
    {
        using var tenant = stack.Api("p-roles");
        using var admin = stack.Api("ops", "admin");

        using var refused = await tenant.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        using var allowed = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"{method} {path} needs the admin role", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_SaysWhichOperationsNeedTheAdminRole()
    {
        using var anyone = stack.Api("p-roles");

        var document = await anyone.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var approve = document.GetProperty("paths").GetProperty("/api/flavors/{name}/approve").GetProperty("post");
        Assert.Equal("Needs the admin role.", approve.GetProperty("description").GetString());
        var list = document.GetProperty("paths").GetProperty("/api/flavors").GetProperty("get");
        Assert.Equal("Any caller with a token: tenants see their own project, admins everything.", list.GetProperty("description").GetString());
        Assert.Equal(("admin", "tenant"), (approve.GetProperty("x-veil-role").GetString(), list.GetProperty("x-veil-role").GetString()));
    }

    [Fact]
    public async Task OrchestrationAdmin_QueryPagesDetailHistory_BadStatusNamed_TenantsForbidden()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("p1");
        var guest = Veil.Testing.GuestSpecBuilder.Plain("for-admin", Guid.NewGuid());
        await stack.Servers.CreateAsync("p-admin", guest);
        await stack.SettledAsync("p-admin", guest.ServerId);
        var instanceId = $"boot-{guest.ServerId:N}";
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>(stack.Services).WaitForInstanceCompletionAsync(instanceId);

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/orchestrations?status=Completed,Running&prefix=boot-&pageSize=1");
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/orchestrations/{instanceId}");
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/orchestrations/{instanceId}/history");
        var bad = await admin.GetAsync("/api/orchestrations?status=Exploded");
        var purge = await admin.DeleteAsync($"/api/orchestrations/{instanceId}");

        Assert.Single(page.GetProperty("instances").EnumerateArray());
        Assert.Equal("BootServer", detail.GetProperty("name").GetString());
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "execution-completed");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'Exploded' is not a status", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/orchestrations/{instanceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/api/poison")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/poison")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_ReadsClean_EveryOperationHasASummaryBearerAuthItsRoleRealStatusCodesAndSchemas()
    {
        using var api = stack.Anonymous();
        var json = await api.GetStringAsync("/openapi/v1.json");

        var read = Microsoft.OpenApi.OpenApiDocument.Parse(json, "json");
        var raw = JsonDocument.Parse(json).RootElement;

        Assert.Empty(read.Diagnostic!.Errors);
        var document = read.Document!;
        Assert.Equal(Microsoft.OpenApi.SecuritySchemeType.Http, document.Components!.SecuritySchemes!["bearer"].Type);
        var operations = document.Paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Operations!.Select(o => (Name: $"{o.Key.Method} {p.Key}", Path: p.Key, Method: o.Key.Method.ToLowerInvariant(), Operation: o.Value)))
            .ToList();
        Assert.Equal(49, operations.Count);
        Assert.All(operations, o =>
        {
            var responses = o.Operation.Responses!;
            var role = raw.GetProperty("paths").GetProperty(o.Path).GetProperty(o.Method).GetProperty("x-veil-role").GetString();
            Assert.False(string.IsNullOrWhiteSpace(o.Operation.Summary), o.Name);
            Assert.True(o.Operation.Security is { Count: > 0 }, o.Name + " declares no security");
            Assert.Contains(role, new[] { "tenant", "admin" });
            Assert.True(responses.ContainsKey("401") && responses.ContainsKey("429") && responses.ContainsKey("503"), o.Name + " lacks 401, 429 or 503");
            Assert.True(role != "admin" || responses.ContainsKey("403"), o.Name + " needs the admin role but lists no 403");
            var success = Assert.Single(responses, r => r.Key.StartsWith('2'));
            Assert.True(success.Key is "202" or "204" || success.Value.Content?.Values.Single().Schema is not null, o.Name + " has no response schema");
            Assert.All(responses.Where(r => r.Key[0] is '4' or '5'), r => Assert.True(r.Value.Content?.ContainsKey("application/problem+json") == true, $"{o.Name} {r.Key}"));
        });
        string[] Codes(string name) => operations.Single(o => o.Name == name).Operation.Responses!.Keys.Order().ToArray();
        Assert.Equal(["202", "400", "401", "403", "422", "429", "503"], Codes("POST /api/servers"));
        Assert.Equal(["202", "401", "404", "429", "503"], Codes("DELETE /api/servers/{id}"));
        Assert.Equal(["202", "400", "401", "404", "409", "429", "503"], Codes("POST /api/servers/{id}/action"));
        Assert.Equal(["201", "400", "401", "403", "409", "429", "503"], Codes("POST /api/flavors"));
        Assert.Equal(["200", "400", "401", "403", "429", "503"], Codes("GET /api/hosts"));
        Assert.Contains(operations.Single(o => o.Name == "GET /api/servers").Operation.Parameters!, p => p.Name == "marker");
    }

    [Fact]
    public async Task Fuzz_ThreeThousandHostileRequests_NeverA5xx()
    {
        using var api = stack.Api("fuzz");
        var random = new Random(20261124);
        string[] hostile = ["<x>&'\"", new string('a', 100_000), "\u0001\u0002", "ü🔥", "", " ", "null", "{}", "[]", "-1", "1e309", LoneSurrogate];
        string Value() => hostile[random.Next(hostile.Length)];
        var bodies = new List<(string Path, string Body)>();
        for (var i = 0; i < 3_000; i++)
        {
            var json = random.Next(6) switch
            {
                0 => $"{{\"flavorExtraSpecs\": {{\"{Escape(Value())}\": \"{Escape(Value())}\"}}, \"imageProperties\": {{\"hw_firmware_type\": \"{Escape(Value())}\"}}}}",
                1 => $"{{\"flavorExtraSpecs\": {(random.Next(2) == 0 ? "5" : "\"x\"")}}}",
                2 => $"{{\"name\": \"{Escape(Value())}\", \"flavorName\": \"{Escape(Value())}\", \"imageId\": \"{Escape(Value())}\", \"count\": {random.Next(-5, 100)}}}",
                3 => $"{{\"name\": \"{Escape(Value())}\", \"vCpus\": {random.Next(-2, 2000)}, \"memoryMiB\": \"{Escape(Value())}\"}}",
                4 => Value(),
                _ => $"{{\"flavorExtraSpecs\": {{\"hw:mem_encryption\": \"{Escape(Value())}\", \"hw:mem_encryption_model\": \"{Escape(Value())}\"}}, \"machineType\": \"{Escape(Value())}\"}}",
            };
            var path = random.Next(3) switch { 0 => "/api/mem-encryption/resolve", 1 => "/api/servers", _ => "/api/flavors" };
            bodies.Add((path, json));
        }

        var failures = new List<string>();
        foreach (var (path, body) in bodies)
        {
            var response = await api.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500 || (response.StatusCode == HttpStatusCode.BadRequest && (text.Contains("System.", StringComparison.Ordinal) || !text.Contains("\"field\"", StringComparison.Ordinal))))
            {
                failures.Add($"{(int)response.StatusCode} {path} {body[..Math.Min(200, body.Length)]}: {text[..Math.Min(300, text.Length)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
    }

    /// <summary>Stands for a lone UTF-16 surrogate, which JSON can carry only as an escape.</summary>
    /// <summary>A server without memory encryption, booted in <paramref name="project"/> and settled.</summary>
    private async Task<ServerRecord> ActivePlainServerAsync(HttpClient admin, HttpClient tenant, string project)
    {
        var (image, flavor) = await PlainImageAndApprovedFlavorAsync(admin);
        var created = await tenant.PostAsJsonAsync("/api/servers", new { name = "web", flavorName = flavor, imageId = image });
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];
        return await stack.SettledAsync(project, server.ServerId);
    }

    /// <summary>An image and an approved flavor without memory encryption, under fresh names.</summary>
    internal static async Task<(string Image, string Flavor)> PlainImageAndApprovedFlavorAsync(HttpClient admin)
    {
        var image = "img-" + Guid.NewGuid().ToString("N")[..8];
        var flavor = "plain-" + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostAsJsonAsync("/api/images", new { id = image, properties = new Dictionary<string, string>() })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/flavors", new { name = flavor, vCpus = 1, memoryMiB = 512, diskGiB = 1, extraSpecs = new Dictionary<string, string>() })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new { })).EnsureSuccessStatusCode();
        return (image, flavor);
    }

    private const string LoneSurrogate = "<lone surrogate>";

    private static string Escape(string s) => s == LoneSurrogate ? "\\ud800" : JsonEncodedText.Encode(s).ToString();
}
