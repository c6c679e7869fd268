using Microsoft.AspNetCore.Http.Features;
using Veil.Orchestrations.Catalog;
using Veil.Orchestrations.Images;
using Veil.Shared.Api;
using Veil.Shared.Guests;

namespace Veil.Orchestrations.Api;

/// <summary>
/// <c>PUT /api/images/{id}/files/{part}?format=</c> (admins): the body is the file's bytes, stored in Veil's storage
/// account where every host fetches it from; its size and SHA-256 are measured on the way in.
/// </summary>
internal static class ImageFilesEndpoints
{
    public static void MapImageFiles(this RouteGroupBuilder admin) =>
        admin.MapPut("/images/{id}/files/{part}", UploadAsync)
            .Doc<Image>("Upload an image's disk, kernel or initrd", StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge).Accepts<Stream>("application/octet-stream");

    private static async Task<IResult> UploadAsync(string id, string part, string? format, HttpContext http, CatalogStore catalog, ImageUploads uploads, CancellationToken ct)
    {
        if (!GuestImage.PartNames.Contains(part))
        {
            return ApiProblems.BadField("part", $"'{part}' is not a part of an image; upload one of {string.Join(", ", GuestImage.PartNames)}.");
        }

        if (part == "disk" ? !ImageFile.DiskFormats.Contains(format) : format is not null)
        {
            return ApiProblems.BadField("format", part == "disk"
                ? $"A disk needs ?format= one of {string.Join(", ", ImageFile.DiskFormats)} (it was '{format}')."
                : $"A {part} has no format; leave ?format= out.");
        }

        if (await catalog.GetImageAsync(id, ct) is not { } image)
        {
            return ApiProblems.NotFound($"Image '{id}'");
        }

        if (image.Files?.Of(part) is { } existing)
        {
            return PartTaken(id, part, existing);
        }

        if (part == "initrd" && image.Files?.Kernel is null)
        {
            return ApiProblems.BadField("part", "An initrd needs a kernel beside it; upload the kernel first.");
        }

        // The limit is Veil's own (Images:MaxUploadMiB), counted as the blocks arrive, not Kestrel's 30 MB default.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var (file, refusal) = await uploads.StoreAsync(id, part, format, http.Request.Body, ct);
        if (refusal is not null)
        {
            return refusal.TooLarge
                ? Results.Problem(refusal.Message, statusCode: StatusCodes.Status413PayloadTooLarge)
                : ApiProblems.BadField("body", refusal.Message);
        }

        var (updated, taken) = await catalog.AttachImageFileAsync(id, part, file!, ct);
        if (updated is null || taken)
        {
            await uploads.DeleteAsync(file!, ct);
            return updated is null ? ApiProblems.NotFound($"Image '{id}'") : PartTaken(id, part, updated.Files!.Of(part)!);
        }

        return Results.Ok(updated);
    }

    private static IResult PartTaken(string id, string part, ImageFile existing) =>
        ApiProblems.Conflict($"Image '{id}' already has its {part} ({existing.SizeBytes} bytes, SHA-256 {existing.Sha256}); an image's files do not change — register a new image.");
}
