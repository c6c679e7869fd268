using System.Security.Cryptography;
using System.Text;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.Shared.Tests.Guests;

public sealed class OpenSshPublicKeyTests
{
    [Fact]
    public void Parse_Ed25519Line_TypeAndFingerprintAsSshKeygenPrintsThem()
    {
        var blob = SshKeys.Blob(Encoding.ASCII.GetBytes("ssh-ed25519"), RandomNumberGenerator.GetBytes(32));
        var line = $"ssh-ed25519 {Convert.ToBase64String(blob)} tenant@laptop";

        var (key, problem) = OpenSshPublicKey.Parse("  " + line + "\n");

        Assert.Null(problem);
        Assert.Equal("ssh-ed25519", key!.Type);
        Assert.Equal(line, key.Line);
        Assert.Equal("SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('='), key.Fingerprint);
        Assert.DoesNotContain('=', key.Fingerprint);
    }

    [Fact]
    public void Parse_Rsa3072_Accepted()
    {
        var (key, problem) = OpenSshPublicKey.Parse(SshKeys.Rsa(3072));

        Assert.Null(problem);
        Assert.Equal("ssh-rsa", key!.Type);
    }

    [Fact]
    public void Parse_Rsa1024_RefusedNamingItsBits()
    {
        var (key, problem) = OpenSshPublicKey.Parse(SshKeys.Rsa(1024));

        Assert.Null(key);
        Assert.Contains("1024 bits", problem, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadKeys() => new()
    {
        { "", "empty" },
        { "ssh-dss AAAAB3NzaC1kc3M= old", "'ssh-dss' is not one of" },
        { "ssh-ed25519", "no key after it" },
        { "ssh-ed25519 not*base64 me", "not base64" },
        { $"ssh-ed25519 {Convert.ToBase64String(SshKeys.Blob(Encoding.ASCII.GetBytes("ssh-rsa"), new byte[32]))} x", "does not say 'ssh-ed25519'" },
        { $"ssh-ed25519 {Convert.ToBase64String(SshKeys.Blob(Encoding.ASCII.GetBytes("ssh-ed25519"), new byte[31]))} x", "not 32 bytes" },
        { $"ecdsa-sha2-nistp256 {Convert.ToBase64String(SshKeys.Blob(Encoding.ASCII.GetBytes("ecdsa-sha2-nistp256")))} x", "cut short" },
        { "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", "one line" },
        { "-----BEGIN RSA PUBLIC KEY----- MIIBCgKCAQEA -----END RSA PUBLIC KEY-----", "PEM block" },
        { "ssh-ed25519 " + new string('A', OpenSshPublicKey.MaxLength), "at most" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void Parse_NotAKey_ProblemSaysWhy(string text, string why)
    {
        var (key, problem) = OpenSshPublicKey.Parse(text);

        Assert.Null(key);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }
}
