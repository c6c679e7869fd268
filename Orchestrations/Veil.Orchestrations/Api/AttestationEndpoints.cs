using System.Security.Claims;
using System.Text;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Shared.Attestation;
using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Api;

/// <summary>
/// Attestation for tenants: an SNP server's expected measurement and its inputs, and a checker for a report the
/// tenant fetched inside the guest. Advisory: Veil is the party being attested, so the tenant should check with
/// AMD's root pinned themselves; the answer says so.
/// </summary>
internal static class AttestationEndpoints
{
    public const string Advisory = "Advisory: Veil is the party being attested. Pin AMD's root certificate (ARK) yourself and check the report with a tool of your own (snpguest verify, sev-snp-measure); Veil's check proves only what its own copy of AMD's roots proves.";

    public static void MapAttestation(this RouteGroupBuilder api)
    {
        api.MapGet("/servers/{id}/attestation", async (string id, ClaimsPrincipal user, ServerStore servers, CancellationToken ct) =>
            await ServersEndpoints.FindAsync(id, VeilCaller.From(user), servers, ct) switch
            {
                null => ApiProblems.NotFound($"Server '{id}'"),
                { Model: not MemoryEncryptionModel.AmdSevSnp } server => ApiProblems.Conflict(NotSnp(server)),
                { Attestation: null } server => ApiProblems.Conflict($"Server {server.ServerId} has no expected measurement yet: its host computes it when it starts the guest (status {server.Status})."),
                var server => Results.Ok(View(server.ServerId, server.Attestation)),
            })
            .Doc<AttestationView>("An SEV-SNP server's expected launch measurement, its inputs, and how to check a report", StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPost("/servers/{id}/attestation/verify", async (string id, VerifyAttestationRequest body, ClaimsPrincipal user, ServerStore servers, CancellationToken ct) =>
        {
            var server = await ServersEndpoints.FindAsync(id, VeilCaller.From(user), servers, ct);
            if (server is null)
            {
                return ApiProblems.NotFound($"Server '{id}'");
            }

            if (server.Attestation is not { Measurement: { } measurement } expected)
            {
                return ApiProblems.Conflict(server.Model == MemoryEncryptionModel.AmdSevSnp
                    ? $"Server {server.ServerId} has no expected measurement to check a report against{(server.Attestation?.Problem is { } why ? $": {why}" : " yet")}."
                    : NotSnp(server));
            }

            return Verify(body, new AttestationExpectations(
                Convert.FromHexString(measurement),
                Convert.ToUInt64(expected.Policy, 16),
                Convert.FromHexString(expected.HostData)));
        })
            .Doc<AttestationVerdictView>("Check an attestation report from the server against what Veil expects", StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPost("/attestation/verify", (VerifyAttestationRequest body) => Verify(body, null))
            .Doc<AttestationVerdictView>("Check a report's authenticity (AMD's chain, its signature) and show its fields", StatusCodes.Status200OK, StatusCodes.Status400BadRequest);
    }

    private static string NotSnp(ServerRecord server) =>
        $"Server {server.ServerId} is not an SEV-SNP guest ({server.Model?.Info().DisplayName ?? "no memory encryption"}): only SNP guests get attestation reports; an SEV or SEV-ES launch measurement can be checked only in a guest-owner session, which Veil does not set up.";

    private static AttestationView View(Guid serverId, ExpectedMeasurement expected)
    {
        var kernel = expected.KernelSha256 is not null;
        return new AttestationView(
            serverId,
            expected,
            expected.Measurement is { } hex ? Convert.ToBase64String(Convert.FromHexString(hex)) : null,
            ServerHostData.Descriptor(serverId),
            [
                "the firmware file, every page of it",
                $"the initial state of each of the {expected.VCpus} vCPUs (signature {expected.CpuSignature}, SEV features {expected.SevFeatures})",
                .. kernel ? new[] { "the kernel, the initrd and the kernel command line (direct kernel boot with kernel hashes)" } : [],
            ],
            [
                kernel ? "the disk's contents" : "the disk's contents: its boot loader, kernel, initrd and everything the firmware loads from it",
                "the config drive: metadata, user data and SSH keys",
                "memory size, disks, network interfaces",
                "the guest policy and HOST_DATA (the report carries them in fields of their own: check them there)",
            ],
            [
                "snpguest report report.bin request.bin --random   # or put your own 64-byte nonce in request.bin and leave out --random",
                "snpguest fetch ca pem ./certs -r report.bin        # AMD's ARK and ASK for the report's product",
                "snpguest fetch vcek pem ./certs report.bin         # the VCEK of this chip and TCB, from AMD",
                "snpguest verify certs ./certs && snpguest verify attestation ./certs report.bin",
                $"snpguest display report report.bin               # compare MEASUREMENT with {expected.Measurement ?? "(not computed)"}",
                $"printf 'veil-server:%s' {serverId} | sha256sum    # HOST_DATA must be this",
            ],
            Advisory);
    }

    private static IResult Verify(VerifyAttestationRequest body, AttestationExpectations? expected)
    {
        try
        {
            var report = AttestationReport.Parse(Bytes(body.Report, "report"));
            var vcek = AmdCertificates.Read(body.Vcek.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal) ? Encoding.ASCII.GetBytes(body.Vcek) : Bytes(body.Vcek, "vcek"), "vcek");
            var chain = body.Chain is { Length: > 0 } pem ? AmdCertificates.ReadBundle(pem, "chain") : null;
            var nonce = body.Nonce is { Length: > 0 } n ? Nonce(n) : null;
            // Without a server, a nonce or VMPL given is still checked (with the policy lines, which hold for any guest).
            var against = expected ?? (nonce is null && body.Vmpl is null ? null : new AttestationExpectations());
            var verdict = ReportVerifier.Verify(report, vcek, AmdCertificates.Shipped, against is null ? null : against with { Nonce = nonce, Vmpl = body.Vmpl }, chain);
            return Results.Ok(new AttestationVerdictView(verdict.Passed, verdict.Product.ToString(), verdict.Checks, verdict.Fields, Advisory));
        }
        catch (AttestationFormatException e)
        {
            return ApiProblems.BadField(e.Input, e.Message + ".");
        }
    }

    /// <summary>Base64, or hex (a report's text form); either names <paramref name="field"/> when it is neither.</summary>
    private static byte[] Bytes(string text, string field)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        if (field == "report" && compact.Length == AttestationReport.Size * 2 && compact.All(Uri.IsHexDigit))
        {
            return Encoding.ASCII.GetBytes(compact);
        }

        try
        {
            return Convert.FromBase64String(compact);
        }
        catch (FormatException)
        {
            throw new AttestationFormatException(field, $"{field} must be base64{(field == "report" ? " or hex" : " (DER) or PEM")}");
        }
    }

    private static byte[] Nonce(string hex)
    {
        var compact = string.Concat(hex.Where(c => !char.IsWhiteSpace(c)));
        return compact.Length is > 0 and <= 128 && compact.Length % 2 == 0 && compact.All(Uri.IsHexDigit)
            ? Convert.FromHexString(compact)
            : throw new AttestationFormatException("nonce", "nonce must be hex, at most 64 bytes (128 digits)");
    }
}
