using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Veil.Portal.Components.Pages.Admin;

namespace Veil.Portal.Tests;

public sealed class AdminImagesTests : BunitTest
{
    public AdminImagesTests()
    {
        SignInAdmin();
        Api.Answers["/api/images"] = """
            [{"id":"debian","name":"Debian","properties":{},"files":{"disk":{"source":"blob:veil-images/debian/disk/1","sizeBytes":1048576,"sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","format":"qcow2"}}},
             {"id":"empty","name":"Empty","properties":{}}]
            """;
    }

    [Fact]
    public void Images_ShowEachFileWithFormatSizeAndHash()
    {
        var page = Render<Images>();

        page.WaitForAssertion(() => Assert.Contains("disk (qcow2): 1048576 bytes, SHA-256 0123456789ab…", page.Find("[data-testid=files-debian]").TextContent, StringComparison.Ordinal));
        Assert.Equal("", page.Find("[data-testid=files-empty]").TextContent.Trim());
    }

    [Fact]
    public void Register_FreshForm_IdNotRedBeforeTyping_BadIdRedOnceTyped()
    {
        var page = Render<Images>();
        page.WaitForAssertion(() => page.Find("[data-testid=files-debian]"));

        Assert.DoesNotContain("The id must be", page.Markup, StringComparison.Ordinal);
        Type(page, "image-id", "bad id");
        page.WaitForAssertion(() => Assert.Contains("The id must be", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void UploadAFile_StreamedToTheApiAsTheImagesDisk_WithItsFormat()
    {
        Api.Answers["/api/images/debian/files/disk"] = "{}";
        var page = Render<Images>();
        page.WaitForAssertion(() => page.Find("[data-testid=files-debian]"));
        byte[] disk = [(byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 3, 42];

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(disk, "debian.qcow2"));

        page.WaitForAssertion(() => Assert.Contains("/api/images/debian/files/disk Bearer", Api.Seen));
        Assert.Equal(disk.Length, Api.Bodies["/api/images/debian/files/disk"].Length);
    }

    [Fact]
    public void UploadRefused_TheApisReasonIsShown()
    {
        var page = Render<Images>();
        page.WaitForAssertion(() => page.Find("[data-testid=files-debian]"));

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("not a disk", "notes.txt"));

        page.WaitForAssertion(() => Assert.Contains("/api/images/debian/files/disk Bearer", Api.Seen));
        var snackbar = Services.GetRequiredService<MudBlazor.ISnackbar>();
        page.WaitForAssertion(() => Assert.Contains(snackbar.ShownSnackbars, s => s.Message != null && s.Message.Contains("404 Not Found", StringComparison.Ordinal)));
    }
}
