using System.Net.Http.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Guests;
using Veil.Testing;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>Boots and deletes through the real stack: orchestration, placement, ledger, HostWorkers, libvirt's test driver.</summary>
[Collection(nameof(LocalVeil))]
public sealed class BootServerTests(LocalVeil stack)
{
    private const string Project = "project-a";

    private static GuestSpec Guest(string model) => GuestSpecBuilder.Encrypted(model) with { ServerId = Guid.NewGuid(), Name = $"{model}-server" };

    [Fact]
    public async Task SnpBoot_ActiveOnTheSnpHost_WithSevSnpDomainAndAnAsidSlot()
    {
        var guest = Guest("amd-sev-snp");

        await stack.Servers.CreateAsync(Project, guest);
        var server = await stack.SettledAsync(Project, guest.ServerId);

        Assert.Equal(ServerStatus.Active, server.Status);
        Assert.Equal(stack.Genoa, server.HostName);
        Assert.Equal($"{stack.Genoa}_amd_sev_snp", server.ProviderName);
        Assert.InRange(server.AsidSlot!.Value, 1, 99);
        var launchSecurity = XDocument.Parse(server.DomainXml!).Root!.Element("launchSecurity")!;
        Assert.Equal("sev-snp", (string?)launchSecurity.Attribute("type"));
        Assert.Equal("0x00030000", (string?)launchSecurity.Element("policy"));
        Assert.StartsWith($"Chose {stack.Genoa}; left out ", server.Placement, StringComparison.Ordinal);
        Assert.Contains($"{stack.Rome}: no HW_CPU_X86_AMD_SEV_SNP", server.Placement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostRowsThatCannotBeRead_LeftOutOfPlacementAndFlaggedToAdmins_OtherHostsStillBoot()
    {
        var storage = stack.Services.GetRequiredService<Veil.Storage.StorageAccount>();
        var table = await storage.TableAsync(Veil.Shared.Contracts.HostQueues.HostsTable);
        var garbled = "garbled-" + stack.Suffix;
        var impostor = "impostor-" + stack.Suffix;
        var genoaReport = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>("host", stack.Genoa)).Value.GetString("Report");
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("host", garbled) { ["Report"] = "{ not a report", ["HeartbeatAt"] = DateTimeOffset.UtcNow });
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("host", impostor) { ["Report"] = genoaReport, ["HeartbeatAt"] = DateTimeOffset.UtcNow });
        try
        {
            var guest = Guest("amd-sev-snp");
            await stack.Servers.CreateAsync(Project, guest);
            var server = await stack.SettledAsync(Project, guest.ServerId);
            var hosts = await stack.Services.GetRequiredService<Veil.Orchestrations.Hosts.HostRegistry>().ListAsync();

            Assert.Equal(ServerStatus.Active, server.Status);
            Assert.Equal(stack.Genoa, server.HostName);
            Assert.Single(hosts, h => h.Report.HostName == stack.Genoa); // the impostor row's copy of genoa's report is not a second genoa
            Assert.Contains(hosts, h => h.Report.HostName == stack.Rome);

            using var admin = stack.Api("ops", "admin");
            var flagged = await admin.GetFromJsonAsync<List<Veil.Shared.Api.UnreadableHostRow>>("/api/host-rows/unreadable", Veil.Shared.Contracts.VeilJson.Options);
            Assert.StartsWith("the report is not readable: ", Assert.Single(flagged!, r => r.Row == garbled).Problem, StringComparison.Ordinal);
            Assert.Equal($"the report names host '{stack.Genoa}', not the row's", Assert.Single(flagged!, r => r.Row == impostor).Problem);
            Assert.DoesNotContain(flagged!, r => r.Row == stack.Genoa);
            using var tenant = stack.Api("project-a");
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await tenant.GetAsync("/api/host-rows/unreadable")).StatusCode);
        }
        finally
        {
            await table.DeleteEntityAsync("host", garbled);
            await table.DeleteEntityAsync("host", impostor);
        }
    }

    [Fact]
    public async Task AFleetOfHundredsOfHosts_TheRecordKeepsASentence_TheWholeAccountIsKeptBesideIt()
    {
        // 400 hosts that stopped reporting: each is left out, and each is in the account.
        var table = await stack.Services.GetRequiredService<Veil.Storage.StorageAccount>().TableAsync(Veil.Shared.Contracts.HostQueues.HostsTable);
        var genoaReport = System.Text.Json.JsonSerializer.Deserialize<Veil.Shared.Contracts.HostReport>(
            (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>("host", stack.Genoa)).Value.GetString("Report")!, Veil.Shared.Contracts.VeilJson.Options)!;
        var silent = Enumerable.Range(0, 400).Select(i => $"silent-{i:D3}-{stack.Suffix}").ToList();
        foreach (var batch in silent.Chunk(100))
        {
            await table.SubmitTransactionAsync(batch.Select(name => new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.UpsertReplace,
                new Azure.Data.Tables.TableEntity("host", name)
                {
                    ["Report"] = System.Text.Json.JsonSerializer.Serialize(genoaReport with { HostName = name }, Veil.Shared.Contracts.VeilJson.Options),
                    ["HeartbeatAt"] = DateTimeOffset.UtcNow.AddHours(-1),
                })));
        }

        try
        {
            var guest = Guest("amd-sev-snp");
            await stack.Servers.CreateAsync(Project, guest);
            var server = await stack.SettledAsync(Project, guest.ServerId);
            using var admin = stack.Api("ops", "admin");
            var shown = (await admin.GetFromJsonAsync<Veil.Shared.Api.ServerRecord>($"/api/servers/{guest.ServerId}", Veil.Shared.Contracts.VeilJson.Options))!;

            Assert.Equal(ServerStatus.Active, server.Status);
            Assert.Null(server.PlacementAccount); // not in the record
            Assert.Contains("more hosts left out (", server.Placement, StringComparison.Ordinal);
            Assert.True(server.Placement!.Length < 4000, $"the sentence is {server.Placement.Length} characters");
            Assert.Equal(stack.Genoa, shown.PlacementAccount!.Chosen);
            Assert.True(silent.All(name => shown.PlacementAccount.LeftOut.Any(r => r.HostName == name)), "the account does not name every host left out");
        }
        finally
        {
            foreach (var batch in silent.Chunk(100))
            {
                await table.SubmitTransactionAsync(batch.Select(name => new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.Delete, new Azure.Data.Tables.TableEntity("host", name))));
            }
        }
    }

    [Fact]
    public async Task SevBoot_ActiveWithSevLaunchSecurityAndLockedMemory()
    {
        var guest = Guest("amd-sev");

        await stack.Servers.CreateAsync(Project, guest);
        var server = await stack.SettledAsync(Project, guest.ServerId);

        Assert.Equal(ServerStatus.Active, server.Status);
        Assert.Contains(server.HostName, new[] { stack.Genoa, stack.Rome });
        var domain = XDocument.Parse(server.DomainXml!).Root!;
        Assert.Equal("sev", (string?)domain.Element("launchSecurity")!.Attribute("type"));
        Assert.NotNull(domain.Element("memoryBacking")?.Element("locked"));
        // On genoa SEV slots are numbered above its 99 SEV-ES/SNP slots (ASIDs 100-1006); rome has no SEV-ES pool (1-509).
        Assert.InRange(server.AsidSlot!.Value, server.HostName == stack.Genoa ? 100 : 1, server.HostName == stack.Genoa ? 1006 : 509);
    }

    [Fact]
    public async Task PlainBoot_ActiveWithoutLaunchSecurityOrSlot()
    {
        var guest = GuestSpecBuilder.Plain("plain", Guid.NewGuid());

        await stack.Servers.CreateAsync(Project, guest);
        var server = await stack.SettledAsync(Project, guest.ServerId);

        Assert.Equal(ServerStatus.Active, server.Status);
        Assert.Null(server.AsidSlot);
        Assert.Null(XDocument.Parse(server.DomainXml!).Root!.Element("launchSecurity"));
    }

    [Fact]
    public async Task SnpBoots_NeverLandOnSevOnlyOrPlainHosts()
    {
        var guests = Enumerable.Range(0, 6).Select(_ => Guest("amd-sev-snp")).ToList();

        foreach (var guest in guests)
        {
            await stack.Servers.CreateAsync(Project, guest);
        }

        var servers = await Task.WhenAll(guests.Select(g => stack.SettledAsync(Project, g.ServerId)));
        Assert.All(servers, s => Assert.Equal(stack.Genoa, s.HostName));
        Assert.Equal(6, servers.Select(s => s.AsidSlot).Distinct().Count());
    }

    [Fact]
    public async Task SevEsBoot_NoHostOffersIt_ErrorExplainsEveryHost()
    {
        var guest = Guest("amd-sev-es");

        await stack.Servers.CreateAsync(Project, guest);
        var server = await stack.SettledAsync(Project, guest.ServerId);

        Assert.Equal(ServerStatus.Error, server.Status);
        Assert.StartsWith("No valid host was found.", server.Fault, StringComparison.Ordinal);
        Assert.Contains($"{stack.Genoa}: no HW_CPU_X86_AMD_SEV_ES: does not offer SEV-ES", server.Fault, StringComparison.Ordinal);
        Assert.Contains($"{stack.Rome}: no HW_CPU_X86_AMD_SEV_ES", server.Fault, StringComparison.Ordinal);
        Assert.Contains($"{stack.Intel}: no HW_CPU_X86_AMD_SEV_ES", server.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_DestroysTheDomainAndReleasesTheSlot()
    {
        var guest = Guest("amd-sev-snp");
        await stack.Servers.CreateAsync(Project, guest);
        var active = await stack.SettledAsync(Project, guest.ServerId);
        var ledger = stack.Services.GetRequiredService<AsidLedger>();
        Assert.Contains(await ledger.ListAsync(), c => c.ServerId == guest.ServerId);

        Assert.True(await stack.Servers.DeleteAsync(Project, guest.ServerId));
        var deleted = await stack.SettledAsync(Project, guest.ServerId);

        Assert.Equal(ServerStatus.Active, active.Status);
        Assert.Equal(ServerStatus.Deleted, deleted.Status);
        Assert.DoesNotContain(await ledger.ListAsync(), c => c.ServerId == guest.ServerId);
        Assert.False(await stack.Servers.DeleteAsync("project-b", guest.ServerId));
    }

    [Fact]
    public async Task DeleteWhileBuilding_StopsTheBootFirst_EndsDeletedWithNoSlotAndNoDomain()
    {
        var guest = Guest("amd-sev-snp");
        await stack.Servers.CreateAsync(Project, guest);

        // At once, as a tenant who changed their mind: the boot is still scheduling or claiming.
        Assert.True(await stack.Servers.DeleteAsync(Project, guest.ServerId));
        var settled = await stack.SettledAsync(Project, guest.ServerId);
        var deletedAt = DateTimeOffset.UtcNow;

        Assert.Equal(ServerStatus.Deleted, settled.Status);
        Assert.Null(settled.HostName);
        var boot = await stack.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>().GetInstanceAsync(BootServer.InstanceIdFor(guest.ServerId));
        Assert.True(boot is null or { IsCompleted: true }, $"the boot is still {boot?.RuntimeStatus} after its server was deleted");
        Assert.DoesNotContain(await stack.Services.GetRequiredService<AsidLedger>().ListAsync(), c => c.ServerId == guest.ServerId);
        var storage = stack.Services.GetRequiredService<Veil.Storage.StorageAccount>();
        var blob = (await storage.ContainerAsync(Veil.Shared.Contracts.HostQueues.Container(stack.Genoa))).GetBlobClient(Veil.Shared.Contracts.HostQueues.DomainsBlob);
        var domains = await Eventually.Until(
            async () => (await blob.DownloadContentAsync()).Value.Content.ToObjectFromJson<Veil.Shared.Contracts.HostDomains>(Veil.Shared.Contracts.VeilJson.Options)!,
            d => d.At > deletedAt,
            d => $"the host's last domain list is from {d.At:O}, before the delete ended");
        Assert.DoesNotContain(domains.Domains, d => d.ServerId == guest.ServerId);
        Assert.Equal(ServerStatus.Deleted, (await stack.Store.GetAsync(Project, guest.ServerId))!.Status); // the boot did not come back to life
    }
}
